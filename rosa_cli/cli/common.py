"""What every command shares: finding the records folder, rendering refusals and outcomes.

Conventions (docs/data-model.md and README's command table): a created record's id alone goes to stdout, everything
else to stderr; exit 0 on success, 1 when records are invalid or a check fails, 2 on
bad usage or bad input. No command lets a traceback reach the user for bad input.
"""

from __future__ import annotations

import functools
import sys
from datetime import date
from typing import Callable, Dict, Iterable, Optional

import click

EXIT_INVALID = 1
EXIT_USAGE = 2


class Failure(click.ClickException):
    """A clean, one-line failure with its own exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        # click declares exit_code a class variable but reads it from the instance when it exits
        self.exit_code = exit_code  # type: ignore[misc]  # a per-instance code is what Failure is for

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def records_option(f: Callable) -> Callable:
    """``--records DIR`` on every command (it is also accepted before the command)."""

    def remember(ctx: click.Context, _param, value):
        if value:
            ctx.ensure_object(dict)["records"] = value
        return value

    return click.option(
        "--records",
        "records_dir",
        metavar="DIR",
        expose_value=False,
        callback=remember,
        is_eager=True,
        help="The records folder (else $ROSA_RECORDS, else the nearest folder holding rosa.yaml).",
    )(f)


def get_folder(today: Optional[date] = None, changing: bool = False):
    """The :class:`RecordsFolder` the user meant, or a clean failure saying how to make one.

    ``changing`` commands start asking git for the folder's status at once, so that it
    is ready by the time they commit.
    """
    from rosa_cli.core.folder import RecordsFolder, RecordsNotFound, find_records_root

    ctx = click.get_current_context()
    explicit = None
    level: Optional[click.Context] = ctx
    while level is not None:
        if level.obj and level.obj.get("records"):
            explicit = level.obj["records"]
            break
        level = level.parent
    try:
        root = find_records_root(explicit)
    except RecordsNotFound as exc:
        raise Failure(str(exc)) from None
    folder = RecordsFolder(root, today=today or date.today())
    if changing:
        folder.prefetch_git_status()
    return folder


def resolve_arg(folder, text: str, kinds=("woman",), argument: str = "ID") -> str:
    """The one existing record that ``text`` names: its id in any letter case, a unique
    start of it, or (for women) the private alias — see core/naming.py and
    docs/finding.md. Says on stderr which record was taken when ``text`` was not the id."""
    from rosa_cli.core.naming import resolve_id
    from rosa_cli.i18n import render

    return resolve_id(folder, text, tuple(kinds), argument, notice=lambda message: click.echo(render(message), err=True))


def flag_name(field: str, flags: Optional[Dict[str, str]] = None) -> str:
    """How the user gave a field: ``--first-contact`` for a flag, ``WOMAN`` for an argument."""
    if flags and field in flags:
        return flags[field]
    if field.isupper():
        return field
    return "--" + field.replace("_", "-")


def problem_line(problem) -> str:
    """A :class:`Problem` as ``path:line: [warning: ]message`` in the user's language."""
    from rosa_cli.cli.check import advice
    from rosa_cli.core.model import WARNING
    from rosa_cli.i18n import _, render

    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    prefix = _("warning") + ": " if problem.severity == WARNING else ""
    return f"{where}: {prefix}{render(problem.message)}{advice(problem.message)}"


def refusal_lines(issues: Iterable, flags: Optional[Dict[str, str]] = None):
    """Each refusal as one ``error: …`` line in the user's language."""
    from rosa_cli.cli.check import advice
    from rosa_cli.core.errors import FieldIssue
    from rosa_cli.i18n import _, render

    error = _("error")
    for issue in issues:
        if isinstance(issue, FieldIssue) and not issue.field:
            yield f"{error}: {render(issue.message)}{advice(issue.message)}"
        elif isinstance(issue, FieldIssue):
            yield f"{error}: {flag_name(issue.field, flags)}: {render(issue.message)}{advice(issue.message)}"
        else:
            yield f"{error}: {problem_line(issue)}"


def core_errors(flags: Optional[Dict[str, str]] = None) -> Callable:
    """Turn the core's refusals and git failures into clean messages and exit codes."""

    def decorate(f: Callable) -> Callable:
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            from rosa_cli.core.errors import Refused
            from rosa_cli.core.gitrepo import GitError

            try:
                return f(*args, **kwargs)
            except Refused as exc:
                for line in refusal_lines(exc.issues, flags):
                    click.echo(line, err=True)
                click.echo("Nothing was written.", err=True)
                sys.exit(EXIT_USAGE)
            except GitError as exc:
                raise Failure(str(exc), EXIT_INVALID) from None
            except BrokenPipeError:  # `rosa … | head`: the reader left; not an error
                import os

                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                sys.exit(0)
            except OSError as exc:
                raise Failure(os_error_message(exc), EXIT_INVALID) from None

        return wrapper

    return decorate


def os_error_message(exc: OSError) -> str:
    """The file system's refusal in plain words, naming the problem and the file.

    Writes are atomic (temp file, then rename), so a write that failed left the old file
    as it was: "nothing was written" is true for every changing command.
    """
    import errno

    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full; nothing was written{where}"
    if exc.errno == errno.EROFS:
        return f"the records folder is on a read-only disk; nothing was written{where}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write here; nothing was written{where}"
    return f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")


def report_outcome(outcome, quiet_ids: bool = False) -> None:
    """Print the new ids on stdout; on stderr, one line saying what the command did
    (so a coordinator sees that ``stay close`` closed the stay she meant), then what
    git did."""
    if not quiet_ids:
        for record_id in outcome.ids:
            click.echo(record_id)
    for note in outcome.notes:
        click.echo(note, err=True)
    summary = getattr(outcome, "summary", "")
    if summary:
        click.echo(summary, err=True)
    commit = outcome.commit
    if commit.also_committed:
        click.echo(
            f"note: first committed {len(commit.also_committed)} earlier uncommitted record file(s) "
            "(changed by hand, or left by a failed commit) in a commit of their own: "
            + ", ".join(commit.also_committed),
            err=True,
        )
    if commit.left_uncommitted:
        click.echo(
            f"warning: left {len(commit.left_uncommitted)} earlier uncommitted record file(s) uncommitted, "
            f"{commit.left_reason or 'not valid'}: " + ", ".join(commit.left_uncommitted),
            err=True,
        )
    if commit.warning:
        click.echo(f"warning: {commit.warning}", err=True)


def is_terminal() -> bool:
    return sys.stdin.isatty()
