"""One set of YAML rules (docs/data-model.md, "YAML rules"; core/yamlrules.py).

rosa has three readers (the fast line reader, PyYAML with the strict resolver, ruamel's
round-trip loader used by edits and merges) and three writers (the plain writer,
PyYAML's emitter, ruamel's round-trip dumper). These tests show:

* every record any writer produces reads back as the original in every reader —
  with explicit examples for the words YAML readers disagree on (``null``, ``true``,
  ``no``, ``on``, Norway's ``NO``), leading zeros, dates, quotes, as keys and values;
* on any text the fast reader accepts, the full parser and ruamel read the same thing;
* what the writers leave unquoted is text for PyYAML's YAML 1.1 and ruamel's YAML 1.2
  resolvers too (other tools read it the same);
* the real CLI writes ``declined_reason: 'no'`` quoted, and YAML problems read in
  Norwegian and English.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers import commit_all, run_ok
from rosa_cli.core.yamlio import _plain_dump, dump_new, fast_mapping, parse_yaml_text, round_trip_dump, round_trip_load
from rosa_cli.core.yamlrules import STR, must_quote, plain_tag

# --- how a value compares: by kind and value (True == 1 and 1 == 1.0 in Python) ----------


def typed(value: Any) -> Any:
    """``value`` with each scalar paired with its kind, keys included, so a reader that
    returns ``1`` where another returns ``True`` or ``"1"`` shows up as a difference."""
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", bool(value))
    if isinstance(value, int):
        return ("int", int(value))
    if isinstance(value, float):
        return ("float", float(value))
    if isinstance(value, str):
        return ("str", str(value))
    if isinstance(value, date):
        return (type(value).__name__ if type(value).__name__ in ("date", "datetime") else "datetime", value.isoformat())
    return (type(value).__name__, value)


def readers(text: str) -> dict:
    """What each reader makes of ``text`` (the fast one only when it takes it)."""
    found = {"full": typed(parse_yaml_text(text)), "ruamel": typed(round_trip_load(text))}
    fast = fast_mapping(text)
    if fast is not None:
        found["fast"] = typed(fast)
    return found


def assert_all_read(text: str, original: dict) -> None:
    want = typed(original)
    for name, got in readers(text).items():
        assert got == want, f"{name} reader read {got!r}\nfrom {text!r}\nwritten for {want!r}"


# --- the words and shapes YAML readers disagree on --------------------------------------

HOSTILE = [
    "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "no", "No", "NO", "yes", "Yes", "on", "On",
    "ON", "off", "Off", "y", "Y", "n", "N", "007", "0", "-0", "+1", "00", "0o17", "0x1F", "0b101", "1_000", "1e3",
    "1E3", "-1e-3", "1.5", ".5", "1.", ".inf", "-.inf", ".nan", "12:30", "1:20:30", "190:20:30.15", "2006-03-14",
    "2006-02-30", "2006-3-4", "2006-03-14 14:10", "2006-03-14T14:10:00", "2006-03-14 14:10:00", "<<", "=", "!", "&",
    "*", "- x", "a: b", "a #b", "#x", "x:", ":x", "'q'", '"q"', "it's", 'say "hi"', "[1]", "{a: 1}", "|", ">", "%",
    "@", "`", " lead", "trail ", " ", "", "é", "Ærlig talt", "NG", "W-2006-K7Q2X", "ok", "x" * 120,
]
KEYS = ["null", "true", "false", "no", "on", "yes", "NO", "1", "007", "2006-03-14", "~", "note", "id", "é", "a b", "a: b"]


@pytest.mark.parametrize("word", HOSTILE)
def test_every_writer_and_reader_agree_on_a_hostile_value(word):
    record = {"id": "W-2006-AAAAA", "note": word, "list": [{"from": word, "status": "x"}]}
    assert_all_read(dump_new(record), record)
    plain = _plain_dump(record)
    if plain is not None:
        assert_all_read(plain, record)
    doc = round_trip_load("id: W-2006-AAAAA\nnote: old  # a comment\nlist:\n- from: old\n  status: x\n")
    doc["note"] = word
    doc["list"][0]["from"] = word
    edited = round_trip_dump(doc)
    assert "# a comment" in edited
    assert_all_read(edited, record)


@pytest.mark.parametrize("key", KEYS)
def test_a_key_is_text_in_every_reader(key):
    record = {key: "x", "other": 1}
    assert_all_read(dump_new(record), record)
    doc = round_trip_load("other: 1\n")
    doc.insert(0, key, "x")
    assert_all_read(round_trip_dump(doc), record)


@pytest.mark.parametrize("line", ["null: x", "true: x", "false: x", "no: x", "on: x", "yes: x", "y: x"])
def test_a_plain_yaml_word_key_is_read_as_that_word_by_all_three_readers(line):
    """The issue's case: ``null: x`` was ``{'null': 'x'}`` in the fast reader and
    ``{None: 'x'}`` in the parser."""
    word = line.split(":")[0]
    found = readers(line + "\n")
    assert set(found) == {"fast", "full", "ruamel"}
    assert all(got == {("str", word): ("str", "x")} for got in found.values()), found


def test_a_field_shaped_key_is_written_plain_and_any_other_yaml_word_key_quoted():
    """``on`` is a service's field: written plain (rosa's readers read keys as text, and
    the file stays in the fast reader's form); a key like ``NO`` or ``1`` is quoted."""
    record = {"on": date(2006, 2, 1), "true": "x", "NO": "y", "1": "z", "note": "on"}
    for text in (dump_new(record), round_trip_dump(round_trip_load(dump_new(record)))):
        assert "\non: 2006-02-01\n" in "\n" + text
        assert "'NO': " in text and "'1': " in text and "note: 'on'" in text
        assert_all_read(text, record)
    service = {"id": "T-2006-AAAAA", "on": date(2006, 2, 1), "cost": 12500}
    assert fast_mapping(dump_new(service)) is not None


def test_plain_values_follow_one_rule():
    """Only true/false are booleans, leading zeros are text, real dates are dates."""
    text = "a: no\nb: NO\nc: on\nd: 007\ne: -0\nf: 2006-03-14\ng: 2006-02-30\nh: ~\ni:\nj: TRUE\nk: 1.5\n"
    want = {"a": "no", "b": "NO", "c": "on", "d": "007", "e": 0, "f": date(2006, 3, 14), "g": "2006-02-30",
            "h": None, "i": None, "j": True, "k": 1.5}
    assert_all_read(text, want)
    assert set(readers(text)) == {"fast", "full", "ruamel"}


def test_an_edit_writes_a_yaml_11_word_quoted():
    doc = round_trip_load("id: W-2006-AAAAA\ndeclined_on: 2006-03-14\n")
    doc["declined_reason"] = "no"
    text = round_trip_dump(doc)
    assert "declined_reason: 'no'" in text
    assert yaml.safe_load(text)["declined_reason"] == "no"  # YAML 1.1 (PyYAML) reads the text too


def test_an_edit_keeps_a_value_quoted_by_hand_and_comments():
    source = "id: W-2006-AAAAA\n# her own words\nnote: \"on\"  # quoted on purpose\nborn: 1984\n"
    doc = round_trip_load(source)
    doc["born"] = 1985
    text = round_trip_dump(doc)
    assert text == source.replace("1984", "1985")


# --- generated records ----------------------------------------------------------------------

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=25),
    st.text(alphabet="0123456789-+.:_eExob ", max_size=8),
    st.builds(lambda a, b: a + b, st.sampled_from(["no", "on", "0", "1", "2006-03-1", "#", ": ", "'", '"']),
              st.text(alphabet="abc01 :#'\"", max_size=5)),
)
scalars = st.one_of(
    hostile_text,
    st.integers(-10**9, 10**9),
    st.booleans(),
    st.none(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
)
keys = st.one_of(st.sampled_from(KEYS), st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True),
                 st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12))
records = st.dictionaries(
    keys,
    st.one_of(scalars, st.lists(st.fixed_dictionaries({"from": scalars, "status": scalars}), min_size=1, max_size=3)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=250, deadline=None)
@given(records)
@example({"true": "x"})
@example({"null": "x", "no": "on", "on": "no"})
@example({"a": "007", "b": "2006-03-14", "c": date(2006, 3, 14), "d": "NO", "e": "'q'", "f": '"q"'})
def test_every_record_rosa_writes_reads_back_the_same_in_every_reader(data):
    assert_all_read(dump_new(data), data)
    plain = _plain_dump(data)
    if plain is not None:
        assert_all_read(plain, data)


@settings(max_examples=150, deadline=None)
@given(records, records)
@example({"id": "x"}, {"declined_reason": "no"})
@example({"note": "x"}, {"note": "007", "true": "on"})
@example({"null": None}, {"null": "\x85"})  # ruamel wrote U+0085 raw in single quotes: read back as a space
def test_an_edit_by_the_round_trip_path_reads_back_the_same_in_every_reader(before, changes):
    """Load what dump_new wrote with ruamel, change and add fields, dump: every reader
    reads the changed record."""
    doc = round_trip_load(dump_new(before))
    for key, value in changes.items():
        doc[key] = value
    want = dict(before)
    want.update(changes)
    assert_all_read(round_trip_dump(doc), want)


line_words = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet="abNOno01:-#'\" ~.", max_size=6))
lines = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(KEYS[:12] + ["a", "id", "from"]), line_words),
    st.builds(lambda k: f"{k}:", st.sampled_from(["a", "list", "null", "no"])),
    st.builds(lambda k, v: f"- {k}: {v}", st.sampled_from(["from", "status", "true"]), line_words),
    st.builds(lambda k, v: f"  {k}: {v}", st.sampled_from(["from", "status", "on"]), line_words),
    st.sampled_from(["# a comment", "", "---", "a: [1]", "  - x"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(lines, min_size=1, max_size=8))
def test_the_fast_reader_declines_or_agrees_with_both_parsers(lines_):
    text = "\n".join(lines_) + "\n"
    fast = fast_mapping(text)
    if fast is None:
        return
    full = parse_yaml_text(text)  # must not raise: the fast reader took only valid YAML
    assert typed(fast) == typed(full)
    assert fast.key_lines == full.key_lines
    assert typed(fast) == typed(round_trip_load(text))


# --- what the writers leave plain is text for other tools too ---------------------------------


def _other_tags(text: str) -> set:
    from ruamel.yaml.nodes import ScalarNode as RScalar
    from ruamel.yaml.resolver import VersionedResolver

    tags = {yaml.resolver.Resolver().resolve(yaml.nodes.ScalarNode, text, (True, False))}
    for version in ((1, 1), (1, 2)):
        resolver = VersionedResolver(version=version)
        tags.add(str(resolver.resolve(RScalar, text, (True, False))))
    return tags


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.sampled_from(HOSTILE), st.text(alphabet="0123456789-+.:_eExXoObBnaif yYsN~<=", max_size=10),
                 st.text(max_size=10)))
def test_a_string_left_unquoted_is_text_to_yaml_11_and_12_readers(text):
    if must_quote(text):
        return
    assert plain_tag(text) == STR
    assert _other_tags(text) == {STR}, text


# --- the real CLI ------------------------------------------------------------------------


def test_woman_decline_with_a_yaml_word_reason_writes_it_quoted(records):
    settings_file = records / "rosa.yaml"
    text = settings_file.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^(  declined:\n)", "\\1    'no':\n      nb: Nei\n      en: No answer\n", text)
    assert count == 1
    settings_file.write_text(text, encoding="utf-8")
    commit_all(records, "a declined reason named no")
    woman = run_ok(records, "woman", "add", "--nationality", "NO", "--first-contact", "2006-01-10").stdout.strip()
    run_ok(records, "woman", "decline", woman, "--reason", "no", "--on", "2006-02-01")
    saved = (records / "women" / f"{woman}.yaml").read_text(encoding="utf-8")
    assert "declined_reason: 'no'" in saved
    assert "nationality: 'NO'" in saved
    assert yaml.safe_load(saved)["declined_reason"] == "no"
    check = run_ok(records, "check")
    assert "declined_reason" not in check.stdout + check.stderr


def _broken_folder(records, text):
    path = records / "women" / "W-2006-AAAAA.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


CASES = {
    "empty": ("", "file is empty", "filen er tom"),
    "list": ("- a\n- b\n", "a record must be a mapping of field: value, not a list",
             "en post må bestå av linjer med felt: verdi, ikke en liste"),
    "twice": ("id: W-2006-AAAAA\nid: W-2006-AAAAA\n", "'id' is given twice (first on line 1)",
              "'id' er oppgitt to ganger (først på linje 1)"),
    "syntax": ("id: [unclosed\n", "YAML syntax error:", "YAML-syntaksfeil:"),
    "alias": ("id: &a W-2006-AAAAA\nnote: *a\n", "YAML aliases (*name) are not allowed in records",
              "YAML-aliaser (*navn) er ikke tillatt i poster"),
    "conflict": ("id: W-2006-AAAAA\n<<<<<<< HEAD\n", "merge conflict marker", "konfliktmarkør"),
    "not-utf8": (b"id: W-2006-AAAAA\nnote: \xff\xfe\n", "2: file is not valid UTF-8 text", "2: filen er ikke gyldig UTF-8-tekst"),
    "complex-key": ("[a, b]: x\n", "a mapping key must be a plain word", "et feltnavn må være et enkelt ord"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_yaml_problems_read_in_english_and_norwegian(records, rosa, monkeypatch, case):
    text, english, norwegian = CASES[case]
    _broken_folder(records, text)
    en = rosa(records, "check")
    assert en.exit_code == 1 and english in en.stdout, en.stdout
    monkeypatch.setenv("ROSA_LANG", "nb")
    nb = rosa(records, "check")
    assert nb.exit_code == 1 and norwegian in nb.stdout, nb.stdout
    assert "women/W-2006-AAAAA.yaml" in nb.stdout
    again = rosa(records, "check")  # the problem now comes from the cache: still Norwegian
    assert again.stdout == nb.stdout
    monkeypatch.setenv("ROSA_LANG", "en")
    assert rosa(records, "check").stdout == en.stdout
    assert "Traceback" not in en.stdout + en.stderr + nb.stdout + nb.stderr
