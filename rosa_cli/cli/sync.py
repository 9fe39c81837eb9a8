"""``rosa sync``: bring in colleagues' records and send yours, never breaking the folder."""

from __future__ import annotations

import sys
from typing import Optional

import click

from rosa_cli.cli.common import EXIT_INVALID, Failure, core_errors, get_folder, problem_line, records_option


@click.command()
@click.option("--remote", default=None, help="The git remote to sync with (default: the branch's upstream, else origin).")
@records_option
@core_errors()
def sync(remote: Optional[str]) -> None:
    """Bring in colleagues' records and send yours.

    Works out the merge itself and checks it before anything in the folder moves.
    A record changed at both offices is merged field by field; a field both changed
    differently is listed by rosa conflicts and settled with rosa resolve, while all
    other commands keep working. A merge with problems is not sent.
    """
    from rosa_cli.core.sync import SyncRefused
    from rosa_cli.core.sync import sync as run_sync

    folder = get_folder()
    try:
        result = run_sync(folder, remote)
    except SyncRefused as exc:
        raise Failure(str(exc), EXIT_INVALID) from None
    except TimeoutError as exc:
        raise Failure(str(exc), EXIT_INVALID) from None
    if result.conflicts:
        click.echo(
            f"Not synced: {len(result.conflicts)} record(s) were changed both here and at the other office "
            "in the same field(s); nothing was brought in or sent, and your records are as they were.",
            err=True,
        )
        for conflict in result.conflicts:
            fields = ", ".join("the whole record" if f["field"] == "*" else f["field"] for f in conflict.fields)
            click.echo(f"  {conflict.record_id}: {fields}", err=True)
        click.echo("See them with: rosa conflicts; settle each with: rosa resolve ID --keep mine|theirs (or --edit); then rosa sync again.", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"Synced: {result.pulled} commit(s) in, {result.pushed} out.", err=True)
    if result.merged:
        click.echo("Merged field by field (changed at both offices): " + ", ".join(sorted(set(result.merged))), err=True)
    if result.held_back:
        click.echo(
            "NOT sent: the records here have problems the other office's copy does not have "
            "(the merge is kept here so you can fix it):",
            err=True,
        )
        for problem in result.held_back:
            click.echo(problem_line(problem))
        click.echo("Fix them with the usual rosa commands (rosa check lists them), then run rosa sync again.", err=True)
        sys.exit(EXIT_INVALID)
    if result.problems:
        click.echo("The records have problems (run rosa check for all of them):", err=True)
        for problem in result.problems:
            click.echo(problem_line(problem))
        sys.exit(EXIT_INVALID)
