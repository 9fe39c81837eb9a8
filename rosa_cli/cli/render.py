"""Small rendering helpers for listings: plain aligned tables that paste anywhere."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, List, Optional, Sequence

import click


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        from rosa_cli.i18n import _

        return _("yes") if value else ""
    return str(value)


def field_text(spec, value: Any, settings) -> str:
    """A record field as ``show`` commands print it: a vocabulary key or country code
    with its label in the interface's language (``police (Politi)`` in bokmål,
    ``police (Police)`` in English; ``NG (Nigeria)``). The key stays: it is what the file
    holds and what she types."""
    from rosa_cli.i18n import current_language

    language = current_language()
    if spec.type == "vocab":
        return f"{value} ({settings.label(spec.vocab, value, language)})"
    if spec.type == "country":
        from rosa_cli.core.countries import country_name

        return f"{value} ({country_name(value, language)})"
    return cell(value)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from tabulate import tabulate

    from rosa_cli.i18n import _

    if not rows:
        click.echo(_("(none)"), err=True)
        return
    # headers are English msgids (marked N_ where the listing defines them), shown in the interface language
    cells = [[cell(v) for v in row] for row in rows]
    heads = [_(str(h)) for h in headers]
    align = _column_alignment(cells, len(heads))
    if align is None:  # a column tabulate would treat as decimal numbers: let it decide as always
        click.echo(tabulate(cells, headers=heads, tablefmt="simple"))
    else:
        click.echo(tabulate(cells, headers=heads, tablefmt="simple", disable_numparse=True, colalign=align))


_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_DECIMAL_LIKE = re.compile(r"\s*[-+]?([0-9][0-9_]*)?\.?[0-9_]*([eE][-+]?[0-9]+)?\s*|\s*[-+]?(inf|nan|infinity)\s*|true|false", re.I)


def _column_alignment(cells: Sequence[Sequence[str]], width: int) -> Optional[List[str]]:
    """Each column's alignment, decided once per column instead of by tabulate's guess at
    every cell (which took most of ``woman list``'s time at 100,000 calls): whole numbers
    right, the rest left, as tabulate aligns them, and every cell printed as written. ``None`` when a cell looks like a decimal or a word tabulate
    reads as a number or a boolean (``1e3``, ``2.5``, ``True``), so that table is left to
    tabulate exactly as before."""
    align = []
    for index in range(width):
        column = [row[index] for row in cells if index < len(row) and row[index] != ""]
        whole = bool(column) and all(_WHOLE_NUMBER.fullmatch(text) for text in column)
        if not whole and any(_DECIMAL_LIKE.fullmatch(text) for text in column):
            return None
        align.append("right" if whole else "left")
    return align


def label_cell(settings, vocabulary: str, key: Any) -> str:
    """A vocabulary key in a list, as the folder's label in the interface's language
    (``Politi`` / ``Police``); lists are read by people, files keep the key."""
    if not key:
        return ""
    from rosa_cli.i18n import current_language

    return settings.label(vocabulary, key, current_language())


def nationality_cell(code: Any) -> str:
    """A nationality in a list: the code (``NG``), or ``Ukjent``/``Unknown`` and
    ``Statsløs``/``Stateless`` in the interface's language for the two special values."""
    from rosa_cli.core.countries import SPECIAL_NATIONALITIES
    from rosa_cli.i18n import current_language

    if code in SPECIAL_NATIONALITIES:
        return SPECIAL_NATIONALITIES[code].get(current_language(), code)
    return code or ""
