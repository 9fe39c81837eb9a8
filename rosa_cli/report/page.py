"""The HTML report: one self-contained, printable page with a chart beside each major table.

Everything is inline — styles in a ``<style>`` element, charts as ``<svg>`` drawn by
:mod:`rosa_cli.charts.draw` — so the page opens from a USB stick or an e-mail without
fetching anything, and prints on A4 (``@media print``: no section split across pages,
each part of the report on a new page). The tables are the same sections as every
other format; the charts are drawn from the same rows, so a ``:`` (suppressed with
``--public``) in a table is a ``:`` without a bar in its chart.
"""

from __future__ import annotations

import html
from typing import Any, Dict, List, Mapping, Optional

from rosa_cli.core.model import Settings
from rosa_cli.report.sections import (
    SUPPRESSED,
    Section,
    build_sections,
    format_change,
    format_value,
    has_suppressed,
    is_unclean,
    period_label,
    provenance_lines,
    text,
)

# sections that begin a new printed page: the parts of the annual report
PART_STARTS = ("admissions", "stays")

CSS = """
:root{--ink:#1a1a1a;--muted:#5a5a5a;--rule:#d4d4d4;--band:#f3f6f9;--accent:#0072B2}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:"DejaVu Sans","Segoe UI",Helvetica,Arial,sans-serif;color:var(--ink);
 max-width:62rem;margin:2rem auto;padding:0 1.5rem;line-height:1.4;font-size:15px}
header{border-bottom:3px solid var(--accent);margin-bottom:1.5rem;padding-bottom:.5rem}
h1{font-size:1.7rem;margin:0 0 .6rem}
h2{font-size:1.2rem;margin:0 0 .6rem;color:var(--ink)}
dl.provenance{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0;
 font-size:.9rem;color:var(--muted)}
dl.provenance dt{font-weight:bold}
dl.provenance dd{margin:0;overflow-wrap:anywhere}
.warn{color:#a00000;font-weight:bold}
section.sec{margin:0 0 2.2rem;padding-top:.2rem}
.body{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}
table{border-collapse:collapse;flex:0 1 auto;font-variant-numeric:tabular-nums}
th,td{padding:.22rem .7rem;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--ink);white-space:nowrap}
tbody tr:nth-child(even){background:var(--band)}
td.n,th.n{text-align:right;white-space:nowrap}
td.s{color:var(--muted)}
figure.chart{flex:1 1 22rem;min-width:18rem;max-width:40rem;margin:0}
figure.chart svg{display:block;width:100%;height:auto}
figure.chart svg *{stroke-linejoin:round;stroke-linecap:butt}
p.note,footer{font-size:.85rem;color:var(--muted)}
footer{border-top:1px solid var(--rule);margin-top:2rem;padding-top:.5rem}
@page{size:A4;margin:14mm 14mm 16mm}
@media print{
 body{max-width:none;margin:0;padding:0;font-size:9.5pt}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 header{margin-bottom:6mm}
 section.sec{break-inside:avoid;page-break-inside:avoid;margin-bottom:7mm}
 section.part{break-before:page;page-break-before:always}
 h2{break-after:avoid;page-break-after:avoid}
 figure.chart{flex:1 1 0;min-width:45%;max-width:none}
 table{flex:0 0 auto;max-width:52%}
 th,td{padding:.12rem .45rem}
}
""".strip()


def _columns(result: Mapping[str, Any], lang: str) -> List[str]:
    columns = [period_label(result["period"], lang)] if "period" in result else [""]
    previous = result.get("previous")
    if isinstance(previous, dict) and "period" in previous:
        columns += [period_label(previous["period"], lang), text("change", lang)]
    return columns


def _cell(value: str) -> str:
    if value == SUPPRESSED:
        return f'<td class="n s">{SUPPRESSED}</td>'
    return f'<td class="n">{html.escape(value)}</td>'


def _table(section: Section, columns: List[str]) -> str:
    esc = html.escape
    compare = len(columns) > 1
    parts = ["<table>", "<thead><tr><th></th>" + "".join(f'<th class="n">{esc(c)}</th>' for c in columns) + "</tr></thead>",
             "<tbody>"]
    for row in section.rows:
        cells = [format_value(row.value, row.kind, row.empty)]
        if compare:
            cells += [format_value(row.previous, row.kind, row.empty_previous), format_change(row)]
        parts.append(f"<tr><td>{esc(row.label)}</td>{''.join(_cell(c) for c in cells)}</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def _charts(result, settings, lang, shelters, sections) -> Dict[str, str]:
    """``{section id: inline <svg>}``; empty when matplotlib is not installed.

    Charts whose figures were drawn before come from the records folder's cache
    (:mod:`rosa_cli.charts.svgcache`): drawing them costs seconds, the report itself less.
    """
    try:
        from rosa_cli.charts import SECTION_KINDS, chart_data
        from rosa_cli.charts.svgcache import inline_svgs
        from rosa_cli.core.cache import loaded_cache_dir
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return {}
    wanted = []
    for section in sections:
        kind = SECTION_KINDS.get(section.id)
        if kind is None:
            continue
        data = chart_data(kind, result, settings, lang, shelters, sections=sections)
        if data.keys:
            wanted.append((section.id, kind, data))
    try:
        svgs = inline_svgs([data for _, _, data in wanted], loaded_cache_dir())
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return {}
    return {sid: f'<figure class="chart" data-kind="{kind}">\n{svg}\n</figure>' for (sid, kind, _), svg in zip(wanted, svgs)}


def render_page(
    result: Mapping[str, Any],
    settings: Settings,
    lang: Optional[str] = None,
    provenance: Optional[Mapping[str, Any]] = None,
    shelters: Optional[Mapping[str, Any]] = None,
    charts: bool = True,
) -> str:
    """The report as one HTML page (see the module docstring)."""
    from rosa_cli import __version__

    lang = lang or settings.language
    esc = html.escape
    organisation = (provenance or {}).get("organisation") or settings.organisation
    title = f"{organisation} — {text('title', lang).lower()}" if organisation else text("title", lang)
    if "period" in result:
        title += f" {period_label(result['period'], lang)}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="rosa {esc(__version__)}">',
        f"<title>{esc(title)}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{esc(title)}</h1>",
    ]
    lines = provenance_lines(provenance, result, lang)
    if lines:
        parts.append('<dl class="provenance">')
        for line in lines:
            label, _, value = line.partition(": ")
            parts.append(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>")
        parts.append("</dl>")
    if is_unclean(provenance, result):
        parts.append(f'<p class="warn">{esc(text("unclean", lang))}</p>')
    parts += ["</header>", "<main>"]
    sections = build_sections(result, settings, lang, shelters)
    columns = _columns(result, lang)
    drawn = _charts(result, settings, lang, shelters, sections) if charts else {}
    for section in sections:
        classes = "sec part" if section.id in PART_STARTS else "sec"
        parts.append(f'<section class="{classes}" id="{esc(section.id)}">')
        parts.append(f"<h2>{esc(section.title)}</h2>")
        parts.append('<div class="body">')
        parts.append(_table(section, columns))
        if section.id in drawn:
            parts.append(drawn[section.id])
        parts.append("</div>")
        parts.append("</section>")
    parts.append("</main>")
    parts.append("<footer>")
    if has_suppressed(sections):
        parts.append(f'<p class="note">{esc(text("suppressed_note", lang))}</p>')
    parts.append(f"<p>rosa {esc(__version__)}</p>")
    parts += ["</footer>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"
