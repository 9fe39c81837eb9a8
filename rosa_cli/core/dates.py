"""Reading the dates and times people type: ISO, and the Norwegian way.

Records always store ISO (``2006-03-14``, ``2006-03-14 14:10``). On input the tool
also accepts what a Norwegian coordinator says and writes by hand, because making
her translate ``i går halv tre`` into ISO at the phone is where mistakes are made:

* day words: ``i dag``/``today``, ``i går``/``yesterday``, ``i forgårs``/``the day
  before yesterday``; for a moment also ``nå``/``now``;
* weekday names, Norwegian or English (``mandag``, ``monday``): the most recent such
  day **on or before today** — ``mandag`` typed on a Monday is today, because a
  coordinator logging this morning's call says "mandag" as readily as "i dag";
* day-first dates ``14.03.2026``, ``14.3.26`` and ``14.3`` (no year: this year, or
  last year if that day has not come yet — a record is never about the future);
* times ``14:30``, ``14.30``, ``kl 14.30``, ``kl. 14``; a time alone means today.

A lone ``H.MM`` (``14.30``) is read as a time, never as a date: months have no 30th.
Shapes are matched strictly so that a typo is an error rather than a surprising date,
and every error hint shows the Norwegian forms first.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Optional, Tuple

from rosa_cli.core.messages import Message, msg

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")
_HOUR = re.compile(r"^(\d{1,2})$")
_CLOCK_WORDS = {"kl", "kl.", "klokka", "klokken", "at"}

TODAY_WORDS = {"today", "i dag", "idag"}
YESTERDAY_WORDS = {"yesterday", "i går", "igår", "i gar", "igar"}
DAY_BEFORE_WORDS = {"i forgårs", "iforgårs", "i forgars", "forgårs", "the day before yesterday", "day before yesterday"}
NOW_WORDS = {"now", "nå", "naa"}
WEEKDAYS = {
    "mandag": 0, "tirsdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lørdag": 5, "søndag": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}

# The hints name the Norwegian forms first; in bokmål they are Norwegian only (the
# English words are still accepted, they are just not advertised there).
DATE_HINT = msg("date.hint", "i dag, i går, mandag, 14.03.2026, 14.3 — or today, yesterday, 2026-03-14")
MOMENT_HINT = msg(
    "moment.hint", "i går 14:30, kl 14.30, 14.3 10:00, 14.03.2026 kl 10:00, nå — or yesterday 14:30, now, 2026-03-14 14:30"
)


class DateError(ValueError):
    """A date or time that could not be read; ``message`` (a coded
    :class:`~rosa_cli.core.messages.Message`: ``date.unreadable``, ``moment.needs_time`` …)
    says what was expected. ``str(exc)`` is its English text; a caller that passes the
    reason on should pass ``exc.message`` so the CLI can show it in the user's language."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message


class NeedsTime(DateError):
    """A date was given where a moment is needed; ``day`` is that date, so a prompt
    can ask for the time of day instead of throwing the answer away."""

    def __init__(self, message: Message, day: date):
        super().__init__(message)
        self.day = day


def _calendar_reason(year: int, month: int, day: int) -> Message:
    """Why ``year-month-day`` is no day of the calendar, decided on the numbers (never
    on the text of Python's error), in words that can be translated."""
    if not 1 <= month <= 12:
        return msg("date.no_such_month", "month must be in 1..12")
    if not 1 <= year <= 9999:
        return msg("date.no_such_year", "year {year} is out of range", year=year)
    return msg("date.no_such_day", "day is out of range for month")


def _clock_reason(hour: int, minute: int, second: int) -> Message:
    """Why a time of day does not exist, decided on the numbers."""
    if not 0 <= hour <= 23:
        return msg("time.no_such_hour", "hour must be in 0..23")
    if not 0 <= minute <= 59:
        return msg("time.no_such_minute", "minute must be in 0..59")
    return msg("time.no_such_second", "second must be in 0..59")


def _full_year(text: str, today: date) -> int:
    """Four digits as they are; two digits mean the latest such year not in the future."""
    if len(text) == 4:
        return int(text)
    century = today.year - today.year % 100
    year = century + int(text)
    return year if year <= today.year else year - 100


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def parse_date(value: object, today: Optional[date] = None) -> date:
    """A date from a YAML value or typed text; raises :class:`DateError` with a hint."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    today = today or date.today()
    text = str(value).strip()
    lowered = _words(text)
    if lowered in TODAY_WORDS:
        return today
    if lowered in YESTERDAY_WORDS:
        return today - timedelta(days=1)
    if lowered in DAY_BEFORE_WORDS:
        return today - timedelta(days=2)
    if lowered in WEEKDAYS:
        return today - timedelta(days=(today.weekday() - WEEKDAYS[lowered]) % 7)
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DAY_FIRST.match(text)
        short = None if match else _DAY_MONTH.match(text)
        if match:
            day, month = int(match.group(1)), int(match.group(2))
            year = _full_year(match.group(3), today)
        elif short:
            day, month = int(short.group(1)), int(short.group(2))
            year = today.year
            try:
                if date(year, month, day) > today:
                    year -= 1
            except ValueError:
                pass
        else:
            raise DateError(msg("date.unreadable", "{text!r} is not a date (use {hint})", text=text, hint=DATE_HINT))
    try:
        return date(year, month, day)
    except ValueError:
        reason = _calendar_reason(year, month, day)
        raise DateError(msg("date.impossible", "{text!r} is not a date ({reason})", text=text, reason=reason)) from None


def _split_moment(text: str) -> Tuple[str, Optional[Tuple[int, int, int]]]:
    """The date words and the time of day in ``text`` (``None`` when it has no time)."""
    tokens = text.split()
    clock = False
    kept = []
    for token in tokens:
        if token.lower() in _CLOCK_WORDS:
            clock = True
        else:
            kept.append(token)
    if not kept:
        return "", None
    last = kept[-1]
    match = _TIME.match(last)
    if match and int(match.group(2)) < 60:
        return " ".join(kept[:-1]), (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
    if clock and _HOUR.match(last):
        return " ".join(kept[:-1]), (int(last), 0, 0)
    return " ".join(kept), None


def parse_datetime(value: object, now: Optional[datetime] = None, relative: bool = True) -> datetime:
    """A local date and time: ``i går 14:30``, ``14.03.2026 kl 10:00``, ``14:30``, ``nå``, ISO.

    A date alone is not enough for a call: the hour matters for the after-hours
    statistics, so a missing time raises :class:`NeedsTime` rather than a silent midnight.
    ``relative=False`` (a record file) takes only a full date with a time: a file that
    said ``i går 14:30`` would mean another day each time it is read.
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        raise NeedsTime(msg("moment.no_time", "'{day}' has no time of day (add it: {day} 14:30)", day=value.isoformat()), value)
    now = now or datetime.now().replace(second=0, microsecond=0)
    text = str(value).strip()
    if _words(text) in NOW_WORDS and relative:
        return now
    if "T" in text and _ISO_DATE.match(text.split("T", 1)[0]):
        text = text.replace("T", " ", 1)
    day_text, clock = _split_moment(text)
    if not relative and not (_ISO_DATE.match(day_text) or _DAY_FIRST.match(day_text)):
        raise DateError(msg("moment.not_iso", "{text!r} is not a date and time (use 2026-03-14 14:30)", text=text))
    if clock is None:
        try:
            day = parse_date(day_text, now.date())
        except DateError:
            raise DateError(_moment_unreadable(text)) from None
        raise NeedsTime(
            msg("moment.needs_time", "{text!r} is a day, not a date and time: add the time of day, like «{text} 14:30»", text=text), day
        )
    if day_text:
        try:
            day = parse_date(day_text, now.date())
        except DateError:
            raise DateError(_moment_unreadable(text)) from None
    else:
        day = now.date()
    hour, minute, second = clock
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        try:
            date(day.year, day.month, day.day)
            reason = _clock_reason(hour, minute, second)
        except ValueError:
            reason = _calendar_reason(day.year, day.month, day.day)
        raise DateError(msg("time.impossible", "{text!r} is not a time ({reason}; use HH:MM like 14:30)", text=text, reason=reason)) from None


def _moment_unreadable(text: str) -> Message:
    return msg("moment.unreadable", "{text!r} is not a date and time (use {hint})", text=text, hint=MOMENT_HINT)


def parse_time_of_day(value: object) -> Tuple[int, int]:
    """Only a time of day (``14:30``, ``14.30``, ``kl 14``): what a prompt asks for after a bare date."""
    _day_text, clock = _split_moment(str(value).strip())
    if clock is None or _day_text or not (0 <= clock[0] < 24):
        raise DateError(msg("time.unreadable", "{text!r} is not a time of day (use 14:30, 14.30 or kl 14)", text=str(value).strip()))
    return clock[0], clock[1]


def format_datetime(value: datetime) -> str:
    """The stored form: minutes unless the seconds matter."""
    return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
