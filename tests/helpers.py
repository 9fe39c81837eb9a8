"""Plain helpers the tests import: run the real CLI, read git, make records.

Nothing here mocks git or the file system. Fixtures live in ``conftest.py``; this
module holds only functions and constants, imported as ``from helpers import …``
(pytest puts the tests folder on ``sys.path``, as it does for ``conftest``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from click.testing import CliRunner, Result

from rosa_cli.cli.main import main

ROSA_BIN = Path(sys.executable).with_name("rosa")

SHELTERS = {"oslo": "Oslo krisesenter", "bergen": "Bergen krisesenter"}

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Coordinator",
    "GIT_AUTHOR_EMAIL": "coordinator@example.org",
    "GIT_COMMITTER_NAME": "Test Coordinator",
    "GIT_COMMITTER_EMAIL": "coordinator@example.org",
}


def invoke(records: Optional[Path], *args: str, input: Optional[str] = None, env: Optional[Dict[str, Optional[str]]] = None) -> Result:
    """Run ``rosa [--records DIR] ARGS…`` in-process; stdout and stderr kept apart."""
    runner = CliRunner()
    argv: List[str] = []
    if records is not None:
        argv += ["--records", str(records)]
    argv += [str(a) for a in args]
    return runner.invoke(main, argv, input=input, env=env, catch_exceptions=True)


def run_ok(records: Optional[Path], *args: str, input: Optional[str] = None) -> Result:
    """Run a command that must succeed; show everything it said when it does not."""
    result = invoke(records, *args, input=input)
    assert result.exit_code == 0, (
        f"{args}: exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}\n{result.exception!r}"
    )
    return result


def no_traceback(result: Result) -> None:
    assert "Traceback" not in (result.stdout + result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def git(folder: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return result.stdout


def git_state(folder: Path) -> Tuple[List[str], str]:
    """``(git log --format=%s lines, git status --porcelain)`` of a folder."""
    log = git(folder, "log", "--format=%s").splitlines()
    status = git(folder, "status", "--porcelain", "--untracked-files=all")
    return log, status


def git_messages(folder: Path) -> List[str]:
    """Full commit messages (subject and body), newest first."""
    return [m.strip() for m in git(folder, "log", "--format=%B%x00").split("\x00") if m.strip()]


def snapshot(folder: Path) -> Tuple[Dict[str, bytes], List[str], str]:
    """Every file with its bytes, the commit list and git status.

    Outside .git and .rosa-cache: the cache of parsed records and the writer lock may
    change on any run (a refused command may have read records); they are not records.
    """
    files = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts and rel.parts[0] in (".git", ".rosa-cache"):
            continue
        if path.is_file():
            files[rel.as_posix()] = path.read_bytes()
    log = git(folder, "log", "--format=%H %s").splitlines()
    status = "\n".join(
        line for line in git(folder, "status", "--porcelain", "--untracked-files=all", "--ignored").splitlines()
        if ".rosa-cache/" not in line
    )
    return files, log, status


def commit_all(folder: Path, message: str = "hand edit") -> None:
    """Commit hand edits with plain git (as a coordinator might)."""
    git(folder, "add", "--all")
    git(folder, "commit", "--quiet", "-m", message)


def init_records(root: Path, shelters: Dict[str, str] = SHELTERS) -> Path:
    """``rosa init ROOT`` and ``rosa shelter add`` for each shelter."""
    result = invoke(None, "init", str(root))
    assert result.exit_code == 0, result.output
    for key, name in shelters.items():
        result = invoke(root, "shelter", "add", key, "--name", name)
        assert result.exit_code == 0, result.output
    return root


def add_woman(records: Path, *extra: str, nationality: str = "NG", first_contact: str = "2006-01-10") -> str:
    result = run_ok(records, "woman", "add", "--nationality", nationality, "--first-contact", first_contact, *extra)
    return result.stdout.strip()


def open_stay(records: Path, woman_id: str, shelter: str = "oslo", on: str = "2006-02-01", *extra: str) -> str:
    result = run_ok(records, "stay", "open", woman_id, "--shelter", shelter, "--on", on, *extra)
    return result.stdout.strip()


def fodselsnummer_like(day_month_year: str = "010190") -> str:
    """An 11-digit string with valid fødselsnummer control digits, made at run time.

    Add 40 to the day (DD) for a D-number.
    """
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    for individual in range(100, 1000):
        digits = [int(c) for c in day_month_year + str(individual)]
        k1 = 11 - sum(w * n for w, n in zip(w1, digits)) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = 11 - sum(w * n for w, n in zip(w2, digits)) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        digits.append(k2)
        return "".join(map(str, digits))
    raise AssertionError("no valid number found")
