"""Compute the figures of ``rosa report`` (docs/statistics.md) from loaded records.

:func:`compute_report` is a pure function: records, a period and the date the report is
run go in, the JSON shape of docs/json.md comes out (without the ``records``
provenance and ``previous`` keys, which the caller adds). It makes one pass over the
calls, two over the stays and two over the women, so 100,000 calls take well under a
second.

Each section of the report is its own small function (:func:`call_figures`,
:func:`office_visit_figures`, :func:`offer_figures`, :func:`admission_figures`,
:func:`stay_figures`, :func:`residence_at_end_figures`), typed and tested on its own
(tests/test_stats_sections.py); :func:`compute_report` only assembles them. What
several sections share — the contacts in P, each woman's first stay and her nights in
P — is computed once (:func:`contacts_in`, :func:`stay_facts`).

Definitions (docs/statistics.md, with the choices the spec leaves open):

* A *contact* is in P when the date of its ``at`` is in P. ``calls`` are contacts whose
  channel is not the office-visit channel (role ``office-visit``, by default ``office``;
  :mod:`rosa_cli.stats.roles`); ``office_visits`` are the others.
* *First-time inquiries* are calls (not office visits) whose subject has role
  ``first-inquiry`` (by default ``trafficking-first``), so ``calls.first_time.total``
  always equals that subject's cell of ``calls.by_subject``. Each is counted under the call's
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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set

from rosa_cli.core.model import Call, Records, Settings, Shelter, Stay, Woman
from rosa_cli.stats.outreach import outreach_figures
from rosa_cli.stats.period import Period
from rosa_cli.stats.roles import Roles, roles_of

UNKNOWN = "unknown"
NOT_NATIONALITIES = frozenset({UNKNOWN, "stateless"})


# --- grouping helpers --------------------------------------------------------------

def group_keys(bounds: Sequence[int]) -> List[str]:
    """Keys for groups with the given lower bounds: ``[18, 20]`` → ``["0-17", "18-19", "20+"]``."""
    lows = group_lows(bounds)
    keys = []
    for i, low in enumerate(lows):
        keys.append(f"{low}-{lows[i + 1] - 1}" if i + 1 < len(lows) else f"{low}+")
    return keys


def group_lows(bounds: Sequence[int]) -> List[int]:
    lows = sorted({int(b) for b in bounds if int(b) >= 0})
    if not lows or lows[0] > 0:
        lows.insert(0, 0)
    return lows


def group_of(value: int, lows: List[int], keys: List[str]) -> str:
    """The key of the group holding ``value`` (``lows`` from :func:`group_lows`)."""
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


# --- what several sections share -----------------------------------------------------

def contacts_in(records: Records, period: Period) -> List[Call]:
    """Calls and office visits whose ``at`` falls in ``period``, in record order."""
    first, last = period.start, period.end
    return [call for call in records.calls.values() if first <= _day(call.at) <= last]


def stay_nights(stay: Stay, period: Period, today: date) -> int:
    """Nights of ``stay`` in ``period``: nights d with start <= d < end, an open stay's up to
    ``min(period end + 1 day, today)``; 0 or less when none."""
    night_limit = period.end + timedelta(days=1)
    stop = min(stay.end if stay.end is not None else min(night_limit, today), night_limit)
    return (stop - max(stay.start, period.start)).days


@dataclass(frozen=True)
class StayFacts:
    """What the offers, admissions, stays and residence sections all need from the stays."""

    first_start: Dict[str, date]  # woman id -> start of her first-ever stay (stays' order)
    nights: Dict[str, int]  # woman id -> her nights in P, only women with at least one


def stay_facts(stays: Iterable[Stay], period: Period, today: date) -> StayFacts:
    """Each woman's first stay start and her nights in ``period``, in one pass over the stays."""
    first_start: Dict[str, date] = {}
    nights: Counter = Counter()
    for stay in stays:
        woman_id = stay.woman
        if woman_id not in first_start or stay.start < first_start[woman_id]:
            first_start[woman_id] = stay.start
        n = stay_nights(stay, period, today)
        if n > 0:
            nights[woman_id] += n
    return StayFacts(first_start, dict(nights))


# --- one function per section ------------------------------------------------------------

def first_time_figures(contacts: Iterable[Call], women: Mapping[str, Woman], roles: Roles) -> dict:
    """``calls.first_time``: first-time inquiries by nationality (the call's, else her woman's)."""
    by_nationality: Counter = Counter()
    for call in contacts:
        if call.channel == roles.office_visit or call.subject != roles.first_inquiry:
            continue
        code = call.nationality
        woman = women.get(call.woman) if call.woman else None
        if not _known(code) and woman is not None:
            code = woman.nationality
        by_nationality[code or UNKNOWN] += 1
    return {
        "total": sum(by_nationality.values()),
        "by_nationality": country_map(by_nationality),
        "nationality_count": nationality_count(by_nationality),
    }


def call_figures(contacts: Sequence[Call], women: Mapping[str, Woman], settings: Settings,
                 period: Period, roles: Roles) -> dict:
    """``calls``: the contacts in P that are not office visits, by subject, caller, channel and month."""
    by_subject = vocab_map(settings, "subject")
    by_caller = vocab_map(settings, "caller")
    by_channel = vocab_map(settings, "channel")
    by_month = {month: 0 for month in period.months()}
    total = 0
    for call in contacts:
        if call.channel == roles.office_visit:
            continue
        total += 1
        day = _day(call.at)
        _add(by_subject, call.subject)
        _add(by_caller, call.caller)
        _add(by_channel, call.channel)
        _add(by_month, f"{day.year:04d}-{day.month:02d}")
    return {
        "total": total,
        "by_subject": by_subject,
        "by_caller": by_caller,
        "by_channel": by_channel,
        "by_month": by_month,
        "first_time": first_time_figures(contacts, women, roles),
    }


def office_visit_figures(contacts: Iterable[Call], roles: Roles) -> dict:
    """``office_visits``: visits in P, and the women who came once or more than once.

    A visit without a woman counts as a woman of her own who came once.
    """
    total = anonymous = 0
    by_woman: Counter = Counter()
    for call in contacts:
        if call.channel != roles.office_visit:
            continue
        total += 1
        if call.woman:
            by_woman[call.woman] += 1
        else:
            anonymous += 1
    once = sum(1 for n in by_woman.values() if n == 1) + anonymous
    repeated = sum(1 for n in by_woman.values() if n > 1)
    return {"total": total, "women": once + repeated, "women_once": once, "women_repeated": repeated}


def contacted_in(women: Mapping[str, Woman], period: Period) -> List[str]:
    """Ids of the women whose ``first_contact`` is in ``period`` (women's order)."""
    return [woman_id for woman_id, woman in women.items() if period.start <= woman.first_contact <= period.end]


def offer_figures(women: Mapping[str, Woman], first_start: Mapping[str, date], settings: Settings, period: Period) -> dict:
    """``offers``: women first contacted in P, judged as things stood at P's end."""
    last = period.end
    accepted = declined = 0
    by_reason = vocab_map(settings, "declined", [UNKNOWN])
    offered = contacted_in(women, period)
    for woman_id in offered:
        woman = women[woman_id]
        start = first_start.get(woman_id)
        if start is not None and start <= last:
            accepted += 1
        elif woman.declined_on is not None and woman.declined_on <= last:
            declined += 1
            _add(by_reason, woman.declined_reason or UNKNOWN)
    return {
        "women": len(offered),
        "accepted": accepted,
        "declined": declined,
        "pending": len(offered) - accepted - declined,
        "declined_by_reason": by_reason,
    }


def admission_figures(women: Mapping[str, Woman], first_start: Mapping[str, date], settings: Settings,
                      period: Period) -> dict:
    """``admissions``: women whose first-ever stay starts in P, as they were on that day."""
    age_lows = group_lows(settings.age_groups)
    age_keys = group_keys(settings.age_groups)
    by_age = {key: 0 for key in age_keys}
    by_age[UNKNOWN] = 0
    ages: List[int] = []
    nationalities: Counter = Counter()
    by_referrer = vocab_map(settings, "referrer", [UNKNOWN])
    by_residence = vocab_map(settings, "residence", [UNKNOWN])
    interpreter = admitted = 0
    for woman_id, start in first_start.items():
        if start not in period:
            continue
        admitted += 1
        woman = women.get(woman_id)  # None: a stay naming a missing woman; `rosa check` reports it
        nationalities[(woman.nationality if woman else None) or UNKNOWN] += 1
        age = woman.age_on(start) if woman else None
        if age is None or age < 0:
            by_age[UNKNOWN] += 1
        else:
            ages.append(age)
            by_age[group_of(age, age_lows, age_keys)] += 1
        _add(by_referrer, (woman.referred_by if woman else None) or UNKNOWN)
        _add(by_residence, (woman.residence_on(start) if woman else None) or UNKNOWN)
        interpreter += 1 if woman and woman.interpreter else 0
    return {
        "women": admitted,
        "by_nationality": country_map(nationalities),
        "nationality_count": nationality_count(nationalities),
        "by_age_group": by_age,
        "age_min": min(ages) if ages else None,
        "age_max": max(ages) if ages else None,
        "by_referrer": by_referrer,
        "by_residence": by_residence,
        "interpreter_needed": interpreter,
    }


def shelter_nights(stays: Iterable[Stay], shelters: Mapping[str, Shelter], period: Period, today: date) -> Dict[str, int]:
    """``stays.by_shelter``: bed-nights in P per shelter; a shelter retired before P shows only with nights."""
    by_shelter = {key: 0 for key in shelters}
    for stay in stays:
        n = stay_nights(stay, period, today)
        if n > 0:
            _add(by_shelter, stay.shelter, n)
    for key, shelter in shelters.items():
        if not by_shelter.get(key) and not shelter.active_during(period.start):
            del by_shelter[key]
    return by_shelter


def duration_figures(nights: Iterable[int], settings: Settings) -> dict:
    """``stays.duration`` and ``stays.by_duration_group`` from each woman's nights in P."""
    durations = sorted(nights)
    lows = group_lows(settings.duration_groups)
    keys = group_keys(settings.duration_groups)
    by_group = {key: 0 for key in keys}
    for n in durations:
        by_group[group_of(n, lows, keys)] += 1
    return {
        "duration": {
            "mean": sum(durations) / len(durations) if durations else None,
            "median": float(statistics.median(durations)) if durations else None,
            "min": durations[0] if durations else None,
            "max": durations[-1] if durations else None,
        },
        "by_duration_group": by_group,
    }


def stay_figures(records: Records, period: Period, today: date, facts: StayFacts) -> dict:
    """``stays``: bed-nights, women, shelters, durations, stays open at P's end, children."""
    open_women: Set[str] = set()
    open_shelters: Set[str] = set()
    with_children: Set[str] = set()
    for stay in records.stays.values():
        if stay.children and stay.children > 0 and stay_nights(stay, period, today) > 0:
            with_children.add(stay.woman)
        if stay.start <= period.end and (stay.end is None or stay.end > period.end):
            open_women.add(stay.woman)
            open_shelters.add(stay.shelter)
    durations = duration_figures(facts.nights.values(), records.settings)
    return {
        "bed_nights": sum(facts.nights.values()),
        "women": len(facts.nights),
        "by_shelter": shelter_nights(records.stays.values(), records.shelters, period, today),
        "duration": durations["duration"],
        "by_duration_group": durations["by_duration_group"],
        "open_at_end": {"women": len(open_women), "shelters": len(open_shelters)},
        "women_with_children": len(with_children),
    }


def residence_at_end_figures(women: Mapping[str, Woman], counted: Iterable[str], settings: Settings,
                             period: Period) -> Dict[str, int]:
    """``residence_at_end``: the status in force on P's last day of each woman in ``counted``."""
    by_status = vocab_map(settings, "residence", [UNKNOWN])
    for woman_id in counted:
        woman = women.get(woman_id)
        _add(by_status, (woman.residence_on(period.end) if woman else None) or UNKNOWN)
    return by_status


# --- the report --------------------------------------------------------------------

def compute_report(records: Records, period: Period, today: date) -> dict:
    """All figures of docs/statistics.md for ``period``, as the report was on ``today``."""
    settings, women = records.settings, records.women
    roles = roles_of(settings)
    contacts = contacts_in(records, period)
    facts = stay_facts(records.stays.values(), period, today)
    residents = set(facts.nights).union(contacted_in(women, period))  # a night or a first contact in P
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "calls": call_figures(contacts, women, settings, period, roles),
        "office_visits": office_visit_figures(contacts, roles),
        "offers": offer_figures(women, facts.first_start, settings, period),
        "admissions": admission_figures(women, facts.first_start, settings, period),
        "stays": stay_figures(records, period, today, facts),
        "residence_at_end": residence_at_end_figures(women, residents, settings, period),
        **outreach_figures(records, period),
    }


def shelter_women(records: Records, period: Period, today: date) -> Dict[str, int]:
    """Distinct women with at least one night in ``period`` at each shelter.

    Not a report figure: ``--public`` needs it to hide the bed-nights of a shelter that
    housed fewer than ``suppress_below`` women (those nights are one woman's stay).
    Nights are counted exactly as :func:`compute_report` counts them (:func:`stay_nights`).
    """
    women: Dict[str, set] = {key: set() for key in records.shelters}
    for stay in records.stays.values():
        if stay_nights(stay, period, today) > 0:
            women.setdefault(stay.shelter, set()).add(stay.woman)
    return {key: len(ids) for key, ids in women.items()}
