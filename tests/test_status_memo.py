"""The remembered ``git status`` answer is given again only while nothing git looks at
changed (rosa_cli/core/statusmemo.py, issue 16).

The oracle is rosa without its cache (``ROSA_NO_CACHE=1``: git is asked every time).
After every step of random sequences of what people and git do to a records folder —
a hand edit, a new untracked record, ``git add``, a commit, ``git reset --soft``,
``git rm --cached``, a restore, a touch, an ignore rule — ``rosa check`` and the
report's provenance (commit, clean) must be byte for byte what the oracle says.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rosa_cli.cli.main import main
from rosa_cli.core import gitrepo, statusmemo

SAMPLE = Path(__file__).resolve().parent.parent / "records"
IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def _git(folder: Path, *args: str) -> str:
    env = {**os.environ, **IDENTITY, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def own_copy(tmp_path) -> Path:
    """The fictional sample as a records folder of its own (a git repository)."""
    folder = tmp_path / "records"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".rosa-cache"))
    (folder / ".gitignore").write_text("/.rosa-cache/\n")
    # files written an hour ago, as a real folder's are: within git's own clock tick
    # every status would rewrite its index ("racily clean" entries), and nothing be kept
    hour_ago = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (hour_ago, hour_ago))
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "sample")
    subprocess.run(["chmod", "-R", "go-rwx", str(folder)], check=True)  # as a real records folder is
    return folder


def _run(folder: Path, *args: str, cache: bool) -> str:
    env = {"ROSA_NO_CACHE": None if cache else "1", "ROSA_PARALLEL_MIN_FILES": "1000000"}
    result = CliRunner().invoke(main, ["--records", str(folder), *args], env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"


def _provenance(folder: Path, cache: bool) -> str:
    out = _run(folder, "report", "--year", "2006", "--format", "json", "--force", cache=cache)
    body = out.split("\n", 1)[1]
    return json.dumps(json.loads(body[body.index("{"):body.rindex("}") + 1])["records"], sort_keys=True)


def _assert_same(folder: Path, step: str) -> None:
    oracle = (_run(folder, "check", cache=False), _provenance(folder, cache=False))
    for turn in ("first", "second", "third"):  # the first run may ask git and remember; later ones recall
        assert (_run(folder, "check", cache=True), _provenance(folder, cache=True)) == oracle, f"after {step} ({turn} run)"


def _record(folder: Path, rng: random.Random) -> Path:
    return rng.choice(sorted(folder.glob("calls/*/*.yaml")) + sorted(folder.glob("women/*.yaml")))


def _hand_edit(folder, rng):
    path = _record(folder, rng)
    path.write_text(path.read_text(encoding="utf-8") + "note: edited by hand\n" if "note:" not in path.read_text(encoding="utf-8")
                    else path.read_text(encoding="utf-8").replace("note:", "note: x", 1), encoding="utf-8")
    return "hand edit"


def _same_size_edit(folder, rng):
    path = _record(folder, rng)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    i = text.index("\n") - 1
    path.write_text(text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:], encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    return "same-size edit, old mtime"


def _new_untracked(folder, rng):
    source = sorted(folder.glob("women/*.yaml"))[0]
    new = "W-2006-" + "".join(rng.choice("ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(5))
    (folder / "women" / f"{new}.yaml").write_text(re.sub(r"^id: .*$", f"id: {new}", source.read_text(encoding="utf-8"), count=1, flags=re.M),
                                                  encoding="utf-8")
    return "new untracked record"


def _add_all(folder, rng):
    _git(folder, "add", "-A")
    return "git add -A"


def _commit(folder, rng):
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "--allow-empty", "-m", "step")
    return "commit"


def _reset_soft(folder, rng):
    if len(_git(folder, "rev-list", "HEAD").split()) > 1:
        _git(folder, "reset", "-q", "--soft", "HEAD~1")
    return "reset --soft"


def _rm_cached(folder, rng):
    tracked = _git(folder, "ls-files", "calls").split()
    _git(folder, "rm", "-q", "--cached", rng.choice(tracked))
    return "rm --cached"


def _restore(folder, rng):
    _git(folder, "checkout", "-q", "--", ".")
    return "checkout -- ."


def _touch(folder, rng):
    os.utime(_record(folder, rng))
    return "touch"


def _ignore(folder, rng):
    exclude = folder / ".git" / "info" / "exclude"
    exclude.parent.mkdir(exist_ok=True)
    exclude.write_text(exclude.read_text() + "women/W-2006-*.yaml\n" if exclude.exists() else "women/W-2006-*.yaml\n")
    return "ignore rule"


def _edit_then_list(folder, rng):
    """A hand edit, then a command that refreshes the records cache without asking git
    (``woman list``): every folder is then as cached, but not as when git was asked."""
    path = sorted(folder.glob("women/*.yaml"))[rng.randrange(5)]
    path.write_text(path.read_text(encoding="utf-8") + "note: by hand\n", encoding="utf-8")
    time.sleep(0.02)
    _run(folder, "woman", "list", cache=True)
    return "hand edit, then woman list"


STEPS = [_edit_then_list, _hand_edit, _same_size_edit, _new_untracked, _add_all, _commit, _reset_soft, _rm_cached, _restore, _touch, _ignore]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_remembered_status_equals_git_after_random_steps(own_copy, seed):
    rng = random.Random(seed)
    _assert_same(own_copy, "nothing")
    assert (own_copy / ".rosa-cache" / statusmemo.MEMO_FILE).is_file()
    for _ in range(6):
        done = rng.choice(STEPS)(own_copy, rng)
        time.sleep(0.02)  # past the clock tick: the changed files are cacheable
        _assert_same(own_copy, done)


def test_every_step_once(own_copy):
    rng = random.Random(16)
    _assert_same(own_copy, "nothing")
    for step in STEPS:
        done = step(own_copy, rng)
        time.sleep(0.02)
        _assert_same(own_copy, done)


def test_git_is_not_asked_while_nothing_changed(own_copy, monkeypatch):
    for _ in range(3):  # the cache and the memo are made (git settles its fresh index first)
        _run(own_copy, "check", cache=True)
    asked = []
    real = gitrepo.folder_status
    monkeypatch.setattr(gitrepo, "folder_status", lambda root: asked.append(root) or real(root))
    assert "records checked" in _run(own_copy, "check", cache=True)
    assert asked == []
    path = sorted(own_copy.glob("women/*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "note: by hand\n", encoding="utf-8")
    out = _run(own_copy, "check", cache=True)
    assert asked and "uncommitted change" in out and path.name in out


def test_a_status_raced_by_git_add_is_not_remembered(own_copy, monkeypatch):
    """git's state changed while git status ran (here: a file staged meanwhile): the
    answer belongs to neither state, so it is not kept."""
    _run(own_copy, "check", cache=True)
    memo = own_copy / ".rosa-cache" / statusmemo.MEMO_FILE
    memo.unlink(missing_ok=True)
    path = sorted(own_copy.glob("women/*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "note: by hand\n", encoding="utf-8")
    real = gitrepo.folder_status

    def status_then_add(root):
        found = real(root)
        _git(own_copy, "add", "-A")
        return found

    monkeypatch.setattr(gitrepo, "folder_status", status_then_add)
    _run(own_copy, "check", cache=True)
    assert not memo.exists()


def test_no_memo_without_a_repository_of_its_own(sample_records):
    assert "records" in _run(sample_records, "check", cache=True)
    assert not (sample_records / ".rosa-cache" / statusmemo.MEMO_FILE).exists()
