"""Promises about the records folder itself (docs/records-folder.md):

* ids and shelter keys are never paths: one grammar, one resolver, nothing read or
  written outside the folder;
* every file under women/, stays/ and calls/ is accounted for: a stray or misplaced
  file is an error in ``check`` and stops ``report``;
* folders stay private: ``check`` reports loose permissions, changing commands fix them;
* a crash leaves the old state or the whole new record (real processes, SIGKILL);
* the cache never changes an answer.

Everything runs the real CLI on real folders with real git.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROSA_BIN, add_woman, fodselsnummer_like, git, invoke, no_traceback, open_stay, run_ok, snapshot


def outside_snapshot(records: Path):
    """The records folder as tests see it, plus everything beside it (the 'outside')."""
    beside = {p.relative_to(records.parent).as_posix(): p.read_bytes() for p in records.parent.rglob("*") if p.is_file() and records not in p.parents}
    return snapshot(records), beside


# --- ids are never paths ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_folders(tmp_path_factory):
    """A records folder and, beside it, another one a path could try to reach.

    Made once for the module: every test using it is refused and changes nothing
    (which each test checks), so they can share it.
    """
    from helpers import GIT_IDENTITY, init_records

    base = tmp_path_factory.mktemp("two")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in GIT_IDENTITY.items():
            mp.setenv(name, value)
        mp.setenv("HOME", str(base))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        old = os.umask(0o077)
        try:
            records = init_records(base / "records", {"oslo": "Oslo krisesenter"})
            other = init_records(base / "other", {"oslo": "Oslo krisesenter"})
            other_woman = add_woman(other)
            open_stay(other, other_woman)
            add_woman(records)
        finally:
            os.umask(old)
    return records, other, other_woman


HOSTILE_IDS = [
    "../rosa",
    "../../other/women/{w}",
    "../other/women/{w}",
    "{w}/../../rosa",
    "/etc/passwd",
    "W-2006-K7Q2X.yaml",
    "w-2006-k7q2x",
    "W-2006-K7Q2X ",
    "",
]


@pytest.mark.parametrize("template", HOSTILE_IDS)
@pytest.mark.parametrize(
    "command",
    [
        ("woman", "show", "{id}"),
        ("woman", "status", "{id}", "reflection-period", "--from", "2006-03-01"),
        ("woman", "decline", "{id}", "--reason", "other", "--on", "2006-03-01"),
        ("woman", "edit", "{id}"),
        ("woman", "alias", "{id}", "Some alias"),
        ("stay", "close", "{id}", "--reason", "left", "--on", "2006-03-01"),
        ("stay", "open", "{id}", "--shelter", "oslo", "--on", "2006-03-01"),
        ("stay", "move", "{id}", "--to", "oslo", "--on", "2006-03-01"),
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_an_id_that_is_a_path_is_refused_and_nothing_outside_is_touched(two_folders, tmp_path, monkeypatch, command, template):
    records, other, other_woman = two_folders
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.setenv("ROSA_ALIASES", str(tmp_path / "aliases" / "aliases.yaml"))
    given = template.format(w=other_woman)
    args = [part.format(id=given) for part in command]
    before = outside_snapshot(records)
    other_before = snapshot(other)
    result = invoke(records, *args)
    no_traceback(result)
    assert result.exit_code == 2, (args, result.output)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(("error: ID: ", "error: WOMAN: ", "error: STAY|WOMAN: ")), result.stderr
    assert "is not a" in lines[0]
    assert outside_snapshot(records) == before
    assert snapshot(other) == other_before
    assert not (tmp_path / "aliases" / "aliases.yaml").exists()


def test_a_hostile_shelter_key_is_refused(records):
    woman = add_woman(records)
    before = snapshot(records)
    for args in (("stay", "open", woman, "--shelter", "../oslo"), ("stay", "move", woman, "--to", "Oslo/2")):
        result = invoke(records, *args)
        assert result.exit_code == 2 and result.stderr.startswith(("error: --shelter: ", "error: --to: ")), result.output
    result = invoke(records, "shelter", "add", "../x", "--name", "X")
    assert result.exit_code == 2 and "KEY" in result.stderr
    assert snapshot(records) == before


def test_no_id_may_carry_a_long_number(records):
    number = fodselsnummer_like("010190")
    before = snapshot(records)
    for given in (f"W-{number[:4]}-{number[4:]}", f"W-2006-{number[:6]}", f"W-2006-A{number[:6]}"):
        result = invoke(records, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10", "--id", given)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("error: --id: ") and number not in git(records, "log", "--format=%B")
    assert snapshot(records) == before


def test_alias_only_for_an_existing_woman(records, tmp_path, monkeypatch):
    monkeypatch.setenv("ROSA_ALIASES", str(tmp_path / "aliases.yaml"))
    result = invoke(records, "woman", "alias", "W-2006-N0NE1", "Someone")
    assert result.exit_code == 2 and "does not exist" in result.stderr
    woman = add_woman(records)
    run_ok(records, "woman", "alias", woman, "Someone")
    assert list(__import__("yaml").safe_load((tmp_path / "aliases.yaml").read_text())) == [woman]


def test_a_record_file_linked_to_outside_is_not_written(tmp_path):
    from helpers import init_records

    records = init_records(tmp_path / "records", {"oslo": "Oslo krisesenter"})
    other = init_records(tmp_path / "other", {"oslo": "Oslo krisesenter"})
    other_woman = add_woman(other)
    os.symlink(other / "women" / f"{other_woman}.yaml", records / "women" / f"{other_woman}.yaml")
    target_before = (other / "women" / f"{other_woman}.yaml").read_bytes()
    result = invoke(records, "woman", "status", other_woman, "reflection-period", "--from", "2006-03-01")
    no_traceback(result)
    assert result.exit_code == 2 and "outside the records folder" in result.stderr
    assert (other / "women" / f"{other_woman}.yaml").read_bytes() == target_before


# --- every file is accounted for ---------------------------------------------------------------


def a_call(call_id: str, at: str = "2006-03-01 10:00") -> str:
    return f"id: {call_id}\nat: {at}\ncaller: police\nsubject: other\n"


STRAYS = {
    "women/passport-scan.pdf": ("women/passport-scan.pdf", "not a record; move it out of the records folder"),
    "women/.W-2006-K7Q2X.yaml.swp": ("women/.W-2006-K7Q2X.yaml.swp", "not a record"),
    "stays/notes.txt": ("stays/notes.txt", "not a record"),
    "calls/notes.txt": ("calls/notes.txt", "not a record"),
    "calls/2006/.~lock.x#": ("calls/2006/.~lock.x#", "not a record"),
    "calls/C-2006-K7Q2X.yaml": ("calls/C-2006-K7Q2X.yaml", "move it to calls/2006/"),
    "calls/2006/archive/C-2006-K7Q2X.yaml": ("calls/2006/archive", "is a folder inside a record folder"),
    "calls/archive/C-2006-K7Q2X.yaml": ("calls/archive", "is not a year folder"),
    "calls/2005/C-2006-K7Q2X.yaml": ("calls/2005/C-2006-K7Q2X.yaml", "move it to calls/2006/"),
    "women/C-2006-K7Q2X.yaml": ("women/C-2006-K7Q2X.yaml", "it belongs in calls/YYYY/"),
    "stays/W-2006-K7Q2X.yaml": ("stays/W-2006-K7Q2X.yaml", "it belongs in women/"),
    "women/W-2006-K7Q2X.yml": ("women/W-2006-K7Q2X.yml", "end in .yaml"),
    "women/W-Some-Name.yaml": ("women/W-Some-Name.yaml", "file name is not a record id"),
}


@pytest.mark.parametrize("rel", list(STRAYS))
def test_a_stray_or_misplaced_file_fails_check_and_report(records, rel):
    path = records / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(a_call("C-2006-K7Q2X") if rel.endswith((".yaml", ".yml")) else "scan")
    where, message = STRAYS[rel]
    check = invoke(records, "check")
    assert check.exit_code == 1, check.output
    assert any(line.startswith(where + ":") and message in line for line in check.stdout.splitlines()), check.stdout
    report = invoke(records, "report", "--year", "2006")
    no_traceback(report)
    assert report.exit_code == 1, report.output
    assert where in report.stderr + report.stdout


def test_gitkeep_and_a_live_commands_temp_file_are_not_reported(records):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (records / "calls" / "2006").mkdir()
        (records / "calls" / "2006" / ".gitkeep").write_text("")
        (records / "women" / f".W-2006-K7Q2X.yaml.rosa-{sleeper.pid}.0a1b2c3d.tmp").write_text("id: W-2006-K7Q2X\n")
        check = invoke(records, "check")
        assert check.exit_code == 0, check.output
        assert ".tmp" not in check.output
    finally:
        sleeper.kill()
        sleeper.wait()
    # once its process is gone, the same file is a stray like any other
    check = invoke(records, "check")
    assert check.exit_code == 1 and ".tmp: not a record" in check.stdout


# --- folders stay private ------------------------------------------------------------------------


def loosen(records: Path) -> None:
    """What a plain `git clone` or `cp -r` with umask 022 gives: 0755 folders, 0644 files."""
    for path in [records, *records.rglob("*")]:
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() else 0o644)


def loose_entries(records: Path):
    return sorted(
        p.relative_to(records).as_posix() or "."
        for p in [records, *records.rglob("*")]
        if not p.is_symlink() and stat.S_IMODE(p.lstat().st_mode) & 0o077
    )


def test_loose_permissions_fail_check_and_the_next_changing_command_fixes_them(records):
    woman = add_woman(records)
    run_ok(records, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt")
    loosen(records)
    check = invoke(records, "check")
    assert check.exit_code == 1, check.output
    for where in (".", "women", "calls/2006", ".git"):
        assert any(line.startswith(where + ":") and "chmod -R go-rwx" in line for line in check.stdout.splitlines()), (where, check.stdout)
    assert any(line.startswith("women:") and "record file(s) readable" in line for line in check.stdout.splitlines())

    result = run_ok(records, "woman", "status", woman, "reflection-period", "--from", "2006-02-01")
    said = [line for line in result.stderr.splitlines() if "private" in line]
    assert len(said) == 1, result.stderr
    assert loose_entries(records) == []
    result = run_ok(records, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-02 10:00", "--no-prompt")
    assert "private" not in result.stderr  # said once, when there was something to fix
    check = invoke(records, "check")
    assert check.exit_code == 0, check.output


def test_a_loose_file_in_a_private_folder_fails_check(records):
    woman = add_woman(records)
    (records / "women" / f"{woman}.yaml").chmod(0o644)
    check = invoke(records, "check")
    assert check.exit_code == 1
    assert f"women: 1 record file(s) readable or writable by group or others (e.g. {woman}.yaml, mode 644)" in check.stdout


# --- a crash leaves the old state or the whole new record ----------------------------------------


def test_kill_9_during_call_add_never_leaves_an_empty_or_partial_record(folder):
    rng = random.Random(20061)
    argv = [str(ROSA_BIN), "--records", str(folder), "call", "add", "--caller", "police", "--subject", "other",
            "--at", "2006-03-01 10:00", "--note", "x" * 2000, "--no-prompt"]
    # how long one whole call add takes here: the kills land at random moments inside it,
    # however fast or loaded the machine is
    first = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    whole = time.monotonic() - first
    started = time.monotonic()
    kills = attempts = 0
    # at least 10 kills that landed while rosa ran, however slow the machine (the clock
    # only decides how many more, up to 25); attempts bounds a machine where every
    # call add finished before its kill
    while attempts < 200 and (kills < 10 or (kills < 25 and time.monotonic() - started < 20)):
        attempts += 1
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.02, whole))  # a random moment: start-up, validation, write or commit
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += proc.returncode == -signal.SIGKILL
        for path in (folder / "calls").rglob("C-*.yaml"):
            text = path.read_text()
            assert text.startswith(f"id: {path.stem}\n") and text.endswith("x" * 2000 + "\n"), f"{path.name}: {len(text)} bytes"
        # a killed rosa's git child finishes on its own; wait for it to let go of the index
        deadline = time.monotonic() + 5
        while (folder / ".git" / "index.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    assert kills >= 10, kills
    # the next changing command removes dead commands' temp files and commits their records
    run_ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-02 10:00", "--no-prompt")
    tmp = folder / ".rosa-cache" / "tmp"
    assert [p.name for p in tmp.iterdir()] == [] if tmp.exists() else True
    assert not [p for p in folder.rglob("*.tmp")], list(folder.rglob("*.tmp"))
    check = invoke(folder, "check")
    assert check.exit_code == 0, check.output
    report = invoke(folder, "report", "--year", "2006")
    assert report.exit_code == 0, report.output


def test_the_next_changing_command_removes_temp_files_of_dead_commands_only(folder):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tmp = folder / ".rosa-cache" / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        (tmp / f"{dead.pid}.0badc0de.tmp").write_text("id: C-2006-K7Q2X\n")
        (tmp / f"{live.pid}.0badc0de.tmp").write_text("id: C-2006-K7Q2Y\n")
        run_ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-02 10:00", "--no-prompt")
        assert sorted(p.name for p in tmp.iterdir()) == [f"{live.pid}.0badc0de.tmp"]
    finally:
        live.kill()
        live.wait()


# --- the cache never changes an answer --------------------------------------------------------------


def answers(records: Path, env=None):
    check = invoke(records, "check", env=env)
    report = invoke(records, "report", "--year", "2006", "--format", "json", env=env)
    return check.exit_code, check.stdout, report.exit_code, report.stdout


def same_as_uncached(records: Path):
    cached = answers(records)
    uncached = answers(records, env={"ROSA_NO_CACHE": "1"})
    assert cached == uncached
    return cached


@pytest.fixture
def own_sample(tmp_path):
    """A copy of the sample this test may change (without the project's .rosa-cache)."""
    import shutil

    from conftest import SAMPLE

    copy = tmp_path / "records"
    shutil.copytree(SAMPLE, copy, ignore=shutil.ignore_patterns(".rosa-cache"))
    return copy


def test_a_same_size_edit_with_the_old_mtime_is_not_served_from_the_cache(own_sample):
    sample_records = own_sample
    path = sorted((sample_records / "women").glob("W-2006-*.yaml"))[0]
    first = same_as_uncached(sample_records)  # the cache is written now
    st = path.stat()
    text = path.read_text()
    # same size, same mtime: the nationality becomes a two-letter code no country has
    line = next(l for l in text.splitlines() if l.startswith("nationality: "))
    new_text = text.replace(line, "nationality: XX", 1)
    assert len(new_text) == len(text)
    path.write_text(new_text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    second = same_as_uncached(sample_records)
    assert first[0] == 0 and second[0] == 1  # check saw the edit
    assert f"{path.name}:3: nationality 'XX'" in second[1]


def test_a_racily_clean_file_is_not_trusted_from_the_cache(records):
    """Git's racy-clean rule: a file whose mtime is not strictly older than the cache's
    own moment could change again within the same clock tick without its signature
    changing, so the cache does not keep it (it is read again next time)."""
    import datetime

    from rosa_cli.core import cache
    from rosa_cli.core.folder import RecordsFolder, load_records

    older, racy = add_woman(records), add_woman(records)
    racy_path = records / "women" / f"{racy}.yaml"
    later = time.time_ns() + 3600 * 10**9  # as if written in the cache's own clock tick or after
    os.utime(racy_path, ns=(later, later))
    load_records(RecordsFolder(records))  # writes the cache
    stored = cache.open_cache(records, datetime.date.today())
    names = stored.entry("women").name_list()
    assert f"{older}.yaml" in names and f"{racy}.yaml" not in names
    # and an edit of it that keeps size and mtime is seen
    text = racy_path.read_text()
    racy_path.write_text(text.replace("nationality: NG", "nationality: XX"))
    os.utime(racy_path, ns=(later, later))
    same_as_uncached(records)
    assert invoke(records, "check").exit_code == 1


def test_a_change_of_rosa_yaml_or_of_the_code_rebuilds_the_cache(own_sample, monkeypatch):
    from rosa_cli.core import cache

    sample_records = own_sample
    same_as_uncached(sample_records)
    settings = sample_records / "rosa.yaml"
    st = settings.stat()
    text = settings.read_text()
    # the same size and mtime, one vocabulary label changed
    new_text = text.replace("police", "polise", 1)
    assert len(new_text) == len(text) and new_text != text
    settings.write_text(new_text)
    os.utime(settings, ns=(st.st_atime_ns, st.st_mtime_ns))
    same_as_uncached(sample_records)

    # a changed validation rule in rosa's code: a different code fingerprint
    before = cache.cache_key(sample_records)
    monkeypatch.setattr(cache, "_CODE_FINGERPRINT", "a-changed-rosa")
    assert cache.cache_key(sample_records) != before
    stored = cache.open_cache(sample_records, __import__("datetime").date.today())
    assert stored.entry("women") is None and stored.entry("calls/2006") is None  # nothing cached by the other code is trusted


def test_the_code_fingerprint_covers_every_python_file_of_rosa():
    from rosa_cli.core import cache

    cache._CODE_FINGERPRINT = None
    first = cache.code_fingerprint()
    assert first == cache.code_fingerprint()
    for library in cache.VALIDATION_LIBRARIES:
        assert ".dist-info" in cache.library_version(library)  # its installed version
