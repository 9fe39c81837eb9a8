"""Excel workbooks (openpyxl, imported lazily): reports, record exports and HTCDS exports.

The ministry, the board and the shelters open everything in Excel, so a workbook must
be what they expect — numbers as numbers, dates as dates — and must never run anything:
openpyxl stores a string starting with ``=`` as a formula, so every text cell here is
forced to a text cell (data_type ``s``). Characters XML cannot hold are taken out of
text rather than letting openpyxl raise.

Every function returns the workbook as bytes; the caller writes it with
:func:`rosa_cli.core.yamlio.atomic_write_bytes` (owner-only, all or nothing).
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _clean_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(sheet, row: int, column: int, value: Any, number_format: Optional[str] = None):
    """One cell: numbers and dates as they are, any text as text (never a formula)."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, str):
        cell = sheet.cell(row=row, column=column)
        cell.value = _clean_text(value)
        cell.data_type = "s"  # "=…" would otherwise be stored as a formula
        return cell
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if number_format:
        cell.number_format = number_format
    return cell


def sheet_title(title: str, taken: set) -> str:
    """A sheet name Excel accepts (31 characters, none of ``[]:*?/\\``), unique in the book."""
    base = _clean_text(_SHEET_BAD.sub(" ", title)).strip().strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_workbook(sheets: Sequence[Tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook of plain tables: each ``(title, header, rows)`` one sheet with a bold header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    taken: set = set()
    for title, header, rows in sheets:
        sheet = book.create_sheet(sheet_title(title, taken))
        for c, name in enumerate(header, start=1):
            put(sheet, 1, c, name).font = Font(bold=True)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    put(sheet, r, c, value)
        sheet.freeze_panes = "A2"
    return _bytes(book)


def _change(row) -> Any:
    from rosa_cli.report.sections import format_change

    shown = format_change(row)
    try:
        return int(shown)
    except ValueError:
        return shown or None


def _about_rows(result: Mapping[str, Any], settings, lang: str, provenance: Mapping[str, Any]) -> List[Tuple[str, Any]]:
    """(label, value) lines of the first sheet: public method, organisation, period, made, commit."""
    from rosa_cli.report.sections import public_line, text

    info: List[Tuple[str, Any]] = []
    public = public_line(result, lang)
    if public:
        info.append((text("public", lang), public.split(": ", 1)[1]))
    period = result.get("period") or {}
    info.append((text("organisation", lang), provenance.get("organisation") or settings.organisation))
    if period:
        info.append((text("period", lang), f"{period.get('from')} – {period.get('to')}"))
    if provenance.get("generated"):
        info.append((text("generated", lang), date.fromisoformat(str(provenance["generated"]))))
    commit = provenance.get("commit", (result.get("records") or {}).get("commit"))
    info.append((text("commit", lang), commit or text("no_commit", lang)))
    return info


def _about_sheet(sheet, info: Sequence[Tuple[str, Any]], notes: Sequence[str]) -> None:
    """The first sheet: bold labels and their values, then the notes a row apart."""
    from openpyxl.styles import Font

    for r, (label, value) in enumerate(info, start=1):
        put(sheet, r, 1, label).font = Font(bold=True)
        put(sheet, r, 2, value)
    for r, note in enumerate(notes, start=len(info) + 2):
        put(sheet, r, 1, note)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60


def _sheet_value(value: Any, empty: bool) -> Any:
    """A figure as its cell holds it: the number, ``:`` when suppressed, ``–`` over nobody, None when absent."""
    from rosa_cli.report.sections import ABSENT, EMPTY, SUPPRESSED

    if value is ABSENT:
        return None
    if value is None:
        return EMPTY if empty else SUPPRESSED
    return value


def _section_sheet(sheet, section, columns: Sequence[str]) -> None:
    """One report section: its title and the value columns' headings, then a row per figure."""
    from openpyxl.styles import Font

    from rosa_cli.report.sections import MEAN

    compare = len(columns) > 1
    put(sheet, 1, 1, section.title).font = Font(bold=True)
    for c, heading in enumerate(columns, start=2):
        put(sheet, 1, c, heading).font = Font(bold=True)
    for r, row in enumerate(section.rows, start=2):
        put(sheet, r, 1, row.label)
        fmt = "0" if row.kind == MEAN else None
        cells = [_sheet_value(row.value, row.empty)]
        if compare:
            cells += [_sheet_value(row.previous, row.empty_previous), _change(row)]
        for c, value in enumerate(cells, start=2):
            if value is not None:
                put(sheet, r, c, value, fmt if isinstance(value, float) else None)
    sheet.column_dimensions["A"].width = 40
    sheet.freeze_panes = "B2"


def report_workbook(
    result: Mapping[str, Any],
    settings,
    lang: str,
    provenance: Mapping[str, Any],
    shelters: Optional[Mapping[str, Any]] = None,
) -> bytes:
    """``rosa report -o FILE.xlsx``: a first sheet saying what the report is, then one
    sheet per report section with the table output's headings and labels.

    The first sheet names the organisation, the period, the day it was made, the
    records' git commit and, for ``--public``, the protection method. A suppressed count
    is the text ``:`` as in every other format; means keep their decimals (shown as
    whole days, as the table prints them).
    """
    from openpyxl import Workbook

    from rosa_cli.report.formats import column_headings
    from rosa_cli.report.sections import build_sections, has_suppressed, is_unclean, text

    book = Workbook()
    about = book.active
    taken: set = set()
    about.title = sheet_title(text("title", lang), taken)
    sections = build_sections(result, settings, lang, shelters)
    notes = [text(key, lang) for key, wanted in (("unclean", is_unclean(provenance, result)),
                                                ("suppressed_note", has_suppressed(sections))) if wanted]
    _about_sheet(about, _about_rows(result, settings, lang, provenance), notes)
    columns = column_headings(result, lang)
    for section in sections:
        _section_sheet(book.create_sheet(sheet_title(section.title, taken)), section, columns)
    return _bytes(book)
