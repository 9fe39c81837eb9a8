"""``rosa check``: every problem of SPEC section 6, with ``path:line:``, all in one run."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from helpers import commit_all, fodselsnummer_like, git_state, invoke, no_traceback, run_ok

FUTURE = (date.today() + timedelta(days=30)).isoformat()


def woman(wid: str, extra: str = "", first_contact: str = "2006-01-10", nationality: str = "NG") -> str:
    return f"id: {wid}\nfirst_contact: {first_contact}\nnationality: {nationality}\n{extra}"


def stay(sid: str, wid: str, start: str, end: str = "", shelter: str = "oslo") -> str:
    text = f"id: {sid}\nwoman: {wid}\nshelter: {shelter}\nstart: {start}\n"
    if end:
        text += f"end: {end}\nend_reason: left\n"
    return text


# Each case: files to write (path -> text) and (path:line, part of the message) expected.
CASES = {
    "yaml syntax error": (
        {"women/W-2006-SYNTX.yaml": "id: W-2006-SYNTX\nfirst_contact: 2006-01-10\nnationality: NG\n  born: 1980\n"},
        [("women/W-2006-SYNTX.yaml:4:", "YAML syntax error")],
    ),
    "merge conflict markers": (
        {
            "women/W-2006-C0NF1.yaml": "id: W-2006-C0NF1\nfirst_contact: 2006-01-10\n<<<<<<< HEAD\nnationality: NG\n"
            "=======\nnationality: AL\n>>>>>>> other-office\n"
        },
        [("women/W-2006-C0NF1.yaml:3:", "merge conflict")],
    ),
    "unknown field": (
        {"women/W-2006-VNKNF.yaml": woman("W-2006-VNKNF", "referred_bye: police\n")},
        [("women/W-2006-VNKNF.yaml:4:", "unknown field 'referred_bye'; did you mean referred_by?")],
    ),
    "missing field": (
        {"women/W-2006-M1SSF.yaml": "id: W-2006-M1SSF\nfirst_contact: 2006-01-10\n"},
        [("women/W-2006-M1SSF.yaml:1:", "nationality")],
    ),
    "wrong type": (
        {"women/W-2006-WTYPE.yaml": woman("W-2006-WTYPE", "born_estimated: maybe\n")},
        [("women/W-2006-WTYPE.yaml:4:", "born_estimated")],
    ),
    "wrong type (list for text)": (
        {"women/W-2006-W11ST.yaml": woman("W-2006-W11ST", "referrer:\n- a\n- b\n")},
        [("women/W-2006-W11ST.yaml:4:", "referrer")],
    ),
    "unknown vocabulary key": (
        {"women/W-2006-V0CAB.yaml": woman("W-2006-V0CAB", "referred_by: polise\n")},
        [("women/W-2006-V0CAB.yaml:4:", "did you mean police?")],
    ),
    "bad country": (
        {"women/W-2006-CNTRY.yaml": woman("W-2006-CNTRY", nationality="NGA")},
        [("women/W-2006-CNTRY.yaml:3:", "did you mean NG?")],
    ),
    "id not matching file name": (
        {"women/W-2006-1DM1S.yaml": woman("W-2006-0THER")},
        [("women/W-2006-1DM1S.yaml:1:", "does not match the file name")],
    ),
    "same id in two year folders": (
        {
            "calls/2005/C-2006-DVP11.yaml": "id: C-2006-DVP11\nat: 2006-03-01 10:00\ncaller: police\nsubject: other\n",
            "calls/2006/C-2006-DVP11.yaml": "id: C-2006-DVP11\nat: 2006-03-01 10:00\ncaller: police\nsubject: other\n",
        },
        [("calls/2005/C-2006-DVP11.yaml:", "filed in calls/2005/, where it is not read; move it to calls/2006/")],
    ),
    "reference to a missing woman": (
        {"stays/S-2006-N0W0M.yaml": stay("S-2006-N0W0M", "W-2006-N00NE", "2006-02-01")},
        [("stays/S-2006-N0W0M.yaml:2:", "W-2006-N00NE does not exist")],
    ),
    "call referring to a missing woman": (
        {"calls/2006/C-2006-N0W0M.yaml": "id: C-2006-N0W0M\nat: 2006-03-01 10:00\ncaller: police\nsubject: other\nwoman: W-2006-N0THR\n"},
        [("calls/2006/C-2006-N0W0M.yaml:5:", "W-2006-N0THR does not exist")],
    ),
    "reference to a missing shelter": (
        {
            "women/W-2006-SHE1W.yaml": woman("W-2006-SHE1W"),
            "stays/S-2006-N0SH1.yaml": stay("S-2006-N0SH1", "W-2006-SHE1W", "2006-02-01", shelter="tromso"),
        },
        [("stays/S-2006-N0SH1.yaml:3:", "'tromso' is not a shelter")],
    ),
    "end before start": (
        {
            "women/W-2006-ENDBW.yaml": woman("W-2006-ENDBW"),
            "stays/S-2006-ENDBS.yaml": stay("S-2006-ENDBS", "W-2006-ENDBW", "2006-03-10", end="2006-03-01"),
        },
        [("stays/S-2006-ENDBS.yaml:5:", "before start")],
    ),
    "overlapping stays": (
        {
            "women/W-2006-0VERW.yaml": woman("W-2006-0VERW"),
            "stays/S-2006-0VER1.yaml": stay("S-2006-0VER1", "W-2006-0VERW", "2006-02-01", end="2006-03-01"),
            "stays/S-2006-0VER2.yaml": stay("S-2006-0VER2", "W-2006-0VERW", "2006-02-15", end="2006-04-01", shelter="bergen"),
        },
        [("stays/S-2006-0VER2.yaml:4:", "overlaps stay S-2006-0VER1")],
    ),
    "more than one open stay": (
        {
            "women/W-2006-0PENW.yaml": woman("W-2006-0PENW"),
            "stays/S-2006-0PEN1.yaml": stay("S-2006-0PEN1", "W-2006-0PENW", "2006-02-01"),
            "stays/S-2006-0PEN2.yaml": stay("S-2006-0PEN2", "W-2006-0PENW", "2006-03-01", shelter="bergen"),
        },
        [("stays/S-2006-0PEN2.yaml:4:", "more than one open stay")],
    ),
    "date in the future": (
        {"women/W-2006-FVTVR.yaml": woman("W-2006-FVTVR", first_contact=FUTURE)},
        [("women/W-2006-FVTVR.yaml:2:", "in the future")],
    ),
    "implausible age (too young)": (
        {"women/W-2006-AGEYY.yaml": woman("W-2006-AGEYY", "born: 2001\n")},
        [("women/W-2006-AGEYY.yaml:4:", "implausible age")],
    ),
    "implausible age (too old)": (
        {"women/W-2006-AGE00.yaml": woman("W-2006-AGE00", "born: 1900-05-01\n")},
        [("women/W-2006-AGE00.yaml:4:", "implausible age")],
    ),
}


def write_files(records: Path, files: dict) -> None:
    for rel, text in files.items():
        path = records / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def assert_reported(output: str, where: str, message: str) -> None:
    lines = [line for line in output.splitlines() if line.startswith(where)]
    assert any(message in line for line in lines), f"no '{where} … {message}' in:\n{output}"


@pytest.mark.parametrize("case", list(CASES))
def test_check_reports_problem_with_path_and_line(records, case):
    files, expected = CASES[case]
    write_files(records, files)
    commit_all(records)
    result = invoke(records, "check")
    no_traceback(result)
    assert result.exit_code == 1, result.stdout + result.stderr
    for where, message in expected:
        assert_reported(result.stdout, where, message)


def test_check_reports_every_problem_in_one_run(records):
    for files, _ in CASES.values():
        write_files(records, files)
    result = invoke(records, "check")
    no_traceback(result)
    assert result.exit_code == 1
    for case, (files, expected) in CASES.items():
        for where, message in expected:
            assert_reported(result.stdout, where, message)
    # uncommitted changes are reported too (they were never committed)
    for rel in ("women/W-2006-0VERW.yaml", "stays/S-2006-0PEN1.yaml"):
        assert any(rel in line and "uncommitted" in line for line in result.stdout.splitlines()), rel
    assert "error(s)" in result.stderr


def test_check_clean_folder_exits_zero(records):
    wid = run_ok(records, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    run_ok(records, "stay", "open", wid, "--shelter", "oslo", "--on", "2006-02-01")
    run_ok(records, "call", "add", "--at", "2006-03-01 10:00", "--caller", "police", "--subject", "other", "--woman", wid)
    # closed: a stay open since 2006 is (rightly) a long-stay warning
    run_ok(records, "stay", "close", wid, "--on", "2006-04-01", "--reason", "own-housing")
    result = invoke(records, "check")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert "0 error(s)" in result.stderr


def test_check_reports_uncommitted_hand_edit(records):
    wid = run_ok(records, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    path = records / "women" / f"{wid}.yaml"
    path.write_text(path.read_text() + "born: 1980\n")
    result = invoke(records, "check")
    no_traceback(result)
    lines = [l for l in result.stdout.splitlines() if l.startswith(f"women/{wid}.yaml") and "uncommitted" in l]
    assert lines, result.stdout


def test_check_uncommitted_change_is_committed_by_next_command(records):
    wid = run_ok(records, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    path = records / "women" / f"{wid}.yaml"
    path.write_text(path.read_text() + "born: 1980\n")
    result = run_ok(records, "call", "add", "--at", "2006-03-01 10:00", "--caller", "police", "--subject", "other")
    assert f"women/{wid}.yaml" in result.stderr
    log, status = git_state(records)
    assert status == ""
    assert log[0].startswith("call add")


def test_check_warns_about_identity_number_without_printing_it(records):
    number = fodselsnummer_like()
    # commands refuse it at the door now; a hand edit is what check must still catch
    wid = run_ok(records, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    path = records / "women" / f"{wid}.yaml"
    path.write_text(path.read_text() + f"note: ref {number}\n")
    result = invoke(records, "check")
    no_traceback(result)
    assert_reported(result.stdout, f"women/{wid}.yaml:", "fødselsnummer")
    assert number not in result.stdout + result.stderr


def test_check_does_not_flag_an_ordinary_eleven_digit_number(records):
    # not starting with 0: 10+ digits with a leading 0 are taken for a phone number
    number = fodselsnummer_like("150385")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)  # control digit broken
    wid = run_ok(records, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10", "--note", f"case {wrong}").stdout.strip()
    result = invoke(records, "check")
    assert "fødselsnummer" not in result.stdout
    assert "warning" not in result.stdout


def test_check_warns_about_email_in_call_note(records):
    call_id = run_ok(records, "call", "add", "--at", "2006-03-01 10:00", "--caller", "ngo", "--subject", "other").stdout.strip()
    path = records / "calls" / "2006" / f"{call_id}.yaml"
    path.write_text(path.read_text() + "note: wrote from someone@example.org\n")  # a hand edit
    result = invoke(records, "check")
    assert "e-mail" in result.stdout
    assert "someone@example.org" not in result.stdout


def test_check_sample_records_pass(sample_records):
    result = invoke(sample_records, "check")
    no_traceback(result)
    assert result.exit_code == 0, result.stdout[-3000:]
    assert re.search(r"\d+ records checked: 0 error\(s\)", result.stderr), result.stderr


def test_check_bad_rosa_yaml_is_reported(records):
    path = records / "rosa.yaml"
    path.write_text(path.read_text().replace("suppress_below: 3", "suppress_belov: 3"))
    result = invoke(records, "check")
    assert result.exit_code == 1
    assert_reported(result.stdout, "rosa.yaml:", "did you mean suppress_below?")


def test_check_bad_shelters_yaml_is_reported(records):
    path = records / "shelters.yaml"
    path.write_text(path.read_text() + "tromso:\n  nmae: Tromsø krisesenter\n")
    result = invoke(records, "check")
    no_traceback(result)
    assert result.exit_code == 1
    assert any(l.startswith("shelters.yaml:") and "tromso" in l for l in result.stdout.splitlines()), result.stdout
