"""The report's tables for docs/services-activities-website.md: "Tilbud og tjenester", "Utgifter",
"Informasjon og nettverksarbeid" and "Nettsiden".

Kept apart from :mod:`rosa_cli.report.sections` so that module only gains one call; the
rows are ordinary :class:`~rosa_cli.report.sections.Row` objects, so every format
(table, CSV, Markdown, HTML) and ``--compare`` show them like any other figure.
A kind or payer appears only when it has a record in the period or the previous one:
twelve service kinds times five figures of zeros would bury the few that matter.
"""

from __future__ import annotations

from typing import Any, Callable, List, Mapping

from rosa_cli.core.model import Settings
from rosa_cli.report.sections import DAYS_HALF, NOK, Row, Section, SectionBuilder, figure_at, month_label, vocab_label

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


def _used(b: SectionBuilder, path: str, test: Callable[[Mapping], Any]) -> List[str]:
    """Keys of the map at ``path`` that have something in this period or the previous one."""
    keys: List[str] = []
    for source in (b.result, b.previous):
        for key, value in (figure_at(source, path) or {}).items() if source is not None else ():
            if key not in keys and isinstance(value, Mapping) and test(value):
                keys.append(key)
    return keys


def _service_section(b: SectionBuilder) -> None:
    lang = b.lang
    sec = b.section("services", _t("services", lang))
    b.scalar(sec, "services.women", _t("services.women", lang))
    for key in _used(b, "services.by_kind", lambda v: v.get("times") or v.get("women") is None):
        name = vocab_label(b.settings, "service", key, lang)
        b.scalar(sec, f"services.by_kind.{key}.women", f"{name}: {_t('women', lang)}")
        b.scalar(sec, f"services.by_kind.{key}.times", f"{name}: {_t('times', lang)}")
        entry = figure_at(b.result, f"services.by_kind.{key}") or {}
        if entry.get("completed") or entry.get("not_completed"):
            b.scalar(sec, f"services.by_kind.{key}.completed", f"{name}: {_t('completed', lang)}")
            b.scalar(sec, f"services.by_kind.{key}.not_completed", f"{name}: {_t('not_completed', lang)}")
    for key in _used(b, "services.by_payer", lambda v: v.get("women") != 0 or v.get("cost")):
        name = vocab_label(b.settings, "payer", key, lang)
        b.scalar(sec, f"services.by_payer.{key}.women", f"{_t('paid_by', lang)} {name}: {_t('women', lang)}")


def _cost_section(b: SectionBuilder) -> None:
    lang = b.lang
    sec = b.section("costs", _t("costs", lang))
    for key in _used(b, "services.by_kind", lambda v: v.get("cost") != 0):
        b.scalar(sec, f"services.by_kind.{key}.cost", vocab_label(b.settings, "service", key, lang), NOK)
    for key in _used(b, "services.by_payer", lambda v: v.get("cost") != 0):
        name = vocab_label(b.settings, "payer", key, lang)
        b.scalar(sec, f"services.by_payer.{key}.cost", f"{_t('paid_by', lang)} {name}", NOK)
    b.scalar(sec, "services.cost_total", _t("cost_total", lang), NOK)


def _activity_sections(b: SectionBuilder) -> None:
    lang = b.lang
    sec = b.section("activities", _t("activities", lang))
    for key in ("total", "participants", "organised_by_us"):
        b.scalar(sec, f"activities.{key}", _t(f"activities.{key}", lang))
    for key in _used(b, "activities.by_kind", lambda v: v.get("count")):
        name = vocab_label(b.settings, "activity", key, lang)
        b.scalar(sec, f"activities.by_kind.{key}.count", f"{name}: {_t('count', lang)}")
        entry = figure_at(b.result, f"activities.by_kind.{key}") or {}
        if entry.get("days"):
            b.scalar(sec, f"activities.by_kind.{key}.days", f"{name}: {_t('days', lang)}", DAYS_HALF)
        if entry.get("participants"):
            b.scalar(sec, f"activities.by_kind.{key}.participants", f"{name}: {_t('participants', lang)}")
    b.months(b.section("activities_by_month", _t("activities_by_month", lang)), "activities.by_month")


def _website_section(b: SectionBuilder) -> None:
    lang = b.lang
    sec = b.section("website", _t("website", lang))
    months = list(figure_at(b.result, "website.by_month") or {})
    earlier = list(figure_at(b.previous, "website.by_month") or {}) if b.previous is not None else []
    for index, month in enumerate(months):
        for figure in ("visits", "pages", "hits", "sites"):
            item = Row(f"website.by_month.{month}", figure,
                       f"{month_label(month, lang, with_year=not b.one_year)}: {_t(figure, lang)}",
                       figure_at(b.result, f"website.by_month.{month}.{figure}"))
            if b.previous is not None:
                # a month beside the same month of the previous period, as calls by month
                item.previous = figure_at(b.previous, f"website.by_month.{earlier[index]}.{figure}") if index < len(earlier) else None
                item.empty_previous = index >= len(earlier)
            item.empty = item.value is None
            sec.rows.append(item)
    for key in ("visits", "pages", "hits"):
        b.scalar(sec, f"website.{key}", _t(f"website.{key}", lang))


def add_outreach_sections(sections: List[Section], result: Mapping[str, Any], settings: Settings, lang: str) -> None:
    """Append the section-9 tables to ``sections`` (nothing when the result has none)."""
    if not isinstance(result.get("services"), Mapping):
        return
    builder = SectionBuilder(result, settings, lang, sections)
    _service_section(builder)
    _cost_section(builder)
    _activity_sections(builder)
    _website_section(builder)
