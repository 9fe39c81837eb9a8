"""The record model: typed, validated records as the rest of rosa sees them.

Records live on disk as YAML mappings; :mod:`rosa_cli.core.validate` turns a raw
mapping into one of the dataclasses here (or into problems). Everything downstream —
statistics, listings, exports — works on these objects and never on raw YAML, so a
field is parsed and checked in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Dict, List, Optional, Tuple, Union

from rosa_cli.core.schema import FIELDS
from rosa_cli.core.vocab import (
    DEFAULT_FOLLOWUP_DAYS,
    DEFAULT_LONG_STAY_DAYS,
    DEFAULT_MAX_TEXT_CHARS,
    DEFAULT_REFLECTION_DAYS,
)

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the records folder: where it is and what it is.

    Validation never raises on bad data; it collects problems so that ``rosa check``
    can show them all in one run (errors are data). ``message`` is a
    :class:`~rosa_cli.core.messages.Message` (a ``str`` whose value is English) that the CLI
    shows in the user's language (``problem_line``, docs/messages.md); ``str(problem)`` is
    the English line, for logs and for code that never meets a person.
    """

    path: str
    line: Optional[int]
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{where}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def line_in(record, name: str) -> Optional[int]:
    """Where field ``name`` (else the id) stands in ``record``'s file, if known."""
    index = _FIELD_INDEX[type(record).__name__]
    lines = record.lines
    for key in (name, "id"):
        position = index.get(key)
        if position is not None and position < len(lines) and lines[position]:
            return lines[position]
    return None


class _Record:
    """What every record kind shares: its path and the lines its fields stand on."""

    __slots__ = ()

    def line_of(self, name: str) -> Optional[int]:
        """The line of field ``name`` in the record's file (for ``path:line`` problems)."""
        return line_in(self, name)


_KIND_OF_CLASS = {"Woman": "woman", "Stay": "stay", "Call": "call",
                  "Service": "service", "Activity": "activity", "WebsiteMonth": "website"}
_FIELD_INDEX = {cls: {f.name: i for i, f in enumerate(FIELDS[kind])} for cls, kind in _KIND_OF_CLASS.items()}


@dataclass(frozen=True)
class ResidenceEntry:
    """A residence status in force from ``start`` until the next entry."""

    start: date
    status: str


@dataclass(slots=True)
class Woman(_Record):
    id: str
    first_contact: date
    nationality: str
    born: Union[int, date, None] = None
    born_estimated: bool = False
    referred_by: Optional[str] = None
    referrer: Optional[str] = None
    residence: List[ResidenceEntry] = field(default_factory=list)
    interpreter: Optional[str] = None
    exploitation: Optional[str] = None
    declined_on: Optional[date] = None
    declined_reason: Optional[str] = None
    note: Optional[str] = None
    path: str = ""
    lines: Tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def birth_year(self) -> Optional[int]:
        if self.born is None:
            return None
        return self.born if isinstance(self.born, int) else self.born.year

    def age_on(self, day: date) -> Optional[int]:
        """Age in whole years on ``day``; from a birth year alone, ``day.year - born``."""
        if self.born is None:
            return None
        if isinstance(self.born, int):
            return day.year - self.born
        before_birthday = (day.month, day.day) < (self.born.month, self.born.day)
        return day.year - self.born.year - (1 if before_birthday else 0)

    def residence_on(self, day: date) -> Optional[str]:
        """The residence status in force on ``day`` (the latest entry starting on or before it)."""
        status = None
        for entry in sorted(self.residence, key=lambda e: e.start):
            if entry.start <= day:
                status = entry.status
            else:
                break
        return status


@dataclass(slots=True)
class Stay(_Record):
    id: str
    woman: str
    shelter: str
    start: date
    end: Optional[date] = None
    end_reason: Optional[str] = None
    children: int = 0
    note: Optional[str] = None
    path: str = ""
    lines: Tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def is_open(self) -> bool:
        return self.end is None

    def covers_night(self, day: date) -> bool:
        """True when the night that begins on ``day`` is spent in this stay."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(slots=True)
class Call(_Record):
    id: str
    at: datetime
    caller: str
    subject: str
    channel: str = "phone"
    woman: Optional[str] = None
    nationality: Optional[str] = None
    received_by: Optional[str] = None
    note: Optional[str] = None
    path: str = ""
    lines: Tuple[int, ...] = field(default=(), repr=False, compare=False)


@dataclass(slots=True)
class Service(_Record):
    """Something given to a woman that the project counts and often pays for (docs/services-activities-website.md)."""

    id: str
    woman: str
    kind: str
    on: date
    to: Optional[date] = None
    cost: Optional[int] = None
    paid_by: Optional[str] = None
    provider: Optional[str] = None
    completed: Optional[bool] = None
    note: Optional[str] = None
    path: str = ""
    lines: Tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def last_day(self) -> date:
        return self.to or self.on


@dataclass(slots=True)
class Activity(_Record):
    """An outreach or network activity: a lecture, seminar, meeting (docs/services-activities-website.md)."""

    id: str
    kind: str
    on: date
    days: Optional[float] = None
    participants: Optional[int] = None
    audience: List[str] = field(default_factory=list)
    organised_by_us: Optional[bool] = None
    shelters: Optional[int] = None
    title: Optional[str] = None
    path: str = ""
    lines: Tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def ours(self) -> bool:
        """Organised by the project: as recorded, else the default for its kind."""
        from rosa_cli.core.vocab import ORGANISED_BY_DEFAULT

        if self.organised_by_us is not None:
            return self.organised_by_us
        return self.kind in ORGANISED_BY_DEFAULT


@dataclass(slots=True)
class WebsiteMonth(_Record):
    """A month of website statistics; ``month`` (YYYY-MM) names its file and serves as its id."""

    month: str
    visits: Optional[int] = None
    pages: Optional[int] = None
    hits: Optional[int] = None
    sites: Optional[int] = None
    path: str = ""
    lines: Tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.month


@dataclass
class Shelter:
    """A crisis shelter from ``shelters.yaml``.

    ``retired`` is the day it stopped taking women (``rosa shelter retire``): the key
    stays, because old stays name it, but no new stay may, and reports leave it out of
    periods it had no nights in.
    """

    key: str
    name: str
    municipality: Optional[str] = None
    retired: Optional[date] = None

    def active_during(self, first: date) -> bool:
        """True unless it was retired on or before ``first`` (a period's first day)."""
        return self.retired is None or self.retired > first


@dataclass
class Settings:
    """What ``rosa.yaml`` says: organisation, language, groupings and vocabularies."""

    organisation: str
    language: str = "nb"
    started: Optional[date] = None
    age_groups: List[int] = field(default_factory=lambda: [18, 20, 25, 30, 40])
    duration_groups: List[int] = field(default_factory=lambda: [31, 91, 181, 366])
    suppress_below: int = 3
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS  # longest free text a field may hold
    long_stay_days: int = DEFAULT_LONG_STAY_DAYS  # an open stay longer than this is on the agenda and warned about
    reflection_days: int = DEFAULT_REFLECTION_DAYS  # a reflection period's length, from its residence entry
    followup_days: int = DEFAULT_FOLLOWUP_DAYS  # days in a shelter without a call or visit before she is on the agenda
    vocabularies: Dict[str, Dict[str, Dict[str, str]]] = field(default_factory=dict)

    def keys(self, vocabulary: str) -> List[str]:
        return list(self.vocabularies.get(vocabulary, {}))

    def label(self, vocabulary: str, key: str, language: Optional[str] = None) -> str:
        labels = self.vocabularies.get(vocabulary, {}).get(key) or {}
        lang = language or self.language
        return labels.get(lang) or labels.get("en") or key


@dataclass
class Records:
    """Everything loaded from one records folder, with the problems found on the way."""

    settings: Settings
    shelters: Dict[str, Shelter] = field(default_factory=dict)
    women: Dict[str, Woman] = field(default_factory=dict)
    stays: Dict[str, Stay] = field(default_factory=dict)
    calls: Dict[str, Call] = field(default_factory=dict)
    services: Dict[str, Service] = field(default_factory=dict)
    activities: Dict[str, Activity] = field(default_factory=dict)
    website: Dict[str, WebsiteMonth] = field(default_factory=dict)
    problems: List[Problem] = field(default_factory=list)
    skipped: int = 0
    # valid records of year folders the loader was asked not to build (their problems
    # are in ``problems``; see rosa_cli/core/summary.py)
    unbuilt: int = 0
    # every record folder's names and stat signatures, hashed, and whether each folder
    # was found exactly as the cache held it; None when the cache is off or a file is
    # a link (rosa_cli/core/statusmemo.py)
    fingerprint: Optional[Tuple[str, bool]] = None

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.is_error]

    def stays_of(self, woman_id: str) -> List[Stay]:
        return sorted((s for s in self.stays.values() if s.woman == woman_id), key=lambda s: s.start)


# --- compact rows, for the record cache ------------------------------------------------------
#
# The cache stores each record as a tuple of plain values (dates as ordinals) so that it
# can be written and read with :mod:`marshal`, several times faster than pickling objects.


def _day_row(day: Optional[date]):
    return day.toordinal() if day is not None else None


def _day(value) -> Optional[date]:
    return date.fromordinal(value) if value is not None else None


def _required_day(value) -> date:
    """A day every valid record has (a stay's start, a woman's first contact)."""
    return date.fromordinal(value)


_GENERIC = {"Service": "service", "Activity": "activity", "WebsiteMonth": "website"}


def _generic_row(kind: str, record) -> tuple:
    """A section-9 record as ``(kind, values…, lines)``: dates as ordinals, lists as tuples."""
    values = []
    for spec in FIELDS[kind]:
        value = getattr(record, spec.name)
        if isinstance(value, date):
            value = value.toordinal()
        elif isinstance(value, list):
            value = tuple(value)
        values.append(value)
    return (kind, *values, record.lines)


def _from_generic(row: tuple, path: str):
    kind = row[0]
    values = {}
    for spec, value in zip(FIELDS[kind], row[1:-1]):
        if spec.type == "date" and value is not None:
            value = date.fromordinal(value)
        elif spec.type == "audience":
            value = list(value or ())
        values[spec.name] = value
    cls = {"service": Service, "activity": Activity, "website": WebsiteMonth}[kind]
    return cls(path=path, lines=row[-1], **values)


def to_row(record) -> tuple:
    """A record as a tuple of plain values (see :func:`from_row`)."""
    generic = _GENERIC.get(type(record).__name__)
    if generic:
        return _generic_row(generic, record)
    if isinstance(record, Call):
        at = record.at
        return ("call", record.id, at.isoformat(), record.caller, record.subject,
                record.channel, record.woman, record.nationality, record.received_by, record.note, record.lines)
    if isinstance(record, Stay):
        return ("stay", record.id, record.woman, record.shelter, _day_row(record.start), _day_row(record.end),
                record.end_reason, record.children, record.note, record.lines)
    born = record.born
    born_row = born if born is None or isinstance(born, int) else (born.toordinal(),)
    residence = tuple((entry.start.toordinal(), entry.status) for entry in record.residence)
    return ("woman", record.id, _day_row(record.first_contact), record.nationality, born_row, record.born_estimated,
            record.referred_by, record.referrer, residence, record.interpreter, record.exploitation,
            _day_row(record.declined_on), record.declined_reason, record.note, record.lines)


def from_row(row: tuple, path: str):
    """The record a :func:`to_row` tuple stands for."""
    kind = row[0]
    if kind in ("service", "activity", "website"):
        return _from_generic(row, path)
    if kind == "call":
        _, rid, at, caller, subject, channel, woman, nationality, received_by, note, lines = row
        return Call(rid, datetime.fromisoformat(at), caller, subject, channel, woman, nationality, received_by, note, path, lines)
    if kind == "stay":
        _, rid, woman, shelter, start, end, end_reason, children, note, lines = row
        return Stay(rid, woman, shelter, _required_day(start), _day(end), end_reason, children, note, path, lines)
    (_, rid, first_contact, nationality, born, born_estimated, referred_by, referrer, residence, interpreter,
     exploitation, declined_on, declined_reason, note, lines) = row
    if isinstance(born, tuple):
        born = date.fromordinal(born[0])
    return Woman(rid, _required_day(first_contact), nationality, born, born_estimated, referred_by, referrer,
                 [ResidenceEntry(date.fromordinal(start), status) for start, status in residence], interpreter,
                 exploitation, _day(declined_on), declined_reason, note, path, lines)


# where a call's row (:func:`to_row`) keeps what a folder's summary needs
CALL_ROW_AT, CALL_ROW_WOMAN, CALL_ROW_NATIONALITY = 2, 6, 7


def row_facts(row: tuple) -> Tuple[int, int, Optional[str]]:
    """``(first year, last year, woman)`` of a service's or activity's :func:`to_row`
    tuple, read without building the record: what rosa_cli/core/summary.py keeps of a
    year folder (a service runs to its ``to``). Calls are read in bulk there, by the
    ``CALL_ROW_*`` positions."""
    position = _ROW_POSITIONS[row[0]]
    first = date.fromordinal(row[position["on"]]).year
    to = row[position["to"]] if "to" in position else None
    return first, date.fromordinal(to).year if to is not None else first, row[position["woman"]] if "woman" in position else None


# where each field sits in a generic row: (kind, values in FIELDS order…, lines)
_ROW_POSITIONS = {kind: {spec.name: 1 + i for i, spec in enumerate(FIELDS[kind])} for kind in ("service", "activity", "website")}
