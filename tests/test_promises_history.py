"""Promise: a commit holds exactly what it says; git's failures are named for what they are.

- Only record files are ever committed: a scanned document, an editor's swap file or a
  notes file in ``women/`` stays out of history and out of every commit message.
- What the user staged herself with ``git add`` is left staged, never swept in.
- Record files changed or deleted by hand are committed first, in a commit of their own
  (``hand edit: W-…, deleted C-…``), only when valid; otherwise left with a warning.
- ``rosa log ID`` shows the commit that deleted a record, and warns on a shallow clone.
- The organisation's hooks run; a refusing hook leaves the record written, exit 0, and
  says so with the hook's own words.
- Disk full, read-only disk, missing identity and a held lock are each named plainly.

Real git, real files, the real CLI. The disk tests mount a small tmpfs or a read-only
bind mount (this needs root and mount rights; they are skipped with the reason if not).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from helpers import add_woman, git, init_records, no_traceback, open_stay
from helpers import invoke as rosa
from helpers import run_ok as ok


def add_call(folder: Path, *extra: str) -> str:
    return ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt", *extra).stdout.strip()


def call_rel(folder: Path, call_id: str) -> str:
    return next((folder / "calls").rglob(f"{call_id}.yaml")).relative_to(folder).as_posix()


def head(folder: Path) -> str:
    return git(folder, "rev-parse", "HEAD").strip()


def files_of(folder: Path, rev: str = "HEAD"):
    return sorted(git(folder, "show", "--name-only", "--format=", rev).split())


def subject(folder: Path, rev: str = "HEAD") -> str:
    return git(folder, "log", "-1", "--format=%B", rev).strip()


def every_message(folder: Path) -> str:
    return git(folder, "log", "--all", "--format=%B")


def status_lines(folder: Path):
    return git(folder, "status", "--porcelain", "--untracked-files=all").splitlines()


# --- only record files, only our paths ------------------------------------------------------


STRAYS = ("women/passport-scan.pdf", "women/.W-2006-AAAAA.yaml.swp", "stays/notes.txt", "calls/notes.txt", "calls/2031/scan.pdf", "notes.txt")


def test_stray_files_are_never_committed_nor_named(folder):
    for rel in STRAYS:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(b"not a record\n")
    call_id = add_call(folder)
    assert files_of(folder) == [call_rel(folder, call_id)]
    assert subject(folder) == f"call add {call_id}"
    woman_id = add_woman(folder)
    assert files_of(folder) == [f"women/{woman_id}.yaml"]
    tracked = git(folder, "ls-files").split()
    log = every_message(folder)
    for rel in STRAYS:
        assert rel not in tracked
        assert Path(rel).name not in log
        assert (folder / rel).read_bytes() == b"not a record\n"  # left alone, not deleted
        assert any(line.endswith(rel) or rel.startswith(line[3:]) for line in status_lines(folder) if line.startswith("??"))


def test_what_the_user_staged_herself_stays_staged_and_out_of_rosas_commit(folder):
    (folder / "notes.txt").write_text("my own notes\n")
    (folder / "women" / "scan.pdf").write_bytes(b"%PDF-fake\n")
    git(folder, "add", "notes.txt", "women/scan.pdf")
    call_id = add_call(folder)
    assert files_of(folder) == [call_rel(folder, call_id)]
    assert subject(folder) == f"call add {call_id}"
    assert sorted(git(folder, "diff", "--cached", "--name-only").split()) == ["notes.txt", "women/scan.pdf"]
    assert "notes.txt" not in every_message(folder) and "scan.pdf" not in every_message(folder)


def test_a_git_add_made_after_rosa_read_the_status_is_still_left_out(folder):
    """The status rosa uses may be read as the command starts; a file staged after that
    (here: a status read before the ``git add``) must still stay out of rosa's commit."""
    from rosa_cli.core import gitrepo

    stale = gitrepo.folder_status(folder)
    (folder / "notes.txt").write_text("my own notes\n")
    git(folder, "add", "notes.txt")
    woman = folder / "women" / "W-2006-ZZZZ9.yaml"
    woman.write_text("id: W-2006-ZZZZ9\nfirst_contact: 2006-01-10\nnationality: NG\n")
    result = gitrepo.commit_change(folder, [woman], "woman add W-2006-ZZZZ9", status=lambda: stale)
    assert result.committed
    assert files_of(folder) == ["women/W-2006-ZZZZ9.yaml"]
    assert git(folder, "log", "--format=%s").splitlines()[0] == "woman add W-2006-ZZZZ9"
    assert git(folder, "diff", "--cached", "--name-only").split() == ["notes.txt"]


def test_hand_edit_and_hand_deletion_go_first_in_their_own_commit_named_by_id(folder):
    woman_id = add_woman(folder)
    gone = add_call(folder)
    gone_rel = call_rel(folder, gone)
    path = folder / "women" / f"{woman_id}.yaml"
    path.write_text(path.read_text() + "# met at the office\n")
    (folder / gone_rel).unlink()
    before = head(folder)
    new = add_call(folder, "--caller", "ngo")
    assert git(folder, "rev-parse", "HEAD~2").strip() == before
    assert subject(folder, "HEAD~1") == f"hand edit: {woman_id}, deleted {gone}"
    assert files_of(folder, "HEAD~1") == sorted([f"women/{woman_id}.yaml", gone_rel])
    assert subject(folder) == f"call add {new}"
    assert files_of(folder) == [call_rel(folder, new)]
    assert status_lines(folder) == []


def test_invalid_hand_edit_is_left_uncommitted_with_a_warning_and_the_command_still_works(folder):
    woman_id = add_woman(folder)
    rel = f"women/{woman_id}.yaml"
    path = folder / rel
    broken = path.read_text() + "favourite_colour: red\n"  # an unknown field: not valid
    path.write_text(broken)
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    call_id = result.stdout.strip()
    assert "warning:" in result.stderr and rel in result.stderr and "uncommitted" in result.stderr
    assert subject(folder) == f"call add {call_id}"
    assert files_of(folder) == [call_rel(folder, call_id)]
    assert path.read_text() == broken
    assert f" M {rel}" in status_lines(folder)
    assert "favourite_colour" not in git(folder, "show", f"HEAD:{rel}")


def test_call_add_does_not_silently_delete_a_woman_her_stay_still_names(records):
    woman_id = add_woman(records)
    open_stay(records, woman_id)
    (records / "women" / f"{woman_id}.yaml").unlink()
    result = ok(records, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    call_id = result.stdout.strip()
    assert f"women/{woman_id}.yaml" in result.stderr and "uncommitted" in result.stderr
    assert subject(records) == f"call add {call_id}"
    assert subject(records, "HEAD~1").startswith("stay open")  # no hand-edit commit in between
    assert f"women/{woman_id}.yaml" in git(records, "ls-files", "women").split()
    assert f" D women/{woman_id}.yaml" in status_lines(records)


def test_a_gitignore_that_hides_women_does_not_keep_a_new_woman_out_of_history(folder):
    with open(folder / ".gitignore", "a") as handle:
        handle.write("women/\n")
    woman_id = add_woman(folder)
    assert files_of(folder) == [f"women/{woman_id}.yaml"]
    assert subject(folder, "HEAD~1") == "hand edit: .gitignore"


# --- rosa log ----------------------------------------------------------------------------------


def test_log_shows_the_commit_that_deleted_a_record(folder):
    call_id = add_call(folder)
    rel = call_rel(folder, call_id)
    git(folder, "rm", "--quiet", rel)
    git(folder, "commit", "--quiet", "-m", "tidy up")  # a message that does not name it
    result = ok(folder, "log", call_id)
    lines = [l for l in result.stdout.splitlines() if "tidy up" in l or f"call add {call_id}" in l]
    assert len(lines) == 2, result.stdout
    woman_id = add_woman(folder)
    (folder / "women" / f"{woman_id}.yaml").unlink()
    add_call(folder)  # commits the hand deletion first
    shown = ok(folder, "log", woman_id).stdout
    assert f"deleted {woman_id}" in shown and f"woman add {woman_id}" in shown


def test_log_warns_when_the_history_is_shallow(folder, tmp_path):
    woman_id = add_woman(folder)
    for _ in range(2):
        add_call(folder)
    full = ok(folder, "log", woman_id)
    assert "shallow" not in full.stderr
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{folder}", str(clone)], check=True, capture_output=True)
    result = ok(clone, "log", woman_id)
    assert "warning:" in result.stderr and "shallow" in result.stderr
    assert "warning:" in ok(clone, "log").stderr


# --- hooks -------------------------------------------------------------------------------------


def write_hook(folder: Path, body: str) -> Path:
    hook = folder / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\n" + body)
    hook.chmod(0o755)
    return hook


def test_organisations_pre_commit_hook_runs(folder, tmp_path):
    marker = tmp_path / "hook-ran"
    write_hook(folder, f"echo ran >> '{marker}'\nexit 0\n")
    call_id = add_call(folder)
    assert marker.read_text() == "ran\n"
    assert subject(folder) == f"call add {call_id}"


def test_refusing_hook_record_written_exit_0_hook_words_shown_next_command_commits(folder):
    hook = write_hook(folder, "echo 'policy: sign your commits first' >&2\necho 'second line' >&2\nexit 1\n")
    before = head(folder)
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    call_id = result.stdout.strip()
    assert "pre-commit hook refused the commit" in result.stderr
    assert "policy: sign your commits first" in result.stderr
    assert "not committed" in result.stderr
    assert (folder / call_rel(folder, call_id)).is_file()
    assert head(folder) == before
    check = rosa(folder, "check")
    assert any(l.startswith(call_rel(folder, call_id)) and "uncommitted" in l for l in check.stdout.splitlines()), check.stdout
    hook.unlink()
    new = add_call(folder)
    assert subject(folder, "HEAD~1") == f"hand edit: {call_id}"
    assert subject(folder) == f"call add {new}"
    assert status_lines(folder) == []


def test_init_under_a_refusing_organisation_hook_makes_the_folder_and_says_so(tmp_path, monkeypatch):
    hooks = tmp_path / "org-hooks"
    hooks.mkdir()
    hook = hooks / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy: ask the office first' >&2\nexit 1\n")
    hook.chmod(0o755)
    config = tmp_path / "org.gitconfig"
    config.write_text(f"[core]\n\thooksPath = {hooks}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    root = tmp_path / "records"
    result = rosa(None, "init", str(root))
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "pre-commit hook refused" in result.stderr and "policy: ask the office first" in result.stderr
    assert (root / "rosa.yaml").is_file()
    assert subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=root, capture_output=True).returncode != 0


# --- the real cause ----------------------------------------------------------------------------


def test_held_index_lock_is_named_as_the_lock(folder, monkeypatch):
    from rosa_cli.core import gitrepo

    monkeypatch.setattr(gitrepo, "LOCK_RETRY_SECONDS", 0.3)
    (folder / ".git" / "index.lock").write_text("")
    result = ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    assert "another git command holds" in result.stderr and "index.lock" in result.stderr
    assert (folder / ".git" / "index.lock").exists()


def test_missing_identity_is_named(folder, monkeypatch, tmp_path):
    empty = tmp_path / "empty-home"
    empty.mkdir()
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "only-config.gitconfig"
    config.write_text("[user]\n\tuseConfigOnly = true\n")
    monkeypatch.setenv("HOME", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    result = ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    assert "git does not know who you are" in result.stderr and "index.lock" not in result.stderr


# mounts: a small full tmpfs, a read-only bind mount


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True)


@pytest.fixture
def mounts():
    """``mount(args…, target)``; every mount made is undone after the test."""
    made = []

    def mount(*args: str) -> None:
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("needs root and mount(8) to make a full or read-only disk for real")
        try:
            _mount(*args)
        except subprocess.CalledProcessError as exc:
            pytest.skip(f"mount is not permitted here: {exc.stderr.strip()}")
        made.append(args[-1])

    yield mount
    for target in reversed(made):
        subprocess.run(["umount", "-l", target], capture_output=True)


def fill(disk: Path) -> None:
    """Write until the file system has not one byte left."""
    with open(disk / "filler", "wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 8, 1):
            while True:
                try:
                    handle.write(b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break


def use_up_inodes(disk: Path) -> None:
    """Make empty files until no new file can be made: git cannot even create its lock
    file, and says so naming ``index.lock`` — which must not be mistaken for a held lock."""
    spare = disk / "spare-inodes"
    spare.mkdir()
    for number in range(1_000_000):
        try:
            (spare / str(number)).touch()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
            return


def test_disk_full_when_writing_the_record_is_named_and_nothing_is_written(tmp_path, mounts):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounts("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk))
    folder = init_records(disk / "records", {})
    before = head(folder)
    fill(disk)
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: the disk is full; nothing was written"), result.stderr
    assert "index.lock" not in result.stderr
    assert list((folder / "calls").rglob("C-*")) == []
    assert head(folder) == before


def test_disk_full_for_git_is_named_at_once_not_blamed_on_a_lock(folder, tmp_path, mounts):
    """The record fits, git's objects do not: written, not committed, "disk is full"."""
    saved = tmp_path / "git-copy"
    shutil.copytree(folder / ".git", saved, symlinks=True)
    mounts("-t", "tmpfs", "-o", "size=4m,nr_inodes=400", "tmpfs", str(folder / ".git"))
    shutil.copytree(saved, folder / ".git", symlinks=True, dirs_exist_ok=True)
    before = head(folder)
    fill(folder / ".git")
    use_up_inodes(folder / ".git")
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    call_id = result.stdout.strip()
    assert "not committed" in result.stderr and "the disk is full" in result.stderr, result.stderr
    assert "another git command" not in result.stderr
    assert (folder / call_rel(folder, call_id)).is_file()
    assert head(folder) == before


def test_read_only_folder_is_named_and_nothing_is_written(folder, mounts):
    before = head(folder)
    mounts("--bind", str(folder), str(folder))
    mounts("-o", "remount,bind,ro", str(folder))
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: the records folder is on a read-only disk; nothing was written"), result.stderr
    assert list((folder / "calls").rglob("C-*")) == []
    assert head(folder) == before


def test_read_only_git_repository_is_named_record_kept(folder, mounts):
    before = head(folder)
    mounts("--bind", str(folder / ".git"), str(folder / ".git"))
    mounts("-o", "remount,bind,ro", str(folder / ".git"))
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "not committed" in result.stderr and "read-only disk" in result.stderr, result.stderr
    assert (folder / call_rel(folder, result.stdout.strip())).is_file()
    assert head(folder) == before


# --- the common path stays quick ----------------------------------------------------------------


def test_call_add_with_nothing_hand_edited_runs_no_more_git_than_before(folder, tmp_path):
    """Counted with a wrapper that logs each git run, then runs the real git: a plain
    ``call add`` asks git for one ``git status`` only (started early, in the background)
    and commits without a pathspec. Without hooks its commit is made from git's plumbing
    (write-tree, diff-tree, commit-tree, update-ref: 10 runs, each quick), which skips
    the full index refresh ``git commit`` does (issue 16); with a hook it is ``git commit``."""
    from helpers import ROSA_BIN

    real = shutil.which("git")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "git-runs"
    wrapper = bin_dir / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> \'{log}\'\nexec \'{real}\' "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(
        [str(ROSA_BIN), "--records", str(folder), "call", "add", "--caller", "police", "--subject", "other", "--no-prompt"],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stderr
    runs = log.read_text().splitlines()
    assert len(runs) <= 10, runs
    commits = [r for r in runs if r.split()[0] in ("commit", "commit-tree")]
    assert len(commits) == 1 and "--no-verify" not in commits[0] and " -- " not in commits[0], commits
    assert sum(r.startswith("status") for r in runs) == 1, runs
