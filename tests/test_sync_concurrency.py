"""Promise: ``rosa sync`` never breaks the records folder, even while colleagues add calls.

Real processes: in office A, ``rosa sync`` runs at the same time as a ``rosa call add``
(started first or second), again and again, while office B adds calls and syncs too (so A's sync
often has to merge). Sync holds the folder's writer lock, so a call is committed
before or after it, never in the middle: no broken rebase, never a detached HEAD,
every call present after each round and all of them at both offices in the end.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers import ROSA_BIN, git
from helpers import run_ok as ok

ROUNDS = 20


def _start(records: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROSA_BIN), "--records", str(records), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=dict(os.environ),
    )


def _calls(records: Path):
    return {p.stem for p in (records / "calls").rglob("C-*.yaml")}


def _healthy(office: Path) -> None:
    git_dir = Path(git(office, "rev-parse", "--absolute-git-dir").strip())
    for name in ("rebase-merge", "rebase-apply", "MERGE_HEAD"):
        assert not (git_dir / name).exists(), name
    assert git(office, "symbolic-ref", "--short", "HEAD").strip()
    assert git(office, "status", "--porcelain", "--untracked-files=all") == ""


def test_sync_racing_call_add_never_breaks_the_folder_nor_loses_a_call(folder, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    git(folder, "remote", "add", "origin", str(remote))
    ok(folder, "sync")
    a, b = tmp_path / "office-a", tmp_path / "office-b"
    for clone in (a, b):
        subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True)
    added = set()
    call = ("call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt")
    for round_ in range(ROUNDS):
        if round_ % 4 == 0:  # the other office moves the remote, so A's sync must merge
            added.add(ok(b, *call).stdout.strip())
            ok(b, "sync")
        procs = [_start(a, *call), _start(a, "sync")] if round_ % 2 else [_start(a, "sync"), _start(a, *call)]
        outs = [(p, *p.communicate(timeout=60)) for p in procs]
        for index, (proc, out, err) in enumerate(outs):
            assert proc.returncode == 0, (round_, index, out, err)
            assert "Traceback" not in err
            if out.strip().startswith("C-"):
                added.add(out.strip())
        _healthy(a)
        assert added <= _calls(a), round_  # B's calls arrived with this round's sync; A's are all there
    for office in (a, b, a):
        ok(office, "sync")
    for office in (a, b):
        _healthy(office)
        assert _calls(office) == added
        ok(office, "check")
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD")
    assert git(a, "ls-remote", "origin", "refs/heads/*").split()[0] == git(a, "rev-parse", "HEAD").strip()
