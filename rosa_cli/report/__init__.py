"""Renderers for ``rosa report``: JSON, CSV, Markdown, HTML and rich tables.

All take the result of :func:`rosa_cli.stats.compute_report` (with ``records`` and,
for ``--compare``, ``previous`` added by the caller; after
:func:`rosa_cli.stats.suppress` for ``--public``). The text renderers return a string;
:func:`render_table` prints to a rich console. Labels come from the settings'
vocabularies and :func:`rosa_cli.core.countries.country_name`; section layout is in
:mod:`rosa_cli.report.sections`.

``provenance`` is a small dict shown at the top of a report:
``{"organisation", "from", "to", "generated", "commit", "clean"}`` (all optional;
period and commit fall back to the result's ``period`` and ``records``); a report of
a folder with uncommitted changes (``clean`` false) carries a warning line.
"""

from rosa_cli.report.formats import render_csv, render_html, render_json, render_markdown
from rosa_cli.report.table import render_table

__all__ = ["render_csv", "render_html", "render_json", "render_markdown", "render_table"]
