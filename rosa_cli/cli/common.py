"""What every command shares: finding the records folder, rendering refusals and outcomes.

Conventions (docs/data-model.md and README's command table): a created record's id alone goes to stdout, everything
else to stderr; exit 0 on success, 1 when records are invalid or a check fails, 2 on
bad usage or bad input. No command lets a traceback reach the user for bad input.
"""

from __future__ import annotations

import functools
import sys
from datetime import date
from typing import Callable, Dict, Iterable, Optional, Sequence, Tuple

import click

from rosa_cli.core.messages import N_
from rosa_cli.i18n import LANGUAGES  # light: gettext only; the catalogue loads on first use

EXIT_INVALID = 1
EXIT_USAGE = 2


class Failure(click.ClickException):
    """A clean, one-line failure with its own exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        from rosa_cli.core.messages import Message

        if isinstance(message, Message):  # a core message handed on as it came: shown in the user's language
            from rosa_cli.i18n import render

            message = render(message)
        super().__init__(message)
        # click declares exit_code a class variable but reads it from the instance when it exits
        self.exit_code = exit_code  # type: ignore[misc]  # a per-instance code is what Failure is for

    def show(self, file=None) -> None:
        from rosa_cli.i18n import _

        click.echo(f"{_('error')}: {self.format_message()}", err=True)




def lang_option(f: Callable) -> Callable:
    """``--lang nb|en`` on every command (also before the command): the interface's
    language for this run and, for ``report`` and ``chart``, the labels' language too.

    :meth:`LazyGroup.main` has already chosen the language from the whole command line
    before click parses it (so ``rosa check --help --lang en`` is English); this callback
    keeps the choice where :func:`explicit_language` finds it."""

    def remember(ctx: click.Context, _param, value):
        if value:
            from rosa_cli import i18n

            ctx.ensure_object(dict)["lang"] = value
            i18n.set_language(value)
        return value

    return click.option(
        "--lang",
        "lang",
        type=click.Choice(LANGUAGES),
        expose_value=False,
        callback=remember,
        is_eager=True,
        help=N_("Language of the interface (and of report labels): nb or en (else $ROSA_LANG, the user config, rosa.yaml, nb)."),
    )(f)


def explicit_language() -> Optional[str]:
    """The ``--lang`` given on the command line for this run, if any (``report`` and
    ``chart`` use it for their labels; without it they use the folder's language)."""
    level: Optional[click.Context] = click.get_current_context(silent=True)
    while level is not None:
        if isinstance(level.obj, dict) and level.obj.get("lang"):
            return level.obj["lang"]
        level = level.parent
    return None


def records_option(f: Callable) -> Callable:
    """``--records DIR`` and ``--lang`` on every command (both are also accepted before the command)."""

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
        help=N_("The records folder (else $ROSA_RECORDS, else the nearest folder holding rosa.yaml)."),
    )(lang_option(f))


def scan_arguments(args: Sequence[str]) -> Tuple[Optional[str], Optional[str]]:
    """``(--lang, --records)`` as written anywhere on the command line (before ``--``).

    The language must be known before click parses anything: ``--help`` and usage errors
    come before the option callbacks run, and ``--lang`` may stand after the command."""
    found: Dict[str, Optional[str]] = {"--lang": None, "--records": None}
    items = list(args)
    for index, item in enumerate(items):
        if item == "--":
            break
        for name in found:
            if item == name and index + 1 < len(items):
                found[name] = items[index + 1]
            elif item.startswith(name + "="):
                found[name] = item[len(name) + 1 :]
    return found["--lang"], found["--records"]


def folder_language(explicit_records: Optional[str]) -> Optional[str]:
    """The ``language:`` line of the records folder's rosa.yaml, found as
    :func:`get_folder` finds it, read without loading (or even parsing) the records:
    this runs before every command, including ``--help``."""
    import os
    import re
    from pathlib import Path

    candidates = []
    chosen = explicit_records or os.environ.get("ROSA_RECORDS")
    if chosen:
        candidates = [Path(chosen).expanduser() / "rosa.yaml"]
    else:
        try:
            here = Path.cwd().resolve()
        except OSError:
            return None
        candidates = [folder / "rosa.yaml" for folder in (here, *here.parents)]
    for settings in candidates:
        try:
            with open(settings, encoding="utf-8", errors="replace") as handle:
                text = handle.read(65536)
        except OSError:
            continue
        match = re.search(r"^language:[ \t]*[\"']?([A-Za-z]+)", text, re.MULTILINE)
        return match.group(1).lower() if match else None
    return None


def choose_language(args: Sequence[str]) -> str:
    """The interface language for one run (docs/messages.md): ``--lang``, else
    ``$ROSA_LANG``, else ``language`` in the user's config.toml, else ``language:`` in the
    records folder's rosa.yaml, else bokmål. A value that is not a language is skipped."""
    import os

    explicit, records = scan_arguments(args)
    if explicit in LANGUAGES:
        return explicit
    env = os.environ.get("ROSA_LANG", "").strip().lower()
    if env in LANGUAGES:
        return env
    from rosa_cli.core.userconfig import user_language

    user = user_language()
    if user in LANGUAGES:
        return user
    folder = folder_language(records)
    if folder in LANGUAGES:
        return folder
    return LANGUAGES[0]


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
    except RecordsNotFound:
        raise Failure(records_not_found(explicit)) from None
    folder = RecordsFolder(root, today=today or date.today())
    if changing:
        folder.prefetch_git_status()
    return folder


def records_not_found(explicit: Optional[str]) -> str:
    """Why no records folder was found, and how to make one, in the user's language
    (the same cases as core/folder.py's find_records_root)."""
    import os

    from rosa_cli.i18n import _

    for source, value in (("--records", explicit), ("$ROSA_RECORDS", os.environ.get("ROSA_RECORDS"))):
        if value:
            return _("{source} {value}: no rosa.yaml there; make a records folder with: rosa init {value}").format(
                source=source, value=value
            )
    return _(
        "no records folder found (no rosa.yaml here or above); make one with: rosa init DIR, "
        "then use --records DIR or set ROSA_RECORDS=DIR"
    )


def resolve_arg(folder, text: str, kinds=("woman",), argument: str = "ID") -> str:
    """The one existing record that ``text`` names: its id in any letter case, a unique
    start of it, or (for women) the private alias — see core/naming.py and
    docs/finding.md. Says on stderr which record was taken when ``text`` was not the id."""
    from rosa_cli.core.naming import resolve_id
    from rosa_cli.i18n import render

    return resolve_id(folder, text, tuple(kinds), argument, notice=lambda message: click.echo(render(message), err=True))


def flag_name(field: str, flags: Optional[Dict[str, str]] = None) -> str:
    """How the user gave a field: ``--first-contact`` for a flag, ``WOMAN`` for an argument."""
    from rosa_cli.i18n import _

    if flags and field in flags:
        named = flags[field]
        return _(named) if named.isupper() else named
    if field.isupper():
        return _(field)  # the argument's metavar, as --help shows it
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
                from rosa_cli.i18n import _

                for line in refusal_lines(exc.issues, flags):
                    click.echo(line, err=True)
                click.echo(_("Nothing was written."), err=True)
                sys.exit(EXIT_USAGE)
            except GitError as exc:
                from rosa_cli.i18n import render

                raise Failure(render(exc.args[0]) if exc.args else str(exc), EXIT_INVALID) from None
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

    from rosa_cli.i18n import _

    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("the disk is full; nothing was written") + where
    if exc.errno == errno.EROFS:
        return _("the records folder is on a read-only disk; nothing was written") + where
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("no permission to write here; nothing was written") + where
    return f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")


def report_outcome(outcome, quiet_ids: bool = False) -> None:
    """Print the new ids on stdout; on stderr, one line saying what the command did
    (so a coordinator sees that ``stay close`` closed the stay she meant), then what
    git did."""
    from rosa_cli.i18n import _, ngettext, render

    if not quiet_ids:
        for record_id in outcome.ids:
            click.echo(record_id)
    for note in outcome.notes:
        click.echo(render(note), err=True)
    summary = getattr(outcome, "summary", "")
    if summary:
        click.echo(render(summary), err=True)
    commit = outcome.commit
    if commit.also_committed:
        count = len(commit.also_committed)
        click.echo(
            ngettext(
                "note: first committed {n} earlier uncommitted record file "
                "(changed by hand, or left by a failed commit) in a commit of its own: {files}",
                "note: first committed {n} earlier uncommitted record files "
                "(changed by hand, or left by a failed commit) in a commit of their own: {files}",
                count,
            ).format(n=count, files=", ".join(commit.also_committed)),
            err=True,
        )
    if commit.left_uncommitted:
        count = len(commit.left_uncommitted)
        reason = render(commit.left_reason) if commit.left_reason else _("not valid")
        click.echo(
            ngettext(
                "warning: left {n} earlier uncommitted record file uncommitted, {reason}: {files}",
                "warning: left {n} earlier uncommitted record files uncommitted, {reason}: {files}",
                count,
            ).format(n=count, reason=reason, files=", ".join(commit.left_uncommitted)),
            err=True,
        )
    if commit.warning:
        click.echo(f"{_('warning')}: {render(commit.warning)}", err=True)


def is_terminal() -> bool:
    return sys.stdin.isatty()
