"""Drawing charts with matplotlib (imported here only, by the commands that draw).

One :func:`figure` makes the chart for every output — PNG, SVG file, or SVG inline in
the HTML report — so they look the same. matplotlib runs on its Agg backend without
pyplot: no GUI, no display needed. Output is reproducible: SVG ids come from a fixed
hash salt and carry no date, PNG carries no date either.

Each drawn bar is a patch with a ``gid`` of :func:`rosa_cli.charts.bar_gid`
(``bar-<kind>-<current|previous>-<key>``), which the SVG writes as a group ``id`` —
so a test, or a person with an SVG editor, can find every bar. A suppressed value
(``--public``) gets no bar, only a ``:`` where its bar would start.
"""

from __future__ import annotations

import io
import re
from typing import Optional

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402 - after matplotlib.use("Agg"), which must come first
from matplotlib.ticker import MaxNLocator  # noqa: E402

from rosa_cli.charts import CURRENT_COLOUR, PREVIOUS_COLOUR, ChartData, bar_gid, chart_text, safe_id  # noqa: E402
from rosa_cli.report.sections import SUPPRESSED, text  # noqa: E402

WIDTH = 6.4  # inches; fits an A4 column and pastes well into a document
PNG_DPI = 200
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#dddddd"

STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs everywhere
    "font.size": 9.5,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": TEXT_COLOUR,
    "axes.titlesize": 11,
    "text.color": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "svg.hashsalt": "rosa",  # fixed ids: the same records give the same SVG bytes
    "svg.fonttype": "path",  # text as shapes: looks the same without the font installed
    "path.simplify": False,
}


def _format(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def figure(data: ChartData, title: bool = True, footnote: bool = True) -> Figure:
    """The chart as a matplotlib Figure (call inside :func:`style`)."""
    n = max(len(data.keys), 1)
    compare = len(data.series) > 1
    note = footnote and data.has_suppressed
    top = (0.45 + (0.25 if data.public else 0.0)) if title else 0.0
    bottom = (0.3 if compare else 0.0) + (0.35 if note else 0.0)
    if data.horizontal:
        height = 0.9 + n * (0.42 if compare else 0.27) + top + bottom
    else:
        height = 3.4 + top + bottom + (0.5 if _rotate(data) else 0.0)
    fig = Figure(figsize=(WIDTH, max(height, 2.2)), layout="constrained")
    if note:  # keep room at the foot for the note; constrained layout fills the rest
        from matplotlib.layout_engine import ConstrainedLayoutEngine

        engine = fig.get_layout_engine()
        assert isinstance(engine, ConstrainedLayoutEngine)  # layout="constrained" above
        engine.set(rect=(0, 0.35 / max(height, 2.2), 1, 1 - 0.35 / max(height, 2.2)))
    ax = fig.add_subplot()
    ax.set_gid(f"axes-{safe_id(data.kind)}")

    positions = list(range(len(data.keys)))
    top_value = _draw_bars(ax, data, positions, compare)
    if data.horizontal:
        ax.set_yticks(positions, data.labels)
        ax.set_ylim(len(positions) - 0.5, -0.5)  # first category at the top, as in the table
        ax.set_xlim(0, top_value * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(data.value_axis)
        ax.set_ylabel(data.category_axis)
        ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.8)
    else:
        labels, slanted = _tick_labels(data)
        if slanted:
            ax.set_xticks(positions, labels, rotation=40, ha="right", rotation_mode="anchor")
        else:
            ax.set_xticks(positions, labels)
        ax.set_xlim(-0.6, len(positions) - 0.4)
        ax.set_ylim(0, top_value * 1.15)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(data.category_axis)
        ax.set_ylabel(data.value_axis)
        ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not data.keys:
        ax.text(0.5, 0.5, chart_text("nothing", data.lang), transform=ax.transAxes, ha="center", va="center")

    if title:
        heading = f"{data.title} {data.period}".strip()
        if compare:
            heading = f"{data.title}: " + chart_text("compare", data.lang).format(
                current=data.period, previous=data.series[0].label)
        if data.public:  # a published chart says at the top that it is the protected version
            heading += "\n" + data.public
        fig.suptitle(heading, fontweight="bold", fontsize=11.5)
    if compare:
        handles = [_legend_patch(PREVIOUS_COLOUR if s.role == "previous" else CURRENT_COLOUR, s.label)
                   for s in data.series]
        # above the plot, as part of the axes, so the layout makes room for it
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.01), ncols=len(handles),
                  frameon=False, borderaxespad=0)
    if note:
        fig.text(0.01, 0.01, text("suppressed_note", data.lang), fontsize=7, ha="left", va="bottom",
                 wrap=True, color="#555555")
    return fig


def _draw_bars(ax, data: ChartData, positions, compare: bool) -> float:
    """Every series' bars with their value beside them; a ``:`` where a value is
    suppressed. Returns the largest value drawn (1 when there is none)."""
    thickness = 0.4 if compare else 0.65
    shown = [v for s in data.series for v in s.values if v is not None]
    top_value = max(shown, default=0) or 1
    pad = top_value * 0.012
    for index, series in enumerate(data.series):
        offset = (index - (len(data.series) - 1) / 2) * thickness
        colour = CURRENT_COLOUR if series.role == "current" else PREVIOUS_COLOUR
        for pos, key, value in zip(positions, data.keys, series.values):
            where = pos + offset
            if value is None:  # suppressed: no bar, a ":" at the base
                if data.horizontal:
                    ax.text(pad, where, SUPPRESSED, va="center", ha="left", fontsize=9, fontweight="bold")
                else:
                    ax.text(where, pad, SUPPRESSED, va="bottom", ha="center", fontsize=9, fontweight="bold")
                continue
            if data.horizontal:
                (bar,) = ax.barh([where], [value], height=thickness, color=colour, label=series.label)
                ax.text(value + pad, where, _format(value), va="center", ha="left", fontsize=8.5)
            else:
                (bar,) = ax.bar([where], [value], width=thickness, color=colour, label=series.label)
                ax.text(where, value + pad, _format(value), va="bottom", ha="center", fontsize=8.5)
            bar.set_gid(bar_gid(data.kind, series.role, key))
    return top_value


def _legend_patch(colour: str, label: str):
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, label=label)


def _fits(labels) -> bool:
    longest = max(len(line) for label in labels for line in label.split("\n"))
    return len(labels) * (longest * 0.075 + 0.15) <= WIDTH - 0.9


def _wrapped(labels):
    import textwrap

    return ["\n".join(textwrap.wrap(label, max(len(label) // 2 + 1, 6), break_long_words=False,
                                     break_on_hyphens=False)) or label for label in labels]


def _tick_labels(data: ChartData):
    """Category labels for vertical bars: as they are, wrapped on two lines, or slanted."""
    if _fits(data.labels):
        return data.labels, False
    wrapped = _wrapped(data.labels)
    if _fits(wrapped) and all(label.count("\n") <= 1 for label in wrapped):
        return wrapped, False
    return data.labels, True


def _rotate(data: ChartData) -> bool:
    return not data.horizontal and bool(data.labels) and _tick_labels(data)[1]


def style():
    return matplotlib.rc_context(STYLE)


def render(data: ChartData, fmt: str, title: bool = True) -> bytes:
    """The chart as PNG or SVG bytes."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"cannot draw {fmt!r}; use png or svg")
    buffer = io.BytesIO()
    with style():
        fig = figure(data, title=title)
        if fmt == "svg":
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        else:
            fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buffer.getvalue()


_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(data: ChartData, prefix: Optional[str] = None, label: Optional[str] = None) -> str:
    """The chart as an ``<svg>`` element for an HTML page (no title: the page's heading is).

    Its ids are prefixed so that several charts on one page never share one; bar ids
    (``bar-…``) already name their chart and stay as they are.
    """
    buffer = io.StringIO()
    with style():
        fig = figure(data, title=False, footnote=False)
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)  # the RDF block: not needed inline
    # its "*{stroke-linejoin…}" rule would style the whole page: the page's CSS scopes it to
    # its charts (``figure.chart svg *`` in rosa_cli/report/page.py)
    svg = re.sub(r"\s*<style[^>]*>[^<]*</style>", "", svg, count=1)
    prefix = safe_id(prefix or f"chart-{data.kind}")
    ids = {i for i in _ID.findall(svg) if not i.startswith("bar-")}
    if ids:
        svg = re.sub(
            r'(id="|#)([^"\s)]+)(?=["\)])',
            lambda m: f"{m.group(1)}{prefix}-{m.group(2)}" if m.group(2) in ids else m.group(0),
            svg,
        )
    label = label or chart_text("chart_of", data.lang).format(title=data.title)
    from html import escape

    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return svg.strip()
