"""``rosa woman add|show|list|status|decline`` against a real records folder."""

from __future__ import annotations

import re
import stat
from datetime import date, timedelta

import pytest
import yaml

from helpers import add_woman, commit_all, git_messages, git_state, invoke, no_traceback, open_stay, run_ok, snapshot

WOMAN_ID = re.compile(r"^W-\d{4}-[0-9A-HJKMNP-TV-Z]{5}$")


def load(records, woman_id):
    return yaml.safe_load((records / "women" / f"{woman_id}.yaml").read_text())


def assert_one_commit(records, log_before, subject_start):
    log, status = git_state(records)
    assert len(log) == len(log_before) + 1, log
    assert log[1:] == log_before
    assert log[0].startswith(subject_start), log[0]
    assert status == "", status
    return log[0]


# --- add --------------------------------------------------------------------------------


def test_woman_add_prints_id_alone_and_writes_file(records):
    log_before, _ = git_state(records)
    result = run_ok(
        records,
        "woman", "add",
        "--nationality", "NG",
        "--born", "1984",
        "--born-estimated",
        "--first-contact", "2006-03-14",
        "--referred-by", "police",
        "--referrer", "Oslo politidistrikt",
        "--residence", "irregular",
        "--interpreter", "en",
        "--exploitation", "prostitution",
        "--note", "met at the office",
    )
    woman_id = result.stdout.strip()
    assert result.stdout == woman_id + "\n"
    assert WOMAN_ID.match(woman_id)
    assert woman_id.startswith("W-2006-")
    path = records / "women" / f"{woman_id}.yaml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = load(records, woman_id)
    assert data == {
        "id": woman_id,
        "first_contact": date(2006, 3, 14),
        "born": 1984,
        "born_estimated": True,
        "nationality": "NG",
        "referred_by": "police",
        "referrer": "Oslo politidistrikt",
        "residence": [{"from": date(2006, 3, 14), "status": "irregular"}],
        "interpreter": "en",
        "exploitation": "prostitution",
        "note": "met at the office",
    }
    subject = assert_one_commit(records, log_before, "woman add")
    assert woman_id in subject
    full = "\n".join(git_messages(records))
    for value in ("NG", "Nigeria", "1984", "police", "politidistrikt", "irregular", "prostitution", "met at the office"):
        assert not re.search(rf"\b{re.escape(value)}\b", full), f"{value!r} leaked into the git history"


def test_woman_add_defaults_first_contact_to_today(records):
    woman_id = run_ok(records, "woman", "add", "--nationality", "unknown").stdout.strip()
    data = load(records, woman_id)
    assert data["first_contact"] == date.today()
    assert data["nationality"] == "unknown"
    assert woman_id.startswith(f"W-{date.today().year}-")


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("14.03.2006", date(2006, 3, 14)),
        ("14.3.06", date(2006, 3, 14)),
        ("2006-03-14", date(2006, 3, 14)),
        ("today", date.today()),
        ("yesterday", date.today() - timedelta(days=1)),
    ],
)
def test_woman_add_reads_norwegian_dates_and_stores_iso(records, typed, stored):
    woman_id = run_ok(records, "woman", "add", "--nationality", "AL", "--first-contact", typed).stdout.strip()
    text = (records / "women" / f"{woman_id}.yaml").read_text()
    assert f"first_contact: {stored.isoformat()}\n" in text


def test_woman_add_keeps_a_given_id(records):
    result = run_ok(records, "woman", "add", "--nationality", "RO", "--first-contact", "2006-02-02", "--id", "W-2006-K7Q17")
    assert result.stdout == "W-2006-K7Q17\n"
    assert load(records, "W-2006-K7Q17")["id"] == "W-2006-K7Q17"
    assert "W-2006-K7Q17" in git_state(records)[0][0]


@pytest.mark.parametrize(
    "given",
    [
        "W-OLD-17",  # a legacy code: only the id grammar is taken now
        "W-Nameless-Person-Town",  # a name in an id
        "W-2006-" + "01059" + "0",  # six digits in a row: a date or number could hide there
        "W-0105-" + "901" + "000",
        "../women/W-2006-K7Q17",
        "W-2006-k7q17",
    ],
)
def test_woman_add_refuses_an_id_outside_the_grammar(records, given):
    before = snapshot(records)
    result = invoke(records, "woman", "add", "--nationality", "RO", "--first-contact", "2006-02-02", "--id", given)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: --id: ")
    no_traceback(result)
    assert snapshot(records) == before


def test_woman_add_without_nationality_names_it(records):
    before = snapshot(records)
    result = invoke(records, "woman", "add", "--first-contact", "2006-02-02")
    assert result.exit_code == 2
    no_traceback(result)
    assert "--nationality" in result.stderr
    assert snapshot(records) == before


FUTURE = (date.today() + timedelta(days=40)).isoformat()


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--nationality", "NGA"], "did you mean NG?"),
        (["--nationality", "Narnia"], "--nationality"),
        (["--nationality", "NG", "--born", "2090"], "--born"),
        (["--nationality", "NG", "--born", "many"], "--born"),
        (["--nationality", "NG", "--first-contact", "32.13.2006"], "--first-contact"),
        (["--nationality", "NG", "--first-contact", FUTURE], "in the future"),
        (["--nationality", "NG", "--referred-by", "polise"], "did you mean police?"),
        (["--nationality", "NG", "--residence", "tourist"], "--residence"),
        (["--nationality", "NG", "--interpreter", "qqqq"], "--interpreter"),
        (["--nationality", "NG", "--exploitation", "x"], "--exploitation"),
        (["--nationality", "NG", "--id", "S-2006-AAAAA"], "--id"),
        (["--nationality", "NG", "--id", "W-2006/../x"], "--id"),
        (["--nationality", "NG", "--born", "2004", "--first-contact", "2006-01-01"], "implausible age"),
    ],
)
def test_woman_add_refusals_leave_files_and_history_alone(records, args, expected):
    before = snapshot(records)
    result = invoke(records, "woman", "add", *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    no_traceback(result)
    assert expected in result.stderr
    assert result.stdout == ""
    assert snapshot(records) == before


def test_woman_add_reports_every_bad_flag_at_once(records):
    result = invoke(records, "woman", "add", "--nationality", "NGA", "--referred-by", "polise", "--first-contact", "99.99.2006")
    assert result.exit_code == 2
    for flag in ("--nationality", "--referred-by", "--first-contact"):
        assert flag in result.stderr


def test_woman_add_duplicate_given_id_is_refused(records):
    run_ok(records, "woman", "add", "--nationality", "RO", "--first-contact", "2006-02-02", "--id", "W-2006-01D01")
    before = snapshot(records)
    result = invoke(records, "woman", "add", "--nationality", "RO", "--first-contact", "2006-02-02", "--id", "W-2006-01D01")
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert snapshot(records) == before


# --- show and list -------------------------------------------------------------------------


def test_woman_show(records):
    woman_id = add_woman(records, "--born", "1984", "--referred-by", "police")
    stay_id = open_stay(records, woman_id)
    result = run_ok(records, "woman", "show", woman_id)
    assert woman_id in result.stdout
    assert "NG" in result.stdout
    assert "1984" in result.stdout
    assert "police" in result.stdout
    assert stay_id in result.stdout
    assert "oslo" in result.stdout


def test_woman_show_unknown_id(records):
    result = invoke(records, "woman", "show", "W-2006-N00NE")
    assert result.exit_code == 2
    no_traceback(result)
    assert "W-2006-N00NE" in result.stderr
    assert "does not exist" in result.stderr


def test_woman_list_filters(records):
    nigerian = add_woman(records, nationality="NG")
    albanian = add_woman(records, nationality="AL")
    placed = add_woman(records, nationality="RO")
    open_stay(records, placed, "bergen")
    everyone = run_ok(records, "woman", "list").stdout
    assert all(w in everyone for w in (nigerian, albanian, placed))
    only_ng = run_ok(records, "woman", "list", "--nationality", "NG").stdout
    assert nigerian in only_ng and albanian not in only_ng and placed not in only_ng
    in_shelter = run_ok(records, "woman", "list", "--in-shelter").stdout
    assert placed in in_shelter and nigerian not in in_shelter and albanian not in in_shelter
    assert "bergen" in in_shelter


def test_woman_list_bad_nationality_is_usage_error(records):
    result = invoke(records, "woman", "list", "--nationality", "NGA")
    assert result.exit_code == 2
    no_traceback(result)
    assert "NG" in result.stderr


# --- status ---------------------------------------------------------------------------------


def test_woman_status_appends_residence_entry_and_commits_once(records):
    woman_id = add_woman(records, "--residence", "irregular", first_contact="2006-01-10")
    log_before, _ = git_state(records)
    result = run_ok(records, "woman", "status", woman_id, "reflection-period", "--from", "01.02.2006")
    assert result.stdout == ""
    data = load(records, woman_id)
    assert data["residence"] == [
        {"from": date(2006, 1, 10), "status": "irregular"},
        {"from": date(2006, 2, 1), "status": "reflection-period"},
    ]
    subject = assert_one_commit(records, log_before, "woman status")
    assert woman_id in subject
    assert "reflection" not in "\n".join(git_messages(records))


def test_woman_status_keeps_comments_and_key_order(records):
    woman_id = add_woman(records, "--born", "1984", "--note", "first note", first_contact="2006-01-10")
    path = records / "women" / f"{woman_id}.yaml"
    # the coordinator's own order and comments
    text = (
        f"# case taken over from the Bergen office\n"
        f"id: {woman_id}\n"
        f"nationality: NG  # papers seen\n"
        f"first_contact: 2006-01-10\n"
        f"# a comment above born\n"
        f"born: 1984\n"
        f"note: first note\n"
    )
    path.write_text(text)
    commit_all(records)
    run_ok(records, "woman", "status", woman_id, "asylum-seeker", "--from", "2006-03-01")
    after = path.read_text()
    assert "# case taken over from the Bergen office" in after
    assert "# papers seen" in after
    assert "# a comment above born" in after
    assert "nationality: NG  # papers seen" in after
    assert "# a comment above born\nborn: 1984\n" in after
    assert load(records, woman_id)["residence"] == [{"from": date(2006, 3, 1), "status": "asylum-seeker"}]


def test_woman_status_keeps_the_files_own_key_order(records):
    """SPEC: key order survives. Here the coordinator put nationality before first_contact."""
    woman_id = add_woman(records, "--born", "1984", "--note", "first note", first_contact="2006-01-10")
    path = records / "women" / f"{woman_id}.yaml"
    path.write_text(f"id: {woman_id}\nnationality: NG\nfirst_contact: 2006-01-10\nborn: 1984\nnote: first note\n")
    commit_all(records)
    run_ok(records, "woman", "status", woman_id, "asylum-seeker", "--from", "2006-03-01")
    after = path.read_text()
    keys = [line.split(":")[0] for line in after.splitlines() if re.match(r"^[a-z_]+:", line)]
    original = ["id", "nationality", "first_contact", "born", "note"]
    assert [k for k in keys if k in original] == original, after
    assert "residence" in keys


@pytest.mark.parametrize(
    "args, expected",
    [
        (["touristvisa", "--from", "2006-03-01"], "STATUS"),
        (["asylum-seeker", "--from", "2006-13-01"], "--from"),
        (["asylum-seeker", "--from", FUTURE], "future"),
    ],
)
def test_woman_status_refusals_change_nothing(records, args, expected):
    woman_id = add_woman(records)
    before = snapshot(records)
    result = invoke(records, "woman", "status", woman_id, *args)
    assert result.exit_code == 2
    no_traceback(result)
    assert expected in result.stderr
    assert snapshot(records) == before


def test_woman_status_same_date_twice_is_refused(records):
    woman_id = add_woman(records, "--residence", "irregular", first_contact="2006-01-10")
    before = snapshot(records)
    result = invoke(records, "woman", "status", woman_id, "asylum-seeker", "--from", "2006-01-10")
    assert result.exit_code == 2
    assert snapshot(records) == before


def test_woman_status_unknown_woman(records):
    before = snapshot(records)
    result = invoke(records, "woman", "status", "W-2006-N00NE", "asylum-seeker", "--from", "2006-03-01")
    assert result.exit_code == 2
    no_traceback(result)
    assert "W-2006-N00NE" in result.stderr
    assert snapshot(records) == before


# --- decline ---------------------------------------------------------------------------------


def test_woman_decline_records_date_and_reason(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    log_before, _ = git_state(records)
    result = run_ok(records, "woman", "decline", woman_id, "--reason", "fear-for-family", "--on", "20.01.2006")
    assert result.stdout == ""
    data = load(records, woman_id)
    assert data["declined_on"] == date(2006, 1, 20)
    assert data["declined_reason"] == "fear-for-family"
    subject = assert_one_commit(records, log_before, "woman decline")
    assert woman_id in subject
    assert "fear" not in "\n".join(git_messages(records))


def test_woman_decline_defaults_to_today(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    run_ok(records, "woman", "decline", woman_id, "--reason", "distrust")
    assert load(records, woman_id)["declined_on"] == date.today()


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--reason", "bored"], "--reason"),
        (["--reason", "distrust", "--on", "2006-01-01"], "before her first contact"),
        (["--reason", "distrust", "--on", "1.1.x"], "--on"),
    ],
)
def test_woman_decline_refusals_change_nothing(records, args, expected):
    woman_id = add_woman(records, first_contact="2006-01-10")
    before = snapshot(records)
    result = invoke(records, "woman", "decline", woman_id, *args)
    assert result.exit_code == 2
    no_traceback(result)
    assert expected in result.stderr
    assert snapshot(records) == before


def test_woman_decline_refused_when_she_has_a_stay(records):
    woman_id = add_woman(records, first_contact="2006-01-10")
    open_stay(records, woman_id)
    before = snapshot(records)
    result = invoke(records, "woman", "decline", woman_id, "--reason", "distrust", "--on", "2006-03-01")
    assert result.exit_code == 2
    assert snapshot(records) == before


def test_woman_add_reasons_are_checked_against_organisation_vocabulary(records):
    """An organisation may add vocabulary keys in rosa.yaml; they are accepted then."""
    path = records / "rosa.yaml"
    data = yaml.safe_load(path.read_text())
    data["vocabularies"]["referrer"]["church"] = {"nb": "Kirke", "en": "Church"}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    commit_all(records)
    woman_id = add_woman(records, "--referred-by", "church")
    assert load(records, woman_id)["referred_by"] == "church"
