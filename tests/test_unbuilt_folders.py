"""Year folders a command does not need are looked at, not built (issue 16).

``rosa report --year 2006`` builds the calls, services and activities that may count in
2006 and takes every other year folder's problems, counts and references from the
cache's summary (rosa_cli/core/summary.py); ``rosa check`` builds no year folder at
all. Every answer must stay what it is without the cache: a call misfiled into
another year's folder still counts, a service running into the year counts, a call of
another year naming a woman who does not exist still stops the report, a hand edit
anywhere is still seen — also when a helper process did part of the looking
(rosa_cli/core/unchanged.py), and when that helper fails.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rosa_cli.cli.main import main
from rosa_cli.core import unchanged
from rosa_cli.core.folder import RecordsFolder, load_records

SAMPLE = Path(__file__).resolve().parent.parent / "records"
REPORT_2006 = ("report", "--year", "2006", "--format", "json")


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".rosa-cache"))
    return folder


def _run(folder: Path, *args: str, cache: bool = True) -> str:
    env = {"ROSA_NO_CACHE": None if cache else "1", "ROSA_PARALLEL_MIN_FILES": "1000000"}
    result = CliRunner().invoke(main, ["--records", str(folder), *args], env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"


def _same_as_uncached(folder: Path, *commands) -> None:
    for args in commands or (REPORT_2006, ("check",)):
        uncached = _run(folder, *args, cache=False)
        assert _run(folder, *args) == uncached, f"`rosa {' '.join(args)}` differs with the cache (building it)"
        assert _run(folder, *args) == uncached, f"`rosa {' '.join(args)}` differs with the cache (reading it)"


def _settle() -> None:
    time.sleep(0.02)  # past the clock tick: the changed files are cacheable, not "racily clean"


def _first(folder: Path, kind_dir: str, year: str) -> Path:
    return sorted((folder / kind_dir / year).glob("*.yaml"))[0]


def test_a_year_report_builds_only_the_year_folders_it_counts(sample_copy):
    _run(sample_copy, "check")  # builds the cache
    records = load_records(RecordsFolder(sample_copy), years=(2006, 2006))
    assert records.calls and all(call.at.year == 2006 for call in records.calls.values())
    assert records.unbuilt == len(list((sample_copy / "calls" / "2005").glob("*.yaml"))) + len(
        list((sample_copy / "services" / "2005").glob("*.yaml"))) + len(list((sample_copy / "activities" / "2005").glob("*.yaml")))
    everything = load_records(RecordsFolder(sample_copy))
    assert len(everything.calls) == len(records.calls) + len(list((sample_copy / "calls" / "2005").glob("*.yaml")))
    _same_as_uncached(sample_copy)


def test_check_counts_what_it_did_not_build(sample_copy):
    _same_as_uncached(sample_copy, ("check",))
    records = load_records(RecordsFolder(sample_copy), years=(0, -1))
    assert not records.calls and records.unbuilt > 1000
    assert re.search(r"(\d+) records checked", _run(sample_copy, "check")).group(1) == str(
        sum(1 for _ in sample_copy.glob("*/**/*.yaml")))


def test_a_call_misfiled_into_another_year_still_counts(sample_copy):
    _run(sample_copy, *REPORT_2006)
    call = _first(sample_copy, "calls", "2005")
    call.write_text(re.sub(r"^at: 2005-\d\d-\d\d", "at: 2006-06-01", call.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    _settle()
    _same_as_uncached(sample_copy, ("report", "--year", "2006", "--format", "json", "--force"), ("check",))
    assert "is filed under calls/2005/" in _run(sample_copy, "check")


def test_a_service_running_into_the_year_counts(sample_copy):
    service = sorted((sample_copy / "services" / "2005").glob("*.yaml"))[-1]
    text = service.read_text(encoding="utf-8")
    service.write_text(re.sub(r"^'on': 2005-\d\d-\d\d$", "'on': 2005-12-20\nto: 2006-01-10", text, count=1, flags=re.M), encoding="utf-8")
    _settle()
    before = _run(sample_copy, *REPORT_2006, cache=False)
    _same_as_uncached(sample_copy)
    assert '"services"' in before


def test_a_missing_woman_named_in_another_year_still_stops_the_report(sample_copy):
    _run(sample_copy, *REPORT_2006)  # the cache holds calls/2005 as clean
    call = _first(sample_copy, "calls", "2005")
    call.write_text(call.read_text(encoding="utf-8") + "woman: W-2005-ZZZZZ\n", encoding="utf-8")
    _settle()
    _same_as_uncached(sample_copy)
    assert "W-2005-ZZZZZ does not exist" in _run(sample_copy, *REPORT_2006)
    # and when the woman is the one who goes: the calls naming her are not rebuilt
    # (their folder did not change), yet the report stops as it would without the cache
    call.write_text(call.read_text(encoding="utf-8").replace("woman: W-2005-ZZZZZ\n", ""), encoding="utf-8")
    named = next(p for p in (sample_copy / "calls" / "2005").glob("*.yaml") if "woman:" in p.read_text(encoding="utf-8"))
    woman_id = re.search(r"^woman: (\S+)", named.read_text(encoding="utf-8"), re.M).group(1)
    _settle()
    _run(sample_copy, *REPORT_2006)
    (sample_copy / "women" / f"{woman_id}.yaml").unlink()
    _settle()
    _same_as_uncached(sample_copy)
    assert f"{woman_id} does not exist" in _run(sample_copy, *REPORT_2006)


def test_a_nationality_contradicting_hers_in_another_year_is_still_warned_about(sample_copy):
    _run(sample_copy, "check")
    named = next(p for p in sorted((sample_copy / "calls" / "2005").glob("*.yaml")) if "woman:" in p.read_text(encoding="utf-8"))
    text = named.read_text(encoding="utf-8")
    text = re.sub(r"^nationality: .*\n", "", text, flags=re.M) + "nationality: IS\n"
    named.write_text(text, encoding="utf-8")
    _settle()
    _run(sample_copy, "check")  # calls/2005 cached with the IS call
    woman_id = re.search(r"^woman: (\S+)", text, re.M).group(1)
    woman = sample_copy / "women" / f"{woman_id}.yaml"
    woman.write_text(re.sub(r"^nationality: .*$", "nationality: FI", woman.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    _settle()
    _same_as_uncached(sample_copy)
    assert "gives nationality IS" in _run(sample_copy, "check")


def test_a_hand_edit_in_a_year_not_reported_still_stops_the_report(sample_copy):
    _run(sample_copy, *REPORT_2006)
    call = _first(sample_copy, "calls", "2005")
    st = call.stat()
    text = call.read_text(encoding="utf-8")
    broken = text.replace("subject:", "subjekt:", 1)
    call.write_text(broken[: len(text)].ljust(len(text)), encoding="utf-8")
    os.utime(call, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only ctime tells
    _same_as_uncached(sample_copy)
    assert "unknown field 'subjekt'" in _run(sample_copy, *REPORT_2006)


@pytest.fixture
def helper_always(monkeypatch):
    """Every run shares the looking with a helper process, however few the files."""
    started = []
    real = unchanged._start_helper

    def spy(jobs, scratch):
        process = real(jobs, scratch)
        started.append((len(jobs), process))
        return process

    monkeypatch.setattr(unchanged, "HELPER_MIN_FILES", 1)
    monkeypatch.setattr(unchanged, "_HELPER_START_FILES", 0)
    monkeypatch.setattr(unchanged, "_start_helper", spy)
    monkeypatch.setattr(unchanged, "_cores", lambda: 2)
    return started


def test_a_helper_process_looks_at_part_of_the_folders_and_misses_nothing(sample_copy, helper_always):
    _same_as_uncached(sample_copy)
    assert helper_always and all(n > 0 and process is not None for n, process in helper_always)
    assert all(process.returncode == 0 for _, process in helper_always)
    # the helper takes the first folders (women/, then stays/): an edit there is seen
    woman = sorted((sample_copy / "women").glob("*.yaml"))[0]
    woman.write_text(woman.read_text(encoding="utf-8") + "unknown_field: 1\n", encoding="utf-8")
    _settle()
    _same_as_uncached(sample_copy)
    assert "unknown field 'unknown_field'" in _run(sample_copy, "check")


def test_a_failing_helper_only_means_rosa_looks_itself(sample_copy, helper_always, monkeypatch):
    _run(sample_copy, "check")
    monkeypatch.setattr(unchanged, "__file__", str(sample_copy / "no-such-script.py"))  # the helper exits at once
    woman = sorted((sample_copy / "women").glob("*.yaml"))[0]
    woman.write_text(woman.read_text(encoding="utf-8") + "unknown_field: 1\n", encoding="utf-8")
    _settle()
    _same_as_uncached(sample_copy)
    assert all(process.returncode != 0 for _, process in helper_always[-2:])


def test_a_helper_answering_nonsense_is_not_trusted(tmp_path, monkeypatch):
    """A helper is trusted for True/False per folder and nothing else."""
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "C-2006-AAAAA.yaml").write_text("x")
    names = unchanged.names_text(["C-2006-AAAAA.yaml"])
    packed = unchanged.signatures([os.stat(folder / "C-2006-AAAAA.yaml")])
    fake = tmp_path / "fake.py"
    fake.write_text("import sys, marshal; sys.stdin.buffer.read(); sys.stdout.buffer.write(marshal.dumps([True, True, True]))\n")
    monkeypatch.setattr(unchanged, "__file__", str(fake))
    monkeypatch.setattr(unchanged, "HELPER_MIN_FILES", 1)
    monkeypatch.setattr(unchanged, "_HELPER_START_FILES", 0)
    monkeypatch.setattr(unchanged, "_cores", lambda: 2)
    (folder / "C-2006-AAAAA.yaml").write_text("changed")
    jobs = [(str(folder), names, packed)] * 4
    assert unchanged.check_all(jobs, [1, 1, 1, 1], str(tmp_path)) == [False] * 4


def test_a_link_in_place_of_a_file_is_not_as_cached(tmp_path):
    folder = tmp_path / "calls" / "2006"
    folder.mkdir(parents=True)
    for name in ("C-2006-AAAAA.yaml", "C-2006-BBBBB.yaml"):
        (folder / name).write_text("id: x\n")
    names = unchanged.names_text(sorted(os.listdir(folder)))
    packed = unchanged.signatures([os.stat(folder / n, follow_symlinks=False) for n in sorted(os.listdir(folder))])
    assert unchanged.as_cached(str(folder), names, packed)
    (folder / ".gitkeep").write_text("")
    assert unchanged.as_cached(str(folder), names, packed)  # .gitkeep is not a record
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("id: x\n")
    (folder / "C-2006-BBBBB.yaml").unlink()
    (folder / "C-2006-BBBBB.yaml").symlink_to(outside)
    assert not unchanged.as_cached(str(folder), names, packed)
    assert not unchanged.as_cached(str(tmp_path / "gone"), names, packed)


def test_the_summary_is_exact_for_a_year_folder(sample_copy):
    from rosa_cli.core.model import to_row
    from rosa_cli.core.summary import overlaps, summarise_rows

    records = load_records(RecordsFolder(sample_copy))
    calls_2005 = [c for c in records.calls.values() if c.path.startswith("calls/2005/")]
    valid, invalid, first, last, refs = summarise_rows("call", [to_row(c) for c in calls_2005] + [None])
    assert (valid, invalid, first, last) == (len(calls_2005), 1, 2005, 2005)
    assert set(refs) == {(c.woman, c.nationality or "") for c in calls_2005 if c.woman}
    services = list(records.services.values())
    valid, invalid, first, last, refs = summarise_rows("service", [to_row(s) for s in services])
    assert (valid, invalid) == (len(services), 0)
    assert (first, last) == (min(s.on.year for s in services), max(s.last_day.year for s in services))
    assert set(refs) == {(s.woman, "") for s in services}
    activities = list(records.activities.values())
    assert summarise_rows("activity", [to_row(a) for a in activities])[2:4] == (
        min(a.on.year for a in activities), max(a.on.year for a in activities))
    assert overlaps((1, 0, 2005, 2006, ()), (2006, 2006)) and not overlaps((1, 0, 2005, 2005, ()), (2006, 2006))
    assert not overlaps((0, 3, None, None, ()), (2006, 2006)) and overlaps((0, 0, None, None, ()), None)


def test_a_damaged_blob_inside_a_cache_file_is_read_again_silently(sample_copy):
    """A cache file whose outer frame reads but whose problems or rows do not (a flipped
    byte inside): the folder is read from its files, with the same answers."""
    import marshal

    broken = _first(sample_copy, "calls", "2005")
    broken.write_text("id: [unclosed\n", encoding="utf-8")  # calls/2005 has problems to keep
    _settle()
    _run(sample_copy, *REPORT_2006)
    entries = sample_copy / ".rosa-cache" / "records"
    for name in ("calls__2005.marshal", "women.marshal"):
        fields = list(marshal.loads((entries / name).read_bytes()))
        fields[6 if name.startswith("calls") else 7] = b"\x00garbage"  # the problems blob; the rows blob
        (entries / name).write_bytes(marshal.dumps(tuple(fields)))
    _same_as_uncached(sample_copy)
