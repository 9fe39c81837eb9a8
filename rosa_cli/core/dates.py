"""Reading the dates people type: ISO, Norwegian day-first forms, ``today``.

Records always store ISO (``2006-03-14``, ``2006-03-14 14:10``). On input the tool
also accepts what a Norwegian coordinator writes by hand — ``14.03.2006``,
``14.3.06`` — and the words ``today``/``i dag``, ``yesterday``/``i går`` and, for
times, ``now``/``nå``. The accepted shapes are matched strictly so that a typo is
an error rather than a surprising date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Optional

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")
TODAY_WORDS = {"today", "i dag", "idag"}
YESTERDAY_WORDS = {"yesterday", "i går", "igår"}
NOW_WORDS = {"now", "nå"}


class DateError(ValueError):
    """A date or time that could not be read; the message says what was expected."""


def _full_year(text: str, today: date) -> int:
    """Four digits as they are; two digits mean the latest such year not in the future."""
    if len(text) == 4:
        return int(text)
    century = today.year - today.year % 100
    year = century + int(text)
    return year if year <= today.year else year - 100


def parse_date(value: object, today: Optional[date] = None) -> date:
    """A date from a YAML value or typed text; raises :class:`DateError` with a hint."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    today = today or date.today()
    text = str(value).strip()
    lowered = text.lower()
    if lowered in TODAY_WORDS:
        return today
    if lowered in YESTERDAY_WORDS:
        return today - timedelta(days=1)
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DAY_FIRST.match(text)
        if not match:
            raise DateError(f"{text!r} is not a date (use 2006-03-14, 14.03.2006 or today)")
        day, month = int(match.group(1)), int(match.group(2))
        year = _full_year(match.group(3), today)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(f"{text!r} is not a date ({exc})") from None


def parse_datetime(value: object, now: Optional[datetime] = None) -> datetime:
    """A local date and time: ``2006-03-14 14:10``, ``14.03.2006 14:10``, ``now``.

    A date alone is not enough for a call: the hour matters for the after-hours
    statistics, so a missing time is an error rather than a silent midnight.
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        raise DateError(f"'{value.isoformat()}' has no time (use {value.isoformat()} 14:10)")
    now = now or datetime.now().replace(second=0, microsecond=0)
    text = str(value).strip()
    if text.lower() in NOW_WORDS:
        return now
    parts = text.replace("T", " ").split()
    if len(parts) != 2:
        raise DateError(f"{text!r} is not a date and time (use 2006-03-14 14:10 or now)")
    day = parse_date(parts[0], now.date())
    match = _TIME.match(parts[1])
    if not match:
        raise DateError(f"{text!r} has no valid time (use HH:MM, like 14:10)")
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError as exc:
        raise DateError(f"{text!r} is not a time ({exc})") from None


def format_datetime(value: datetime) -> str:
    """The stored form: minutes unless the seconds matter."""
    return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
