"""The interface's language: gettext catalogues (``rosa_cli/locale``) and rendering of
the core's :class:`~rosa_cli.core.messages.Message` values. See docs/messages.md.

Only the CLI layer imports this module; the core produces messages and never words.
The catalogues are compiled to ``.mo`` when the package is built; a source checkout
without them compiles the ``.po`` files in memory on first use.
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path
from typing import Any, Dict, Optional

from rosa_cli.core.messages import N_, Message  # noqa: F401  (N_ re-exported for the CLI)

LANGUAGES = ("nb", "en")
DEFAULT_LANGUAGE = "nb"
DOMAIN = "rosa"
LOCALE_DIR = Path(__file__).parent / "locale"

_language: Optional[str] = None
_catalogues: Dict[str, Any] = {}


def set_language(language: Optional[str]) -> None:
    """Use ``language`` (``nb`` or ``en``) from now on; ``None`` goes back to the default."""
    global _language
    _language = language if language in LANGUAGES else None


def current_language() -> str:
    """The language in force: the one set by the CLI, else ``$ROSA_LANG``, else bokmål."""
    if _language:
        return _language
    env = os.environ.get("ROSA_LANG", "").strip().lower()
    return env if env in LANGUAGES else DEFAULT_LANGUAGE


def _load(language: str):
    catalogue = _catalogues.get(language)
    if catalogue is not None:
        return catalogue
    mo = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = mo.with_suffix(".po")
    catalogue = _gettext.NullTranslations()
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as handle:
            catalogue = _gettext.GNUTranslations(handle)
    elif po.is_file():
        catalogue = _compile_in_memory(po)
    _catalogues[language] = catalogue
    return catalogue


def _compile_in_memory(po: Path):
    """A source checkout without compiled catalogues: compile the ``.po`` with Babel."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def _(text: str) -> str:
    """``text`` (an English msgid) in the current language."""
    if not text:
        return text
    return _load(current_language()).gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _load(current_language()).ngettext(singular, plural, n)


def render(message: Any) -> str:
    """A core :class:`Message` (or any value) as words in the current language.

    Message values inside the params are rendered too; anything else is ``str()``."""
    if not isinstance(message, Message):
        return str(message)
    if message.plural is not None:
        template = ngettext(message.template, message.plural, message.n if message.n is not None else 1)
    else:
        template = _(message.template)
    params = {key: render(value) if isinstance(value, Message) else value for key, value in message.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return str(message)
