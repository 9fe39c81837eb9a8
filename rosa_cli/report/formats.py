"""Text renderers: JSON (the stable shape), CSV (one row per figure), Markdown, HTML (in page.py)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, List, Mapping, Optional

from rosa_cli.core.model import Settings
from rosa_cli.core.outputsafety import markdown_safe, spreadsheet_safe
from rosa_cli.report.sections import (
    ABSENT,
    MEAN,
    SUPPRESSED,
    Section,
    build_sections,
    format_change,
    format_value,
    has_suppressed,
    is_unclean,
    period_label,
    provenance_lines,
    public_line,
    text,
)


def render_json(result: Mapping[str, Any]) -> str:
    """The result as JSON (the shape of docs/json.md), keys in the order computed, UTF-8 text."""
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


CSV_BOM = "\ufeff"


def _csv_value(value: Any, kind: str, comma: bool = False) -> Any:
    if value is ABSENT:
        return ""
    if value is None:
        return SUPPRESSED
    if isinstance(value, float):
        shown = f"{value:.2f}" if kind == MEAN else repr(value)
        return shown.replace(".", ",") if comma else shown
    return value


def render_csv(
    result: Mapping[str, Any],
    settings: Settings,
    lang: Optional[str] = None,
    shelters: Optional[Mapping[str, Any]] = None,
    excel: Optional[bool] = None,
) -> str:
    """One row per figure: ``section,key,label,value,previous``.

    The text starts with a UTF-8 byte-order mark, which is how Excel knows the file
    is UTF-8 (without it æøå come out broken). ``excel`` (default: when the report's
    language is nb) separates cells with ``;`` and writes decimals with a comma, as a
    Norwegian Excel expects; otherwise ``,`` and a decimal point.

    ``section`` is the JSON path of the figure's parent and ``key`` its key there
    (``calls.by_subject``, ``trafficking-first``), so rows match the JSON. Suppressed
    counts are ``:``; means and medians have two decimals; ``previous`` is empty
    without ``--compare``. The first rows give the period and the records' commit; a
    public report starts with ``public`` rows (method, organisation, date made).
    Every cell goes through :func:`spreadsheet_safe`: labels come from ``rosa.yaml`` and
    ``shelters.yaml``, and a label like ``=HYPERLINK(…)`` must not run when opened.
    """
    lang = lang or settings.language
    if excel is None:
        excel = lang == "nb"
    out = io.StringIO()
    out.write(CSV_BOM)
    plain = csv.writer(out, lineterminator="\n", delimiter=";" if excel else ",")

    class _SafeWriter:
        @staticmethod
        def writerow(row):
            plain.writerow([spreadsheet_safe(cell) for cell in row])

    writer = _SafeWriter()
    writer.writerow(["section", "key", "label", "value", "previous"])
    public = result.get("public")
    if isinstance(public, Mapping):
        for key, label in (("method", text("public", lang)), ("suppress_below", "suppress_below"),
                           ("organisation", text("organisation", lang)), ("made", text("generated", lang))):
            if key in public:
                writer.writerow(["public", key, label, public[key], ""])
    period = result.get("period") or {}
    before = (result.get("previous") or {}).get("period") or {}
    for key in ("from", "to"):
        if key in period:
            writer.writerow(["period", key, text("period", lang), period[key], before.get(key, "")])
    records = result.get("records") or {}
    for key in ("commit", "clean"):
        if key in records:
            value = records[key]
            writer.writerow(["records", key, text(key, lang),
                             "" if value is None else str(value).lower() if isinstance(value, bool) else value, ""])
    for section in build_sections(result, settings, lang, shelters):
        for row in section.rows:
            writer.writerow([row.section, row.key, row.label,
                             _csv_value(row.value, row.kind, excel), _csv_value(row.previous, row.kind, excel)])
    return out.getvalue()


def column_headings(result: Mapping[str, Any], lang: str) -> List[str]:
    """The value columns' headings: the period, and with ``--compare`` the previous one and the change."""
    columns = [period_label(result["period"], lang)] if "period" in result else [""]
    previous = result.get("previous")
    if isinstance(previous, dict) and "period" in previous:
        columns += [period_label(previous["period"], lang), text("change", lang)]
    return columns


def row_cells(section: Section, row, compare: bool) -> List[str]:
    """A row's value cells as printed (``:`` suppressed, ``–`` over nobody), matching :func:`column_headings`."""
    cells = [format_value(row.value, row.kind, row.empty)]
    if compare:
        cells += [format_value(row.previous, row.kind, row.empty_previous), format_change(row)]
    return cells


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]"})


def _md_escape(value: Any) -> str:
    """Text made inert in Markdown: HTML escaped (renderers pass raw HTML through), pipes
    kept inside their cell, and link, emphasis and code characters escaped."""
    return markdown_safe(str(value).translate(_MD_SPECIAL))


def render_markdown(
    result: Mapping[str, Any],
    settings: Settings,
    lang: Optional[str] = None,
    provenance: Optional[Mapping[str, Any]] = None,
    shelters: Optional[Mapping[str, Any]] = None,
) -> str:
    """The report as Markdown: a heading, provenance, then one pipe table per section."""
    lang = lang or settings.language
    organisation = (provenance or {}).get("organisation") or settings.organisation
    heading = f"{_md_escape(organisation)} — {text('title', lang).lower()}" if organisation else text("title", lang)
    if "period" in result:
        heading += f" {period_label(result['period'], lang)}"
    lines = [f"# {heading}", ""]
    public = public_line(result, lang)
    for line in provenance_lines(provenance, result, lang):
        lines.append(f"**{_md_escape(line)}**  " if line == public else f"{_md_escape(line)}  ")
    if is_unclean(provenance, result):
        lines += ["", f"> **{_md_escape(text('unclean', lang))}**"]
    lines.append("")
    sections = build_sections(result, settings, lang, shelters)
    columns = column_headings(result, lang)
    compare = len(columns) > 1
    for section in sections:
        lines += [f"## {_md_escape(section.title)}", ""]
        lines.append("| " + " | ".join([""] + [_md_escape(c) for c in columns]) + " |")
        lines.append("|---" + "|---:" * len(columns) + "|")
        for row in section.rows:
            cells = [_md_escape(row.label)] + row_cells(section, row, compare)
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if has_suppressed(sections):
        lines += [_md_escape(text("suppressed_note", lang)), ""]
    return "\n".join(lines)


def render_html(
    result: Mapping[str, Any],
    settings: Settings,
    lang: Optional[str] = None,
    provenance: Optional[Mapping[str, Any]] = None,
    shelters: Optional[Mapping[str, Any]] = None,
    charts: bool = True,
) -> str:
    """One self-contained, printable HTML page: every table, with a chart beside each major one.

    See :mod:`rosa_cli.report.page`; ``charts=False`` leaves matplotlib unimported.
    """
    from rosa_cli.report.page import render_page

    return render_page(result, settings, lang, provenance, shelters, charts=charts)
