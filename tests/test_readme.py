"""The README is true: its "A working day" runs, block after block, on a fresh machine.

Every ``sh`` block of that section is run in order by bash, with the real ``rosa``
installed next to this Python, in an empty home folder with a git identity and an
editor that saves nothing. A step that fails fails the test with its output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def working_day_blocks() -> list:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## A working day"): text.index("## The records folder")]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.S)


def test_readme_working_day_runs_in_order(tmp_path):
    blocks = working_day_blocks()
    assert len(blocks) >= 6
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GIT_CONFIG_NOSYSTEM": "1",
        "EDITOR": "true",
        "VISUAL": "true",
        "LC_ALL": "C.UTF-8",
    }
    for key in ("ROSA_RECORDS", "ROSA_ALIASES", "XDG_DATA_HOME"):
        env.pop(key, None)
    subprocess.run(["git", "config", "--global", "user.name", "Test Coordinator"], env=env, check=True)
    subprocess.run(["git", "config", "--global", "user.email", "coordinator@example.org"], env=env, check=True)
    script = "set -euo pipefail\n" + "\n".join(blocks)
    result = subprocess.run(["bash", "-c", script], env=env, cwd=home, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    records = home / "rosa-records"
    log = subprocess.run(["git", "log", "--format=%s"], cwd=records, env=env, capture_output=True, text=True).stdout
    assert "undo void" in log and "stay close" in log


def every_command():
    """``(words, click command)`` for every command and subcommand ``rosa --help`` lists."""
    import click

    from rosa_cli.cli.main import main

    context = click.Context(main)
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        if isinstance(command, click.Group):
            for sub in command.list_commands(context):
                yield f"rosa {name} {sub}", command.get_command(context, sub)
        else:
            yield f"rosa {name}", command


def test_readme_command_table_names_every_command_and_option():
    """The command table cannot drift from the commands: each command and each of its
    long options appears on its row (as sqlite-utils checks its docs against --help)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Commands"): text.index("Exit codes:")]
    rows = [line for line in table.splitlines() if line.startswith("| `rosa")]
    missing = []
    for words, command in every_command():
        row = [r for r in rows if f"`{words}" in r or f", `{words}" in r]
        if not row:
            missing.append(words)
            continue
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ("--help", "--records", "--lang") and not any(opt in r for r in row):
                    missing.append(f"{words} {opt}")
    assert not missing, "README's command table lacks: " + ", ".join(missing)


def test_docs_index_lists_every_doc_and_every_link_resolves():
    """docs/README.md names every file in docs/, and every relative link in the README
    and in docs/ points at a file that exists."""
    docs = README.parent / "docs"
    index = (docs / "README.md").read_text(encoding="utf-8")
    unlisted = [p.name for p in docs.glob("*.md") if f"]({p.name})" not in index]
    assert not unlisted, f"docs/README.md does not list: {unlisted}"
    broken = []
    for page in [README, *docs.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not (page.parent / target).exists():
                broken.append(f"{page.name} -> {target}")
    assert not broken, f"links to missing files: {broken}"


def test_every_test_the_readme_names_exists():
    """A promise in the README is backed by the test it names: each `test_…` there is a
    test function in tests/ (a renamed or deleted test fails here, not silently)."""
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", README.read_text(encoding="utf-8")))
    source = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    missing = sorted(name for name in named if f"def {name}(" not in source)
    assert len(named) > 40 and not missing, missing


def test_code_cites_the_docs_in_the_repository():
    """The contract ships with the code: rosa_cli cites docs/*.md files that exist, and
    never a specification outside the repository."""
    package = README.parent / "rosa_cli"
    cited, outside = set(), []
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        cited |= set(re.findall(r"docs/([a-z0-9-]+\.md)", text))
        if re.search(r"\bSPEC\b", text):
            outside.append(path.relative_to(package).as_posix())
    assert not outside, f"cite docs/ instead of SPEC in: {outside}"
    missing = sorted(name for name in cited if not (README.parent / "docs" / name).is_file())
    assert len(cited) >= 8 and not missing, missing
