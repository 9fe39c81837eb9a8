"""Issue 11 parts 1-3: one way to name a record, ``woman find``, ``woman show`` as her whole case.

Real records folders made with ``rosa init``, real git, the real CLI through CliRunner.
Ids are given with ``--id`` so the tests control which starts are shared
(``W-2006-CREVG`` and ``W-2006-CRAB1`` both start with ``CR``). Aliases are made up
and live in a private alias file outside the records folder (``$ROSA_ALIASES``).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from helpers import GIT_IDENTITY, git, git_messages, init_records, invoke, no_traceback, run_ok, snapshot

CREVG, CRAB1, KQ7XZ = "W-2006-CREVG", "W-2006-CRAB1", "W-2007-KQ7XZ"


@pytest.fixture
def aliases(tmp_path, monkeypatch):
    path = tmp_path / "private" / "aliases.yaml"
    monkeypatch.setenv("ROSA_ALIASES", str(path))
    return path


@pytest.fixture
def three(records, aliases):
    """Three women: two share the start CR; one is at oslo; two have aliases."""
    run_ok(records, "woman", "add", "--id", CREVG, "--nationality", "NG", "--born", "1984", "--first-contact", "2006-01-10")
    run_ok(records, "woman", "add", "--id", CRAB1, "--nationality", "AL", "--born", "1990", "--first-contact", "2006-02-10")
    run_ok(records, "woman", "add", "--id", KQ7XZ, "--nationality", "RO", "--first-contact", "2007-03-01")
    run_ok(records, "stay", "open", CREVG, "--shelter", "oslo", "--on", "2006-02-01")
    run_ok(records, "woman", "alias", CREVG, "Test Person")
    run_ok(records, "woman", "alias", KQ7XZ, "Another Example")
    return records


# --- part 1: one way to name a record --------------------------------------------------------


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("w-2006-crevg", CREVG),  # any letter case
        ("W-2006-CREV", CREVG),  # a unique start
        ("W-2006-CRE", CREVG),
        ("CRE", CREVG),  # the random part alone
        ("cra", CRAB1),
        ("2007-KQ", KQ7XZ),  # year and random start
        ("W-2007", KQ7XZ),  # the only woman of 2007
        ("KQ7XZ", KQ7XZ),
        ("Test Person", CREVG),  # her private alias
        ("test person", CREVG),  # in any case
        ("  Another   Example ", KQ7XZ),  # spacing does not matter
        ("Another", KQ7XZ),  # the start of an alias, when nothing else matches
    ],
)
def test_woman_show_finds_her_by_any_of_her_names(three, typed, expected):
    result = run_ok(three, "woman", "show", typed)
    assert result.stdout.splitlines()[0].startswith(expected)
    others = {CREVG, CRAB1, KQ7XZ} - {expected}
    assert not any(result.stdout.splitlines()[0].startswith(o) for o in others)


def test_crockford_misreadings_are_forgiven_in_a_whole_id(records, aliases):
    run_ok(records, "woman", "add", "--id", "W-2006-C0DE1", "--nationality", "NG", "--first-contact", "2006-01-10")
    assert run_ok(records, "woman", "show", "w-2006-code1").stdout.startswith("W-2006-C0DE1")
    assert run_ok(records, "woman", "show", "W-2006-C0DEL").stdout.startswith("W-2006-C0DE1")


def test_an_ambiguous_start_lists_the_candidates_and_exits_2(three):
    result = invoke(three, "woman", "show", "CR")
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stdout == ""
    first, *lines = result.stderr.splitlines()
    assert first.startswith("error: ID: 'CR' matches 2 women")
    crevg = next(line for line in lines if CREVG in line)
    crab1 = next(line for line in lines if CRAB1 in line)
    assert "NG" in crevg and "1984" in crevg and "oslo" in crevg
    assert "AL" in crab1 and "1990" in crab1 and "not in a shelter" in crab1
    assert KQ7XZ not in result.stderr


def test_an_alias_that_is_also_an_id_start_is_ambiguous_not_guessed(three):
    """'Kq' is the start of W-2007-KQ7XZ's id and the alias of another woman: both listed."""
    run_ok(three, "woman", "alias", CRAB1, "Kq")
    result = invoke(three, "woman", "show", "kq")
    assert result.exit_code == 2
    assert CRAB1 in result.stderr and KQ7XZ in result.stderr
    assert "(by your alias)" in result.stderr
    assert "Kq" not in result.stderr.replace("'kq'", "")  # the alias text itself is not printed


@pytest.mark.parametrize("typed", ["W-2006-ZZ", "nobody", "ZZ", "S-2006-CREVG", "../women/W-2006-CREVG", "W-2006-CREVG.yaml", "Test Person/.."])
def test_unknown_text_is_a_plain_no_match(three, typed):
    result = invoke(three, "woman", "show", typed)
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: ID: no woman matches {typed!r}")
    assert result.stdout == ""


def test_a_whole_id_that_does_not_exist_says_so(three):
    result = invoke(three, "woman", "show", "W-2006-N00NE")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ID: W-2006-N00NE does not exist")


def test_a_changing_command_refuses_an_ambiguous_woman_and_changes_nothing(three):
    before = snapshot(three)
    for args in (
        ("stay", "open", "CR", "--shelter", "bergen", "--on", "2006-03-01"),
        ("woman", "status", "cr", "reflection-period", "--from", "2006-03-01"),
        ("woman", "decline", "W-2006", "--reason", "other", "--on", "2006-03-01"),
        ("call", "add", "--caller", "police", "--subject", "other", "--woman", "CR", "--at", "2006-03-01 10:00", "--no-prompt"),
    ):
        result = invoke(three, *args)
        no_traceback(result)
        assert result.exit_code == 2, (args, result.output)
        assert CREVG in result.stderr and CRAB1 in result.stderr
    assert snapshot(three) == before


def test_changing_commands_take_a_start_or_an_alias_and_say_which_record(three):
    stay = run_ok(three, "stay", "open", "cra", "--shelter", "bergen", "--on", "2006-03-01")
    stay_id = stay.stdout.strip()
    assert f"taking {CRAB1} for 'cra'" in stay.stderr
    moved = run_ok(three, "stay", "move", "test person", "--to", "bergen", "--on", "2006-04-01")
    assert f"taking {CREVG} (your alias for her)" in moved.stderr
    assert "Test Person" not in moved.stderr + moved.stdout
    run_ok(three, "stay", "close", stay_id.lower()[:9], "--reason", "left", "--on", "2006-05-01")  # a stay by its start
    data = yaml.safe_load((three / "stays" / f"{stay_id}.yaml").read_text())
    assert data["end"].isoformat() == "2006-05-01"
    run_ok(three, "woman", "status", "Another Example", "asylum-seeker", "--from", "2007-04-01")
    assert yaml.safe_load((three / "women" / f"{KQ7XZ}.yaml").read_text())["residence"][-1]["status"] == "asylum-seeker"
    call_id = run_ok(three, "call", "add", "--at", "2006-03-02 10:00", "--caller", "police", "--subject", "other", "--woman", "w-2006-crev", "--no-prompt").stdout.strip()
    call = next(three.glob(f"calls/*/{call_id}.yaml"))
    assert yaml.safe_load(call.read_text())["woman"] == CREVG
    # no alias reached a record or a commit message
    everything = "".join(p.read_text() for p in three.rglob("*.yaml") if ".git" not in p.parts)
    history = "\n".join(git_messages(three))
    for alias in ("Test Person", "Another Example", "test person"):
        assert alias not in everything and alias not in history


def test_stay_close_by_woman_start_closes_her_open_stay(three):
    run_ok(three, "stay", "close", "cre", "--reason", "left", "--on", "2006-03-01")
    stays = [yaml.safe_load(p.read_text()) for p in (three / "stays").glob("*.yaml")]
    assert [s["end"].isoformat() for s in stays] == ["2006-03-01"]


def test_an_alias_file_others_can_read_is_not_used_but_ids_still_work(three, aliases):
    aliases.chmod(0o644)
    by_alias = invoke(three, "woman", "show", "Test Person")
    assert by_alias.exit_code == 2
    assert "alias file" in by_alias.stderr and "chmod 600" in by_alias.stderr
    assert run_ok(three, "woman", "show", "cre").stdout.startswith(CREVG)
    found = run_ok(three, "woman", "find", "cr")
    assert _ids(found.stdout) == {CREVG, CRAB1} and "Test Person" not in found.stdout
    assert "warning: your alias file was not read" in found.stderr


def test_the_woman_prompt_asks_again_until_one_woman_is_named(three):
    """At the "Woman (id)" prompt an ambiguous start lists the candidates and asks again;
    an unknown one says so and asks again; her alias is accepted."""
    # When, Channel, Caller, Subject, Woman (x3), Nationality, Received by, Note
    answers = ["14.03.2006 10:00", "", "3", "2", "CR", "nobody", "test person", "", "KB", ""]
    result = invoke(three, "call", "add", "--prompt", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    assert "'CR' matches 2 women" in result.stderr and CRAB1 in result.stderr
    assert "no woman matches 'nobody'" in result.stderr
    call_id = result.stdout.strip()
    data = yaml.safe_load(next(three.glob(f"calls/*/{call_id}.yaml")).read_text())
    assert data["woman"] == CREVG
    assert "test person" not in json.dumps(data, default=str).lower()


def test_the_resolver_names_stays_and_calls_for_other_commands(three):
    """core.naming.resolve_id is the published way: stays and calls by any start."""
    from rosa_cli.core.errors import Refused
    from rosa_cli.core.folder import RecordsFolder
    from rosa_cli.core.naming import resolve, resolve_id

    call_a = run_ok(three, "call", "add", "--at", "2006-03-02 10:00", "--caller", "police", "--subject", "other", "--no-prompt").stdout.strip()
    call_b = run_ok(three, "call", "add", "--at", "2007-03-02 10:00", "--caller", "police", "--subject", "other", "--no-prompt").stdout.strip()
    folder = RecordsFolder(three)
    assert resolve_id(folder, call_a.lower(), ("call",), "ID") == call_a
    assert resolve_id(folder, call_b[:8], ("call",), "ID") == call_b  # "C-2007-X": only that year
    assert resolve(folder, "Test Person", ("stay", "woman"), "STAY|WOMAN") == ("woman", CREVG)
    with pytest.raises(Refused) as refused:
        resolve_id(folder, "C-", ("call",), "ID")
    assert len(refused.value.issues) == 1
    message = refused.value.issues[0].message
    assert call_a in message and call_b in message and "2006-03-02 10:00" in message
    with pytest.raises(Refused):
        resolve_id(folder, "Test Person", ("call",), "ID")  # aliases name women only


# --- part 3: woman show is her whole case ------------------------------------------------------


@pytest.fixture
def her_case(records, aliases):
    woman = run_ok(records, "woman", "add", "--id", CREVG, "--nationality", "NG", "--born", "1984", "--first-contact", "2006-01-10",
                   "--residence", "irregular", "--referred-by", "police").stdout.strip()
    run_ok(records, "woman", "status", woman, "reflection-period", "--from", "2006-02-15")
    first = run_ok(records, "stay", "open", woman, "--shelter", "oslo", "--on", "2006-02-01").stdout.strip()
    second = run_ok(records, "stay", "move", woman, "--to", "bergen", "--on", "2006-03-01").stdout.strip()
    run_ok(records, "stay", "close", woman, "--reason", "own-housing", "--on", "2006-03-11")
    about = run_ok(records, "call", "add", "--at", "2006-02-20 14:10", "--channel", "office", "--caller", "woman",
                   "--subject", "trafficking-followup", "--woman", woman, "--note", "asked about the reflection period", "--no-prompt").stdout.strip()
    other = run_ok(records, "call", "add", "--at", "2006-02-21 09:00", "--caller", "police", "--subject", "other", "--no-prompt").stdout.strip()
    run_ok(records, "woman", "alias", woman, "Test Person")
    return records, woman, first, second, about, other


def test_woman_show_is_her_whole_case(her_case):
    records, woman, first, second, about, other = her_case
    out = run_ok(records, "woman", "show", "Test Person").stdout
    assert out.startswith(woman) and "Test Person" in out.splitlines()[0]  # her alias, on her own screen
    assert "police" in out and "1984" in out and "NG (" in out
    # residence history, in order
    assert out.index("from 2006-01-10  irregular") < out.index("from 2006-02-15  reflection-period")
    # each stay: shelter, dates, nights, end reason
    stay_lines = {line.split()[0]: line for line in out.splitlines() if line.strip().startswith("S-")}
    assert "oslo" in stay_lines[first] and "2006-02-01" in stay_lines[first] and "28" in stay_lines[first].split() and "Moved to another shelter" in stay_lines[first]
    assert "bergen" in stay_lines[second] and "10" in stay_lines[second].split() and "Own housing" in stay_lines[second]
    # every call about her, with its note; none about others
    assert about in out and "asked about the reflection period" in out and "Office visit" in out and "2006-02-20 14:10" in out
    assert other not in out
    # last changes from git: who, when, which command
    assert "Last changes" in out
    assert "woman add " + woman in out and "stay close" in out and GIT_IDENTITY["GIT_AUTHOR_NAME"] in out


def test_woman_show_json_is_the_same_case_without_the_alias(her_case):
    records, woman, first, second, about, other = her_case
    result = run_ok(records, "woman", "show", woman, "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) >= {"id", "record", "residence", "in_shelter", "stays", "calls", "declined", "services", "history"}
    assert data["id"] == woman and data["record"]["born"] == 1984
    assert [e["status"] for e in data["residence"]] == ["irregular", "reflection-period"]
    assert [(s["id"], s["nights"], s["end_reason"]) for s in data["stays"]] == [(first, 28, "moved"), (second, 10, "own-housing")]
    assert [c["id"] for c in data["calls"]] == [about] and data["calls"][0]["note"] == "asked about the reflection period"
    assert data["in_shelter"] is None and data["declined"] is None
    assert any(h["change"].startswith("woman add") for h in data["history"])
    assert "Test Person" not in result.stdout


def test_woman_show_gives_a_declined_offer_and_the_current_stay(records, aliases):
    declined = run_ok(records, "woman", "add", "--nationality", "AL", "--first-contact", "2006-01-10").stdout.strip()
    run_ok(records, "woman", "decline", declined, "--reason", "fear-for-family", "--on", "2006-01-12")
    out = run_ok(records, "woman", "show", declined).stdout
    assert "declined offer:" in out and "2006-01-12" in out and "fear-for-family" in out
    staying = run_ok(records, "woman", "add", "--nationality", "RO", "--first-contact", "2006-01-10").stdout.strip()
    run_ok(records, "stay", "open", staying, "--shelter", "oslo", "--on", "2006-02-01")
    data = json.loads(run_ok(records, "woman", "show", staying, "--format", "json").stdout)
    assert data["in_shelter"]["shelter"] == "oslo" and data["in_shelter"]["since"] == "2006-02-01"
    assert data["in_shelter"]["nights"] > 365


def test_woman_show_on_the_sample_records(sample_records, aliases):
    women = sorted(p.stem for p in (sample_records / "women").glob("W-*.yaml"))
    calls_about = {}
    for path in sample_records.glob("calls/*/C-*.yaml"):
        about = yaml.safe_load(path.read_text()).get("woman")
        if about:
            calls_about.setdefault(about, []).append(path.stem)
    woman = max(calls_about, key=lambda w: len(calls_about[w]))
    start = woman[7:]  # the random part alone is unique among 140 women
    assert sum(1 for w in women if w[7:].startswith(start)) == 1
    data = json.loads(run_ok(sample_records, "woman", "show", start.lower(), "--format", "json").stdout)
    assert data["id"] == woman
    assert sorted(c["id"] for c in data["calls"]) == sorted(calls_about[woman])
    assert data["history"], "the sample sits in a git repository; its commit is shown"


# --- part 2: woman find ------------------------------------------------------------------------


def _ids(out: str):
    return {word for line in out.splitlines() for word in line.split() if word.startswith("W-")}


def test_woman_find_by_alias_text_nationality_birth_year_shelter_and_dates(three):
    assert _ids(run_ok(three, "woman", "find", "person").stdout) == {CREVG}  # part of an alias, any case
    assert _ids(run_ok(three, "woman", "find", "cr").stdout) == {CREVG, CRAB1}  # start of an id
    assert _ids(run_ok(three, "woman", "find", "--nationality", "al").stdout) == {CRAB1}
    assert _ids(run_ok(three, "woman", "find", "--born", "1985").stdout) == {CREVG}  # ±1
    assert _ids(run_ok(three, "woman", "find", "--born", "1989").stdout) == {CRAB1}
    assert _ids(run_ok(three, "woman", "find", "--born", "1987").stdout) == set()
    assert _ids(run_ok(three, "woman", "find", "--in-shelter").stdout) == {CREVG}
    assert _ids(run_ok(three, "woman", "find", "--shelter", "oslo").stdout) == {CREVG}
    assert _ids(run_ok(three, "woman", "find", "--shelter", "bergen").stdout) == set()
    assert _ids(run_ok(three, "woman", "find", "--from", "2006-02-01", "--to", "31.12.2006").stdout) == {CRAB1}
    assert _ids(run_ok(three, "woman", "find", "cr", "--nationality", "NG").stdout) == {CREVG}
    table = run_ok(three, "woman", "find", "--in-shelter").stdout
    assert "oslo" in table and "2006-02-01" in table and "Test Person" in table


def test_woman_find_json_and_csv_leave_aliases_out(three):
    data = json.loads(run_ok(three, "woman", "find", "--format", "json").stdout)
    assert [row["id"] for row in data] == [CREVG, CRAB1, KQ7XZ]  # by first contact
    crevg = data[0]
    assert crevg["shelter"] == "oslo" and crevg["since"] == "2006-02-01" and crevg["nights"] > 0 and crevg["born"] == 1984
    out = run_ok(three, "woman", "find", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [CREVG, CRAB1, KQ7XZ]
    assert rows[0]["nationality"] == "NG" and rows[0]["shelter"] == "oslo" and rows[1]["shelter"] == ""
    for text in ("Test Person", "Another Example"):
        assert text not in out and text not in json.dumps(data)


def test_woman_find_csv_cells_cannot_be_formulas(records, aliases):
    """Every CSV cell goes through spreadsheet_safe: a hand-edited record whose
    referred_by vocabulary key looked like a formula would be made inert."""
    from rosa_cli.core.case import FOUND_COLUMNS
    from rosa_cli.cli.woman import _found_csv
    from rosa_cli.core.case import Found
    from rosa_cli.core.model import Woman
    from datetime import date

    woman = Woman(id=CREVG, first_contact=date(2006, 1, 10), nationality="NG", referred_by="=HYPERLINK(1)")
    text = _found_csv([Found(woman=woman, alias=None, shelter=None, since=None, nights=None)])
    row = list(csv.DictReader(io.StringIO(text)))[0]
    assert list(row) == list(FOUND_COLUMNS)
    assert row["referred_by"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    "args, flag",
    [
        (("--born", "84"), "--born"),
        (("--nationality", "Nigeria-ish"), "--nationality"),
        (("--shelter", "nowhere"), "--shelter"),
        (("--from", "2006-13-45"), "--from"),
        (("--to", "soon"), "--to"),
    ],
)
def test_woman_find_bad_filters_name_the_option(three, args, flag):
    result = invoke(three, "woman", "find", *args)
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {flag}: ")
    assert result.stdout == ""


def test_woman_find_in_shelter_on_the_sample_records(sample_records, aliases):
    open_women = set()
    for path in sample_records.glob("stays/S-*.yaml"):
        data = yaml.safe_load(path.read_text())
        if not data.get("end"):
            open_women.add(data["woman"])
    data = json.loads(run_ok(sample_records, "woman", "find", "--in-shelter", "--format", "json").stdout)
    assert {row["id"] for row in data} == open_women and open_women


def test_woman_find_and_show_from_a_fresh_init(tmp_path, aliases):
    records = init_records(tmp_path / "fresh", {"oslo": "Oslo krisesenter"})
    result = invoke(records, "woman", "find")
    assert result.exit_code == 0 and "(none)" in result.stderr
    assert json.loads(run_ok(records, "woman", "find", "--format", "json").stdout) == []
    woman = run_ok(records, "woman", "add", "--nationality", "unknown").stdout.strip()
    assert run_ok(records, "woman", "show", woman[7:]).stdout.startswith(woman)
    assert git(records, "log", "--format=%s").splitlines()[0] == f"woman add {woman}"


def test_every_command_naming_a_record_takes_the_same_names(three):
    """``call show/edit``, ``stay edit``, ``call list --woman``, ``void`` and ``log`` use the
    one resolver: a lower-case id or a unique start works; a voided record's whole id
    still gives its history in ``rosa log``; an ambiguous start changes nothing."""
    records = three
    call_id = run_ok(records, "call", "add", "--caller", "police", "--subject", "other", "--woman", KQ7XZ,
                     "--at", "2007-03-02 10:00", "--no-prompt").stdout.strip()
    stay_id = git(records, "ls-files", "stays").split("/")[-1].strip()[: -len(".yaml")]

    shown = run_ok(records, "call", "show", call_id.lower())
    assert call_id in shown.stdout
    listed = run_ok(records, "call", "list", "--woman", "kq7x")
    assert call_id in listed.stdout and f"taking {KQ7XZ}" in listed.stderr
    edited = invoke(records, "stay", "edit", stay_id.split("-")[2][:4], env={"EDITOR": "true"})
    no_traceback(edited)
    assert edited.exit_code == 0 and f"taking {stay_id}" in edited.stderr

    before = snapshot(records)
    ambiguous = invoke(records, "void", "CR", "--reason", "entered twice", "--yes")
    assert ambiguous.exit_code == 2 and CREVG in ambiguous.stderr and CRAB1 in ambiguous.stderr
    assert snapshot(records) == before
    voided = run_ok(records, "void", call_id.lower(), "--reason", "entered twice", "--yes")
    assert f"taking {call_id}" in voided.stderr
    assert f"void {call_id}" in git_messages(records)[0]
    history = run_ok(records, "log", call_id.lower()).stdout
    assert "void" in history and "call add" in history
