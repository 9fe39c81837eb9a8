"""``rosa import`` and ``rosa export``: spreadsheets in and out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rosa_cli.cli.common import Failure, core_errors, get_folder, records_option, report_outcome
from rosa_cli.core.messages import N_

KINDS = {"women": "woman", "stays": "stay", "calls": "call", "services": "service", "activities": "activity", "website": "website"}


@click.command("import", help=N_(
    "Import women, stays, calls, services, activities or website months from a CSV file whose columns are field names.\n\n"
    "Every row is checked first; one bad row rejects the file (every bad row is listed by line) and nothing is "
    "written. A good file becomes one commit. The new ids are printed, one per line, in the file's order."))
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@records_option
@core_errors()
def import_cmd(kind: str, file: Path) -> None:
    """All rows or none: a half-imported spreadsheet would leave the coordinator to
    find out by hand which rows made it in."""
    from rosa_cli.core.transfer import import_file
    from rosa_cli.i18n import _

    outcome = import_file(get_folder(changing=True), KINDS[kind], file)
    report_outcome(outcome)
    click.echo(_("Imported {count} {kind}.").format(count=len(outcome.ids), kind=kind), err=True)


OUTPUT_FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}


@click.command("export", help=N_(
    "Write women, stays, calls, services, activities or website months (the import columns), or HTCDS case rows, "
    "to stdout or -o FILE.\n\n"
    "htcds: one row per woman with a first contact or a stay in the period, in the Human Trafficking Case Data "
    "Standard's columns and picklist values, with fresh random case codes and no free text; --mapping shows how "
    "rosa's keys become HTCDS values (docs/sharing.md)."))
@click.argument("kind", type=click.Choice([*KINDS, "htcds"]))
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), help=N_("Output format (default: from -o's extension, else csv)."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=N_("Write to FILE (.csv, .json, .xlsx; created owner-only) instead of stdout."))
@click.option("--year", type=int, help=N_("htcds: a calendar year (default: the current year)."))
@click.option("--from", "from_", metavar="D", help=N_("htcds: first day of the period (inclusive)."))
@click.option("--to", "to_", metavar="D", help=N_("htcds: last day of the period (inclusive)."))
@click.option("--k", "k", type=click.IntRange(min=1), help=N_("htcds: k-anonymise (CTDC uses 11): every combination of citizenship, age, gender, exploitation and year occurs at least k times."))
@click.option("--htcds-only", is_flag=True, help=N_("htcds: leave out the rosa_ columns (facts HTCDS has no field for)."))
@click.option("--mapping", is_flag=True, help=N_("htcds: print how rosa's keys map to HTCDS values, and stop."))
@click.option("--excel/--no-excel", "excel", default=None, help=N_("CSV for a Norwegian Excel: ';' between cells (default: when rosa.yaml's language is nb)."))
@records_option
@core_errors()
def export_cmd(kind: str, fmt, output, year, from_, to_, k, htcds_only, mapping, excel) -> None:
    """The same columns as import, so an export can be edited in a spreadsheet and
    imported into another folder; HTCDS rows for sharing with researchers."""
    from rosa_cli.i18n import _

    htcds_flags = [flag for flag, given in (("--year", year is not None), ("--from", from_), ("--to", to_),
                                            ("--k", k is not None), ("--htcds-only", htcds_only), ("--mapping", mapping)) if given]
    if kind != "htcds" and htcds_flags:
        raise Failure(_("{flag} is for rosa export htcds only").format(flag=htcds_flags[0]))
    if kind == "htcds" and mapping:
        from rosa_cli.core.htcds import mapping_lines
        from rosa_cli.i18n import render

        click.echo("\n".join(render(line) for line in mapping_lines()))
        return
    if fmt is None and output is not None:
        fmt = OUTPUT_FORMATS.get(output.suffix.lower())
        if fmt is None:
            raise Failure("-o: " + _("cannot tell the format from {name}; name it {known}, or give --format").format(
                name=repr(output.name), known=".csv, .json " + _("or") + " .xlsx"))
    fmt = fmt or "csv"
    if fmt == "xlsx" and output is None:
        raise Failure(_("--format xlsx needs -o FILE.xlsx (a workbook is not text for the screen)"))
    if kind == "htcds":
        if fmt == "json":
            raise Failure("--format: " + _("rosa export htcds writes csv or xlsx"))
        data, note = _htcds(fmt, year, from_, to_, k, htcds_only)
        _deliver(data, output)
        click.echo(note, err=True)
        return
    if fmt == "xlsx":
        from rosa_cli.core.transfer import export_table
        from rosa_cli.report.xlsx import table_workbook

        names, rows, skipped = export_table(get_folder(), KINDS[kind])
        data = table_workbook([(kind, names, rows)])
    else:
        from rosa_cli.core.transfer import export_records

        text, skipped = export_records(get_folder(), KINDS[kind], fmt, excel=excel)
        data = text.encode("utf-8")
    _deliver(data, output)
    if skipped:
        click.echo(_("warning") + ": " + _("{count} invalid record file(s) left out; run rosa check").format(count=skipped), err=True)


def _deliver(data: bytes, output) -> None:
    """To stdout, or atomically to a new owner-only file (exports hold case data)."""
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from rosa_cli.core.yamlio import atomic_write_bytes
    from rosa_cli.i18n import _

    try:
        atomic_write_bytes(output, data, mode=0o600)
    except OSError as exc:
        raise Failure("-o: " + _("cannot write {file}: {reason}").format(file=output, reason=exc.strerror)) from None
    click.echo(_("Wrote {file}").format(file=output), err=True)


def _htcds(fmt: str, year, from_, to_, k, htcds_only):
    """The HTCDS export as bytes, and the stderr line saying what k-anonymity did."""
    import csv
    import io

    from rosa_cli.cli.report import load_for_report, resolve_period
    from rosa_cli.core.htcds import people, table
    from rosa_cli.core.outputsafety import spreadsheet_safe
    from rosa_cli.i18n import _, ngettext

    folder = get_folder()
    period = resolve_period(year, from_, to_, folder.today)
    records = load_for_report(folder, force=False)
    persons = people(records, period.start, period.end, folder.today)
    columns, rows, result = table(persons, k, htcds_only)
    if fmt == "xlsx":
        from rosa_cli.report.xlsx import table_workbook

        data = table_workbook([("HTCDS", columns, rows)])
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([spreadsheet_safe(cell) for cell in row])
        data = buffer.getvalue().encode("utf-8")
    note = ngettext("{count} woman exported ({start} to {end})", "{count} women exported ({start} to {end})", len(rows)).format(
        count=len(rows), start=period.start.isoformat(), end=period.end.isoformat())
    if k:
        note += f"; k={k}: " + _("{generalised} row(s) generalised, {dropped} row(s) dropped").format(
            generalised=result.generalised, dropped=result.dropped)
        widened = {"citizenship": _("citizenship to region/empty"), "age": _("age to band/empty"),
                   "exploitation": _("exploitation emptied"), "year": _("year emptied")}
        parts = [f"{label}: {sum(n for level, n in result.levels[name].items() if level)}"
                 for name, label in widened.items()]
        note += " (" + "; ".join(parts) + ")"
    return data, note
