"""Compute the figures of ``rosa report`` (docs/statistics.md) from loaded records.

:func:`compute_report` is a pure function: records, a period and the date the report is
run go in, the JSON shape of docs/json.md comes out (without the ``records``
provenance and ``previous`` keys, which the caller adds). It makes one pass over the
calls, one over the stays and one over the women, so 100,000 calls take well under a
second.

Definitions (docs/statistics.md, with the choices the spec leaves open):

* A *contact* is in P when the date of its ``at`` is in P. ``calls`` are contacts whose
  channel is not ``office``; ``office_visits`` are the others.
* *First-time inquiries* are calls (not office visits) with subject
  ``trafficking-first``, so ``calls.first_time.total`` always equals
  ``calls.by_subject["trafficking-first"]``. Each is counted under the call's
  ``nationality``; when that is absent or ``unknown``, under its woman's; when neither
  is known, under ``"unknown"`` — so ``by_nationality`` always adds up to ``total``.
* ``nationality_count`` (for first-time inquiries and admissions) counts distinct
  nationalities, leaving out ``unknown`` and ``stateless``: they are not nationalities.
* *Office visits*: a visit without a woman counts as a woman of her own who came once.
* *Offers* are judged as they stood at the end of P, so a report on a past year does not
  change when later records are added: of the women whose ``first_contact`` is in P,
  ``accepted`` have a stay starting on or before ``to``; ``declined`` have no such stay
  and ``declined_on`` on or before ``to``; ``pending`` are the rest. Declined women
  without a reason count under ``"unknown"``.
* *Admissions* are women whose first-ever stay starts in P (a move opens a new stay but
  is not an admission). Age is :meth:`Woman.age_on` that start; a woman without
  ``born`` (or with a birth date after the start) counts under age group ``"unknown"``
  and is left out of ``age_min``/``age_max``. Residence at intake is the status in force
  on that start. A missing referrer or residence status counts under ``"unknown"``;
  ``by_referrer`` always has an ``"unknown"`` key (the referrer vocabulary has none).
* *Nights*: the night that begins on date d. A stay covers ``start <= d < end``; an
  open stay covers nights up to ``min(to + 1 day, today)``, exclusive. Only nights with
  ``from <= d <= to`` count. ``stays.women`` are women with at least one such night;
  a woman's *duration* is her nights in P over all her stays. Duration groups are
  keyed by nights (``"0-30"`` holds 1…30, since every woman counted has a night).
* ``open_at_end``: women with a stay where ``start <= to`` and (no ``end`` or
  ``end > to``), and the number of distinct shelters of those stays.
* ``women_with_children``: women with a stay that has ``children > 0`` and at least one
  night in P (so it never exceeds ``stays.women``).
* ``by_shelter``: bed-nights in P per shelter; every shelter in ``shelters.yaml`` that
  is active in P (not retired on or before its first day) is a key, plus any shelter
  a stay has nights in P at, so a retired shelter shows only where it had nights.
* ``residence_at_end``: among women with a night in P or a ``first_contact`` in P, the
  status in force on ``to``; a woman with no status then counts under ``"unknown"``.
* Vocabulary maps hold every configured key (0 when none) in vocabulary order, plus any
  other key the records use. Country maps hold every code that occurs, most frequent
  first, then by code. ``by_month`` holds every month of P. Means and medians are
  unrounded floats and ``None`` when there is nobody to average over.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List, Optional, Sequence

from rosa_cli.core.model import Records, Settings, Woman
from rosa_cli.stats.outreach import outreach_figures
from rosa_cli.stats.period import Period

FIRST_TIME_SUBJECT = "trafficking-first"
OFFICE_CHANNEL = "office"
UNKNOWN = "unknown"
NOT_NATIONALITIES = frozenset({UNKNOWN, "stateless"})


# --- grouping helpers --------------------------------------------------------------

def group_keys(bounds: Sequence[int]) -> List[str]:
    """Keys for groups with the given lower bounds: ``[18, 20]`` → ``["0-17", "18-19", "20+"]``."""
    lows = _lows(bounds)
    keys = []
    for i, low in enumerate(lows):
        keys.append(f"{low}-{lows[i + 1] - 1}" if i + 1 < len(lows) else f"{low}+")
    return keys


def _lows(bounds: Sequence[int]) -> List[int]:
    lows = sorted({int(b) for b in bounds if int(b) >= 0})
    if not lows or lows[0] > 0:
        lows.insert(0, 0)
    return lows


def group_of(value: int, lows: List[int], keys: List[str]) -> str:
    """The key of the group holding ``value`` (``lows`` from :func:`_lows`)."""
    return keys[max(bisect_right(lows, value) - 1, 0)]


def vocab_map(settings: Settings, vocabulary: str, extra: Iterable[str] = ()) -> Dict[str, int]:
    """Every configured key of ``vocabulary`` (then ``extra``) mapped to 0."""
    counts = {key: 0 for key in settings.keys(vocabulary)}
    for key in extra:
        counts.setdefault(key, 0)
    return counts


def _add(counts: Dict[str, int], key: str, n: int = 1) -> None:
    counts[key] = counts.get(key, 0) + n


def country_map(counter: Counter) -> Dict[str, int]:
    """Codes by count descending, then code: JSON consumers key by code anyway."""
    return {code: n for code, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))}


def nationality_count(counter: Counter) -> int:
    return sum(1 for code, n in counter.items() if n and code not in NOT_NATIONALITIES)


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _known(code: Optional[str]) -> bool:
    return bool(code) and code != UNKNOWN


# --- the report --------------------------------------------------------------------

def compute_report(records: Records, period: Period, today: date) -> dict:
    """All figures of docs/statistics.md for ``period``, as the report was on ``today``."""
    settings = records.settings
    first, last = period.start, period.end
    women = records.women

    # Calls and office visits: one pass.
    calls_total = 0
    by_subject = vocab_map(settings, "subject")
    by_caller = vocab_map(settings, "caller")
    by_channel = vocab_map(settings, "channel")
    by_month = {month: 0 for month in period.months()}
    first_time: Counter = Counter()
    visits_total = 0
    visits_by_woman: Counter = Counter()
    visits_anonymous = 0
    for call in records.calls.values():
        day = _day(call.at)
        if not (first <= day <= last):
            continue
        if call.channel == OFFICE_CHANNEL:
            visits_total += 1
            if call.woman:
                visits_by_woman[call.woman] += 1
            else:
                visits_anonymous += 1
            continue
        calls_total += 1
        _add(by_subject, call.subject)
        _add(by_caller, call.caller)
        _add(by_channel, call.channel)
        _add(by_month, f"{day.year:04d}-{day.month:02d}")
        if call.subject == FIRST_TIME_SUBJECT:
            code = call.nationality
            if not _known(code) and call.woman in women:
                code = women[call.woman].nationality
            first_time[code or UNKNOWN] += 1

    # Stays: one pass for first stays, nights, shelters, open stays and children.
    night_limit = last + timedelta(days=1)
    open_limit = min(night_limit, today)
    first_start: Dict[str, date] = {}
    nights: Counter = Counter()
    by_shelter = {key: 0 for key in records.shelters}
    open_women = set()
    open_shelters = set()
    with_children = set()
    for stay in records.stays.values():
        woman_id = stay.woman
        if woman_id not in first_start or stay.start < first_start[woman_id]:
            first_start[woman_id] = stay.start
        stop = min(stay.end if stay.end is not None else open_limit, night_limit)
        n = (stop - max(stay.start, first)).days
        if n > 0:
            nights[woman_id] += n
            _add(by_shelter, stay.shelter, n)
            if stay.children and stay.children > 0:
                with_children.add(woman_id)
        if stay.start <= last and (stay.end is None or stay.end > last):
            open_women.add(woman_id)
            open_shelters.add(stay.shelter)

    for key, shelter in records.shelters.items():  # retired before P and no nights: not listed
        if not by_shelter.get(key) and not shelter.active_during(first):
            del by_shelter[key]

    # Offers: women whose first contact is in P, judged as at the end of P.
    offered = accepted = declined = 0
    declined_by_reason = vocab_map(settings, "declined", [UNKNOWN])
    contacted_in_period = []
    woman: Optional[Woman]  # one name for the woman looked at in each of the loops below
    for woman in women.values():
        if not (first <= woman.first_contact <= last):
            continue
        contacted_in_period.append(woman.id)
        offered += 1
        start = first_start.get(woman.id)
        if start is not None and start <= last:
            accepted += 1
        elif woman.declined_on is not None and woman.declined_on <= last:
            declined += 1
            _add(declined_by_reason, woman.declined_reason or UNKNOWN)

    # Admissions: women whose first-ever stay starts in P.
    age_lows = _lows(settings.age_groups)
    age_keys = group_keys(settings.age_groups)
    by_age = {key: 0 for key in age_keys}
    by_age[UNKNOWN] = 0
    ages: List[int] = []
    admitted_nationalities: Counter = Counter()
    by_referrer = vocab_map(settings, "referrer", [UNKNOWN])
    by_residence = vocab_map(settings, "residence", [UNKNOWN])
    interpreter = 0
    admitted = 0
    for woman_id, start in first_start.items():
        if not (first <= start <= last):
            continue
        admitted += 1
        woman = women.get(woman_id)
        if woman is None:  # a stay naming a missing woman; `rosa check` reports it
            admitted_nationalities[UNKNOWN] += 1
            by_age[UNKNOWN] += 1
            _add(by_referrer, UNKNOWN)
            _add(by_residence, UNKNOWN)
            continue
        admitted_nationalities[woman.nationality or UNKNOWN] += 1
        age = woman.age_on(start)
        if age is None or age < 0:
            by_age[UNKNOWN] += 1
        else:
            ages.append(age)
            by_age[group_of(age, age_lows, age_keys)] += 1
        _add(by_referrer, woman.referred_by or UNKNOWN)
        _add(by_residence, woman.residence_on(start) or UNKNOWN)
        if woman.interpreter:
            interpreter += 1

    # Durations.
    durations = sorted(nights.values())
    duration_lows = _lows(settings.duration_groups)
    duration_keys = group_keys(settings.duration_groups)
    by_duration = {key: 0 for key in duration_keys}
    for n in durations:
        by_duration[group_of(n, duration_lows, duration_keys)] += 1

    # Residence status on the last day.
    residence_at_end = vocab_map(settings, "residence", [UNKNOWN])
    for woman_id in set(nights).union(contacted_in_period):
        woman = women.get(woman_id)
        _add(residence_at_end, (woman.residence_on(last) if woman else None) or UNKNOWN)

    # Office visits.
    once = sum(1 for n in visits_by_woman.values() if n == 1) + visits_anonymous
    repeated = sum(1 for n in visits_by_woman.values() if n > 1)

    return {
        "period": {"from": first.isoformat(), "to": last.isoformat()},
        "calls": {
            "total": calls_total,
            "by_subject": by_subject,
            "by_caller": by_caller,
            "by_channel": by_channel,
            "by_month": by_month,
            "first_time": {
                "total": sum(first_time.values()),
                "by_nationality": country_map(first_time),
                "nationality_count": nationality_count(first_time),
            },
        },
        "office_visits": {
            "total": visits_total,
            "women": once + repeated,
            "women_once": once,
            "women_repeated": repeated,
        },
        "offers": {
            "women": offered,
            "accepted": accepted,
            "declined": declined,
            "pending": offered - accepted - declined,
            "declined_by_reason": declined_by_reason,
        },
        "admissions": {
            "women": admitted,
            "by_nationality": country_map(admitted_nationalities),
            "nationality_count": nationality_count(admitted_nationalities),
            "by_age_group": by_age,
            "age_min": min(ages) if ages else None,
            "age_max": max(ages) if ages else None,
            "by_referrer": by_referrer,
            "by_residence": by_residence,
            "interpreter_needed": interpreter,
        },
        "stays": {
            "bed_nights": sum(durations),
            "women": len(durations),
            "by_shelter": by_shelter,
            "duration": {
                "mean": sum(durations) / len(durations) if durations else None,
                "median": float(statistics.median(durations)) if durations else None,
                "min": durations[0] if durations else None,
                "max": durations[-1] if durations else None,
            },
            "by_duration_group": by_duration,
            "open_at_end": {"women": len(open_women), "shelters": len(open_shelters)},
            "women_with_children": len(with_children),
        },
        "residence_at_end": residence_at_end,
        **outreach_figures(records, period),
    }


def shelter_women(records: Records, period: Period, today: date) -> Dict[str, int]:
    """Distinct women with at least one night in ``period`` at each shelter.

    Not a report figure: ``--public`` needs it to hide the bed-nights of a shelter that
    housed fewer than ``suppress_below`` women (those nights are one woman's stay).
    Nights are counted exactly as :func:`compute_report` counts them.
    """
    first, last = period.start, period.end
    night_limit = last + timedelta(days=1)
    open_limit = min(night_limit, today)
    women: Dict[str, set] = {key: set() for key in records.shelters}
    for stay in records.stays.values():
        stop = min(stay.end if stay.end is not None else open_limit, night_limit)
        if (stop - max(stay.start, first)).days > 0:
            women.setdefault(stay.shelter, set()).add(stay.woman)
    return {key: len(ids) for key, ids in women.items()}
