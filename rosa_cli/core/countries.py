"""Countries and languages, from pycountry and babel — never a hand-written list.

Records store ISO 3166-1 alpha-2 codes (``NG``) plus the two special values
``unknown`` and ``stateless``; codes are checked against pycountry (ISO 3166) and
named from babel (CLDR), which has the names a reader expects ("Russland"). Interpreter
languages are ISO 639 codes (``en``, ``ro``; a three-letter ISO 639-3 code where the
language has no two-letter one). Both libraries are imported lazily: they read large
tables, and ``rosa call add`` must open its first prompt at once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, Optional, Tuple

from rosa_cli.core.messages import Message, msg

SPECIAL_NATIONALITIES: Dict[str, Dict[str, str]] = {
    "unknown": {"nb": "Ukjent", "en": "Unknown"},
    "stateless": {"nb": "Statsløs", "en": "Stateless"},
}


@lru_cache(maxsize=1)
def _alpha2_codes() -> Dict[str, str]:
    import pycountry

    return {c.alpha_2: c.name for c in pycountry.countries}


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
    import difflib

    close = difflib.get_close_matches(cleaned.lower(), list(names), n=1, cutoff=0.8)
    return names[close[0]] if close else None


def _folded(text: str) -> str:
    """Compare names without case, accents or spacing: ``Côte d’Ivoire`` = ``cote d'ivoire``."""
    import unicodedata

    text = text.replace("\u2019", "'").replace("\u2018", "'")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@lru_cache(maxsize=1)
def _country_names() -> Dict[str, set]:
    """Every name a coordinator may type for a country, folded: CLDR's Norwegian and
    English names and pycountry's name, common and official names, plus the special
    values in both languages."""
    import pycountry

    names: Dict[str, set] = {}
    for code in _alpha2_codes():
        names.setdefault(code, set())
    for language in ("nb", "en"):
        for code, name in _territory_names(language).items():
            if code in names:
                names[code].add(_folded(name))
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names[country.alpha_2].add(_folded(value))
    for key, labels in SPECIAL_NATIONALITIES.items():
        names[key] = {key} | {_folded(label) for label in labels.values()}
    return names


def match_country(text: str) -> Tuple[Optional[str], list]:
    """What a typed country answer names: ``(code, [])`` for one match, else
    ``(None, [codes…])`` — several when the answer fits more than one country.

    The ISO alpha-2 code in any case (``ng``), a name in Norwegian or English
    (``norge``, ``Storbritannia``, ``Elfenbenskysten``, ``Côte d'Ivoire``), or a
    unique start of a name at least three letters long (``elfenb``).
    """
    cleaned = str(text).strip()
    if not cleaned:
        return None, []
    if cleaned.upper() in _alpha2_codes():
        return cleaned.upper(), []
    wanted = _folded(cleaned)
    names = _country_names()
    exact = sorted(code for code, words in names.items() if wanted in words)
    if len(exact) == 1:
        return exact[0], []
    if exact:
        return None, exact
    if len(wanted) < 3:
        return None, []
    starts = sorted(code for code, words in names.items() if any(w.startswith(wanted) for w in words))
    if len(starts) == 1:
        return starts[0], []
    return None, starts


def _more(several: list) -> object:
    """`` and 3 more`` after the first twelve candidates, or nothing."""
    if len(several) <= 12:
        return ""
    return msg("list.and_more", " and {n} more", n=len(several) - 12)


def _special_by_name() -> Dict[str, str]:
    """``unknown``/``stateless`` by their names in either language (``ukjent``, ``Statsløs``)."""
    return {name.casefold(): key for key, names in SPECIAL_NATIONALITIES.items() for name in (key, *names.values())}


def normalise_nationality(text: str, loose: bool = False) -> Tuple[Optional[str], Optional[Message]]:
    """``(code, None)`` for a valid entry, else ``(None, message)`` with a hint; the
    message's code is ``country.ambiguous``, ``country.suggest`` or ``country.unknown``.

    ``loose`` (what a person typed) also takes a country's name or a unique start of
    one (:func:`match_country`); a record file must hold the code itself.
    """
    cleaned = str(text).strip()
    if cleaned in SPECIAL_NATIONALITIES or cleaned in _alpha2_codes():
        return cleaned, None
    if loose:
        special = _special_by_name().get(cleaned.casefold())
        if special:
            return special, None
        code, several = match_country(cleaned)
        if code is not None:
            return code, None
        if several:
            shown = ", ".join(f"{c} ({country_name(c)})" for c in several[:12])
            return None, msg(
                "country.ambiguous", "{text!r} fits several countries: {shown}{more}; type more of the name, or the code",
                text=cleaned, shown=shown, more=_more(several),
            )
    hint = suggest_nationality(cleaned)
    if hint:
        return None, msg("country.suggest", "{text!r} is not a country code; did you mean {hint}?", text=cleaned, hint=hint)
    return None, msg(
        "country.unknown", "{text!r} is not a country code (ISO 3166-1 alpha-2 like NG, or unknown, or stateless)", text=cleaned
    )


@lru_cache(maxsize=4)
def _territory_names(language: str) -> Dict[str, str]:
    """CLDR's country names from babel: the names people use ("Russland", not
    "Den russiske føderasjon"), in Norwegian bokmål or English."""
    from babel import Locale

    return dict(Locale.parse(language if language in ("nb", "en") else "en").territories)


def country_name(code: str, language: str = "nb") -> str:
    """The country's name in ``language`` (``nb`` or ``en``); the code itself if unknown."""
    if code in SPECIAL_NATIONALITIES:
        return SPECIAL_NATIONALITIES[code].get(language, SPECIAL_NATIONALITIES[code]["en"])
    name = _territory_names(language).get(code)
    if name:
        return name
    return _alpha2_codes().get(code, code)


@lru_cache(maxsize=1)
def _languages() -> Dict[str, str]:
    import pycountry

    codes: Dict[str, str] = {}
    for lang in pycountry.languages:
        if hasattr(lang, "alpha_2"):
            codes[lang.alpha_2] = lang.name
        codes.setdefault(lang.alpha_3, lang.name)
    return codes


@lru_cache(maxsize=1)
def _language_names() -> Dict[str, set]:
    """Folded language names a coordinator may type: CLDR's Norwegian and English
    names (``engelsk``, ``rumensk``), for the codes records may hold."""
    from babel import Locale

    known = _languages()
    names: Dict[str, set] = {}
    for language in ("nb", "en"):
        for code, name in Locale.parse(language).languages.items():
            if code in known:
                names.setdefault(code, set()).add(_folded(name))
    return names


def match_language(text: str) -> Tuple[Optional[str], list]:
    """A typed interpreter language: the code in any case, or the name in Norwegian or
    English, or a unique start of one (three letters or more); ``(None, [codes…])`` else."""
    cleaned = str(text).strip()
    if cleaned.lower() in _languages():
        return cleaned.lower(), []
    wanted = _folded(cleaned)
    names = _language_names()
    exact = sorted(code for code, words in names.items() if wanted in words)
    if len(exact) == 1:
        return exact[0], []
    if exact or len(wanted) < 3:
        return None, exact
    starts = sorted(code for code, words in names.items() if any(w.startswith(wanted) for w in words))
    return (starts[0], []) if len(starts) == 1 else (None, starts)


def normalise_language(text: str, loose: bool = False) -> Tuple[Optional[str], Optional[Message]]:
    """Accept an ISO 639 code or an English language name; return its shortest code.

    ``loose`` (what a person typed) also takes the name in Norwegian (``engelsk``) and
    a unique start of a name; several matches are listed.
    """
    import pycountry

    cleaned = str(text).strip()
    if cleaned in _languages():
        return cleaned, None
    if loose:
        code, several = match_language(cleaned)
        if code is not None:
            return code, None
        if several:
            shown = ", ".join(f"{c} ({language_name(c)})" for c in several[:12])
            return None, msg(
                "language.ambiguous", "{text!r} fits several languages: {shown}{more}; type more of the name, or the code",
                text=cleaned, shown=shown, more=_more(several),
            )
    try:
        found = pycountry.languages.lookup(cleaned)
        hint = getattr(found, "alpha_2", None) or found.alpha_3
    except LookupError:
        hint = None
    if hint:
        return None, msg("language.suggest", "{text!r} is not a language code; did you mean {hint}?", text=cleaned, hint=hint)
    return None, msg("language.unknown", "{text!r} is not an ISO 639 language code (like en, ro, ru)", text=cleaned)


def language_name(code: str) -> str:
    return _languages().get(code, code)
