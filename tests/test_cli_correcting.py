"""Correcting mistakes: ``call edit``, ``stay edit``, ``shelter edit``, ``shelter retire``.

Real CLI, real files, real git. ``$EDITOR`` is the fake editor of
``test_cli_woman_edit`` (a small script applying text replacements for real).
"""

from __future__ import annotations

import json
import re

import yaml

from helpers import add_woman, git, git_messages, git_state, invoke, no_traceback, open_stay, run_ok, snapshot
from test_cli_woman_edit import Editor


def add_call(records, *extra: str) -> str:
    result = run_ok(records, "call", "add", "--no-prompt", "--caller", "police", "--subject", "trafficking-first", *extra)
    return result.stdout.strip()


def edit(records, what: str, target: str, editor: Editor):
    return invoke(records, what, "edit", target, env=editor.env())


def call_file(records, call_id: str):
    return records / "calls" / call_id[2:6] / f"{call_id}.yaml"


# --- call edit --------------------------------------------------------------------------


def test_call_edit_commits_once_naming_fields_not_values(records, tmp_path):
    call_id = add_call(records, "--at", "2006-03-14 14:10", "--received-by", "ab")
    log_before, _ = git_state(records)
    editor = Editor(tmp_path / "ed", [[("subject: trafficking-first", "subject: trafficking-followup"), ("received_by: AB", "received_by: cd\nnote: second call this week")]])
    result = edit(records, "call", call_id, editor)
    assert result.exit_code == 0, result.stderr
    no_traceback(result)
    assert result.stdout == ""  # the id did not change: nothing on stdout
    assert f"Saved {call_id}" in result.stderr
    data = yaml.safe_load(call_file(records, call_id).read_text())
    assert data["subject"] == "trafficking-followup" and data["received_by"] == "cd" and data["note"] == "second call this week"
    log, status = git_state(records)
    assert log[1:] == log_before and status == ""
    assert log[0] == f"call edit {call_id} (note, received_by, subject)"
    history = "\n".join(git_messages(records))
    assert "followup" not in history and "second call" not in history and "cd" not in history.split()


def test_call_edit_to_another_year_moves_the_file_in_one_commit(records, tmp_path):
    woman_id = add_woman(records, first_contact="2005-06-01")
    call_id = add_call(records, "--at", "2006-01-02 09:00", "--woman", woman_id)
    log_before, _ = git_state(records)
    old = call_file(records, call_id)
    editor = Editor(tmp_path / "ed", [[("at: 2006-01-02 09:00", "at: 2005-12-30 09:00")]])
    result = edit(records, "call", call_id, editor)
    assert result.exit_code == 0, result.stderr
    new_id = result.stdout.strip()
    assert new_id == "C-2005-" + call_id.split("-")[2]  # the random part is kept
    assert not old.exists()
    new = records / "calls" / "2005" / f"{new_id}.yaml"
    data = yaml.safe_load(new.read_text())
    assert data["id"] == new_id and data["woman"] == woman_id
    log, status = git_state(records)
    assert log[1:] == log_before and status == ""  # one commit: the old file removed, the new one added
    assert log[0].startswith(f"call edit {call_id} (") and new_id in log[0]
    renamed = git(records, "show", "--name-status", "--format=", "HEAD").split()
    assert renamed[0].startswith("R") and renamed[1:] == [f"calls/2006/{call_id}.yaml", f"calls/2005/{new_id}.yaml"]
    check = invoke(records, "check")
    assert check.exit_code == 0, check.stdout + check.stderr
    shown = run_ok(records, "call", "show", new_id)
    assert "2005-12-30 09:00" in shown.stdout
    assert invoke(records, "call", "show", call_id).exit_code == 2


def test_call_edit_invalid_reopens_with_errors_then_fix(records, tmp_path):
    call_id = add_call(records, "--at", "2006-03-14 14:10")
    editor = Editor(
        tmp_path / "ed",
        [
            [("subject: trafficking-first", "subject: trafficking-first\nwoman: W-2006-ZZZZZ\ncaller: polise")],
            [("woman: W-2006-ZZZZZ\n", ""), ("caller: polise\n", "")],
        ],
    )
    # the first save adds a second caller line (a duplicate key) and an unknown woman
    result = edit(records, "call", call_id, editor)
    no_traceback(result)
    assert editor.calls == 2
    header = [l for l in editor.seen(1).splitlines() if l.startswith("# rosa:")]
    assert any("caller" in l for l in header), editor.seen(1)
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(call_file(records, call_id).read_text())["caller"] == "police"
    assert git_state(records)[1] == ""


def test_call_edit_naming_a_woman_who_does_not_exist_is_refused(records, tmp_path):
    call_id = add_call(records, "--at", "2006-03-14 14:10")
    before = snapshot(records)
    editor = Editor(tmp_path / "ed", [[("subject: trafficking-first", "subject: trafficking-first\nwoman: W-2006-ZZZZZ")], []])
    result = edit(records, "call", call_id, editor)
    no_traceback(result)
    assert result.exit_code == 1
    assert "error: woman: W-2006-ZZZZZ does not exist" in result.stderr
    assert any("W-2006-ZZZZZ does not exist" in l for l in editor.seen(1).splitlines() if l.startswith("# rosa:"))
    files, log, status = snapshot(records)
    assert (files, log, status) == before
    assert "Gave up" in result.stderr


def test_call_edit_of_an_unknown_or_malformed_id_changes_nothing(records, tmp_path):
    before = snapshot(records)
    editor = Editor(tmp_path / "ed", [[]])
    for bad in ("C-2006-ZZZZZ", "../rosa", "W-2006-ZZZZZ"):
        result = edit(records, "call", bad, editor)
        no_traceback(result)
        assert result.exit_code == 2, (bad, result.stderr)
        assert result.stderr.startswith("error: ID: "), result.stderr
    assert editor.calls == 0
    assert snapshot(records) == before


# --- stay edit ----------------------------------------------------------------------------


def test_stay_edit_valid_commits_naming_fields(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, "oslo", "2006-02-01")
    run_ok(records, "stay", "close", stay_id, "--on", "2006-03-01", "--reason", "left")
    log_before, _ = git_state(records)
    editor = Editor(tmp_path / "ed", [[("end: 2006-03-01", "end: 2006-03-05"), ("shelter: oslo", "shelter: bergen")]])
    result = edit(records, "stay", stay_id, editor)
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((records / "stays" / f"{stay_id}.yaml").read_text())
    assert str(data["end"]) == "2006-03-05" and data["shelter"] == "bergen"
    log, status = git_state(records)
    assert log[1:] == log_before and status == ""
    assert log[0] == f"stay edit {stay_id} (end, shelter)"


def test_stay_edit_overlap_or_before_first_contact_is_refused_and_reopened(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    first = open_stay(records, woman_id, "oslo", "2006-02-01")
    run_ok(records, "stay", "close", first, "--on", "2006-03-01", "--reason", "moved")
    second = open_stay(records, woman_id, "bergen", "2006-03-01")
    before = snapshot(records)
    editor = Editor(
        tmp_path / "ed",
        [[("start: 2006-03-01", "start: 2006-02-15")], [("start: 2006-02-15", "start: 2005-12-01")], []],
    )
    result = edit(records, "stay", second, editor)
    no_traceback(result)
    assert result.exit_code == 1
    assert editor.calls == 3
    assert "overlaps" in editor.seen(1)
    assert "before her first contact 2006-01-10" in editor.seen(2)
    assert snapshot(records) == before


# --- shelter edit and retire --------------------------------------------------------------------


def test_shelter_edit_changes_only_that_entry_and_keeps_comments(records, tmp_path):
    path = records / "shelters.yaml"
    original = path.read_text()
    log_before, _ = git_state(records)
    editor = Editor(tmp_path / "ed", [[("name: Oslo krisesenter", "name: Oslo krisesenter og incestsenter\nmunicipality: Oslo")]])
    result = edit(records, "shelter", "oslo", editor)
    assert result.exit_code == 0, result.stderr
    assert "name: Oslo krisesenter" in editor.seen(0) and "bergen" not in editor.seen(0)
    text = path.read_text()
    assert text.startswith("# shelter-key:")  # the header comment is kept
    data = yaml.safe_load(text)
    assert data["oslo"] == {"name": "Oslo krisesenter og incestsenter", "municipality": "Oslo"}
    assert data["bergen"] == yaml.safe_load(original)["bergen"]
    log, status = git_state(records)
    assert log[1:] == log_before and status == ""
    assert log[0] == "shelter edit oslo (municipality, name)"
    listed = run_ok(records, "shelter", "list").stdout
    assert "Oslo krisesenter og incestsenter" in listed


def test_shelter_edit_refuses_identifying_details_and_unknown_fields(records, tmp_path):
    before = snapshot(records)
    phone = "9" + "12" + "34" + "567"
    editor = Editor(tmp_path / "ed", [[("name: Oslo krisesenter", f"name: call {phone}\nphone: x")], []])
    result = edit(records, "shelter", "oslo", editor)
    no_traceback(result)
    assert result.exit_code == 1
    comments = "\n".join(l for l in editor.seen(1).splitlines() if l.startswith("# rosa:"))
    assert "unknown shelter field 'phone'" in comments
    assert snapshot(records) == before
    unknown = edit(records, "shelter", "tromso", Editor(tmp_path / "ed2", [[]]))
    assert unknown.exit_code == 2 and "'tromso' is not a shelter" in unknown.stderr


def test_shelter_edit_keeps_a_colleagues_change_made_meanwhile(records, tmp_path):
    """The fake editor changes shelters.yaml on disk itself (a colleague's hand edit of
    the other field) before saving the user's change: both survive."""
    editor = Editor(tmp_path / "ed", [[("name: Oslo krisesenter", "name: Oslo krisesenter nord")]])
    script = editor.script.read_text().replace(
        "path.write_text(text, encoding=\"utf-8\")   # always saves, even unchanged",
        "path.write_text(text, encoding=\"utf-8\")\n"
        f"shelters = pathlib.Path({str(records / 'shelters.yaml')!r})\n"
        "shelters.write_text(shelters.read_text().replace('  name: Oslo krisesenter\\n', '  name: Oslo krisesenter\\n  municipality: Oslo\\n'))\n",
    )
    editor.script.write_text(script)
    result = edit(records, "shelter", "oslo", editor)
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((records / "shelters.yaml").read_text())
    assert data["oslo"] == {"name": "Oslo krisesenter nord", "municipality": "Oslo"}
    assert "changed by a colleague" in result.stderr
    assert git_state(records)[1] == ""


def test_retire_refused_while_a_woman_stays_there_then_kept_out_of_later_reports(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, "bergen", "2006-02-01")
    before = snapshot(records)
    refused = invoke(records, "shelter", "retire", "bergen", "--on", "2006-06-01")
    no_traceback(refused)
    assert refused.exit_code == 2
    assert stay_id in refused.stderr and woman_id in refused.stderr
    assert snapshot(records) == before

    run_ok(records, "stay", "close", stay_id, "--on", "2006-03-01", "--reason", "left")
    too_early = invoke(records, "shelter", "retire", "bergen", "--on", "2006-02-15")
    assert too_early.exit_code == 2 and "nights after 2006-02-15" in too_early.stderr
    log_before, _ = git_state(records)
    done = run_ok(records, "shelter", "retire", "bergen", "--on", "2006-06-01")
    assert done.stdout == "" and "Retired shelter bergen from 2006-06-01" in done.stderr
    log, status = git_state(records)
    assert log[0] == "shelter retire bergen" and log[1:] == log_before and status == ""
    assert str(yaml.safe_load((records / "shelters.yaml").read_text())["bergen"]["retired"]) == "2006-06-01"
    assert re.search(r"bergen .*retired 2006-06-01", run_ok(records, "shelter", "list").stdout)
    again = invoke(records, "shelter", "retire", "bergen")
    assert again.exit_code == 2 and "already retired" in again.stderr

    other = add_woman(records, first_contact="2006-07-01")
    placed = invoke(records, "stay", "open", other, "--shelter", "bergen", "--on", "2006-07-02")
    assert placed.exit_code == 2 and "retired" in placed.stderr

    def shelters_in(*period):
        result = run_ok(records, "report", *period, "--format", "json")
        return json.loads(result.stdout)["stays"]["by_shelter"]

    assert shelters_in("--year", "2006") == {"oslo": 0, "bergen": 28}  # nights there that year
    assert shelters_in("--year", "2007") == {"oslo": 0}  # retired before, no nights: left out
    assert run_ok(records, "check").exit_code == 0

    # taking it back into use: remove the retired line with shelter edit
    editor = Editor(tmp_path / "ed", [[("retired: 2006-06-01\n", "")]])
    assert edit(records, "shelter", "bergen", editor).exit_code == 0
    assert shelters_in("--year", "2007") == {"oslo": 0, "bergen": 0}


def test_retire_on_a_bad_date_or_unknown_key_is_one_clear_line(records):
    before = snapshot(records)
    for args, expected in (
        (("bergen", "--on", "31.02.2006"), "error: --on: "),
        (("tromso",), "error: KEY: 'tromso' is not a shelter"),
        (("../x",), "error: KEY: "),
    ):
        result = invoke(records, "shelter", "retire", *args)
        no_traceback(result)
        assert result.exit_code == 2, args
        assert result.stderr.startswith(expected), result.stderr
    assert snapshot(records) == before


# --- call list filters and call show -------------------------------------------------------


def listed_ids(result) -> list:
    return re.findall(r"^(C-\d{4}-\w+)", result.stdout, flags=re.M)


def test_call_list_filters_combine(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    a = add_call(records, "--at", "2006-03-14 14:10", "--woman", woman_id, "--received-by", "AB", "--note", "asked about a place")
    b = run_ok(records, "call", "add", "--no-prompt", "--at", "2006-04-02 09:00", "--caller", "ngo", "--subject", "project-info",
               "--channel", "office", "--received-by", "cd").stdout.strip()
    c = add_call(records, "--at", "2007-01-05 10:00", "--received-by", "ab")
    now = add_call(records, "--at", "now")

    def ids(*args):
        return listed_ids(run_ok(records, "call", "list", *args))

    assert ids() == [a, b, c, now]
    assert ids("--woman", woman_id) == [a]
    assert ids("--from", "2006-04-01", "--to", "31.12.2006") == [b]
    assert ids("--from", "2007-01-01") == [c, now]
    assert ids("--to", "2006-03-14") == [a]
    assert ids("--year", "2006") == [a, b]
    assert ids("--subject", "PROJECT-INFO") == [b]
    assert ids("--caller", "Police", "--year", "2006") == [a]
    assert ids("--channel", "office") == [b]
    assert ids("--received-by", "ab") == [a, c]
    assert ids("--today") == [now]
    assert ids("--week") == [now]
    assert ids("--woman", woman_id, "--subject", "project-info") == []
    plain = run_ok(records, "call", "list", "--woman", woman_id).stdout
    assert "asked about a place" not in plain and "note" not in plain
    with_notes = run_ok(records, "call", "list", "--woman", woman_id, "--notes").stdout
    assert "asked about a place" in with_notes and "note" in with_notes.splitlines()[0]


def test_call_list_bad_filters_are_one_line_usage_errors(records):
    add_call(records, "--at", "2006-03-14 14:10")
    for args, expected in (
        (("--from", "2006-13-01"), "error: --from: "),
        (("--to", "tomorrowish"), "error: --to: "),
        (("--from", "2006-05-01", "--to", "2006-04-01"), "error: --from 2006-05-01 is after --to 2006-04-01"),
        (("--today", "--week"), "error: give only one of"),
        (("--week", "--from", "2006-01-01"), "error: give only one of"),
        (("--subject", "trafficking"), "error: --subject: 'trafficking' is not one of: "),
        (("--caller", "neighbour"), "error: --caller: "),
        (("--channel", "fax"), "error: --channel: "),
        (("--woman", "../women/x"), "error: --woman: "),
    ):
        result = invoke(records, "call", "list", *args)
        no_traceback(result)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.startswith(expected), (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) <= 2, result.stderr


def test_call_show_every_field_with_labels(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    call_id = add_call(records, "--at", "2006-03-14 14:10", "--woman", woman_id, "--nationality", "NG", "--received-by", "ab", "--note", "first contact by phone")
    shown = run_ok(records, "call", "show", call_id).stdout
    lines = dict(re.findall(r"^(\w+):\s+(.*)$", shown, flags=re.M))
    assert lines["id"] == call_id
    assert lines["at"] == "2006-03-14 14:10"
    assert lines["channel"].startswith("phone (")
    assert lines["caller"] == "police (Police)"  # the label in the interface language (the tests run in English)
    assert lines["subject"].startswith("trafficking-first (")
    assert lines["woman"] == woman_id
    assert lines["nationality"].startswith("NG (")
    assert lines["received_by"] == "AB" and lines["note"] == "first contact by phone"
    missing = invoke(records, "call", "show", "C-2006-ZZZZZ")
    assert missing.exit_code == 2 and missing.stderr.startswith("error: ID: C-2006-ZZZZZ does not exist")
    bad = invoke(records, "call", "show", "calls/2006/x")
    no_traceback(bad)
    assert bad.exit_code == 2 and bad.stderr.startswith("error: ID: ")


def test_retiring_through_shelter_edit_is_held_to_the_same_rules(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, "bergen", "2006-02-01")
    before = snapshot(records)
    editor = Editor(tmp_path / "ed", [[("name: Bergen krisesenter", "name: Bergen krisesenter\nretired: 2006-06-01")], []])
    result = edit(records, "shelter", "bergen", editor)
    no_traceback(result)
    assert result.exit_code == 1
    assert stay_id in editor.seen(1) and "open stay" in editor.seen(1)
    assert snapshot(records) == before
