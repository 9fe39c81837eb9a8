"""The folder's uncommitted record files, remembered while nothing git looks at changed.

``rosa report`` says whether the records had uncommitted changes, and ``rosa check``
names them; both ask ``git status``, which at 100,000 calls lstats every file again
(~0.3 s of processor, issue 16) right after rosa itself looked at every file. So the
answer is remembered, in ``.rosa-cache/status.marshal`` (owner-only, git-ignored),
together with everything it depends on, and given again only when all of that is
unchanged:

* HEAD's commit, and the stat signatures (size, inode, mtime_ns, ctime_ns) of git's
  index, its config and ``info/exclude`` — a commit, ``git add``/``rm --cached``, a
  changed ignore rule all change one of them;
* the stat signatures of the top-level files rosa commits (``rosa.yaml``,
  ``shelters.yaml``, ``.gitignore``, ``history-rewrites.yaml``);
* every record folder's files (:attr:`Records.fingerprint <rosa_cli.core.model.Records>`):
  the same folders, the same file names, every file with the same signature. It is
  given again only when every folder was found exactly as the records cache holds it,
  and cache entries only hold files whose mtime and ctime were older than the moment
  they were written (git's "racy clean" rule), so a file changed since changes it.

An answer is remembered only when the first two were the same before and after ``git
status`` ran (git may refresh its index; a ``git add`` may race it), and only for a
folder that is a plain repository of its own (:func:`rosa_cli.core.gitrepo.plain_git_dir`).
Anything else — a missing or foreign memo, any difference — asks git, as before.
``ROSA_NO_CACHE=1`` turns the memo off with the records cache.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import List, Optional, Tuple

MEMO_FILE = "status.marshal"
_TOP_FILES = ("rosa.yaml", "shelters.yaml", ".gitignore", "history-rewrites.yaml")
_GIT_FILES = ("index", "config", "info/exclude")
VERSION = 1


def _signature(path: Path) -> Optional[Tuple[int, int, int, int]]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns


def git_state(root: Path) -> Optional[tuple]:
    """What besides the record folders ``git status`` depends on; None when the folder
    is not a plain repository of its own (then nothing is remembered)."""
    from rosa_cli.core import gitrepo

    if os.environ.get("ROSA_NO_CACHE"):
        return None
    git_dir = gitrepo.plain_git_dir(root)
    if git_dir is None:
        return None
    head = gitrepo.current_head(root)
    if head is None:
        return None
    return (VERSION, head, tuple(_signature(git_dir / name) for name in _GIT_FILES),
            tuple(_signature(root / name) for name in _TOP_FILES))


def _memo_path(root: Path) -> Path:
    return root / ".rosa-cache" / MEMO_FILE


def _read_memo(root: Path) -> Optional[tuple]:
    """``(state, fingerprint hash, uncommitted)`` as remembered, or None."""
    try:
        memo = marshal.loads(_memo_path(root).read_bytes())
        state, fingerprint, uncommitted = memo
    except Exception:  # missing, truncated, foreign
        return None
    return (state, fingerprint, uncommitted) if isinstance(uncommitted, list) else None


def recall(memo: Optional[tuple], state: Optional[tuple], fingerprint: Optional[Tuple[str, bool]]) -> Optional[List[str]]:
    """The remembered uncommitted record files when ``state`` and ``fingerprint`` are
    the ones they were remembered with, and every folder was found as cached (so no
    file changed since its entry was written, racy clock ticks included); else None."""
    if memo is None or state is None or fingerprint is None or not fingerprint[1]:
        return None
    stored_state, stored_fingerprint, uncommitted = memo
    if stored_state != state or stored_fingerprint != fingerprint[0]:
        return None
    return [path for path in uncommitted if isinstance(path, str)]


def remember(root: Path, before: Optional[tuple], fingerprint: Optional[Tuple[str, bool]], uncommitted: List[str]) -> None:
    """Keep ``uncommitted`` — git's answer, asked in state ``before`` — when the state is
    still the same now. It is given again only to a command that finds every folder as
    cached with the same fingerprint: the files as this command saw them, cached whole."""
    if before is None or fingerprint is None or git_state(root) != before:
        return
    from rosa_cli.core.yamlio import atomic_write_bytes

    try:
        if (root / ".rosa-cache").is_dir():
            atomic_write_bytes(_memo_path(root), marshal.dumps((before, fingerprint[0], list(uncommitted))))
    except (OSError, ValueError):
        pass  # not remembered: git is asked next time


class UncommittedQuery:
    """The uncommitted record files for a command that reads the records (``report``,
    ``check``): started before the records are loaded, answered after.

    When the memo was made in the folder's present git state, git is not asked until the
    records' fingerprint is known (usually never: the memo answers). Otherwise ``git
    status`` starts at once and runs on the second core while the records load, as
    before the memo; its answer is then remembered for the next command.
    """

    def __init__(self, root: Path, provenance: bool = False) -> None:
        """``provenance``: the caller wants :meth:`provenance` (a report), which a folder
        inside a bigger repository also has; ``check`` names no file there."""
        from rosa_cli.core import gitrepo

        self.root = root
        self.state = git_state(root)
        self.own = self.state is not None or gitrepo.is_own_repository(root)
        self.other = None  # a folder inside a bigger repository: provenance as before, no memo
        self.pending = None
        # read once: when it was not made in this state, git is asked at once, in the
        # background, while the records load
        self.memo = _read_memo(root) if self.state is not None else None
        if not self.own:
            if provenance:
                self.other = gitrepo.in_background(gitrepo.provenance, root)
        elif self.memo is None or self.memo[0] != self.state:
            self.pending = gitrepo.in_background(self._ask)

    def provenance(self, fingerprint: Optional[Tuple[str, bool]]) -> dict:
        """What :func:`rosa_cli.core.gitrepo.provenance` says: the commit, and whether
        no record file had uncommitted changes."""
        from rosa_cli.core import gitrepo

        if not self.own:
            return self.other() if self.other is not None else gitrepo.provenance(self.root)
        head, uncommitted = self.answer(fingerprint)
        return {"commit": head, "clean": not uncommitted}

    def uncommitted(self, fingerprint: Optional[Tuple[str, bool]]) -> List[str]:
        """:func:`rosa_cli.core.gitrepo.uncommitted_paths` (nothing outside a repository
        of its own, as ``rosa check`` wants it)."""
        if not self.own:
            return []
        return self.answer(fingerprint)[1]

    def _ask(self) -> Tuple[Optional[tuple], Optional[str], List[str]]:
        from rosa_cli.core import gitrepo

        before = git_state(self.root)
        if before is None:  # not a plain repository of its own: git says what it says
            return None, gitrepo.head_commit(self.root), gitrepo.folder_status(self.root).uncommitted
        return before, before[1], gitrepo.folder_status(self.root).uncommitted

    def answer(self, fingerprint: Optional[Tuple[str, bool]]) -> Tuple[Optional[str], List[str]]:
        """``(HEAD's commit, uncommitted record files)`` for the records whose
        :attr:`~rosa_cli.core.model.Records.fingerprint` is ``fingerprint``."""
        from rosa_cli.core import gitrepo

        if self.pending is None:
            found = recall(self.memo, self.state, fingerprint)
            if found is not None and self.state is not None:
                return self.state[1], found
            self.pending = gitrepo.in_background(self._ask)
        before, head, uncommitted = self.pending()
        remember(self.root, before, fingerprint, uncommitted)
        return head, uncommitted
