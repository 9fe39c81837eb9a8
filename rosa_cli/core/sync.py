"""``rosa sync``: share a records folder between offices through a git remote.

Pull with rebase, then push. Records are one file each with random ids, so two
offices that added records offline meet without a conflict. A real conflict — the
same record edited on both sides — stops the sync with git's state left in place and
plain words on which record it is and how to finish. After pulling, the folder is
validated, because a merge can bring in problems neither side had alone (two open
stays for one woman, a duplicate id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List

from rosa_cli.core import gitrepo
from rosa_cli.core.folder import RecordsFolder, load_records
from rosa_cli.core.model import Problem


class SyncRefused(Exception):
    """Sync did nothing (or stopped at a conflict); the message says why and what next."""


@dataclass
class SyncResult:
    pulled: int = 0
    pushed: int = 0
    problems: List[Problem] = field(default_factory=list)


def _git(folder: RecordsFolder, *args: str, check: bool = True):
    return gitrepo._run(folder.root, list(args), check=check)


def conflicted_files(folder: RecordsFolder) -> List[str]:
    result = _git(folder, "diff", "--name-only", "--diff-filter=U", check=False)
    return [line for line in result.stdout.splitlines() if line.strip()]


def _conflict_message(files: List[str], root) -> str:
    names = ", ".join(files)
    return (
        f"the same record was changed here and on another machine: {names}. "
        "Nothing is lost: open each file, keep the right lines and delete the <<<<<<< ======= >>>>>>> markers, "
        f"then run: git -C {root} add {' '.join(files)} && git -C {root} rebase --continue, and rosa sync again "
        f"(or git -C {root} rebase --abort to go back to before the sync)"
    )


def sync(folder: RecordsFolder, remote: str = "origin") -> SyncResult:
    if not gitrepo.is_own_repository(folder.root):
        raise SyncRefused("the records folder is not a git repository of its own; nothing to sync")
    state = _git(folder, "rev-parse", "--git-path", "rebase-merge").stdout.strip()
    if (folder.root / state).exists() or conflicted_files(folder):
        files = conflicted_files(folder)
        raise SyncRefused("an earlier sync stopped at a conflict; " + _conflict_message(files or ["(see git status)"], folder.root))
    remotes = _git(folder, "remote").stdout.split()
    if remote not in remotes:
        raise SyncRefused(f"no git remote {remote!r}; add one with: git -C {folder.root} remote add {remote} URL")
    dirty = gitrepo.uncommitted_paths(folder.root)
    if dirty:
        raise SyncRefused(
            "uncommitted changes that rosa did not commit: " + ", ".join(dirty) + "; run rosa check, then commit them "
            "(any rosa command that changes records commits them too) and sync again"
        )
    branch = _git(folder, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    result = SyncResult()
    for _attempt in range(3):
        _git(folder, "fetch", "--quiet", remote)
        remote_ref = f"{remote}/{branch}"
        has_remote_branch = _git(folder, "rev-parse", "--verify", "--quiet", remote_ref, check=False).returncode == 0
        if has_remote_branch:
            before = _git(folder, "rev-parse", "HEAD").stdout.strip()
            incoming = int(_git(folder, "rev-list", "--count", f"HEAD..{remote_ref}").stdout.strip() or 0)
            rebase = _git(folder, "rebase", "--quiet", remote_ref, check=False)
            if rebase.returncode != 0:
                files = conflicted_files(folder)
                if files:
                    raise SyncRefused(_conflict_message(files, folder.root))
                raise gitrepo.GitError(gitrepo._explain(rebase.stderr or rebase.stdout))
            result.pulled += incoming if _git(folder, "rev-parse", "HEAD").stdout.strip() != before else 0
            outgoing = int(_git(folder, "rev-list", "--count", f"{remote_ref}..HEAD").stdout.strip() or 0)
        else:
            outgoing = int(_git(folder, "rev-list", "--count", "HEAD").stdout.strip() or 0)
        if outgoing == 0:
            break
        push = _git(folder, "push", "--quiet", remote, f"HEAD:refs/heads/{branch}", check=False)
        if push.returncode == 0:
            result.pushed += outgoing
            break
        if "rejected" not in push.stderr and "fetch first" not in push.stderr:
            raise gitrepo.GitError(gitrepo._explain(push.stderr))
    else:
        raise SyncRefused("the remote kept changing while syncing; run rosa sync again")
    records = load_records(folder)
    result.problems = [p for p in records.problems if p.is_error]
    return result
