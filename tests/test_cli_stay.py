"""``rosa stay open|close|move|list``: dates, one commit each, refusals that change nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import yaml

from helpers import add_woman, commit_all, git_messages, git_state, invoke, no_traceback, open_stay, run_ok, snapshot

STAY_ID = re.compile(r"^S-\d{4}-[0-9A-HJKMNP-TV-Z]{5}$")
FUTURE = (date.today() + timedelta(days=40)).isoformat()


def load(records, stay_id):
    return yaml.safe_load((records / "stays" / f"{stay_id}.yaml").read_text())


def test_stay_open_prints_id_alone_and_commits_once(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    log_before, _ = git_state(records)
    result = run_ok(records, "stay", "open", woman_id, "--shelter", "oslo", "--on", "15.1.06", "--children", "2", "--note", "arrived by train")
    stay_id = result.stdout.strip()
    assert result.stdout == stay_id + "\n"
    assert STAY_ID.match(stay_id)
    assert stay_id.startswith("S-2006-")
    assert load(records, stay_id) == {
        "id": stay_id,
        "woman": woman_id,
        "shelter": "oslo",
        "start": date(2006, 1, 15),
        "children": 2,
        "note": "arrived by train",
    }
    log, status = git_state(records)
    assert log[1:] == log_before
    assert log[0].startswith("stay open")
    assert stay_id in log[0] and woman_id in log[0]
    assert status == ""
    history = "\n".join(git_messages(records))
    assert "train" not in history
    assert not re.search(r"\boslo\b", history.split("shelter add oslo")[0])  # the shelter is a value of the stay


def test_stay_open_defaults_to_today(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, on="today")
    assert load(records, stay_id)["start"] == date.today()
    assert "children" not in load(records, stay_id)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--shelter", "tromso"], "tromso"),
        (["--shelter", "osl"], "did you mean oslo?"),
        (["--shelter", "oslo", "--on", FUTURE], "future"),
        (["--shelter", "oslo", "--on", "2006-01-01"], "before her first contact"),
        (["--shelter", "oslo", "--on", "31.02.2006"], "--on"),
        (["--shelter", "oslo", "--children", "two"], "--children"),
        (["--shelter", "oslo", "--children", "-1"], "--children"),
    ],
)
def test_stay_open_refusals_change_nothing(records, args, expected):
    woman_id = add_woman(records, first_contact="2006-01-10")
    before = snapshot(records)
    result = invoke(records, "stay", "open", woman_id, *args)
    assert result.exit_code == 2, result.stderr
    no_traceback(result)
    assert expected in result.stderr
    assert result.stdout == ""
    assert snapshot(records) == before


def test_stay_open_unknown_woman(records):
    before = snapshot(records)
    result = invoke(records, "stay", "open", "W-2006-N00NE", "--shelter", "oslo", "--on", "2006-02-01")
    assert result.exit_code == 2
    no_traceback(result)
    assert "W-2006-N00NE" in result.stderr
    assert snapshot(records) == before


def test_stay_open_refused_while_another_is_open(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    first = open_stay(records, woman_id, on="2006-02-01")
    before = snapshot(records)
    result = invoke(records, "stay", "open", woman_id, "--shelter", "bergen", "--on", "2006-03-01")
    assert result.exit_code == 2
    assert first in result.stderr
    assert snapshot(records) == before


def test_stay_open_refused_when_overlapping_a_closed_stay(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    first = open_stay(records, woman_id, on="2006-02-01")
    run_ok(records, "stay", "close", first, "--on", "2006-03-01", "--reason", "left")
    before = snapshot(records)
    result = invoke(records, "stay", "open", woman_id, "--shelter", "bergen", "--on", "2006-02-15")
    assert result.exit_code == 2
    assert "overlap" in result.stderr
    assert snapshot(records) == before


def test_stay_close_by_stay_id(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, on="2006-02-01")
    log_before, _ = git_state(records)
    result = run_ok(records, "stay", "close", stay_id, "--on", "01.03.2006", "--reason", "returned-home")
    assert result.stdout == ""
    data = load(records, stay_id)
    assert data["end"] == date(2006, 3, 1)
    assert data["end_reason"] == "returned-home"
    log, status = git_state(records)
    assert log[1:] == log_before
    assert log[0].startswith("stay close") and stay_id in log[0]
    assert status == ""
    assert "returned" not in "\n".join(git_messages(records))


def test_stay_close_by_woman_id_closes_her_open_stay(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, on="2006-02-01")
    run_ok(records, "stay", "close", woman_id, "--on", "2006-03-01", "--reason", "own-housing")
    assert load(records, stay_id)["end"] == date(2006, 3, 1)


def test_stay_close_keeps_comments_and_key_order(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, on="2006-02-01")
    path = records / "stays" / f"{stay_id}.yaml"
    path.write_text(
        f"# moved in late at night\n"
        f"id: {stay_id}\n"
        f"shelter: oslo  # the small house\n"
        f"woman: {woman_id}\n"
        f"start: 2006-02-01\n"
        f"# note kept short on purpose\n"
        f"note: quiet room\n"
    )
    commit_all(records)
    run_ok(records, "stay", "close", stay_id, "--on", "2006-03-01", "--reason", "left")
    after = path.read_text()
    assert "# moved in late at night" in after
    assert "# the small house" in after
    assert "# note kept short on purpose" in after
    keys = [line.split(":")[0] for line in after.splitlines() if re.match(r"^[a-z_]+:", line)]
    assert [k for k in keys if k in ("id", "shelter", "woman", "start", "note")] == ["id", "shelter", "woman", "start", "note"], after
    assert load(records, stay_id)["end_reason"] == "left"


def test_stay_close_keeps_comments_in_schema_ordered_file(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, on="2006-02-01")
    path = records / "stays" / f"{stay_id}.yaml"
    path.write_text(
        path.read_text().replace("shelter: oslo", "shelter: oslo  # the small house")
        + "# about the note below\nnote: quiet room\n"
    )
    commit_all(records)
    run_ok(records, "stay", "close", stay_id, "--on", "2006-03-01", "--reason", "left")
    after = path.read_text()
    assert "shelter: oslo  # the small house" in after
    # a comment written above a field stays directly above that field
    assert "# about the note below\nnote: quiet room\n" in after, after


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--on", "2006-03-01", "--reason", "vanished"], "--reason"),
        (["--on", "2006-01-20", "--reason", "left"], "before the stay started"),
        (["--on", FUTURE, "--reason", "left"], "future"),
        (["--on", "3/1/2006", "--reason", "left"], "--on"),
    ],
)
def test_stay_close_refusals_change_nothing(records, args, expected):
    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, on="2006-02-01")
    before = snapshot(records)
    result = invoke(records, "stay", "close", stay_id, *args)
    assert result.exit_code == 2
    no_traceback(result)
    assert expected in result.stderr
    assert snapshot(records) == before


def test_stay_close_of_a_closed_stay_or_woman_without_stay(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    other = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id, on="2006-02-01")
    run_ok(records, "stay", "close", stay_id, "--on", "2006-03-01", "--reason", "left")
    before = snapshot(records)
    for target in (stay_id, other, "S-2006-N00NE", "W-2006-N00NE"):
        result = invoke(records, "stay", "close", target, "--on", "2006-03-05", "--reason", "left")
        assert result.exit_code == 2, target
        no_traceback(result)
        assert target in result.stderr
    assert snapshot(records) == before


def test_stay_move_closes_and_opens_in_one_commit(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    first = open_stay(records, woman_id, "oslo", "2006-02-01", "--children", "1")
    log_before, _ = git_state(records)
    result = run_ok(records, "stay", "move", woman_id, "--to", "bergen", "--on", "1.4.2006")
    second = result.stdout.strip()
    assert result.stdout == second + "\n"
    assert STAY_ID.match(second) and second != first
    closed, opened = load(records, first), load(records, second)
    assert closed["end"] == date(2006, 4, 1) and closed["end_reason"] == "moved"
    assert opened == {"id": second, "woman": woman_id, "shelter": "bergen", "start": date(2006, 4, 1), "children": 1}
    log, status = git_state(records)
    assert log[1:] == log_before
    assert log[0].startswith("stay move")
    for record_id in (first, second, woman_id):
        assert record_id in log[0]
    assert "bergen" not in log[0]
    assert status == ""
    check = invoke(records, "check")
    assert check.exit_code == 0, check.stdout


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--to", "oslo", "--on", "2006-04-01"], "already at oslo"),
        (["--to", "tromso", "--on", "2006-04-01"], "--to"),
        (["--to", "bergen", "--on", "2006-01-20"], "before"),
        (["--to", "bergen", "--on", FUTURE], "future"),
    ],
)
def test_stay_move_refusals_change_nothing(records, args, expected):
    woman_id = add_woman(records, first_contact="2006-01-10")
    open_stay(records, woman_id, on="2006-02-01")
    before = snapshot(records)
    result = invoke(records, "stay", "move", woman_id, *args)
    assert result.exit_code == 2
    no_traceback(result)
    assert expected in result.stderr
    assert snapshot(records) == before


def test_stay_move_without_open_stay(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    before = snapshot(records)
    result = invoke(records, "stay", "move", woman_id, "--to", "bergen", "--on", "2006-04-01")
    assert result.exit_code == 2
    assert "no open stay" in result.stderr
    assert snapshot(records) == before


def test_stay_list_filters(records):
    a = add_woman(records, first_contact="2006-01-10")
    b = add_woman(records, first_contact="2006-01-10")
    closed = open_stay(records, a, "oslo", "2006-02-01")
    run_ok(records, "stay", "close", closed, "--on", "2006-03-01", "--reason", "left")
    still_open = open_stay(records, b, "bergen", "2006-02-10")
    everything = run_ok(records, "stay", "list").stdout
    assert closed in everything and still_open in everything
    line = next(l for l in everything.splitlines() if closed in l)
    assert "28" in line.split()  # nights from 1 Feb to 1 Mar
    only_open = run_ok(records, "stay", "list", "--open").stdout
    assert still_open in only_open and closed not in only_open
    oslo = run_ok(records, "stay", "list", "--shelter", "oslo").stdout
    assert closed in oslo and still_open not in oslo
    bad = invoke(records, "stay", "list", "--shelter", "tromso")
    assert bad.exit_code == 2
    no_traceback(bad)


def test_stay_open_refused_for_a_woman_who_declined(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    run_ok(records, "woman", "decline", woman_id, "--reason", "distrust", "--on", "2006-01-12")
    before = snapshot(records)
    result = invoke(records, "stay", "open", woman_id, "--shelter", "oslo", "--on", "2006-02-01")
    assert result.exit_code == 2
    assert "declined" in result.stderr
    assert snapshot(records) == before


def test_a_broken_stay_file_of_hers_refuses_a_new_placement(records):
    """Her open stay might be the broken file: placing her again would double her nights."""
    woman = add_woman(records)
    stay = open_stay(records, woman)
    path = records / "stays" / f"{stay}.yaml"
    path.write_text(path.read_text() + "bogus: [\n")
    commit_all(records)
    before = snapshot(records)
    result = invoke(records, "stay", "open", woman, "--shelter", "bergen", "--on", "2006-03-01")
    no_traceback(result)
    assert result.exit_code == 2
    assert f"stays/{stay}.yaml:" in result.stderr and "YAML syntax error" in result.stderr
    assert snapshot(records) == before
    shown = invoke(records, "woman", "show", woman)  # reading her record still works
    assert shown.exit_code == 0 and woman in shown.stdout
    assert f"warning: stays/{stay}.yaml" in shown.stderr


def test_a_broken_stay_file_that_only_mentions_her_in_a_note_does_not_block_her(records):
    """A broken file is hers only when its ``woman:`` line names her: another woman's
    broken stay whose note mentions her id must not refuse her placement (nor be shown
    as hers), while a quoted ``woman: 'W-…'`` line with a comment still counts."""
    her = add_woman(records)
    other = add_woman(records)
    stay = open_stay(records, other)
    path = records / "stays" / f"{stay}.yaml"
    path.write_text(path.read_text() + f"note: moved in with {her}\nbogus: [\n")
    commit_all(records)
    placed = invoke(records, "stay", "open", her, "--shelter", "bergen", "--on", "2006-03-01")
    assert placed.exit_code == 0, placed.output
    shown = invoke(records, "woman", "show", her)
    assert f"stays/{stay}.yaml" not in shown.stderr
    blocked = invoke(records, "stay", "open", other, "--shelter", "bergen", "--on", "2006-03-02")
    assert blocked.exit_code == 2 and f"stays/{stay}.yaml:" in blocked.stderr
    text = path.read_text().replace(f"woman: {other}\n", f"woman: '{other}'  # hand typed\n")
    assert f"woman: '{other}'" in text
    path.write_text(text)
    commit_all(records)
    again = invoke(records, "stay", "open", other, "--shelter", "bergen", "--on", "2006-03-02")
    assert again.exit_code == 2 and f"stays/{stay}.yaml:" in again.stderr
