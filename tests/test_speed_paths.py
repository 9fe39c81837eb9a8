"""The two speed paths must never change an answer.

* The fast reader of plain record files agrees with the full YAML reader on every file
  both can read (values, key lines), and steps aside for everything else.
* A cached run gives the same report and the same problems as an uncached one, and a
  corrupt or stale cache is rebuilt silently.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from rosa_cli.cli.main import main
from rosa_cli.core.yamlio import dump_new, fast_mapping, parse_yaml_text

SAMPLE = Path(__file__).resolve().parent.parent / "records"


def _same(fast, full) -> None:
    assert fast == full
    assert fast.key_lines == full.key_lines
    assert fast.line == full.line
    for key, value in fast.items():
        if isinstance(value, list):
            for a, b in zip(value, full[key]):
                assert a.key_lines == b.key_lines and a.line == b.line


def test_fast_reader_agrees_with_yaml_on_every_sample_file():
    read_fast = 0
    for path in SAMPLE.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        fast = fast_mapping(text)
        if fast is None:
            continue
        read_fast += 1
        _same(fast, parse_yaml_text(text))
    assert read_fast > 2000  # every record file of the sample takes the fast path


scalars = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
    st.integers(-10**6, 10**6),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(["NO", "yes", "no", "on", "off", "~", "null", "1e3", "0x1F", "012", "12:30", "2006-02-30",
                     "- x", "a: b", "a #b", "'q'", "\"q\"", "&x", "*x", "!tag", "[1]", "{a: 1}", "|", ">", "%", "@",
                     "2006-03-14 14:10", "+47 22 33 44 55", "x:", ":x", "-", "-1", ".5", "+", "é", " lead", "trail "]),
)
records = st.dictionaries(
    st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True),
    st.one_of(scalars, st.lists(st.fixed_dictionaries({"from": scalars, "status": scalars}), min_size=1, max_size=3)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(records)
def test_fast_reader_agrees_with_yaml_on_generated_records(data):
    text = dump_new(data)
    fast = fast_mapping(text)
    if fast is not None:
        _same(fast, parse_yaml_text(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_fast_reader_never_disagrees_on_arbitrary_text(text):
    fast = fast_mapping(text)
    if fast is None:
        return
    try:
        full = parse_yaml_text(text)
    except Exception:  # the full reader refuses what the fast one took: that is a bug
        pytest.fail(f"fast reader accepted text YAML refuses: {text!r}")
    _same(fast, full)


def _run(folder: Path, *args: str, cache: bool):
    env = {"ROSA_NO_CACHE": None if cache else "1"}
    return CliRunner().invoke(main, ["--records", str(folder), *args], env=env, catch_exceptions=False)


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".rosa-cache"))
    calls = sorted((folder / "calls" / "2006").iterdir())
    calls[0].write_text(calls[0].read_text(encoding="utf-8").replace("subject:", "subjekt:"), encoding="utf-8")
    calls[1].write_text("id: [unclosed\n", encoding="utf-8")
    return folder


def test_cached_and_uncached_runs_give_the_same_report_and_errors(sample_copy):
    uncached_check = _run(sample_copy, "check", cache=False)
    assert not (sample_copy / ".rosa-cache" / "records").exists()
    first = _run(sample_copy, "check", cache=True)  # builds the cache
    assert (sample_copy / ".rosa-cache" / "records" / "calls__2006.marshal").exists()
    second = _run(sample_copy, "check", cache=True)  # reads it
    assert uncached_check.exit_code == first.exit_code == second.exit_code == 1
    assert uncached_check.stdout == first.stdout == second.stdout
    assert "unknown field 'subjekt'; did you mean subject?" in second.stdout
    args = ("report", "--year", "2006", "--format", "json", "--force")
    reports = [_run(sample_copy, *args, cache=c).stdout for c in (False, True, True)]
    assert reports[0] == reports[1] == reports[2]
    assert json.loads(reports[0])["calls"]["total"] == 1035


def test_a_changed_file_is_read_again(sample_copy):
    _run(sample_copy, "check", cache=True)
    bad = sorted((sample_copy / "calls" / "2006").iterdir())[1]
    original = sorted((SAMPLE / "calls" / "2006").iterdir())[1]
    shutil.copyfile(original, bad)
    after = _run(sample_copy, "check", cache=True)
    assert bad.name not in after.stdout
    assert after.stdout == _run(sample_copy, "check", cache=False).stdout


def test_a_corrupt_cache_is_rebuilt_silently(sample_copy):
    _run(sample_copy, "check", cache=True)
    files = sorted((sample_copy / ".rosa-cache" / "records").iterdir())
    assert files
    for cache in files:
        cache.write_bytes(b"\x00garbage" * 100)
    result = _run(sample_copy, "check", cache=True)
    assert result.stdout == _run(sample_copy, "check", cache=False).stdout
    assert all(cache.read_bytes()[:8] != b"\x00garbage" for cache in files)


def test_a_changed_vocabulary_invalidates_the_cache(sample_copy):
    _run(sample_copy, "check", cache=True)
    settings_file = sample_copy / "rosa.yaml"
    settings_file.write_text(settings_file.read_text(encoding="utf-8").replace("  police:\n", "  politi:\n", 1), encoding="utf-8")
    cached = _run(sample_copy, "check", cache=True)
    assert "'police' is not one of" in cached.stdout
    assert cached.stdout == _run(sample_copy, "check", cache=False).stdout


def test_the_cache_is_owner_only_and_ignored_by_git(records):
    result = CliRunner().invoke(main, ["--records", str(records), "check"])
    assert result.exit_code == 0
    cache_dir = records / ".rosa-cache"
    assert cache_dir.is_dir() and os.stat(cache_dir).st_mode & 0o077 == 0
    assert "/.rosa-cache/" in (records / ".gitignore").read_text()


def test_parsing_in_worker_processes_gives_the_same_answers(sample_copy, monkeypatch):
    serial = _run(sample_copy, "report", "--year", "2006", "--format", "json", "--force", cache=False)
    serial_check = _run(sample_copy, "check", cache=False)
    monkeypatch.setenv("ROSA_PARALLEL_MIN_FILES", "1")
    shutil.rmtree(sample_copy / ".rosa-cache", ignore_errors=True)
    parallel_check = _run(sample_copy, "check", cache=True)  # a cold start, parsed in workers
    parallel = _run(sample_copy, "report", "--year", "2006", "--format", "json", "--force", cache=False)
    assert parallel.stdout == serial.stdout
    assert parallel_check.stdout == serial_check.stdout
    assert (sample_copy / ".rosa-cache" / "records" / "calls__2006.marshal").exists()


@settings(max_examples=400, deadline=None)
@given(records)
def test_new_records_read_back_as_written_by_both_readers(data):
    """dump_new writes plain lines where it can and PyYAML's quoting elsewhere; either
    way the fast reader (when it takes the text) and the full parser read back the data."""
    text = dump_new(data)
    full = parse_yaml_text(text)
    assert full == data
    fast = fast_mapping(text)
    if fast is not None:
        _same(fast, full)


def test_plain_dump_keeps_yaml11_words_quoted_for_other_tools():
    import yaml

    text = dump_new({"nationality": "NO", "note": "yes", "received_by": "KL", "at": "2006-03-14 14:10", "born": 1984})
    assert yaml.safe_load(text) == {"nationality": "NO", "note": "yes", "received_by": "KL", "at": "2006-03-14 14:10", "born": 1984}
