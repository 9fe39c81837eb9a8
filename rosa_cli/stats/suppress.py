"""Suppression for ``rosa report --public`` (docs/public-statistics.md).

The records describe victims of crime, so a published table must not let anyone single
out a woman. The method is **complementary cell suppression with extremes withheld,
published on a fixed calendar-year partition** (:data:`METHOD`); docs/public-statistics.md
explains it for maintainers. :func:`suppress` takes a report (the dict
:func:`compute_report` returns, optionally with ``previous``) and returns a new dict in which:

1. **Primary suppression.** Every count from 1 to ``threshold - 1`` (``suppress_below``
   in ``rosa.yaml``, default 3) becomes ``None`` (printed ``:``). Zeros stay: that no
   woman is in a cell discloses nobody — so a reader knows every hidden count is at
   least 1, and the audit below assumes she does. Not counts of women, calls or nights:
   the period, the records provenance, the durations and ages, and
   ``nationality_count`` (it counts countries and only repeats how many country keys a
   map has). Per-shelter bed-nights are hidden by a different rule: a shelter that
   housed 1 … ``threshold - 1`` women in the period is hidden whatever its nights, since
   its nights are one or two women's stays.

2. **Complementary (secondary) suppression, audited.** The figures are tied by sums
   (:data:`_SUMS`): a total is the sum of every map that splits it, and the same total
   splits several tables (``admissions.women`` is the total of ``by_nationality``,
   ``by_age_group``, ``by_referrer`` and ``by_residence``). An attacker who holds the
   published report knows the shown figures, that each hidden one is at least 1, and
   all these sums at once, and a few inequalities (:data:`_LESS`: the residence map
   adds up to at most ``stays.women + offers.women``; a subset is no larger than its
   set). For every hidden figure :func:`_ranges` computes the values she could still
   give it: bounds propagation to a fixed point. On the sums alone this is exact, since
   they form a tree (no two sums share two figures); the inequalities close a few
   loops, where propagation could in principle be looser than a full solver — the
   brute-force attacker in tests/test_public_attacker.py checks it. A hidden count of 1 … ``threshold - 1`` is safe when its range reaches
   ``threshold``; a hidden shelter's nights when at least ``max(threshold, 2)`` values
   remain. While some hidden figure is not safe, one more figure of its group of linked
   sums is hidden: the smallest non-zero one that makes it safe, else the one that
   widens its range most. Hiding only widens ranges, so this ends.

3. **Extremes withheld.** Youngest and oldest age, shortest and longest stay and the
   median stay are never published: each is one woman's own figure (the median of an
   odd number of women is hers too). The mean stay is published only when the
   bed-nights and the number of women are both shown — it then tells nothing the
   two do not. The office-visit total is hidden whenever ``women_once`` or
   ``women_repeated`` is: ``total - women`` bounds ``women_repeated`` from above.

Differencing between reports is not handled here but by design in the command:
``--public`` is refused for any period other than one whole calendar year that has
ended (:func:`public_period_refusal`), and ``--compare`` then adds the previous
calendar year, protected on its own. Published periods are disjoint, so no published
table is a sum of others and nothing can be subtracted.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from rosa_cli.stats.roles import FIRST_INQUIRY, ROLES

Path = Tuple[str, ...]

METHOD = "complementary cell suppression with extremes withheld, published on a fixed calendar-year partition"

# Keys whose numbers are not counts of women, calls or nights, and keys that are not figures.
_NOT_COUNTS = frozenset({"period", "records", "previous", "public", "duration", "age_min", "age_max",
                         "nationality_count",
                         # docs/services-activities-website.md: activities and the website are not about women;
                         # service costs are amounts, withheld by their own rule (_withhold_costs)
                         "activities", "website", "cost", "cost_total"})

SHELTER_NIGHTS: Path = ("stays", "by_shelter")
DEFAULT_FIRST_INQUIRY = ROLES[FIRST_INQUIRY][1]
FIRST_INQUIRY_CELL: Path = ("calls", "by_subject", DEFAULT_FIRST_INQUIRY)

# Figures that are one woman's own value: never in a public report.
WITHHELD: Sequence[Path] = (
    ("admissions", "age_min"),
    ("admissions", "age_max"),
    ("stays", "duration", "min"),
    ("stays", "duration", "max"),
    ("stays", "duration", "median"),
)

# (total, parts): the total is the sum of the parts; a part naming a dict means all its cells.
_SUMS: Sequence[Tuple[Path, Sequence[Path]]] = (
    (("calls", "total"), (("calls", "by_subject"),)),
    (("calls", "total"), (("calls", "by_caller"),)),
    (("calls", "total"), (("calls", "by_channel"),)),
    (("calls", "total"), (("calls", "by_month"),)),
    (("calls", "first_time", "total"), (("calls", "first_time", "by_nationality"),)),
    (("calls", "first_time", "total"), (FIRST_INQUIRY_CELL,)),  # the folder's own key: _sums()
    (("office_visits", "women"), (("office_visits", "women_once"), ("office_visits", "women_repeated"))),
    (("offers", "women"), (("offers", "accepted"), ("offers", "declined"), ("offers", "pending"))),
    (("offers", "declined"), (("offers", "declined_by_reason"),)),
    (("admissions", "women"), (("admissions", "by_nationality"),)),
    (("admissions", "women"), (("admissions", "by_age_group"),)),
    (("admissions", "women"), (("admissions", "by_referrer"),)),
    (("admissions", "women"), (("admissions", "by_residence"),)),
    (("stays", "women"), (("stays", "by_duration_group"),)),
    (("stays", "bed_nights"), (SHELTER_NIGHTS,)),
)



def _sums(first_inquiry: str) -> Sequence[Tuple[Path, Sequence[Path]]]:
    """:data:`_SUMS` with the one-cell sum tying first-time inquiries to the cell of the
    subject key that has role ``first-inquiry`` in this folder (:mod:`rosa_cli.stats.roles`)."""
    cell: Path = ("calls", "by_subject", first_inquiry)
    return tuple((total, tuple(cell if part == FIRST_INQUIRY_CELL else part for part in parts)) for total, parts in _SUMS)


# sum(left) <= sum(right), true of every report of a period that has ended. An attacker
# can use them too: the residence map's women are those with a night or a first
# contact in the period, so its cells add up to at most stays.women + offers.women and
# to at least either of them.
_LESS: Sequence[Tuple[Sequence[Path], Sequence[Path]]] = (
    ((("residence_at_end",),), (("stays", "women"), ("offers", "women"))),
    ((("stays", "women"),), (("residence_at_end",),)),
    ((("offers", "women"),), (("residence_at_end",),)),
    ((("office_visits", "women"), ("office_visits", "women_repeated")), (("office_visits", "total"),)),
    ((("admissions", "interpreter_needed"),), (("admissions", "women"),)),
    ((("stays", "open_at_end", "women"),), (("stays", "women"),)),
    ((("stays", "women_with_children"),), (("stays", "women"),)),
    ((("stays", "open_at_end", "shelters"),), (("stays", "open_at_end", "women"),)),
)

INF = float("inf")
_MISSING = object()
Constraint = Tuple[Path, List[Path]]
Inequality = Tuple[List[Path], List[Path], Dict[Path, int]]  # left, right, weights of left figures (default 1)


def public_period_refusal(start: date, end: date, today: date) -> Optional[str]:
    """Why ``--public`` must not be used for ``start``..``end``, or None when it may.

    Public reports are published only for a fixed partition of time, whole calendar
    years that have ended: two public reports of overlapping or nested periods (a year
    and a two-year report; a year run in June and again in January) could be
    subtracted from each other to give a small hidden count back.
    """
    if not (start.year == end.year and (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31)):
        return (f"--public: a public report covers one whole calendar year (--year Y), not "
                f"{start.isoformat()}..{end.isoformat()}; reports for other periods could be subtracted from each other")
    if today <= end:
        return (f"--public: {end.year} has not ended yet; publish a year once, after it ends, e.g. --year "
                f"{end.year - 1} (an earlier and a later report of the same year could be subtracted)")
    return None


def suppress(
    result: dict,
    threshold: int,
    shelter_women: Optional[Mapping[str, int]] = None,
    previous_shelter_women: Optional[Mapping[str, int]] = None,
    first_inquiry: str = DEFAULT_FIRST_INQUIRY,
) -> dict:
    """A copy of ``result`` made safe to publish (see the module docstring).

    ``shelter_women`` (from :func:`rosa_cli.stats.compute.shelter_women`) is the number
    of women per shelter in the period; without it a shelter is taken to have
    ``min(nights, stays.women)`` women, which hides at least as much.
    ``first_inquiry`` is the subject key counted as first-time inquiries
    (:func:`rosa_cli.stats.roles.role_key`): its cell equals ``calls.first_time.total``,
    and an attacker knows it.
    """
    out = copy.deepcopy(result)
    if threshold <= 1:
        return out
    _suppress_period(out, result, threshold, shelter_women, first_inquiry)
    if isinstance(out.get("previous"), dict):
        _suppress_period(out["previous"], result["previous"], threshold, previous_shelter_women, first_inquiry)
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


def _walk(data: dict, path: Path = ()) -> Iterator[Tuple[Path, Any]]:
    for key, value in data.items():
        if key in _NOT_COUNTS:
            continue
        if isinstance(value, dict):
            yield from _walk(value, path + (key,))
        else:
            yield path + (key,), value


def _cells(original: dict, parts: Sequence[Path]) -> Iterator[Path]:
    for part in parts:
        value = _get(original, part)
        if isinstance(value, dict):
            for key in value:
                yield part + (key,)
        elif value is not _MISSING:
            yield part


def constraints_of(original: dict, first_inquiry: str = DEFAULT_FIRST_INQUIRY) -> List[Constraint]:
    """The sums that hold in ``original`` (one period), as (total, cells) paths."""
    found = []
    for total, parts in _sums(first_inquiry):
        if _is_count(_get(original, total)):
            cells = [c for c in _cells(original, parts) if _is_count(_get(original, c))]
            found.append((total, cells))
    return found


def inequalities_of(original: dict) -> List[Inequality]:
    """The ``sum(left) <= sum(right)`` relations that hold in ``original``.

    One is weighted: every woman in a duration group has at least its lowest number
    of nights, so ``sum(low * women in group) <= stays.bed_nights`` (with 40
    bed-nights, a hidden "31-90" cell could otherwise only be 1).
    """
    found = []
    relations: List[Tuple[Sequence[Path], Sequence[Path], Dict[Path, int]]] = [(left, right, {}) for left, right in _LESS]
    groups = _get(original, ("stays", "by_duration_group"))
    if isinstance(groups, dict):
        lows: Dict[Path, int] = {("stays", "by_duration_group", key): _group_low(key) for key in groups}
        relations.append(((("stays", "by_duration_group"),), (("stays", "bed_nights"),), lows))
    for left, right, weights in relations:
        lhs = [c for c in _cells(original, left) if _is_count(_get(original, c))]
        rhs = [c for c in _cells(original, right) if _is_count(_get(original, c))]
        weight = {c: weights.get(c, 1) for c in lhs}
        if lhs and rhs and sum(weight[c] * _get(original, c) for c in lhs) <= sum(_get(original, c) for c in rhs):
            found.append((lhs, rhs, {c: w for c, w in weight.items() if w != 1}))
    return found


def _group_low(key: str) -> int:
    """The fewest nights a woman in duration group ``key`` has (``"0-30"`` → 1, ``"366+"`` → 366)."""
    digits = key.rstrip("+").split("-")[0]
    return max(int(digits), 1) if digits.isdigit() else 1


# --- the audit -----------------------------------------------------------------------

def _sum_hi(values: Sequence[float]) -> Tuple[float, int]:
    """(sum of the finite values, how many are infinite)."""
    return sum(v for v in values if v != INF), sum(1 for v in values if v == INF)


def _ranges(constraints: Sequence[Constraint], shown: Mapping[Path, Optional[int]],
            inequalities: Sequence[Inequality] = ()) -> Dict[Path, Tuple[int, float]]:
    """The values each figure can take given the shown ones, hidden ones >= 1 and the sums.

    Bounds propagation to a fixed point. On a tree of sums with whole-number bounds
    (ours: see docs/public-statistics.md) every value between the bounds is reachable,
    so these are exactly the ranges an attacker solving all sums together gets.
    """
    lo: Dict[Path, float] = {}
    hi: Dict[Path, float] = {}
    for var in [v for total, cells in constraints for v in [total] + cells] + [
            v for left, right, _ in inequalities for v in left + right]:
        value = shown.get(var)
        lo[var], hi[var] = (1, INF) if value is None else (value, value)
    for _ in range(1000):
        changed = False
        for left, right, weights in inequalities:
            left_lo = sum(weights.get(v, 1) * lo[v] for v in left)
            right_finite, right_infinite = _sum_hi([hi[v] for v in right])
            for v in left:
                w = weights.get(v, 1)
                bound = INF if right_infinite else (right_finite - (left_lo - w * lo[v])) // w
                if bound < hi[v]:
                    hi[v], changed = bound, True
            for v in right:
                others_infinite = right_infinite - (1 if hi[v] == INF else 0)
                if not others_infinite:
                    bound = left_lo - (right_finite - (0 if hi[v] == INF else hi[v]))
                    if bound > lo[v]:
                        lo[v], changed = bound, True
        for total, cells in constraints:
            sum_lo = sum(lo[c] for c in cells)
            finite_hi = sum(hi[c] for c in cells if hi[c] != INF)
            infinite = sum(1 for c in cells if hi[c] == INF)
            new_lo, new_hi = max(lo[total], sum_lo), min(hi[total], INF if infinite else finite_hi)
            if (new_lo, new_hi) != (lo[total], hi[total]):
                lo[total], hi[total], changed = new_lo, new_hi, True
            for c in cells:
                others_lo = sum_lo - lo[c]
                others_infinite = infinite - (1 if hi[c] == INF else 0)
                others_hi = INF if others_infinite else finite_hi - (0 if hi[c] == INF else hi[c])
                c_lo = max(lo[c], lo[total] - others_hi)
                c_hi = min(hi[c], hi[total] - others_lo)
                if (c_lo, c_hi) != (lo[c], hi[c]):
                    lo[c], hi[c], changed = c_lo, c_hi, True
        if not changed:
            break
    return {var: (int(lo[var]), hi[var]) for var in lo}


def _safe(var: Path, ranges: Mapping[Path, Tuple[int, float]], kind: str, threshold: int) -> bool:
    low, high = ranges[var]
    if kind == "nights":
        return high - low + 1 >= max(threshold, 2)
    return high >= threshold


def _components(constraints: Sequence[Any]) -> List[List[Any]]:
    """Groups of sums (and inequalities) linked through a shared figure (solved together by an attacker)."""
    groups: List[Tuple[Set[Path], List[Any]]] = []
    for constraint in constraints:
        first, second = constraint[0], constraint[1]
        vars_ = set(first if isinstance(first, list) else [first]) | set(second)
        merged = [g for g in groups if g[0] & vars_]
        for g in merged:
            groups.remove(g)
            vars_ |= g[0]
        groups.append((vars_, [c for g in merged for c in g[1]] + [constraint]))
    return [g[1] for g in groups]


def _aliases(constraints: Sequence[Constraint]) -> Dict[Path, Set[Path]]:
    """Figures tied by a one-cell sum (``first_time.total`` and its subject cell): each is
    the other, so they are hidden together."""
    aliases: Dict[Path, Set[Path]] = {}
    for total, cells in constraints:
        if len(cells) == 1:
            linked = aliases.get(total, {total}) | aliases.get(cells[0], {cells[0]})
            for member in linked:
                aliases[member] = linked
    return aliases


@dataclass
class _Component:
    """One group of linked sums and inequalities, audited on its own."""

    group: List[Constraint]
    less: List[Inequality]
    members: List[Path]  # every figure of the group, in order
    original: dict
    aliases: Mapping[Path, Set[Path]]
    sensitive: Mapping[Path, str]
    threshold: int

    def ranges(self, shown: Mapping[Path, Optional[int]]) -> Dict[Path, Tuple[int, float]]:
        return _ranges(self.group, shown, self.less)

    def safe(self, var: Path, shown: Mapping[Path, Optional[int]]) -> bool:
        return _safe(var, self.ranges(shown), self.sensitive[var], self.threshold)

    def value(self, var: Path) -> int:
        return _get(self.original, var)

    def hidden_with(self, shown: Mapping[Path, Optional[int]], extra: Sequence[Path]) -> Dict[Path, Optional[int]]:
        """``shown`` with ``extra`` (and every figure tied to one of them) hidden too."""
        trial = dict(shown)
        for path in extra:
            for member in self.aliases.get(path, {path}):
                trial[member] = None
        return trial


def _single_choice(comp: _Component, shown: Mapping[Path, Optional[int]], bad: Path,
                   candidates: Sequence[Path], width: float) -> Optional[List[Path]]:
    """The smallest figure whose hiding makes ``bad`` safe, else the one widening its range most."""
    choice: Optional[List[Path]] = None
    widest = width
    for candidate in candidates:
        trial_ranges = comp.ranges(comp.hidden_with(shown, [candidate]))
        if _safe(bad, trial_ranges, comp.sensitive[bad], comp.threshold):
            return [candidate]
        trial_width = trial_ranges[bad][1] - trial_ranges[bad][0]
        if trial_width > widest:
            choice, widest = [candidate], trial_width
    return choice


def _pair_choice(comp: _Component, shown: Mapping[Path, Optional[int]], bad: Path,
                 candidates: Sequence[Path]) -> Optional[List[Path]]:
    """The pair of figures with the smallest sum whose hiding makes ``bad`` safe."""
    pairs = sorted(((a, b) for i, a in enumerate(candidates) for b in candidates[i + 1:]),
                   key=lambda pair: comp.value(pair[0]) + comp.value(pair[1]))
    for pair in pairs:
        if comp.safe(bad, comp.hidden_with(shown, pair)):
            return list(pair)
    return None


def _partner_choice(comp: _Component, shown: Mapping[Path, Optional[int]]) -> List[Path]:
    """One more figure (the smallest shown non-zero one) of every relation that has a hidden one."""
    choice: List[Path] = []
    relations = [cells + [total] for total, cells in comp.group] + [right + left for left, right, _ in comp.less]
    for figures in relations:
        if any(shown[v] is None for v in figures):
            left_shown = [v for v in figures if (shown[v] or 0) > 0]
            if left_shown:
                choice.append(min(left_shown, key=comp.value))
    return choice


def _protect_component(out: dict, comp: _Component) -> None:
    """Hide figures of one component until each of its sensitive hidden figures is safe."""
    shown: Dict[Path, Optional[int]] = {v: _get(out, v) for v in comp.members}
    watched = [v for v in comp.members if v in comp.sensitive and shown[v] is None]
    while True:
        ranges = comp.ranges(shown)
        bad = next((v for v in watched if not _safe(v, ranges, comp.sensitive[v], comp.threshold)), None)
        if bad is None:
            break
        candidates = sorted((v for v in comp.members if (shown[v] or 0) > 0), key=comp.value)
        if not candidates:  # nothing left to hide; cannot happen with true sums
            break
        choice = (_single_choice(comp, shown, bad, candidates, ranges[bad][1] - ranges[bad][0])
                  or _pair_choice(comp, shown, bad, candidates)
                  or _partner_choice(comp, shown))
        shown = comp.hidden_with(shown, choice)
    for v in comp.members:
        if shown[v] is None:
            _set(out, v, None)


def _protect(out: dict, original: dict, constraints: Sequence[Constraint], sensitive: Mapping[Path, str],
             threshold: int, inequalities: Sequence[Inequality] = ()) -> None:
    """Hide complementary figures until every sensitive hidden figure is safe.

    For the first unsafe figure, in order of preference: the smallest single figure
    whose hiding makes it safe; else the one that widens its range most; else the
    smallest pair that makes it safe; else one more figure of every sum that has a
    hidden one (a total pinned by several splits needs a partner in each).
    Figures tied by a one-cell sum (``first_time.total`` and its subject cell) are
    hidden together.
    """
    aliases = _aliases(constraints)
    tagged = [("eq", c) for c in constraints] + [("le", c) for c in inequalities]
    for component in _components([c for _, c in tagged]):
        group: List[Constraint] = [c for c in component if not isinstance(c[0], list)]
        less: List[Inequality] = [c for c in component if isinstance(c[0], list)]
        members = list(dict.fromkeys([v for total, cells in group for v in [total] + cells]
                                     + [v for left, right, _ in less for v in left + right]))
        _protect_component(out, _Component(group, less, members, original, aliases, sensitive, threshold))


def _suppress_period(out: dict, original: dict, threshold: int, shelter_women: Optional[Mapping[str, int]],
                     first_inquiry: str = DEFAULT_FIRST_INQUIRY) -> None:
    sensitive: Dict[Path, str] = {}
    for path, value in _walk(original):
        if path[:-1] == SHELTER_NIGHTS:
            continue
        if _is_count(value) and 0 < value < threshold:
            _set(out, path, None)
            sensitive[path] = "count"

    nights = _get(original, SHELTER_NIGHTS)
    if isinstance(nights, dict):
        stays_women = _get(original, ("stays", "women"))
        for key, n in nights.items():
            if not _is_count(n) or n <= 0:
                continue
            if shelter_women is not None and key in shelter_women:
                women = shelter_women[key]
            else:
                women = min(n, stays_women) if _is_count(stays_women) else 1
            if women < threshold:
                _set(out, SHELTER_NIGHTS + (key,), None)
                sensitive[SHELTER_NIGHTS + (key,)] = "nights"

    _protect(out, original, constraints_of(original, first_inquiry), sensitive, threshold, inequalities_of(original))

    for path in WITHHELD:
        if _get(out, path) is not _MISSING:
            _set(out, path, None)
    duration = _get(out, ("stays", "duration"))
    if isinstance(duration, dict) and "mean" in duration:
        if _get(out, ("stays", "women")) in (None, _MISSING) or _get(out, ("stays", "bed_nights")) in (None, _MISSING):
            duration["mean"] = None
    office = out.get("office_visits")
    if isinstance(office, dict) and (office.get("women_once", 0) is None or office.get("women_repeated", 0) is None):
        office["total"] = None
    _withhold_costs(out, original, threshold)


def _withhold_costs(out: dict, original: dict, threshold: int) -> None:
    """docs/services-activities-website.md: the cost of a service kind or payer given to fewer than
    ``threshold`` women is withheld — it is one or two women's own bill.

    Costs are tied by sums (kinds and payers each add up to ``cost_total``), so when a
    group hides any cost it hides at least two non-zero ones (the smallest others) and
    ``cost_total`` is hidden too: no single hidden cost is then a difference of shown ones.
    """
    services = original.get("services")
    if not isinstance(services, dict):
        return
    hidden_any = False
    for group in ("by_kind", "by_payer"):
        cells = services.get(group)
        if not isinstance(cells, dict):
            continue
        hidden = [key for key, cell in cells.items()
                  if isinstance(cell, dict) and cell.get("cost") and 0 < (cell.get("women") or 0) < threshold]
        if not hidden:
            continue
        others = sorted((cell["cost"], key) for key, cell in cells.items()
                        if isinstance(cell, dict) and cell.get("cost") and key not in hidden)
        if len(hidden) == 1 and others:
            hidden.append(others[0][1])
        for key in hidden:
            out["services"][group][key]["cost"] = None
        hidden_any = True
    if hidden_any:
        out["services"]["cost_total"] = None
