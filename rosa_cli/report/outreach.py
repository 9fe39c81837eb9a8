"""The report's tables for docs/services-activities-website.md: "Tilbud og tjenester", "Utgifter",
"Informasjon og nettverksarbeid" and "Nettsiden".

Kept apart from :mod:`rosa_cli.report.sections` so that module only gains one call; the
rows are ordinary :class:`~rosa_cli.report.sections.Row` objects, so every format
(table, CSV, Markdown, HTML) and ``--compare`` show them like any other figure.
A kind or payer appears only when it has a record in the period or the previous one:
twelve service kinds times five figures of zeros would bury the few that matter.
"""

from __future__ import annotations

from typing import Any, List, Mapping

from rosa_cli.core.model import Settings
from rosa_cli.report.sections import COUNT, DAYS_HALF, NOK, Row, Section, _get, month_label, vocab_label

TEXTS = {
    "nb": {
        "services": "Tilbud og tjenester", "costs": "Utgifter", "activities": "Informasjon og nettverksarbeid",
        "website": "Nettsiden", "activities_by_month": "Aktiviteter per måned",
        "services.women": "Kvinner som fikk tilbud", "women": "kvinner", "times": "ganger",
        "completed": "fullført", "not_completed": "ikke fullført", "paid_by": "betalt av",
        "cost_total": "Utgifter i alt", "cost": "utgifter",
        "activities.total": "Aktiviteter i alt", "activities.participants": "Deltakere i alt",
        "activities.organised_by_us": "Arrangert av prosjektet", "count": "antall", "days": "dager",
        "participants": "deltakere",
        "visits": "besøk", "pages": "sider", "hits": "treff", "sites": "nettsteder",
        "website.visits": "Besøk i alt", "website.pages": "Sider i alt", "website.hits": "Treff i alt",
    },
    "en": {
        "services": "Services to the women", "costs": "Costs", "activities": "Information and network activities",
        "website": "The website", "activities_by_month": "Activities by month",
        "services.women": "Women given a service", "women": "women", "times": "times",
        "completed": "completed", "not_completed": "not completed", "paid_by": "paid by",
        "cost_total": "Costs in total", "cost": "costs",
        "activities.total": "Activities in total", "activities.participants": "Participants in total",
        "activities.organised_by_us": "Organised by the project", "count": "number", "days": "days",
        "participants": "participants",
        "visits": "visits", "pages": "pages", "hits": "hits", "sites": "sites",
        "website.visits": "Visits in total", "website.pages": "Pages in total", "website.hits": "Hits in total",
    },
}


def _t(key: str, lang: str) -> str:
    return TEXTS.get(lang, TEXTS["en"]).get(key) or TEXTS["en"][key]


def add_outreach_sections(sections: List[Section], result: Mapping[str, Any], settings: Settings, lang: str) -> None:
    """Append the section-9 tables to ``sections`` (nothing when the result has none)."""
    if not isinstance(result.get("services"), Mapping):
        return
    previous = result.get("previous") if isinstance(result.get("previous"), dict) else None

    def row(sec: Section, path: str, label: str, kind: str = COUNT) -> None:
        parent, _, key = path.rpartition(".")
        item = Row(parent, key, label, _get(result, path), kind=kind)
        if previous is not None:
            item.previous = _get(previous, path)
        sec.rows.append(item)

    def used(path: str, test) -> List[str]:
        """Keys of the map at ``path`` that have something in this period or the previous one."""
        keys = []
        for source in (result, previous):
            for key, value in (_get(source, path) or {}).items() if source is not None else ():
                if key not in keys and isinstance(value, Mapping) and test(value):
                    keys.append(key)
        return keys

    def count(value: Mapping) -> bool:
        return any(v for v in value.values() if isinstance(v, (int, float)) and not isinstance(v, bool)) or None in value.values()

    sec = Section("services", _t("services", lang))
    sections.append(sec)
    row(sec, "services.women", _t("services.women", lang))
    for key in used("services.by_kind", lambda v: v.get("times") or v.get("women") is None):
        name = vocab_label(settings, "service", key, lang)
        row(sec, f"services.by_kind.{key}.women", f"{name}: {_t('women', lang)}")
        row(sec, f"services.by_kind.{key}.times", f"{name}: {_t('times', lang)}")
        entry = _get(result, f"services.by_kind.{key}") or {}
        if entry.get("completed") or entry.get("not_completed"):
            row(sec, f"services.by_kind.{key}.completed", f"{name}: {_t('completed', lang)}")
            row(sec, f"services.by_kind.{key}.not_completed", f"{name}: {_t('not_completed', lang)}")
    payers = used("services.by_payer", lambda v: v.get("women") != 0 or v.get("cost"))
    for key in payers:
        name = vocab_label(settings, "payer", key, lang)
        row(sec, f"services.by_payer.{key}.women", f"{_t('paid_by', lang)} {name}: {_t('women', lang)}")

    sec = Section("costs", _t("costs", lang))
    sections.append(sec)
    for key in used("services.by_kind", lambda v: v.get("cost") != 0):
        row(sec, f"services.by_kind.{key}.cost", vocab_label(settings, "service", key, lang), NOK)
    for key in used("services.by_payer", lambda v: v.get("cost") != 0):
        name = vocab_label(settings, "payer", key, lang)
        row(sec, f"services.by_payer.{key}.cost", f"{_t('paid_by', lang)} {name}", NOK)
    row(sec, "services.cost_total", _t("cost_total", lang), NOK)

    sec = Section("activities", _t("activities", lang))
    sections.append(sec)
    for key in ("total", "participants", "organised_by_us"):
        row(sec, f"activities.{key}", _t(f"activities.{key}", lang))
    for key in used("activities.by_kind", lambda v: v.get("count")):
        name = vocab_label(settings, "activity", key, lang)
        row(sec, f"activities.by_kind.{key}.count", f"{name}: {_t('count', lang)}")
        entry = _get(result, f"activities.by_kind.{key}") or {}
        if entry.get("days"):
            row(sec, f"activities.by_kind.{key}.days", f"{name}: {_t('days', lang)}", DAYS_HALF)
        if entry.get("participants"):
            row(sec, f"activities.by_kind.{key}.participants", f"{name}: {_t('participants', lang)}")

    sec = Section("activities_by_month", _t("activities_by_month", lang))
    sections.append(sec)
    months = list(_get(result, "activities.by_month") or {})
    earlier = list(_get(previous, "activities.by_month") or {}) if previous is not None else []
    period = result.get("period") or {}
    one_year = str(period.get("from", ""))[:4] == str(period.get("to", ""))[:4]
    for index, month in enumerate(months):  # a month beside the same month of the previous period
        item = Row("activities.by_month", month, month_label(month, lang, with_year=not one_year),
                   _get(result, f"activities.by_month.{month}"))
        if previous is not None:
            item.previous = _get(previous, f"activities.by_month.{earlier[index]}") if index < len(earlier) else None
            item.empty_previous = index >= len(earlier)
        sec.rows.append(item)

    sec = Section("website", _t("website", lang))
    sections.append(sec)
    months = list(_get(result, "website.by_month") or {})
    earlier = list(_get(previous, "website.by_month") or {}) if previous is not None else []
    period = result.get("period") or {}
    one_year = str(period.get("from", ""))[:4] == str(period.get("to", ""))[:4]
    for index, month in enumerate(months):
        for figure in ("visits", "pages", "hits", "sites"):
            item = Row(f"website.by_month.{month}", figure,
                       f"{month_label(month, lang, with_year=not one_year)}: {_t(figure, lang)}",
                       _get(result, f"website.by_month.{month}.{figure}"))
            if previous is not None:
                # a month beside the same month of the previous period, as calls by month
                item.previous = _get(previous, f"website.by_month.{earlier[index]}.{figure}") if index < len(earlier) else None
                item.empty_previous = index >= len(earlier)
            item.empty = item.value is None
            sec.rows.append(item)
    for key in ("visits", "pages", "hits"):
        row(sec, f"website.{key}", _t(f"website.{key}", lang))
