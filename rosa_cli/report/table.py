"""The terminal report: one rich table per section (rich is imported only when used)."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from rosa_cli.core.model import Settings
from rosa_cli.report.formats import column_headings, row_cells
from rosa_cli.report.sections import build_sections, has_suppressed, is_unclean, provenance_lines, text


def render_table(
    result: Mapping[str, Any],
    settings: Settings,
    lang: Optional[str] = None,
    provenance: Optional[Mapping[str, Any]] = None,
    console: Any = None,
    shelters: Optional[Mapping[str, Any]] = None,
) -> None:
    """Print the report to ``console`` (a rich Console; a new one on stdout if None)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    lang = lang or settings.language
    console = console or Console()
    for line in provenance_lines(provenance, result, lang):
        console.print(line, markup=False, highlight=False)
    if is_unclean(provenance, result):
        console.print(text("unclean", lang), style="bold red", markup=False, highlight=False)
    console.print()
    sections = build_sections(result, settings, lang, shelters)
    columns = column_headings(result, lang)
    compare = len(columns) > 1
    for section in sections:
        # the title on its own line: a title wider than a narrow table must not wrap mid-word
        console.print(Text(section.title, style="bold"))
        table = Table(show_edge=False)
        table.add_column("")
        for column in columns:
            table.add_column(column, justify="right", no_wrap=True)
        for row in section.rows:
            table.add_row(Text(row.label), *(Text(cell) for cell in row_cells(section, row, compare)))
        console.print(table, markup=False, highlight=False)
        console.print()
    if has_suppressed(sections):
        console.print(text("suppressed_note", lang), markup=False, highlight=False)
