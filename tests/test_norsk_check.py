"""The Norwegian interface of ``check``, ``import``, ``report``, ``chart`` and ``export``,
and the coded messages behind it (docs/messages.md).

The core says what is wrong as a message with a stable code; the CLI words it in the
user's language. These tests drive the real CLI with ``ROSA_LANG=nb`` and ``en`` on
real folders, and call validation directly to see the codes.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from helpers import add_woman, commit_all, invoke, no_traceback, open_stay, snapshot

from rosa_cli.core.messages import Message
from rosa_cli.core.model import Settings
from rosa_cli.core.validate import Context, FieldError, build_record, build_settings, build_shelters, convert, stay_conflicts
from rosa_cli.core.schema import field_map
from rosa_cli.core.vocab import DEFAULT_VOCABULARIES

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<text>.+)$")


def broken_folder(records: Path) -> Path:
    """Three files with hand-made mistakes, committed like a coordinator's hand edits."""
    (records / "women" / "W-2006-AAAAA.yaml").write_text(
        "id: W-2006-AAAAA\nfirst_contact: 2006-01-10\nnationality: NG\nreferred_by: polise\ncolour: red\n", encoding="utf-8")
    (records / "stays" / "S-2006-BBBBB.yaml").write_text(
        "id: S-2006-BBBBB\nwoman: W-2006-AAAAA\nshelter: oslo\nstart: 2006-02-01\nend: 2005-01-01\nend_reason: moved\n",
        encoding="utf-8")
    (records / "women" / "W-2006-CCCCC.yaml").write_text(
        "id: W-2006-CCCCC\nnationality: NG\n", encoding="utf-8")
    commit_all(records)
    return records


def located(output: str):
    """``{(path, line): text}`` of every ``path:line: text`` line."""
    found = {}
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            found[(match["path"], int(match["line"]))] = match["text"]
    return found


def test_check_speaks_norwegian_naming_file_and_line(records, monkeypatch):
    broken_folder(records)
    monkeypatch.setenv("ROSA_LANG", "nb")
    result = invoke(records, "check")
    no_traceback(result)
    assert result.exit_code == 1
    lines = located(result.stdout)
    assert lines[("women/W-2006-AAAAA.yaml", 4)] == (
        "referred_by 'polise' er ikke en av: police, shelter, public-agency, immigration, ngo, self, private-person, other; "
        "mente du police?")
    assert lines[("women/W-2006-AAAAA.yaml", 5)] == "ukjent felt 'colour'"
    assert lines[("stays/S-2006-BBBBB.yaml", 5)] == "end 2005-01-01 er før start 2006-02-01"
    assert lines[("women/W-2006-CCCCC.yaml", 1)] == "mangler påkrevd felt first_contact"
    assert "registreringer sjekket: 4 feil" in result.stderr
    assert "is not one of" not in result.stdout + result.stderr
    # a second run reads the problems from the cache: still Norwegian, still the same
    again = invoke(records, "check")
    assert again.stdout == result.stdout and again.exit_code == 1


def test_check_speaks_english_with_en(records):
    broken_folder(records)
    result = invoke(records, "check")  # conftest sets ROSA_LANG=en
    lines = located(result.stdout)
    assert lines[("women/W-2006-AAAAA.yaml", 4)].endswith("; did you mean police?")
    assert lines[("women/W-2006-AAAAA.yaml", 5)] == "unknown field 'colour'"
    assert lines[("stays/S-2006-BBBBB.yaml", 5)] == "end 2005-01-01 is before start 2006-02-01"
    assert lines[("women/W-2006-CCCCC.yaml", 1)] == "missing required field first_contact"
    assert "records checked: 4 error(s)" in result.stderr


def test_check_advice_names_the_command_in_the_users_language(records, monkeypatch):
    """The core says the stay has been open long; the CLI adds how to close it."""
    woman = add_woman(records)
    open_stay(records, woman, "oslo", "2006-02-01")
    english = invoke(records, "check")
    assert english.exit_code == 0
    assert "long_stay_days is 365); close it with rosa stay close if she has left" in english.stdout
    monkeypatch.setenv("ROSA_LANG", "nb")
    norsk = invoke(records, "check")
    assert "har vært åpent i" in norsk.stdout
    assert "long_stay_days er 365); avslutt det med rosa stay close hvis hun har flyttet" in norsk.stdout


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_refusal_in_norwegian_names_line_and_column(records, tmp_path, monkeypatch):
    before = snapshot(records)
    sheet = write_csv(tmp_path / "kvinner.csv",
                      "first_contact,nationality,referred_by,farge\n2006-01-10,NG,police,\n")
    monkeypatch.setenv("ROSA_LANG", "nb")
    result = invoke(records, "import", "women", str(sheet))
    no_traceback(result)
    assert result.exit_code == 2
    assert "kvinner.csv:1: ukjent kolonne 'farge'" in result.stderr
    sheet = write_csv(tmp_path / "kvinner.csv",
                      "first_contact,nationality,referred_by\n2006-01-10,NG,police\n2006-01-11,NG,polise\n")
    result = invoke(records, "import", "women", str(sheet))
    assert result.exit_code == 2
    assert "kvinner.csv:3: referred_by 'polise' er ikke en av:" in result.stderr
    assert "mente du police?" in result.stderr
    assert snapshot(records) == before


def test_import_refusal_in_english(records, tmp_path):
    sheet = write_csv(tmp_path / "women.csv", "first_contact,nationality,referred_by\n2006-01-11,NG,polise\n")
    result = invoke(records, "import", "women", str(sheet))
    assert result.exit_code == 2
    assert "women.csv:2: referred_by 'polise' is not one of:" in result.stderr
    assert "did you mean police?" in result.stderr


def test_import_overlapping_stay_names_the_rows_in_norwegian(records, tmp_path, monkeypatch):
    """The stay a row would make has no id yet: the message names the row, in words
    that translate (no id edited into English text afterwards)."""
    woman = add_woman(records)
    sheet = write_csv(tmp_path / "opphold.csv",
                      f"woman,shelter,start,end,end_reason\n{woman},oslo,2006-02-01,2006-03-01,moved\n"
                      f"{woman},oslo,2006-02-10,2006-02-20,moved\n")
    monkeypatch.setenv("ROSA_LANG", "nb")
    result = invoke(records, "import", "stays", str(sheet))
    assert result.exit_code == 2
    assert "opphold.csv:3: oppholdet oppholdet på denne raden overlapper oppholdet oppholdet på linje 2" in result.stderr
    monkeypatch.setenv("ROSA_LANG", "en")
    result = invoke(records, "import", "stays", str(sheet))
    assert "opphold.csv:3: stay this row's stay overlaps stay the stay on line 2 of woman" in result.stderr
    assert "PR0BE" not in result.stderr


@pytest.mark.parametrize("language, expected", [
    ("nb", "feil: --year: 20066 er ikke et årstall"),
    ("en", "error: --year: 20066 is not a year"),
])
def test_report_bad_year_in_each_language(records, monkeypatch, language, expected):
    monkeypatch.setenv("ROSA_LANG", language)
    before = snapshot(records)
    result = invoke(records, "report", "--year", "20066")
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.strip() == expected
    assert snapshot(records) == before


def test_report_refuses_invalid_records_in_norwegian(records, monkeypatch):
    broken_folder(records)
    monkeypatch.setenv("ROSA_LANG", "nb")
    result = invoke(records, "report", "--year", "2006")
    assert result.exit_code == 1
    assert "women/W-2006-AAAAA.yaml:5: ukjent felt 'colour'" in result.stderr
    assert "registreringene har 4 feil; rett dem (rosa check) eller bruk --force" in result.stderr


def test_chart_and_export_usage_errors_in_norwegian(records, monkeypatch):
    monkeypatch.setenv("ROSA_LANG", "nb")
    chart = invoke(records, "chart", "kake", "-o", "x.png")
    assert chart.exit_code == 2 and "ukjent diagram 'kake'; velg ett av: calls" in chart.stderr
    export = invoke(records, "export", "women", "--k", "3")
    assert export.exit_code == 2 and "--k gjelder bare rosa export htcds" in export.stderr
    monkeypatch.setenv("ROSA_LANG", "en")
    export = invoke(records, "export", "women", "--k", "3")
    assert "--k is for rosa export htcds only" in export.stderr


# --- the codes behind the words -------------------------------------------------------------


def context() -> Context:
    settings = Settings(organisation="T", vocabularies={k: dict(v) for k, v in DEFAULT_VOCABULARIES.items()})
    shelters, _ = build_shelters({"oslo": {"name": "Oslo"}}, "shelters.yaml")
    return Context(settings, shelters, date(2026, 1, 1))


def mapping(text: str):
    from rosa_cli.core.yamlio import mapping_from_text

    data, problems = mapping_from_text(text, "women/W-2006-AAAAA.yaml")
    assert data is not None, problems
    return data


def test_record_problems_carry_codes_and_values():
    data = mapping("id: W-2006-AAAAA\nfirst_contact: 2006-01-10\nnationality: NG\nreferred_by: polise\ncolour: red\n"
                   "born: 2004\nnote: call her\n")
    record, problems = build_record("woman", data, "women/W-2006-AAAAA.yaml", context(), expected_id="W-2006-AAAAA")
    assert record is None
    by_code = {p.message.code: p for p in problems}
    assert set(by_code) >= {"field.unknown", "field.invalid", "woman.implausible_age"}
    unknown = by_code["field.unknown"]
    assert (unknown.line, unknown.message.params["key"]) == (5, "'colour'")
    assert unknown.message.params["hint"] == ""  # nothing close to "colour"
    invalid = by_code["field.invalid"]
    assert invalid.line == 4 and invalid.message.params["field"] == "referred_by"
    inner = invalid.message.params["problem"]
    assert isinstance(inner, Message) and inner.code == "vocab.unknown_key"
    assert inner.params["hint"].code == "hint.did_you_mean" and inner.params["hint"].params["word"] == "police"
    assert by_code["woman.implausible_age"].message.params["age"] == 2
    # the English rendering is the message itself: older callers that read text still work
    assert str(unknown.message) == "unknown field 'colour'"


def test_missing_field_and_privacy_warning_codes():
    number = "9" + "123" + "4567"  # eight digits in one run: a made-up Norwegian mobile number
    data = mapping(f"id: W-2006-AAAAA\nnationality: NG\nnote: ring {number}\n")
    _, problems = build_record("woman", data, "women/W-2006-AAAAA.yaml", context())
    codes = {p.message.code: p for p in problems}
    assert codes["field.missing"].message.params["field"] == "first_contact"
    privacy = codes["text.identifying_in_file"]
    assert not privacy.is_error and privacy.message.params["found"].code == "privacy.phone"
    assert number not in str(privacy.message)  # the value is never repeated


def test_field_errors_are_coded_for_entry():
    ctx = context()
    with pytest.raises(FieldError) as caught:
        convert(field_map("stay")["shelter"], "bergne", ctx, entry=True)
    assert caught.value.message.code == "shelter.unknown"
    with pytest.raises(FieldError) as caught:
        convert(field_map("woman")["first_contact"], "2027-01-01", ctx, entry=True)
    assert caught.value.message.code == "date.future" and caught.value.message.params["day"] == "2027-01-01"
    with pytest.raises(FieldError) as caught:
        convert(field_map("stay")["children"], "40", ctx, entry=True)
    assert caught.value.message.code == "count.out_of_range"
    assert str(caught.value) == "40 is not between 0 and 20"


def test_settings_and_overlap_codes():
    data = mapping("organisation: T\nlanguage: de\nsuppres_below: 3\n")
    _, problems = build_settings(data, "rosa.yaml", date(2026, 1, 1))
    codes = {p.message.code: p for p in problems}
    assert codes["settings.language_unknown"].line == 2
    assert codes["settings.unknown"].message.params["hint"].params["word"] == "suppress_below"
    from rosa_cli.core.model import Stay

    first = Stay(id="S-2006-AAAAA", woman="W-2006-AAAAA", shelter="oslo", start=date(2006, 1, 1), path="a", lines=())
    second = Stay(id="S-2006-BBBBB", woman="W-2006-AAAAA", shelter="oslo", start=date(2006, 2, 1), path="b", lines=())
    conflicts = {p.message.code for p in stay_conflicts("W-2006-AAAAA", [first, second])}
    assert conflicts == {"stay.several_open", "stay.overlap"}


def test_cached_problems_keep_code_values_and_language(monkeypatch):
    """The cache is written with marshal, which cannot write a Message (a str subclass):
    it keeps code, template and values, and a cached problem renders like a fresh one."""
    import marshal

    from rosa_cli.core.cache import pack_message, raw_result, unpack_message
    from rosa_cli.core.model import Problem
    from rosa_cli.i18n import render

    data = mapping("id: W-2006-AAAAA\nfirst_contact: 2006-01-10\nnationality: NG\nreferred_by: polise\n")
    _, problems = build_record("woman", data, "women/W-2006-AAAAA.yaml", context())
    _, rows = raw_result(None, problems, {})
    back = [Problem(p[0], p[1], unpack_message(p[2]), p[3]) for p in marshal.loads(marshal.dumps(rows))]
    assert [(p.path, p.line, p.message.code, str(p.message)) for p in back] == [
        (p.path, p.line, p.message.code, str(p.message)) for p in problems]
    inner = back[0].message.params["problem"]
    assert inner.code == "vocab.unknown_key" and inner.params["hint"].code == "hint.did_you_mean"
    monkeypatch.setenv("ROSA_LANG", "nb")
    assert render(back[0].message) == render(problems[0].message)
    assert "er ikke en av" in render(back[0].message) and "mente du police?" in render(back[0].message)
    assert pack_message("plain text") == "plain text"


def test_refused_field_gets_its_advice_in_the_users_language(records, monkeypatch):
    """A retired shelter refuses new stays; the core says so, the CLI says how to undo it."""
    run_ok_result = invoke(records, "shelter", "retire", "bergen", "--on", "2006-06-01")
    assert run_ok_result.exit_code == 0, run_ok_result.stderr
    woman = add_woman(records, first_contact="2006-07-01")
    before = snapshot(records)
    english = invoke(records, "stay", "open", woman, "--shelter", "bergen", "--on", "2006-07-02")
    assert english.exit_code == 2
    assert "shelter bergen was retired on 2006-06-01 and takes no new stays (rosa shelter edit bergen to undo that)" in english.stderr
    monkeypatch.setenv("ROSA_LANG", "nb")
    norsk = invoke(records, "stay", "open", woman, "--shelter", "bergen", "--on", "2006-07-02")
    assert norsk.exit_code == 2
    assert ("krisesenteret bergen ble tatt ut av bruk 2006-06-01 og tar ikke imot nye opphold "
            "(rosa shelter edit bergen angrer det)") in norsk.stderr
    assert snapshot(records) == before
