"""Output that a spreadsheet or a browser could run, made inert.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
formula to Excel, LibreOffice and Google Sheets (OWASP, "CSV Injection"): an
organisation or shelter name like ``=HYPERLINK(…)`` in an export would run when a
partner opens the file. Every CSV cell rosa writes goes through
:func:`spreadsheet_safe`; every text rosa puts into Markdown goes through
:func:`markdown_safe`, since Markdown renderers pass raw HTML through.
See docs/privacy.md.
"""

from __future__ import annotations

import html
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet will evaluate.

    Text starting with a formula character gets a leading apostrophe (OWASP's advice;
    spreadsheets show the text as typed). Numbers stay numbers: ``-3`` written by rosa
    as an int is a number, not a formula, so only strings are touched.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def markdown_safe(text: Any) -> str:
    """``text`` with HTML escaped and Markdown table pipes neutralised."""
    return html.escape(str(text), quote=True).replace("|", "\\|")
