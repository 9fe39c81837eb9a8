"""Small rendering helpers for listings: plain aligned tables that paste anywhere."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Sequence

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
    click.echo(tabulate([[cell(v) for v in row] for row in rows], headers=[_(str(h)) for h in headers], tablefmt="simple"))


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
