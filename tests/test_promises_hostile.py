"""Promise: hostile or mistyped input gives a clean error, never a traceback.

Property-based tests (hypothesis) feed random and malformed YAML, CSV rows, dates and
flag values to the loader, ``rosa check``, ``rosa import``, the date parser and
``rosa call add``: the result is always a clean error or a valid record. Specific
nasty files (invalid UTF-8, empty, a list where a mapping belongs, anchors and
aliases, a huge file, a symlink out of the folder, conflict markers, deep nesting, a FIFO)
each get a one-line error with the file's path.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers import invoke as rosa
from helpers import no_traceback
from helpers import run_ok as ok
from rosa_cli.core.dates import DateError, parse_date, parse_datetime
from rosa_cli.core.folder import RecordsFolder, load_records
from rosa_cli.core.model import Records

# ROSA_HYPOTHESIS_SCALE=10 runs ten times as many examples (for a long bug hunt).
SCALE = int(os.environ.get("ROSA_HYPOTHESIS_SCALE", "1"))
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
RECORD_ID = "W-2006-AAAAA"
PLACES = {
    "woman": "women/W-2006-AAAAA.yaml",
    "stay": "stays/S-2006-AAAAA.yaml",
    "call": "calls/2006/C-2006-AAAAA.yaml",
}


@pytest.fixture
def folder(folder: Path) -> Path:
    """The shared one-shelter folder (conftest) with one woman in it, W-2006-BASE1."""
    ok(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10", "--id", "W-2006-BASE1")
    return folder


# --- strategies ----------------------------------------------------------------------------

FRAGMENTS = [
    "id: W-2006-AAAAA\n", "id: S-2006-AAAAA\n", "id: C-2006-AAAAA\n", "first_contact: 2006-01-10\n",
    "nationality: NG\n", "nationality: NO\n", "born: 1985\n", "born: 1985-13-45\n", "woman: W-2006-BASE1\n",
    "shelter: oslo\n", "start: 2006-02-01\n", "end: 2006-01-01\n", "at: 2006-03-01 10:00\n", "caller: police\n",
    "subject: other\n", "children: -3\n", "children: 1e9\n", "residence:\n", "- from: 2006-01-10\n  status: irregular\n",
    "note: ", "&a ", "*a", "<<: *a\n", "!!python/object/apply:os.system ['true']\n", "!!binary aGk=\n", "? ", "- ",
    "{", "}", "[", "]", ": ", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x:\n", "\t", "'", '"', "|\n", ">\n",
    "#", "<<<<<<< HEAD\n", "=======\n", ">>>>>>> x\n", "\x00", "\ufeff", "\u2028", "\x85", "~", "null", ".inf",
    "0x1F", "1_000", "yes", "NO", "2006-03-14T25:61:00Z", "9999999999999999999999", "\n", "  ",
]

yamlish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=30).map("".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20), st.dates(), st.datetimes())
nested = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)
dumped = nested.map(lambda data: yaml.safe_dump(data, allow_unicode=True))
record_like = st.dictionaries(
    st.sampled_from(["id", "first_contact", "nationality", "born", "born_estimated", "referred_by", "residence", "note",
                     "woman", "shelter", "start", "end", "end_reason", "children", "at", "channel", "caller", "subject",
                     "unknown_field"]),
    nested,
    max_size=8,
).map(lambda data: yaml.safe_dump(data, allow_unicode=True))
file_bytes = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass")),
    yamlish.map(lambda t: t.encode("utf-8", "surrogatepass")),
    dumped.map(str.encode),
    record_like.map(str.encode),
)


def write_record(folder: Path, kind: str, data: bytes) -> Path:
    path = folder / PLACES[kind]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def assert_clean(records: Records, shown: str) -> None:
    assert isinstance(records, Records)
    for problem in records.problems:
        assert isinstance(problem.path, str) and isinstance(problem.message, str)
        assert "\n" not in str(problem), f"problem is not one line: {str(problem)!r}"
        assert problem.line is None or (isinstance(problem.line, int) and problem.line >= 1)
    loaded = {**records.women, **records.stays, **records.calls}
    stem = Path(shown).stem
    errors_here = [p for p in records.problems if p.path == shown and p.is_error]
    assert stem in loaded or errors_here, f"{shown}: neither a record nor an error"


# --- property-based ------------------------------------------------------------------------


@settings(max_examples=150 * SCALE, **SETTINGS)
@given(kind=st.sampled_from(sorted(PLACES)), data=file_bytes)
@example(kind="woman", data=b"id: &x W-2006-AAAAA\nnote: *x\n")
@example(kind="woman", data=b"- 1\n- 2\n")
@example(kind="call", data=b"\xff\xfe\x00")
@example(kind="woman", data=b"id: W-2006-AAAAA\nfirst_contact: 2006-13-45\nnationality: NG\n")
@example(kind="call", data=b"(: 0000-00-00")
def test_hostile_random_record_files_load_records_never_raises(folder, kind, data):
    write_record(folder, kind, data)
    try:
        records = load_records(RecordsFolder(folder, today=date(2007, 1, 1)))
        assert_clean(records, PLACES[kind])
    finally:
        (folder / PLACES[kind]).unlink()


@settings(max_examples=60 * SCALE, **SETTINGS)
@given(kind=st.sampled_from(sorted(PLACES)), data=file_bytes)
@example(kind="stay", data=b"id: S-2006-AAAAA\nstart: 2006-02-30\n")
def test_hostile_random_record_files_rosa_check_exits_0_or_1(folder, kind, data):
    write_record(folder, kind, data)
    try:
        result = rosa(folder, "check")
        no_traceback(result)
        assert result.exit_code in (0, 1), result.output
        for line in result.stdout.splitlines():
            assert re.match(r"^[^:]+(:\d+)?: ", line), f"not a path[:line]: message line: {line!r}"
    finally:
        (folder / PLACES[kind]).unlink()


CALL_COLUMNS = ["at", "channel", "caller", "subject", "woman", "nationality", "received_by", "note", "id"]
cell = st.one_of(
    st.sampled_from(["", "police", "ngo", "other", "phone", "office", "NG", "unknown", "W-2006-BASE1", "W-2006-N0NE0",
                     "2006-03-01 10:00", "14.03.2006 14:10", "2006-03-01", "now", "C-2006-LEGACY", "C-", "C-2006-ÆØÅ",
                     "trafficking-first", "project-info", "=1+1", "\"", ";", ",", "\t"]),
    st.text(max_size=15),
)
header = st.lists(st.one_of(st.sampled_from(CALL_COLUMNS), st.text(max_size=8)), min_size=0, max_size=9)


@st.composite
def csv_files(draw):
    columns = draw(header)
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(columns) + 1), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    try:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(columns)
        writer.writerows(rows)
    except csv.Error:  # Python 3.10's writer refuses a NUL inside a field: write a mark, then the NUL
        mark = "\u2400NUL\u2400"
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow([c.replace("\x00", mark) for c in columns])
        writer.writerows([[c.replace("\x00", mark) for c in row] for row in rows])
        out = io.StringIO(out.getvalue().replace(mark, "\x00"))
    text = out.getvalue()
    if draw(st.booleans()):
        text = draw(st.sampled_from(["", "\ufeff", "\x00"])) + text + draw(st.sampled_from(["", '"', "\r", "\x00\xff"]))
    return text.encode("utf-8", "surrogatepass") if draw(st.booleans()) else text.encode("utf-8", "surrogatepass") + draw(st.binary(max_size=8))


counter = itertools.count()


@settings(max_examples=80 * SCALE, **SETTINGS)
@given(data=csv_files())
@example(data=b"at,caller,subject\n2006-03-01 10:00,police,other\n")
@example(data=b"at,caller,subject\n2006-03-01 10:00,police\n2006-13-01 10:00,polis,other,extra\n")
def test_hostile_random_csv_import_calls_exits_0_or_2_without_traceback(folder, tmp_path, data):
    path = tmp_path / f"import-{next(counter)}.csv"
    path.write_bytes(data)
    result = rosa(folder, "import", "calls", path)
    no_traceback(result)
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.output}"
    if result.exit_code == 2:
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        assert lines and all(l.startswith("error:") or l == "Nothing was written." for l in lines), result.stderr
        assert subprocess.run(["git", "status", "--porcelain"], cwd=folder, capture_output=True, text=True).stdout == ""


date_text = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A\s?[0-9٠-٩０-９]{0,6}[-./][0-9]{0,4}[-./][0-9]{0,6}( [0-9]{0,3}[:.][0-9]{0,3}(:[0-9]{0,3})?)?\s?\Z"),
    st.sampled_from(["today", "I DAG", "i går", "now", "nå", "0000-01-01", "9999-12-31 23:59", "29.02.00", "31.4.06",
                     "2006-03-14T14:10", "2006-03-14 24:00", "1.1.1", "", " ", "\x00"]),
)


@settings(max_examples=400 * SCALE, deadline=None)
@given(text=date_text)
def test_hostile_random_dates_give_a_date_or_date_error(text):
    today = date(2006, 6, 1)
    try:
        assert isinstance(parse_date(text, today), date)
    except DateError as exc:
        assert str(exc) and "\n" not in str(exc)
    try:
        assert isinstance(parse_datetime(text, datetime(2006, 6, 1, 12, 0)), datetime)
    except DateError as exc:
        assert str(exc) and "\n" not in str(exc)


@settings(max_examples=100 * SCALE, deadline=None)
@given(value=st.one_of(st.integers(), st.floats(), st.none(), st.booleans(), st.lists(st.integers(), max_size=3)))
def test_hostile_non_text_date_values_give_a_date_or_date_error(value):
    """A number, a list or nothing where a date belongs (a hand-edited file): either the
    value's text reads as a date (``1.5`` is the first of May, as typed) or a one-line
    DateError that quotes the value, so the coordinator sees what was wrong."""
    for parse, kind in ((parse_date, date), (parse_datetime, datetime)):
        try:
            got = parse(value, datetime(2006, 6, 1, 12, 0) if kind is datetime else date(2006, 6, 1))
        except DateError as exc:
            message = str(exc)
            assert message.startswith(f"'{value}' "), message
            assert "\n" not in message, message
        else:
            assert type(got) is kind, (value, got)
            assert isinstance(value, float), (value, got)  # only "d.m"-looking numbers read as dates


flag_value = st.one_of(
    st.none(),
    st.sampled_from(["police", "ngo", "other", "phone", "office", "trafficking-first", "NG", "unknown", "W-2006-BASE1",
                     "W-2006-N0NE0", "2006-03-01 10:00", "now", "14.3.06 9:05", "2999-01-01 10:00", "", "-", "--note",
                     "NO", "yes", "null", "~", "&a", "*a", "!!binary", "'", "\"", ": ", "- x", "#"]),
    st.text(max_size=25).filter(lambda s: "\x00" not in s),
)


@settings(max_examples=80 * SCALE, **SETTINGS)
@given(values=st.fixed_dictionaries({f: flag_value for f in ("at", "channel", "caller", "subject", "woman", "nationality", "received-by", "note")}))
def test_hostile_random_call_add_flags_exit_0_or_2_and_accepted_calls_check_clean(folder, values):
    argv = ["call", "add", "--no-prompt"]
    for flag, value in values.items():
        if value is not None:
            argv.append(f"--{flag}={value}")
    result = rosa(folder, *argv)
    no_traceback(result)
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.output}"
    if result.exit_code == 0:
        call_id = result.stdout.strip()
        path = next((folder / "calls").rglob(f"{call_id}.yaml"))
        record, problems = RecordsFolder(folder).load_one("call", path)
        assert record is not None and not [p for p in problems if p.is_error], problems
        if values["note"]:
            assert record.note == values["note"].strip() or record.note == values["note"]


# --- specific nasty files: each a one-line error with the path ---------------------------

HEAD = "id: W-2006-AAAAA\nfirst_contact: 2006-01-10\nnationality: NG\n"
DEEP_LIST = HEAD + "note: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_MAP = HEAD + "note:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300)) + "  " * 301 + "x\n"
DEEP_FLOW = HEAD + "note: " + "{a: " * 3000 + "b" + "}" * 3000 + "\n"

NASTY = {
    "invalid-utf8": (b"id: W-2006-AAAAA\nnote: caf\xe9\n", r"UTF-8"),
    "empty": (b"", r"empty"),
    "whitespace-only": (b"\n  \n", r"empty|mapping"),
    "list-not-mapping": (b"- id: W-2006-AAAAA\n- nationality: NG\n", r"mapping"),
    "scalar-not-mapping": (b"just some words\n", r"mapping"),
    "anchor-alias": (b"id: &me W-2006-AAAAA\nfirst_contact: 2006-01-10\nnationality: NG\nnote: *me\n", r"alias"),
    "merge-key": (b"base: &b {nationality: NG}\n<<: *b\nid: W-2006-AAAAA\nfirst_contact: 2006-01-10\n", r"alias|merge"),
    "billion-laughs": (
        b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
        b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
        r"alias",
    ),
    "python-tag": (
        b"id: !!python/object/apply:os.system ['true']\n",
        r"^women/W-2006-AAAAA\.yaml:1: YAML syntax error: could not determine a constructor for the tag "
        r"'tag:yaml\.org,2002:python/object/apply:os\.system'$",
    ),
    "huge": (b"id: W-2006-AAAAA\nnote: " + b"x" * 1_100_000 + b"\n", r"too large"),
    "conflict-markers": (
        b"id: W-2006-AAAAA\nfirst_contact: 2006-01-10\n<<<<<<< HEAD\nnationality: NG\n=======\nnationality: AL\n>>>>>>> other\n",
        r"conflict",
    ),
    "deep-list": (DEEP_LIST.encode(), r"^women/W-2006-AAAAA\.yaml: YAML nested too deeply$"),
    "deep-map": (DEEP_MAP.encode(), r"^women/W-2006-AAAAA\.yaml:4: note must be text$"),
    "deep-flow": (DEEP_FLOW.encode(), r"^women/W-2006-AAAAA\.yaml: YAML nested too deeply$"),
    "nul-byte": (
        b"id: W-2006-AAAAA\x00\n",
        r"^women/W-2006-AAAAA\.yaml: YAML error: unacceptable character #x0000: control characters are not allowed$",
    ),
    "duplicate-key": (b"id: W-2006-AAAAA\nfirst_contact: 2006-01-10\nnationality: NG\nnationality: AL\n", r"twice"),
    "binary": (bytes(range(256)) * 4, r"^women/W-2006-AAAAA\.yaml:2: file is not valid UTF-8 text$"),
    # a typo in a hand-typed date: YAML reads it as a timestamp that does not exist
    "impossible-date": (b"id: W-2006-AAAAA\nfirst_contact: 2006-13-45\nnationality: NG\n", r":2: .*(first_contact|date|month)"),
    "year-zero": (b"id: W-2006-AAAAA\nfirst_contact: 2006-01-10\nnationality: NG\nborn: 0000-00-00\n", r":4: .*(born|date|year)"),
    "impossible-time": (b"id: W-2006-AAAAA\nfirst_contact: 2006-01-10T25:61:00\nnationality: NG\n", r":2: "),
}


def error_lines_for(result, rel: str):
    return [l for l in result.stdout.splitlines() if l.startswith(rel + ":") and "warning:" not in l]


@pytest.mark.parametrize("name", sorted(NASTY))
def test_hostile_specific_file_gives_one_line_error(folder, name):
    data, pattern = NASTY[name]
    rel = PLACES["woman"]
    write_record(folder, "woman", data)
    result = rosa(folder, "check")
    no_traceback(result)
    assert result.exit_code == 1, result.output
    lines = error_lines_for(result, rel)
    assert len(lines) == 1, lines
    assert re.search(pattern, lines[0], re.IGNORECASE), lines[0]
    assert len(lines[0]) < 400, lines[0]
    # the rest of the folder still loads
    records = load_records(RecordsFolder(folder))
    assert "W-2006-BASE1" in records.women


def test_hostile_conflict_marker_error_points_at_its_line(folder):
    data, _ = NASTY["conflict-markers"]
    write_record(folder, "woman", data)
    result = rosa(folder, "check")
    assert error_lines_for(result, PLACES["woman"])[0].startswith(PLACES["woman"] + ":3: ")


def test_hostile_symlink_to_a_file_outside_is_refused(folder, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: W-2006-AAAAA\nfirst_contact: 2006-01-10\nnationality: NG\nsecret_field: private\n")
    link = folder / PLACES["woman"]
    link.symlink_to(outside)
    result = rosa(folder, "check")
    no_traceback(result)
    assert result.exit_code == 1
    lines = error_lines_for(result, PLACES["woman"])
    assert len(lines) == 1 and "outside" in lines[0], lines
    assert "secret_field" not in result.output
    assert "W-2006-AAAAA" not in load_records(RecordsFolder(folder)).women


def test_hostile_symlinked_records_subfolder_pointing_outside_is_refused(folder, tmp_path):
    """A kind folder (women/) replaced by a link to a folder elsewhere must not be read:
    its files are outside the records folder just as a linked file would be."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "W-2006-ZZZZZ.yaml").write_text(
        "id: W-2006-ZZZZZ\nfirst_contact: 2006-01-10\nnationality: NG\nsecret_field: private\n"
    )
    women = folder / "women"
    for path in women.iterdir():
        path.unlink()
    women.rmdir()
    women.symlink_to(outside, target_is_directory=True)
    result = rosa(folder, "check")
    no_traceback(result)
    assert "secret_field" not in result.output, result.output
    assert "W-2006-ZZZZZ" not in load_records(RecordsFolder(folder)).women
    assert result.exit_code == 1
    assert any(l.startswith("women") and "outside" in l for l in result.stdout.splitlines()), result.stdout


def test_hostile_symlink_inside_the_folder_is_not_called_outside(folder):
    real = folder / "women" / "W-2006-BASE1.yaml"
    link = folder / "stays" / "S-2006-11NK1.yaml"
    link.symlink_to(real)
    result = rosa(folder, "check")
    no_traceback(result)
    assert "outside" not in result.output


def test_hostile_fifo_in_women_gives_one_line_error_and_does_not_block(folder):
    """A named pipe with a record's name would block a reader that opened it: rosa
    refuses it in one line without opening it. Run as a subprocess with a timeout, so a
    rosa that did open it fails this test instead of hanging the suite."""
    from helpers import ROSA_BIN

    fifo = folder / PLACES["woman"]
    os.mkfifo(fifo, 0o600)
    checked = subprocess.run([str(ROSA_BIN), "--records", str(folder), "check"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "Traceback" not in checked.stdout + checked.stderr
    assert error_lines_for_text(checked.stdout, PLACES["woman"]) == [
        f"{PLACES['woman']}: is not a regular file; refusing to read it"
    ], checked.stdout
    assert "W-2006-BASE1" in load_records(RecordsFolder(folder)).women
    # a changing command still works beside it, and does not commit the pipe
    added = subprocess.run([str(ROSA_BIN), "--records", str(folder), "call", "add", "--caller", "police",
                            "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt"],
                           capture_output=True, text=True, timeout=60)
    assert added.returncode == 0, added.stderr
    tracked = subprocess.run(["git", "ls-files"], cwd=folder, capture_output=True, text=True, check=True).stdout
    assert PLACES["woman"] not in tracked.splitlines()


def error_lines_for_text(stdout: str, rel: str):
    return [l for l in stdout.splitlines() if l.startswith(rel + ":") and "warning:" not in l]
