"""``rosa agenda``: who needs attention today, in four short lists.

The lists come from :mod:`rosa_cli.core.agenda`; this module only reads the flags
and prints. Table output goes to stdout with one short heading per list; ``--format
json`` prints the same lists as data (ids, shelter keys, dates and numbers only).
"""

from __future__ import annotations

import click

from rosa_cli.cli.common import Failure, core_errors, get_folder, records_option
from rosa_cli.i18n import N_, _, render


@click.command(help=N_(
    "Who needs attention: women in a shelter now, stays open longer than long_stay_days, reflection periods "
    "ending within 30 days, and women in a shelter with no call or visit for more than followup_days (all in rosa.yaml)."
))
@click.option("--on", "on", metavar="DATE", help=N_("See the agenda of another day (default today)."))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help=N_("table for people, json for programs (the same lists as data)."))
@records_option
@core_errors()
def agenda(on: str | None, fmt: str) -> None:
    """The day's lists, so a coordinator starts from who needs her rather than from
    statistics; the lists themselves are computed in core/agenda.py."""
    from rosa_cli.core.agenda import agenda_json, build_agenda
    from rosa_cli.core.dates import DateError, parse_date
    from rosa_cli.core.folder import load_records

    folder = get_folder()
    day = folder.today
    if on:
        try:
            day = parse_date(on, folder.today)
        except DateError as exc:
            raise Failure(f"--on: {render(exc.message)}") from None
    records = load_records(folder)
    result = build_agenda(records, day)
    if fmt == "json":
        import json

        click.echo(json.dumps(agenda_json(result), indent=2))
    else:
        _print_tables(result, records)
    if records.skipped:
        click.echo(_("warning: {n} invalid record file(s) left out; run rosa check").format(n=records.skipped), err=True)


def _print_tables(result, records) -> None:
    from tabulate import tabulate

    from rosa_cli.cli.render import cell
    from rosa_cli.core.agenda import REFLECTION_NOTICE_DAYS

    def section(title: str, headers, rows) -> None:
        click.echo(f"{title} ({len(rows)})")
        if rows:
            table = tabulate([[cell(v) for v in row] for row in rows], headers=[_(h) for h in headers], tablefmt="simple")
            click.echo("\n".join("  " + line for line in table.splitlines()))
        else:
            click.echo("  " + _("none"))
        click.echo("")

    click.echo(_("Agenda for {day}").format(day=result.on.isoformat()) + "\n")
    section(_("In a shelter now"), [N_("woman"), N_("shelter"), N_("since"), N_("nights")],
            [[r.woman, r.shelter, r.since, r.nights] for r in result.in_shelter])
    section(_("Open longer than {n} days").format(n=result.long_stay_days),
            [N_("stay"), N_("woman"), N_("shelter"), N_("since"), N_("nights")],
            [[r.stay, r.woman, r.shelter, r.since, r.nights] for r in result.long_stays])
    section(_("Reflection period ending within {n} days").format(n=REFLECTION_NOTICE_DAYS),
            [N_("woman"), N_("since"), N_("ends"), N_("days left"), N_("shelter")],
            [[r.woman, r.since, r.ends, r.days_left, r.shelter] for r in result.reflection_ending])
    section(_("No call or visit for more than {n} days").format(n=result.followup_days),
            [N_("woman"), N_("shelter"), N_("last contact"), N_("days")],
            [[r.woman, r.shelter, r.last_contact or _("never"), r.days] for r in result.no_contact])
