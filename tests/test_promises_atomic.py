"""Promise: a write is atomic. A writer killed at any moment leaves the old file or the
new one, never a torn one, and nothing rosa would read as a record.

A real subprocess calls ``rosa_cli.core.yamlio.atomic_write`` in a loop, alternating
two large contents, and is killed with SIGKILL at a random moment, several times.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time

from helpers import invoke as rosa

KILLS = 8
MAX_KILLS = 30
RECORD_NAME = "W-2006-AAAAA.yaml"

# Two contents of about 2 MB each, of different lengths, so a torn file (a mix, or a
# truncated one) can never equal either of them.
CONTENT_A = "".join(f"line_{i:06d}: {'a' * 90}\n" for i in range(20_000))
CONTENT_B = "".join(f"line_{i:06d}: {'b' * 97}\n" for i in range(20_000))

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from rosa_cli.core.yamlio import atomic_write

    target = Path(sys.argv[1])
    contents = [Path(sys.argv[2]).read_text(), Path(sys.argv[3]).read_text()]
    i = 0
    while True:
        atomic_write(target, contents[i % 2])
        i += 1
        if i == 2:
            print("ready", flush=True)
    """
)


# --- tests -------------------------------------------------------------------------------


def test_atomic_write_killed_midway_leaves_old_or_new_never_torn(folder, tmp_path):
    """SIGKILL at random moments: the record file is always exactly one of the two versions."""
    target = folder / "women" / RECORD_NAME
    a_file, b_file = tmp_path / "a.txt", tmp_path / "b.txt"
    a_file.write_text(CONTENT_A)
    b_file.write_text(CONTENT_B)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    target.write_text(CONTENT_A)  # the "old" file before the first writer starts
    rng = random.Random()
    seen = set()
    kills = 0
    # At least KILLS kills, and on until both versions have been found on disk after a
    # kill (each kill lands on either with about even odds, so MAX_KILLS makes a miss
    # a one-in-millions event, not a flake).
    while kills < KILLS or (len(seen) < 2 and kills < MAX_KILLS):
        kills += 1
        proc = subprocess.Popen(
            [sys.executable, str(script), str(target), str(a_file), str(b_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
            time.sleep(rng.uniform(0, 0.15))  # a random moment, not a timed assertion
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        data = target.read_text()
        assert data in (CONTENT_A, CONTENT_B), f"torn file: {len(data)} bytes"
        seen.add(data == CONTENT_A)
        assert oct(target.stat().st_mode & 0o777) == oct(0o600)
        # Anything else left behind is a temp file whose name starts with '.'
        for entry in target.parent.iterdir():
            if entry != target:
                assert entry.name.startswith("."), f"left behind: {entry.name}"
    # The kills really landed at different moments: the file was found holding the old
    # content after some and the new content after others (not one version every time,
    # which would mean the writer never got to replace it, or never could).
    assert seen == {True, False}, f"after {kills} kills the file always held the {'A' if True in seen else 'B'} version"


def test_temp_files_left_by_a_killed_writer_are_not_records(folder, tmp_path):
    """A killed writer's temp file (in .rosa-cache/tmp, named after its process) is
    neither read as a record nor committed, and the next changing command removes it.
    A hidden leftover in a record folder that no live rosa process owns is reported."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    tmp = folder / ".rosa-cache" / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    # what writers killed between writing the temp file and linking or renaming it leave behind
    (tmp / f"{dead.pid}.6b316c32.tmp").write_text(CONTENT_A[:12345])
    (tmp / f"{dead.pid}.78397938.tmp").write_text("")
    woman = rosa(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10")
    assert woman.exit_code == 0, woman.output
    assert list(tmp.iterdir()) == []

    from rosa_cli.core.folder import RecordsFolder, load_records

    records = load_records(RecordsFolder(folder))
    assert list(records.women) == [woman.stdout.strip()]
    assert records.skipped == 0
    assert not [p for p in records.problems if ".tmp" in p.path], records.problems
    check = rosa(folder, "check")
    assert check.exit_code == 0, check.output
    assert ".tmp" not in check.output
    tracked = subprocess.run(["git", "ls-files"], cwd=folder, capture_output=True, text=True, check=True).stdout
    assert ".tmp" not in tracked
    # an old-style temp file in women/ that no running rosa owns: a stray, named by check
    (folder / "women" / f".{RECORD_NAME}.k1l2d3.tmp").write_text(CONTENT_A[:12345])
    check = rosa(folder, "check")
    assert check.exit_code == 1
    assert f"women/.{RECORD_NAME}.k1l2d3.tmp: not a record" in check.output
