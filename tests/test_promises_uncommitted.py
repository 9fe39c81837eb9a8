"""Promise: uncommitted work is never lost.

When git cannot commit after a write (no identity, a lock held by another program),
the record is written anyway, the command says on stderr that it was not committed and
still exits 0 (the record is safe on disk; its id is printed on stdout as usual).
``rosa check`` lists the uncommitted file, and the next changing command commits it
first, in a commit of its own named ``hand edit: <ids>``, then makes its own commit
holding only its own files — and says so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import GIT_IDENTITY, git
from helpers import invoke as rosa
from helpers import run_ok as ok
from rosa_cli.core import gitrepo


@pytest.fixture
def no_identity(monkeypatch, tmp_path):
    """Take git's identity away so that `git commit` fails on any machine.

    No identity variables, an empty HOME, and a global config that forbids guessing one
    from the user name and host name (user.useConfigOnly).
    """

    def take_away():
        for name in (*GIT_IDENTITY, "EMAIL"):
            monkeypatch.delenv(name, raising=False)
        empty_home = tmp_path / "empty-home"
        empty_home.mkdir(exist_ok=True)
        config = tmp_path / "no-identity.gitconfig"
        config.write_text("[user]\n\tuseConfigOnly = true\n")
        monkeypatch.setenv("HOME", str(empty_home))
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))

    def give_back():
        for name, value in GIT_IDENTITY.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)

    return take_away, give_back


def call_path(folder: Path, call_id: str) -> str:
    return next((folder / "calls").rglob(f"{call_id}.yaml")).relative_to(folder).as_posix()


def test_commit_failure_keeps_record_says_so_and_exits_0(folder, no_identity):
    take_away, _ = no_identity
    head = git(folder, "rev-parse", "HEAD")
    take_away()
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--note", "first call", "--no-prompt")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output  # written (not lost); exit 0, the warning says it is not committed
    call_id = result.stdout.strip()
    assert call_id.startswith("C-")
    assert "not committed" in result.stderr
    assert "git config" in result.stderr  # says how to fix the identity
    assert "Traceback" not in result.output
    path = folder / call_path(folder, call_id)
    assert "first call" in path.read_text()
    assert git(folder, "rev-parse", "HEAD") == head


def test_check_lists_uncommitted_record_files(folder, no_identity):
    take_away, give_back = no_identity
    take_away()
    call_id = ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt").stdout.strip()
    give_back()
    check = rosa(folder, "check")
    assert check.exit_code == 0, check.output  # a warning, not an error
    rel = call_path(folder, call_id)
    lines = [line for line in check.stdout.splitlines() if line.startswith(rel)]
    assert lines and "uncommitted" in lines[0], check.stdout


def test_next_changing_command_commits_earlier_uncommitted_files_first_in_own_commit(folder, no_identity):
    take_away, give_back = no_identity
    take_away()
    first = ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt").stdout.strip()
    second = ok(folder, "call", "add", "--caller", "ngo", "--subject", "other", "--no-prompt").stdout.strip()
    give_back()
    head = git(folder, "rev-parse", "HEAD").strip()
    woman = ok(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10")
    woman_id = woman.stdout.strip()
    earlier = sorted([call_path(folder, first), call_path(folder, second)])
    assert "first committed 2 earlier uncommitted" in woman.stderr
    for rel in earlier:
        assert rel in woman.stderr
    assert git(folder, "status", "--porcelain", "--untracked-files=all") == ""
    # her commit holds her file alone and names only her
    touched = sorted(git(folder, "show", "--name-only", "--format=", "HEAD").split())
    assert touched == [f"women/{woman_id}.yaml"]
    assert git(folder, "log", "-1", "--format=%B", "HEAD").strip() == f"woman add {woman_id}"
    # the earlier files went in the commit just before, named by id only
    assert git(folder, "rev-parse", "HEAD~2").strip() == head
    touched = sorted(git(folder, "show", "--name-only", "--format=", "HEAD~1").split())
    assert touched == earlier
    assert git(folder, "log", "-1", "--format=%B", "HEAD~1").strip() == f"hand edit: {', '.join(sorted([first, second]))}"
    assert "uncommitted" not in rosa(folder, "check").stdout


def test_hand_edit_is_listed_by_check_and_committed_by_next_command(folder):
    call_id = ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt").stdout.strip()
    rel = call_path(folder, call_id)
    path = folder / rel
    path.write_text(path.read_text() + "received_by: AB\n")
    assert any(l.startswith(rel) and "uncommitted" in l for l in rosa(folder, "check").stdout.splitlines())
    result = ok(folder, "call", "add", "--caller", "ngo", "--subject", "other", "--no-prompt")
    new_id = result.stdout.strip()
    assert rel in result.stderr and "first committed" in result.stderr
    assert git(folder, "status", "--porcelain", "--untracked-files=all") == ""
    assert "received_by: AB" in git(folder, "show", f"HEAD~1:{rel}")
    assert git(folder, "log", "-1", "--format=%s", "HEAD~1").strip() == f"hand edit: {call_id}"
    assert git(folder, "show", "--name-only", "--format=", "HEAD").split() == [call_path(folder, new_id)]


def test_stuck_index_lock_record_written_lock_kept_next_command_commits(folder, monkeypatch):
    """git's index.lock held for longer than rosa waits: the record is written, rosa says it
    was not committed and leaves the lock alone; once the lock is gone, the next command
    commits the record."""
    monkeypatch.setattr(gitrepo, "LOCK_RETRY_SECONDS", 0.5)  # rosa's patience, not git
    lock = folder / ".git" / "index.lock"
    lock.write_text("another program\n")
    head = git(folder, "rev-parse", "HEAD")
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    assert result.exit_code == 0, result.output
    call_id = result.stdout.strip()
    assert "not committed" in result.stderr and "index.lock" in result.stderr
    assert lock.read_text() == "another program\n"  # never deleted git's lock
    assert (folder / call_path(folder, call_id)).is_file()
    assert git(folder, "rev-parse", "HEAD") == head
    lock.unlink()  # the other program finished
    result = ok(folder, "call", "add", "--caller", "ngo", "--subject", "other", "--no-prompt")
    assert call_path(folder, call_id) in result.stderr
    assert git(folder, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(folder, "log", "-1", "--format=%s", "HEAD~1").strip() == f"hand edit: {call_id}"
