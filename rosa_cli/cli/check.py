"""``rosa check``: every problem in the records folder, in one run, as ``path:line: message``.

The core says what is wrong as a coded message (docs/messages.md, docs/message-codes.md); this module also
holds the advice that names a rosa command or a shell command, keyed on those codes,
because only the command line knows its own words.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from rosa_cli.cli.common import EXIT_INVALID, core_errors, get_folder, problem_line, records_option
from rosa_cli.core.messages import N_

# code -> advice appended to the message ("{name}" fields come from the message's values)
ADVICE = {
    "shelter.none_yet": N_("; add one with rosa shelter add"),
    "shelter.retired": N_(" (rosa shelter edit {key} to undo that)"),
    "stay.open_long": N_("; close it with rosa stay close if she has left"),
    "permissions.loose_sample": N_(": chmod -R go-rwx {root}"),
    "website.month_exists": N_(" (change them with rosa website set)"),
}


def advice(message: Any) -> str:
    """The command-line advice for a core message, by its code, in the user's language
    ("" when there is none). Advice for a nested message (a refused field) counts too."""
    from rosa_cli.core.messages import Message
    from rosa_cli.i18n import _

    if not isinstance(message, Message):
        return ""
    template = ADVICE.get(message.code)
    if template is not None:
        try:
            return _(template).format(**message.params)
        except (KeyError, IndexError, ValueError):
            return ""
    return "".join(advice(value) for value in message.params.values() if isinstance(value, Message))


@click.command(help=N_("Check every record: syntax, fields, vocabularies, references, overlaps, privacy, git.\n\n"
                       "Exit 0 when there are no errors (warnings are shown but do not fail), 1 otherwise."))
@records_option
@core_errors()
def check() -> None:
    """Check every record: syntax, fields, vocabularies, references, overlaps, privacy, git.

    Every problem is shown at once (a coordinator fixes a folder in one sitting, not one
    error per run); warnings do not fail, so a folder with an old note to clean up can
    still be used.
    """
    from rosa_cli.core.checking import check_folder
    from rosa_cli.i18n import _

    folder = get_folder()
    result = check_folder(folder)
    for problem in result.problems:
        click.echo(problem_line(problem))  # with its advice (see advice())
    errors = sum(1 for p in result.problems if p.is_error)
    warnings = len(result.problems) - errors
    summary = _("{records} records checked: {errors} error(s), {warnings} warning(s)").format(
        records=result.record_count, errors=errors, warnings=warnings)
    click.echo(summary, err=True)
    if errors:
        sys.exit(EXIT_INVALID)
