"""``rosa sync``: share a records folder between offices through a git remote.

Why it does not use ``git pull``: a rebase or merge that stops half-way leaves a
records folder with conflict markers, a detached HEAD and every changing command
refused; and git's clean line merge can still make an invalid record. So sync never
lets git touch the working folder until the result is whole:

1. under the folder's writer lock (no ``rosa call add`` commits in between), on a
   branch (never a detached HEAD), with no uncommitted record changes;
2. fetch; if the local copy is behind, fast-forward; if ahead, push;
3. if both sides moved: compute the merge ourselves in a temporary index — paths
   changed on one side are taken from it, a record changed on both sides is merged
   field by field (:mod:`rosa_cli.core.merge`); a field both offices changed
   differently is a conflict saved for people (:mod:`rosa_cli.core.conflicts`) and
   the sync moves nothing;
4. validate the merged records in a throw-away copy; then fast-forward the branch to
   the merge commit and push — unless the merge has problems the remote does not
   have: then it is applied here (so nobody is stuck) but not sent, with what to fix.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

from rosa_cli.core import conflicts as pending_store
from rosa_cli.core import gitrepo
from rosa_cli.core.folder import CACHE_DIR, RecordsFolder, load_records
from rosa_cli.core.merge import merge_texts
from rosa_cli.core.messages import Message, msg
from rosa_cli.core.model import Problem
from rosa_cli.core.summary import NO_YEARS

ZERO = "0" * 40


_CONNECTION_WORDS = (
    "could not read from remote", "does not appear to be a git repository", "unable to access", "could not resolve",
    "connection", "timed out", "network", "no route", "host key", "permission denied",
)


class SyncRefused(Exception):
    """Sync did nothing. ``message`` says why as a coded :class:`Message` (facts only);
    the CLI adds what to do next, keyed on ``code`` (docs/sync.md, "Messages")."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> str:
        return getattr(self.message, "code", "")


@dataclass
class SyncResult:
    pulled: int = 0
    pushed: int = 0
    problems: List[Problem] = field(default_factory=list)  # errors in the folder after the sync
    held_back: List[Problem] = field(default_factory=list)  # errors that kept the push back
    conflicts: List[pending_store.RecordConflict] = field(default_factory=list)
    merged: List[str] = field(default_factory=list)  # records merged field by field
    resolved: List[str] = field(default_factory=list)  # conflicts settled by a resolution


def _git(folder: RecordsFolder, *args: str, check: bool = True, env: Optional[dict] = None):
    return gitrepo.run_git(folder.root, list(args), check=check, env=env)


def _plain_git_reason(stderr: str) -> str:
    lines = []
    for line in stderr.strip().splitlines():
        line = line.strip()
        for prefix in ("fatal: ", "error: ", "remote: "):
            if line.startswith(prefix):
                line = line[len(prefix):]
        if line:
            lines.append(line)
    return " ".join(lines) or msg("sync.git_no_reason", "git gave no reason")


def _no_connection(stderr: str) -> SyncRefused:
    return SyncRefused(
        msg("sync.offline", "no connection to the remote ({reason}); your records are safe here", reason=_plain_git_reason(stderr))
    )


def _branch_and_remote(folder: RecordsFolder, remote: Optional[str]) -> Tuple[str, str, str]:
    """``(local branch, remote name, remote branch)`` or :class:`SyncRefused`."""
    head = _git(folder, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if head.returncode != 0:
        raise SyncRefused(msg(
            "sync.detached_head",
            "the records folder is not on a branch (git calls it a detached HEAD), so there is nothing to sync it with",
            root=str(folder.root),
        ))
    branch = head.stdout.strip()
    upstream_remote = _git(folder, "config", f"branch.{branch}.remote", check=False).stdout.strip()
    upstream_merge = _git(folder, "config", f"branch.{branch}.merge", check=False).stdout.strip()
    name = remote or upstream_remote or "origin"
    remote_branch = branch
    if upstream_remote and name == upstream_remote and upstream_merge.startswith("refs/heads/"):
        remote_branch = upstream_merge[len("refs/heads/"):]
    if name == ".":
        raise SyncRefused(msg("sync.local_upstream", "branch {branch} follows a local branch, not a remote; nothing to sync", branch=branch))
    if name not in _git(folder, "remote").stdout.split():
        raise SyncRefused(msg("sync.no_remote", "no git remote '{name}'", name=name, root=str(folder.root)))
    return branch, name, remote_branch


def sync(folder: RecordsFolder, remote: Optional[str] = None) -> SyncResult:
    if not gitrepo.is_own_repository(folder.root):
        raise SyncRefused(msg("sync.not_own_repository", "the records folder is not a git repository of its own; nothing to sync"))
    with folder.write_lock():
        if gitrepo.unfinished_merge(folder.root):
            conflicted = _git(folder, "diff", "--name-only", "--diff-filter=U", check=False).stdout.split()
            raise SyncRefused(msg(
                "sync.unfinished_merge", "a sync stopped at a conflict ({files}) and is not finished",
                files=", ".join(conflicted) or msg("sync.see_git_status", "(see git status)"),
            ))
        branch, name, remote_branch = _branch_and_remote(folder, remote)
        dirty = gitrepo.uncommitted_paths(folder.root)
        if dirty:
            raise SyncRefused(msg("sync.uncommitted", "uncommitted changes that rosa did not commit: {files}", files=", ".join(dirty)))
        result = SyncResult()
        for _attempt in range(3):
            if _sync_once(folder, branch, name, remote_branch, result):
                return result
        raise SyncRefused(msg("sync.remote_kept_changing", "the remote kept changing while syncing"))


def _sync_once(folder: RecordsFolder, branch: str, name: str, remote_branch: str, result: SyncResult) -> bool:
    """One fetch-merge-push round; False when the push lost a race and must be redone."""
    fetch = _git(folder, "fetch", "--quiet", "--no-tags", name, f"+refs/heads/{remote_branch}:refs/remotes/{name}/{remote_branch}", check=False)
    if fetch.returncode != 0:
        stderr = fetch.stderr.lower()
        if "couldn't find remote ref" not in stderr and "could not find remote ref" not in stderr:
            raise _no_connection(fetch.stderr)
    tracking = f"refs/remotes/{name}/{remote_branch}"
    found = _git(folder, "rev-parse", "--verify", "--quiet", f"{tracking}^{{commit}}", check=False)
    theirs = found.stdout.strip() if found.returncode == 0 and fetch.returncode == 0 else None
    local = _git(folder, "rev-parse", "HEAD").stdout.strip()
    if theirs:
        _refuse_scrubbed_history(folder, theirs, tracking)
    if theirs and theirs != local:
        if _is_ancestor(folder, local, theirs):
            result.pulled += _count(folder, f"{local}..{theirs}")
            _fast_forward(folder, theirs)
        elif not _is_ancestor(folder, theirs, local):
            incoming = _count(folder, f"{local}..{theirs}")
            merge = _merge(folder, local, theirs, name, remote_branch, result)
            if merge is None:
                return True  # conflicts saved; nothing moved
            result.pulled += incoming
            # checked in a throw-away copy before the branch moves; applied here even
            # when it has problems (so nobody is stuck), but then not sent (below)
            result.held_back = validate_merge(folder, merge)
            _fast_forward(folder, merge)
    pending_store.clear(folder.root)  # no conflict left between the two copies
    head = _git(folder, "rev-parse", "HEAD").stdout.strip()
    outgoing = _count(folder, f"{theirs}..{head}" if theirs else head)
    result.problems = [p for p in load_records(folder, years=NO_YEARS).problems if p.is_error]
    if outgoing == 0:
        return True
    if result.problems:
        theirs_errors = _errors_of_commit(folder, theirs) if theirs else []
        known = {_key(p) for p in theirs_errors}
        result.held_back = [p for p in result.problems if _key(p) not in known]
        if result.held_back:
            return True  # never send the remote problems it does not have
    push = _git(folder, "push", "--quiet", name, f"HEAD:refs/heads/{remote_branch}", check=False)
    if push.returncode != 0:
        text = push.stderr.lower()
        if "rejected" in text or "fetch first" in text or "non-fast-forward" in text:
            return False
        if any(words in text for words in _CONNECTION_WORDS):
            raise _no_connection(push.stderr)
        raise SyncRefused(msg(
            "sync.push_refused", "the remote did not take the records ({reason}); your records are safe here",
            reason=_plain_git_reason(push.stderr),
        ))
    result.pushed += outgoing
    if not theirs:
        _git(folder, "branch", f"--set-upstream-to={name}/{remote_branch}", branch, check=False)
    return True


def _refuse_scrubbed_history(folder: RecordsFolder, theirs: str, tracking: str) -> None:
    """A scrub rewrote history: merging the other copy would bring removed text back.

    In the office that scrubbed, the fetch has just brought the old history back into
    the object store; it is dropped again before refusing (see docs/scrub.md).
    """
    from rosa_cli.core.scrub import REWRITES_FILE, drop_fetched_history, history_rewrite_refusal

    message = history_rewrite_refusal(folder.root, "HEAD", theirs)
    if message:
        if (folder.root / REWRITES_FILE).is_file():
            drop_fetched_history(folder.root, tracking)
        raise SyncRefused(message)


def _key(problem: Problem) -> Tuple[str, str, str]:
    """A problem's identity for comparing two validations: where, which code, what."""
    return (str(problem.path), getattr(problem.message, "code", ""), str(problem.message))


def _is_ancestor(folder: RecordsFolder, older: str, newer: str) -> bool:
    return _git(folder, "merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def _count(folder: RecordsFolder, spec: str) -> int:
    return int(_git(folder, "rev-list", "--count", spec).stdout.strip() or 0)


def _fast_forward(folder: RecordsFolder, commit: str) -> None:
    move = _git(folder, "merge", "--ff-only", "--quiet", commit, check=False)
    if move.returncode != 0:
        raise SyncRefused(msg(
            "sync.fast_forward_failed", "could not bring the records up to date ({reason}); nothing was changed",
            reason=_plain_git_reason(move.stderr or move.stdout),
        ))


# --- the merge ---------------------------------------------------------------------------

def _changes(folder: RecordsFolder, base: str, commit: str) -> Dict[str, Tuple[str, str, str, str]]:
    """``{path: (old mode, new mode, old blob, new blob)}`` of what changed from base to commit."""
    out = _git(folder, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", base, commit).stdout
    parts = out.split("\0")
    changes = {}
    for meta, path in zip(parts[0::2], parts[1::2]):
        if not meta.startswith(":"):
            continue
        old_mode, new_mode, old_blob, new_blob, _status = meta[1:].split(" ", 4)
        changes[path] = (old_mode, new_mode, old_blob, new_blob)
    return changes


def _blob_text(folder: RecordsFolder, blob: str) -> Optional[str]:
    if blob == ZERO:
        return None
    return _git(folder, "cat-file", "blob", blob).stdout


def _record_id(path: str) -> str:
    stem = Path(path).stem
    return stem if path.endswith(".yaml") and stem[:2] in ("W-", "S-", "C-", "T-", "A-") else path


def _merge(folder: RecordsFolder, local: str, theirs: str, name: str, remote_branch: str, result: SyncResult) -> Optional[str]:
    """The merge commit of ``local`` and ``theirs``, or None when conflicts were saved."""
    base = _git(folder, "merge-base", local, theirs).stdout.strip()
    mine_changes = _changes(folder, base, local)
    their_changes = _changes(folder, base, theirs)
    pending = pending_store.load(folder.root)
    found: List[pending_store.RecordConflict] = []
    updates: List[Tuple[str, Optional[str], Optional[str]]] = []  # (path, mode or None = remove, blob)
    for path, (_old_mode, new_mode, old_blob, their_blob) in sorted(their_changes.items()):
        if path not in mine_changes:
            updates.append((path, None if their_blob == ZERO else new_mode, their_blob))
            continue
        my_mode, my_blob = mine_changes[path][1], mine_changes[path][3]
        if my_blob == their_blob:
            continue
        record_id = _record_id(path)
        conflict = pending_store.RecordConflict(record_id, path, None if my_blob == ZERO else my_blob, None if their_blob == ZERO else their_blob)
        resolution = pending.resolution_for(conflict)
        if resolution is not None and resolution.text is not None:
            text: Optional[str] = resolution.text
        else:
            keep = resolution.keep if resolution is not None else None
            merged = merge_texts(_blob_text(folder, old_blob), _blob_text(folder, my_blob), _blob_text(folder, their_blob), keep=keep)
            if not merged.clean:
                conflict.fields = [{"field": c.field, "base": c.base, "mine": c.mine, "theirs": c.theirs} for c in merged.conflicts]
                found.append(conflict)
                continue
            text = merged.text
        if resolution is not None:
            result.resolved.append(record_id)
        result.merged.append(record_id)
        if text is None:
            updates.append((path, None, ZERO))
        else:
            blob = _hash(folder, text)
            updates.append((path, my_mode if my_mode != "000000" else new_mode, blob))
    if found:
        pending.remote, pending.remote_commit, pending.local_commit, pending.conflicts = name, theirs, local, found
        pending_store.save(folder.root, pending)
        result.conflicts = found
        return None
    scratch = Path(tempfile.mkdtemp(prefix="sync-", dir=_private_dir(folder)))
    try:
        index = {"GIT_INDEX_FILE": str(scratch / "index")}
        _git(folder, "read-tree", local, env=index)
        for path, entry_mode, entry_blob in updates:
            if entry_mode is None:
                _git(folder, "update-index", "--force-remove", "--", path, env=index)
            else:
                _git(folder, "update-index", "--add", "--cacheinfo", f"{entry_mode},{entry_blob},{path}", env=index)
        tree = _git(folder, "write-tree", env=index).stdout.strip()
        body = ""
        if result.merged:
            body = "Records changed at both offices, merged field by field:\n" + "\n".join(f"  {r}" for r in sorted(set(result.merged)))
        message = f"sync: merge from {name}/{remote_branch}" + (f"\n\n{body}" if body else "")
        commit = _git(folder, "commit-tree", tree, "-p", local, "-p", theirs, "-m", message).stdout.strip()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return commit


def _hash(folder: RecordsFolder, text: str) -> str:
    """Store a merged record's text as a git object (bytes in, so no newline is changed)."""
    import subprocess

    env = dict(os.environ, LC_ALL="C")
    done = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"], cwd=folder.root, input=text.encode("utf-8"), capture_output=True, env=env,
        check=False, umask=0o077,  # owner-only objects, as gitrepo.run_git makes them
    )
    if done.returncode != 0:
        raise gitrepo.GitError(gitrepo.explain_failure(done.stderr.decode("utf-8", "replace")))
    return done.stdout.decode().strip()


def _private_dir(folder: RecordsFolder) -> Path:
    """Scratch space inside the records folder's owner-only cache (the records are private).

    Absolute, because git runs in the records folder: a relative ``--records`` path in
    ``GIT_INDEX_FILE`` would be read from there, not from where rosa was started."""
    path = (folder.root / CACHE_DIR).resolve()
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def materialise(folder: RecordsFolder, commit: str, target: Path) -> None:
    """Write the files of ``commit`` into ``target`` (a fresh folder) without touching the records."""
    index = {"GIT_INDEX_FILE": str(target.parent / (target.name + ".index"))}
    try:
        _git(folder, "read-tree", commit, env=index)
        _git(folder, "checkout-index", "--all", "--force", f"--prefix={target}/", env=index)
    finally:
        Path(index["GIT_INDEX_FILE"]).unlink(missing_ok=True)


def errors_of_commit(folder: RecordsFolder, commit: str) -> List[Problem]:
    """The errors ``rosa check`` would find in the records as of ``commit``."""
    scratch = Path(tempfile.mkdtemp(prefix="check-", dir=_private_dir(folder)))
    try:
        copy = scratch / "records"
        materialise(folder, commit, copy)
        copy.mkdir(exist_ok=True)
        records = load_records(RecordsFolder(copy, today=folder.today))
        prefix = str(copy) + os.sep
        problems = []
        for problem in records.problems:
            if problem.is_error:
                if str(problem.path).startswith(prefix):
                    problem = Problem(str(problem.path)[len(prefix):], problem.line, problem.message, problem.severity)
                problems.append(problem)
        return problems
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


_errors_of_commit = errors_of_commit


def validate_merge(folder: RecordsFolder, commit: str) -> List[Problem]:
    """Errors the merge ``commit`` has that this office's records do not have."""
    here: Set[Tuple[str, str, str]] = {_key(p) for p in load_records(folder, years=NO_YEARS).problems if p.is_error}
    return [p for p in errors_of_commit(folder, commit) if _key(p) not in here]
