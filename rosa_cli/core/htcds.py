"""HTCDS rows for the international data pool, and k-anonymity for them (pure functions).

The Human Trafficking Case Data Standard (HTCDS 2.0, IOM) is what IOM and the Counter
Trafficking Data Collaborative (CTDC) pool case data in. ``rosa export htcds`` writes
one row per woman with a first contact or a stay in the period, with HTCDS column
names and only values from each field's picklist (ISO 3166 codes and ISO dates where
the standard says so). Facts rosa keeps that HTCDS has no field for go in columns
prefixed ``rosa_``, which ``--htcds-only`` leaves out.

Why one table: what a rosa key means in HTCDS is a judgement the organisation must be
able to read and argue with, so every translation lives in :data:`MAPPING`, is printed
by ``rosa export htcds --mapping`` and is documented in docs/sharing.md. A rosa key with
no HTCDS equivalent maps to the standard's ``Other`` where the field has one and is left
empty otherwise — never to a guess.

What never leaves the office: rosa ids (each export draws fresh random case codes),
free text (``referrer``, notes), exact birth dates (a birth year at most; with ``--k``
an age at first contact that may be widened to an age band or emptied).

k-anonymity (:func:`k_anonymise`): CTDC publishes with k = 11. The quasi-identifying
columns are citizenship, age, gender, exploitation type and year of first contact
(with their derived ``rosa_`` columns: age band, citizenship region). Rows whose
combination is shared by fewer than k rows are widened step by step (age → age band →
empty; citizenship → UN M49 region → empty; then exploitation, then year → empty), each
row only as far as its own group needs; rows still alone at the end are joined by
surplus rows of large groups, and only if that cannot reach k are they dropped. The
referral date and the birth year are left out under ``--k`` (they would give the year
and the age back).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Dict, List, Optional, Sequence, Tuple

from rosa_cli.core.messages import N_, Message, msg

# --- the one mapping table ----------------------------------------------------------------
#
# rosa field -> (HTCDS field, {rosa key: HTCDS value or "" (no equivalent)}, note).
# A key an organisation added to its own rosa.yaml and that is not listed here is
# exported as the field's "Other" when it has one (see OTHER), else left empty.
# The notes are marked N_() so ``--mapping`` shows them in the user's language.

MAPPING: Dict[str, Tuple[str, Dict[str, str], str]] = {
    "gender": (
        "prs_Gender",
        {"*": "Feminine"},
        N_("ROSA is a project for women: every woman in rosa is exported as Feminine "
           "(rosa records no gender; nobody else is in the records)"),
    ),
    "trafficking_status": (
        "vic_TraffickingStatus",
        {"*": "PossibleVictimOfTrafficking"},
        N_("every woman came to ROSA as a presumed victim; rosa records no formal identification decision"),
    ),
    "exploitation": (
        "vic_TypeOfExploitation",
        {"prostitution": "SexualExploitation", "labour": "ForcedLabour", "other": "Other"},
        N_("not recorded: empty"),
    ),
    "exploitation_sexual": (
        "vic_TypeOfSexExploitation",
        {"prostitution": "Prostitution", "labour": "", "other": ""},
        N_("only for prostitution; empty otherwise"),
    ),
    "referred_by": (
        "cas_ReferringOrganisation",
        {
            "police": "LawEnforcement",
            "immigration": "ImmigrationService",
            "ngo": "NGO",
            "shelter": "LocalGovernmentOrganisation",
            "public-agency": "",
            "self": "",
            "private-person": "",
            "other": "",
        },
        N_("the referring organisation's TYPE from the org_Type picklist, never its name; "
           "Norwegian crisis shelters are a municipal duty (LocalGovernmentOrganisation); "
           "a public agency of unknown level, the woman herself and private persons are no organisation type: empty"),
    ),
    "case_status": (
        "cas_Status",
        {
            "open-stay": "Active",
            "no-stay-yet": "Active",
            "declined": "Closed",
            "end:moved": "ClosedReferred",
            "end:asylum-reception": "ClosedReferred",
            "end:own-housing": "Closed",
            "end:returned-home": "Closed",
            "end:left": "Closed",
            "end:other": "Closed",
        },
        N_("as at the period's end: in a shelter, or contacted and neither housed nor declined: Active; "
           "declined the offer: Closed; last stay ended: by its reason (moved to another shelter or an "
           "asylum reception centre: ClosedReferred)"),
    ),
    "first_contact": (
        "cas_IncomingReferralDate",
        {"*": N_("ISO date (YYYY-MM-DD)")},
        N_("the day of first contact; left out when the export is k-anonymised (the year is in rosa_first_contact_year)"),
    ),
    "nationality": (
        "prs_Citizenship",
        {"*": N_("ISO 3166-1 alpha-2 code"), "unknown": "", "stateless": ""},
        N_("unknown and stateless: empty; when the export is k-anonymised it may be emptied, its UN M49 region "
           "staying in rosa_citizenship_region"),
    ),
}

# Descriptions standing in for a value where the field has no picklist (translated when shown).
DESCRIBED = {"ISO date (YYYY-MM-DD)", "ISO 3166-1 alpha-2 code"}

# Fields whose picklist has an "Other" value (for keys an organisation added itself).
OTHER = {"vic_TypeOfExploitation": "Other"}

REGIONS: Dict[str, str] = {}
for _region, _codes in {
    "Africa": "DZ EG LY MA SD TN EH IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW "
              "AO CM CF TD CG CD GQ GA ST BW SZ LS NA ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    "Americas": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI "
                "BZ CR SV GT HN MX NI PA AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE BM CA GL PM US",
    "Asia": "KZ KG TJ TM UZ CN HK MO KP JP MN KR TW BN KH ID LA MY MM PH SG TH TL VN "
            "AF BD BT IN IR MV NP PK LK AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "Europe": "BY BG CZ HU PL MD RO RU SK UA AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB "
              "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES AT BE FR DE LI LU MC NL CH",
    "Oceania": "AU NZ NF HM CX CC FJ NC PG SB VU GU KI MH FM NR MP PW UM AS CK PF NU PN WS TK TO TV WF",
}.items():
    for _code in _codes.split():
        REGIONS[_code] = _region
"""UN M49 region of each ISO 3166 code (pycountry and babel have no M49 regions)."""

# The columns, in order. HTCDS ones first; rosa_ ones are rosa's own facts.
HTCDS_COLUMNS = [
    "prs_Citizenship", "prs_Gender", "vic_TraffickingStatus", "vic_TypeOfExploitation",
    "vic_TypeOfSexExploitation", "cas_Status", "cas_IncomingReferralDate", "cas_ReferringOrganisation",
]
ROSA_COLUMNS = [
    "rosa_case_id", "rosa_first_contact_year", "rosa_birth_year", "rosa_age", "rosa_age_group",
    "rosa_citizenship_region", "rosa_stays", "rosa_bed_nights", "rosa_declined_offer",
]
QUASI_IDENTIFIERS = ("citizenship", "age", "gender", "exploitation", "year")
LEVELS = {"citizenship": 3, "age": 3, "exploitation": 2, "year": 2}  # generalisation levels, the last "empty"


def mapped(rosa_field: str, key: Optional[str]) -> str:
    """The HTCDS value for a rosa key, by :data:`MAPPING` ("" when there is none)."""
    if key is None:
        return ""
    htcds_field, table, _note = MAPPING[rosa_field]
    if key in table:
        return table[key]
    if "*" in table:
        return table["*"]
    return OTHER.get(htcds_field, "")


def mapping_lines() -> List[Message]:
    """:data:`MAPPING` as lines, for ``rosa export htcds --mapping``: coded messages
    (``htcds.mapping.*``) that the CLI renders in the user's language; field names,
    keys and HTCDS values stay as they are in the files and the standard."""
    lines: List[Message] = []
    for rosa_field, (htcds_field, table, note) in MAPPING.items():
        lines.append(msg("htcds.mapping.field", "{rosa_field} -> {htcds_field}", rosa_field=rosa_field, htcds_field=htcds_field))
        for key, value in table.items():
            shown_key = msg("htcds.mapping.every_woman", "(every woman)") if key == "*" else key
            if not value:
                shown_value: object = msg("htcds.mapping.empty", "(empty)")
            elif value in DESCRIBED:
                shown_value = Message("htcds.mapping.description", value)  # template marked N_ in MAPPING
            else:
                shown_value = value
            lines.append(msg("htcds.mapping.value", "  {key}: {value}", key=shown_key, value=shown_value))
        other = OTHER.get(htcds_field)
        if other and "*" not in table:
            lines.append(msg("htcds.mapping.own_key", "  (a key added in rosa.yaml): {value}", value=other))
        lines.append(msg("htcds.mapping.note", "  note: {note}", note=Message("htcds.mapping.note_text", note)))
    lines.append(msg(
        "htcds.mapping.rosa_columns", "rosa facts HTCDS lacks -> {columns} (left out when only HTCDS columns are asked for)",
        columns=", ".join(ROSA_COLUMNS),
    ))
    return lines


# --- building rows --------------------------------------------------------------------------


@dataclass
class Person:
    """One exported woman before formatting: exact quasi-identifiers plus the rest."""

    citizenship: str  # ISO code or ""
    age: Optional[int]
    age_group: str
    exploitation: str  # rosa key or ""
    year: int
    other: Dict[str, object] = field(default_factory=dict)


def _case_status(woman, stays, last: date) -> str:
    started = [s for s in stays if s.start <= last]
    if any(s.end is None or s.end > last for s in started):
        return "open-stay"
    if started:
        final = max(started, key=lambda s: (s.end, s.start))
        return f"end:{final.end_reason or 'other'}"
    if woman.declined_on is not None and woman.declined_on <= last:
        return "declined"
    return "no-stay-yet"


def people(records, first: date, last: date, today: date) -> List[Person]:
    """Every woman with a first contact or a stay (a night or an arrival) in ``first``–``last``."""
    from rosa_cli.stats.compute import group_keys, group_lows, group_of

    stays_of: Dict[str, list] = {}
    for stay in records.stays.values():
        stays_of.setdefault(stay.woman, []).append(stay)
    lows, keys = group_lows(records.settings.age_groups), group_keys(records.settings.age_groups)
    night_limit = date.fromordinal(last.toordinal() + 1)
    open_limit = min(night_limit, today)
    out = []
    for woman in sorted(records.women.values(), key=lambda w: w.id):
        stays = stays_of.get(woman.id, [])
        in_period = [s for s in stays if s.start <= last and (s.end is None or s.end > first or s.start >= first)]
        if not (first <= woman.first_contact <= last or in_period):
            continue
        nights = 0
        for stay in in_period:
            stop = min(stay.end if stay.end is not None else open_limit, night_limit)
            nights += max((stop - max(stay.start, first)).days, 0)
        age = woman.age_on(woman.first_contact)
        code = woman.nationality if woman.nationality not in ("unknown", "stateless") else ""
        status = _case_status(woman, stays, last)
        out.append(Person(
            citizenship=code,
            age=age,
            age_group=group_of(age, lows, keys) if age is not None else "",
            exploitation=woman.exploitation or "",
            year=woman.first_contact.year,
            other={
                "cas_Status": mapped("case_status", status),
                "cas_IncomingReferralDate": woman.first_contact.isoformat(),
                "cas_ReferringOrganisation": mapped("referred_by", woman.referred_by),
                "rosa_birth_year": woman.birth_year,
                "rosa_stays": len(in_period),
                "rosa_bed_nights": nights,
                "rosa_declined_offer": "yes" if woman.declined_on is not None and woman.declined_on <= last else "no",
            },
        ))
    return out


def _qi(person: Person, levels: Dict[str, int]) -> Tuple:
    """The person's quasi-identifiers at the given generalisation levels."""
    cit = levels["citizenship"]
    age = levels["age"]
    return (
        person.citizenship if cit == 0 else "",
        REGIONS.get(person.citizenship, "") if cit < 2 else "",
        person.age if age == 0 and person.age is not None else "",
        person.age_group if age < 2 else "",
        "Feminine",
        person.exploitation if levels["exploitation"] == 0 else "",
        person.year if levels["year"] == 0 else "",
    )


@dataclass
class Anonymised:
    rows: List[Tuple[Person, Dict[str, int]]]
    generalised: int
    dropped: int
    levels: Dict[str, Dict[int, int]] = field(default_factory=dict)  # per column: rows at each level


# The order in which a row's quasi-identifiers are widened: the age first (to its band,
# which the annual report publishes anyway), then citizenship to its region, then each
# to empty, then the exploitation type, then the year.
STEPS: Tuple[Dict[str, int], ...] = (
    {},
    {"age": 1},
    {"age": 1, "citizenship": 1},
    {"age": 2, "citizenship": 1},
    {"age": 2, "citizenship": 2},
    {"age": 2, "citizenship": 2, "exploitation": 1},
    {"age": 2, "citizenship": 2, "exploitation": 1, "year": 1},
)


def _levels(step: int) -> Dict[str, int]:
    return {name: STEPS[step].get(name, 0) for name in LEVELS}


def k_anonymise(persons: Sequence[Person], k: Optional[int]) -> Anonymised:
    """Widen quasi-identifiers row by row until every released combination occurs at
    least ``k`` times; drop rows only as a last resort.

    Rows in a combination shared by fewer than ``k`` rows move one step along
    :data:`STEPS` together, and again, until their combination is shared by ``k`` or
    they are fully widened. A combination of at least ``k`` rows is never touched again
    (rows only ever join it), so the loop ends and the property holds for every group
    it leaves. If fewer than ``k`` rows are left fully widened, rows from groups larger
    than ``k`` (their surplus only) are widened to join them; only if that cannot reach
    ``k`` are the left-over rows dropped.

    ``generalised`` counts kept rows with at least one quasi-identifier made wider or
    emptied; ``dropped`` the rows left out.
    """
    exact = _levels(0)
    if not k or k <= 1:
        return Anonymised([(p, exact) for p in persons], 0, 0, _count_levels([exact] * len(persons)))
    step = [0] * len(persons)
    last = len(STEPS) - 1
    while True:
        groups: Dict[Tuple, List[int]] = {}
        for i, person in enumerate(persons):
            groups.setdefault(_qi(person, _levels(step[i])), []).append(i)
        moving = [i for members in groups.values() if len(members) < k for i in members if step[i] < last]
        if not moving:
            break
        for i in moving:
            step[i] += 1
    # rows still in a small group are fully widened: they all share the widest combination
    leftover = [i for members in groups.values() if len(members) < k for i in members]
    if leftover:
        need = k - len(leftover)
        donors: List[int] = []
        for members in sorted(groups.values(), key=len, reverse=True):
            if len(members) > k:
                donors.extend(members[: len(members) - k])
        if need <= len(donors):
            for i in donors[:need]:
                step[i] = last
            leftover = []
    drop = set(leftover)
    kept = [(p, _levels(step[i])) for i, p in enumerate(persons) if i not in drop]
    generalised = sum(1 for p, levels in kept if _qi(p, levels) != _qi(p, exact))
    return Anonymised(kept, generalised, len(drop), _count_levels([levels for _p, levels in kept]))


def _count_levels(all_levels: Sequence[Dict[str, int]]) -> Dict[str, Dict[int, int]]:
    counts: Dict[str, Dict[int, int]] = {name: {} for name in LEVELS}
    for levels in all_levels:
        for name, level in levels.items():
            counts[name][level] = counts[name].get(level, 0) + 1
    return counts


def table(persons: Sequence[Person], k: Optional[int], htcds_only: bool) -> Tuple[List[str], List[List[object]], Anonymised]:
    """Header and rows of the export (after k-anonymity when ``k`` is given)."""
    result = k_anonymise(persons, k)
    columns = list(HTCDS_COLUMNS)
    if k:
        columns.remove("cas_IncomingReferralDate")
    if not htcds_only:
        columns += [c for c in ROSA_COLUMNS if not (k and c == "rosa_birth_year")]
    rows = []
    used = set()
    for person, levels in result.rows:
        code_, region, age, group, gender, exploitation, year = _qi(person, levels)
        while True:  # fresh random case codes: rosa ids never leave the office
            case_id = "C" + secrets.token_hex(4).upper()
            if case_id not in used:
                used.add(case_id)
                break
        values = {
            **person.other,
            "prs_Citizenship": code_,
            "prs_Gender": gender,
            "vic_TraffickingStatus": mapped("trafficking_status", "*"),
            "vic_TypeOfExploitation": mapped("exploitation", exploitation or None),
            "vic_TypeOfSexExploitation": mapped("exploitation_sexual", exploitation or None),
            "rosa_case_id": case_id,
            "rosa_first_contact_year": year,
            "rosa_age": age,
            "rosa_age_group": group,
            "rosa_citizenship_region": region,
        }
        rows.append([("" if values.get(c) is None else values.get(c)) for c in columns])
    import random

    random.SystemRandom().shuffle(rows)  # row order must not follow rosa ids either
    return columns, rows, result
