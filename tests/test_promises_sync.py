"""Promise: two offices share a records folder through a git remote and lose nothing.

A bare remote and two ``git clone`` s: records added offline on both sides all arrive
after ``rosa sync`` on each; no remote, a detached HEAD or uncommitted changes are
refused plainly. A record changed at both offices is merged field by field; the same
field changed differently is a conflict listed by ``rosa conflicts`` and settled with
``rosa resolve`` — never ``<<<<<<<`` markers or a half-finished git rebase, and every
other command keeps working meanwhile. A merge with problems is not pushed.
"""

from __future__ import annotations

import subprocess
import sys
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


def _hand_edit(office: Path, rel: str, old: str, new: str) -> None:
    """A colleague's change, committed with plain git (as another rosa version might)."""
    path = office / rel
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))
    git(office, "commit", "--quiet", "-am", "hand edit")


def _no_git_state_left(office: Path) -> None:
    git_dir = Path(git(office, "rev-parse", "--absolute-git-dir").strip())
    for name in ("rebase-merge", "rebase-apply", "MERGE_HEAD"):
        assert not (git_dir / name).exists(), name
    assert git(office, "symbolic-ref", "--short", "HEAD").strip()  # on a branch, never detached
    assert git(office, "status", "--porcelain", "--untracked-files=all") == ""


def _remote_head(office: Path) -> str:
    return git(office, "ls-remote", "origin", "refs/heads/*").split()[0] + "\n"


def test_sync_merges_different_fields_of_one_record(shared):
    """Two offices change different fields of one woman: both changes arrive, the record is valid."""
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    _hand_edit(a, rel, "nationality: NG", "nationality: AL")
    (b / rel).write_text((b / rel).read_text() + "born: 1984\n")
    git(b, "commit", "--quiet", "-am", "hand edit")
    ok(a, "sync")
    result = ok(b, "sync")
    assert woman in result.stderr and "Merged field by field" in result.stderr
    ok(a, "sync")
    for office in (a, b):
        text = (office / rel).read_text()
        assert "nationality: AL" in text and "born: 1984" in text
        ok(office, "check")
        _no_git_state_left(office)
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD") == _remote_head(a)


def test_sync_same_new_field_at_two_places_is_a_conflict_not_a_duplicate_key(shared):
    """git would merge these two lines cleanly into a record with ``note`` twice."""
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    _hand_edit(a, rel, "nationality: NG\n", "nationality: NG\nnote: office A saw her\n")
    (b / rel).write_text((b / rel).read_text() + "note: office B saw her\n")
    git(b, "commit", "--quiet", "-am", "hand edit")
    ok(a, "sync")
    before = git(b, "rev-parse", "HEAD")
    result = rosa(b, "sync")
    no_traceback(result)
    assert result.exit_code == 1 and "Not synced" in result.stderr and woman in result.stderr
    assert git(b, "rev-parse", "HEAD") == before
    assert (b / rel).read_text().count("note:") == 1
    listed = ok(b, "conflicts").stdout
    assert f"{woman} note: this office: office B saw her; the other office: office A saw her" in listed


def test_sync_conflict_is_listed_work_goes_on_and_resolve_completes(shared):
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    _hand_edit(a, rel, "nationality: NG", "nationality: AL")
    _hand_edit(b, rel, "nationality: NG", "nationality: SE")
    ok(a, "sync")
    remote_before = _remote_head(b)
    head_before = git(b, "rev-parse", "HEAD")
    result = rosa(b, "sync")
    no_traceback(result)
    assert result.exit_code == 1
    assert "Not synced" in result.stderr and woman in result.stderr and "rosa resolve" in result.stderr
    for word in ("<<<<<<<", "HEAD", "rebase"):
        assert word not in result.stderr
    # nothing moved, nothing half-done, nothing sent
    assert git(b, "rev-parse", "HEAD") == head_before
    _no_git_state_left(b)
    assert "nationality: SE" in (b / rel).read_text()
    assert _remote_head(b) == remote_before
    # the conflict in plain words, field by field
    listed = ok(b, "conflicts")
    assert f"{woman} nationality: this office: SE; the other office: AL" in listed.stdout
    # work goes on meanwhile
    call = ok(b, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt").stdout.strip()
    assert git(b, "rev-parse", "HEAD") != head_before
    ok(b, "check")
    # bad ids are refused without touching anything
    bad = rosa(b, "resolve", "../../etc/passwd", "--keep", "theirs")
    no_traceback(bad)
    assert bad.exit_code == 2 and "ID" in bad.stderr
    unknown = rosa(b, "resolve", "W-2006-ZZZZZ", "--keep", "theirs")
    assert unknown.exit_code == 2 and "no sync conflict" in unknown.stderr
    assert rosa(b, "resolve", woman).exit_code == 2  # says which choice to give
    # settle it; the next sync completes and pushes
    settled = ok(b, "resolve", woman, "--keep", "theirs")
    assert "rosa sync" in settled.stderr
    assert "settled" in ok(b, "conflicts").stdout
    ok(b, "sync")
    assert ok(b, "conflicts").stderr.strip() == "No sync conflicts."
    ok(a, "sync")
    for office in (a, b):
        assert "nationality: AL" in (office / rel).read_text()
        assert call in record_ids(office)
        ok(office, "check")
        _no_git_state_left(office)
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD") == _remote_head(a)
    assert "<<<<<<<" not in git(a, "log", "-p", "--all")


def test_resolve_keep_mine_and_a_changed_record_needs_settling_again(shared):
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    _hand_edit(a, rel, "nationality: NG", "nationality: AL")
    _hand_edit(b, rel, "nationality: NG", "nationality: SE")
    ok(a, "sync")
    assert rosa(b, "sync").exit_code == 1
    ok(b, "resolve", woman, "--keep", "mine")
    # office B changes the record again after settling: the old choice no longer applies
    _hand_edit(b, rel, "nationality: SE", "nationality: RO")
    again = rosa(b, "sync")
    assert again.exit_code == 1 and woman in again.stderr
    assert "this office: RO; the other office: AL" in ok(b, "conflicts").stdout
    ok(b, "resolve", woman, "--keep", "mine")
    ok(b, "sync")
    ok(a, "sync")
    assert "nationality: RO" in (a / rel).read_text()


def test_resolve_edit_shows_both_versions_as_comments(shared, tmp_path):
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    _hand_edit(a, rel, "nationality: NG", "nationality: AL")
    _hand_edit(b, rel, "nationality: NG", "nationality: SE")
    ok(a, "sync")
    assert rosa(b, "sync").exit_code == 1
    seen = tmp_path / "seen.yaml"
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        "p = pathlib.Path(sys.argv[-1])\n"
        f"pathlib.Path({str(seen)!r}).write_text(p.read_text())\n"
        "p.write_text(p.read_text().replace('nationality: SE', 'nationality: RO'))\n"
    )
    editor = f"{sys.executable} {script}"
    result = rosa(b, "resolve", woman, "--edit", env={"EDITOR": editor, "VISUAL": None})
    assert result.exit_code == 0, result.stderr
    shown = seen.read_text()
    assert "# rosa: nationality: this office: SE; the other office: AL" in shown
    assert "<<<<<<<" not in shown
    ok(b, "sync")
    ok(a, "sync")
    assert "nationality: RO" in (a / rel).read_text()
    assert "# rosa" not in (a / rel).read_text()


def test_sync_invalid_merge_pushes_nothing_and_can_be_fixed(shared):
    """Both offices open a stay for the same woman offline: each is fine, the merge is not."""
    a, b, woman = shared
    stay_a = ok(a, "stay", "open", woman, "--shelter", "oslo", "--on", "2006-03-01").stdout.strip()
    ok(b, "stay", "open", woman, "--shelter", "oslo", "--on", "2006-03-05")
    ok(a, "sync")
    remote_before = _remote_head(a)
    result = rosa(b, "sync")
    no_traceback(result)
    assert result.exit_code == 1
    assert "NOT sent" in result.stderr
    assert "stays/S-" in result.stdout  # the problem, with its file
    assert _remote_head(b) == remote_before  # the remote stays as it was
    assert len(record_ids(b)) == 3  # applied here, so office B can fix it with normal commands
    _no_git_state_left(b)
    again = rosa(b, "sync")
    assert again.exit_code == 1 and "NOT sent" in again.stderr
    assert _remote_head(b) == remote_before
    ok(b, "stay", "close", stay_a, "--on", "2006-03-04", "--reason", "moved")  # she moved on before
    fixed = rosa(b, "sync")
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert _remote_head(b) == git(b, "rev-parse", "HEAD")
    ok(a, "sync")
    ok(a, "check")
    assert record_ids(a) == record_ids(b)


def test_sync_refuses_a_detached_head(shared):
    a, _b, _woman = shared
    ok(a, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt")
    git(a, "checkout", "--quiet", "--detach")
    remote_before = _remote_head(a)
    result = rosa(a, "sync")
    no_traceback(result)
    assert result.exit_code == 1
    assert "detached" in result.stderr and "switch" in result.stderr
    assert _remote_head(a) == remote_before
    assert "refs/heads/HEAD" not in git(a, "ls-remote", "origin")


def test_sync_with_an_unreachable_remote_says_so_plainly(shared, tmp_path):
    a, _b, _woman = shared
    ok(a, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt")
    git(a, "remote", "set-url", "origin", str(tmp_path / "no-such-remote.git"))
    before = git(a, "rev-parse", "HEAD")
    result = rosa(a, "sync")
    no_traceback(result)
    assert result.exit_code == 1
    message = result.stderr
    assert message.startswith("error: no connection to the remote (")
    assert "does not appear to be a git repository" in message  # git's own reason, whole
    assert "your records are safe here; run rosa sync again later" in message
    assert git(a, "rev-parse", "HEAD") == before
    _no_git_state_left(a)


def test_a_folder_left_mid_rebase_by_an_older_rosa_is_still_refused(shared):
    """No changing command may commit while git waits in a rebase (conflict markers)."""
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    _hand_edit(a, rel, "nationality: NG", "nationality: AL")
    _hand_edit(b, rel, "nationality: NG", "nationality: SE")
    ok(a, "sync")
    git(b, "fetch", "--quiet")
    subprocess.run(["git", "rebase", "--quiet", "origin/master" if "master" in git(b, "branch") else "origin/main"], cwd=b, capture_output=True)
    head = git(b, "rev-parse", "HEAD")
    result = rosa(b, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    no_traceback(result)
    assert "conflict" in result.stderr.lower(), result.stderr
    assert git(b, "rev-parse", "HEAD") == head
    assert rosa(b, "sync").exit_code == 1
