"""Promise: parallel writers on one machine lose nothing.

Eight real ``rosa call add`` processes started together give eight records and eight
commits, each touching one file. Another git command holding ``.git/index.lock`` makes
rosa wait and retry; rosa never deletes git's lock itself.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

from helpers import ROSA_BIN, git
from helpers import invoke as rosa

WRITERS = 8


def call_files(folder: Path):
    return sorted(p for p in (folder / "calls").rglob("*.yaml") if not p.name.startswith("."))


def test_eight_parallel_call_adds_give_eight_records_and_eight_commits(folder):
    before = git(folder, "rev-list", "--count", "HEAD").strip()
    argv = [str(ROSA_BIN), "--records", str(folder), "call", "add", "--caller", "police", "--subject", "other", "--no-prompt"]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(WRITERS)]
    outputs = [p.communicate() for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        assert "not committed" not in err, err
    ids = sorted(out.strip() for out, _ in outputs)
    assert len(set(ids)) == WRITERS
    files = call_files(folder)
    assert sorted(p.stem for p in files) == ids
    after = int(git(folder, "rev-list", "--count", "HEAD").strip())
    assert after == int(before) + WRITERS
    assert git(folder, "status", "--porcelain", "--untracked-files=all") == ""
    # each new commit touches exactly one file: its own call
    touched = []
    for n in range(WRITERS):
        names = git(folder, "show", "--name-only", "--format=", f"HEAD~{n}").split()
        assert len(names) == 1, names
        touched.append(Path(names[0]).stem)
    assert sorted(touched) == ids
    # and every record is valid
    check = rosa(folder, "check")
    assert check.exit_code == 0, check.output


def test_call_add_waits_for_gits_index_lock_and_never_deletes_it(folder):
    lock = folder / ".git" / "index.lock"
    marker = "held by another git command\n"
    lock.write_text(marker)
    seen = {}
    argv = [str(ROSA_BIN), "--records", str(folder), "call", "add", "--caller", "police", "--subject", "other", "--no-prompt"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def release_later():
        # wait until rosa has written its record and so is trying to commit
        while not call_files(folder) and proc.poll() is None:
            time.sleep(0.01)
        seen["written_while_locked"] = bool(call_files(folder))
        time.sleep(1.0)  # the other git command finishing; not a timing assertion
        seen["still_running"] = proc.poll() is None
        # rosa must not have removed or replaced the lock while it was held
        seen["lock_untouched"] = lock.exists() and lock.read_text() == marker
        lock.unlink()

    thread = threading.Thread(target=release_later)
    thread.start()
    try:
        out, err = proc.communicate()
    finally:
        thread.join()
    assert seen == {"written_while_locked": True, "still_running": True, "lock_untouched": True}, (seen, err)
    assert proc.returncode == 0, err
    assert "not committed" not in err, err
    call_id = out.strip()
    assert git(folder, "log", "-1", "--format=%s").startswith(f"call add {call_id}")
    assert git(folder, "status", "--porcelain", "--untracked-files=all") == ""
    assert not lock.exists()
