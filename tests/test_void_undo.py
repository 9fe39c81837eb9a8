"""``rosa void`` and ``rosa undo``: taking back a mistake with a new commit, never silently.

Real records folders (``rosa init``), real git, real clones for "already synced", the
real CLI (CliRunner, and a subprocess on a pseudo-terminal for the confirmation).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import (
    ROSA_BIN,
    add_woman,
    commit_all,
    fodselsnummer_like,
    git,
    git_messages,
    invoke,
    no_traceback,
    open_stay,
    run_ok,
    snapshot,
)


def add_call(records: Path, woman: str | None = None, at: str = "2006-03-01 10:00") -> str:
    extra = ["--woman", woman] if woman else []
    return run_ok(records, "call", "add", "--at", at, "--caller", "police", "--subject", "other", "--no-prompt", *extra).stdout.strip()


def subjects(folder: Path):
    return git(folder, "log", "--format=%s").splitlines()


def files_of_head(folder: Path):
    return sorted(git(folder, "show", "--name-only", "--format=", "HEAD").split())


def refused(result, *words):
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    no_traceback(result)
    for word in words:
        assert word in result.stderr, result.stderr
    return result


# --- void -------------------------------------------------------------------------------------


def test_void_call_removes_it_in_its_own_commit_with_the_reason_in_the_body(records):
    woman = add_woman(records)
    call = add_call(records, woman)
    other = add_call(records, at="2006-03-02 11:00")
    path = records / "calls" / "2006" / f"{call}.yaml"
    result = run_ok(records, "void", call, "--reason", "entered twice", "--yes")
    assert result.stdout == ""  # no id made
    assert result.stderr.startswith(f"voided call {call}")
    assert not path.exists()
    assert (records / "calls" / "2006" / f"{other}.yaml").exists()
    assert subjects(records)[0] == f"void {call} (woman {woman})"
    assert git_messages(records)[0] == f"void {call} (woman {woman})\n\nReason: entered twice"
    assert files_of_head(records) == [f"calls/2006/{call}.yaml"]
    assert git(records, "status", "--porcelain") == ""
    assert run_ok(records, "check").exit_code == 0


def test_void_accepts_the_id_in_any_letter_case(records):
    call = add_call(records)
    run_ok(records, "void", call.lower(), "--reason", "a test entry", "--yes")
    assert subjects(records)[0] == f"void {call}"


def test_void_woman_named_by_stays_and_calls_is_refused_listing_them(records):
    woman = add_woman(records)
    stay = open_stay(records, woman)
    call = add_call(records, woman)
    before = snapshot(records)
    result = refused(invoke(records, "void", woman, "--reason", "entered twice", "--yes"), stay, call, woman)
    assert "Nothing was written" in result.stderr
    assert snapshot(records) == before


def test_void_woman_without_records_about_her(records):
    woman = add_woman(records)
    keep = add_woman(records, nationality="AL")
    run_ok(records, "void", woman, "--reason", "entered twice", "--yes")
    assert not (records / "women" / f"{woman}.yaml").exists()
    assert (records / "women" / f"{keep}.yaml").exists()
    assert subjects(records)[0] == f"void {woman}"
    log = run_ok(records, "log", woman).stdout
    assert f"void {woman}" in log and "reason: entered twice" in log
    assert f"woman add {woman}" in log


def test_void_reason_with_identifying_details_is_refused_and_never_committed(records):
    call = add_call(records)
    number = fodselsnummer_like("150385")
    phone = "+47 " + "9" + "12 34 567"
    for reason in (f"duplicate of {number}", f"she called from {phone}", "x" * 5000):
        before = snapshot(records)
        result = refused(invoke(records, "void", call, "--reason", reason, "--yes"), "--reason")
        assert number not in result.stderr
        assert snapshot(records) == before
    assert number not in git(records, "log", "--all", "--format=%B")


def test_void_without_reason_or_with_a_bad_id_is_refused(records):
    call = add_call(records)
    before = snapshot(records)
    refused(invoke(records, "void", call, "--yes"), "--reason")
    refused(invoke(records, "void", "C-2006-ZZZZZ", "--reason", "typo", "--yes"), "does not exist")
    refused(invoke(records, "void", "../rosa", "--reason", "typo", "--yes"), "ID")
    refused(invoke(records, "void", "oslo", "--reason", "typo", "--yes"), "ID")
    assert snapshot(records) == before


def test_void_without_a_terminal_needs_yes(records):
    call = add_call(records)
    before = snapshot(records)
    refused(invoke(records, "void", call, "--reason", "entered twice"), "--yes")
    assert snapshot(records) == before


def _on_terminal(records: Path, args, answer: str):
    """Run the real ``rosa`` with a pseudo-terminal as stdin and type ``answer``."""
    import pty

    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [str(ROSA_BIN), "--records", str(records), *args],
            stdin=secondary, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ),
        )
        os.close(secondary)
        os.write(main, answer.encode() + b"\n")
        out, err = process.communicate(timeout=30)
    finally:
        os.close(main)
    return process.returncode, out.decode(), err.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_void_on_a_terminal_asks_first(records):
    call = add_call(records)
    before = snapshot(records)
    code, out, err = _on_terminal(records, ["void", call, "--reason", "entered twice"], "n")
    assert code == 2, err
    assert f"Void {call}?" in err and "nothing was written" in err
    assert snapshot(records) == before
    code, out, err = _on_terminal(records, ["void", call, "--reason", "entered twice"], "y")
    assert code == 0, err
    assert subjects(records)[0] == f"void {call}"


def test_void_open_stay_says_what_changed_in_her_history(records):
    woman = add_woman(records)
    first = open_stay(records, woman, "oslo", "2006-02-01")
    run_ok(records, "stay", "move", woman, "--to", "bergen", "--on", "2006-03-01")
    second = [p.stem for p in (records / "stays").glob("S-*.yaml") if p.stem != first][0]
    result = run_ok(records, "void", second, "--reason", "wrong shelter", "--yes")
    assert f"{woman} is no longer recorded as staying at bergen" in result.stderr
    assert f"{first} still ends as moved on 2006-03-01" in result.stderr
    assert subjects(records)[0] == f"void {second} (woman {woman})"
    assert run_ok(records, "check").exit_code == 0
    result = run_ok(records, "void", first, "--reason", "wrong woman", "--yes")
    assert "has no stay left" in result.stderr
    run_ok(records, "void", woman, "--reason", "a test entry", "--yes")
    assert list((records / "stays").glob("S-*.yaml")) == []


def test_void_of_a_record_never_committed_removes_it_without_a_commit(records):
    call = add_call(records)
    git(records, "rm", "--cached", "--quiet", f"calls/2006/{call}.yaml")
    git(records, "commit", "--quiet", "-m", "hand edit")
    count = len(subjects(records))
    result = run_ok(records, "void", call, "--reason", "a test entry", "--yes")
    assert "never committed" in result.stderr
    assert not (records / "calls" / "2006" / f"{call}.yaml").exists()
    assert len(subjects(records)) == count


# --- rosa log ------------------------------------------------------------------------------


def test_log_of_a_woman_shows_calls_about_her_and_their_void(records):
    woman = add_woman(records)
    other = add_woman(records, nationality="AL")
    kept = add_call(records, woman)
    voided = add_call(records, woman, at="2006-03-02 10:00")
    elsewhere = add_call(records, other, at="2006-03-03 10:00")
    anonymous = add_call(records, at="2006-03-04 10:00")
    stay = open_stay(records, woman)
    run_ok(records, "void", voided, "--reason", "entered twice", "--yes")
    log = run_ok(records, "log", woman).stdout
    for line in (f"call add {kept}", f"call add {voided}", f"void {voided} (woman {woman})", f"stay open {stay}", f"woman add {woman}"):
        assert line in log, log
    assert "reason: entered twice" in log
    assert elsewhere not in log and anonymous not in log and other not in log
    call_log = run_ok(records, "log", voided).stdout
    assert f"void {voided}" in call_log and f"call add {voided}" in call_log


# --- undo ----------------------------------------------------------------------------------


def test_undo_takes_back_rosas_newest_commit_and_undo_of_undo_puts_it_back(records):
    call = add_call(records)
    path = records / "calls" / "2006" / f"{call}.yaml"
    text = path.read_bytes()
    result = run_ok(records, "undo")
    assert result.stdout == ""
    assert f"undid 'call add {call}'" in result.stderr
    assert not path.exists()
    assert subjects(records)[0] == f"undo call add {call}"
    assert files_of_head(records) == [f"calls/2006/{call}.yaml"]
    result = run_ok(records, "undo")
    assert f"undid 'undo call add {call}'" in result.stderr
    assert path.read_bytes() == text
    assert subjects(records)[0] == f"undo undo call add {call}"
    assert git(records, "status", "--porcelain") == ""


def test_undo_of_a_move_puts_both_stays_back(records):
    woman = add_woman(records)
    first = open_stay(records, woman, "oslo", "2006-02-01")
    before = (records / "stays" / f"{first}.yaml").read_bytes()
    second = run_ok(records, "stay", "move", woman, "--to", "bergen", "--on", "2006-03-01").stdout.strip()
    run_ok(records, "undo")
    assert (records / "stays" / f"{first}.yaml").read_bytes() == before
    assert not (records / "stays" / f"{second}.yaml").exists()
    assert run_ok(records, "check").exit_code == 0
    listed = run_ok(records, "stay", "list", "--open").stdout
    assert first in listed and second not in listed


def test_undo_of_a_void_brings_the_record_back(records):
    woman = add_woman(records)
    call = add_call(records, woman)
    path = records / "calls" / "2006" / f"{call}.yaml"
    text = path.read_bytes()
    run_ok(records, "void", call, "--reason", "entered twice", "--yes")
    run_ok(records, "undo")
    assert path.read_bytes() == text
    assert subjects(records)[0] == f"undo void {call} (woman {woman})"
    assert f"undo void {call}" in run_ok(records, "log", woman).stdout


def test_undo_refuses_what_rosa_did_not_make(records, tmp_path):
    # a commit made with git by hand
    woman = add_woman(records)
    path = records / "women" / f"{woman}.yaml"
    path.write_text(path.read_text() + "note: corrected by hand\n")
    commit_all(records, "fix note")
    before = snapshot(records)
    refused(invoke(records, "undo"), "not made by a rosa command")
    # rosa's own commit of hand edits
    path.write_text(path.read_text().replace("corrected by hand", "corrected again"))
    add_call(records)
    run_ok(records, "undo")  # the call
    run_ok(records, "undo")  # its undo: the call is back
    git(records, "reset", "--quiet", "--hard", "HEAD~3")
    assert subjects(records)[0].startswith("hand edit:")
    refused(invoke(records, "undo"), "hand edits")
    # a merge (as rosa sync makes) and a scrub
    git(records, "checkout", "--quiet", "-b", "other", "HEAD~1")
    add_call(records, at="2006-05-01 10:00")
    git(records, "checkout", "--quiet", "-")
    git(records, "merge", "--quiet", "--no-ff", "-m", "sync: merge from origin/main", "other")
    refused(invoke(records, "undo"), "merge")
    (records / "history-rewrites.yaml").write_text("[]\n")
    git(records, "add", "history-rewrites.yaml")
    git(records, "commit", "--quiet", "-m", "scrub (history rewritten)")
    refused(invoke(records, "undo"), "rosa scrub")
    # a fresh folder: only init
    fresh = tmp_path / "fresh"
    run_ok(None, "init", str(fresh))
    refused(invoke(fresh, "undo"), "first commit")
    assert before != snapshot(records)  # (the steps above changed it on purpose)


def test_undo_refuses_a_commit_that_touches_other_files(records):
    add_call(records)
    (records / "scan.txt").write_text("not a record\n")
    git(records, "add", "scan.txt")
    git(records, "commit", "--quiet", "--amend", "--no-edit")
    before = snapshot(records)
    refused(invoke(records, "undo"), "scan.txt")
    assert snapshot(records) == before


def test_undo_refuses_what_was_already_synced(records, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    git(records, "remote", "add", "origin", str(remote))
    call = add_call(records)
    run_ok(records, "sync")
    clone = tmp_path / "office-b"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True)
    for office in (records, clone):
        before = snapshot(office)
        result = refused(invoke(office, "undo"), "already synced", "origin/")
        assert call in result.stderr
        assert snapshot(office) == before
    # a change made after the sync is still only here: it can be undone
    newer = add_call(clone, at="2006-04-01 10:00")
    run_ok(clone, "undo")
    assert subjects(clone)[0] == f"undo call add {newer}"


def test_undo_refuses_when_the_files_have_uncommitted_changes(records):
    woman = add_woman(records)
    path = records / "women" / f"{woman}.yaml"
    path.write_text(path.read_text() + "note: typed by hand\n")
    before = snapshot(records)
    refused(invoke(records, "undo"), f"women/{woman}.yaml", "not committed")
    assert snapshot(records) == before


def test_undo_refuses_to_bring_back_an_invalid_record(records):
    call = add_call(records)
    path = records / "calls" / "2006" / f"{call}.yaml"
    path.write_text(path.read_text().replace("subject: other\n", ""))  # a required field gone
    commit_all(records, "hand edit")
    assert invoke(records, "check").exit_code == 1
    run_ok(records, "void", call, "--reason", "broken entry", "--yes")
    before = snapshot(records)
    refused(invoke(records, "undo"), "invalid", f"{call}.yaml")
    assert snapshot(records) == before


def test_undo_runs_the_organisations_hooks(records, tmp_path):
    call = add_call(records)
    ran = tmp_path / "hook-ran"
    hook = records / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\necho ran >> '{ran}'\nexit 0\n")
    hook.chmod(0o700)
    run_ok(records, "undo")
    assert ran.read_text() == "ran\n"
    hook.write_text("#!/bin/sh\necho 'policy says no' >&2\nexit 1\n")
    before = snapshot(records)
    result = invoke(records, "undo")
    assert result.exit_code == 1
    no_traceback(result)
    assert "pre-commit hook refused" in result.stderr and "nothing was undone" in result.stderr
    assert snapshot(records) == before  # the files are put back: no half-made undo
    assert subjects(records)[0] == f"undo call add {call}"


def test_undo_refuses_to_leave_a_record_pointing_at_nobody(records):
    """The undo is checked against the folder as it is, hand edits not yet committed
    included: taking back `woman add` while a stay typed by hand names her is refused."""
    woman = add_woman(records)
    stay = open_stay(records, woman)
    run_ok(records, "void", stay, "--reason", "a test entry", "--yes")
    run_ok(records, "undo")  # the stay is back, not by hand
    git(records, "reset", "--quiet", "--hard", "HEAD~2")  # newest: stay open
    git(records, "reset", "--quiet", "HEAD~1")  # newest: woman add; the stay file is left uncommitted
    assert subjects(records)[0] == f"woman add {woman}"
    before = snapshot(records)
    refused(invoke(records, "undo"), "invalid", f"woman {woman} does not exist")
    assert snapshot(records) == before


def test_undo_of_shelter_add(records):
    before = (records / "shelters.yaml").read_bytes()
    run_ok(records, "shelter", "add", "tromso", "--name", "Tromso krisesenter")
    result = run_ok(records, "undo")
    assert "undid 'shelter add tromso'" in result.stderr
    assert (records / "shelters.yaml").read_bytes() == before
    assert "tromso" not in run_ok(records, "shelter", "list").stdout


def test_void_and_undo_on_the_sample_records(sample_records, tmp_path):
    """The fictional sample as an office would hold it (a repository of its own), and as
    it ships (inside the project's repository: written, not committed, undo refused)."""
    import shutil

    import yaml

    own = tmp_path / "own"
    shutil.copytree(sample_records, own, ignore=shutil.ignore_patterns(".rosa-cache"))
    git(own, "init", "--quiet")
    commit_all(own, "sample")
    run_ok(own, "shelter", "add", "test-shelter", "--name", "Test krisesenter")  # a rosa commit to start from
    call_path = sorted(p for p in (own / "calls").rglob("C-*.yaml") if "woman" in yaml.safe_load(p.read_text()))[0]
    woman = yaml.safe_load(call_path.read_text())["woman"]
    refused(invoke(own, "void", woman, "--reason", "a test entry", "--yes"), call_path.stem)
    run_ok(own, "void", call_path.stem, "--reason", "entered twice", "--yes")
    assert not call_path.exists()
    assert f"void {call_path.stem} (woman {woman})" in run_ok(own, "log", woman).stdout
    run_ok(own, "undo")
    assert call_path.exists()
    assert git(own, "status", "--porcelain") == ""

    shipped = tmp_path / "shipped" / "records"
    shutil.copytree(sample_records.parent, shipped.parent, ignore=shutil.ignore_patterns(".rosa-cache"))
    refused(invoke(shipped, "undo"), "not a git repository of its own")
    victim = sorted((shipped / "calls").rglob("C-*.yaml"))[0]
    result = run_ok(shipped, "void", victim.stem, "--reason", "a test entry", "--yes")
    assert "not committed" in result.stderr and not victim.exists()


def test_only_rosa_command_subjects_count_as_rosas(records):
    """Every commit rosa's commands made in this test is recognised; hand-made subjects
    that merely look alike are not (and a hand commit with one is refused by undo)."""
    from rosa_cli.core.withdraw import is_rosa_subject

    woman = add_woman(records)
    stay = open_stay(records, woman)
    run_ok(records, "woman", "status", woman, "asylum-seeker", "--from", "2006-03-01")
    run_ok(records, "stay", "move", woman, "--to", "bergen", "--on", "2006-04-01")
    run_ok(records, "stay", "close", woman, "--on", "2006-05-01", "--reason", "own-housing")
    call = add_call(records, woman)
    run_ok(records, "void", call, "--reason", "entered twice", "--yes")
    run_ok(records, "undo")
    made = [s for s in subjects(records) if s != "init"]
    assert len(made) == 10 and stay in " ".join(made)
    assert all(is_rosa_subject(s) for s in made), made
    for hand in ("woman fixed by hand", "shelter fixed by hand", "undo my typo", "fix note", "void it", "hand edit: " + woman):
        assert not is_rosa_subject(hand), hand
    path = records / "women" / f"{woman}.yaml"
    path.write_text(path.read_text() + "note: by hand\n")
    commit_all(records, "undo my typo")
    refused(invoke(records, "undo"), "not made by a rosa command")


def test_void_checks_again_under_the_lock(records):
    """A call about her written while ``rosa void`` waited for the writer lock (after its
    first check passed) makes the void refuse: she is not removed from under the call."""
    import time

    from rosa_cli.core.folder import RecordsFolder

    woman = add_woman(records)
    other = add_woman(records, nationality="AL")
    call = add_call(records, other)
    path = records / "calls" / "2006" / f"{call}.yaml"
    with RecordsFolder(records).write_lock():
        void = subprocess.Popen(
            [str(ROSA_BIN), "--records", str(records), "void", woman, "--reason", "a test entry", "--yes"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ),
        )
        time.sleep(2.0)  # it has checked once and now waits for the lock
        path.write_text(path.read_text().replace(other, woman))
        commit_all(records, "call about her")
    _, err = void.communicate(timeout=60)
    assert void.returncode == 2, err
    assert call in err.decode()
    assert (records / "women" / f"{woman}.yaml").exists()
    assert subjects(records)[0] == "call about her"
