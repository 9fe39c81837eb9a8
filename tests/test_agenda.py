"""Issue 11 parts 7 and 8: ``rosa agenda``, the checks that catch a tired hand,
``woman decline --replace`` and the one-line summary of every changing command.

Everything runs through the real CLI against a folder made by ``rosa init`` (or a
copy of the fictional sample), with real git.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import add_woman, git_messages, invoke, no_traceback, open_stay, run_ok, snapshot


def agenda_json(records: Path, *extra: str) -> dict:
    result = run_ok(records, "agenda", "--format", "json", *extra)
    return json.loads(result.stdout)


def set_settings(records: Path, text: str) -> None:
    """Set top-level settings in rosa.yaml (``key: value`` lines, replacing the line
    ``rosa init`` wrote) and commit them, as a coordinator would."""
    path = records / "rosa.yaml"
    content = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        key = line.split(":", 1)[0]
        content, found = re.subn(rf"^{key}:.*$", lambda _m: line, content, flags=re.M)
        if not found:
            content += line + "\n"
    path.write_text(content, encoding="utf-8")
    from helpers import commit_all

    commit_all(records, "settings")


@pytest.fixture
def busy(records):
    """Four women on 2006-06-20:

    * a: at oslo since 2006-01-03, reflection period from 2006-01-05 (ends 2006-07-04),
      a call about her on 2006-06-01;
    * b: at bergen since 2005-03-01 (open 476 nights on 2006-06-20), never a call;
    * c: stayed at oslo in January only;
    * d: placed on 2006-06-25, after the day asked about.
    """
    a = add_woman(records, first_contact="2006-01-02")
    open_stay(records, a, "oslo", "2006-01-03")
    run_ok(records, "woman", "status", a, "reflection-period", "--from", "2006-01-05")
    run_ok(records, "call", "add", "--at", "2006-06-01 10:00", "--caller", "shelter", "--subject", "trafficking-followup", "--woman", a)
    b = add_woman(records, first_contact="2005-02-20", nationality="AL")
    open_stay(records, b, "bergen", "2005-03-01")
    c = add_woman(records, first_contact="2006-01-02", nationality="RO")
    open_stay(records, c, "oslo", "2006-01-05")
    run_ok(records, "stay", "close", c, "--on", "2006-01-30", "--reason", "returned-home")
    d = add_woman(records, first_contact="2006-06-01")
    open_stay(records, d, "oslo", "2006-06-25")
    return records, {"a": a, "b": b, "c": c, "d": d}


# --- rosa agenda ----------------------------------------------------------------------------


def test_agenda_json_has_the_four_lists_of_the_day(busy):
    records, w = busy
    data = agenda_json(records, "--on", "2006-06-20")
    assert set(data) == {"in_shelter", "long_stays", "reflection_ending", "no_contact"}
    in_shelter = {row["woman"]: row for row in data["in_shelter"]}
    assert set(in_shelter) == {w["a"], w["b"]}  # c left in January, d arrives later
    assert in_shelter[w["a"]]["shelter"] == "oslo" and in_shelter[w["a"]]["since"] == "2006-01-03"
    assert in_shelter[w["a"]]["nights"] == 168
    assert in_shelter[w["b"]]["nights"] == 476
    assert [(r["woman"], r["nights"]) for r in data["long_stays"]] == [(w["b"], 476)]
    assert data["reflection_ending"] == [
        {"woman": w["a"], "since": "2006-01-05", "ends": "2006-07-04", "days_left": 14, "shelter": "oslo"}
    ]
    assert [(r["woman"], r["last_contact"], r["days"]) for r in data["no_contact"]] == [(w["b"], None, 476)]


def test_agenda_json_holds_ids_dates_and_numbers_only(busy):
    records, _ = busy
    allowed = re.compile(r"^([WS]-\d{4}-[0-9A-Z]{5}|\d{4}-\d{2}-\d{2}|oslo|bergen)$")
    for rows in agenda_json(records, "--on", "2006-06-20").values():
        for row in rows:
            for value in row.values():
                assert value is None or isinstance(value, int) or allowed.match(value), value


def test_agenda_follows_the_settings_in_rosa_yaml(busy):
    records, w = busy
    set_settings(records, "long_stay_days: 500\nreflection_days: 190\nfollowup_days: 10\n")
    data = agenda_json(records, "--on", "2006-06-20")
    assert data["long_stays"] == []  # 476 nights is not longer than 500
    # a 190-day period from 2006-01-05 ends on 2006-07-14
    assert [(r["ends"], r["days_left"]) for r in data["reflection_ending"]] == [("2006-07-14", 24)]
    assert {r["woman"] for r in data["no_contact"]} == {w["a"], w["b"]}  # 19 days since the call > 10


def test_agenda_reflection_window_edges(busy):
    records, w = busy
    # the period from 2006-01-05 ends 2006-07-04 (180 days)
    assert agenda_json(records, "--on", "2006-06-03")["reflection_ending"] == []  # 31 days left
    assert [r["days_left"] for r in agenda_json(records, "--on", "2006-06-04")["reflection_ending"]] == [30]
    assert [r["days_left"] for r in agenda_json(records, "--on", "2006-07-04")["reflection_ending"]] == [0]
    assert agenda_json(records, "--on", "2006-07-05")["reflection_ending"] == []  # over
    # a later status ends the reflection period: she is off the list
    run_ok(records, "woman", "status", w["a"], "residence-permit", "--from", "2006-06-15")
    assert agenda_json(records, "--on", "2006-06-20")["reflection_ending"] == []


def test_agenda_no_contact_counts_from_the_last_call_or_the_stay_start(busy):
    records, w = busy
    # a: call on 2006-06-01; 30 days later she is not yet overdue, 31 days later she is
    assert w["a"] not in {r["woman"] for r in agenda_json(records, "--on", "2006-07-01")["no_contact"]}
    rows = {r["woman"]: r for r in agenda_json(records, "--on", "2006-07-02")["no_contact"]}
    assert rows[w["a"]]["last_contact"] == "2006-06-01" and rows[w["a"]]["days"] == 31
    # d was placed on 2006-06-25 with no call: counted from her arrival
    rows = {r["woman"]: r for r in agenda_json(records, "--on", "2006-07-26")["no_contact"]}
    assert rows[w["d"]]["last_contact"] is None and rows[w["d"]]["days"] == 31
    # an office visit about her takes her off the list
    run_ok(records, "call", "add", "--at", "2006-07-20 09:00", "--channel", "office", "--caller", "woman",
           "--subject", "trafficking-followup", "--woman", w["d"])
    assert w["d"] not in {r["woman"] for r in agenda_json(records, "--on", "2006-07-26")["no_contact"]}


def test_agenda_table_has_short_headings_and_says_none(busy):
    records, w = busy
    out = run_ok(records, "agenda", "--on", "2006-06-20").stdout
    for heading in ("In a shelter now (2)", "Open longer than 365 days (1)",
                    "Reflection period ending within 30 days (1)", "No call or visit for more than 30 days (1)"):
        assert heading in out
    assert w["b"] in out and w["c"] not in out and w["d"] not in out
    out = run_ok(records, "agenda", "--on", "2004-01-01").stdout
    assert out.count("  none") == 4


def test_agenda_on_a_fresh_folder_and_bad_dates(records):
    assert agenda_json(records) == {"in_shelter": [], "long_stays": [], "reflection_ending": [], "no_contact": []}
    result = invoke(records, "agenda", "--on", "2006-13-40")
    assert result.exit_code == 2 and result.stderr.startswith("error: --on:")
    no_traceback(result)


def test_agenda_on_the_sample_matches_the_report(sample_records):
    """The report says 16 women were in a shelter at the end of 2006 (SPEC section 8)."""
    data = agenda_json(sample_records, "--on", "2006-12-31")
    assert len(data["in_shelter"]) == 16
    assert len({r["shelter"] for r in data["in_shelter"]}) == 10
    today = agenda_json(sample_records)
    assert len(today["long_stays"]) == 16  # nobody closed them since 2006


# --- rosa check: what a tired hand does -----------------------------------------------------


def check(records: Path):
    result = invoke(records, "check")
    no_traceback(result)
    return result


def test_check_warns_about_stays_open_too_long(records, sample_records):
    wid = add_woman(records, first_contact="2006-01-02")
    sid = open_stay(records, wid, "oslo", "2006-01-03")
    result = check(records)
    assert result.exit_code == 0
    line = [l for l in result.stdout.splitlines() if sid in l]
    shown = next(records.glob(f"stays/**/{sid}.yaml")).relative_to(records).as_posix()
    assert len(line) == 1 and line[0].startswith(f"{shown}:4: warning: stay {sid} of woman {wid} has been open ")
    assert "warning:" in line[0] and wid in line[0] and "long_stay_days is 365" in line[0]
    assert re.search(r"open \d+ days \(since 2006-01-03", line[0])
    # the sample: 16 stays open since 2005-2006 are warnings, not errors
    result = check(sample_records)
    assert result.exit_code == 0, result.stdout
    assert sum("long_stay_days" in l for l in result.stdout.splitlines()) == 16
    assert "0 error(s)" in result.stderr


def test_check_long_stay_setting(records):
    wid = add_woman(records, first_contact="2006-01-02")
    open_stay(records, wid, "oslo", "2006-01-03")
    set_settings(records, "long_stay_days: 100000\n")
    assert "long_stay_days" not in check(records).stdout


def test_check_warns_when_a_call_gives_another_nationality_than_its_woman(records):
    wid = add_woman(records, nationality="NG")
    cid = run_ok(records, "call", "add", "--at", "2006-03-01 10:00", "--caller", "police", "--subject", "trafficking-first",
                 "--woman", wid, "--nationality", "AL").stdout.strip()
    same = run_ok(records, "call", "add", "--at", "2006-03-02 10:00", "--caller", "police", "--subject", "other",
                  "--woman", wid, "--nationality", "NG").stdout.strip()
    result = check(records)
    assert result.exit_code == 0
    lines = [l for l in result.stdout.splitlines() if "nationality" in l]
    assert len(lines) == 1 and cid in lines[0] and wid in lines[0] and "warning:" in lines[0]
    assert lines[0].startswith(f"calls/2006/{cid}.yaml:")
    assert same not in result.stdout


def write_residence(records: Path, wid: str, entries: str) -> Path:
    path = next(records.glob(f"women/**/{wid}.yaml"))
    path.write_text(path.read_text(encoding="utf-8") + "residence:\n" + entries, encoding="utf-8")
    return path


def test_check_refuses_a_residence_entry_before_first_contact(records):
    wid = add_woman(records, first_contact="2006-01-10")
    path = write_residence(records, wid, "- from: 2005-01-12\n  status: irregular\n")
    result = check(records)
    assert result.exit_code == 1
    shown = path.relative_to(records).as_posix()
    line = len(path.read_text().splitlines()) - 1  # the entry's from: line
    assert f"{shown}:{line}: residence entry from 2005-01-12 is before her first contact 2006-01-10" in result.stdout


def test_check_refuses_residence_entries_out_of_order(records):
    wid = add_woman(records, first_contact="2006-01-10")
    path = write_residence(records, wid, "- from: 2006-05-01\n  status: reflection-period\n- from: 2006-02-01\n  status: irregular\n")
    result = check(records)
    assert result.exit_code == 1
    shown = path.relative_to(records).as_posix()
    line = len(path.read_text().splitlines()) - 1
    assert f"{shown}:{line}: residence entry from 2006-02-01 comes after the entry from 2006-05-01" in result.stdout
    # in order, the same entries are fine
    path.write_text(path.read_text().split("residence:")[0] + "residence:\n- from: 2006-02-01\n  status: irregular\n"
                    "- from: 2006-05-01\n  status: reflection-period\n", encoding="utf-8")
    assert check(records).exit_code == 0


@pytest.mark.parametrize("value", ["0", "-3", "soon", "true", "[30]"])
def test_check_refuses_bad_day_settings(records, value):
    set_settings(records, f"followup_days: {value}\n")
    result = check(records)
    assert result.exit_code == 1
    assert re.search(r"^rosa\.yaml:\d+: followup_days must be a whole number, 1 or more$", result.stdout, re.M)


def test_init_writes_the_day_settings(tmp_path):
    run_ok(None, "init", str(tmp_path / "r"))
    text = (tmp_path / "r" / "rosa.yaml").read_text()
    for line in ("long_stay_days: 365", "reflection_days: 180", "followup_days: 30"):
        assert line in text.splitlines()


# --- woman status and decline ----------------------------------------------------------------


def test_status_before_first_contact_or_before_her_latest_entry_is_refused(records):
    wid = add_woman(records, first_contact="2006-01-10")
    run_ok(records, "woman", "status", wid, "reflection-period", "--from", "2006-03-01")
    before = snapshot(records)
    for day, words in (("2005-03-01", "before her first contact 2006-01-10"),
                       ("2006-02-01", "before her latest residence status (reflection-period from 2006-03-01)")):
        result = invoke(records, "woman", "status", wid, "irregular", "--from", day)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: --from: {day} is {words}")
        assert snapshot(records) == before
    result = run_ok(records, "woman", "status", wid, "residence-permit", "--from", "2006-09-01")
    assert result.stdout == ""
    assert f"Residence status of {wid} from 2006-09-01: Residence permit (was Reflection period from 2006-03-01)" in result.stderr


def test_second_decline_is_refused_unless_replace(records):
    wid = add_woman(records, first_contact="2006-01-10")
    result = run_ok(records, "woman", "decline", wid, "--reason", "distrust", "--on", "2006-01-12")
    assert result.stdout == "" and f"Recorded that {wid} declined on 2006-01-12: Distrust" in result.stderr
    before = snapshot(records)
    result = invoke(records, "woman", "decline", wid, "--reason", "not-ready", "--on", "2006-02-01")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"error: ID: {wid} already declined on 2006-01-12 (distrust); give --replace to record this decline instead"
    )
    assert snapshot(records) == before
    result = run_ok(records, "woman", "decline", wid, "--reason", "not-ready", "--on", "2006-02-01", "--replace")
    assert f"declined on 2006-02-01: Not ready (replacing 2006-01-12: Distrust)" in result.stderr
    text = next(records.glob(f"women/**/{wid}.yaml")).read_text()
    assert "declined_on: 2006-02-01" in text and "declined_reason: not-ready" in text and "distrust" not in text
    assert git_messages(records)[0] == f"woman decline {wid} (declined_on, declined_reason)"


# --- one line saying what was done -----------------------------------------------------------


def test_stay_commands_say_what_they_did(records):
    wid = add_woman(records, first_contact="2006-01-02")
    result = run_ok(records, "stay", "open", wid, "--shelter", "oslo", "--on", "2006-01-03", "--children", "2")
    first = result.stdout.strip()
    assert re.fullmatch(r"S-2006-[0-9A-Z]{5}", first)  # the id alone on stdout
    assert result.stderr.splitlines()[0] == f"Opened {first}: {wid} at Oslo krisesenter from 2006-01-03, with 2 child(ren)"
    result = run_ok(records, "stay", "move", wid, "--to", "bergen", "--on", "2006-02-01")
    second = result.stdout.strip()
    assert re.fullmatch(r"S-2006-[0-9A-Z]{5}", second)
    assert result.stderr.splitlines()[0] == (
        f"Moved {wid} on 2006-02-01 from Oslo krisesenter to Bergen krisesenter: "
        f"closed {first} (2006-01-03 to 2006-02-01, 29 nights), opened {second}"
    )
    result = run_ok(records, "stay", "close", second, "--on", "2006-04-12", "--reason", "own-housing")
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == f"Closed {second} (Bergen krisesenter, 2006-02-01 to 2006-04-12, 70 nights): Own housing"


def test_adding_commands_print_the_id_alone_and_a_summary(records):
    result = run_ok(records, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-02")
    wid = result.stdout.strip()
    assert re.fullmatch(r"W-2006-[0-9A-Z]{5}", wid)
    assert result.stderr.splitlines()[0] == f"Added {wid} (nationality Nigeria, first contact 2006-01-02)"
    result = run_ok(records, "call", "add", "--at", "2006-03-01 10:00", "--caller", "police", "--subject", "other", "--woman", wid)
    cid = result.stdout.strip()
    assert re.fullmatch(r"C-2006-[0-9A-Z]{5}", cid)
    assert result.stderr.splitlines()[0] == f"Logged {cid}: Phone 2006-03-01 10:00, Other, about {wid}"
    result = run_ok(records, "shelter", "add", "tromso", "--name", "Tromsø krisesenter")
    assert result.stdout.strip() == "tromso" and "Added shelter tromso" in result.stderr
