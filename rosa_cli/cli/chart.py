"""``rosa chart``: one chart of the report as a PNG or SVG file, to paste into a document.

The figures are the report's (:func:`rosa_cli.cli.report.gather`): the same
period flags, ``--compare``, ``--public`` and ``--lang``; matplotlib is imported only
here and in the HTML report.
"""

from __future__ import annotations

from pathlib import Path

import click

from rosa_cli.cli.common import EXIT_USAGE, Failure, core_errors, explicit_language, get_folder, records_option
from rosa_cli.cli.report import gather, period_options, resolve_period
from rosa_cli.core.messages import N_

# kept in step with rosa_cli.charts.KINDS (not imported here, so --help stays quick)
KIND_NAMES = ("calls", "months", "callers", "nationalities", "admitted-nationalities", "ages",
              "referrers", "residence", "durations", "shelters", "services", "costs", "activities", "website")


CHART_HELP = N_("""Draw one chart of the report as PNG or SVG.

\b
KIND is one of:
  calls                   calls by subject
  months                  calls per month
  callers                 calls by who called
  nationalities           nationalities of first-time inquiries
  admitted-nationalities  nationalities of women referred to a safe place
  ages                    age groups of women referred
  referrers               who referred the women
  residence               residence status at intake
  durations               length-of-stay groups
  shelters                bed-nights per shelter
  services                women given each kind of service
  costs                   costs per kind of service
  activities              outreach activities per month
  website                 website visits per month

Example: rosa chart calls --year 2006 --compare -o calls-2006.png""")


@click.command(help=CHART_HELP)
@click.argument("kind", metavar="KIND", required=False)
@period_options
@click.option("-o", "--output", metavar="FILE.png|FILE.svg", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("The file to write; its extension (.png or .svg) chooses the format."))
@click.option("--compare", is_flag=True, help=N_("Draw the previous period of the same length beside this one."))
@click.option("--public", is_flag=True, help=N_("For publishing: one ended calendar year; hidden counts (as in report --public) get no bar."))
@click.option("--force", is_flag=True, help=N_("Draw from the valid records even when some are invalid."))
@records_option
@core_errors()
def chart(kind, year, from_, to_, output, compare, public, force) -> None:
    """One chart of the report's figures, for a document; the help text is CHART_HELP
    (kept translatable), the figures are exactly the report's."""
    from rosa_cli.i18n import _

    if kind is None:
        raise Failure(_("name the chart to draw, one of: {kinds}").format(kinds=", ".join(KIND_NAMES)), EXIT_USAGE)
    if kind not in KIND_NAMES:
        raise Failure(_("unknown chart {kind}; choose one of: {kinds}").format(kind=repr(kind), kinds=", ".join(KIND_NAMES)), EXIT_USAGE)
    if output is None:
        raise Failure(_("give the file to write with -o FILE.png or -o FILE.svg"), EXIT_USAGE)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        suffix = output.suffix or _("a file without extension")
        raise Failure(f"-o {output}: " + _("a chart is written as .png or .svg, not {suffix}").format(suffix=suffix), EXIT_USAGE)
    folder = get_folder()
    period = resolve_period(year, from_, to_, folder.today)
    records, result = gather(folder, period, compare, public, force)
    if not result["records"]["clean"]:
        click.echo(_("warning") + ": " + _("the records folder has uncommitted changes; this chart may not be reproducible from git"), err=True)

    from rosa_cli.charts import chart_data
    from rosa_cli.charts.draw import render
    from rosa_cli.core.yamlio import atomic_write_bytes

    data = chart_data(kind, result, records.settings, explicit_language() or records.settings.language, shelters=records.shelters)
    atomic_write_bytes(output, render(data, fmt), mode=0o600)
    click.echo(_("Wrote {file}").format(file=output), err=True)
