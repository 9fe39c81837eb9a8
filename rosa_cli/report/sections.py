"""The report as rows in titled sections: what every renderer prints, in one place.

:func:`build_sections` turns a result dict (the JSON shape of docs/json.md) into a list of
:class:`Section`, each a titled table of :class:`Row`. A row names its figure by the
JSON path of its parent (``section``) and its ``key``, so CSV rows can be matched to
the JSON, and carries the label in the report language. Renderers only format.

Display rules: a suppressed or missing count prints ``:``; means and medians print
rounded to whole days (half up: 112.76 → 113); a statistic over nobody prints ``–``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from rosa_cli.core.countries import country_name
from rosa_cli.core.model import Settings
from rosa_cli.stats.roles import OFFICE_VISIT, role_key

SUPPRESSED = ":"
EMPTY = "–"
ABSENT = object()  # no previous period in the result

COUNT, DAYS, MEAN, YEARS = "count", "days", "mean", "years"
NOK, DAYS_HALF = "nok", "days_half"  # an amount in kroner; days that may be a half (1.5)


def format_nok(value: Any) -> str:
    """``12500`` → ``12 500 kr``: kroner the Norwegian way, a space between thousands."""
    return f"{int(value):,} kr".replace(",", " ")


def format_days(value: Any) -> str:
    """``1.5`` → ``1.5``, ``2.0`` → ``2``."""
    return str(int(value)) if float(value).is_integer() else str(value)

MONTHS = {
    "nb": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}

TEXTS: Dict[str, Dict[str, str]] = {
    "nb": {
        "calls": "Telefonhenvendelser",
        "calls_by_month": "Telefonhenvendelser per måned",
        "calls_by_caller": "Hvem henvendelsene kom fra",
        "calls_by_subject": "Hva gjelder henvendelsen",
        "first_time": "Nasjonalitet",
        "offers": "Tilbud om trygt bosted",
        "declined": "Hvorfor kvinnene takket nei",
        "admissions": "Kvinner som er henvist til trygt bosted",
        "admissions_nationality": "Nasjonalitet på henviste kvinner",
        "age": "Alder",
        "referrer": "Hvem henviste kvinnene",
        "residence": "Oppholdsstatus ved inntak",
        "stays": "Botid",
        "shelters": "Overnattingsdøgn per krisesenter",
        "residence_at_end": "Oppholdsstatus ved periodens slutt",
        "office": "Samtaler på kontoret",
        # rows
        "calls.total": "Henvendelser i alt",
        "first_time.total": "Førstegangshenvendelser (kvinner)",
        "first_time.nationality_count": "Antall nasjonaliteter",
        "offers.women": "Kvinner i første kontakt",
        "offers.accepted": "Tok imot tilbudet",
        "offers.declined": "Takket nei",
        "offers.pending": "Ikke avklart",
        "admissions.women": "Kvinner henvist til trygt bosted",
        "admissions.nationality_count": "Antall nasjonaliteter",
        "admissions.interpreter_needed": "Trengte tolk",
        "admissions.age_min": "Yngste (år)",
        "admissions.age_max": "Eldste (år)",
        "stays.bed_nights": "Overnattingsdøgn",
        "stays.women": "Kvinner",
        "duration.mean": "Gjennomsnittlig botid (dager)",
        "duration.median": "Median botid (dager)",
        "duration.min": "Korteste botid (dager)",
        "duration.max": "Lengste botid (dager)",
        "open.women": "Bor på krisesenter ved periodens slutt",
        "open.shelters": "… fordelt på antall krisesentre",
        "stays.women_with_children": "Kvinner med barn på krisesenteret",
        "office.total": "Samtaler i alt",
        "office.women": "Kvinner",
        "office.women_once": "Kom én gang",
        "office.women_repeated": "Kom flere ganger",
        # words
        "unknown": "Ukjent",
        "age_unknown": "Ukjent alder",
        "years": "{low}–{high} år",
        "years_plus": "{low} år og eldre",
        "days": "{low}–{high} dager",
        "days_plus": "{low} dager eller mer",
        "figure": "",
        "change": "Endring",
        "organisation": "Organisasjon",
        "period": "Periode",
        "generated": "Laget den",
        "commit": "Datagrunnlag (git-commit)",
        "no_commit": "ingen commit",
        "clean": "Ingen endringer som ikke var committet",
        "unclean": "Advarsel: registermappen hadde endringer som ikke var committet; tallene kan ikke gjenskapes fra historikken.",
        "suppressed_note": "«:» = skjult av personvernhensyn (for lite tall, eller så et skjult tall ikke kan regnes ut).",
        "title": "Statistikk",
        "public": "Offentlig versjon",
        "public_method": ("vernet med komplementær celleskjuling der ytterverdier holdes tilbake, publisert per hele "
                          "kalenderår; tall fra 1 til {low} er skjult, og nok andre til at de ikke kan regnes ut"),
        "public_short": "Offentlig versjon (komplementær celleskjuling)",
    },
    "en": {
        "calls": "Calls",
        "calls_by_month": "Calls by month",
        "calls_by_caller": "Who called",
        "calls_by_subject": "What the call was about",
        "first_time": "Nationality (first-time inquiries)",
        "offers": "Offers of a safe place",
        "declined": "Why women declined",
        "admissions": "Women referred to a safe place",
        "admissions_nationality": "Nationality of referred women",
        "age": "Age",
        "referrer": "Who referred the women",
        "residence": "Residence status at intake",
        "stays": "Length of stay",
        "shelters": "Bed-nights by shelter",
        "residence_at_end": "Residence status at the end of the period",
        "office": "Conversations at the office",
        "calls.total": "Calls in total",
        "first_time.total": "First-time inquiries (women)",
        "first_time.nationality_count": "Number of nationalities",
        "offers.women": "Women in first contact",
        "offers.accepted": "Accepted the offer",
        "offers.declined": "Declined",
        "offers.pending": "Not settled",
        "admissions.women": "Women referred to a safe place",
        "admissions.nationality_count": "Number of nationalities",
        "admissions.interpreter_needed": "Needed an interpreter",
        "admissions.age_min": "Youngest (years)",
        "admissions.age_max": "Oldest (years)",
        "stays.bed_nights": "Bed-nights",
        "stays.women": "Women",
        "duration.mean": "Mean length of stay (days)",
        "duration.median": "Median length of stay (days)",
        "duration.min": "Shortest stay (days)",
        "duration.max": "Longest stay (days)",
        "open.women": "Living at a shelter at the end of the period",
        "open.shelters": "… at this many shelters",
        "stays.women_with_children": "Women with children at the shelter",
        "office.total": "Conversations in total",
        "office.women": "Women",
        "office.women_once": "Came once",
        "office.women_repeated": "Came more than once",
        "unknown": "Unknown",
        "age_unknown": "Age unknown",
        "years": "{low}–{high}",
        "years_plus": "{low} and over",
        "days": "{low}–{high} days",
        "days_plus": "{low} days or more",
        "figure": "",
        "change": "Change",
        "organisation": "Organisation",
        "period": "Period",
        "generated": "Generated",
        "commit": "Records (git commit)",
        "no_commit": "no commit",
        "clean": "No uncommitted changes",
        "unclean": "Warning: the records folder had uncommitted changes; these figures cannot be reproduced from its history.",
        "suppressed_note": "\":\" = suppressed to protect privacy (a small number, or one a small number could be worked back from).",
        "title": "Statistics",
        "public": "Public version",
        "public_method": ("protected by complementary cell suppression with extremes withheld, published on a fixed "
                          "calendar-year partition; counts from 1 to {low} are hidden, and enough others that they "
                          "cannot be worked back"),
        "public_short": "Public version (complementary cell suppression)",
    },
}


def text(key: str, lang: str) -> str:
    return TEXTS.get(lang, TEXTS["en"]).get(key) or TEXTS["en"][key]


@dataclass
class Row:
    section: str  # JSON path of the figure's parent, e.g. "calls.by_subject"
    key: str  # its key there, e.g. "trafficking-first"
    label: str
    value: Any
    previous: Any = ABSENT
    kind: str = COUNT
    empty: bool = False  # a statistic over nobody: print "–" rather than ":"
    empty_previous: bool = False


@dataclass
class Section:
    id: str
    title: str
    rows: List[Row] = field(default_factory=list)


# --- formatting ----------------------------------------------------------------------

def round_half_up(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_value(value: Any, kind: str = COUNT, empty: bool = False) -> str:
    if value is None:
        return EMPTY if empty else SUPPRESSED
    if kind == NOK:
        return format_nok(value)
    if kind == DAYS_HALF:
        return format_days(value)
    if kind == MEAN and isinstance(value, float):
        return str(round_half_up(value))
    return str(value)


def format_change(row: Row) -> str:
    if row.previous is ABSENT:
        return ""
    if row.value is None or row.previous is None:
        return SUPPRESSED if _suppressed(row) else EMPTY
    if not isinstance(row.value, (int, float)) or not isinstance(row.previous, (int, float)):
        return ""
    if row.kind == MEAN:
        diff: Union[int, float] = round_half_up(row.value) - round_half_up(row.previous)
    else:
        diff = row.value - row.previous
    if isinstance(diff, float):  # half days (1.5)
        diff = int(diff) if diff.is_integer() else diff
        if isinstance(diff, float):
            return f"{diff:+g}"
    return f"{diff:+d}" if diff else "0"


def _suppressed(row: Row) -> bool:
    return (row.value is None and not row.empty) or (row.previous is None and not row.empty_previous)


def period_label(period: Mapping[str, str], lang: str) -> str:
    """``2006`` for a calendar year, ``2005–2006`` for whole years, else the two dates."""
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    if (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    return f"{format_date(start, lang)}–{format_date(end, lang)}"


def format_date(day: date, lang: str) -> str:
    return f"{day.day}.{day.month}.{day.year}" if lang == "nb" else day.isoformat()


def month_label(key: str, lang: str, with_year: bool = True) -> str:
    year, month = key.split("-")
    name = MONTHS.get(lang, MONTHS["en"])[int(month) - 1]
    return f"{name} {year}" if with_year else name


def group_label(key: str, unit: str, lang: str) -> str:
    """``"20-24"`` → ``"20–24 år"``; ``"40+"`` → ``"40 år og eldre"``; unit is years or days."""
    if key == "unknown":
        return text("age_unknown" if unit == "years" else "unknown", lang)
    if key.endswith("+"):
        return text(f"{unit}_plus", lang).format(low=key[:-1])
    low, _, high = key.partition("-")
    return text(unit, lang).format(low=low, high=high)


def vocab_label(settings: Settings, vocabulary: str, key: str, lang: str) -> str:
    if key in settings.vocabularies.get(vocabulary, {}):
        return settings.label(vocabulary, key, lang)
    if key == "unknown":
        return text("unknown", lang)
    return key


def shelter_label(shelters: Optional[Mapping[str, Any]], key: str) -> str:
    shelter = (shelters or {}).get(key)
    if shelter is None:
        return key
    return shelter if isinstance(shelter, str) else getattr(shelter, "name", None) or key


# --- building --------------------------------------------------------------------------

def figure_at(data: Any, path: str) -> Any:
    """The figure at dotted ``path`` (``"calls.by_subject.other"``) of a result, None when absent."""
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


class SectionBuilder:
    """Appends rows of one result (and its ``previous`` period) to titled sections.

    Shared by :func:`build_sections` and :mod:`rosa_cli.report.outreach`, so every
    table pairs a figure with the same figure of the previous period the same way.
    """

    def __init__(self, result: Mapping[str, Any], settings: Settings, lang: str,
                 sections: Optional[List[Section]] = None) -> None:
        self.result = result
        self.settings = settings
        self.lang = lang
        previous = result.get("previous")
        self.previous: Optional[Mapping[str, Any]] = previous if isinstance(previous, dict) else None
        self.sections: List[Section] = sections if sections is not None else []

    def section(self, sid: str, title: Optional[str] = None) -> Section:
        sec = Section(sid, title if title is not None else text(sid, self.lang))
        self.sections.append(sec)
        return sec

    @property
    def one_year(self) -> bool:
        """Whether the period lies in one calendar year (months are then named without it)."""
        period = self.result.get("period") or {}
        return str(period.get("from", ""))[:4] == str(period.get("to", ""))[:4]

    def scalar(self, sec: Section, path: str, label: str, kind: str = COUNT, base: Optional[str] = None) -> Row:
        """One figure at ``path``; with ``base``, a figure over nobody when ``base`` is 0."""
        parent, _, key = path.rpartition(".")
        row = Row(parent, key, label, figure_at(self.result, path), kind=kind)
        if base is not None:
            row.empty = figure_at(self.result, base) == 0
        if self.previous is not None:
            row.previous = figure_at(self.previous, path)
            if base is not None:
                row.empty_previous = figure_at(self.previous, base) == 0
        sec.rows.append(row)
        return row

    def mapping(self, sec: Section, path: str, label: Callable[[str], str], skip: Sequence[str] = ()) -> None:
        """A row per key of the map at ``path``, then the previous period's other keys (0 now)."""
        current = figure_at(self.result, path) or {}
        before = (figure_at(self.previous, path) or {}) if self.previous is not None else {}
        for key in list(current) + [k for k in before if k not in current]:
            if key in skip:
                continue
            row = Row(path, key, label(key), current.get(key, 0))
            if self.previous is not None:
                row.previous = before.get(key, 0)
            sec.rows.append(row)

    def result_map(self, path: str) -> Mapping[str, Any]:
        return figure_at(self.result, path) or {}

    def months(self, sec: Section, path: str) -> None:
        """A row per month of the map at ``path``, each beside the same month of the previous period."""
        earlier = list((figure_at(self.previous, path) or {}).values()) if self.previous is not None else []
        for i, (key, value) in enumerate(self.result_map(path).items()):
            row = Row(path, key, month_label(key, self.lang, with_year=not self.one_year), value)
            if self.previous is not None:
                row.previous = earlier[i] if i < len(earlier) else None
                row.empty_previous = i >= len(earlier)
            sec.rows.append(row)

    def vocab(self, name: str) -> Callable[[str], str]:
        return lambda key: vocab_label(self.settings, name, key, self.lang)

    def country(self, key: str) -> str:
        return country_name(key, self.lang)

    def texts(self, sec: Section, prefix: str, keys: Sequence[str], label_prefix: Optional[str] = None) -> None:
        """Scalars ``prefix.key`` labelled by the text ``label_prefix.key``."""
        for key in keys:
            self.scalar(sec, f"{prefix}.{key}", text(f"{label_prefix or prefix}.{key}", self.lang))


def _call_sections(b: SectionBuilder) -> None:
    lang = b.lang
    sec = b.section("calls")
    b.scalar(sec, "calls.total", text("calls.total", lang))
    # office visits are not calls: their channel's cell is always 0 here (docs/statistics.md)
    b.mapping(sec, "calls.by_channel", b.vocab("channel"), skip=(role_key(b.settings, OFFICE_VISIT),))
    b.months(b.section("calls_by_month"), "calls.by_month")
    b.mapping(b.section("calls_by_caller"), "calls.by_caller", b.vocab("caller"))
    b.mapping(b.section("calls_by_subject"), "calls.by_subject", b.vocab("subject"))
    sec = b.section("first_time")
    b.texts(sec, "calls.first_time", ("total", "nationality_count"), "first_time")
    b.mapping(sec, "calls.first_time.by_nationality", b.country)


def _offer_and_admission_sections(b: SectionBuilder) -> None:
    lang = b.lang
    b.texts(b.section("offers"), "offers", ("women", "accepted", "declined", "pending"))
    b.mapping(b.section("declined"), "offers.declined_by_reason", b.vocab("declined"))
    b.texts(b.section("admissions"), "admissions", ("women", "nationality_count", "interpreter_needed"))
    b.mapping(b.section("admissions_nationality"), "admissions.by_nationality", b.country)
    sec = b.section("age")
    b.mapping(sec, "admissions.by_age_group", lambda key: group_label(key, "years", lang))
    for key in ("age_min", "age_max"):
        b.scalar(sec, f"admissions.{key}", text(f"admissions.{key}", lang), YEARS, base="admissions.women")
    b.mapping(b.section("referrer"), "admissions.by_referrer", b.vocab("referrer"))
    b.mapping(b.section("residence"), "admissions.by_residence", b.vocab("residence"))


def _stay_sections(b: SectionBuilder, shelters: Optional[Mapping[str, Any]]) -> None:
    lang = b.lang
    sec = b.section("stays")
    b.texts(sec, "stays", ("bed_nights", "women"))
    for key, kind in (("mean", MEAN), ("median", MEAN), ("min", DAYS), ("max", DAYS)):
        b.scalar(sec, f"stays.duration.{key}", text(f"duration.{key}", lang), kind, base="stays.women")
    b.mapping(sec, "stays.by_duration_group", lambda key: group_label(key, "days", lang))
    b.texts(sec, "stays.open_at_end", ("women", "shelters"), "open")
    b.texts(sec, "stays", ("women_with_children",))
    b.mapping(b.section("shelters"), "stays.by_shelter", lambda key: shelter_label(shelters, key))
    b.mapping(b.section("residence_at_end"), "residence_at_end", b.vocab("residence"))
    b.texts(b.section("office"), "office_visits", ("total", "women", "women_once", "women_repeated"), "office")


def build_sections(
    result: Mapping[str, Any],
    settings: Settings,
    lang: Optional[str] = None,
    shelters: Optional[Mapping[str, Any]] = None,
) -> List[Section]:
    """The report's tables in print order, with labels in ``lang`` (default: settings.language)."""
    builder = SectionBuilder(result, settings, lang or settings.language)
    _call_sections(builder)
    _offer_and_admission_sections(builder)
    _stay_sections(builder, shelters)

    from rosa_cli.report.outreach import add_outreach_sections  # docs/services-activities-website.md

    add_outreach_sections(builder.sections, result, settings, builder.lang)
    return builder.sections


def has_suppressed(sections: List[Section]) -> bool:
    for sec in sections:
        for row in sec.rows:
            if (row.value is None and not row.empty) or (row.previous is None and not row.empty_previous):
                return True
    return False


def public_line(result: Mapping[str, Any], lang: str) -> Optional[str]:
    """``Public version: <method>`` for a ``--public`` result (it has a ``public`` key), else None.

    Every public output starts with it, so a published page or file says itself that it
    is the protected version and how it was protected.
    """
    public = result.get("public")
    if not isinstance(public, Mapping):
        return None
    threshold = public.get("suppress_below")
    low = threshold - 1 if isinstance(threshold, int) and threshold > 1 else 0
    return f"{text('public', lang)}: {text('public_method', lang).format(low=low)}"


def provenance_lines(provenance: Optional[Mapping[str, Any]], result: Mapping[str, Any], lang: str) -> List[str]:
    """``label: value`` lines for the top of a report (public version, organisation, period, generated, commit)."""
    info = dict(provenance or {})
    period = result.get("period") or {}
    records = result.get("records") or {}
    start = info.get("from") or period.get("from")
    end = info.get("to") or period.get("to")
    lines = []
    public = public_line(result, lang)
    if public:
        lines.append(public)
    if info.get("organisation"):
        lines.append(f"{text('organisation', lang)}: {info['organisation']}")
    if start and end:
        lines.append(f"{text('period', lang)}: {_date_text(start, lang)} – {_date_text(end, lang)}")
    if info.get("generated"):
        lines.append(f"{text('generated', lang)}: {_date_text(info['generated'], lang)}")
    commit = info.get("commit", records.get("commit"))
    if "commit" in info or "commit" in records:
        lines.append(f"{text('commit', lang)}: {commit or text('no_commit', lang)}")
    return lines


def is_unclean(provenance: Optional[Mapping[str, Any]], result: Mapping[str, Any]) -> bool:
    info = provenance or {}
    clean = info.get("clean", (result.get("records") or {}).get("clean", True))
    return clean is False


def _date_text(value: Any, lang: str) -> str:
    if isinstance(value, date):
        return format_date(value, lang)
    try:
        return format_date(date.fromisoformat(str(value)), lang)
    except ValueError:
        return str(value)
