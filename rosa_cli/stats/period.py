"""A report period: a range of dates with both ends inclusive."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator, List


@dataclass(frozen=True)
class Period:
    """The dates ``start`` … ``end``, both inclusive (``--year 2006`` is 2006-01-01 … 2006-12-31)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise TypeError("a period needs two dates")
        if self.start > self.end:
            raise ValueError(f"a period cannot end ({self.end.isoformat()}) before it starts ({self.start.isoformat()})")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def days(self) -> int:
        """The number of dates in the period (a year has 365 or 366)."""
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def is_whole_months(self) -> bool:
        """True when the period starts on a 1st and ends on the last day of a month."""
        last = calendar.monthrange(self.end.year, self.end.month)[1]
        return self.start.day == 1 and self.end.day == last

    def _month_count(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Period:
        """The period of the same length just before this one.

        A period of whole calendar months gives the same number of whole months before
        it (2008 → 2007, even across a leap year; March–April → January–February);
        any other period gives the same number of days, ending the day before ``start``.
        """
        if self.is_whole_months:
            from dateutil.relativedelta import relativedelta

            return Period(self.start - relativedelta(months=self._month_count()), self.start - timedelta(days=1))
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def months(self) -> List[str]:
        """``"YYYY-MM"`` for every month the period touches, in order."""
        return [f"{y:04d}-{m:02d}" for y, m in self._iter_months()]

    def _iter_months(self) -> Iterator[tuple]:
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            yield y, m
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"
