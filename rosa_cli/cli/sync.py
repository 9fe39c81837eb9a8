"""``rosa sync``: pull (rebase) and push the records folder's git remote."""

from __future__ import annotations

import sys

import click

from rosa_cli.cli.common import EXIT_INVALID, Failure, core_errors, get_folder, records_option


@click.command()
@click.option("--remote", default="origin", show_default=True, help="The git remote to sync with.")
@records_option
@core_errors()
def sync(remote: str) -> None:
    """Bring in colleagues' records and send yours: git pull --rebase, then push.

    Refuses when there is no remote or there are uncommitted changes. Stops at a
    real conflict (the same record changed on both sides) and says how to finish.
    After pulling, checks the records and lists any problem the merge brought in.
    """
    from rosa_cli.core.sync import SyncRefused
    from rosa_cli.core.sync import sync as run_sync

    try:
        result = run_sync(get_folder(), remote)
    except SyncRefused as exc:
        raise Failure(str(exc), EXIT_INVALID) from None
    click.echo(f"Synced: {result.pulled} commit(s) in, {result.pushed} out.", err=True)
    if result.problems:
        click.echo("The records now have problems (run rosa check for all of them):", err=True)
        for problem in result.problems:
            click.echo(str(problem))
        sys.exit(EXIT_INVALID)
