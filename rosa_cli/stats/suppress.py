"""Suppression for ``rosa report --public`` (SPEC section 7).

The records describe victims of crime, so a published table must not let anyone single
out a woman. :func:`suppress` takes a report (the dict :func:`compute_report` returns,
optionally with ``previous``) and returns a new dict in which:

1. **Primary suppression.** Every count from 1 to ``threshold - 1`` (``suppress_below``
   in ``rosa.yaml``, default 3) becomes ``None`` (printed ``:``). Zeros stay: that no
   woman is in a cell discloses nobody. Counts are all whole numbers in the report
   except the period, the records provenance, durations in nights (mean, median, min,
   max), ages (``age_min``, ``age_max``) and the number of distinct nationalities
   (``nationality_count``), which counts countries, not women, and only repeats how
   many country keys the map has.

2. **Secondary suppression.** The report's figures are tied together by sums: a total
   is the sum of the cells of each map that splits it (``calls.total`` of
   ``by_subject``, ``by_caller``, ``by_channel`` and ``by_month``;
   ``calls.first_time.total`` of its ``by_nationality``; ``offers.women`` of
   ``accepted + declined + pending``; ``offers.declined`` of ``declined_by_reason``;
   ``admissions.women`` of ``by_nationality``, ``by_age_group``, ``by_referrer`` and
   ``by_residence``; ``office_visits.women`` of ``women_once + women_repeated``;
   ``stays.women`` of ``by_duration_group``; ``stays.bed_nights`` of ``by_shelter``),
   and ``calls.first_time.total`` equals ``calls.by_subject["trafficking-first"]``.
   A reader knows that a hidden count is not zero. In each such sum a hidden figure
   could be worked back when

   * it is the only hidden figure of the sum (the total minus the shown cells, or the
     sum of the shown cells when the total is the hidden one), or
   * the total is shown and the hidden cells add up to exactly their number (every
     one of them must then be 1).

   Then one more figure of that sum is hidden: the smallest non-zero shown cell, or
   the total when no shown cell is left. Hiding a figure can open another sum (a
   hidden ``offers.declined`` is a cell of ``offers.women`` and the total of
   ``declined_by_reason``), so the rule is applied to every sum again and again until
   nothing changes.

3. **Statistics over few women.** The duration mean, median, min and max are hidden
   when ``stays.women`` is below the threshold (the mean also when ``stays.women`` or
   ``stays.bed_nights`` is hidden, since mean = bed-nights / women); ``age_min`` and
   ``age_max`` when fewer than ``threshold`` admitted women have a known age.

The ``previous`` period of ``--compare`` is suppressed the same way, on its own.
What this does not do: it does not hide which countries occur (a country key with
``:`` says "one or a few women"), and it looks at each sum on its own rather than
solving all of them together; with the sums above, each hidden figure stays in a
range of at least two values.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator, List, Optional, Sequence, Tuple

Path = Tuple[str, ...]

# Keys whose numbers are not counts of women, calls or nights, and keys that are not figures.
_NOT_COUNTS = frozenset({"period", "records", "previous", "duration", "age_min", "age_max", "nationality_count"})

# (total, parts): the total is the sum of the parts; a part naming a dict means all its cells.
_SUMS: Sequence[Tuple[Path, Sequence[Path]]] = (
    (("calls", "total"), (("calls", "by_subject"),)),
    (("calls", "total"), (("calls", "by_caller"),)),
    (("calls", "total"), (("calls", "by_channel"),)),
    (("calls", "total"), (("calls", "by_month"),)),
    (("calls", "first_time", "total"), (("calls", "first_time", "by_nationality"),)),
    (("calls", "first_time", "total"), (("calls", "by_subject", "trafficking-first"),)),
    (("office_visits", "women"), (("office_visits", "women_once"), ("office_visits", "women_repeated"))),
    (("offers", "women"), (("offers", "accepted"), ("offers", "declined"), ("offers", "pending"))),
    (("offers", "declined"), (("offers", "declined_by_reason"),)),
    (("admissions", "women"), (("admissions", "by_nationality"),)),
    (("admissions", "women"), (("admissions", "by_age_group"),)),
    (("admissions", "women"), (("admissions", "by_referrer"),)),
    (("admissions", "women"), (("admissions", "by_residence"),)),
    (("stays", "women"), (("stays", "by_duration_group"),)),
    (("stays", "bed_nights"), (("stays", "by_shelter"),)),
)

_MISSING = object()


def suppress(result: dict, threshold: int) -> dict:
    """A copy of ``result`` made safe to publish (see the module docstring)."""
    out = copy.deepcopy(result)
    if threshold <= 1:
        return out
    _suppress_period(out, result, threshold)
    if isinstance(out.get("previous"), dict):
        _suppress_period(out["previous"], result["previous"], threshold)
    return out


def _get(data: Any, path: Path) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return _MISSING
        data = data[key]
    return data


def _set(data: dict, path: Path, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _primary(data: dict, threshold: int) -> None:
    for key, value in data.items():
        if key in _NOT_COUNTS:
            continue
        if isinstance(value, dict):
            _primary(value, threshold)
        elif _is_count(value) and 0 < value < threshold:
            data[key] = None


def _cells(original: dict, parts: Sequence[Path]) -> Iterator[Path]:
    for part in parts:
        value = _get(original, part)
        if isinstance(value, dict):
            for key in value:
                yield part + (key,)
        elif value is not _MISSING:
            yield part


def _one_more_to_hide(out: dict, original: dict, total: Path, cells: List[Path]) -> Optional[Path]:
    """The figure to hide so that the sum ``total = cells`` no longer gives one away."""
    hidden = [p for p in [total] + cells if _get(out, p) is None]
    if not hidden:
        return None
    total_shown = _get(out, total) is not None
    exposed = len(hidden) == 1
    if not exposed and total_shown:
        exposed = sum(_get(original, p) or 0 for p in hidden) == len(hidden)
    if not exposed:
        return None
    shown = [p for p in cells if _get(out, p) is not None and (_get(original, p) or 0) > 0]
    if shown:
        return min(shown, key=lambda p: _get(original, p))  # min keeps the first on ties
    return total if total_shown else None


def _suppress_period(out: dict, original: dict, threshold: int) -> None:
    _primary(out, threshold)
    sums = []
    for total, parts in _SUMS:
        if _is_count(_get(original, total)):
            sums.append((total, list(_cells(original, parts))))
    changed = True
    while changed:
        changed = False
        for total, cells in sums:
            path = _one_more_to_hide(out, original, total, cells)
            if path is not None:
                _set(out, path, None)
                changed = True

    stays = out.get("stays")
    if isinstance(stays, dict) and isinstance(stays.get("duration"), dict):
        women = _get(original, ("stays", "women"))
        if not _is_count(women) or women < threshold:
            for key in stays["duration"]:
                stays["duration"][key] = None
        elif stays.get("women") is None or stays.get("bed_nights") is None:
            stays["duration"]["mean"] = None

    admissions = out.get("admissions")
    if isinstance(admissions, dict):
        ages = _get(original, ("admissions", "by_age_group"))
        known = sum(n for key, n in ages.items() if key != "unknown") if isinstance(ages, dict) else 0
        if known < threshold:
            admissions["age_min"] = None
            admissions["age_max"] = None
