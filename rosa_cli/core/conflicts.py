"""Pending sync conflicts and the resolutions people chose, kept outside the working tree.

A sync that finds the same field changed here and at another office moves nothing: no
``<<<<<<<`` markers, no half-finished git merge, so every other command keeps working.
It writes what it found to ``<git dir>/rosa/conflicts.json`` (owner-only; the values
are as private as the records, and ``.git`` already holds them): the remote commit, and
per record the blob of each side and the conflicting fields. ``rosa resolve`` adds a
resolution — keep mine, keep theirs, or an edited text — tied to the two blobs it was
chosen for; the next ``rosa sync`` recomputes the merge and uses a resolution only
while both sides of that record are still exactly what the person saw.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from rosa_cli.core import gitrepo


@dataclass
class RecordConflict:
    record_id: str
    path: str  # relative path in the records folder
    mine_blob: Optional[str]
    theirs_blob: Optional[str]
    fields: List[dict] = field(default_factory=list)  # {"field", "base", "mine", "theirs"}


@dataclass
class Resolution:
    mine_blob: Optional[str]
    theirs_blob: Optional[str]
    keep: Optional[str] = None  # "mine" | "theirs"
    text: Optional[str] = None  # an edited record text (from rosa resolve --edit)


@dataclass
class Pending:
    remote: str = ""
    remote_commit: str = ""
    local_commit: str = ""
    conflicts: List[RecordConflict] = field(default_factory=list)
    resolutions: Dict[str, Resolution] = field(default_factory=dict)

    def find(self, record_id: str) -> Optional[RecordConflict]:
        return next((c for c in self.conflicts if c.record_id == record_id), None)

    def resolution_for(self, conflict: RecordConflict) -> Optional[Resolution]:
        found = self.resolutions.get(conflict.record_id)
        if found and found.mine_blob == conflict.mine_blob and found.theirs_blob == conflict.theirs_blob:
            return found
        return None

    def unsettled(self) -> List[RecordConflict]:
        return [c for c in self.conflicts if self.resolution_for(c) is None]


def state_file(root: Path) -> Path:
    git_dir = Path(gitrepo.run_git(root, ["rev-parse", "--absolute-git-dir"]).stdout.strip())
    return git_dir / "rosa" / "conflicts.json"


def load(root: Path) -> Pending:
    """The pending conflicts (an empty :class:`Pending` when there are none)."""
    if not gitrepo.is_own_repository(root):
        return Pending()
    path = state_file(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Pending()
    except (OSError, ValueError):
        return Pending()  # unreadable: the next sync recomputes everything anyway
    return Pending(
        remote=data.get("remote", ""),
        remote_commit=data.get("remote_commit", ""),
        local_commit=data.get("local_commit", ""),
        conflicts=[RecordConflict(**c) for c in data.get("conflicts", [])],
        resolutions={k: Resolution(**v) for k, v in data.get("resolutions", {}).items()},
    )


def save(root: Path, pending: Pending) -> None:
    from rosa_cli.core.yamlio import atomic_write

    path = state_file(root)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path.parent, 0o700)
    atomic_write(path, json.dumps(asdict(pending), indent=1, ensure_ascii=False, default=str))


def clear(root: Path) -> None:
    if not gitrepo.is_own_repository(root):
        return
    state_file(root).unlink(missing_ok=True)
