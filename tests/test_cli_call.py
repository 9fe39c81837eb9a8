"""``rosa call add|list``: flags, prompts (CliRunner input and a real terminal), refusals."""

from __future__ import annotations

import os
import pty
import re
import select
from datetime import date, datetime, timedelta

import pytest
import yaml

from helpers import ROSA_BIN, add_woman, git_messages, git_state, invoke, no_traceback, run_ok, snapshot

CALL_ID = re.compile(r"^C-\d{4}-[0-9A-HJKMNP-TV-Z]{5}$")
CALLERS = ["shelter", "public-agency", "police", "immigration", "ngo", "woman", "private-person", "other"]
SUBJECTS = ["trafficking-first", "trafficking-followup", "project-info", "other"]


def call_files(records):
    return sorted((records / "calls").glob("*/C-*.yaml"))


def load_only_call(records):
    files = call_files(records)
    assert len(files) == 1, files
    return files[0], yaml.safe_load(files[0].read_text())


# --- flags ---------------------------------------------------------------------------------


def test_call_add_with_flags(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    log_before, _ = git_state(records)
    result = run_ok(
        records,
        "call", "add",
        "--at", "14.03.2006 14:10",
        "--channel", "office",
        "--caller", "police",
        "--subject", "trafficking-followup",
        "--woman", woman_id,
        "--nationality", "AL",
        "--received-by", "KB",
        "--note", "asked about the reflection period",
    )
    call_id = result.stdout.strip()
    assert result.stdout == call_id + "\n"
    assert CALL_ID.match(call_id) and call_id.startswith("C-2006-")
    path, data = load_only_call(records)
    assert path == records / "calls" / "2006" / f"{call_id}.yaml"
    assert "at: 2006-03-14 14:10\n" in path.read_text()
    assert data["channel"] == "office"
    assert data["caller"] == "police"
    assert data["subject"] == "trafficking-followup"
    assert data["woman"] == woman_id
    assert data["nationality"] == "AL"
    assert data["received_by"] == "KB"
    assert data["note"] == "asked about the reflection period"
    log, status = git_state(records)
    assert log[1:] == log_before
    assert log[0].startswith("call add") and call_id in log[0]
    assert status == ""
    history = "\n".join(git_messages(records))
    for value in ("AL", "police", "office", "KB", "reflection", "followup"):
        assert not re.search(rf"\b{re.escape(value)}\b", history), value


def test_call_add_defaults_now_and_phone(records):
    before = datetime.now().replace(second=0, microsecond=0)
    result = run_ok(records, "call", "add", "--caller", "ngo", "--subject", "project-info")
    after = datetime.now()
    path, data = load_only_call(records)
    assert data["channel"] == "phone"
    at = datetime.strptime(str(data["at"]), "%Y-%m-%d %H:%M")
    assert before <= at <= after
    assert path.parent.name == str(at.year)
    assert result.stdout.strip() == data["id"]


def test_call_add_without_required_fields_names_them(records):
    before = snapshot(records)
    result = invoke(records, "call", "add", "--no-prompt", "--note", "hung up")
    assert result.exit_code == 2
    no_traceback(result)
    assert "--caller" in result.stderr and "--subject" in result.stderr
    assert result.stdout == ""
    assert snapshot(records) == before


def test_call_add_without_terminal_does_not_prompt(records):
    """CliRunner's stdin is not a terminal: missing fields are an error, not a question."""
    before = snapshot(records)
    result = invoke(records, "call", "add", "--caller", "police", input="1\n")
    assert result.exit_code == 2
    assert "--subject" in result.stderr
    assert "--caller" not in result.stderr
    assert snapshot(records) == before


FUTURE = (date.today() + timedelta(days=40)).strftime("%Y-%m-%d 10:00")


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--caller", "polis", "--subject", "other"], "did you mean police?"),
        (["--caller", "police", "--subject", "trafficking"], "--subject"),
        (["--caller", "police", "--subject", "other", "--channel", "fax"], "--channel"),
        (["--caller", "police", "--subject", "other", "--at", "2006-03-14"], "not a date and time"),
        (["--caller", "police", "--subject", "other", "--at", "14.03.2006 25:10"], "--at"),
        (["--caller", "police", "--subject", "other", "--at", FUTURE], "future"),
        (["--caller", "police", "--subject", "other", "--nationality", "NGA"], "did you mean NG?"),
        (["--caller", "police", "--subject", "other", "--woman", "W-2006-N00NE"], "does not exist"),
        (["--caller", "police", "--subject", "other", "--woman", "S-2006-AAAAA"], "--woman"),
    ],
)
def test_call_add_refusals_change_nothing(records, args, expected):
    before = snapshot(records)
    result = invoke(records, "call", "add", *args)
    assert result.exit_code == 2, result.stderr
    no_traceback(result)
    assert expected in result.stderr
    assert result.stdout == ""
    assert snapshot(records) == before


# --- prompts (CliRunner input) -------------------------------------------------------------


def test_prompt_defaults_with_enter_choices_by_number_and_key(records):
    # When [now], Channel [phone], Caller, Subject, Woman, Nationality, Received by, Note
    answers = ["", "", "3", "trafficking-first", "", "NG", "AB", ""]
    result = invoke(records, "call", "add", "--prompt", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    call_id = result.stdout.strip()
    assert result.stdout == call_id + "\n"  # the questions went to stderr
    assert "Caller" in result.stderr and "1=Crisis shelter" in result.stderr  # labels in the interface language shown, keys stored
    _, data = load_only_call(records)
    assert data["id"] == call_id
    assert data["channel"] == "phone"
    assert data["caller"] == "police"
    assert data["subject"] == "trafficking-first"
    assert data["nationality"] == "NG"
    assert data["received_by"] == "AB"
    assert "woman" not in data and "note" not in data
    assert git_state(records)[0][0].startswith("call add")


def test_prompt_asks_only_for_what_flags_left_out(records):
    answers = ["2", "", "", "", ""]  # subject, woman, nationality, received by, note
    result = invoke(
        records, "call", "add", "--prompt", "--at", "14.03.2006 09:05", "--channel", "email", "--caller", "ngo",
        input="\n".join(answers) + "\n",
    )
    assert result.exit_code == 0, result.stderr
    assert "When" not in result.stderr and "Caller" not in result.stderr
    path, data = load_only_call(records)
    assert data["subject"] == "trafficking-followup"
    assert data["channel"] == "email" and data["caller"] == "ngo"
    assert "at: 2006-03-14 09:05" in path.read_text()


def test_prompt_bad_answer_is_asked_again(records):
    # a bad moment, a day without its time (the time is asked for), a bad caller,
    # a missing subject, a bad nationality: each asked again
    answers = ["14.3.2006 25:10", "2006-03-14", "10.30", "fax", "2", "xyz", "9", "", "police", "4", "", "NGA", "NG", "", ""]
    result = invoke(records, "call", "add", "--prompt", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    assert "not a time" in result.stderr and "Time of day on 14.03.2006" in result.stderr
    assert "'fax' is not one of" in result.stderr
    assert "'xyz' is not one of" in result.stderr
    assert "an answer is needed" in result.stderr
    assert "did you mean NG?" in result.stderr
    path, data = load_only_call(records)
    assert "at: 2006-03-14 10:30" in path.read_text()
    assert data["channel"] == "office"
    assert data["caller"] == "police"
    assert data["subject"] == "other"
    assert data["nationality"] == "NG"
    # the rejected answers are not in the record
    assert "xyz" not in path.read_text() and "fax" not in path.read_text()


def test_prompt_eof_writes_nothing(records):
    before = snapshot(records)
    result = invoke(records, "call", "add", "--prompt", input="\n\n3\n")  # stops at Subject
    assert result.exit_code == 2
    no_traceback(result)
    assert "nothing was written" in result.stderr.lower()
    assert result.stdout == ""
    assert snapshot(records) == before


def test_prompt_eof_on_last_optional_question_writes_nothing(records):
    """Cancelling on the very last question still writes nothing (no half record)."""
    before = snapshot(records)
    result = invoke(records, "call", "add", "--prompt", input="\n\n3\n1\n\n\n\n")  # stops at Note
    assert result.exit_code == 2
    assert snapshot(records) == before


# --- prompts on a real terminal ------------------------------------------------------------


def _spawn_on_terminal(records, *args):
    pid, fd = pty.fork()
    if pid == 0:  # child: the pty is its controlling terminal
        try:
            os.execve(str(ROSA_BIN), [str(ROSA_BIN), "--records", str(records), *args], dict(os.environ))
        finally:
            os._exit(127)
    return pid, fd


def _read_until(fd, needle: bytes, seen: bytearray, limit: float = 60.0) -> bool:
    while needle not in seen:
        ready, _, _ = select.select([fd], [], [], limit)
        if not ready:
            return False
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            return False
        if not chunk:
            return False
        seen.extend(chunk)
    return True


def _finish(pid, fd, seen: bytearray) -> int:
    while True:
        ready, _, _ = select.select([fd], [], [], 60.0)
        if not ready:
            break
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen.extend(chunk)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_terminal_asks_for_missing_fields_without_prompt_flag(records):
    pid, fd = _spawn_on_terminal(records, "call", "add")
    seen = bytearray()
    try:
        assert _read_until(fd, b"When", seen), seen.decode(errors="replace")
        os.write(fd, b"\r")
        assert _read_until(fd, b"Channel", seen)
        os.write(fd, b"\r")
        assert _read_until(fd, b"Caller", seen)
        os.write(fd, b"5\r")
        assert _read_until(fd, b"Subject", seen)
        os.write(fd, b"3\r")
        for question in (b"Woman", b"Nationality", b"Received by", b"Note"):
            assert _read_until(fd, question, seen), seen.decode(errors="replace")
            os.write(fd, b"\r")
    finally:
        code = _finish(pid, fd, seen)
    assert code == 0, seen.decode(errors="replace")
    _, data = load_only_call(records)
    assert data["caller"] == "ngo" and data["subject"] == "project-info" and data["channel"] == "phone"
    assert data["id"] in seen.decode(errors="replace")


def test_terminal_ctrl_c_writes_nothing(records):
    before = snapshot(records)
    pid, fd = _spawn_on_terminal(records, "call", "add")
    seen = bytearray()
    try:
        assert _read_until(fd, b"When", seen), seen.decode(errors="replace")
        os.write(fd, b"\r")
        assert _read_until(fd, b"Channel", seen)
        os.write(fd, b"\r")
        assert _read_until(fd, b"Caller", seen)
        os.write(fd, b"3\r")
        assert _read_until(fd, b"Subject", seen)
        os.write(fd, b"\x03")  # Ctrl-C
        # A ^C that lands before Python starts reading the line is only noticed at the
        # next signal (a CPython race, not rosa's); a person would press it again.
        if not _read_until(fd, b"written", seen, limit=5.0):
            os.write(fd, b"\x03")
    finally:
        code = _finish(pid, fd, seen)
    text = seen.decode(errors="replace")
    assert code != 0
    assert "Traceback" not in text
    assert "nothing was written" in text.lower()
    assert snapshot(records) == before


# --- list ----------------------------------------------------------------------------------


def test_call_list_filters(records):
    a = run_ok(records, "call", "add", "--at", "2005-12-31 23:50", "--caller", "police", "--subject", "other").stdout.strip()
    b = run_ok(records, "call", "add", "--at", "2006-01-01 00:10", "--caller", "ngo", "--subject", "trafficking-first").stdout.strip()
    c = run_ok(records, "call", "add", "--at", "2006-02-01 12:00", "--caller", "woman", "--subject", "other").stdout.strip()
    assert (records / "calls" / "2005" / f"{a}.yaml").is_file()
    everything = run_ok(records, "call", "list").stdout
    assert everything.index(a) < everything.index(b) < everything.index(c)
    year_2006 = run_ok(records, "call", "list", "--year", "2006").stdout
    assert a not in year_2006 and b in year_2006 and c in year_2006
    other = run_ok(records, "call", "list", "--subject", "other").stdout
    assert a in other and c in other and b not in other
    bad = invoke(records, "call", "list", "--subject", "nonsense")
    assert bad.exit_code == 2
    no_traceback(bad)
    assert "--subject" in bad.stderr


def test_prompt_re_asks_a_woman_id_that_does_not_exist(records):
    """A rejected answer re-asks that question only; nothing typed is lost."""
    answers = ["", "", "3", "1", "W-2006-N00NE", "", "NG", "KB", "long careful note", ""]
    result = invoke(records, "call", "add", "--prompt", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    assert "W-2006-N00NE" in result.stderr  # said why it was not taken
    _, data = load_only_call(records)
    assert "woman" not in data
    assert data["note"] == "long careful note" and data["received_by"] == "KB"


def test_prompt_accepts_an_existing_woman(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    answers = ["14.03.2006 10:00", "", "6", "2", woman_id, "", "", ""]
    result = invoke(records, "call", "add", "--prompt", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    _, data = load_only_call(records)
    assert data["woman"] == woman_id and data["caller"] == "woman" and data["subject"] == "trafficking-followup"


def test_woman_add_prompt(records):
    # First contact [today], Nationality [unknown], Born, Referred by, Referring agency,
    # Residence status, Interpreter, Exploitation
    answers = ["14.3.06", "NGA", "NG", "1984", "1", "", "", "en", ""]
    result = invoke(records, "woman", "add", "--prompt", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    woman_id = result.stdout.strip()
    assert result.stdout == woman_id + "\n"
    assert "did you mean NG?" in result.stderr
    data = yaml.safe_load((records / "women" / f"{woman_id}.yaml").read_text())
    assert data["first_contact"] == date(2006, 3, 14)
    assert data["nationality"] == "NG" and data["born"] == 1984
    assert data["referred_by"] == "police" and data["interpreter"] == "en"


def test_woman_add_prompt_eof_writes_nothing(records):
    before = snapshot(records)
    result = invoke(records, "woman", "add", "--prompt", input="2006-03-14\n")
    assert result.exit_code == 2
    no_traceback(result)
    assert snapshot(records) == before
