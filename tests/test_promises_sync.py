"""Promise: two offices share a records folder through a git remote and lose nothing.

A bare remote and two ``git clone`` s: records added offline on both sides all arrive
after ``rosa sync`` on each; no remote or uncommitted changes are refused plainly; a
real conflict (the same record edited on both sides) stops with git's state left for
the user, a message naming the file and how to finish, and ``rosa check`` points at the
conflict markers with path:line.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from helpers import git, no_traceback
from helpers import invoke as rosa
from helpers import run_ok as ok


@pytest.fixture(autouse=True)
def git_editor(monkeypatch):
    """``git rebase --continue`` and the like never wait for an editor."""
    monkeypatch.setenv("GIT_EDITOR", "true")


@pytest.fixture
def shared(folder, tmp_path):
    """A bare remote holding the folder (with one woman), and two clones of it: (a, b, woman)."""
    woman = ok(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    git(folder, "remote", "add", "origin", str(remote))
    ok(folder, "sync")  # first push: no branch on the remote yet
    a, b = tmp_path / "office-a", tmp_path / "office-b"
    for clone in (a, b):
        subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True)
    return a, b, woman


def record_ids(folder: Path):
    return sorted(p.stem for p in folder.rglob("*.yaml") if p.stem[:2] in ("W-", "S-", "C-") and ".git" not in p.parts)


def test_sync_two_offline_clones_both_end_with_all_records(shared):
    a, b, woman = shared
    added = [
        ok(a, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt").stdout.strip(),
        ok(a, "woman", "add", "--nationality", "AL", "--first-contact", "2006-03-01").stdout.strip(),
        ok(b, "call", "add", "--caller", "ngo", "--subject", "project-info", "--at", "2006-03-02 11:00", "--no-prompt").stdout.strip(),
        ok(b, "stay", "open", woman, "--shelter", "oslo", "--on", "2006-03-02").stdout.strip(),
    ]
    for office in (a, b, a):
        result = ok(office, "sync")
        assert "Synced" in result.stderr
    expected = sorted([woman, *added])
    assert record_ids(a) == expected
    assert record_ids(b) == expected
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD")
    for office in (a, b):
        assert git(office, "status", "--porcelain", "--untracked-files=all") == ""
        ok(office, "check")


def test_sync_without_remote_is_a_clear_error(folder):
    result = rosa(folder, "sync")
    no_traceback(result)
    assert result.exit_code == 1
    assert "remote" in result.stderr
    assert "git -C" in result.stderr and "remote add" in result.stderr  # says how to add one


def test_sync_refuses_uncommitted_changes(shared):
    a, _b, woman = shared
    remote_head = git(a, "rev-parse", "origin/HEAD")
    path = a / "women" / f"{woman}.yaml"
    path.write_text(path.read_text() + "note: hand edit\n")
    result = rosa(a, "sync")
    no_traceback(result)
    assert result.exit_code == 1
    assert f"women/{woman}.yaml" in result.stderr
    assert "uncommitted" in result.stderr
    assert "note: hand edit" in path.read_text()  # the edit is kept
    git(a, "fetch", "--quiet")
    assert git(a, "rev-parse", "origin/HEAD") == remote_head  # nothing pushed


def test_sync_conflict_stops_names_record_and_leaves_git_state(shared):
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    for office, words in ((a, "seen by office A"), (b, "seen by office B")):
        path = office / rel
        path.write_text(path.read_text() + f"note: {words}\n")
        git(office, "commit", "--quiet", "-am", "hand edit of the note")
    ok(a, "sync")
    result = rosa(b, "sync")
    no_traceback(result)
    assert result.exit_code == 1
    message = result.stderr
    assert rel in message
    assert "rebase --continue" in message and "rebase --abort" in message
    assert "<<<<<<<" in message  # says which markers to remove
    # git's state is left for the user: a rebase in progress, the file in conflict
    git_dir = Path(git(b, "rev-parse", "--absolute-git-dir").strip())
    assert (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists()
    assert rel in git(b, "diff", "--name-only", "--diff-filter=U")
    text = (b / rel).read_text()
    assert "seen by office A" in text and "seen by office B" in text  # nothing lost
    marker_line = text.splitlines().index(next(l for l in text.splitlines() if l.startswith("<<<<<<<"))) + 1
    # rosa check shows the conflict markers with path:line
    check = rosa(b, "check")
    no_traceback(check)
    assert check.exit_code == 1
    assert re.search(rf"^{re.escape(rel)}:{marker_line}: .*conflict", check.stdout, re.MULTILINE), check.stdout
    # a second sync refuses while the rebase is unfinished
    again = rosa(b, "sync")
    assert again.exit_code == 1 and rel in again.stderr
    # finishing as the message says works
    lines = [l for l in text.splitlines() if not l.startswith(("<<<<<<<", "=======", ">>>>>>>")) and "office A" not in l]
    (b / rel).write_text("\n".join(lines) + "\n")
    git(b, "add", rel)
    git(b, "rebase", "--continue")
    ok(b, "sync")
    ok(a, "sync")
    assert (a / rel).read_text() == (b / rel).read_text()
    assert "seen by office B" in (a / rel).read_text()


def test_sync_reports_problems_the_merge_brought_in(shared):
    """Both offices open a stay for the same woman offline: no git conflict, but two open stays."""
    a, b, woman = shared
    ok(a, "stay", "open", woman, "--shelter", "oslo", "--on", "2006-03-01")
    ok(b, "stay", "open", woman, "--shelter", "oslo", "--on", "2006-03-05")
    ok(a, "sync")
    result = rosa(b, "sync")
    no_traceback(result)
    assert result.exit_code == 1
    assert "Synced" in result.stderr
    assert "stays/S-" in result.stdout  # the problem, with its file
    assert len(record_ids(b)) == 3  # both stays and the woman are all there


def test_changing_command_during_an_unfinished_sync_conflict_commits_no_conflict_markers(shared):
    """While a sync stopped at a conflict, a changing command must not sweep the
    half-merged file (with its <<<<<<< markers) into a commit."""
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    for office, words in ((a, "seen by office A"), (b, "seen by office B")):
        path = office / rel
        path.write_text(path.read_text() + f"note: {words}\n")
        git(office, "commit", "--quiet", "-am", "hand edit of the note")
    ok(a, "sync")
    assert rosa(b, "sync").exit_code == 1
    head = git(b, "rev-parse", "HEAD")
    result = rosa(b, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    no_traceback(result)
    assert "conflict" in result.stderr.lower(), result.stderr
    assert git(b, "rev-parse", "HEAD") == head, git(b, "show", "--stat", "HEAD")
    assert "<<<<<<<" not in git(b, "log", "-p", "--all")
    assert rel in git(b, "diff", "--name-only", "--diff-filter=U")  # still for the user to resolve
