"""The record model: typed, validated records as the rest of rosa sees them.

Records live on disk as YAML mappings; :mod:`rosa_cli.core.validate` turns a raw
mapping into one of the dataclasses here (or into problems). Everything downstream —
statistics, listings, exports — works on these objects and never on raw YAML, so a
field is parsed and checked in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Dict, List, Optional, Union

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the records folder: where it is and what it is.

    Validation never raises on bad data; it collects problems so that ``rosa check``
    can show them all in one run (errors are data).
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


@dataclass(frozen=True)
class ResidenceEntry:
    """A residence status in force from ``start`` until the next entry."""

    start: date
    status: str


@dataclass
class Woman:
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
    lines: Dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def line_of(self, name: str) -> Optional[int]:
        """The line of field ``name`` in the record's file (for ``path:line`` problems)."""
        return self.lines.get(name) or self.lines.get("id")

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


@dataclass
class Stay:
    id: str
    woman: str
    shelter: str
    start: date
    end: Optional[date] = None
    end_reason: Optional[str] = None
    children: int = 0
    note: Optional[str] = None
    path: str = ""
    lines: Dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def line_of(self, name: str) -> Optional[int]:
        """The line of field ``name`` in the record's file (for ``path:line`` problems)."""
        return self.lines.get(name) or self.lines.get("id")

    @property
    def is_open(self) -> bool:
        return self.end is None

    def covers_night(self, day: date) -> bool:
        """True when the night that begins on ``day`` is spent in this stay."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass
class Call:
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
    lines: Dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def line_of(self, name: str) -> Optional[int]:
        """The line of field ``name`` in the record's file (for ``path:line`` problems)."""
        return self.lines.get(name) or self.lines.get("id")


@dataclass
class Shelter:
    key: str
    name: str
    municipality: Optional[str] = None


@dataclass
class Settings:
    """What ``rosa.yaml`` says: organisation, language, groupings and vocabularies."""

    organisation: str
    language: str = "nb"
    started: Optional[date] = None
    age_groups: List[int] = field(default_factory=lambda: [18, 20, 25, 30, 40])
    duration_groups: List[int] = field(default_factory=lambda: [31, 91, 181, 366])
    suppress_below: int = 3
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
    problems: List[Problem] = field(default_factory=list)
    skipped: int = 0

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.is_error]

    def stays_of(self, woman_id: str) -> List[Stay]:
        return sorted((s for s in self.stays.values() if s.woman == woman_id), key=lambda s: s.start)
