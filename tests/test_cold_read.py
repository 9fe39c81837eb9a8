"""The cold read's shortcuts give the answers the long ways give.

A cold ``report`` or ``check`` reads, parses and validates every record file; issue
16 made that path cheaper (docs/records-folder.md, "Reading a cold folder"). Each
shortcut is checked here against the way it replaced or stands in front of:

* files read with ``os.read``: whole, however large, up to the size limit;
* the fast reader's one search for characters it leaves to the full parser;
* call times read by ``datetime.fromisoformat`` where the full date parser would
  give the same moment (and the same refusal where it would refuse);
* the privacy scan's quick first test (no ``@`` and fewer than eight digits);
* the per-load memo of values read from files, which never remembers a refusal.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rosa_cli.core import privacy
from rosa_cli.core.dates import DateError, parse_datetime
from rosa_cli.core.folder import RecordsFolder
from rosa_cli.core.model import Settings
from rosa_cli.core.schema import field_map
from rosa_cli.core.validate import Context, FieldError, convert
from rosa_cli.core.vocab import DEFAULT_VOCABULARIES
from rosa_cli.core.yamlio import MAX_RECORD_BYTES, fast_mapping, parse_yaml_text, read_text


@pytest.mark.parametrize("size", [10, 65535, 65536, 65537, 200_000, MAX_RECORD_BYTES])
def test_read_text_reads_every_byte_of_a_file_up_to_the_limit(tmp_path, size):
    path = tmp_path / "big.yaml"
    data = ("note: " + "å" * size).encode("utf-8")[:size]
    data = data.decode("utf-8", errors="ignore").encode("utf-8")  # whole characters only
    path.write_bytes(data)
    text, problems = read_text(str(path), "big.yaml")
    assert problems == [] and text == data.decode("utf-8")


def test_read_text_refuses_a_file_over_the_limit_and_names_bad_bytes(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * (MAX_RECORD_BYTES + 1))
    text, problems = read_text(big, "big.yaml")
    assert text is None and problems[0].message.code == "file.too_large"
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"id: x\nnote: \xff\n")
    text, problems = read_text(bad, "bad.yaml")
    assert text is None and problems[0].message.code == "file.not_utf8" and problems[0].line == 2
    text, problems = read_text(tmp_path, "folder")  # a folder where a file was expected
    assert text is None and problems[0].message.code == "file.unreadable"


# every character the old reader tested for one by one, and neighbours of each range's ends
_EDGES = ["\t", "\r", "\ufeff", "\x85", "\u2028", "\u2029", "\x00", "\x1f", "\x7f", "\x9f", "\xa0", "\u2027",
          "\u202a", "\ud7ff", "\ue000", "\ufefe", "\uff00", "\ufffd", "\ufffe", "\U00010000", "\U0010ffff", "é", "~"]


@pytest.mark.parametrize("char", _EDGES)
def test_the_fast_reader_steps_aside_exactly_where_it_did(char):
    text = f"id: W-2006-K7Q2X\nnote: a{char}b\n"
    old_rule = bool(re.search("[\t\r\ufeff\x85\u2028\u2029]", text)) or bool(
        re.search("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]", text))
    fast = fast_mapping(text)
    assert (fast is None) == old_rule
    if fast is not None:
        assert fast == parse_yaml_text(text)


def _context() -> Context:
    vocabularies = {k: dict(v) for k, v in DEFAULT_VOCABULARIES.items()}
    return Context(Settings(organisation="test", vocabularies=vocabularies), {}, date(2026, 3, 14))


@pytest.mark.parametrize("text", [
    "2006-03-14 14:10", "2026-03-14 00:00", "2026-03-14 23:59", "2026-03-15 09:00", "2030-01-01 10:00",
    "2006-02-30 10:00", "2006-13-01 10:00", "2006-03-14 24:00", "2006-03-14 23:60", "0000-01-01 10:00",
    "2006-3-14 14:10", "2006-03-14 9:05", "2006-03-14T14:10", "14.03.2006 14:10", "2006-03-14",
])
def test_call_times_read_as_the_date_parser_reads_them(text):
    ctx = _context()
    spec = field_map("call")["at"]
    try:
        got = convert(spec, text, ctx)
    except FieldError as exc:
        got = exc.message
    now = datetime.combine(ctx.today, datetime.now().time()).replace(second=0, microsecond=0)
    try:
        moment = parse_datetime(text, now, relative=False)
        expected = moment if moment <= now.replace(second=59) else "future"
    except DateError as exc:
        expected = str(exc.args[0])
    if expected == "future":
        assert getattr(got, "code", None) == "datetime.future"
    elif isinstance(expected, datetime):
        assert got == expected and type(got) is datetime
    else:
        assert str(got) == expected


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789 .-+@abtlf:\n", max_size=40) | st.text(max_size=40))
def test_the_privacy_scan_finds_the_same_with_and_without_its_first_test(text):
    quick = privacy.identifying_details(text)
    with mock.patch.object(privacy, "_EIGHT_DIGITS", re.compile("")):  # "" matches every text: the full scan
        full = privacy.identifying_details(text)
    assert quick == full


def test_a_refused_value_is_refused_in_every_file_of_a_load(tmp_path):
    """The memo remembers what was read; a value refused in one file is refused (and
    explained) again in the next, and an accepted one stays accepted."""
    folder = RecordsFolder(tmp_path, today=date(2026, 3, 14))
    context = _context()
    found = {}
    for name, channel in (("C-2006-AAAA1", "pigeon"), ("C-2006-AAAA2", "pigeon"), ("C-2006-AAAA3", "phone"),
                          ("C-2006-AAAA4", "phone")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"id: {name}\nat: 2006-03-14 14:10\nchannel: {channel}\ncaller: police\nsubject: other\n",
                        encoding="utf-8")
        found[name] = folder.load_file("call", str(path), f"calls/2006/{name}.yaml", context)
    assert context.memo  # the bulk path remembered what it read
    for name in ("C-2006-AAAA1", "C-2006-AAAA2"):
        record, problems = found[name]
        assert record is None and [p.message.code for p in problems] == ["field.invalid"]
    for name in ("C-2006-AAAA3", "C-2006-AAAA4"):
        record, problems = found[name]
        assert record is not None and record.channel == "phone" and problems == []


def test_a_record_file_larger_than_one_read_loads(tmp_path):
    """A hand-edited record over 64 KB (a long note) is read whole: the note's length
    problem is about the whole note, not a cut one."""
    folder = RecordsFolder(tmp_path, today=date(2026, 3, 14))
    path = tmp_path / "C-2006-AAAA5.yaml"
    note = "lang tekst " * 9000
    path.write_text(f"id: C-2006-AAAA5\nat: 2006-03-14 14:10\ncaller: police\nsubject: other\nnote: {note.strip()}\n",
                    encoding="utf-8")
    record, problems = folder.load_file("call", str(path), "calls/2006/C-2006-AAAA5.yaml", _context())
    assert record is None
    assert [p.message.code for p in problems] == ["field.invalid"]
    assert str(len(note.strip())) in str(problems[0].message)
    assert Path(path).stat().st_size > 65536


_flat_lines = st.lists(
    st.tuples(st.sampled_from(["id", "at", "note", "woman", "on", "x_1", "born"]),
              st.one_of(st.just(""), st.just(" "), st.sampled_from([" phone", " 2006-03-14", " 12", " -1.5", " NO", " a: b",
                                                                   " #x", " 'q'", " ~", " true", " 2006-02-30", " x "]),
                        st.text(alphabet="ab:# 0-9'\"", max_size=8).map(lambda t: " " + t))),
    min_size=1, max_size=8,
)


@settings(max_examples=400, deadline=None)
@given(_flat_lines)
def test_flat_records_read_the_same_by_both_fast_paths(pairs):
    """A file of only ``key: value`` lines takes the one-search path; it must read
    exactly as the line-by-line path reads it (values, lines, refusals)."""
    from rosa_cli.core.yamlio import _FLAT_TEXT, _flat_mapping, _line_mapping

    text = "".join(f"{key}:{value}\n" for key, value in pairs)
    assert _FLAT_TEXT.fullmatch(text)
    flat, lines = _flat_mapping(text), _line_mapping(text)
    assert (flat is None) == (lines is None)
    if flat is not None and lines is not None:
        assert flat == lines and flat.key_lines == lines.key_lines and flat.line == lines.line


def test_a_short_text_with_identifying_details_is_warned_about_in_every_file(tmp_path):
    """The memo remembers short texts found clean, never a finding: the same short text
    holding a phone number is warned about in each file of a load."""
    folder = RecordsFolder(tmp_path, today=date(2026, 3, 14))
    context = _context()
    warned = []
    for name, received_by in (("C-2006-AAAB1", "desk"), ("C-2006-AAAB2", "tlf 22 33 44 55"),
                              ("C-2006-AAAB3", "tlf 22 33 44 55"), ("C-2006-AAAB4", "desk")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"id: {name}\nat: 2006-03-14 14:10\ncaller: police\nsubject: other\nreceived_by: {received_by}\n",
                        encoding="utf-8")
        record, problems = folder.load_file("call", str(path), f"calls/2006/{name}.yaml", context)
        assert record is not None
        warned.append([p.message.code for p in problems])
    assert warned == [[], ["text.identifying_in_file"], ["text.identifying_in_file"], []]


def test_workers_parse_with_this_rosa_whatever_folder_it_runs_in(tmp_path):
    """Run from a folder that holds another ``rosa_cli`` (a source checkout of another
    version), the worker processes must still parse with the rosa that runs: a
    forkserver preload is imported with the current folder first on sys.path."""
    import os
    import shutil
    import subprocess
    import sys

    sample = Path(__file__).resolve().parent.parent / "records"
    folder = tmp_path / "records"
    shutil.copytree(sample, folder, ignore=shutil.ignore_patterns(".rosa-cache"))
    elsewhere = tmp_path / "checkout"
    (elsewhere / "rosa_cli").mkdir(parents=True)
    marker = tmp_path / "imported"
    (elsewhere / "rosa_cli" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nraise ImportError('not this rosa')\n", encoding="utf-8")
    rosa = Path(sys.executable).parent / "rosa"
    env = {**os.environ, "ROSA_PARALLEL_MIN_FILES": "1", "ROSA_LANG": "en"}
    env.pop("ROSA_NO_CACHE", None)
    result = subprocess.run([str(rosa), "--records", str(folder), "check"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=300)
    assert not marker.exists()
    assert (folder / ".rosa-cache" / "records" / "calls__2006.marshal").exists()  # parsed (in workers) and cached
    serial = subprocess.run([str(rosa), "--records", str(folder), "check"], cwd=tmp_path,
                            env={**env, "ROSA_NO_CACHE": "1", "ROSA_PARALLEL_MIN_FILES": "1000000"},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == serial.returncode and result.stdout == serial.stdout
