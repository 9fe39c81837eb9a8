"""YAML's scalar and key rules for rosa: one place that says what a plain word means.

rosa reads records with three readers — the fast line reader, PyYAML with a strict
resolver, ruamel.yaml's round-trip loader for edits — and writes them with three
writers — the plain ``key: value`` writer, PyYAML's emitter, ruamel's round-trip
dumper. Before this module each had its own idea of what ``no``, ``null`` or ``007``
is, so the same file could read differently depending on which path touched it. Now
every reader resolves a plain scalar through :func:`plain_tag` / :func:`plain_value`,
reads every mapping key as text, and every writer quotes a string when
:func:`must_quote` says some reader (rosa's or another tool's) would take it for
something else. The rules, in words, are in docs/data-model.md ("YAML rules").

Kept import-free (only ``re`` and ``datetime``): the fast reader calls
:func:`plain_value` once per field of every record of a cold report.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Optional

# YAML tags, as both PyYAML and ruamel spell them
STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
TIMESTAMP = "tag:yaml.org,2002:timestamp"

NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))
TRUE_WORDS = frozenset(("true", "True", "TRUE"))
FALSE_WORDS = frozenset(("false", "False", "FALSE"))
# only plain decimals are numbers: no sign-less leading zeros (``007`` is text, like a
# code), no hex/octal/binary, no underscores, no exponents, no sexagesimal ``1:20``
INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
FLOAT_RE = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$")
# YAML's timestamp (the same in 1.1 and 1.2, as PyYAML and ruamel resolve it)
TIMESTAMP_RE = re.compile(
    r"""^(?:([0-9][0-9][0-9][0-9])-([0-9][0-9])-([0-9][0-9])
    |([0-9][0-9][0-9][0-9]) -([0-9][0-9]?) -([0-9][0-9]?)
     (?:[Tt]|[ \t]+)([0-9][0-9]?)
     :([0-9][0-9]) :([0-9][0-9]) (?:\.[0-9]*)?
     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)


class NotPlain(Exception):
    """The fast reader met a value beyond the plain subset; the full parser must read it."""


def _real_timestamp(match: re.Match[str]) -> Any:
    """The date (or datetime) a timestamp-shaped word names, or None if it names none
    (``2006-02-30``): such a word stays text in every reader, so the field's own check
    can say which field and line is wrong."""
    groups = match.groups()
    try:
        if groups[0] is not None:
            return date(int(groups[0]), int(groups[1]), int(groups[2]))
        year, month, day, hour, minute, second = (int(g) for g in groups[3:9])
        return datetime(year, month, day, hour, minute, second)
    except (ValueError, OverflowError):
        return None


def plain_tag(text: str) -> str:
    """The tag every rosa reader gives the *plain* (unquoted) scalar ``text``.

    ``null``/``~``/nothing is null; only ``true``/``false`` (three casings each) are
    booleans — ``no``, ``on``, ``yes``, Norway's ``NO`` are text; plain decimals
    without leading zeros are ints; ``1.5``-style decimals floats; real ISO dates and
    YAML timestamps are timestamps; everything else is text.
    """
    if text in NULL_WORDS:
        return NULL
    if text in TRUE_WORDS or text in FALSE_WORDS:
        return BOOL
    first = text[0]
    if first in "0123456789":
        match = TIMESTAMP_RE.match(text)
        if match:
            return TIMESTAMP if _real_timestamp(match) is not None else STR
    if first in "-+0123456789.":
        if INT_RE.match(text):
            return INT
        if FLOAT_RE.match(text):
            return FLOAT
    return STR


def plain_value(value: Optional[str]) -> Any:
    """Resolve one plain scalar of the fast reader by :func:`plain_tag`'s rules, or
    raise :class:`NotPlain` for what only the full parser may read (quotes, comments,
    flow syntax, a datetime…). The hot path of a cold report: a few string tests, and
    regular expressions only for values that start like a number."""
    if value is None or value == "":
        return None
    if value != value.strip() or "\t" in value or "#" in value or ": " in value or value.endswith(":"):
        raise NotPlain
    first = value[0]
    if first.isalpha():  # the common case: a word (vocabulary key, id, initials)
        if value in NULL_WORDS:
            return None
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        return value
    if not (first.isdigit() or (first in "+-." and len(value) > 1 and value[1].isdigit())):
        if value == "~":
            return None
        raise NotPlain
    if first.isdigit():
        match = TIMESTAMP_RE.match(value)
        if match:
            if match.group(1) is None:  # a datetime: rare in records; the parser reads it
                raise NotPlain
            found = _real_timestamp(match)
            return value if found is None else found
    if INT_RE.match(value):
        return int(value)
    if FLOAT_RE.match(value):
        return float(value)
    return value


# --- writing: what must be quoted -------------------------------------------------------

# words some YAML reader (rosa's, YAML 1.1 like PyYAML's safe_load, YAML 1.2 like
# ruamel or yq) takes for something other than text, compared in lower case
_OTHER_WORDS = frozenset(
    ("", "~", "null", "true", "false", "y", "yes", "n", "no", "on", "off", "=", "<<", "!", "&", "*")
)
# a superset of every YAML 1.1 and 1.2 number: ints with leading zeros, underscores,
# hex/octal/binary, exponents, sexagesimal 1:20, .inf and .nan
_NUMBERISH = re.compile(
    r"""^[-+]?(?:[0-9_][0-9_:]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
    |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |0[xXoObB][0-9a-fA-F_]+
    |\.(?:inf|Inf|INF|nan|NaN|NAN))$""",
    re.X,
)


def must_quote(text: str) -> bool:
    """True when the string ``text``, written plain, would be read as something other
    than this string by a rosa reader or by a common YAML 1.1 or 1.2 tool. Writers
    quote such a string (``'no'``, ``'007'``, ``'2006-03-14'`` as text, ``'null'``).
    Only about meaning: YAML syntax (a leading ``-``, ``: ``, ``#``…) is the emitter's
    own business."""
    if not text:
        return True
    if plain_tag(text) != STR:
        return True
    if text.lower() in _OTHER_WORDS:
        return True
    if text[0] not in "0123456789+-.":
        return False
    # numbers, and timestamp-shaped text that is no real date (other tools fail on it)
    return _NUMBERISH.match(text) is not None or TIMESTAMP_RE.match(text) is not None


# the shape of a record's field names
FIELD_KEY_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def key_must_quote(text: str) -> bool:
    """Whether a writer quotes the mapping key ``text``. Every rosa reader reads a key
    as text, so a key shaped like a field name (``on``, the date of a service; even
    ``null``) is written plain — that keeps services in the fast reader's plain form.
    Any other key is quoted by :func:`must_quote`'s rule (``'NO'``, ``'1'``, ``'007'``)."""
    return FIELD_KEY_RE.match(text) is None and must_quote(text)
