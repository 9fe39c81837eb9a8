"""Figures of docs/services-activities-website.md: services given to women and their costs, outreach
activities, and the website — the chapters "Tilbud til kvinnene", "Tolk", "Helse" and
"Informasjon og nettverksarbeid" of the annual report.

Definitions (docs/services-activities-website.md, with the choices it leaves open):

* A service is in P when ``on`` ≤ P's end and ``to`` (else ``on``) ≥ P's start, so a
  course running across New Year counts in both years. ``times`` counts service
  records, ``women`` distinct women, ``cost`` the sum of known costs in NOK (a service
  without ``cost`` adds nothing). A course over two years has its whole cost in both
  years: costs are recorded per service, not per day.
* ``completed`` / ``not_completed`` count records with ``completed: true`` / ``false``;
  records that do not say are in neither.
* A service without ``paid_by`` counts under payer ``"unknown"``.
* An activity is in P when ``on`` is in P. ``days`` sums known days (a half day is 0.5);
  ``participants`` sums known participants. ``organised_by_us`` counts activities the
  project organised (the record's flag, else the default for its kind).
* ``website.by_month`` holds the months of P that have a record (a month is in P when
  its first day is); the totals sum known figures.
* Every vocabulary key is present (zero when nothing), plus any other key records use.
"""

from __future__ import annotations

from datetime import date
from typing import Dict, Set

from rosa_cli.core.model import Records
from rosa_cli.stats.period import Period


def _number(value: float):
    """Whole days as an int (2), half days as a float (1.5): JSON readers see what was recorded."""
    return int(value) if float(value).is_integer() else value


def service_figures(records: Records, period: Period) -> dict:
    settings = records.settings
    first, last = period.start, period.end
    kinds = list(settings.keys("service"))
    payers = list(settings.keys("payer"))
    if "unknown" not in payers:
        payers.append("unknown")
    by_kind: Dict[str, dict] = {}
    kind_women: Dict[str, Set[str]] = {}
    by_payer: Dict[str, dict] = {}
    payer_women: Dict[str, Set[str]] = {}
    for key in kinds:
        by_kind[key] = {"women": 0, "times": 0, "cost": 0, "completed": 0, "not_completed": 0}
        kind_women[key] = set()
    for key in payers:
        by_payer[key] = {"women": 0, "cost": 0}
        payer_women[key] = set()
    women: Set[str] = set()
    total = 0
    for service in records.services.values():
        if service.on > last or service.last_day < first:
            continue
        women.add(service.woman)
        kind = by_kind.setdefault(service.kind, {"women": 0, "times": 0, "cost": 0, "completed": 0, "not_completed": 0})
        kind_women.setdefault(service.kind, set()).add(service.woman)
        kind["times"] += 1
        cost = service.cost or 0
        kind["cost"] += cost
        total += cost
        if service.completed is True:
            kind["completed"] += 1
        elif service.completed is False:
            kind["not_completed"] += 1
        payer_key = service.paid_by or "unknown"
        payer = by_payer.setdefault(payer_key, {"women": 0, "cost": 0})
        payer_women.setdefault(payer_key, set()).add(service.woman)
        payer["cost"] += cost
    for key, found in kind_women.items():
        by_kind[key]["women"] = len(found)
    for key, found in payer_women.items():
        by_payer[key]["women"] = len(found)
    return {"women": len(women), "cost_total": total, "by_kind": by_kind, "by_payer": by_payer}


def activity_figures(records: Records, period: Period) -> dict:
    by_kind: Dict[str, dict] = {key: {"count": 0, "participants": 0, "days": 0} for key in records.settings.keys("activity")}
    by_month: Dict[str, int] = {}
    day = date(period.start.year, period.start.month, 1)
    while day <= period.end:
        by_month[f"{day.year:04d}-{day.month:02d}"] = 0
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    total = participants = ours = 0
    for activity in records.activities.values():
        if not period.start <= activity.on <= period.end:
            continue
        total += 1
        row = by_kind.setdefault(activity.kind, {"count": 0, "participants": 0, "days": 0})
        row["count"] += 1
        row["participants"] += activity.participants or 0
        participants += activity.participants or 0
        row["days"] = _number(row["days"] + (activity.days or 0))
        ours += activity.ours
        month = f"{activity.on.year:04d}-{activity.on.month:02d}"
        by_month[month] = by_month.get(month, 0) + 1
    return {"total": total, "participants": participants, "organised_by_us": ours, "by_kind": by_kind, "by_month": by_month}


def website_figures(records: Records, period: Period) -> dict:
    by_month: Dict[str, dict] = {}
    totals = {"visits": 0, "pages": 0, "hits": 0}
    for key in sorted(records.website):
        month = records.website[key]
        year, number = int(key[:4]), int(key[5:7])
        if not period.start <= date(year, number, 1) <= period.end:
            continue
        by_month[key] = {"visits": month.visits, "pages": month.pages, "hits": month.hits, "sites": month.sites}
        for name in totals:
            totals[name] += getattr(month, name) or 0
    return {"by_month": by_month, **totals}


def outreach_figures(records: Records, period: Period) -> dict:
    """The ``services``, ``activities`` and ``website`` keys of the report."""
    return {
        "services": service_figures(records, period),
        "activities": activity_figures(records, period),
        "website": website_figures(records, period),
    }
