"""``rosa service``, ``rosa activity`` and ``rosa website`` (docs/services-activities-website.md).

Services are what a woman was given (an interpreter, a Norwegian course, a doctor's
visit) and who paid; activities are the project's outreach (lectures, seminars,
network meetings); website months hold the site's monthly statistics. The commands
follow ``call add``: flags for scripts, questions on a terminal for what is missing,
the new id alone on stdout.
"""

from __future__ import annotations

import sys

import click

from rosa_cli.cli.advice import with_advice
from rosa_cli.cli.common import (
    EXIT_USAGE,
    Failure,
    core_errors,
    get_folder,
    is_terminal,
    records_option,
    report_outcome,
    resolve_arg,
)
from rosa_cli.i18n import N_, _, render

SERVICE_PLAN = (
    ("woman", None, True),
    ("kind", None, True),
    ("on", "today", True),
    ("to", None, False),
    ("cost", None, False),
    ("paid_by", None, False),
    ("provider", None, False),
    ("completed", None, False),
    ("note", None, False),
)

ACTIVITY_PLAN = (
    ("kind", None, True),
    ("on", "today", True),
    ("days", None, False),
    ("participants", None, False),
    ("audience", None, False),
    ("shelters", None, False),
    ("title", None, False),
)


def _ask(kind: str, raw: dict, plan, folder, resolvers=None) -> dict:
    from rosa_cli.cli.prompts import ask_missing

    try:
        return ask_missing(kind, raw, plan, folder.context(), resolvers=resolvers)
    except (click.Abort, EOFError, KeyboardInterrupt):
        click.echo("\n" + _("Cancelled; nothing was written."), err=True)
        sys.exit(EXIT_USAGE)


def _year_filter(folder, year, start, end):
    from rosa_cli.core.dates import DateError, parse_date

    try:
        first = parse_date(start, folder.today) if start else None
        last = parse_date(end, folder.today) if end else None
    except DateError as exc:
        raise Failure(f"--from/--to: {render(exc.message)}") from None
    return lambda day_first, day_last: not (
        (year is not None and not (day_first.year <= year <= day_last.year))
        or (first and day_last < first)
        or (last and day_first > last)
    )


def _nok(value) -> str:
    from rosa_cli.report.sections import format_nok

    return format_nok(value) if value is not None else ""


# --- service -----------------------------------------------------------------------------------


@click.group(help=N_("Services given to women: interpreter, courses, health, legal aid (tilbud)."))
@records_option
def service() -> None:
    """Services given to women: interpreter, courses, health, legal aid (tilbud)."""


@service.command("add", help=N_("Record a service given to WOMAN (her W-… id); prints the new id."))
@click.argument("woman", required=False)
@click.option("--kind", help=N_("interpreter, doctor, medicine, dental, psychologist, norwegian-course, fitness, hobby-course, vocational-training, legal-aid, travel, other."))
@click.option("--on", help=N_("The date given, or a course's first day (2006-03-14, 14.03.2006, today)."))
@click.option("--to", help=N_("A course's or series' last day."))
@click.option("--cost", help=N_("What it cost, in whole NOK (12500)."))
@click.option("--paid-by", help=N_("project, municipality, state, shelter, ngo, free, other, unknown."))
@click.option("--provider", help=N_("Who gave it: an organisation, never a person's name."))
@click.option("--completed/--not-completed", default=None, help=N_("For courses and training: did she complete it?"))
@click.option("--note", help=N_("Free text: no names, phone numbers or addresses."))
@click.option("--prompt/--no-prompt", "prompt", default=None, help=N_("Ask for missing fields (default: when on a terminal)."))
@records_option
@core_errors()
def service_add(woman, prompt, **raw) -> None:
    """Record a service given to WOMAN (her W-… id); prints the new id."""
    from rosa_cli.core.naming import resolve_id
    from rosa_cli.core.operations import add_service

    folder = get_folder(changing=True)
    if woman:
        raw["woman"] = resolve_id(folder, woman, ("woman",), "WOMAN", notice=lambda m: click.echo(render(m), err=True))
    if prompt is None:
        prompt = is_terminal()
    if prompt:
        resolvers = {"woman": lambda text: resolve_id(
            folder, text, ("woman",), "Woman", notice=lambda m: click.echo(f"  {render(m)}", err=True)
        )}
        raw = _ask("service", raw, SERVICE_PLAN, folder, resolvers)
    report_outcome(add_service(folder, raw))


@service.command("list", help=N_("List services, oldest first; the filters combine."))
@click.option("--woman", help=N_("Only services given to this woman (W-… id)."))
@click.option("--kind", help=N_("Only this kind of service."))
@click.option("--year", type=int, help=N_("Only services given (or running) in this year."))
@click.option("--from", "start", help=N_("Only services running on or after this date."))
@click.option("--to", "end", help=N_("Only services running on or before this date."))
@records_option
@core_errors()
def service_list(woman, kind, year, start, end) -> None:
    """List services, oldest first; the filters combine."""
    from rosa_cli.cli.render import print_table
    from rosa_cli.core.folder import load_records

    folder = get_folder()
    if woman:
        woman = resolve_arg(folder, woman, ("woman",), "woman")
    if kind and kind not in folder.settings.keys("service"):
        raise Failure(_("{flag}: {value!r} is not one of: {keys}").format(flag="--kind", value=kind, keys=", ".join(folder.settings.keys("service"))))
    wanted = _year_filter(folder, year, start, end)
    records = load_records(folder, kinds=("service",))
    rows = []
    for s in sorted(records.services.values(), key=lambda s: (s.on, s.id)):
        if (woman and s.woman != woman) or (kind and s.kind != kind) or not wanted(s.on, s.last_day):
            continue
        done = "" if s.completed is None else (_("yes") if s.completed else _("no"))
        rows.append([s.id, s.woman, s.kind, s.on, s.to, _nok(s.cost), s.paid_by, s.provider, done])
    print_table([_(h) for h in SERVICE_HEADERS], rows)
    if records.skipped:
        click.echo(_("warning: {n} invalid service file(s) left out; run rosa check").format(n=records.skipped), err=True)


SERVICE_HEADERS = (N_("id"), N_("woman"), N_("kind"), N_("on"), N_("to"), N_("cost"), N_("paid by"), N_("provider"), N_("completed"))


# --- activity ----------------------------------------------------------------------------------


@click.group(help=N_("Outreach and network activities: lectures, seminars, meetings (informasjonsarbeid)."))
@records_option
def activity() -> None:
    """Outreach and network activities: lectures, seminars, meetings (informasjonsarbeid)."""


@activity.command("add", help=N_("Record an outreach or network activity; prints the new id."))
@click.option("--kind", help=N_("seminar, conference, network-meeting, lecture, course, meeting, visit, media, other."))
@click.option("--on", help=N_("The date (2006-03-14, 14.03.2006, today)."))
@click.option("--days", help=N_("How long: 0.5 for a half day, 1, 2 …"))
@click.option("--participants", help=N_("How many took part."))
@click.option("--audience", help=N_("Who it was for, comma-separated: shelter, police, public-agency, immigration, ngo, health, education, union, international, public, other."))
@click.option("--shelters", help=N_("How many shelters it served."))
@click.option("--title", help=N_("A short title (no names of persons)."))
@click.option("--ours/--not-ours", "organised_by_us", default=None, help=N_("Organised by the project (default: yes for seminar, conference, network-meeting, course)."))
@click.option("--prompt/--no-prompt", "prompt", default=None, help=N_("Ask for missing fields (default: when on a terminal)."))
@records_option
@core_errors()
def activity_add(prompt, **raw) -> None:
    """Record an outreach or network activity; prints the new id."""
    from rosa_cli.core.operations import add_activity

    folder = get_folder(changing=True)
    if prompt is None:
        prompt = is_terminal()
    if prompt:
        raw = _ask("activity", raw, ACTIVITY_PLAN, folder)
    report_outcome(add_activity(folder, raw))


@activity.command("list", help=N_("List activities, oldest first; the filters combine."))
@click.option("--kind", help=N_("Only this kind of activity."))
@click.option("--year", type=int, help=N_("Only activities in this year."))
@click.option("--from", "start", help=N_("Only activities on or after this date."))
@click.option("--to", "end", help=N_("Only activities on or before this date."))
@records_option
@core_errors()
def activity_list(kind, year, start, end) -> None:
    """List activities, oldest first; the filters combine."""
    from rosa_cli.cli.render import print_table
    from rosa_cli.core.folder import load_records

    folder = get_folder()
    if kind and kind not in folder.settings.keys("activity"):
        raise Failure(_("{flag}: {value!r} is not one of: {keys}").format(flag="--kind", value=kind, keys=", ".join(folder.settings.keys("activity"))))
    wanted = _year_filter(folder, year, start, end)
    records = load_records(folder, kinds=("activity",))
    rows = []
    for a in sorted(records.activities.values(), key=lambda a: (a.on, a.id)):
        if (kind and a.kind != kind) or not wanted(a.on, a.on):
            continue
        rows.append([a.id, a.on, a.kind, a.days, a.participants, ",".join(a.audience), _("yes") if a.ours else _("no"), a.shelters, a.title])
    print_table([_(h) for h in ACTIVITY_HEADERS], rows)
    if records.skipped:
        click.echo(_("warning: {n} invalid activity file(s) left out; run rosa check").format(n=records.skipped), err=True)


ACTIVITY_HEADERS = (N_("id"), N_("on"), N_("kind"), N_("days"), N_("participants"), N_("audience"), N_("ours"), N_("shelters"), N_("title"))


# --- website -----------------------------------------------------------------------------------


@click.group(help=N_("The website's monthly statistics (visits, pages, hits, sites)."))
@records_option
def website() -> None:
    """The website's monthly statistics (visits, pages, hits, sites)."""


@website.command("set", help=N_("Set MONTH's (YYYY-MM) website figures; figures not given keep their value."))
@click.argument("month", metavar=N_("MONTH"))
@click.option("--visits", help=N_("Visits in the month."))
@click.option("--pages", help=N_("Pages viewed."))
@click.option("--hits", help=N_("Hits (files served)."))
@click.option("--sites", help=N_("Distinct visiting sites."))
@records_option
@core_errors(flags={"month": "MONTH"})
@with_advice
def website_set(month, **figures) -> None:
    """Set MONTH's (YYYY-MM) website figures; figures not given keep their value."""
    from rosa_cli.core.operations import set_website

    report_outcome(set_website(get_folder(changing=True), month, figures))


@website.command("list", help=N_("List the website months recorded, oldest first."))
@click.option("--year", type=int, help=N_("Only months of this year."))
@records_option
@core_errors()
def website_list(year) -> None:
    """List the website months recorded, oldest first."""
    from rosa_cli.cli.render import print_table
    from rosa_cli.core.folder import load_records

    folder = get_folder()
    records = load_records(folder, kinds=("website",))
    rows = [[m.month, m.visits, m.pages, m.hits, m.sites] for key, m in sorted(records.website.items())
            if year is None or key.startswith(f"{year}-")]
    print_table([_(h) for h in WEBSITE_HEADERS], rows)


WEBSITE_HEADERS = (N_("month"), N_("visits"), N_("pages"), N_("hits"), N_("sites"))
