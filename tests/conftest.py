"""Shared fixtures: a real git, a real records folder in tmp_path, the real CLI.

Nothing here mocks git or the file system: tests run ``rosa`` through click's
CliRunner (or a subprocess where a terminal or an editor is needed) against a
records folder made with ``rosa init`` in a temporary folder. The plain helper
functions the tests import are in ``helpers.py``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, List, Tuple

import pytest
from click.testing import Result

from helpers import GIT_IDENTITY, SHELTERS, git_state, init_records, invoke

# test_charts, test_core_library and test_html_report still import these from conftest.
from helpers import add_woman, fodselsnummer_like, no_traceback, open_stay, run_ok  # noqa: F401


@pytest.fixture(autouse=True)
def git_identity(monkeypatch, tmp_path_factory):
    """A git identity and a neutral git configuration, so commits work on any machine."""
    home = tmp_path_factory.mktemp("home")
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.delenv("ROSA_RECORDS", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    for name in ("ROSA_USER", "ROSA_CONFIG", "XDG_CONFIG_HOME"):  # the user's own defaults
        monkeypatch.delenv(name, raising=False)
    # The interface speaks the folder's language (bokmål by default); most tests read its
    # English wording, so they ask for English the way a user would. Tests of the
    # Norwegian interface set ROSA_LANG=nb (or unset it) themselves.
    monkeypatch.setenv("ROSA_LANG", "en")
    return home


@pytest.fixture(autouse=True)
def private_umask():
    """Files the tests write by hand are owner-only, as on a coordinator's machine set up
    with care: ``rosa check`` reports anything others could read, and the tests about
    that make loose files on purpose (chmod)."""
    old = os.umask(0o077)
    yield
    os.umask(old)


@pytest.fixture
def rosa() -> Callable[..., Result]:
    """``rosa(records, *args, input=None, env=None)`` -> click Result."""
    return invoke


@pytest.fixture
def gitstate() -> Callable[[Path], Tuple[List[str], str]]:
    return git_state


@pytest.fixture
def records(tmp_path) -> Path:
    """A fresh records folder (``rosa init``) with two shelters, oslo and bergen."""
    return init_records(tmp_path / "records")


@pytest.fixture
def folder(tmp_path) -> Path:
    """A fresh records folder (``rosa init``) with one shelter, oslo (the promise tests)."""
    return init_records(tmp_path / "records", {"oslo": SHELTERS["oslo"]})


SAMPLE = Path(__file__).resolve().parent.parent / "records"


@pytest.fixture(scope="session")
def sample_records(tmp_path_factory) -> Path:
    """A copy of the project's fictional sample, made once per run, without its
    ``.rosa-cache``: a cache left by an older rosa must never decide an answer.

    Like the sample in the project, the copy is not a git repository of its own but
    sits inside one (so reports name a commit). Tests only read it; a test that changes
    the sample makes its own copy.
    """
    import shutil
    import subprocess

    parent = tmp_path_factory.mktemp("sample")
    copy = parent / "records"
    shutil.copytree(SAMPLE, copy, ignore=shutil.ignore_patterns(".rosa-cache"))
    env = {**os.environ, **GIT_IDENTITY, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "sample"]):
        subprocess.run(["git", *args], cwd=parent, env=env, check=True, capture_output=True)
    return copy
