"""``rosa agenda`` as pure functions: the records and a day in, four short lists out.

A coordinator starting her day needs to know who needs attention, not statistics:
who is in a shelter now, which stays nobody closed, whose reflection period runs
out soon, and whom nobody has talked to for weeks. Everything here is computed from
loaded records and one date (``on``), so the same lists can be asked for any day
(``rosa agenda --on D``) and tested without a clock. The output holds ids, shelter
keys, dates and numbers only: never notes or other free text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Dict, List, Optional

from rosa_cli.core.model import Records, Stay

REFLECTION_STATUS = "reflection-period"
# how far ahead a reflection period's end puts her on the agenda (issue 11: "within 30 days")
REFLECTION_NOTICE_DAYS = 30


@dataclass(frozen=True)
class InShelter:
    """A woman in a shelter on the day: her open stay and the nights so far."""

    woman: str
    stay: str
    shelter: str
    since: date
    nights: int


@dataclass(frozen=True)
class ReflectionEnding:
    """A reflection period (counted from its residence entry) that ends soon."""

    woman: str
    since: date
    ends: date
    days_left: int
    shelter: Optional[str]  # where she stays on the day, if anywhere


@dataclass(frozen=True)
class NoContact:
    """A woman in a shelter with no call or visit about her for too long.

    ``last_contact`` is the date of the latest call or visit naming her (None when
    there was none); ``days`` counts from it, or from the start of her stay when that
    is later (being placed is a contact too).
    """

    woman: str
    stay: str
    shelter: str
    last_contact: Optional[date]
    days: int


@dataclass
class Agenda:
    on: date
    long_stay_days: int
    reflection_days: int
    followup_days: int
    in_shelter: List[InShelter] = field(default_factory=list)
    long_stays: List[InShelter] = field(default_factory=list)
    reflection_ending: List[ReflectionEnding] = field(default_factory=list)
    no_contact: List[NoContact] = field(default_factory=list)


def stays_on(records: Records, on: date) -> Dict[str, Stay]:
    """Each woman's stay on ``on``: the one whose night beginning on ``on`` she spends
    there (a stay ending on ``on`` is over: she left that day)."""
    found: Dict[str, Stay] = {}
    for stay in records.stays.values():
        if stay.covers_night(on):
            current = found.get(stay.woman)
            # two at once is a check error (overlap); take the later one, as the shelter she is at now
            if current is None or stay.start > current.start:
                found[stay.woman] = stay
    return found


def last_contacts(records: Records, on: date) -> Dict[str, date]:
    """The latest date on or before ``on`` of a call or visit naming each woman."""
    latest: Dict[str, date] = {}
    for call in records.calls.values():
        if not call.woman:
            continue
        day = call.at.date()
        if day <= on and (call.woman not in latest or day > latest[call.woman]):
            latest[call.woman] = day
    return latest


def build_agenda(records: Records, on: date) -> Agenda:
    """The four lists for day ``on`` (see the module docstring)."""
    settings = records.settings
    agenda = Agenda(on, settings.long_stay_days, settings.reflection_days, settings.followup_days)
    current = stays_on(records, on)
    for stay in current.values():
        row = InShelter(stay.woman, stay.id, stay.shelter, stay.start, (on - stay.start).days)
        agenda.in_shelter.append(row)
        if row.nights > settings.long_stay_days:
            agenda.long_stays.append(row)
    agenda.in_shelter.sort(key=lambda r: (r.since, r.woman))
    agenda.long_stays.sort(key=lambda r: (-r.nights, r.woman))

    for woman in records.women.values():
        entry = None
        for candidate in woman.residence:
            if candidate.start <= on and (entry is None or candidate.start >= entry.start):
                entry = candidate
        if entry is None or entry.status != REFLECTION_STATUS:
            continue
        ends = entry.start + timedelta(days=settings.reflection_days)
        days_left = (ends - on).days
        if 0 <= days_left <= REFLECTION_NOTICE_DAYS:
            open_stay = current.get(woman.id)
            agenda.reflection_ending.append(ReflectionEnding(woman.id, entry.start, ends, days_left, open_stay.shelter if open_stay else None))
    agenda.reflection_ending.sort(key=lambda r: (r.ends, r.woman))

    contacts = last_contacts(records, on)
    for stay in current.values():
        last = contacts.get(stay.woman)
        since = max(last, stay.start) if last is not None else stay.start
        days = (on - since).days
        if days > settings.followup_days:
            agenda.no_contact.append(NoContact(stay.woman, stay.id, stay.shelter, last, days))
    agenda.no_contact.sort(key=lambda r: (-r.days, r.woman))
    return agenda


def agenda_json(agenda: Agenda) -> Dict[str, list]:
    """The agenda as plain data with exactly the four list keys; dates as ISO text."""

    def plain(row) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(row).items()}

    return {
        "in_shelter": [plain(r) for r in agenda.in_shelter],
        "long_stays": [plain(r) for r in agenda.long_stays],
        "reflection_ending": [plain(r) for r in agenda.reflection_ending],
        "no_contact": [plain(r) for r in agenda.no_contact],
    }
