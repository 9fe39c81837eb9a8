"""``rosa report``: the annual report's statistics for a period, in several formats.

The numbers come from :func:`rosa_cli.stats.compute_report` — one result structure
— and every format renders that same structure.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from rosa_cli.cli.common import EXIT_INVALID, Failure, core_errors, explicit_language, get_folder, problem_line, records_option
from rosa_cli.core.messages import N_

FORMATS = ("table", "json", "csv", "markdown", "html", "xlsx")
EXTENSIONS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "table", ".xlsx": "xlsx"}


def period_options(f):
    """``--year Y | --from D --to D``, shared by ``report`` and ``chart``."""
    f = click.option("--to", "to_", metavar="D", help=N_("Last day of the period (inclusive)."))(f)
    f = click.option("--from", "from_", metavar="D", help=N_("First day of the period (inclusive; 2006-01-01 or 01.01.2006)."))(f)
    f = click.option("--year", type=int, help=N_("A calendar year (default: the current year)."))(f)
    return f


def resolve_period(year, from_, to_, today: date):
    """The period the flags ask for; a clean usage error when they contradict each other."""
    from rosa_cli.core.dates import DateError, parse_date
    from rosa_cli.i18n import _, render
    from rosa_cli.stats import Period

    if year is not None and (from_ or to_):
        raise Failure(_("give either --year or --from and --to, not both"))
    if year is not None:
        if not 1900 <= year <= 9999:
            raise Failure("--year: " + _("{year} is not a year").format(year=year))
        return Period.year(year)
    if from_ or to_:
        if not (from_ and to_):
            raise Failure(_("--from and --to go together (both dates are inclusive)"))
        days = []
        for flag, value in (("--from", from_), ("--to", to_)):
            try:
                days.append(parse_date(value, today))
            except DateError as exc:
                raise Failure(f"{flag}: {render(exc.args[0] if exc.args else exc)}") from None
        try:
            return Period(*days)
        except ValueError as exc:
            raise Failure(f"--to: {render(exc.args[0] if exc.args else exc)}") from None
    return Period.year(today.year)


def load_for_report(folder, force: bool, years=None):
    """All records (the calls, services and activities of ``years`` only, when given);
    with invalid ones, print the problems and stop unless ``--force``."""
    from rosa_cli.core.folder import load_records
    from rosa_cli.i18n import _

    records = load_records(folder, years=years)
    errors = records.errors
    if errors and not force:
        for problem in errors:
            click.echo(problem_line(problem), err=True)
        raise Failure(
            _("the records have {count} error(s); fix them (rosa check) or use --force to report on the valid records only").format(
                count=len(errors)),
            EXIT_INVALID,
        )
    if errors:
        click.echo(
            _("warning") + ": --force: " + _("{count} error(s) in the records; {skipped} invalid record file(s) left out").format(
                count=len(errors), skipped=records.skipped),
            err=True,
        )
    return records


def gather(folder, period, compare: bool, public: bool, force: bool):
    """Load the records and build the result, asking git for the folder's state meanwhile
    (or taking it from the memo of the last answer, rosa_cli/core/statusmemo.py)."""
    from rosa_cli.core.statusmemo import UncommittedQuery

    if public:
        from rosa_cli.stats.suppress import public_period_refusal

        refusal = public_period_refusal(period.start, period.end, folder.today)
        if refusal:
            from rosa_cli.i18n import render

            raise Failure(render(refusal))
    from rosa_cli.core.summary import span

    folder_state = UncommittedQuery(folder.root, provenance=True)
    # the year folders the figures can come from: the period's, and the previous one's
    previous = period.previous() if compare else None
    years = span(period.start.year, period.end.year, (previous.start.year, previous.end.year) if previous else None)
    records = load_for_report(folder, force, years)
    return records, build_result(folder, records, period, compare, public, folder_state.provenance(records.fingerprint))


def build_result(folder, records, period, compare: bool, public: bool, provenance: dict) -> dict:
    """The one result structure every format renders: figures, provenance, previous period.

    A public result starts with a ``public`` key naming the protection method, the
    organisation and the date it was made, so a published file says what it is.
    """
    from rosa_cli.stats import compute_report, suppress

    figures = compute_report(records, period, folder.today)
    result = {"period": figures.pop("period"), "records": provenance, **figures}
    if compare:
        previous = compute_report(records, period.previous(), folder.today)
        result["previous"] = previous
    if public:
        from rosa_cli.stats.compute import shelter_women
        from rosa_cli.stats.roles import FIRST_INQUIRY, role_key
        from rosa_cli.stats.suppress import METHOD

        threshold = records.settings.suppress_below
        result = suppress(
            result,
            threshold,
            shelter_women(records, period, folder.today),
            shelter_women(records, period.previous(), folder.today) if compare else None,
            first_inquiry=role_key(records.settings, FIRST_INQUIRY),
        )
        header = {"method": METHOD, "suppress_below": threshold,
                  "organisation": records.settings.organisation, "made": folder.today.isoformat()}
        result = {"public": header, **result}
    return result


@click.command(help=N_("The year's statistics: calls, nationalities, admissions, ages, referrers, bed-nights.\n\n"
                       "Periods include both ends: --year 2006 is 2006-01-01 to 2006-12-31. Every report "
                       "names the records' git commit and warns when the folder has uncommitted changes."))
@period_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), help=N_("Output format (default: from -o's extension, else table)."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=N_("Write to FILE instead of the screen."))
@click.option("--compare", is_flag=True, help=N_("Show the previous period of the same length beside each figure."))
@click.option("--public", is_flag=True, help=N_("For publishing: one ended calendar year, small counts (below suppress_below) and any count they could be worked back from hidden."))
@click.option("--force", is_flag=True, help=N_("Report on the valid records even when some are invalid."))
@click.option("--excel/--no-excel", "excel", default=None, help=N_("CSV for a Norwegian Excel: ';' between cells, decimal comma (default: when the report's language is nb)."))
@records_option
@core_errors()
def report(year, from_, to_, fmt, output, compare, public, force, excel) -> None:
    """Every format renders one result structure, so the table on screen, the JSON and
    the workbook can never disagree; the commit named in each lets a figure be traced
    back to the records it was counted from (help text: the decorator's ``help``)."""
    from rosa_cli.i18n import _

    folder = get_folder()
    period = resolve_period(year, from_, to_, folder.today)
    if fmt is None and output is not None:
        fmt = EXTENSIONS.get(output.suffix.lower())
        if fmt is None:
            known = ", ".join(sorted(EXTENSIONS))
            raise Failure("-o: " + _("cannot tell the format from {name}; name it {known}, or give --format").format(
                name=repr(output.name), known=known))
    fmt = fmt or "table"
    if fmt == "xlsx" and output is None:
        raise Failure(_("--format xlsx needs -o FILE.xlsx (a workbook is not text for the screen)"))
    records, result = gather(folder, period, compare, public, force)
    settings = records.settings
    lang = explicit_language() or settings.language  # --lang: the interface's and the labels' language
    prov = {
        "organisation": settings.organisation,
        "generated": folder.today.isoformat(),
        "commit": result["records"]["commit"],
        "clean": result["records"]["clean"],
    }
    if not result["records"]["clean"]:
        click.echo(_("warning") + ": " + _("the records folder has uncommitted changes; this report may not be reproducible from git"), err=True)
    if fmt == "xlsx":
        from rosa_cli.core.yamlio import atomic_write_bytes
        from rosa_cli.report.xlsx import report_workbook

        atomic_write_bytes(output, report_workbook(result, settings, lang, prov, records.shelters), mode=0o600)
        click.echo(_("Wrote {file}").format(file=output), err=True)
        return
    text = _render(fmt, result, settings, lang, prov, records.shelters, output, excel)
    if text is None:
        return
    if output:
        from rosa_cli.core.yamlio import atomic_write

        atomic_write(output, text, mode=0o600)
        click.echo(_("Wrote {file}").format(file=output), err=True)
    else:
        sys.stdout.write(text)


def _render(fmt, result, settings, lang, prov, shelters, output, excel=None):
    from rosa_cli import report as renderers

    if fmt == "json":
        return renderers.render_json(result)
    if fmt == "csv":
        return renderers.render_csv(result, settings, lang, shelters=shelters, excel=excel)
    if fmt == "markdown":
        return renderers.render_markdown(result, settings, lang, prov, shelters=shelters)
    if fmt == "html":
        return renderers.render_html(result, settings, lang, prov, shelters=shelters)
    from rich.console import Console

    if output:
        import io

        buffer = io.StringIO()
        renderers.render_table(result, settings, lang, prov, Console(file=buffer, width=100, no_color=True), shelters=shelters)
        return buffer.getvalue()
    renderers.render_table(result, settings, lang, prov, None, shelters=shelters)
    return None
