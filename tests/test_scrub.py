"""``rosa scrub``: a value committed by mistake leaves the records and every trace in git.

Real folders, real git, real git-filter-repo, the real CLI. The value is a made-up
phone number assembled at run time; "no trace" is checked the hard way: every object
in the repository's object store (reachable or not), every revision, every commit
message, reflogs, the working files and the untracked ones.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import add_woman, commit_all, git, invoke, open_stay, run_ok, snapshot

from rosa_cli.core.scrub import REPLACEMENT, REWRITES_FILE, history_rewrite_refusal


def fake_phone() -> str:
    """A made-up phone number, built here so no number literal sits in the code."""
    return " ".join(f"{d}{d - 1}" for d in (9, 7, 5, 3))


def all_objects(folder: Path) -> str:
    """The contents of every object git holds for the folder, reachable or not."""
    return subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch"], cwd=folder, capture_output=True, check=True
    ).stdout.decode("utf-8", "replace")


def assert_no_trace(folder: Path, value: str) -> None:
    assert value not in git(folder, "log", "-p", "--all", "--format=%H%n%B")
    assert value not in git(folder, "reflog", "--all")
    assert value not in git(folder, "stash", "list", "-p")
    revisions = git(folder, "rev-list", "--all").split()
    found = subprocess.run(["git", "grep", "-F", "-e", value, *revisions], cwd=folder, capture_output=True, text=True)
    assert found.returncode == 1 and not found.stdout  # 1: nothing found
    assert value not in all_objects(folder)
    for path in folder.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(folder).parts[:1]:
            assert value.encode() not in path.read_bytes(), path


def add_woman_with_note(records: Path, note: str) -> str:
    """A woman whose note holds what rosa refuses at the door: written by hand and
    committed with plain git, the way such a value really gets into history."""
    woman = add_woman(records)
    path = records / "women" / f"{woman}.yaml"
    path.write_text(path.read_text() + f"note: {note}\n")
    commit_all(records, f"hand edit {woman}")
    return woman


def scrub_yes(folder: Path, *args: str):
    return invoke(folder, "scrub", *args, "--yes")


@pytest.fixture
def leaked(records):
    """A folder where a note with a phone number was committed, then several more commits,
    and one hand commit that names the number in its message."""
    value = fake_phone()
    woman = add_woman_with_note(records, f"ring {value} om kvelden")
    first = git(records, "rev-parse", "HEAD").strip()
    other = add_woman(records, nationality="SE")
    open_stay(records, woman)
    (records / "notes-for-office.txt").write_text(f"asked about {value}\n")
    commit_all(records, f"hand edit, see {value}")
    (records / "notes-for-office.txt").unlink()
    commit_all(records, "hand edit")
    open_stay(records, other, "bergen", "2006-03-01")
    return records, value, woman, first


def test_scrub_removes_the_value_from_files_and_all_of_history(leaked):
    records, value, woman, first = leaked
    commits_before = git(records, "rev-list", "--count", "HEAD").strip()
    kept = records / ".rosa-cache" / "edits" / f"{woman}-20060301-101500.yaml"  # a given-up edit's copy
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(f"note: {value}\n")
    run_ok(records, "check")  # fills the records cache, which holds the note too

    result = scrub_yes(records, value)

    assert result.exit_code == 0, result.stderr
    # counts: the note's commit, the hand commit naming it in its message and adding the
    # text file, and the one removing that file; one record file; the backup and the cache
    assert "3 commits hold it (1 of them in the commit message)" in result.stderr
    assert "1 file in the folder holds it: " + f"women/{woman}.yaml" in result.stderr
    assert "6 commits get new ids" in result.stderr  # the note's commit and the five after it
    assert (f"2 untracked files (backups, edit copies, cache) with it: .rosa-cache/edits/{kept.name}, "
            ".rosa-cache/records/women.marshal") in result.stderr
    assert value not in result.stdout + result.stderr
    assert_no_trace(records, value)
    text = (records / "women" / f"{woman}.yaml").read_text()
    assert f"note: ring {REPLACEMENT} om kvelden" in text
    assert REPLACEMENT in git(records, "log", "--all", "--format=%B")
    # history is the same length plus the recorded rewrite, and the records are valid
    assert git(records, "rev-list", "--count", "HEAD").strip() == str(int(commits_before) + 1)
    assert git(records, "log", "-1", "--format=%s").strip() == "scrub (history rewritten)"
    rewrites = (records / REWRITES_FILE).read_text()
    assert first in rewrites
    assert value not in rewrites
    assert git(records, "status", "--porcelain").strip() == ""
    assert REPLACEMENT in kept.read_text()
    check = invoke(records, "check")
    assert check.exit_code == 0, check.output
    # and a second scrub of the same value finds nothing
    again = scrub_yes(records, value)
    assert again.exit_code == 2 and "found nowhere" in again.stderr


def test_scrub_rewrites_a_stash_too(records):
    value = fake_phone()
    woman = add_woman(records)
    path = records / "women" / f"{woman}.yaml"
    git(records, "commit", "--quiet", "--allow-empty", "-m", f"hand note {value}")
    path.write_text(path.read_text() + f"note: {value}\n")
    git(records, "stash")  # the stash's message names that commit's subject, value and all
    assert value in git(records, "stash", "list")
    add_woman_with_note(records, f"also {value}")

    result = scrub_yes(records, value)

    assert result.exit_code == 0, result.stderr
    assert_no_trace(records, value)
    assert len(git(records, "stash", "list").splitlines()) == 1  # rewritten, not dropped
    assert REPLACEMENT in git(records, "stash", "show", "-p")
    assert invoke(records, "check").exit_code == 0


@pytest.mark.parametrize(
    "args, expected",
    [
        (("987",), "shorter than 4 characters"),
        (("  98  ",), "shorter than 4 characters"),
        (("nowhere-to-be-found",), "found nowhere"),
        (("fjernet",), "part of the replacement"),
        (("two\nlines",), "one line"),
    ],
)
def test_scrub_refuses_short_or_unknown_text_and_changes_nothing(leaked, args, expected):
    records, value, _woman, _first = leaked
    before, objects = snapshot(records), all_objects(records)
    result = scrub_yes(records, *args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(records) == before and all_objects(records) == objects


def test_scrub_refuses_a_value_in_a_structured_field_naming_file_and_field(records):
    woman = add_woman(records, first_contact="2006-01-17")
    add_woman(records, nationality="SE")
    before, objects = snapshot(records), all_objects(records)

    result = scrub_yes(records, "2006-01-17")

    assert result.exit_code == 2
    assert f"women/{woman}.yaml: field first_contact" in result.stderr
    assert "rosa woman edit" in result.stderr
    assert snapshot(records) == before and all_objects(records) == objects


def test_scrub_without_terminal_and_without_yes_changes_nothing(leaked):
    records, value, _woman, _first = leaked
    before, objects = snapshot(records), all_objects(records)
    result = invoke(records, "scrub", value)
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert value not in result.output
    assert snapshot(records) == before and all_objects(records) == objects


def test_scrub_refuses_uncommitted_changes(leaked):
    records, value, woman, _first = leaked
    path = records / "women" / f"{woman}.yaml"
    path.write_text(path.read_text() + "born: 1990\n")
    before, objects = snapshot(records), all_objects(records)
    result = scrub_yes(records, value)
    assert result.exit_code == 2
    assert f"women/{woman}.yaml" in result.stderr and "uncommitted" in result.stderr
    assert snapshot(records) == before and all_objects(records) == objects


def test_scrub_reads_the_text_from_stdin_when_not_given(leaked):
    """So the value need not go into the shell's history."""
    records, value, _woman, _first = leaked
    result = invoke(records, "scrub", "--yes", input=value + "\n")
    assert result.exit_code == 0, result.stderr
    assert_no_trace(records, value)


# --- offices ---------------------------------------------------------------------------


@pytest.fixture
def offices(leaked, tmp_path):
    """A shared bare repository, the leaked folder as office A (synced), office B a clone
    that then makes a record of its own and does not sync it."""
    records, value, woman, first = leaked
    shared = tmp_path / "shared.git"
    git(tmp_path, "init", "--quiet", "--bare", str(shared))
    git(records, "remote", "add", "origin", str(shared))
    run_ok(records, "sync")
    office_b = tmp_path / "office-b"
    git(tmp_path, "clone", "--quiet", str(shared), str(office_b))
    made_in_b = add_woman(office_b, nationality="DK")
    return records, office_b, shared, value, made_in_b


def branch(folder: Path) -> str:
    return git(folder, "rev-parse", "--abbrev-ref", "HEAD").strip()


def test_offices_after_a_scrub_push_and_refusals(offices, tmp_path):
    office_a, office_b, shared, value, made_in_b = offices
    remote_ref = f"origin/{branch(office_a)}"

    assert scrub_yes(office_a, value).exit_code == 0
    assert git(office_a, "remote").split() == ["origin"]  # filter-repo removed it; scrub put it back
    # A scrubbed, the shared copy still has the old history
    git(office_a, "fetch", "--quiet", "origin")
    refusal = history_rewrite_refusal(office_a, "HEAD", remote_ref)
    # a coded fact; the CLI adds "run rosa scrub --push" (test_rosa_sync_refuses_to_merge_scrubbed_history_back…)
    assert refusal and refusal.code == "sync.history_rewritten_here"
    assert value not in refusal
    # B is stale but the shared copy is not rewritten yet: nothing to say to B
    git(office_b, "fetch", "--quiet", "origin")
    assert history_rewrite_refusal(office_b, "HEAD", remote_ref) is None

    before = git(shared, "rev-parse", branch(office_a)).strip()
    no_tty = invoke(office_a, "scrub", "--push")
    assert no_tty.exit_code == 2 and git(shared, "rev-parse", branch(office_a)).strip() == before
    pushed = invoke(office_a, "scrub", "--push", "--yes")
    assert pushed.exit_code == 0, pushed.stderr
    assert "re-clone" in pushed.stderr
    assert git(shared, "rev-parse", branch(office_a)).strip() == git(office_a, "rev-parse", "HEAD").strip()
    assert value not in all_objects(shared)
    assert_no_trace(office_a, value)
    assert history_rewrite_refusal(office_a, "HEAD", remote_ref) is None

    # B fetches the rewritten history: it is the stale one and is told what to do
    git(office_b, "fetch", "--quiet", "origin")
    refusal = history_rewrite_refusal(office_b, "HEAD", remote_ref)
    assert refusal and "another office removed a value" in refusal
    assert refusal.code == "sync.history_rewritten_elsewhere"
    assert refusal.params["url"] == str(shared)  # the CLI advises: git clone URL NEWDIR
    assert made_in_b in refusal
    assert value not in refusal
    # a fresh clone has nothing to refuse, and holds no trace
    fresh = tmp_path / "office-c"
    git(tmp_path, "clone", "--quiet", str(shared), str(fresh))
    assert history_rewrite_refusal(fresh, "HEAD", remote_ref) is None
    assert_no_trace(fresh, value)
    assert invoke(fresh, "check").exit_code == 0


def test_scrub_push_refuses_when_nothing_was_rewritten(folder, tmp_path):
    shared = tmp_path / "shared.git"
    git(tmp_path, "init", "--quiet", "--bare", str(shared))
    git(folder, "remote", "add", "origin", str(shared))
    run_ok(folder, "sync")
    before = snapshot(folder)
    result = invoke(folder, "scrub", "--push", "--yes")
    assert result.exit_code == 2
    assert "no history rewrite is recorded" in result.stderr
    assert snapshot(folder) == before


def test_scrub_push_over_work_pushed_since_by_a_stale_office_warns_and_that_office_is_told(offices):
    """B syncs its record into the old shared history after A scrubbed: A's push says so
    before replacing it, and B's records are then listed for B to copy into a new clone."""
    office_a, office_b, shared, value, made_in_b = offices
    assert scrub_yes(office_a, value).exit_code == 0
    run_ok(office_b, "sync")

    pushed = invoke(office_a, "scrub", "--push", "--yes")

    assert pushed.exit_code == 0, pushed.stderr
    assert "commits this folder does not know" in pushed.stderr
    assert value not in all_objects(shared)
    git(office_b, "fetch", "--quiet", "origin")
    refusal = history_rewrite_refusal(office_b, "HEAD", f"origin/{branch(office_b)}")
    assert refusal and made_in_b in refusal


def _on_terminal(records: Path, answer: str, *args: str) -> subprocess.CompletedProcess:
    """Run the real ``rosa scrub`` with a terminal as stdin, answering the question."""
    import os
    import pty

    from helpers import ROSA_BIN

    master, slave = pty.openpty()
    try:
        os.write(master, answer.encode() + b"\n")
        return subprocess.run(
            [str(ROSA_BIN), "--records", str(records), "scrub", *args],
            stdin=slave, capture_output=True, text=True, timeout=60,
        )
    finally:
        os.close(slave)
        os.close(master)


def test_scrub_asks_on_a_terminal_with_the_counts_and_no_means_nothing_changes(leaked):
    records, value, _woman, _first = leaked
    before, objects = snapshot(records), all_objects(records)

    declined = _on_terminal(records, "n", value)

    assert declined.returncode == 2, declined.stderr
    assert "3 commits hold it" in declined.stderr and "Rewrite history now?" in declined.stderr
    assert value not in declined.stdout + declined.stderr
    assert snapshot(records) == before and all_objects(records) == objects

    accepted = _on_terminal(records, "y", value)
    assert accepted.returncode == 0, accepted.stderr
    assert_no_trace(records, value)


def test_rosa_sync_refuses_to_merge_scrubbed_history_back_on_either_side(offices):
    """End to end through ``rosa sync``: the office that scrubbed is told to push the
    rewrite instead of merging the old history back, and a stale office is told to
    re-clone; neither sync changes the folder, the shared copy, or echoes the value."""
    office_a, office_b, shared, value, made_in_b = offices
    assert scrub_yes(office_a, value).exit_code == 0

    before_a, before_shared = snapshot(office_a), git(shared, "rev-parse", branch(office_a)).strip()
    refused = invoke(office_a, "sync")
    assert refused.exit_code != 0
    assert "rosa scrub --push" in refused.stderr and value not in refused.output
    assert snapshot(office_a) == before_a
    assert git(shared, "rev-parse", branch(office_a)).strip() == before_shared
    assert_no_trace(office_a, value)

    assert invoke(office_a, "scrub", "--push", "--yes").exit_code == 0
    run_ok(office_b, "woman", "add", "--nationality", "SE", "--first-contact", "2006-04-01")
    before_b = snapshot(office_b)
    stale = invoke(office_b, "sync")
    assert stale.exit_code != 0
    assert "another office removed a value" in stale.stderr and made_in_b in stale.stderr
    assert f"git clone {shared}" in stale.stderr  # the CLI's advice, from the refusal's url
    assert value not in stale.output
    assert snapshot(office_b) == before_b
    assert value not in all_objects(shared)
