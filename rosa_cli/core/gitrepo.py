"""Git as the audit trail: one command, one commit; history answers "who changed this?".

rosa talks to the real ``git`` program (no library): what a coordinator can see with
``git log`` is exactly what rosa wrote. Commit messages name the command, the record
ids and the fields touched — never values — so the history is safe to show an auditor.

When git's ``index.lock`` is held by another rosa command a moment ago, we wait and
retry with backoff; we never delete git's lock ourselves.
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence

LOCK_RETRY_SECONDS = 20.0
RECORD_PATHS = ("rosa.yaml", "shelters.yaml", "women", "stays", "calls", ".gitignore")


class GitError(Exception):
    """git refused or failed; the message is plain words for a coordinator."""


def _run(root: Path, args: Sequence[str], check: bool = True, env: Optional[dict] = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.setdefault("GIT_TERMINAL_PROMPT", "0")
    full_env["LC_ALL"] = "C"
    if env:
        full_env.update(env)
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            env=full_env,
            encoding="utf-8",
            errors="replace",
            umask=0o077,  # objects and index readable by the owner only
        )
    except FileNotFoundError:
        raise GitError("git is not installed; install git to keep the audit trail") from None
    if check and result.returncode != 0:
        raise GitError(_explain(result.stderr or result.stdout))
    return result


def _explain(stderr: str) -> str:
    text = stderr.strip()
    lowered = text.lower()
    if "please tell me who you are" in lowered or "author identity unknown" in lowered or "empty ident" in lowered:
        return (
            "git does not know who you are, so nothing was committed; run "
            "git config --global user.name 'Your initials' and git config --global user.email you@example.org"
        )
    if "no space left" in lowered:
        return "the disk is full; git could not commit"
    if "index.lock" in lowered:
        return "another git command holds the records folder's lock (.git/index.lock); try again in a moment"
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "git failed"


_TOPS: dict = {}  # folder -> repository top, remembered for this process


def repository_top(folder: Path) -> Optional[Path]:
    """The top folder of the git repository holding ``folder``, if any.

    Asked once per folder and process (a command asks several times); only
    :func:`init_repository` changes the answer, and it forgets it.
    """
    key = str(folder)
    if key in _TOPS:
        return _TOPS[key]
    try:
        result = _run(folder, ["rev-parse", "--show-toplevel"], check=False)
    except GitError:
        return None
    top = Path(result.stdout.strip()) if result.returncode == 0 else None
    _TOPS[key] = top
    return top


def is_own_repository(folder: Path) -> bool:
    """True when ``folder`` is the top of its own repository (a real records folder)."""
    top = repository_top(folder)
    return top is not None and top.resolve() == folder.resolve()


def init_repository(folder: Path) -> None:
    _TOPS.pop(str(folder), None)
    _run(folder, ["init", "--quiet"])


def _with_lock_retry(root: Path, args: Sequence[str]) -> subprocess.CompletedProcess:
    deadline = time.monotonic() + LOCK_RETRY_SECONDS
    delay = 0.05
    while True:
        result = _run(root, args, check=False)
        if result.returncode == 0:
            return result
        if "index.lock" in (result.stderr + result.stdout) and time.monotonic() < deadline:
            time.sleep(delay + random.uniform(0, delay))
            delay = min(delay * 2, 1.0)
            continue
        raise GitError(_explain(result.stderr or result.stdout))


@dataclass
class FolderStatus:
    """What ``git status`` says of a records folder."""

    uncommitted: List[str] = field(default_factory=list)  # record files not in the last commit
    staged_elsewhere: List[str] = field(default_factory=list)  # other files the user staged herself


def folder_status(root: Path) -> FolderStatus:
    """One ``git status`` of the whole folder, sorted into record files and the rest.

    git lists a folder with nothing tracked in it yet (a new ``calls/2027/``) as the
    folder; only such folders are then asked for their files. Asking ``git status``
    for every untracked file would make it look into every folder of a large records
    folder, at twice the cost.
    """
    result = _run(root, ["status", "--porcelain=v1", "-z", "--untracked-files=normal"], check=False)
    status = FolderStatus()
    if result.returncode != 0:
        return status
    entries = iter(result.stdout.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if "R" in code or "C" in code:
            next(entries, None)  # the old name of a rename or copy
        if path.split("/", 1)[0] in RECORD_PATHS:
            if path.endswith("/"):  # a new folder: name its files, so messages can
                listed = _run(root, ["ls-files", "-z", "--others", "--exclude-standard", "--", path], check=False)
                status.uncommitted.extend(p for p in listed.stdout.split("\0") if p)
            else:
                status.uncommitted.append(path)
        elif code[0] not in " ?!":
            status.staged_elsewhere.append(path)
    return status


def head_and_status(root: Path):
    """``(HEAD commit, folder status)``: the status is only good while HEAD is the same."""
    return head_commit(root), folder_status(root)


def uncommitted_paths(root: Path) -> List[str]:
    """Record files changed, added or deleted but not committed (relative paths)."""
    return folder_status(root).uncommitted


def _claimed_but_empty(path: Path) -> bool:
    """An empty record file is an id claimed by a command that died before writing:
    ``rosa check`` reports it; committing it would put nothing useful in history."""
    try:
        return path.suffix == ".yaml" and path.is_file() and path.stat().st_size == 0
    except OSError:
        return False


@dataclass
class CommitResult:
    committed: bool
    commit: Optional[str] = None
    also_committed: List[str] = field(default_factory=list)
    warning: Optional[str] = None


def commit_change(
    root: Path, paths: Sequence[Path], message: str, body: str = "", status: Optional[Callable[[], FolderStatus]] = None
) -> CommitResult:
    """Commit ``paths`` (written, added or deleted) as one commit.

    Record files left uncommitted by an earlier failure or a hand edit are committed
    along with this change and listed in ``also_committed``, so nothing stays outside
    history. ``status`` may give the folder's status from a ``git status`` started
    earlier in the background (see :func:`in_background`), which keeps a commit in a
    large folder quick. When the folder is not the top of its own repository, nothing
    is committed and ``warning`` says so.
    """
    if not is_own_repository(root):
        return CommitResult(False, warning="the records folder is not a git repository of its own; the change was written but not committed")
    own = {Path(p).resolve().relative_to(root.resolve()).as_posix() for p in paths}
    before = status() if status is not None else folder_status(root)
    earlier = sorted(p for p in before.uncommitted if p not in own and not _claimed_but_empty(root / p))
    ours = sorted(own | set(earlier))
    _with_lock_retry(root, ["add", "--all", "--", *ours])
    full_message = message
    if earlier:
        body = (body + "\n\n" if body else "") + "Also commits earlier uncommitted files:\n" + "\n".join(f"  {p}" for p in earlier)
    if body:
        full_message += "\n\n" + body
    # a plain commit is twice as fast as one with paths; paths only when the user has
    # staged something of her own that is not ours to commit
    pathspec = ["--", *ours] if before.staged_elsewhere else []
    _with_lock_retry(root, ["commit", "--quiet", "--no-verify", "-m", full_message, *pathspec])
    head = _run(root, ["rev-parse", "HEAD"]).stdout.strip()
    return CommitResult(True, commit=head, also_committed=earlier)


def unfinished_merge(root: Path) -> Optional[str]:
    """Why the repository is mid-merge (a sync stopped at a conflict), or None.

    While git waits for a conflict to be resolved, a commit would bake the conflict
    markers into history, so changing commands refuse until it is finished.
    """
    if not is_own_repository(root):
        return None
    git_dir = Path(_run(root, ["rev-parse", "--absolute-git-dir"]).stdout.strip())
    if not any((git_dir / name).exists() for name in ("rebase-merge", "rebase-apply", "MERGE_HEAD")):
        return None
    conflicted = _run(root, ["diff", "--name-only", "--diff-filter=U"], check=False).stdout.split()
    files = ", ".join(conflicted) or "(see git status)"
    return (
        f"a sync stopped at a conflict ({files}) and is not finished; resolve it and run "
        "git rebase --continue (or git rebase --abort), then try again"
    )


def head_commit(root: Path) -> Optional[str]:
    result = _run(root, ["rev-parse", "HEAD"], check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def provenance(root: Path) -> dict:
    """The records' commit and whether the folder had uncommitted record changes."""
    top = repository_top(root)
    if top is None:
        return {"commit": None, "clean": False}
    result = _run(root, ["status", "--porcelain", "--untracked-files=all", "--", "."], check=False)
    changed = [line for line in result.stdout.splitlines() if line.strip() and ".rosa-cache" not in line]
    return {"commit": head_commit(root), "clean": not changed}


def in_background(function, *args):
    """Run ``function(*args)`` in a thread and return a callable that waits for its result.

    git runs as its own process, so asking it for the folder's status while Python
    loads the records uses the machine's second core instead of adding to the wait.
    """
    import threading

    box: dict = {}

    def run():
        try:
            box["value"] = function(*args)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result():
        thread.join()
        if "error" in box:
            raise box["error"]
        return box["value"]

    return result


@dataclass
class LogEntry:
    commit: str
    author: str
    date: str
    message: str


def history(root: Path, paths: Sequence[str] = ()) -> List[LogEntry]:
    """Commits touching ``paths`` (all of the folder when empty), newest first."""
    sep = "\x1f"
    args = ["log", f"--format=%h{sep}%an{sep}%ad{sep}%s", "--date=format:%Y-%m-%d %H:%M"]
    if len(paths) == 1:
        args.append("--follow")
    args += ["--", *(paths or ["."])]
    result = _run(root, args, check=False)
    if result.returncode != 0:
        if "does not have any commits" in result.stderr:
            return []
        raise GitError(_explain(result.stderr))
    entries = []
    for line in result.stdout.splitlines():
        parts = line.split(sep)
        if len(parts) == 4:
            entries.append(LogEntry(*parts))
    return entries
