"""``rosa agenda``: who needs attention today, in four short lists.

The lists come from :mod:`rosa_cli.core.agenda`; this module only reads the flags
and prints. Table output goes to stdout with one short heading per list; ``--format
json`` prints the same lists as data (ids, shelter keys, dates and numbers only).
"""

from __future__ import annotations

import click

from rosa_cli.cli.common import Failure, core_errors, get_folder, records_option


@click.command()
@click.option("--on", "on", metavar="DATE", help="See the agenda of another day (default today).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@records_option
@core_errors()
def agenda(on: str | None, fmt: str) -> None:
    """Who needs attention: women in a shelter now, stays open longer than
    long_stay_days, reflection periods ending within 30 days, and women in a shelter
    with no call or visit for more than followup_days (all in rosa.yaml)."""
    from rosa_cli.core.agenda import agenda_json, build_agenda
    from rosa_cli.core.dates import DateError, parse_date
    from rosa_cli.core.folder import load_records

    folder = get_folder()
    day = folder.today
    if on:
        try:
            day = parse_date(on, folder.today)
        except DateError as exc:
            raise Failure(f"--on: {exc}") from None
    records = load_records(folder)
    result = build_agenda(records, day)
    if fmt == "json":
        import json

        click.echo(json.dumps(agenda_json(result), indent=2))
    else:
        _print_tables(result, records)
    if records.skipped:
        click.echo(f"warning: {records.skipped} invalid record file(s) left out; run rosa check", err=True)


def _print_tables(result, records) -> None:
    from tabulate import tabulate

    from rosa_cli.cli.render import cell

    def section(title: str, headers, rows) -> None:
        click.echo(f"{title} ({len(rows)})")
        if rows:
            table = tabulate([[cell(v) for v in row] for row in rows], headers=list(headers), tablefmt="simple")
            click.echo("\n".join("  " + line for line in table.splitlines()))
        else:
            click.echo("  none")
        click.echo("")

    click.echo(f"Agenda for {result.on.isoformat()}\n")
    section("In a shelter now", ["woman", "shelter", "since", "nights"],
            [[r.woman, r.shelter, r.since, r.nights] for r in result.in_shelter])
    section(f"Open longer than {result.long_stay_days} days", ["stay", "woman", "shelter", "since", "nights"],
            [[r.stay, r.woman, r.shelter, r.since, r.nights] for r in result.long_stays])
    section("Reflection period ending within 30 days",
            ["woman", "since", "ends", "days left", "shelter"],
            [[r.woman, r.since, r.ends, r.days_left, r.shelter] for r in result.reflection_ending])
    section(f"No call or visit for more than {result.followup_days} days", ["woman", "shelter", "last contact", "days"],
            [[r.woman, r.shelter, r.last_contact or "never", r.days] for r in result.no_contact])
