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
    problems = list(result.problems) + _role_warnings(folder)
    for problem in problems:
        click.echo(problem_line(problem))  # with its advice (see advice())
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    summary = _("{records} records checked: {errors} error(s), {warnings} warning(s)").format(
        records=result.record_count, errors=errors, warnings=warnings)
    click.echo(summary, err=True)
    if errors:
        sys.exit(EXIT_INVALID)


def _role_warnings(folder) -> list:
    """The ``role`` lines of rosa.yaml's vocabularies, checked by the statistics that read
    them (stats/roles.py, docs/data-model.md "Roles"): a renamed first-inquiry subject or
    office-visit channel without its role would count as nothing, so check says so. They
    are warnings: the records themselves are fine."""
    from rosa_cli.core.model import WARNING, Problem
    from rosa_cli.stats.roles import role_issues

    return [Problem("rosa.yaml", None, message, WARNING) for message in role_issues(folder.settings)]
