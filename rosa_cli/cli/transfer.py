"""``rosa import`` and ``rosa export``: spreadsheets in and out."""

from __future__ import annotations

from pathlib import Path

import click

from rosa_cli.cli.common import core_errors, get_folder, records_option, report_outcome

KINDS = {"women": "woman", "stays": "stay", "calls": "call", "services": "service", "activities": "activity", "website": "website"}


@click.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@records_option
@core_errors()
def import_cmd(kind: str, file: Path) -> None:
    """Import women, stays, calls, services, activities or website months from a CSV file whose columns are field names.

    Every row is checked first; one bad row rejects the file (every bad row is
    listed by line) and nothing is written. A good file becomes one commit. The new
    ids are printed, one per line, in the file's order.
    """
    from rosa_cli.core.transfer import import_file

    outcome = import_file(get_folder(changing=True), KINDS[kind], file)
    report_outcome(outcome)
    click.echo(f"Imported {len(outcome.ids)} {kind}.", err=True)


@click.command("export")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@records_option
@core_errors()
def export_cmd(kind: str, fmt: str) -> None:
    """Write women, stays, calls, services, activities or website months to stdout as CSV (the import columns) or JSON."""
    from rosa_cli.core.transfer import export_records

    text, skipped = export_records(get_folder(), KINDS[kind], fmt)
    click.echo(text, nl=False)
    if skipped:
        click.echo(f"warning: {skipped} invalid record file(s) left out; run rosa check", err=True)
