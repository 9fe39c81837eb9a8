"""Field-level three-way merge of one record file.

Why not git's line merge: two offices that change *different lines* of one record can
still make an invalid record (both add a ``note:`` line → a duplicate key), and two
offices that change *the same field* get ``<<<<<<<`` markers nobody at a shelter should
have to edit. A record is a mapping of fields, so we merge fields: a field changed on
one side only is taken from that side; both sides changing it to the same value is
fine; both changing it to different values is a :class:`FieldConflict` for a person to
settle. Comments and key order are kept from "mine" (ruamel round trip).

Used by ``rosa sync`` (base = merge-base, mine = this office, theirs = the remote)
and by the edit loop (base = the text the editor opened with, mine = the edited text,
theirs = the file on disk, changed by a colleague meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

WHOLE = "*"  # the "field" of a conflict about the whole file (deleted on one side, unreadable)
ABSENT = object()


@dataclass
class FieldConflict:
    field: str
    base: Any
    mine: Any
    theirs: Any


@dataclass
class MergeResult:
    text: Optional[str]  # None when the merged record is deleted, or when conflicts remain
    conflicts: List[FieldConflict] = field(default_factory=list)
    taken_from_theirs: List[str] = field(default_factory=list)  # fields whose change came from theirs

    @property
    def clean(self) -> bool:
        return not self.conflicts


class _Keep(dict):
    """Which side settles a field's conflict; one side may settle all of them."""

    def __init__(self, sides: Dict[str, str], side_for_all: Optional[str]):
        super().__init__(sides)
        self.side_for_all = side_for_all

    def get(self, key, default=None):
        return self.side_for_all or super().get(key, default)


class EditConflict(Exception):
    """A colleague changed the same fields while the editor was open (see replace_record)."""

    def __init__(self, current: str, conflicts: List[FieldConflict]):
        from rosa_cli.core.messages import msg

        super().__init__(msg("merge.edit_conflict", "a colleague changed the same fields meanwhile"))
        self.current = current
        self.conflicts = conflicts


def plain(value: Any) -> Any:
    """A ruamel value as plain Python, so two sides compare by value, not by layout."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _load(text: Optional[str]):
    """``(round-trip mapping or None, ok)``; ``ok`` is False for text that is not a mapping."""
    if text is None:
        return None, True
    from rosa_cli.core.yamlio import CONFLICT_MARKER, round_trip_load

    if CONFLICT_MARKER.search(text):
        return None, False
    try:
        data = round_trip_load(text)
    except Exception:  # any YAML error: the record is merged as a whole
        return None, False
    if data is None and not text.strip():
        return {}, True
    if not isinstance(data, dict):
        return None, False
    return data, True


def merge_texts(base: Optional[str], mine: Optional[str], theirs: Optional[str], keep: Union[None, str, Dict[str, str]] = None) -> MergeResult:
    """Merge three versions of one record file (``None`` = the file does not exist).

    ``keep`` settles conflicts: ``{field: "mine"|"theirs"}`` (the key :data:`WHOLE`
    settles a whole-file conflict), or one side for all of them. Returns the merged
    text, or the conflicts left.
    """
    keep = _Keep({}, keep) if isinstance(keep, str) else _Keep(keep or {}, None)
    if mine == theirs:
        return MergeResult(mine)
    if mine == base:
        return MergeResult(theirs, taken_from_theirs=[WHOLE])
    if theirs == base:
        return MergeResult(mine)
    b, b_ok = _load(base)
    m, m_ok = _load(mine)
    t, t_ok = _load(theirs)
    if mine is None or theirs is None or not (b_ok and m_ok and t_ok):
        side = keep.get(WHOLE)
        if side == "mine":
            return MergeResult(mine)
        if side == "theirs":
            return MergeResult(theirs, taken_from_theirs=[WHOLE])
        return MergeResult(None, [FieldConflict(WHOLE, base, mine, theirs)])
    b = b if b is not None else {}
    conflicts: List[FieldConflict] = []
    from_theirs: List[str] = []
    keys = list(m.keys()) + [k for k in t if k not in m] + [k for k in b if k not in m and k not in t]
    for key in keys:
        bv = plain(b[key]) if key in b else ABSENT
        mv = plain(m[key]) if key in m else ABSENT
        tv = plain(t[key]) if key in t else ABSENT
        if mv == tv or tv == bv:
            continue  # same on both sides, or only mine changed it: mine as it is
        if mv == bv or keep.get(str(key)) == "theirs":
            _take(m, t, key)
            from_theirs.append(str(key))
            continue
        if keep.get(str(key)) == "mine":
            continue
        conflicts.append(FieldConflict(str(key), None if bv is ABSENT else bv, None if mv is ABSENT else mv, None if tv is ABSENT else tv))
    if conflicts:
        return MergeResult(None, conflicts)
    from rosa_cli.core.yamlio import round_trip_dump

    return MergeResult(round_trip_dump(m), taken_from_theirs=from_theirs)


def _take(mine, theirs, key) -> None:
    """Put theirs' value of ``key`` into mine (or remove it), near where theirs has it."""
    if key not in theirs:
        del mine[key]
        return
    if key in mine:
        mine[key] = theirs[key]
        return
    order = list(theirs.keys())
    position = len(mine)
    for earlier in reversed(order[: order.index(key)]):
        if earlier in mine:
            position = list(mine.keys()).index(earlier) + 1
            break
    mine.insert(position, key, theirs[key])


def shown_value(value: Any) -> str:
    """A field's value in one line, as ``rosa conflicts`` and the editor comments show it.

    "Not set" is a :class:`Message` (code ``merge.not_set``), so the CLI shows it in
    the user's language; a value is shown as it is in the file."""
    if value is None:
        from rosa_cli.core.messages import msg

        return msg("merge.not_set", "(not set)")
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
