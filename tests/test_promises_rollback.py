"""Paths that only run when something goes wrong, and the JSON export.

* ``rosa import``: a row that fails while the rows are being written (not while they
  are checked) takes the rows already written with it: nothing is left, nothing is
  committed.
* the writer lock: while another process holds the folder's flock, a changing command
  waits, then gives up with one clear line and writes nothing.
* ``rosa stay move``: the new stay is written first; if closing the old one then fails,
  the new file is removed again.
* ``rosa export KIND --format json``: the same rows and columns as the CSV export.

Real files, real git, the real CLI (in-process, so a test can shorten the lock's wait
or make one write fail the way a full disk does).
"""

from __future__ import annotations

import csv
import errno
import fcntl
import io
import json
import os
import stat

from helpers import add_woman, git_state, invoke, no_traceback, open_stay, run_ok, snapshot
from rosa_cli.core.folder import RecordsFolder

# --- import: a failure while writing leaves nothing ---------------------------------------------


def test_import_failing_on_a_late_row_removes_the_rows_already_written(folder, tmp_path):
    """Two 2006 calls are written, then the 2007 one cannot be (calls/2007 is a file where
    its year folder belongs): the two are removed again, nothing is committed."""
    calls_2006 = folder / "calls" / "2006"
    calls_2006.mkdir(exist_ok=True)
    os.utime(calls_2006, (1_000_000_000, 1_000_000_000))  # to see that files came and went
    (folder / "calls" / "2007").write_text("not a folder\n")
    before = snapshot(folder)
    source = tmp_path / "calls.csv"
    source.write_text(
        "at,caller,subject\n2006-03-01 10:00,police,other\n2006-03-02 10:00,police,other\n2007-01-02 10:00,police,other\n"
    )
    result = invoke(folder, "import", "calls", str(source))
    no_traceback(result)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error: ") and "calls/2007" in errors[0], result.stderr
    assert result.stdout == ""  # no id printed for a call that does not exist
    assert snapshot(folder) == before
    assert list(calls_2006.iterdir()) == []
    # the 2006 rows really were written before the 2007 row failed (and then removed)
    assert calls_2006.stat().st_mtime != 1_000_000_000


def test_import_refused_row_leaves_nothing_and_names_the_line(folder, tmp_path):
    """A row refused by the checks: no file of the file's good rows is written."""
    before = snapshot(folder)
    source = tmp_path / "calls.csv"
    source.write_text("at,caller,subject\n2006-03-01 10:00,police,other\n2006-03-02 10:00,nobody-we-know,other\n")
    result = invoke(folder, "import", "calls", str(source))
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert any(line.startswith("error: ") and "calls.csv:3:" in line and "caller" in line for line in result.stderr.splitlines()), result.stderr
    assert "Nothing was written." in result.stderr
    assert snapshot(folder) == before


# --- the writer lock: held by another process ------------------------------------------------------


def test_held_writer_lock_times_out_with_one_clear_line_and_nothing_written(folder, monkeypatch):
    """The test holds the flock (as a running rosa would); ``call add`` waits out its
    (here shortened) timeout and says so in one line; when the lock is free it works."""
    wrapped = RecordsFolder.write_lock.__wrapped__  # the function under @contextmanager
    assert wrapped.__defaults__ == (60.0,)
    monkeypatch.setattr(wrapped, "__defaults__", (0.3,))
    lock_path = folder / ".rosa-cache" / "write.lock"
    lock_path.parent.mkdir(exist_ok=True)
    before = snapshot(folder)
    holder = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = invoke(folder, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt")
    finally:
        os.close(holder)  # releases the flock
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == "error: another rosa command has been changing the records for a minute; try again"
    assert result.stdout == ""
    assert snapshot(folder) == before
    assert not (folder / "calls" / "2006").exists() or list((folder / "calls" / "2006").iterdir()) == []
    again = run_ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt")
    assert again.stdout.strip().startswith("C-2006-")


# --- stay move: closing the old stay fails --------------------------------------------------------


def test_stay_move_removes_the_new_stay_when_closing_the_old_one_fails(records, monkeypatch):
    """The new stay's file exists for a moment; the old stay cannot be rewritten (the
    disk fills up just then): the new file is removed, the old one is as it was."""
    from rosa_cli.core import operations

    woman = add_woman(records)
    old_stay = open_stay(records, woman, "oslo", "2006-02-01")
    old_path = records / "stays" / f"{old_stay}.yaml"
    before = snapshot(records)
    real_write = operations.atomic_write
    attempts = []

    def disk_full_for_the_old_stay(path, text, *args, **kwargs):
        if os.path.abspath(path) == os.path.abspath(old_path):
            attempts.append(sorted(p.name for p in (records / "stays").iterdir()))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_write(path, text, *args, **kwargs)

    monkeypatch.setattr(operations, "atomic_write", disk_full_for_the_old_stay)
    result = invoke(records, "stay", "move", woman, "--to", "bergen", "--on", "2006-03-01")
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().startswith("error: the disk is full; nothing was written"), result.stderr
    # when closing the old stay was tried, the new stay was already there
    assert len(attempts) == 1 and len([n for n in attempts[0] if n.startswith("S-")]) == 2, attempts
    assert snapshot(records) == before
    assert sorted(p.name for p in (records / "stays").iterdir() if p.name.startswith("S-")) == [old_path.name]


# --- JSON export ---------------------------------------------------------------------------


def _csv_rows(text: str):
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))  # the BOM is for Excel


def _as_cell(column: str, value):
    """What the CSV export writes for a JSON value: '' for nothing, residence periods as
    'FROM STATUS', everything else as its text."""
    if value is None:
        return ""
    if column == "residence":
        return "; ".join(f"{entry['from']} {entry['status']}" for entry in value)
    return str(value)


def test_json_export_has_the_csv_export_rows_and_columns(records, tmp_path):
    woman = add_woman(records, "--born", "1985", "--residence", "irregular")
    stay = open_stay(records, woman, "oslo", "2006-02-01")
    call = run_ok(records, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00",
                  "--woman", woman, "--no-prompt").stdout.strip()
    for kind, record_id in (("women", woman), ("stays", stay), ("calls", call)):
        as_json = json.loads(run_ok(records, "export", kind, "--format", "json").stdout)
        as_csv = _csv_rows(run_ok(records, "export", kind, "--format", "csv", "--no-excel").stdout)
        assert isinstance(as_json, list) and len(as_json) == len(as_csv) == 1, (kind, as_json)
        row, cells = as_json[0], as_csv[0]
        assert row["id"] == record_id
        assert list(row) == list(cells), kind  # the same columns, in the same order
        for column, value in row.items():
            if cells[column] == "":
                # the CSV leaves a default empty; JSON writes it out (born_estimated as the
                # text "false", not a JSON boolean: noted in issue 15's report)
                assert value in (None, [], 0, False, "false"), (kind, column, value)
                continue
            assert _as_cell(column, value) == cells[column], (kind, column, value, cells[column])
    women = json.loads(run_ok(records, "export", "women", "--format", "json").stdout)
    assert women[0]["nationality"] == "NG" and women[0]["first_contact"] == "2006-01-10" and women[0]["born"] == 1985
    assert women[0]["residence"] == [{"from": "2006-01-10", "status": "irregular"}]
    stays = json.loads(run_ok(records, "export", "stays", "--format", "json").stdout)
    assert stays[0]["woman"] == woman and stays[0]["start"] == "2006-02-01" and stays[0]["end"] is None
    calls = json.loads(run_ok(records, "export", "calls", "--format", "json").stdout)
    assert calls[0]["at"] == "2006-03-01 10:00" and calls[0]["woman"] == woman and calls[0]["caller"] == "police"


def test_json_export_to_a_file_is_owner_only_and_the_same_as_stdout(records, tmp_path):
    add_woman(records)
    target = tmp_path / "women.json"
    result = run_ok(records, "export", "women", "-o", str(target))
    assert result.stdout == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text()) == json.loads(run_ok(records, "export", "women", "--format", "json").stdout)
    assert git_state(records)[1] == ""  # exporting changes nothing in the records folder
