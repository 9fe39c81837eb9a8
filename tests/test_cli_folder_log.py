"""Finding the records folder, folders that are not their own git repository, ``rosa log``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


from helpers import add_woman, git, git_state, init_records, invoke, no_traceback, open_stay, run_ok


# --- finding the folder --------------------------------------------------------------------


def test_no_records_folder_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in (["woman", "list"], ["check"], ["call", "add", "--caller", "police", "--subject", "other"]):
        result = invoke(None, *args)
        assert result.exit_code == 2, args
        no_traceback(result)
        assert "rosa init" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_records_option_pointing_nowhere(tmp_path):
    result = invoke(tmp_path / "missing", "woman", "list")
    assert result.exit_code == 2
    no_traceback(result)
    assert "rosa init" in result.stderr
    assert str(tmp_path / "missing") in result.stderr


def test_records_found_from_environment_variable(records, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROSA_RECORDS", str(records))
    result = invoke(None, "shelter", "list")
    assert result.exit_code == 0, result.stderr
    assert "oslo" in result.stdout


def test_records_found_by_walking_up(records, monkeypatch):
    monkeypatch.chdir(records / "women")
    result = invoke(None, "shelter", "list")
    assert result.exit_code == 0, result.stderr
    assert "bergen" in result.stdout


def test_records_option_wins_over_environment(records, tmp_path, monkeypatch):
    other = init_records(tmp_path / "other", {"tromso": "Tromsø krisesenter"})
    monkeypatch.setenv("ROSA_RECORDS", str(other))
    result = invoke(records, "shelter", "list")
    assert "oslo" in result.stdout and "tromso" not in result.stdout


def test_sample_is_never_used_on_its_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(None, "woman", "list")
    assert result.exit_code == 2
    assert "W-" not in result.stdout


# --- folders that are not a git repository of their own ------------------------------------


def _plain_copy(records: Path, target: Path) -> Path:
    shutil.copytree(records, target, ignore=shutil.ignore_patterns(".git"))
    return target


def test_folder_inside_another_repository_writes_and_warns(records, tmp_path):
    outer = tmp_path / "project"
    outer.mkdir()
    git(outer, "init", "--quiet")
    (outer / "README").write_text("project\n")
    git(outer, "add", "README")
    git(outer, "commit", "--quiet", "-m", "first")
    folder = _plain_copy(records, outer / "records")
    log_before = git(outer, "log", "--format=%s").splitlines()

    result = invoke(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10")
    assert result.exit_code == 0, result.stderr
    woman_id = result.stdout.strip()
    assert result.stdout == woman_id + "\n"
    assert (folder / "women" / f"{woman_id}.yaml").is_file()
    assert "not committed" in result.stderr
    assert git(outer, "log", "--format=%s").splitlines() == log_before
    assert not (folder / ".git").exists()

    result = invoke(folder, "stay", "open", woman_id, "--shelter", "oslo", "--on", "2006-02-01")
    assert result.exit_code == 0, result.stderr
    assert "not committed" in result.stderr
    assert git(outer, "log", "--format=%s").splitlines() == log_before


def test_plain_folder_writes_and_warns(records, tmp_path):
    folder = _plain_copy(records, tmp_path / "plain")
    result = invoke(folder, "call", "add", "--at", "2006-03-01 10:00", "--caller", "police", "--subject", "other")
    assert result.exit_code == 0, result.stderr
    call_id = result.stdout.strip()
    assert (folder / "calls" / "2006" / f"{call_id}.yaml").is_file()
    assert "not committed" in result.stderr
    assert not (folder / ".git").exists()
    check = invoke(folder, "check")
    assert check.exit_code == 0, check.stdout
    no_traceback(check)


def test_log_in_plain_folder_is_a_clean_error(records, tmp_path):
    folder = _plain_copy(records, tmp_path / "plain")
    result = invoke(folder, "log")
    assert result.exit_code != 0
    no_traceback(result)
    assert "git" in result.stderr


def test_git_without_identity_writes_and_says_so(records, monkeypatch):
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)
    # make sure git cannot guess one from the machine either
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(records.parent / "empty-gitconfig"))
    (records.parent / "empty-gitconfig").write_text("[user]\n\tuseConfigOnly = true\n")
    log_before, _ = git_state(records)
    result = invoke(records, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10")
    no_traceback(result)
    woman_id = result.stdout.strip()
    assert woman_id and (records / "women" / f"{woman_id}.yaml").is_file()
    assert "git" in result.stderr and "commit" in result.stderr
    assert git_state(records)[0] == log_before
    check = invoke(records, "check")
    assert f"women/{woman_id}.yaml" in check.stdout and "uncommitted" in check.stdout


# --- log -----------------------------------------------------------------------------------


def test_log_shows_whole_history_newest_first(records):
    woman_id = add_woman(records)
    result = run_ok(records, "log")
    lines = result.stdout.splitlines()
    text = result.stdout
    assert text.index(f"woman add {woman_id}") < text.index("shelter add bergen") < text.index("shelter add oslo") < text.index("init")
    assert "Test Coordinator" in text


def test_log_of_a_woman_includes_commits_naming_her(records):
    woman_id = add_woman(records)
    other = add_woman(records, nationality="AL")
    stay_id = open_stay(records, woman_id)
    run_ok(records, "woman", "status", woman_id, "asylum-seeker", "--from", "2006-02-10")
    result = run_ok(records, "log", woman_id)
    assert f"woman add {woman_id}" in result.stdout
    assert f"stay open {stay_id}" in result.stdout
    assert f"woman status {woman_id}" in result.stdout
    assert other not in result.stdout
    assert "shelter add" not in result.stdout


def test_log_of_a_stay_and_a_shelter(records):
    woman_id = add_woman(records)
    stay_id = open_stay(records, woman_id)
    run_ok(records, "stay", "move", woman_id, "--to", "bergen", "--on", "2006-03-01")
    result = run_ok(records, "log", stay_id)
    assert f"stay open {stay_id}" in result.stdout
    assert "stay move" in result.stdout
    shelter = run_ok(records, "log", "oslo")
    assert "shelter add oslo" in shelter.stdout
    assert "shelter add bergen" not in shelter.stdout


def test_log_of_unknown_id(records):
    result = invoke(records, "log", "W-2006-N00NE")
    assert result.exit_code == 2
    no_traceback(result)
    assert "W-2006-N00NE" in result.stderr
    result = invoke(records, "log", "not an id")
    assert result.exit_code == 2
    no_traceback(result)


# --- one commit per changing command, across a whole working day ---------------------------


def test_every_changing_command_makes_exactly_one_commit(records, tmp_path):
    steps = [
        (["shelter", "add", "tromso", "--name", "Tromsø krisesenter"], "shelter add"),
        (["woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10", "--residence", "irregular"], "woman add"),
        (["woman", "add", "--nationality", "AL", "--first-contact", "2006-01-11"], "woman add"),
    ]
    ids = []
    for args, prefix in steps:
        before = len(git_state(records)[0])
        result = run_ok(records, *args)
        ids.append(result.stdout.strip())
        log, status = git_state(records)
        assert len(log) == before + 1 and log[0].startswith(prefix) and status == ""
    w1, w2 = ids[1], ids[2]
    more = [
        (["stay", "open", w1, "--shelter", "oslo", "--on", "2006-01-12"], "stay open", [w1]),
        (["stay", "move", w1, "--to", "tromso", "--on", "2006-02-01"], "stay move", [w1]),
        (["woman", "status", w1, "reflection-period", "--from", "2006-02-05"], "woman status", [w1]),
        (["stay", "close", w1, "--on", "2006-03-01", "--reason", "asylum-reception"], "stay close", []),
        (["woman", "decline", w2, "--reason", "not-ready", "--on", "2006-01-12"], "woman decline", [w2]),
        (["call", "add", "--at", "2006-01-11 22:15", "--caller", "shelter", "--subject", "trafficking-first", "--nationality", "AL", "--woman", w2], "call add", []),
    ]
    for args, prefix, named in more:
        before = len(git_state(records)[0])
        result = run_ok(records, *args)
        log, status = git_state(records)
        assert len(log) == before + 1, (args, log)
        assert log[0].startswith(prefix), log[0]
        for record_id in named:
            assert record_id in log[0]
        assert status == ""
        if result.stdout.strip():
            assert result.stdout.strip() in log[0]
    messages = subprocess.run(["git", "log", "--format=%B"], cwd=records, capture_output=True, text=True).stdout
    # ids are random and may hold "NG" or "AL" themselves: look for values outside them
    without_ids = re.sub(r"\b[WSCTA]-\d{4}-[0-9A-Z]+\b", "ID", messages)
    for value in ("NG", "AL", "irregular", "reflection-period", "asylum-reception", "not-ready", "trafficking-first"):
        assert value not in without_ids, value
    assert invoke(records, "check").exit_code == 0


def test_log_of_a_woman_shows_her_stay_being_closed(records):
    """'Who changed this?' for her case includes the day she left the shelter."""
    woman_id = add_woman(records)
    stay_id = open_stay(records, woman_id)
    run_ok(records, "stay", "close", woman_id, "--on", "2006-03-01", "--reason", "left")
    result = run_ok(records, "log", woman_id)
    assert f"stay close {stay_id}" in result.stdout, result.stdout


def test_sample_check_with_relative_records_path(sample_records, monkeypatch):
    monkeypatch.chdir(sample_records.parent)
    result = invoke(Path("records"), "check")  # rosa --records records check
    assert result.exit_code == 0, result.stdout[-2000:]
