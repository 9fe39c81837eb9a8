"""The audit trail: git history of the folder or of one record."""

from __future__ import annotations

from typing import List, Optional

from rosa_cli.core import gitrepo
from rosa_cli.core.folder import SHELTERS_FILE, RecordsFolder

KIND_BY_PREFIX = {"W": "woman", "S": "stay", "C": "call"}


def record_history(folder: RecordsFolder, record_id: Optional[str]) -> List[gitrepo.LogEntry]:
    """Newest first. For one record: its file's commits plus commits naming its id."""
    if gitrepo.repository_top(folder.root) is None:
        raise gitrepo.GitError("the records folder is not in a git repository; there is no history")
    if not record_id:
        return gitrepo.history(folder.root)
    kind = KIND_BY_PREFIX.get(record_id.split("-")[0])
    if kind is None:
        if record_id in folder.shelters:
            return [e for e in gitrepo.history(folder.root, [SHELTERS_FILE]) if record_id in e.message.split()]
        raise LookupError(f"{record_id!r} is not a record id (W-…, S-…, C-…) or a shelter key")
    path = folder.record_path(kind, record_id)
    own = {e.commit for e in gitrepo.history(folder.root, [folder.shown(path)])} if path else set()
    entries = [e for e in gitrepo.history(folder.root) if e.commit in own or _names(e.message, record_id)]
    if not entries and path is None:
        raise LookupError(f"{record_id} does not exist and no commit names it")
    return entries


def _names(message: str, record_id: str) -> bool:
    return record_id in message.replace("(", " ").replace(")", " ").replace(";", " ").replace(",", " ").split()
