"""Countries and languages, from pycountry — never a hand-written list.

Records store ISO 3166-1 alpha-2 codes (``NG``) plus the two special values
``unknown`` and ``stateless``; interpreter languages are ISO 639 codes (``en``,
``ro``; a three-letter ISO 639-3 code where the language has no two-letter one).
pycountry is imported lazily: it reads large JSON tables, and ``rosa call add`` must
open its first prompt at once.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Dict, Optional, Tuple

SPECIAL_NATIONALITIES: Dict[str, Dict[str, str]] = {
    "unknown": {"nb": "Ukjent", "en": "Unknown"},
    "stateless": {"nb": "Statsløs", "en": "Stateless"},
}
_GETTEXT_LOCALES = {"nb": "nb_NO", "en": None}


@lru_cache(maxsize=1)
def _alpha2_codes() -> Dict[str, str]:
    import pycountry

    return {c.alpha_2: c.name for c in pycountry.countries}


def is_nationality(code: str) -> bool:
    return code in SPECIAL_NATIONALITIES or code in _alpha2_codes()


def suggest_nationality(text: str) -> Optional[str]:
    """A best guess at the alpha-2 code meant by ``text`` (``NGA``, ``ng``, ``Nigeria``)."""
    import pycountry

    cleaned = text.strip()
    if not cleaned:
        return None
    if cleaned.lower() in SPECIAL_NATIONALITIES:
        return cleaned.lower()
    if cleaned.upper() in _alpha2_codes():
        return cleaned.upper()
    try:
        return pycountry.countries.lookup(cleaned).alpha_2
    except LookupError:
        pass
    names = {name.lower(): code for code, name in _alpha2_codes().items()}
    close = difflib.get_close_matches(cleaned.lower(), list(names), n=1, cutoff=0.8)
    return names[close[0]] if close else None


def normalise_nationality(text: str) -> Tuple[Optional[str], Optional[str]]:
    """``(code, None)`` for a valid entry, else ``(None, error message)`` with a hint."""
    cleaned = str(text).strip()
    if cleaned in SPECIAL_NATIONALITIES or cleaned in _alpha2_codes():
        return cleaned, None
    hint = suggest_nationality(cleaned)
    message = f"{cleaned!r} is not a country code (ISO 3166-1 alpha-2 like NG, or unknown, or stateless)"
    if hint:
        message = f"{cleaned!r} is not a country code; did you mean {hint}?"
    return None, message


@lru_cache(maxsize=4)
def _translation(language: str):
    import gettext

    import pycountry

    locale = _GETTEXT_LOCALES.get(language)
    if not locale:
        return None
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
    except OSError:
        return None


def country_name(code: str, language: str = "nb") -> str:
    """The country's name in ``language`` (``nb`` or ``en``); the code itself if unknown."""
    if code in SPECIAL_NATIONALITIES:
        return SPECIAL_NATIONALITIES[code].get(language, SPECIAL_NATIONALITIES[code]["en"])
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    translation = _translation(language)
    if translation is not None:
        translated = translation.gettext(country.name)
        if translated != country.name:
            return translated
        return translation.gettext(name)
    return name


@lru_cache(maxsize=1)
def _languages() -> Dict[str, str]:
    import pycountry

    codes: Dict[str, str] = {}
    for lang in pycountry.languages:
        if hasattr(lang, "alpha_2"):
            codes[lang.alpha_2] = lang.name
        codes.setdefault(lang.alpha_3, lang.name)
    return codes


def normalise_language(text: str) -> Tuple[Optional[str], Optional[str]]:
    """Accept an ISO 639 code or an English language name; return its shortest code."""
    import pycountry

    cleaned = str(text).strip()
    if cleaned in _languages():
        return cleaned, None
    try:
        found = pycountry.languages.lookup(cleaned)
        hint = getattr(found, "alpha_2", None) or found.alpha_3
    except LookupError:
        hint = None
    if hint:
        return None, f"{cleaned!r} is not a language code; did you mean {hint}?"
    return None, f"{cleaned!r} is not an ISO 639 language code (like en, ro, ru)"


def language_name(code: str) -> str:
    return _languages().get(code, code)
