"""The audit trail: git history of the folder or of one record."""

from __future__ import annotations

import re
from typing import List, Optional

from rosa_cli.core import gitrepo
from rosa_cli.core.folder import SHELTERS_FILE, RecordsFolder
from rosa_cli.core.messages import Message, msg

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
        raise gitrepo.GitError(msg("history.no_repository", "the records folder is not in a git repository; there is no history"))
    if not record_id:
        return gitrepo.history(folder.root)
    kind = KIND_BY_PREFIX.get(record_id.split("-")[0])
    if kind is None:
        if record_id in folder.shelters:
            return [e for e in gitrepo.history(folder.root, [SHELTERS_FILE]) if record_id in e.message.split()]
        raise LookupError(msg("history.not_an_id", "{id} is not a record id (W-…, S-…, C-…) or a shelter key", id=repr(record_id)))
    spec = record_pathspec(record_id)
    own = {e.commit for e in gitrepo.history(folder.root, [spec])} if spec else set()
    everything = gitrepo.history(folder.root)
    naming = [e for e in everything if _names(e.message, record_id)]
    if kind == "woman":
        own |= _about_her(folder, record_id, naming)
    own |= {e.commit for e in naming}
    entries = [e for e in everything if e.commit in own]
    if not entries and folder.record_path(kind, record_id) is None:
        raise LookupError(msg("history.unknown_id", "{id} does not exist and no commit names it", id=record_id))
    return entries


def _about_her(folder: RecordsFolder, woman_id: str, naming: List[gitrepo.LogEntry]) -> set:
    """Commits of the records about a woman: her calls and stays as they are now (``call
    add`` names only the call), and the records named together with her in a commit (a
    call voided since: ``void C-… (woman W-…)``), each with its whole history."""
    from rosa_cli.core.folder import load_records

    records = load_records(folder, kinds=("stay", "call"))
    related = {s.id for s in records.stays.values() if s.woman == woman_id}
    related |= {c.id for c in records.calls.values() if getattr(c, "woman", None) == woman_id}
    for entry in naming:
        related |= {word for word in _words(entry.message) if _RECORD_ID.match(word) and word != woman_id and word[0] != "W"}
    specs = sorted(filter(None, (record_pathspec(i) for i in related)))
    if not specs:
        return set()
    return {e.commit for e in gitrepo.history(folder.root, specs)}


def void_reasons(folder: RecordsFolder, entries: List[gitrepo.LogEntry]) -> dict:
    """The reason kept in each void commit's body (it passed the free-text check when
    the record was voided), by commit: ``rosa log`` shows why a record was withdrawn."""
    reasons = {}
    for entry in entries:
        if entry.message.startswith("void "):
            body = gitrepo.commit_body(folder.root, entry.commit)
            for line in body.splitlines():
                if line.startswith("Reason: "):
                    reasons[entry.commit] = line[len("Reason: "):].strip()
    return reasons


def shallow_warning(folder: RecordsFolder) -> Optional[Message]:
    """A plain warning when the folder's git history is cut short (a shallow clone)."""
    if not gitrepo.is_shallow(folder.root):
        return None
    return msg(
        "history.shallow",
        "this copy of the records has only part of the git history (a shallow clone); changes made before "
        "its oldest commit are not shown, and that oldest commit also stands in for all of them. "
        "Run git fetch --unshallow in the records folder for the whole history",
    )


def _words(message: str) -> List[str]:
    text = message.replace(":", " ")
    for mark in "(),;":
        text = text.replace(mark, " ")
    return text.split()


def _names(message: str, record_id: str) -> bool:
    return record_id in _words(message)
