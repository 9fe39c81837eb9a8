"""``rosa check``: every problem in the records folder, in one run, as ``path:line: message``."""

from __future__ import annotations

import sys

import click

from rosa_cli.cli.common import EXIT_INVALID, core_errors, get_folder, problem_line, records_option


@click.command()
@records_option
@core_errors()
def check() -> None:
    """Check every record: syntax, fields, vocabularies, references, overlaps, privacy, git.

    Exit 0 when there are no errors (warnings are shown but do not fail), 1 otherwise.
    """
    from rosa_cli.core.checking import check_folder

    folder = get_folder()
    result = check_folder(folder)
    for problem in result.problems:
        click.echo(problem_line(problem))
    errors = sum(1 for p in result.problems if p.is_error)
    warnings = len(result.problems) - errors
    summary = f"{result.record_count} records checked: {errors} error(s), {warnings} warning(s)"
    click.echo(summary, err=True)
    if errors:
        sys.exit(EXIT_INVALID)
