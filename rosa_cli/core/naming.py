"""One way to name a record, everywhere a command takes one.

A coordinator on the phone does not have ``W-2026-CREVG`` in front of her. She has
what she typed last week (``w-2026-crevg``), the first letters she remembers
(``W-2026-CR``, or just ``CR``), or the private alias she keeps for the woman
(``Blessing``). Every command that takes an id resolves what was typed here, so the
rules are the same for ``woman show``, ``stay close``, ``call add --woman`` and the
"Woman (id)" prompt:

1. a whole id in any letter case (Crockford's usual misreadings O->0, I/L->1 are
   forgiven in the random part) is that record, if it exists;
2. otherwise every record of the wanted kinds whose id starts with the text
   (``W-2026-CR``; ``2026-CR``; or the random part alone, ``CR``), together with every
   woman whose alias (case-insensitive) *is* the text;
3. only when that finds nothing: women whose alias *starts* with the text.

One candidate is the answer. Several are refused with the list (id, nationality, born
and current shelter for a woman; id and date for a stay or a call), so the wrong
woman is never picked silently; none is refused with a plain "no woman matches".

Safety: text that is not id-shaped (anything outside ``[A-Za-z0-9-]``) is only ever
compared with aliases, never joined to a path; prefixes are compared with the names
listed in the kind's own folder (for a call id with a year, only that year's folder);
and the final lookup goes through :meth:`RecordsFolder.record_path`, which enforces
the strict id grammar. The alias file is read only when the text is not a whole id.
"""

from __future__ import annotations

import os
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from rosa_cli.core.errors import FieldIssue, Refused
from rosa_cli.core.ids import CROCKFORD, ID_GRAMMAR, KINDS_BY_PREFIX, PREFIXES, kinds_or
from rosa_cli.core.messages import Message, msg

ID_SHAPED = re.compile(r"^[A-Za-z0-9-]+$")
MAX_TEXT = 100  # nothing longer is an id or a sensible alias; refused without looking
SHOWN_CANDIDATES = 10  # an ambiguous answer lists this many, then says how many more

_RANDOM = f"[{CROCKFORD}]"
# W, W-, W-20, W-2026, W-2026-, W-2026-CR … : a start of an id with its kind letter
_WITH_LETTER = re.compile(r"^([WSCTA])(?:-(?:([0-9]{1,4})(?:-([0-9A-Z]*))?)?)?$")
_WITH_YEAR = re.compile(r"^([0-9]{4})-([0-9A-Z]*)$")  # 2026-CR
_RANDOM_ONLY = re.compile(rf"^({_RANDOM}+)$")  # CR
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEARCHABLE = ("woman", "stay", "call", "service", "activity")  # kinds that have a folder of ids
PLURAL_NOUN = {
    "woman": msg("kinds.woman", "women"),
    "stay": msg("kinds.stay", "stays"),
    "call": msg("kinds.call", "calls"),
    "service": msg("kinds.service", "services"),
    "activity": msg("kinds.activity", "activities"),
}


def resolve(folder, text: str, kinds: Sequence[str] = ("woman",), argument: str = "ID") -> Tuple[str, str]:
    """What ``text`` names among ``kinds``: ``(kind, id)`` of an existing record.

    Raises :class:`Refused` with one :class:`FieldIssue` for ``argument`` when nothing
    or more than one record matches (the message lists the candidates).
    """
    kind, record_id, _how = _resolve(folder, text, kinds, argument)
    return kind, record_id


def _resolve(folder, text: str, kinds: Sequence[str], argument: str) -> Tuple[str, str, str]:
    """``(kind, id, how)``; ``how`` is ``id`` (the whole id), ``start`` or ``alias``.

    The three rules of the module docstring, in order: a whole id that exists, then
    every start of an id and alias that matches, then a refusal saying why.
    """
    kinds = tuple(k for k in kinds if k in _SEARCHABLE)
    raw = "" if text is None else str(text)
    given = raw.strip()
    if not given or len(given) > MAX_TEXT:
        raise Refused([FieldIssue(argument, _no_match(raw, kinds))])
    id_shaped = bool(ID_SHAPED.match(given))

    if id_shaped:
        exact = _existing_whole_id(folder, given, kinds, argument)
        if exact is not None:
            return exact[0], exact[1], "id"

    found: Dict[str, Tuple[str, str]] = {}  # id -> (kind, how it was found)
    if id_shaped:
        for kind, record_id in _by_start(folder, given.upper(), kinds):
            found[record_id] = (kind, "start")
    alias_trouble = _add_women_by_alias(folder, given, found) if "woman" in kinds else None

    if len(found) == 1:
        record_id, (kind, how) = next(iter(found.items()))
        folder.record_path(kind, record_id, argument)  # the strict grammar, once more
        return kind, record_id, how
    if found:
        raise Refused([FieldIssue(argument, _ambiguous(folder, raw, found))])
    raise Refused([FieldIssue(argument, _nothing_found(raw, given, kinds, id_shaped, alias_trouble))])


def _existing_whole_id(folder, given: str, kinds: Sequence[str], argument: str) -> Optional[Tuple[str, str]]:
    """``(kind, id)`` when ``given`` is a whole id (any case) of a record that exists.

    Checked first and alone, so a whole id never reads the alias file and never
    becomes ambiguous with a longer id that starts with it.
    """
    exact = _whole_id(given, kinds)
    if exact is None:
        return None
    kind, record_id = exact
    if folder.record_path(kind, record_id, argument) is None:
        return None
    return exact


def _add_women_by_alias(folder, given: str, found: Dict[str, Tuple[str, str]]) -> Optional[object]:
    """Add to ``found`` the existing women whose alias is ``given``; only when neither
    that nor an id matched, those whose alias starts with it (rule 3).

    Returns why the alias file was not read (a Message or text), or ``None``: an
    unsafe alias file is not read, and the refusal then says so rather than a bare
    "no woman matches".
    """
    from rosa_cli.core.aliases import AliasError, women_named

    alias_trouble: Optional[object] = None
    try:
        aliases = _aliases(folder)
    except AliasError as exc:
        aliases, alias_trouble = {}, (exc.args[0] if exc.args else str(exc))
    named = women_named(aliases, given, "exact")
    if not named and not found:
        named = women_named(aliases, given, "start")
    for woman_id in named:
        if woman_id not in found and folder.record_path("woman", woman_id) is not None:
            found[woman_id] = ("woman", "alias")
    return alias_trouble


def _nothing_found(raw: str, given: str, kinds: Sequence[str], id_shaped: bool, alias_trouble: Optional[object]) -> Message:
    """Why nothing matched: a whole id typed exactly as it is written that does not
    exist is said so plainly; anything else is "no … matches", with the reason the
    alias file was not read when it was not (she may be under that alias)."""
    exact = _whole_id(given, kinds) if id_shaped else None
    message: Message
    if exact is not None and exact[1] == raw:
        message = msg("record.missing", "{id} does not exist", id=given)
    else:
        message = _no_match(raw, kinds)
    if alias_trouble:
        message = msg("name.aliases_unread", "{message} (your alias file was not read: {why})", message=message, why=alias_trouble)
    return message


def resolve_id(folder, text: str, kinds: Sequence[str] = ("woman",), argument: str = "ID", notice=None) -> str:
    """The id of the one existing record ``text`` names (see :func:`resolve`).

    ``notice`` (say, a print to stderr) is told which record was taken when the text
    was not the id itself, so a changing command never acts on a guess unseen. The
    alias is not repeated in that line: the screen may be shared.
    """
    kind, record_id, how = _resolve(folder, text, kinds, argument)
    if notice is not None and str(text).strip() != record_id:
        if how == "alias":
            notice(msg("name.taking_alias", "taking {id} (your alias for her)", id=record_id))
        else:
            notice(msg("name.taking", "taking {id} for {text!r}", id=record_id, text=str(text).strip()))
    return record_id


# --- matching ------------------------------------------------------------------------------


def _no_match(text: str, kinds: Sequence[str]) -> Message:
    noun = kinds_or(kinds)
    shown = text if len(text) <= 40 else text[:37] + "..."
    if "woman" in kinds:
        return msg(
            "name.no_match", "no {noun} matches {text!r}: it is not a {noun} id here, the start of one, or an alias you keep",
            noun=noun, text=shown,
        )
    return msg("name.no_match", "no {noun} matches {text!r}: it is not a {noun} id here, the start of one", noun=noun, text=shown)


def _whole_id(text: str, kinds: Sequence[str]) -> Optional[Tuple[str, str]]:
    """``(kind, canonical id)`` when ``text`` is a whole id of one of ``kinds`` in any case."""
    parts = text.upper().split("-")
    if len(parts) != 3:
        return None
    candidate = f"{parts[0]}-{parts[1]}-{parts[2].translate(_MISREAD)}"
    match = ID_GRAMMAR.match(candidate)
    if not match:
        return None
    kind = KINDS_BY_PREFIX[match.group(1)]
    if kind not in kinds:
        return None
    from rosa_cli.core.ids import id_problem

    return (kind, candidate) if id_problem(kind, candidate) is None else None


def _by_start(folder, text: str, kinds: Sequence[str]) -> List[Tuple[str, str]]:
    """Existing ids of ``kinds`` that start with ``text`` (upper-case, id-shaped)."""
    found: List[Tuple[str, str]] = []
    match = _WITH_LETTER.match(text)
    if match:
        kind = KINDS_BY_PREFIX[match.group(1)]
        if kind not in kinds:
            return []
        year = match.group(2)
        random = match.group(3).translate(_MISREAD) if match.group(3) is not None else None
        if random and not set(random) <= set(CROCKFORD):
            return []
        start = text if random is None else f"{match.group(1)}-{year}-{random}"
        whole_year = year if year and len(year) == 4 else None
        return [(kind, i) for i in _ids(folder, kind, whole_year) if i.startswith(start)]
    match = _WITH_YEAR.match(text)
    if match:
        year, random = match.group(1), match.group(2).translate(_MISREAD)
        if not set(random) <= set(CROCKFORD):
            return []
        for kind in kinds:
            start = f"{PREFIXES[kind]}-{year}-{random}"
            found += [(kind, i) for i in _ids(folder, kind, year) if i.startswith(start)]
        return found
    match = _RANDOM_ONLY.match(text)
    if match:
        for kind in kinds:
            found += [(kind, i) for i in _ids(folder, kind, None) if i[7:].startswith(text)]
    return found


def _ids(folder, kind: str, year: Optional[str]) -> Iterable[str]:
    """Ids of ``kind`` as listed in its folder (file names only; nothing is read).

    Calls are filed by year; with a whole year in the text only that year's folder is
    listed, so naming a call stays cheap however many years there are.
    """
    base = folder.kind_dir(kind)
    if kind in ("call", "service", "activity"):  # filed by year
        if year is not None:
            folders = [base / year]
        else:
            try:
                with os.scandir(base) as it:
                    folders = sorted(entry.path for entry in it if entry.is_dir(follow_symlinks=False))
            except OSError:
                return []
    else:
        folders = [base]
    ids: List[str] = []
    for directory in folders:
        try:
            with os.scandir(directory) as it:
                names = [entry.name for entry in it]
        except OSError:
            continue
        for name in names:
            if name.endswith(".yaml") and ID_GRAMMAR.match(name[:-5]) and name[0] == PREFIXES[kind]:
                ids.append(name[:-5])
    return sorted(ids)


def _aliases(folder) -> Dict[str, str]:
    from rosa_cli.core.aliases import load_aliases

    return load_aliases(folder.root)


# --- telling candidates apart ---------------------------------------------------------------


def joined_lines(lines: Sequence[object]) -> object:
    """Several lines (messages or text) as one message, each line translated on its own
    when the CLI renders it."""
    if not lines:
        return ""
    said = lines[-1]
    for line in reversed(lines[:-1]):
        said = msg("text.lines", "{first}\n{rest}", first=line, rest=said)
    return said


def _ambiguous(folder, text: str, found: Dict[str, Tuple[str, str]]) -> Message:
    shown = text if len(text) <= 40 else text[:37] + "..."
    ordered = sorted(found.items(), key=lambda item: (item[1][0], item[0]))
    kinds = {kind for kind, _ in found.values()}
    what = PLURAL_NOUN[kinds.pop()] if len(kinds) == 1 else msg("kinds.record", "records")
    lines: List[object] = []
    for line in candidate_lines(folder, [(kind, record_id, how) for record_id, (kind, how) in ordered[:SHOWN_CANDIDATES]]):
        lines.append(msg("text.indented", "  {line}", line=line))
    if len(ordered) > SHOWN_CANDIDATES:
        lines.append(msg("list.more_lines", "  … and {n} more", n=len(ordered) - SHOWN_CANDIDATES))
    return msg(
        "name.ambiguous", "{text!r} matches {n} {what}; give more of the id:\n{candidates}",
        text=shown, n=len(found), what=what, candidates=joined_lines(lines),
    )


def candidate_lines(folder, candidates: Sequence[Tuple[str, str, str]]) -> List[Message]:
    """One line per candidate: enough to tell two women (or stays, or calls) apart.

    A woman: id, nationality, born, current shelter. A stay: id, start (and end),
    shelter, woman. A call: id and when. Alias text is never printed here, only that
    the match came from an alias.
    """
    current: Dict[str, str] = {}
    if any(kind == "woman" for kind, _, _ in candidates):
        current = current_shelters(folder)
    lines = []
    for kind, record_id, how in candidates:
        record = _load(folder, kind, record_id)
        by = msg("name.by_alias", "  (by your alias)") if how == "alias" else ""
        if record is None:
            lines.append(msg("name.candidate_unreadable", "{id}  (record cannot be read){by}", id=record_id, by=by))
        elif kind == "woman":
            born = str(record.birth_year) if record.birth_year else "?"
            where = (
                msg("name.at_shelter", "at {shelter}", shelter=current[record_id]) if record_id in current
                else msg("name.not_in_shelter", "not in a shelter")
            )
            lines.append(msg(
                "name.candidate_woman", "{id}  {nationality}  born {born}  {where}{by}",
                id=record_id, nationality=record.nationality, born=born, where=where, by=by,
            ))
        elif kind == "stay":
            if record.end:
                lines.append(msg(
                    "name.candidate_stay", "{id}  {start} to {end}  {shelter}  woman {woman}",
                    id=record_id, start=record.start, end=record.end, shelter=record.shelter, woman=record.woman,
                ))
            else:
                lines.append(msg(
                    "name.candidate_open_stay", "{id}  {start} (open)  {shelter}  woman {woman}",
                    id=record_id, start=record.start, shelter=record.shelter, woman=record.woman,
                ))
        elif kind == "call":
            at = record.at.strftime("%Y-%m-%d %H:%M")
            lines.append(msg("name.candidate_call", "{id}  {at}", id=record_id, at=at))
        else:
            lines.append(msg("name.candidate_dated", "{id}  {on}", id=record_id, on=getattr(record, "on", "")))
    return lines


def current_shelters(folder) -> Dict[str, str]:
    """Woman id -> the shelter of her open stay (through the cache)."""
    from rosa_cli.core.folder import load_records

    stays = load_records(folder, kinds=("stay",)).stays.values()
    return {s.woman: s.shelter for s in stays if s.is_open}


def _load(folder, kind: str, record_id: str):
    path = folder.record_path(kind, record_id)
    if path is None:
        return None
    record, _problems = folder.load_one(kind, path)
    return record
