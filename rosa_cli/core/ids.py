"""Record ids and shelter keys: the only names a command line may use to reach a file.

An id is ``PREFIX-YEAR-RANDOM`` (``W-2006-K7Q2X``): prefix W woman, S stay, C call,
T service, A activity; a four-digit year; a random part of Crockford base32
upper-case letters and digits (no I, L, O, U). Ids are random rather than sequential
so that two offline clones practically never make the same one (25 random bits each).

Why so strict: an id becomes a file name. Anything looser let ``../rosa`` or
``../../other/women/W-…`` reach files outside the records folder, and let a name or a
birth date sit in a file name and in every commit message. So an id never holds a
``/``, a dot, lower-case letters or a run of six or more digits (a birth date or an
identity number could hide there), whoever gives it: rosa, ``--id``, an import.
Legacy codes that the first specification allowed (any ``[A-Za-z0-9-]`` with the prefix) are
refused: give such a record a fresh id and keep the old code in the note if needed.

New records are claimed and written in one atomic step (see
:func:`rosa_cli.core.yamlio.link_new`): the record file appears complete or not at all,
and a taken id is noticed by ``link`` failing, so two commands never clash.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Callable, Optional, Sequence, Tuple

from rosa_cli.core.messages import Message, msg

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARS = 5  # 25 bits: at least 20 for women and stays, 25 for calls (docs/data-model.md)
PREFIXES = {"woman": "W", "stay": "S", "call": "C", "service": "T", "activity": "A"}
KINDS_BY_PREFIX = {prefix: kind for kind, prefix in PREFIXES.items()}
# the random part: 4 (20 bits) to 8 Crockford characters
ID_GRAMMAR = re.compile(r"^([WSCTA])-([0-9]{4})-([0-9A-HJKMNP-TV-Z]{4,8})$")
SHELTER_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LONG_DIGITS = re.compile(r"[0-9]{6,}")

# What each kind of record is called in a message (translated by the CLI like any message).
KIND_NOUNS = {
    "woman": msg("kind.woman", "woman"),
    "stay": msg("kind.stay", "stay"),
    "call": msg("kind.call", "call"),
    "service": msg("kind.service", "service"),
    "activity": msg("kind.activity", "activity"),
}


def kind_noun(kind: str) -> Message:
    """``woman``, ``stay`` … as a message, so that ``kvinne``, ``opphold`` … in bokmål."""
    return KIND_NOUNS.get(kind) or msg("kind.other", "{kind}", kind=kind)


def kinds_or(kinds: Sequence[str]) -> Message:
    """``woman or stay or call`` as one message (each noun and each "or" translated)."""
    if not kinds:
        return msg("kind.record", "record")
    said = kind_noun(kinds[-1])
    for kind in reversed(kinds[:-1]):
        said = msg("kind.either", "{first} or {second}", first=kind_noun(kind), second=said)
    return said


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def random_part(chars: int = RANDOM_CHARS) -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(chars))


def make_id(kind: str, year: int) -> str:
    """A fresh id (five random characters: never a run of six digits)."""
    return f"{PREFIXES[kind]}-{year:04d}-{random_part()}"


def id_problem(kind: str, record_id: object) -> Optional[Message]:
    """Why ``record_id`` is not a valid id for ``kind``, or None when it is.

    The one grammar for ids wherever they come from: a record's ``id:`` field, ``--id``,
    an import's id column, a command-line argument.
    """
    prefix = PREFIXES[kind]
    text = str(record_id)
    shown = _shown(text)
    match = ID_GRAMMAR.match(text)
    if not match or match.group(1) != prefix:
        return msg(
            "id.malformed",
            "id {id!r} is not a {kind} id (like {prefix}-2006-K7Q2X: {prefix}, a year, a random part of A-Z and 0-9 without I, L, O, U)",
            id=shown, kind=kind_noun(kind), prefix=prefix,
        )
    if _LONG_DIGITS.search(match.group(3)):
        return msg("id.long_digits", "id {id!r} holds a run of six or more digits; ids must not carry dates or numbers", id=shown)
    return None


def shelter_key_problem(key: object) -> Optional[Message]:
    """Why ``key`` is not a shelter key (lower-case letters, digits, '-'), or None."""
    if not SHELTER_KEY.match(str(key)):
        return msg("shelter.key_malformed", "{key!r} must be lowercase letters, digits and '-' (like oslo or bergen-2)", key=str(key)[:40])
    return None


def year_of(record_id: str) -> int:
    """The year part of a valid id."""
    return int(record_id.split("-")[1])


def create_new(folder: Path, kind: str, year: int, render: Callable[[str], str], attempts: int = 50) -> Tuple[str, Path]:
    """Draw a fresh id and write its record in one atomic step: ``(id, path)``.

    ``render(id)`` gives the record's text. If another process took the same id a
    moment ago, ``link`` fails and we draw again; a crash leaves no record at all or
    the whole one, never an empty claimed file.
    """
    from rosa_cli.core.yamlio import link_new

    for _ in range(attempts):
        record_id = make_id(kind, year)
        path = Path(folder) / f"{record_id}.yaml"
        if link_new(path, render(record_id).encode("utf-8")):
            return record_id, path
    raise RuntimeError(f"could not find a free id in {folder} after {attempts} attempts")


def create_given(folder: Path, record_id: str, text: str) -> Path:
    """Write a record under a caller-chosen id (``--id``); FileExistsError if it is taken."""
    from rosa_cli.core.yamlio import link_new

    path = Path(folder) / f"{record_id}.yaml"
    if not link_new(path, text.encode("utf-8")):
        raise FileExistsError(str(path))
    return path


def require_id(kinds: Tuple[str, ...], value: str, argument: str) -> str:
    """``value`` if it is a valid id of one of ``kinds``; else :class:`Refused` naming
    ``argument`` (``ID``, ``WOMAN``, ``--woman``). Commands call this before anything
    is read, so a path given where an id belongs never reaches the file system."""
    from rosa_cli.core.errors import FieldIssue, Refused

    for kind in kinds:
        if id_problem(kind, value) is None:
            return value
    example = PREFIXES[kinds[0]] + "-2006-K7Q2X"
    problem = id_problem(kinds[0], value) if len(kinds) == 1 else msg(
        "id.not_of_kinds", "{id!r} is not a {kinds} id (like {example})", id=str(value)[:40], kinds=kinds_or(kinds), example=example,
    )
    raise Refused([FieldIssue(argument, problem or msg("id.not_of_kind", "{id!r} is not a {kind} id", id=str(value)[:40], kind=kind_noun(kinds[0])))])


def require_shelter_key(value: str, argument: str) -> str:
    """``value`` if it has the shape of a shelter key; else :class:`Refused` naming ``argument``."""
    from rosa_cli.core.errors import FieldIssue, Refused

    problem = shelter_key_problem(value)
    if problem:
        raise Refused([FieldIssue(argument, problem)])
    return value
