"""Charts of the report: which figures each chart shows, and in what words.

This module does not import matplotlib: it turns the one result structure (docs/json.md,
as every report format gets it, after ``suppress`` for ``--public``) into
:class:`ChartData` — categories, one series per period, axis labels — using the same
rows :func:`rosa_cli.report.sections.build_sections` gives every other format. The
drawing is in :mod:`rosa_cli.charts.draw`, imported only by the commands that draw.

Kinds (``rosa chart KIND``) and the report section each sits beside:

==========================  ==========================  =========================
kind                        figure                      section
==========================  ==========================  =========================
calls                       calls.by_subject            calls_by_subject
months                      calls.by_month              calls_by_month
callers                     calls.by_caller             calls_by_caller
nationalities               calls.first_time.by_nat…    first_time
admitted-nationalities      admissions.by_nationality   admissions_nationality
ages                        admissions.by_age_group     age
referrers                   admissions.by_referrer      referrer
residence                   admissions.by_residence     residence
durations                   stays.by_duration_group     stays
shelters                    stays.by_shelter            shelters
services                    services.by_kind.*.women    services
costs                       services.by_kind.*.cost     costs
activities                  activities.by_month         activities_by_month
website                     website.by_month.*.visits   website
==========================  ==========================  =========================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from rosa_cli.core.model import Settings
from rosa_cli.report.sections import ABSENT, build_sections, period_label, text

FORMATS = ("png", "svg")

# Okabe & Ito (2008), "Color universal design": distinguishable with every common
# colour-vision deficiency and in greyscale print (blue is dark, orange is light).
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
CURRENT_COLOUR = OKABE_ITO["blue"]
PREVIOUS_COLOUR = OKABE_ITO["orange"]


@dataclass(frozen=True)
class Kind:
    name: str
    section: str  # the build_sections section the chart sits beside
    path: str  # the JSON path of the mapping it draws
    category_axis: str  # CHART_TEXTS key
    value_axis: str  # CHART_TEXTS key
    horizontal: bool  # long labels: horizontal bars, categories top to bottom
    # set for a figure inside each entry of a map (services.by_kind.<kind>.women): the
    # chart's categories are the map's keys, its values that figure of each entry
    field: str = ""


KINDS: Dict[str, Kind] = {k.name: k for k in (
    Kind("calls", "calls_by_subject", "calls.by_subject", "axis.subject", "axis.calls", True),
    Kind("months", "calls_by_month", "calls.by_month", "axis.month", "axis.calls", False),
    Kind("callers", "calls_by_caller", "calls.by_caller", "axis.caller", "axis.calls", True),
    Kind("nationalities", "first_time", "calls.first_time.by_nationality", "axis.nationality", "axis.women", True),
    Kind("admitted-nationalities", "admissions_nationality", "admissions.by_nationality", "axis.nationality", "axis.women", True),
    Kind("ages", "age", "admissions.by_age_group", "axis.age", "axis.women", False),
    Kind("referrers", "referrer", "admissions.by_referrer", "axis.referrer", "axis.women", True),
    Kind("residence", "residence", "admissions.by_residence", "axis.residence", "axis.women", True),
    Kind("durations", "stays", "stays.by_duration_group", "axis.duration", "axis.women", False),
    Kind("shelters", "shelters", "stays.by_shelter", "axis.shelter", "axis.bed_nights", True),
    # docs/services-activities-website.md
    Kind("services", "services", "services.by_kind", "axis.service", "axis.women", True, "women"),
    Kind("costs", "costs", "services.by_kind", "axis.service", "axis.nok", True, "cost"),
    Kind("activities", "activities_by_month", "activities.by_month", "axis.month", "axis.activities", False),
    Kind("website", "website", "website.by_month", "axis.month", "axis.visits", False, "visits"),
)}

SECTION_KINDS: Dict[str, str] = {kind.section: kind.name for kind in KINDS.values()}

CHART_TEXTS: Dict[str, Dict[str, str]] = {
    "nb": {
        "axis.subject": "Hva henvendelsen gjaldt",
        "axis.month": "Måned",
        "axis.caller": "Hvem ringte",
        "axis.nationality": "Nasjonalitet",
        "axis.age": "Alder",
        "axis.referrer": "Henvist av",
        "axis.residence": "Oppholdsstatus",
        "axis.duration": "Botid",
        "axis.shelter": "Krisesenter",
        "axis.calls": "Antall henvendelser",
        "axis.women": "Antall kvinner",
        "axis.bed_nights": "Overnattingsdøgn",
        "axis.service": "Tilbud",
        "axis.nok": "Kroner",
        "axis.activities": "Antall aktiviteter",
        "axis.visits": "Besøk",
        "chart_of": "Diagram: {title}",
        "nothing": "Ingen tall i perioden",
        "compare": "{current} sammenlignet med {previous}",
    },
    "en": {
        "axis.subject": "What the call was about",
        "axis.month": "Month",
        "axis.caller": "Who called",
        "axis.nationality": "Nationality",
        "axis.age": "Age",
        "axis.referrer": "Referred by",
        "axis.residence": "Residence status",
        "axis.duration": "Length of stay",
        "axis.shelter": "Shelter",
        "axis.calls": "Number of calls",
        "axis.women": "Number of women",
        "axis.bed_nights": "Bed-nights",
        "axis.service": "Service",
        "axis.nok": "NOK",
        "axis.activities": "Number of activities",
        "axis.visits": "Visits",
        "chart_of": "Chart: {title}",
        "nothing": "No figures in the period",
        "compare": "{current} compared with {previous}",
    },
}


def chart_text(key: str, lang: str) -> str:
    return CHART_TEXTS.get(lang, CHART_TEXTS["en"]).get(key) or CHART_TEXTS["en"][key]


@dataclass
class Series:
    role: str  # "current" or "previous"
    label: str  # the period, e.g. "2006"
    values: List[Optional[float]]  # None: suppressed (drawn as ":", no bar)


@dataclass
class ChartData:
    kind: str
    title: str  # the section title, e.g. "Hva gjelder henvendelsen"
    period: str  # the current period's label, e.g. "2006"
    keys: List[str]
    labels: List[str]
    series: List[Series] = field(default_factory=list)  # previous first, then current
    category_axis: str = ""
    value_axis: str = ""
    horizontal: bool = True
    lang: str = "nb"
    public: str = ""  # "Public version: <method>" for a --public chart, drawn under the title

    @property
    def has_suppressed(self) -> bool:
        return any(v is None for s in self.series for v in s.values)

    def bar_count(self) -> int:
        """How many bars are drawn: one per shown (not suppressed) value of each series."""
        return sum(1 for s in self.series for v in s.values if v is not None)


def unknown_kind_message(kind: str) -> str:
    return f"unknown chart {kind!r}; choose one of: {', '.join(KINDS)}"


def chart_data(
    kind: str,
    result: Mapping[str, Any],
    settings: Settings,
    lang: Optional[str] = None,
    shelters: Optional[Mapping[str, Any]] = None,
    sections: Optional[list] = None,
) -> ChartData:
    """The figures of chart ``kind`` in ``result``, labelled as in the report tables."""
    if kind not in KINDS:
        raise KeyError(unknown_kind_message(kind))
    spec = KINDS[kind]
    lang = lang or settings.language
    if sections is None:
        sections = build_sections(result, settings, lang, shelters)
    section = next(s for s in sections if s.id == spec.section)
    if spec.field:
        from dataclasses import replace

        rows = [replace(row, key=row.section[len(spec.path) + 1:], label=row.label.split(": ")[0])
                for row in section.rows if row.key == spec.field and row.section.startswith(spec.path + ".")]
    else:
        rows = [row for row in section.rows if row.section == spec.path]
    data = ChartData(
        kind=kind,
        title=section.title,
        period=period_label(result["period"], lang) if "period" in result else "",
        keys=[row.key for row in rows],
        labels=[row.label for row in rows],
        category_axis=chart_text(spec.category_axis, lang),
        value_axis=chart_text(spec.value_axis, lang),
        horizontal=spec.horizontal,
        lang=lang,
        public=text("public_short", lang) if isinstance(result.get("public"), Mapping) else "",
    )
    previous = result.get("previous")
    if (isinstance(previous, dict) and rows and any(row.previous is not ABSENT for row in rows)
            and not all(row.empty_previous for row in rows)):  # a previous period with no such months
        label = period_label(previous["period"], lang) if "period" in previous else text("change", lang)
        data.series.append(Series("previous", label, [_number(row.previous) for row in rows]))
    data.series.append(Series("current", data.period, [_number(row.value) for row in rows]))
    return data


def _number(value: Any) -> Optional[float]:
    if value is None or value is ABSENT:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def safe_id(value: str) -> str:
    """A piece of an SVG/HTML id: letters, digits, ``-`` and ``_`` only."""
    return re.sub(r"[^A-Za-z0-9_-]", lambda m: "plus" if m.group() == "+" else "_", value)


def bar_gid(kind: str, role: str, key: str) -> str:
    """The ``id`` of one bar's group in the SVG: ``bar-<kind>-<current|previous>-<key>``."""
    return f"bar-{safe_id(kind)}-{role}-{safe_id(key)}"
