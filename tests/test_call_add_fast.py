"""How ``rosa call add`` commits in a large folder (docs/history.md, "How a command commits").

``call add`` stages its file with ``git update-index``, builds its commit from git's
plumbing while the folder's ``git status`` (started by the ``call`` group, before the
records modules load) is still running, and puts the commit on the branch only once
that status shows nothing to commit first. These tests hold it to the same promises as
``git commit``: the same commit object, hand edits first in their own commit, nothing
the user staged swept in, a mid-merge folder refused, and git asked (not guessed at)
whenever the repository is not rosa's plain one.

Real git, real files, the real CLI (in a subprocess where the process matters).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

from helpers import GIT_IDENTITY, ROSA_BIN, add_woman, git, init_records, no_traceback
from helpers import invoke as rosa
from helpers import run_ok as ok


def add_call(folder: Path, *extra: str) -> str:
    return ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt", *extra).stdout.strip()


def call_rel(folder: Path, call_id: str) -> str:
    return next((folder / "calls").rglob(f"{call_id}.yaml")).relative_to(folder).as_posix()


def clean(folder: Path) -> bool:
    return git(folder, "status", "--porcelain", "--untracked-files=all") == ""


def logged_git(tmp_path: Path):
    """``(env, runs)``: an environment whose ``git`` logs each run's arguments, and a
    function reading that log; the real git does the work."""
    real = shutil.which("git")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "git-runs"
    wrapper = bin_dir / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> \'{log}\'\nexec \'{real}\' "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return env, lambda: log.read_text().splitlines() if log.exists() else []


def rosa_process(args, env, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROSA_BIN), *args], capture_output=True, text=True, env=env, cwd=cwd)


def test_the_commit_is_the_one_git_commit_makes_byte_for_byte(folder, tmp_path):
    """The same file committed by ``git add`` and ``git commit`` on the same parent, by
    the same person at the same second, gives the very same commit id."""
    before = git(folder, "rev-parse", "HEAD").strip()
    call_id = add_call(folder)
    rel = call_rel(folder, call_id)
    made = git(folder, "rev-parse", "HEAD").strip()
    assert git(folder, "rev-parse", "HEAD~1").strip() == before
    assert clean(folder) and git(folder, "diff", "--cached", "--name-only") == ""
    assert git(folder, "reflog", "-1", "--format=%gs").strip() == f"commit: call add {call_id}"

    other = tmp_path / "by-git"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(folder), str(other)], check=True)
    git(other, "checkout", "--quiet", "-B", "work", before)
    (other / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / rel, other / rel)
    dates = git(folder, "log", "-1", "--format=%ad%n%cd", "--date=raw", made).split("\n")
    env = dict(os.environ, **GIT_IDENTITY, GIT_AUTHOR_DATE=dates[0], GIT_COMMITTER_DATE=dates[1])
    subprocess.run(["git", "add", "--", rel], cwd=other, check=True, env=env)
    subprocess.run(["git", "commit", "--quiet", "-m", f"call add {call_id}"], cwd=other, check=True, env=env)
    assert git(other, "rev-parse", "HEAD").strip() == made


def test_a_plain_call_add_asks_git_for_one_status_and_no_rev_parse(folder, tmp_path):
    """In rosa's own plain repository HEAD, the repository's top and its git folder are
    read from ``.git``; the one ``git status`` is the one the ``call`` group started;
    the file is staged with ``update-index`` and the commit made from plumbing."""
    env, runs = logged_git(tmp_path)
    result = rosa_process(["--records", str(folder), "call", "add", "--caller", "police", "--subject", "other", "--no-prompt"], env)
    assert result.returncode == 0, result.stderr
    done = runs()
    assert [r.split()[0] for r in done if not r.startswith(("status", "update-index"))] == ["write-tree", "diff-tree", "commit-tree", "update-ref"], done
    assert sum(r.startswith("status") for r in done) == 1 and sum(r.startswith("update-index") for r in done) == 1, done
    assert not any(r.startswith(("rev-parse", "add", "commit ")) for r in done), done
    assert clean(folder)
    assert git(folder, "show", "--name-only", "--format=", "HEAD").split() == [call_rel(folder, result.stdout.strip())]


def test_records_named_after_add_are_the_folder_whose_status_is_used(tmp_path):
    """Run from inside one records folder with ``--records`` naming another after
    ``add``: the status started early (of the folder the command stands in) is not
    used; the other folder's own hand edit is committed first there, and the folder the
    command stood in is left exactly as it was."""
    here = init_records(tmp_path / "here", {"oslo": "Oslo krisesenter"})
    there = init_records(tmp_path / "there", {"oslo": "Oslo krisesenter"})
    woman_here = add_woman(here)
    path_here = here / "women" / f"{woman_here}.yaml"
    path_here.write_text(path_here.read_text() + "# seen at the office\n")
    earlier = add_call(there)
    rel_there = call_rel(there, earlier)
    (there / rel_there).write_text((there / rel_there).read_text() + "received_by: AB\n")
    head_here = git(here, "rev-parse", "HEAD")

    env, runs = logged_git(tmp_path)
    result = rosa_process(["call", "add", "--records", str(there), "--caller", "ngo", "--subject", "other", "--no-prompt"], env, cwd=here)
    assert result.returncode == 0, result.stderr
    new_id = result.stdout.strip()
    assert git(there, "log", "-1", "--format=%s", "HEAD~1").strip() == f"hand edit: {earlier}"
    assert git(there, "show", "--name-only", "--format=", "HEAD").split() == [call_rel(there, new_id)]
    assert clean(there)
    assert git(here, "rev-parse", "HEAD") == head_here
    assert git(here, "status", "--porcelain").split() == ["M", f"women/{woman_here}.yaml"]
    assert woman_here not in result.stderr


def test_a_new_record_file_anywhere_goes_first_in_its_own_commit(folder):
    """The commit built while the status ran is set aside when the status shows a hand
    edit: an untracked woman's file (say, from a command whose commit failed) and a
    deleted call go first; the call's commit follows and holds its own file alone."""
    gone = add_call(folder)
    gone_rel = call_rel(folder, gone)
    (folder / gone_rel).unlink()
    woman = folder / "women" / "W-2006-ZZZZ9.yaml"
    woman.write_text("id: W-2006-ZZZZ9\nfirst_contact: 2006-01-10\nnationality: NG\n")
    before = git(folder, "rev-parse", "HEAD").strip()
    new_id = add_call(folder, "--caller", "ngo")
    assert git(folder, "rev-parse", "HEAD~2").strip() == before
    assert git(folder, "log", "-1", "--format=%s", "HEAD~1").strip() == f"hand edit: W-2006-ZZZZ9, deleted {gone}"
    assert sorted(git(folder, "show", "--name-only", "--format=", "HEAD~1").split()) == sorted([gone_rel, "women/W-2006-ZZZZ9.yaml"])
    assert git(folder, "show", "--name-only", "--format=", "HEAD").split() == [call_rel(folder, new_id)]
    assert clean(folder)


def test_what_the_user_staged_stays_staged_and_out(folder):
    (folder / "notes.txt").write_text("my own notes\n")
    git(folder, "add", "notes.txt")
    call_id = add_call(folder)
    assert git(folder, "show", "--name-only", "--format=", "HEAD").split() == [call_rel(folder, call_id)]
    assert git(folder, "diff", "--cached", "--name-only").split() == ["notes.txt"]


def test_a_folder_in_the_middle_of_a_merge_is_refused_before_anything_is_written(folder):
    """Read from ``.git`` without git's help, a merge in progress still stops the command."""
    head = git(folder, "rev-parse", "HEAD").strip()
    (folder / ".git" / "MERGE_HEAD").write_text(head + "\n")
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    no_traceback(result)
    assert result.exit_code != 0
    assert "conflict" in result.stderr and "Nothing was written" in result.stderr
    assert not list((folder / "calls").rglob("C-*.yaml"))
    assert git(folder, "rev-parse", "HEAD").strip() == head


def test_a_linked_worktree_is_asked_of_git_and_commits_on_its_branch(folder, tmp_path):
    """``.git`` is a file in a linked worktree: nothing is read from it by hand; git is
    asked, and the commit goes on the worktree's branch only."""
    main_head = git(folder, "rev-parse", "HEAD").strip()
    linked = tmp_path / "linked"
    git(folder, "worktree", "add", "--quiet", "-b", "office-two", str(linked))
    assert (linked / ".git").is_file()
    call_id = add_call(linked)
    assert git(linked, "log", "-1", "--format=%s", "office-two").strip() == f"call add {call_id}"
    assert git(folder, "rev-parse", "HEAD").strip() == main_head
    assert clean(linked)


def test_a_detached_head_is_committed_by_git_commit_itself(folder):
    git(folder, "checkout", "--quiet", "--detach")
    before = git(folder, "rev-parse", "HEAD").strip()
    call_id = add_call(folder)
    assert git(folder, "rev-parse", "HEAD~1").strip() == before
    assert git(folder, "log", "-1", "--format=%s").strip() == f"call add {call_id}"
    assert clean(folder)


def test_asking_for_help_starts_no_git(folder, tmp_path):
    env, runs = logged_git(tmp_path)
    for flag in ("--help", "-h"):
        result = rosa_process(["--records", str(folder), "call", "add", flag], env)
        assert result.returncode == 0 and "--caller" in result.stdout, result.stderr
    assert runs() == []
