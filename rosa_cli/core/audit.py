"""The audit trail: git history of the folder or of one record."""

from __future__ import annotations

import re
from typing import List, Optional

from rosa_cli.core import gitrepo
from rosa_cli.core.folder import SHELTERS_FILE, RecordsFolder

KIND_BY_PREFIX = {"W": "woman", "S": "stay", "C": "call"}
_RECORD_ID = re.compile(r"^[WSC]-\d{4}-[0-9A-Z]+$")


def record_pathspec(record_id: str) -> Optional[str]:
    """Where a record's file lives or lived, from its id alone (the file may be gone).

    Calls are filed under the year they were made, which is not always the id's year
    (an id may be given), so calls are found with a glob over every year folder.
    """
    if not _RECORD_ID.match(record_id):
        return None
    prefix = record_id[0]
    if prefix == "W":
        return f"women/{record_id}.yaml"
    if prefix == "S":
        return f"stays/{record_id}.yaml"
    return f":(glob)calls/*/{record_id}.yaml"


def record_history(folder: RecordsFolder, record_id: Optional[str]) -> List[gitrepo.LogEntry]:
    """Newest first. For one record: every commit that touched its file (including the
    one that deleted it) plus commits naming its id (a stay opened for her, say)."""
    if gitrepo.repository_top(folder.root) is None:
        raise gitrepo.GitError("the records folder is not in a git repository; there is no history")
    if not record_id:
        return gitrepo.history(folder.root)
    kind = KIND_BY_PREFIX.get(record_id.split("-")[0])
    if kind is None:
        if record_id in folder.shelters:
            return [e for e in gitrepo.history(folder.root, [SHELTERS_FILE]) if record_id in e.message.split()]
        raise LookupError(f"{record_id!r} is not a record id (W-…, S-…, C-…) or a shelter key")
    spec = record_pathspec(record_id)
    own = {e.commit for e in gitrepo.history(folder.root, [spec])} if spec else set()
    entries = [e for e in gitrepo.history(folder.root) if e.commit in own or _names(e.message, record_id)]
    if not entries and folder.record_path(kind, record_id) is None:
        raise LookupError(f"{record_id} does not exist and no commit names it")
    return entries


def shallow_warning(folder: RecordsFolder) -> Optional[str]:
    """A plain warning when the folder's git history is cut short (a shallow clone)."""
    if not gitrepo.is_shallow(folder.root):
        return None
    return (
        "this copy of the records has only part of the git history (a shallow clone); changes made before "
        "its oldest commit are not shown, and that oldest commit also stands in for all of them. "
        "Run git fetch --unshallow in the records folder for the whole history"
    )


def _names(message: str, record_id: str) -> bool:
    text = message.replace(":", " ")
    for mark in "(),;":
        text = text.replace(mark, " ")
    return record_id in text.split()
