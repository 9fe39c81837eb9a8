"""Git as the audit trail: one command, one commit; history answers "who changed this?".

rosa talks to the real ``git`` program (no library): what a coordinator can see with
``git log`` is exactly what rosa wrote. Commit messages name the command, the record
ids and the fields touched — never values — so the history is safe to show an auditor.

A commit holds exactly the files it names: the record files the command wrote, and —
in a commit of their own, made first — record files changed or deleted by hand, when
they are valid. Nothing else in the folder (a scanned document, an editor's swap file,
what the user staged herself) is ever committed or named by rosa. The organisation's
git hooks run as for any other commit.

When git's ``index.lock`` is held by another git command, we wait and retry with
backoff; we never delete git's lock ourselves. Every other failure is named for what it
is (disk full, read-only disk, no identity, a hook said no) at once, without waiting.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence

LOCK_RETRY_SECONDS = 20.0
ROOT_RECORD_FILES = ("rosa.yaml", "shelters.yaml", ".gitignore", "history-rewrites.yaml")
RECORD_DIRS = ("women/", "stays/", "calls/", "services/", "activities/", "website/")
_ID = r"[WSCTA]-\d{4}-[0-9A-Z]+"  # loose on purpose: ids.py says what a good id is
_RECORD_FILE = re.compile(
    rf"^(?:rosa\.yaml|shelters\.yaml|\.gitignore|history-rewrites\.yaml"
    rf"|women/{_ID}\.yaml|stays/{_ID}\.yaml|calls/\d{{4}}/{_ID}\.yaml"
    rf"|services/\d{{4}}/{_ID}\.yaml|activities/\d{{4}}/{_ID}\.yaml|website/\d{{4}}-\d{{2}}\.yaml)$"
)


def is_record_file(rel: str) -> bool:
    """True for a path (relative, with ``/``) that rosa may ever commit.

    Only files of the records layout: a stray ``passport-scan.pdf`` or an editor's
    ``.W-….yaml.swp`` in ``women/`` is not one, so it is never committed, pushed to
    every office by ``rosa sync``, or named in a commit message.
    """
    return bool(_RECORD_FILE.match(rel))


class GitError(Exception):
    """git refused or failed; the message is plain words for a coordinator."""


def _run(root: Path, args: Sequence[str], check: bool = True, env: Optional[dict] = None, nice: int = 0) -> subprocess.CompletedProcess:
    """Run ``git ARGS`` in ``root``; ``nice`` lowers its priority (see :func:`head_and_status`)."""
    full_env = dict(os.environ)
    full_env.setdefault("GIT_TERMINAL_PROMPT", "0")
    full_env["LC_ALL"] = "C"
    if env:
        full_env.update(env)
    try:
        with subprocess.Popen(
            ["git", *args],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=full_env,
            encoding="utf-8",
            errors="replace",
            umask=0o077,  # objects and index readable by the owner only
        ) as process:
            if nice:
                _lower_priority(process.pid, nice)
            out, err = process.communicate()
        result = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    except FileNotFoundError:
        raise GitError("git is not installed; install git to keep the audit trail") from None
    if check and result.returncode != 0:
        raise GitError(_explain(result.stderr or result.stdout))
    return result


def _lower_priority(pid: int, nice: int) -> None:
    """Lower a git process's scheduling priority, as soon as it runs: the threads git
    starts afterwards (``git status`` checks files with up to 20) inherit it. Where the
    system does not allow it, the process simply keeps its priority."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
    except (AttributeError, OSError):
        pass


def _explain(stderr: str) -> str:
    """git's own words turned into the real cause, in plain words (else git's last line)."""
    known = _known_cause(stderr)
    if known:
        return known
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "git failed"


def _known_cause(stderr: str) -> Optional[str]:
    """The cause of a git failure when it is one we can name, else None.

    Order matters: git names ``index.lock`` in many failures (it could not *create* the
    lock because the disk is full or read-only), so the lock is blamed only when git
    says the lock file already exists.
    """
    text = stderr.strip()
    lowered = text.lower()
    if "please tell me who you are" in lowered or "author identity unknown" in lowered or "empty ident" in lowered:
        return (
            "git does not know who you are, so nothing was committed; run "
            "git config --global user.name 'Your initials' and git config --global user.email you@example.org"
        )
    if "no space left" in lowered or "disk quota exceeded" in lowered:
        return "the disk is full; git could not commit (free some space, then run rosa check)"
    if "read-only file system" in lowered:
        return "the records folder is on a read-only disk; git could not commit"
    if "permission denied" in lowered or "insufficient permission" in lowered or "operation not permitted" in lowered:
        return "no permission to write in the records folder's git repository (.git); git could not commit"
    if _lock_held(text):
        return "another git command holds the records folder's lock (.git/index.lock); try again in a moment"
    if "nothing to commit" in lowered or "nothing added to commit" in lowered:
        return "the files were the same as in the last commit, so there was nothing to commit"
    return None


def _lock_held(text: str) -> bool:
    """git could not take ``index.lock`` because someone else has it (not disk trouble)."""
    lowered = text.lower()
    return "index.lock" in lowered and ("file exists" in lowered or "another git process" in lowered)


_TOPS: dict = {}  # folder -> repository top, remembered for this process


def repository_top(folder: Path) -> Optional[Path]:
    """The top folder of the git repository holding ``folder``, if any.

    Asked once per folder and process (a command asks several times); only
    :func:`init_repository` changes the answer, and it forgets it.
    """
    key = str(folder)
    if key in _TOPS:
        return _TOPS[key]
    if plain_git_dir(folder) is not None:  # the usual records folder: no git process
        _TOPS[key] = Path(os.path.realpath(folder))
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


def plain_git_dir(root: Path) -> Optional[Path]:
    """``root/.git`` when git itself would take ``root`` as the top of that repository
    without a doubt, else None (and the caller asks git).

    A records folder is almost always ``rosa init``'s plain repository; telling that from
    the files spares a ``git rev-parse`` process (5-40 ms on a busy machine) in each
    changing command. Anything unusual says None: ``GIT_DIR`` or ``GIT_WORK_TREE`` set,
    ``.git`` a file (a linked worktree) or missing a part of a repository, a folder owned
    by another user (git's ``safe.directory`` check), a configured ``core.worktree`` or
    ``core.bare``.
    """
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE"):
        return None
    git_dir = root / ".git"
    try:
        uid = os.geteuid()
        if os.stat(root).st_uid != uid or os.lstat(git_dir).st_uid != uid or not git_dir.is_dir():
            return None
        if not ((git_dir / "HEAD").is_file() and (git_dir / "objects").is_dir() and (git_dir / "refs").is_dir()):
            return None
        config = (git_dir / "config").read_text(encoding="utf-8", errors="replace").lower()
    except OSError:
        return None
    if "worktree" in config or "bare" in config.replace("bare = false", ""):
        return None
    return git_dir


def init_repository(folder: Path) -> None:
    _TOPS.pop(str(folder), None)
    _run(folder, ["init", "--quiet"])


def _with_lock_retry(root: Path, args: Sequence[str]) -> subprocess.CompletedProcess:
    """Run a git command that takes the index lock; wait only while the lock is held."""
    deadline = time.monotonic() + LOCK_RETRY_SECONDS
    delay = 0.02
    while True:
        result = _run(root, args, check=False)
        if result.returncode == 0:
            return result
        output = result.stderr + result.stdout
        if _lock_held(output) and time.monotonic() < deadline:
            time.sleep(delay + random.uniform(0, delay))
            delay = min(delay * 2, 1.0)
            continue
        return result


def _hook_refusal(root: Path, output: str) -> Optional[str]:
    """Which of the organisation's hooks refused a commit, with its first lines, or None.

    git adds no words of its own when a hook says no: what it printed is the hook's, so
    a failure that is none of the known causes, with a hook installed, is the hook.
    """
    result = _run(root, ["rev-parse", "--git-path", "hooks"], check=False)
    hooks = Path(result.stdout.strip() or ".git/hooks")
    if not hooks.is_absolute():
        hooks = root / hooks
    present = [name for name in ("pre-commit", "prepare-commit-msg", "commit-msg") if os.access(hooks / name, os.X_OK) and (hooks / name).is_file()]
    if not present:
        return None
    lines = [line.strip()[:200] for line in output.splitlines() if line.strip()][:3]
    said = (": " + " | ".join(lines)) if lines else " (it said nothing)"
    if len(present) == 1:
        return f"the organisation's {present[0]} hook refused the commit{said}"
    return f"one of the organisation's git hooks ({', '.join(present)}) refused the commit{said}"


_CHANGED = re.compile(r"^ (\d+) files? changed", re.MULTILINE)


def _git_commit(root: Path, args: Sequence[str]) -> int:
    """``git commit …`` with hooks run: how many files the commit holds (git's own
    summary line, no extra process), or :class:`GitError` naming the cause."""
    result = _with_lock_retry(root, ["commit", "--no-status", *args])
    if result.returncode == 0:
        found = _CHANGED.search(result.stdout)
        return int(found.group(1)) if found else 0
    output = (result.stderr + "\n" + result.stdout).strip()
    if _known_cause(output) is None:
        refusal = _hook_refusal(root, output)
        if refusal:
            raise GitError(refusal)
    raise GitError(_explain(output))


def _git_add(root: Path, paths: Sequence[str]) -> None:
    """Stage exactly ``paths`` as they are on disk: added, changed or deleted.

    ``git update-index --add --remove`` does what ``git add --all --force`` does for
    named files (a record file is never ignored) without listing the untracked files of
    their folders first: a third of the time of ``git add`` in a folder of 100,000 files.
    """
    result = _with_lock_retry(root, ["update-index", "--add", "--remove", "--", *paths])
    if result.returncode != 0:
        raise GitError(_explain(result.stderr or result.stdout))


@dataclass
class FolderStatus:
    """What ``git status`` says of a records folder."""

    uncommitted: List[str] = field(default_factory=list)  # record files not as in the last commit
    staged: List[str] = field(default_factory=list)  # every path whose staged state differs from HEAD
    others: List[str] = field(default_factory=list)  # changed or new files that are not record files

    @property
    def staged_elsewhere(self) -> List[str]:
        """Files the user staged herself that are not record files (never rosa's to commit)."""
        return [p for p in self.staged if not is_record_file(p)]


def folder_status(root: Path, optional_locks: bool = True, nice: int = 0) -> FolderStatus:
    """One ``git status`` of the whole folder, sorted into record files and the rest.

    git lists a folder with nothing tracked in it yet (a new ``calls/2027/``) as the
    folder; only such folders are then asked for their files. Asking ``git status``
    for every untracked file would make it look into every folder of a large records
    folder, at twice the cost.
    """
    locks = None if optional_locks else {"GIT_OPTIONAL_LOCKS": "0"}  # git's --no-optional-locks
    result = _run(root, ["status", "--porcelain=v1", "-z", "--untracked-files=normal"], check=False, env=locks, nice=nice)
    status = FolderStatus()
    if result.returncode != 0:
        return status
    entries = iter(result.stdout.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        touched = [path]
        if "R" in code or "C" in code:
            old = next(entries, None)  # the old name of a rename or copy: gone from there
            if old and "R" in code:
                touched.append(old)
        for one in touched:
            if code[0] not in " ?!":
                status.staged.append(one)
            if one.endswith("/") and one.startswith(RECORD_DIRS):  # a new folder: name its record files
                listed = _run(root, ["ls-files", "-z", "--others", "--exclude-standard", "--", one], check=False)
                for name in listed.stdout.split("\0"):
                    if name:
                        (status.uncommitted if is_record_file(name) else status.others).append(name)
            elif is_record_file(one):
                status.uncommitted.append(one)
            elif code != "!!":
                status.others.append(one)
    return status


def head_and_status(root: Path):
    """``(HEAD commit, folder status)``: the status is only good while HEAD is the same.

    HEAD is read from the files when it can be (:func:`current_head`), so that the
    status, the slow part, starts without waiting for another git process. This status
    runs while the command stages and commits its own files, so it does not take the
    index lock to save what it refreshed (``--no-optional-locks``): a command waiting
    for that lock would lose more than git saves; any later ``git status`` saves it.

    It also runs at a lower priority (``EARLY_STATUS_NICE``): with its 20 threads at
    the same priority it would take nearly all of a two-core machine, and the command's
    own work (Python, staging, building the commit), which must finish too, would wait
    for it; lowered, git uses what the command leaves and the two finish together."""
    return current_head(root), folder_status(root, optional_locks=False, nice=EARLY_STATUS_NICE)


EARLY_STATUS_NICE = 10


def current_head(root: Path) -> Optional[str]:
    """HEAD's commit, read from ``.git`` without a process in a plain repository on a
    branch; else asked of git (a detached HEAD, a linked worktree, no commit yet)."""
    git_dir = plain_git_dir(root)
    found = _read_head(git_dir) if git_dir is not None else None
    return found if found is not None else head_commit(root)


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
    # hand-changed record files committed in a commit of their own, just before this one
    also_committed: List[str] = field(default_factory=list)
    hand_commit: Optional[str] = None
    # hand-changed record files left uncommitted (not valid, or that commit failed)
    left_uncommitted: List[str] = field(default_factory=list)
    left_reason: Optional[str] = None
    warning: Optional[str] = None


def hand_edit_message(root: Path, rels: Sequence[str]) -> str:
    """``hand edit: W-2006-AB12C, deleted C-2006-XY7Z9``: ids (or root file names) only."""
    changed, deleted = [], []
    for rel in rels:
        name = Path(rel).stem if rel.startswith(RECORD_DIRS) else rel
        if (root / rel).exists():
            changed.append(name)
        else:
            deleted.append(f"deleted {name}")
    return "hand edit: " + ", ".join(sorted(changed) + sorted(deleted))


def commit_change(
    root: Path,
    paths: Sequence[Path],
    message: str,
    body: str = "",
    status: Optional[Callable[[], FolderStatus]] = None,
    hand_edits_ok: Optional[Callable[[List[str]], List[str]]] = None,
) -> CommitResult:
    """Commit exactly ``paths`` (written, added or deleted) as one commit.

    Record files changed or deleted by hand since the last commit are committed first,
    in a commit of their own (``hand edit: …``), when ``hand_edits_ok`` passes them
    (it returns the valid ones); the rest are left uncommitted and listed in the
    result. Files that are not record files, and whatever the user staged herself, are
    never committed: when anything but our paths is staged, the commit names its paths
    (git then commits those alone and leaves her index as it was); otherwise a plain
    commit, twice as fast in a large folder, holds the same.

    ``status`` may give the folder's status from a ``git status`` started earlier in
    the background (see :func:`in_background`), which keeps a commit in a large folder
    quick. Our own files are staged and their commit is built (not yet on the branch)
    before that status is waited for, so the wait for it is all that is left at the
    end; the commit goes on the branch only once the status shows no hand edit to
    commit first (docs/history.md, "How a command commits"). When the folder is not the
    top of its own repository, nothing is committed and ``warning`` says so.
    """
    if not is_own_repository(root):
        return CommitResult(False, warning="the records folder is not a git repository of its own; the change was written but not committed")
    own = sorted({Path(p).resolve().relative_to(root.resolve()).as_posix() for p in paths})
    full_message = message + ("\n\n" + body if body else "")
    _git_add(root, own)
    prepared = _prepare_plain_commit(root, own, full_message)
    before = status() if status is not None else folder_status(root)
    earlier = sorted(p for p in before.uncommitted if p not in own and not _claimed_but_empty(root / p))
    staged = set(before.staged)
    if prepared is not None and not earlier and not staged - set(own) and _finish_plain_commit(root, prepared):
        _PLAIN_COMMITS.pop(str(root), None)
        return CommitResult(True, commit=prepared.commit)
    _PLAIN_COMMITS.pop(str(root), None)
    staged |= set(own)  # staged above: a hand-edit commit must name its own paths
    result = CommitResult(False)
    if earlier:
        _commit_hand_edits(root, earlier, staged, hand_edits_ok, result)
    named = bool(staged - set(own))
    held = None if named else _plain_commit(root, own, full_message)
    if held is None:
        held = _git_commit(root, ["-m", full_message, *(["--", *own] if named else [])])
    if not named and held > len(own):
        # something was staged after the folder's status was read (a `git add` at that
        # very moment): take the commit back, keeping the index, and name our paths
        if _run(root, ["reset", "--quiet", "--soft", "HEAD~1"], check=False).returncode == 0:
            _git_commit(root, ["-m", full_message, "--", *own])
    result.committed = True
    made = _PLAIN_COMMITS.pop(str(root), None)
    result.commit = made if made is not None and held <= len(own) else head_commit(root)
    return result


def _commit_hand_edits(root: Path, earlier: List[str], staged: set,
                       hand_edits_ok: Optional[Callable[[List[str]], List[str]]], result: CommitResult) -> None:
    """Commit the valid hand-changed record files ``earlier`` in a commit of their own,
    naming its paths (our own files are staged already and must wait for our commit);
    ``result`` and ``staged`` say what was committed and what is left."""
    good = sorted(hand_edits_ok(list(earlier))) if hand_edits_ok is not None else []
    result.left_uncommitted = [p for p in earlier if p not in good]
    if result.left_uncommitted:
        result.left_reason = "not valid (see rosa check)" if hand_edits_ok is not None else "not checked"
    if not good:
        return
    try:
        _git_add(root, good)
        _git_commit(root, ["-m", hand_edit_message(root, good), *(["--", *good] if staged - set(good) else [])])
    except GitError as exc:
        result.left_uncommitted = sorted(earlier)
        result.left_reason = f"their commit failed: {exc}"
        staged |= set(good)  # may be staged now; the next commit must not take them
    else:
        result.also_committed = good
        result.hand_commit = head_commit(root)
        staged -= set(good)


COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "reference-transaction", "post-index-change")


@dataclass
class _Prepared:
    """A commit built from the index but not yet on the branch (see :func:`_prepare_plain_commit`)."""

    commit: str
    parent: str
    subject: str
    files: int


def _plain_commit(root: Path, own: Sequence[str], message: str) -> Optional[int]:
    """Commit the staged index as ``git commit`` would, without its full index refresh;
    how many files the commit holds, or None when ``git commit`` itself must do it.

    ``git commit`` first compares every tracked file with the index (an ``lstat`` of
    each: most of its time in a folder of 100,000 files, issue 16), although a rosa
    command has just staged exactly its own files and the folder's ``git status`` has
    already been asked for. The same commit is made from git's plumbing (see
    :func:`_prepare_plain_commit` and :func:`_finish_plain_commit`).
    """
    prepared = _prepare_plain_commit(root, own, message)
    if prepared is None or not _finish_plain_commit(root, prepared):
        return None
    return prepared.files


def _prepare_plain_commit(root: Path, own: Sequence[str], message: str) -> Optional[_Prepared]:
    """Build the commit of the staged index — ``write-tree`` (the index's tree, from its
    cache) and ``commit-tree`` — without moving the branch; None when ``git commit``
    itself must commit.

    Used only when nothing could tell the difference from ``git commit``: no commit hook
    installed (hooks must run, so ``git commit`` runs them), no signing asked for, HEAD
    on a branch with a parent commit, and a tree that differs from the parent in exactly
    the command's own files (``diff-tree``: nothing else staged). A commit built but
    never put on the branch is an unreachable object that git's maintenance removes.
    """
    git_dir = plain_git_dir(root) or root / ".git"
    if not git_dir.is_dir() or any((git_dir / "hooks" / hook).exists() for hook in COMMIT_HOOKS):
        return None
    if not _config_is_plain(git_dir):
        return None
    parent = _read_head(git_dir)
    if parent is None:
        return None
    tree = _with_lock_retry(root, ["write-tree"])  # it takes the index lock to save the tree cache
    if tree.returncode != 0:
        return None
    tree_id = tree.stdout.strip()
    changed = _run(root, ["diff-tree", "-r", "--name-only", "--no-renames", "-z", parent, tree_id], check=False)
    paths = [p for p in changed.stdout.split("\0") if p]
    if changed.returncode != 0 or not paths or set(paths) - set(own):
        return None  # nothing to commit, or something else staged: git commit decides
    text = _clean_message(message)
    made = _run(root, ["commit-tree", tree_id, "-p", parent, "-m", text], check=False)
    if made.returncode != 0:
        return None  # e.g. no identity: git commit says why in its own words
    return _Prepared(made.stdout.strip(), parent, text.split("\n", 1)[0], len(paths))


def _finish_plain_commit(root: Path, prepared: _Prepared) -> bool:
    """Put a prepared commit on the branch (``update-ref``, which checks that HEAD is
    still its parent, with the reflog line ``git commit`` writes); False when HEAD moved
    meanwhile. Git's automatic maintenance runs afterwards, as after a commit."""
    moved = _run(root, ["update-ref", "-m", f"commit: {prepared.subject}", "HEAD", prepared.commit, prepared.parent], check=False)
    if moved.returncode != 0:
        return False
    _PLAIN_COMMITS[str(root)] = prepared.commit
    if _many_loose_objects(plain_git_dir(root) or root / ".git"):
        _run(root, ["maintenance", "run", "--auto", "--quiet"], check=False)
    return True


_PLAIN_COMMITS: dict = {}  # root -> the commit _plain_commit just made (saves a rev-parse)
_CONFIG_WORDS = ("hookspath", "gpgsign", "[hook", "include")


def _config_is_plain(git_dir: Path) -> bool:
    """True when no git configuration could ask ``git commit`` for more than the
    plumbing does: no hooks path, no signing, no config hooks, no includes (which might
    hold either). Read from the config files themselves, without a git process; any
    doubt (a ``-c`` on the command line, an unreadable file) says False."""
    if any(name.startswith("GIT_CONFIG_") and name not in ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM")
           for name in os.environ) or os.environ.get("GIT_CONFIG_PARAMETERS"):
        return False
    home = Path(os.environ.get("HOME", "~")).expanduser()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    files = [git_dir / "config", git_dir / "config.worktree"]
    files += [Path(os.environ["GIT_CONFIG_GLOBAL"])] if os.environ.get("GIT_CONFIG_GLOBAL") else [home / ".gitconfig", xdg / "git" / "config"]
    if not os.environ.get("GIT_CONFIG_NOSYSTEM"):
        files.append(Path(os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig"))
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace").lower()
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if any(word in text for word in _CONFIG_WORDS):
            return False
    return True


def _read_head(git_dir: Path) -> Optional[str]:
    """HEAD's commit when HEAD is a branch with a commit, read from the files; else None."""
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: refs/heads/"):
            return None
        ref = head[5:]
        loose = git_dir / ref
        if loose.is_file():
            commit = loose.read_text(encoding="utf-8").strip()
        else:
            commit = ""
            for line in (git_dir / "packed-refs").read_text(encoding="utf-8").splitlines():
                if line.endswith(" " + ref):
                    commit = line.split(" ", 1)[0]
                    break
    except OSError:
        return None
    return commit if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit) else None


def _many_loose_objects(git_dir: Path) -> bool:
    """Git's own estimate for ``gc --auto`` (objects in ``objects/17``, times 256, over
    its default limit of 6,700): only then is git's maintenance worth a process."""
    try:
        return len(os.listdir(git_dir / "objects" / "17")) > 6700 // 256
    except OSError:
        return False


def _clean_message(message: str) -> str:
    """A message as ``git commit -m`` leaves it (its "whitespace" cleanup): trailing
    spaces and leading, trailing and repeated blank lines removed."""
    lines = [line.rstrip() for line in message.split("\n")]
    out: List[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def unfinished_merge(root: Path) -> Optional[str]:
    """Why the repository is mid-merge (a sync stopped at a conflict), or None.

    While git waits for a conflict to be resolved, a commit would bake the conflict
    markers into history, so changing commands refuse until it is finished.
    """
    if not is_own_repository(root):
        return None
    git_dir = plain_git_dir(root) or Path(_run(root, ["rev-parse", "--absolute-git-dir"]).stdout.strip())
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
    if is_own_repository(root):  # a stray scan or swap file does not change the records
        return {"commit": head_commit(root), "clean": not folder_status(root).uncommitted}
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


def history(root: Path, paths: Sequence[str] = (), follow: bool = False) -> List[LogEntry]:
    """Commits touching ``paths`` (all of the folder when empty), newest first.

    A path may be a git pathspec such as ``:(glob)calls/*/C-….yaml``. The commit that
    deleted a file touches it, so it is listed too.
    """
    sep = "\x1f"
    args = ["log", f"--format=%h{sep}%an{sep}%ad{sep}%s", "--date=format:%Y-%m-%d %H:%M"]
    if follow and len(paths) == 1:
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


def commit_body(root: Path, commit: str) -> str:
    """The body of one commit's message (the lines after its subject), or "" when git
    cannot show it: ``rosa log`` reads the reason a void commit keeps there."""
    return _run(root, ["log", "-1", "--format=%b", commit], check=False).stdout


def is_shallow(root: Path) -> bool:
    """True in a shallow clone: its oldest commit stands in for all the history cut off."""
    result = _run(root, ["rev-parse", "--is-shallow-repository"], check=False)
    return result.returncode == 0 and result.stdout.strip() == "true"


def run_git(root: Path, args: Sequence[str], check: bool = True, env: Optional[dict] = None) -> subprocess.CompletedProcess:
    """Run one git command in ``root`` the way rosa always does (C locale, no prompts,
    owner-only files; a failure with ``check`` is a :class:`GitError` in plain words).

    Public so that sync, scrub and the conflict commands need not reach for the
    private helper (docs/messages.md: no private helper used across modules)."""
    return _run(root, args, check=check, env=env)


def explain_failure(stderr: str) -> str:
    """git's error output as its plain-words cause (the public face of ``_explain``),
    for modules that run git themselves (sync's ``hash-object`` with bytes input)."""
    return _explain(stderr)
