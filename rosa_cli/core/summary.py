"""What a command must know of a year folder whose records it does not build.

A year's report needs the calls of that year, not the 100,000 of the twenty years
before it; ``rosa check`` needs every problem, but no call as an object. Building
records costs far more than looking at their files (issue 16: a warm report was
dominated by rebuilding ~120,000 objects it then mostly skipped), so the loader builds
a year folder (``calls/2006``, ``services/2006``, ``activities/2006``) only when it
may hold a record the command counts, and otherwise takes what it needs from this
summary, kept in the records cache beside the folder's rows
(docs/records-folder.md, "The cache"):

* how many valid and invalid record files the folder holds (``check``'s count and
  ``--force``'s "left out");
* the first and last year its records count in — a call filed under the wrong year
  (a warning, and still counted by its date), a service running into the next year —
  so "may hold a record of the period" is exact, never guessed from the folder's name;
* the references the cross-record check follows: each distinct (woman, nationality)
  a call names, each woman a service names. When every one of them holds (she exists,
  the nationality agrees with hers) the folder adds no cross-record problem; when one
  does not, the loader builds everything, so the problem is reported exactly as
  without the summary (:func:`rosa_cli.core.validate.references_hold`).

The summary is computed from the folder's rows (:func:`summarise_rows`) whenever its
entry is written, so it is exactly as current as the rows it sits beside — and a folder
read afresh can be left unbuilt too (a cold ``report`` builds only its period's calls).
"""

from __future__ import annotations

from typing import Iterable, Optional, Tuple

# (valid records, invalid files, first year, last year, references); years are None
# for a folder without valid records. References: sorted ((woman, nationality), …)
# with "" for a missing nationality.
Summary = Tuple[int, int, Optional[int], Optional[int], tuple]

YearSpan = Tuple[int, int]  # first and last year, inclusive
NO_YEARS: YearSpan = (0, -1)  # build no year folder at all (``check``, a sync's problems)


def summarise_rows(kind: str, rows: Iterable[Optional[tuple]]) -> Summary:
    """The summary of one folder from the cache's rows (None for a file that did not
    load), so a folder can be summarised — and left unbuilt — without building it."""
    from rosa_cli.core.model import CALL_ROW_AT, CALL_ROW_NATIONALITY, CALL_ROW_WOMAN, row_facts

    if kind == "call":  # the many: in bulk
        good = [row for row in rows if row is not None]
        years = sorted({int(year) for year in {row[CALL_ROW_AT][:4] for row in good}})
        refs = {(row[CALL_ROW_WOMAN], row[CALL_ROW_NATIONALITY] or "") for row in good if row[CALL_ROW_WOMAN]}
        invalid = sum(1 for row in rows if row is None)
        return len(good), invalid, years[0] if years else None, years[-1] if years else None, tuple(sorted(refs))
    valid = invalid = 0
    first: Optional[int] = None
    last: Optional[int] = None
    refs = set()
    dated = kind in ("service", "activity")  # the other year folders; women, stays, website are always built
    for row in rows:
        if row is None:
            invalid += 1
            continue
        valid += 1
        if not dated:
            continue
        start, end, woman = row_facts(row)
        first = start if first is None or start < first else first
        last = end if last is None or end > last else last
        if woman:
            refs.add((woman, ""))  # a service names no nationality
    return valid, invalid, first, last, tuple(sorted(refs))


def overlaps(summary: Summary, years: Optional[YearSpan]) -> bool:
    """True when the folder may hold a record counted in ``years`` (None: every year)."""
    if years is None:
        return True
    first, last = summary[2], summary[3]
    return first is not None and last is not None and first <= years[1] and years[0] <= last


def span(first: int, last: int, *more: Optional[YearSpan]) -> YearSpan:
    """The years from ``first`` to ``last`` together with ``more`` spans (a previous period)."""
    for other in more:
        if other is not None:
            first, last = min(first, other[0]), max(last, other[1])
    return first, last
