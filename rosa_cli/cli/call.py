"""``rosa call add|list``: the phone line's log, one file per call or office visit."""

from __future__ import annotations

import sys

import click

from rosa_cli.cli.common import EXIT_USAGE, core_errors, get_folder, is_terminal, records_option, report_outcome

CALL_PLAN = (
    ("at", "now", True),
    ("channel", "phone", True),
    ("caller", None, True),
    ("subject", None, True),
    ("woman", None, False),
    ("nationality", None, False),
    ("received_by", None, False),
    ("note", None, False),
)


@click.group()
@records_option
def call() -> None:
    """Calls and office visits (henvendelser)."""


@call.command("add")
@click.option("--at", help="When: 2006-03-14 14:10, 14.03.2006 14:10 or now (default now).")
@click.option("--channel", help="phone (default), office, email, other.")
@click.option("--caller", help="Who called: shelter, public-agency, police, immigration, ngo, woman, private-person, other.")
@click.option("--subject", help="trafficking-first, trafficking-followup, project-info, other.")
@click.option("--woman", help="The woman it concerns (W-… id), if she has a record.")
@click.option("--nationality", help="Nationality of the woman it concerns (NG, AL, unknown …).")
@click.option("--received-by", help="Staff initials, or the after-hours shelter.")
@click.option("--note", help="Free text: no names, phone numbers or addresses.")
@click.option("--prompt/--no-prompt", "prompt", default=None, help="Ask for missing fields (default: when on a terminal).")
@records_option
@core_errors()
def call_add(prompt, **raw) -> None:
    """Log a call. On a terminal, asks for what the flags did not give; prints the new id."""
    from rosa_cli.core.operations import add_call

    from rosa_cli.core.naming import resolve_id

    folder = get_folder(changing=True)
    if raw.get("woman"):
        raw["woman"] = resolve_id(folder, raw["woman"], ("woman",), "woman", notice=lambda m: click.echo(m, err=True))
    if prompt is None:
        prompt = is_terminal()
    if prompt:
        from rosa_cli.cli.prompts import ask_missing

        try:
            resolvers = {"woman": lambda text: resolve_id(folder, text, ("woman",), "Woman", notice=lambda m: click.echo(f"  {m}", err=True))}
            raw = ask_missing("call", raw, CALL_PLAN, folder.context(), resolvers=resolvers)
        except (click.Abort, EOFError, KeyboardInterrupt):
            click.echo("\nCancelled; nothing was written.", err=True)
            sys.exit(EXIT_USAGE)
    report_outcome(add_call(folder, raw))


@call.command("list")
@click.option("--year", type=int, help="Only calls in this year.")
@click.option("--subject", help="Only calls with this subject.")
@records_option
@core_errors()
def call_list(year, subject) -> None:
    """List calls, oldest first."""
    from rosa_cli.cli.render import print_table
    from rosa_cli.core.folder import load_records

    folder = get_folder()
    if subject and subject not in folder.settings.keys("subject"):
        from rosa_cli.cli.common import Failure

        raise Failure(f"--subject: {subject!r} is not one of: {', '.join(folder.settings.keys('subject'))}")
    records = load_records(folder, kinds=("call",))
    calls = sorted(records.calls.values(), key=lambda c: c.at)
    rows = [
        [c.id, c.at, c.channel, c.caller, c.subject, c.woman, c.nationality, c.received_by]
        for c in calls
        if (year is None or c.at.year == year) and (subject is None or c.subject == subject)
    ]
    print_table(["id", "at", "channel", "caller", "subject", "woman", "nationality", "received by"], rows)
    if records.skipped:
        click.echo(f"warning: {records.skipped} invalid call file(s) left out; run rosa check", err=True)
