#!/usr/bin/env python3
"""Generate the fictional sample records folder ``records/``.

The sample lets a new user run ``rosa --records records report --year 2006`` and
get the figures of ROSA's 2006 annual report (SPEC section 8). Every person in it
is invented: women are pseudonymous ids with a nationality, a birth year and a
few coded facts; there are no names, phone numbers or addresses anywhere.

Design
------
The script is deterministic: all randomness comes from ``random.Random(2006)``,
so running it twice gives byte-identical files.

The exact figures are not found by trial and error; they are built in:

* **Admitted women** (49) are planned first, as two cohorts: 18 whose first stay
  starts in 2005 and 31 whose first stay starts in 2006. Each cohort gets fixed
  *pools* of attributes that already have the report's counts (nationalities,
  ages, referrers, residence status at intake, interpreter needs), shuffled onto
  the women with the seeded RNG.
* **Bed nights**: the 16 women still at a shelter on 31.12.2006 have durations
  fixed by their start dates; a few "special" women have fixed durations (the
  5-night minimum, the mother with a 5-month stay); the remaining closed stays get
  random log-normal durations that are then scaled and nudged one night at a time
  until the 2005-2006 total is exactly 5525. Only afterwards are stays cut by
  moves between shelters (same total) or split by a gap (a second stay later).
* **Other women** (first contacts that did not lead to a stay) fill up the 2006
  first-time inquiries to 82 women with exactly the report's nationality spread,
  and give 2005 its own inquiries; most of them declined, a few are pending.
* **Calls**: one ``trafficking-first`` call per woman on her first-contact date,
  then follow-ups (often about a woman in contact with ROSA at the time),
  project-info and other calls with fixed per-year counts, spread over days and
  hours; after-hours calls are received by Oslo krisesenter. Office visits are
  separate (channel ``office``) and never count as calls.

At the end the folder is read back from disk and the figures are recomputed
independently with the SPEC section 5 definitions, together with the
consistency rules ``rosa check`` enforces; the script fails if anything differs.

Usage::

    /work/venv/bin/python scripts/make_sample_records.py [--records DIR]
    /work/venv/bin/python scripts/make_sample_records.py --verify-only
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Dict, List, Optional, Union

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from rosa_cli.core.vocab import default_settings  # noqa: E402

SEED = 2006
DAY0 = date(2005, 1, 1)          # project start
DEC31 = date(2006, 12, 31)       # last date in the sample
END = DEC31 + timedelta(days=1)  # open stays count nights up to here (exclusive)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# --------------------------------------------------------------------------- shelters

SHELTERS = {
    "oslo": ("Oslo krisesenter", "Oslo"),
    "asker-baerum": ("Asker og Bærum krisesenter", "Bærum"),
    "bergen": ("Bergen krisesenter", "Bergen"),
    "trondheim": ("Trondheim krisesenter", "Trondheim"),
    "stavanger": ("Stavanger krisesenter", "Stavanger"),
    "kristiansand": ("Kristiansand krisesenter", "Kristiansand"),
    "tromso": ("Tromsø krisesenter", "Tromsø"),
    "drammen": ("Krisesenteret i Drammen", "Drammen"),
    "fredrikstad": ("Krisesenteret i Fredrikstad", "Fredrikstad"),
    "hamar": ("Krisesenteret i Hamar", "Hamar"),
    "lillehammer": ("Krisesenteret i Lillehammer", "Lillehammer"),
    "vestfold": ("Krisesenteret i Vestfold", "Tønsberg"),
    "telemark": ("Krisesenteret i Telemark", "Skien"),
    "salten": ("Salten krisesenter", "Bodø"),
}
SHELTER_WEIGHTS = {"oslo": 6, "bergen": 3, "trondheim": 3, "stavanger": 2, "asker-baerum": 2}

# ------------------------------------------------------------------- attribute pools

# 2006 admissions (31): NG 7; 17 nationalities.
NAT_ADMIT_2006 = {"NG": 7, "AL": 4, "RO": 3, "BG": 2, "RU": 2, "UA": 2, "LT": 1, "MD": 1,
                  "TH": 1, "CM": 1, "GH": 1, "BR": 1, "EE": 1, "LV": 1, "SL": 1, "CN": 1,
                  "PH": 1}
# 2005 admissions (18): NG 7; adds KE, ER, BY, CO, SK -> 22 nationalities in 2005-2006.
NAT_ADMIT_2005 = {"NG": 7, "RU": 2, "LT": 1, "AL": 1, "EE": 1, "UA": 1, "KE": 1, "ER": 1,
                  "BY": 1, "CO": 1, "SK": 1}
# 2006 first-time inquiries (82 women, 24 nationalities): NG 20, AL 9, RO 8.
NAT_FIRST_2006 = {"NG": 20, "AL": 9, "RO": 8, "BG": 5, "RU": 4, "UA": 4, "LT": 3, "MD": 3,
                  "TH": 3, "CM": 2, "GH": 2, "BR": 2, "EE": 2, "LV": 2, "SL": 2, "CN": 2,
                  "PH": 2, "BY": 1, "KE": 1, "PL": 1, "ER": 1, "SO": 1, "HU": 1, "DO": 1}
# 2005 first contacts that did not lead to a stay (40).
NAT_OTHER_2005 = {"NG": 12, "RU": 4, "LT": 3, "AL": 3, "UA": 3, "BG": 3, "RO": 3, "EE": 2,
                  "TH": 2, "MD": 2, "BY": 1, "PL": 1, "unknown": 1}

EU_EEA = {"LT", "LV", "EE", "PL", "SK", "HU"}  # EU members in 2005-2006 (RO, BG joined 2007)
LANGUAGE = {"AL": "sq", "RO": "ro", "BG": "bg", "RU": "ru", "UA": "uk", "MD": "ro", "BY": "ru",
            "LT": "lt", "LV": "lv", "EE": "et", "TH": "th", "CN": "zh", "BR": "pt", "CM": "fr",
            "CO": "es", "DO": "es", "SK": "sk", "PL": "pl", "HU": "hu", "ER": "ti", "SO": "so",
            "KE": "sw"}  # NG, GH, SL, PH: English, no interpreter

AGES_2006 = [18, 19, 19, 20, 21, 21, 22, 22, 23, 23, 24, 24, 25, 25, 26, 26, 27, 27, 28, 29,
             29, 30, 31, 32, 33, 35, 37, 38, 41, 45, 52]
AGES_2005 = [19, 20, 21, 22, 23, 23, 24, 25, 26, 27, 28, 29, 31, 33, 35, 38, 42, 47]

REFERRED_2006 = {"police": 18, "self": 1, "shelter": 3, "public-agency": 3, "ngo": 3,
                 "immigration": 2, "private-person": 1}
REFERRED_2005 = {"police": 5, "ngo": 4, "shelter": 3, "public-agency": 3, "immigration": 2,
                 "self": 1}
# Residence status at intake for non-EU/EEA women (EU/EEA women get eu-eea).
INTAKE_2006 = {"irregular": 17, "asylum-seeker": 4, "residence-permit": 1, "unknown": 3,
               "other": 3}
INTAKE_2005 = {"irregular": 6, "asylum-seeker": 5, "residence-permit": 1, "unknown": 2,
               "other": 1}
INTERPRETERS = {2005: 7, 2006: 13}

DECLINED_2006 = {"fear-for-family": 17, "economy-debt": 8, "distrust": 7, "not-ready": 7,
                 "other": 4, "unknown": 3}
DECLINED_2005 = {"fear-for-family": 13, "economy-debt": 7, "distrust": 6, "not-ready": 6,
                 "other": 3, "unknown": 2}

REFERRER_TEXT = {
    "police": ["Oslo politidistrikt"] * 3 + ["Hordaland politidistrikt", "Sør-Trøndelag politidistrikt"],
    "public-agency": ["Sosialtjenesten", "Legevakten", "Barnevernet", "Flyktningetjenesten"],
    "immigration": ["UDI", "Politiets utlendingsenhet"],
    "ngo": ["Pro Sentret", "Nadheim", "Kirkens Bymisjon", "Røde Kors"],
}
REFERRER_TO_CALLER = {"self": "woman"}  # other referrer keys are also caller keys

# Calls per year besides the first-time inquiries (one per first-contact woman).
CALL_COUNTS = {
    2005: {"trafficking-followup": 362, "project-info": 195, "other": 214},
    2006: {"trafficking-followup": 517, "project-info": 172, "other": 266},
}
CALLERS = {
    "trafficking-first": {"police": 4, "shelter": 2, "ngo": 3, "public-agency": 2,
                          "immigration": 1, "woman": 1, "private-person": 1},
    "trafficking-followup": {"shelter": 45, "police": 12, "public-agency": 12, "woman": 10,
                             "immigration": 8, "ngo": 8, "private-person": 2, "other": 3},
    "project-info": {"public-agency": 30, "ngo": 20, "private-person": 20, "shelter": 10,
                     "police": 8, "immigration": 5, "other": 7},
    "other": {"private-person": 30, "other": 25, "public-agency": 20, "ngo": 15, "woman": 5,
              "shelter": 5},
}
CHANNELS = {
    "trafficking-first": {"phone": 90, "email": 8, "other": 2},
    "trafficking-followup": {"phone": 88, "email": 10, "other": 2},
    "project-info": {"phone": 65, "email": 33, "other": 2},
    "other": {"phone": 60, "email": 37, "other": 3},
}
STAFF = {2005: ["KL", "AMH", "TS"], 2006: ["KL", "AMH", "TS", "RB"]}
AFTER_HOURS = "Oslo krisesenter"
MONTH_WEIGHT = [9, 9, 10, 9, 9, 8, 6, 7, 9, 10, 10, 8]  # a quieter summer

# -------------------------------------------------------------------------- helpers


def pool(counts: Dict[str, int]) -> List[str]:
    """A list with each key repeated by its count, in a stable order."""
    return [key for key, n in counts.items() for _ in range(n)]


def weighted(rng: random.Random, weights: Dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def random_date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def clamp(value: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, value))


class IdMaker:
    """Ids like W-2006-K7Q2X: prefix, year, 5 random Crockford base32 characters."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set = set()

    def new(self, prefix: str, year: int) -> str:
        while True:
            code = "".join(self.rng.choice(CROCKFORD) for _ in range(5))
            ident = f"{prefix}-{year}-{code}"
            if ident not in self.used:
                self.used.add(ident)
                return ident


# --------------------------------------------------------------------------- models


@dataclass
class Woman:
    first_contact: date
    nationality: str
    id: str = ""
    born: Union[int, date, None] = None
    born_estimated: bool = False
    referred_by: Optional[str] = None
    referrer: Optional[str] = None
    residence: List[tuple] = field(default_factory=list)  # [(from, status)]
    interpreter: Optional[str] = None
    exploitation: Optional[str] = None
    declined_on: Optional[date] = None
    declined_reason: Optional[str] = None

    def record(self) -> dict:
        rec: dict = {"id": self.id, "first_contact": self.first_contact}
        if self.born is not None:
            rec["born"] = self.born
        if self.born_estimated:
            rec["born_estimated"] = True
        rec["nationality"] = self.nationality
        for key in ("referred_by", "referrer"):
            if getattr(self, key):
                rec[key] = getattr(self, key)
        if self.residence:
            rec["residence"] = [{"from": d, "status": s} for d, s in self.residence]
        for key in ("interpreter", "exploitation", "declined_on", "declined_reason"):
            if getattr(self, key):
                rec[key] = getattr(self, key)
        return rec


@dataclass
class Stay:
    woman: str
    shelter: str
    start: date
    end: Optional[date] = None
    end_reason: Optional[str] = None
    children: int = 0
    id: str = ""

    def record(self) -> dict:
        rec: dict = {"id": self.id, "woman": self.woman, "shelter": self.shelter,
                     "start": self.start}
        if self.end:
            rec["end"] = self.end
            rec["end_reason"] = self.end_reason
        if self.children:
            rec["children"] = self.children
        return rec


@dataclass
class Call:
    at: datetime
    channel: str
    caller: str
    subject: str
    received_by: str
    woman: Optional[str] = None
    nationality: Optional[str] = None
    id: str = ""

    def record(self) -> dict:
        rec: dict = {"id": self.id, "at": self.at.strftime("%Y-%m-%d %H:%M"),
                     "channel": self.channel, "caller": self.caller, "subject": self.subject}
        if self.woman:
            rec["woman"] = self.woman
        if self.nationality:
            rec["nationality"] = self.nationality
        rec["received_by"] = self.received_by
        return rec


@dataclass
class Plan:
    """An admitted woman before her records exist: when she arrives and for how long."""

    cohort: int
    start: date
    open: bool = False
    nights: int = 0           # nights 2005-01-01..2006-12-31 over all her stays
    fixed: bool = False       # nights decided up front, not by fit_durations
    children: int = 0
    moves: int = 0
    move_window: Optional[tuple] = None
    gap: int = 0              # days between a first and a second stay
    final_reason: Optional[str] = None
    final_shelter: Optional[str] = None
    reflection: bool = False  # the one woman in the reflection period at 31.12.2006
    nationality: str = ""
    age: int = 0
    referred_by: str = ""
    intake: str = ""
    interpreter: bool = False
    woman: Optional[Woman] = None


# ---------------------------------------------------------------- admitted women


def plan_admissions(rng: random.Random) -> List[Plan]:
    plans = plan_2005(rng) + plan_2006(rng)
    for cohort, nats, ages, referred, intake in (
        (2005, NAT_ADMIT_2005, AGES_2005, REFERRED_2005, INTAKE_2005),
        (2006, NAT_ADMIT_2006, AGES_2006, REFERRED_2006, INTAKE_2006),
    ):
        assign_attributes(rng, [p for p in plans if p.cohort == cohort], nats, ages, referred,
                          intake)
    fit_bed_nights(rng, plans, total=5525)
    choose_moves_and_gaps(rng, plans)
    choose_final_shelters(rng, plans, open_shelters=10)
    return plans


def plan_2005(rng: random.Random) -> List[Plan]:
    specials = [
        Plan(2005, date(2005, 6, 13), open=True, fixed=True, moves=2),   # the longest stay
        Plan(2005, date(2005, 10, 10), open=True, fixed=True, moves=1, children=1,
             move_window=(date(2006, 2, 1), date(2006, 10, 1))),         # mother, over a year
        Plan(2005, date(2005, 12, 5), open=True, fixed=True),
    ]
    starts = sorted(random_date(rng, date(2005, 1, 12), date(2005, 12, 15)) for _ in range(15))
    return specials + [Plan(2005, s) for s in starts]


def plan_2006(rng: random.Random) -> List[Plan]:
    specials = [
        Plan(2006, date(2006, 5, 15), open=True, fixed=True, children=2),
        Plan(2006, date(2006, 2, 20), fixed=True, nights=152, children=1,
             final_reason="own-housing"),                                 # about five months
        Plan(2006, date(2006, 8, 7), fixed=True, nights=5, final_reason="left"),  # shortest
        Plan(2006, date(2006, 9, 18), open=True, fixed=True, reflection=True),
    ]
    starts = sorted(random_date(rng, date(2006, 1, 5), date(2006, 12, 20)) for _ in range(27))
    others = [Plan(2006, s) for s in starts]
    for p in others[-9:] + rng.sample(others[:18], 2):  # 11 more still there at year end
        p.open = p.fixed = True
    return specials + others


def assign_attributes(rng, plans, nats, ages, referred, intake) -> None:
    """Shuffle the cohort's attribute pools onto its women."""
    for p, nat in zip(plans, shuffled(rng, pool(nats))):
        p.nationality = nat
    # mothers are given adult ages before the rest is shuffled
    ages = list(ages)
    for p in plans:
        if p.children:
            p.age = ages.pop(ages.index(27 if 27 in ages else 31))
    rest = [p for p in plans if not p.age]
    for p, age in zip(rest, shuffled(rng, ages)):
        p.age = age
    for p, ref in zip(plans, shuffled(rng, pool(referred))):
        p.referred_by = ref
    non_eu = [p for p in plans if p.nationality not in EU_EEA]
    for p in plans:
        if p.nationality in EU_EEA:
            p.intake = "eu-eea"
    statuses = pool(intake)
    assert len(statuses) == len(non_eu), "intake pool must match the non-EU women"
    reflection = [p for p in non_eu if p.reflection]
    for p in reflection:  # she comes in without papers, then gets a reflection period
        p.intake = statuses.pop(statuses.index("irregular"))
    for p, status in zip([p for p in non_eu if not p.reflection], shuffled(rng, statuses)):
        p.intake = status
    speakers = [p for p in plans if p.nationality in LANGUAGE]
    for p in rng.sample(speakers, INTERPRETERS[plans[0].cohort]):
        p.interpreter = True


def shuffled(rng: random.Random, items: list) -> list:
    items = list(items)
    rng.shuffle(items)
    return items


def fit_bed_nights(rng: random.Random, plans: List[Plan], total: int) -> None:
    """Give each closed, not-fixed stay a duration so that all nights sum to `total`."""
    for p in plans:
        if p.open:
            p.nights = (END - p.start).days
    free = [p for p in plans if not p.fixed]
    target = total - sum(p.nights for p in plans if p.fixed)
    longest = max(p.nights for p in plans if p.fixed)
    lo = {id(p): 6 for p in free}  # the 5-night stay stays the unique minimum
    hi = {id(p): min(longest - 60, (DEC31 - p.start).days) for p in free}
    weights = [rng.lognormvariate(0, 0.9) for _ in free]
    for p, w in zip(free, weights):
        p.nights = clamp(round(target * w / sum(weights)), lo[id(p)], hi[id(p)])
    order = shuffled(rng, free)
    diff = target - sum(p.nights for p in free)
    while diff:
        step = 1 if diff > 0 else -1
        nudged = False
        for p in order:
            if diff and lo[id(p)] <= p.nights + step <= hi[id(p)]:
                p.nights += step
                diff -= step
                nudged = True
        if not nudged:
            raise SystemExit(f"cannot reach {total} bed nights (off by {diff})")


def choose_moves_and_gaps(rng: random.Random, plans: List[Plan]) -> None:
    """A few women move between shelters; two come back for a second stay."""
    closed = [p for p in plans if not p.open and not p.fixed and p.nights >= 40]
    movers = rng.sample(closed, 3)
    for p in movers:
        p.moves = 1
    open_2006 = [p for p in plans if p.open and p.cohort == 2006 and not p.children
                 and p.nights >= 60]
    rng.choice(open_2006).moves = 1
    candidates = [p for p in plans if not p.open and not p.fixed and not p.moves
                  and p.nights >= 30 and (DEC31 - p.start).days - p.nights >= 30]
    for p in rng.sample(candidates, 2):
        slack = (DEC31 - p.start).days - p.nights
        p.gap = rng.randint(14, min(slack, 75))


def choose_final_shelters(rng: random.Random, plans: List[Plan], open_shelters: int) -> None:
    """The women still there at year end live at exactly `open_shelters` shelters."""
    still_there = shuffled(rng, [p for p in plans if p.open])
    keys = ["oslo"] + rng.sample([k for k in SHELTERS if k != "oslo"], open_shelters - 1)
    for i, p in enumerate(still_there):
        p.final_shelter = keys[i] if i < len(keys) else rng.choice(keys)


def birth(rng: random.Random, start: date, age: int, full_date: bool,
          after_start: bool = False) -> Union[int, date]:
    """A birth year or date giving exactly `age` at `start` (SPEC 5 age rules)."""
    if not full_date:
        return start.year - age
    if after_start and (start.month, start.day) < (12, 28):
        day = random_date(rng, start.replace(day=min(start.day, 28)) + timedelta(days=1),
                          date(start.year, 12, 28))
    else:
        day = random_date(rng, date(start.year, 1, 1), date(start.year, 12, 28))
    day = day.replace(day=min(day.day, 28))
    year = start.year - age if (day.month, day.day) <= (start.month, start.day) else start.year - age - 1
    return day.replace(year=year)


def make_admitted_women(rng: random.Random, ids: IdMaker, plans: List[Plan]) -> List[Woman]:
    oldest = max(p.age for p in plans if p.cohort == 2006)
    women = []
    for p in plans:
        year_start = date(p.cohort, 1, 1)
        first_contact = max(year_start, p.start - timedelta(days=rng.randint(0, 10)))
        is_oldest = p.cohort == 2006 and p.age == oldest
        full_date = is_oldest or rng.random() < 0.25
        w = Woman(first_contact=first_contact, nationality=p.nationality)
        w.id = ids.new("W", first_contact.year)
        # The oldest has a full birth date with her birthday later in the year than her
        # arrival: her age is 52, though start year - birth year would say 53.
        w.born = birth(rng, p.start, p.age, full_date, after_start=is_oldest)
        w.born_estimated = not full_date and rng.random() < 0.3
        w.referred_by = p.referred_by
        w.referrer = referrer_text(rng, p.referred_by)
        w.residence = [(first_contact, p.intake)]
        w.interpreter = LANGUAGE[p.nationality] if p.interpreter else None
        w.exploitation = weighted(rng, {"prostitution": 80, "labour": 10, "other": 5, "": 5}) or None
        p.woman = w
        women.append(w)
    add_residence_changes(rng, plans)
    return women


def referrer_text(rng: random.Random, referred_by: str) -> Optional[str]:
    if referred_by == "shelter":
        return rng.choice([name for name, _ in SHELTERS.values()])
    texts = REFERRER_TEXT.get(referred_by)
    if texts and rng.random() < 0.8:
        return rng.choice(texts)
    return None


def add_residence_changes(rng: random.Random, plans: List[Plan]) -> None:
    """Later residence statuses; only one woman is in the reflection period at 31.12.2006."""
    for p in plans:
        if p.reflection:
            p.woman.residence.append((date(2006, 12, 1), "reflection-period"))
    irregular_2005 = [p for p in plans if p.cohort == 2005 and p.intake == "irregular"]
    for p in rng.sample(irregular_2005, 2):  # reflection period, then a permit
        p.woman.residence.append((p.start + timedelta(days=3), "reflection-period"))
        p.woman.residence.append((p.start + timedelta(days=rng.randint(150, 250)),
                                  "residence-permit"))
    irregular_2006 = [p for p in plans if p.cohort == 2006 and p.intake == "irregular"
                      and not p.reflection and p.start < date(2006, 10, 1)]
    for p in rng.sample(irregular_2006, 3):  # applies for asylum during the stay
        p.woman.residence.append((p.start + timedelta(days=rng.randint(20, 60)), "asylum-seeker"))


# ------------------------------------------------------------------------- stays


def make_stays(rng: random.Random, ids: IdMaker, plans: List[Plan]) -> List[Stay]:
    stays = []
    for p in plans:
        for start, end, reason, shelter in stay_segments(rng, p):
            stay = Stay(woman=p.woman.id, shelter=shelter, start=start, end=end,
                        end_reason=reason, children=p.children)
            stay.id = ids.new("S", start.year)
            stays.append(stay)
    return stays


def stay_segments(rng: random.Random, p: Plan) -> List[tuple]:
    """(start, end, end_reason, shelter) for each of the woman's stays."""
    reason = p.final_reason or weighted(rng, {"own-housing": 5, "returned-home": 4,
                                              "asylum-reception": 3, "left": 3, "other": 1})
    if p.gap:
        first = rng.randint(5, p.nights - 5)
        back = p.start + timedelta(days=first + p.gap)
        end = p.start + timedelta(days=p.nights + p.gap)
        return [(p.start, p.start + timedelta(days=first), "left", pick_shelter(rng)),
                (back, end, reason, pick_shelter(rng))]
    end = None if p.open else p.start + timedelta(days=p.nights)
    cuts = move_dates(rng, p, end or END)
    bounds = [p.start] + cuts + [end]
    shelters = [p.final_shelter or pick_shelter(rng)]
    for _ in cuts:  # walk backwards: each earlier shelter differs from the next one
        shelters.insert(0, pick_shelter(rng, avoid=shelters[0]))
    segments = []
    for i, shelter in enumerate(shelters):
        last = i == len(shelters) - 1
        segments.append((bounds[i], bounds[i + 1], None if last and p.open else
                         (reason if last else "moved"), shelter))
    return segments


def move_dates(rng: random.Random, p: Plan, until: date) -> List[date]:
    if not p.moves:
        return []
    first, last = p.move_window or (p.start + timedelta(days=14), until - timedelta(days=14))
    days = rng.sample(range((last - first).days + 1), p.moves)
    return [first + timedelta(days=d) for d in sorted(days)]


def pick_shelter(rng: random.Random, avoid: Optional[str] = None) -> str:
    keys = [k for k in SHELTERS if k != avoid]
    return rng.choices(keys, weights=[SHELTER_WEIGHTS.get(k, 1) for k in keys])[0]


# ------------------------------------------------------------------ other women


def make_other_women(rng: random.Random, ids: IdMaker, year: int, nats: Dict[str, int],
                     reasons: Dict[str, int], pending: int) -> List[Woman]:
    """First contacts that led to no stay: most declined, `pending` still undecided."""
    nationalities = shuffled(rng, pool(nats))
    first, last = date(year, 1, 3), date(year, 12, 28)
    contacts = sorted(random_date(rng, first, last) for _ in nationalities)
    if year == 2006:  # the undecided ones are the most recent
        pending_idx = set(range(len(contacts) - pending, len(contacts)))
    else:
        pending_idx = set(rng.sample(range(len(contacts)), pending))
    reason_pool = shuffled(rng, pool(reasons))
    women = []
    for i, (fc, nat) in enumerate(zip(contacts, nationalities)):
        w = Woman(first_contact=fc, nationality=nat)
        w.id = ids.new("W", fc.year)
        if rng.random() < 0.85:
            w.born = fc.year - rng.choice([17, 18, 19, 20, 21, 22, 22, 23, 24, 25, 26, 27,
                                           28, 30, 32, 35, 38, 44])
            w.born_estimated = rng.random() < 0.4
        w.referred_by = weighted(rng, {"police": 5, "ngo": 4, "shelter": 2, "public-agency": 3,
                                       "immigration": 1, "self": 1, "private-person": 1,
                                       "other": 1})
        w.referrer = referrer_text(rng, w.referred_by)
        if rng.random() < 0.8:
            status = "eu-eea" if nat in EU_EEA else weighted(
                rng, {"irregular": 6, "unknown": 3, "asylum-seeker": 2})
            w.residence = [(fc, status)]
        if nat in LANGUAGE and rng.random() < 0.4:
            w.interpreter = LANGUAGE[nat]
        w.exploitation = weighted(rng, {"prostitution": 70, "labour": 10, "other": 5, "": 15}) or None
        if i not in pending_idx:
            w.declined_on = min(DEC31, fc + timedelta(days=rng.randint(0, 21)))
            w.declined_reason = reason_pool.pop()
        women.append(w)
    return women


def other_nationalities_2006() -> Dict[str, int]:
    rest = Counter(NAT_FIRST_2006)
    rest.subtract(NAT_ADMIT_2006)
    assert min(rest.values()) >= 0
    return {k: v for k, v in rest.items() if v}


# ------------------------------------------------------------------------- calls


def call_time(rng: random.Random, day: date, staff: List[str], channel: str) -> tuple:
    """A time on `day` and who received it (after hours: Oslo krisesenter)."""
    working_day = day.weekday() < 5
    if working_day and rng.random() < 0.78:
        hour = rng.randint(8, 15)
    else:
        hour = rng.choice([16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 6, 7])
    at = datetime(day.year, day.month, day.day, hour, rng.randrange(0, 60))
    in_office = working_day and 8 <= hour < 16
    receiver = rng.choice(staff) if in_office or channel == "email" else AFTER_HOURS
    return at, receiver


def random_call_day(rng: random.Random, year: int) -> date:
    while True:
        month = rng.choices(range(1, 13), weights=MONTH_WEIGHT)[0]
        first = date(year, month, 1)
        last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        day = random_date(rng, first, last)
        if day.weekday() < 5 or rng.random() < 0.35:
            return day


def make_calls(rng: random.Random, year: int, women: List[Woman], stays: List[Stay]) -> List[Call]:
    staff = STAFF[year]
    calls = []
    for w in sorted(women, key=lambda w: (w.first_contact, w.id)):
        if w.first_contact.year == year:
            calls.append(first_time_call(rng, w, staff))
    engaged = engagement(women, stays)
    for subject, n in CALL_COUNTS[year].items():
        for _ in range(n):
            day = random_call_day(rng, year)
            channel = weighted(rng, CHANNELS[subject])
            at, receiver = call_time(rng, day, staff, channel)
            call = Call(at=at, channel=channel, caller=weighted(rng, CALLERS[subject]),
                        subject=subject, received_by=receiver)
            if subject == "trafficking-followup" and rng.random() < 0.8:
                about = [w for w in women if engaged[w.id][0] < day <= engaged[w.id][1]]
                if about:
                    call.woman = rng.choice(about).id
            calls.append(call)
    return calls


def first_time_call(rng: random.Random, w: Woman, staff: List[str]) -> Call:
    caller = REFERRER_TO_CALLER.get(w.referred_by, w.referred_by) or weighted(
        rng, CALLERS["trafficking-first"])
    channel = weighted(rng, CHANNELS["trafficking-first"])
    at, receiver = call_time(rng, w.first_contact, staff, channel)
    nationality = w.nationality if w.nationality != "unknown" else None
    return Call(at=at, channel=channel, caller=caller, subject="trafficking-first",
                received_by=receiver, woman=w.id, nationality=nationality)


def engagement(women: List[Woman], stays: List[Stay]) -> Dict[str, tuple]:
    """The days a follow-up call may be about each woman: from first contact until
    two months after her last stay (or six weeks after she declined)."""
    last_day: Dict[str, date] = {}
    for s in stays:
        last_day[s.woman] = max(last_day.get(s.woman, DAY0), s.end or END)
    out = {}
    for w in women:
        if w.id in last_day:
            out[w.id] = (w.first_contact, last_day[w.id] + timedelta(days=60))
        else:
            out[w.id] = (w.first_contact, (w.declined_on or w.first_contact) + timedelta(days=45))
    return out


def make_office_visits(rng: random.Random, year: int, regulars: Dict[str, int],
                       anonymous: int, women: Dict[str, Woman]) -> List[Call]:
    """Conversations at the office: `regulars` maps a woman to her number of visits;
    `anonymous` visits have no woman record (each counts as its own woman)."""
    staff = STAFF[year]
    visits = []
    for wid, n in regulars.items():
        first = max(date(year, 1, 2), women[wid].first_contact + timedelta(days=1))
        for _ in range(n):
            visits.append(office_visit(rng, random_date(rng, first, date(year, 12, 22)), staff,
                                       "trafficking-followup", wid))
    for _ in range(anonymous):
        subject = weighted(rng, {"trafficking-followup": 6, "other": 3, "project-info": 1})
        visits.append(office_visit(rng, random_call_day(rng, year), staff, subject, None))
    return visits


def office_visit(rng, day: date, staff, subject: str, woman: Optional[str]) -> Call:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    at = datetime(day.year, day.month, day.day, rng.randint(9, 14), rng.choice([0, 15, 30, 45]))
    return Call(at=at, channel="office", caller="woman", subject=subject,
                received_by=rng.choice(staff), woman=woman)


# ------------------------------------------------------------------------ writing


class _Dumper(yaml.SafeDumper):
    """yaml.safe_dump, but never writes anchors (&id001) for a date used twice."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                              default_flow_style=False), encoding="utf-8")


def write_folder(root: Path, women: List[Woman], stays: List[Stay], calls: List[Call]) -> int:
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("women", "stays", "calls", "services", "activities", "website"):
        shutil.rmtree(root / sub, ignore_errors=True)
    settings = default_settings(organisation="ROSA (fiktivt eksempel)", started="2005-01-01")
    settings["started"] = DAY0  # written as an unquoted ISO date, like every record date
    dump(root / "rosa.yaml", settings)
    dump(root / "shelters.yaml", {k: {"name": n, "municipality": m}
                                  for k, (n, m) in SHELTERS.items()})
    (root / ".gitignore").write_text("/.rosa-cache/\n", encoding="utf-8")
    for w in women:
        dump(root / "women" / f"{w.id}.yaml", w.record())
    for s in stays:
        dump(root / "stays" / f"{s.id}.yaml", s.record())
    for c in calls:
        dump(root / "calls" / str(c.at.year) / f"{c.id}.yaml", c.record())
    return 3 + len(women) + len(stays) + len(calls)


def generate(root: Path) -> int:
    rng = random.Random(SEED)
    ids = IdMaker(rng)
    plans = plan_admissions(rng)
    women = make_admitted_women(rng, ids, plans)
    women += make_other_women(rng, ids, 2005, NAT_OTHER_2005, DECLINED_2005, pending=3)
    women += make_other_women(rng, ids, 2006, other_nationalities_2006(), DECLINED_2006,
                              pending=5)
    stays = make_stays(rng, ids, plans)
    by_id = {w.id: w for w in women}
    calls = []
    for year in (2005, 2006):
        calls += make_calls(rng, year, women, stays)
    regulars_2006 = [p.woman.id for p in plans if p.cohort == 2006][:2]
    regulars_2005 = [p.woman.id for p in plans if p.cohort == 2005 and not p.open][:1]
    calls += make_office_visits(rng, 2005, {regulars_2005[0]: 2}, 4, by_id)
    calls += make_office_visits(rng, 2006, {regulars_2006[0]: 3, regulars_2006[1]: 4}, 10, by_id)
    calls.sort(key=lambda c: c.at)
    for c in calls:
        c.id = ids.new("C", c.at.year)
    count = write_folder(root, women, stays, calls)
    return count + write_section9(root, *make_section9(plans, women, stays))


# ------------------------------------------------- services, activities, website
#
# SPEC section 9. A second seeded RNG, used only after everything above is drawn, so
# the women, stays and calls (and their ids) are exactly what they were before.

SECTION9_SEED = SEED + 9
# 2006: the women on a Norwegian course, by who paid (14 women: 8 / 2 / 4)
COURSE_PAYERS = {"project": 8, "municipality": 2, "ngo": 4}
# plausible, fictional unit costs in NOK (ranges)
COSTS = {"interpreter": (600, 1800), "doctor": (300, 900), "dental": (800, 4500),
         "psychologist": (700, 1200), "medicine": (100, 700), "fitness": (300, 600),
         "norwegian-course": (3000, 9000), "vocational-training": (8000, 15000),
         "legal-aid": (0, 0), "hobby-course": (400, 1200)}
PROVIDERS = {"interpreter": "tolketjenesten", "doctor": "legevakten", "dental": "tannklinikken",
             "psychologist": "poliklinikken", "medicine": "apoteket", "fitness": "treningssenteret",
             "norwegian-course": "voksenopplæringen", "vocational-training": "kommunen",
             "legal-aid": "frivillig organisasjon", "hobby-course": "frivillig organisasjon"}
WEBSITE_2006 = {  # SPEC section 9: visits, pages, hits, sites for 2006-03 .. 2006-12
    "visits": [1626, 1416, 1501, 1092, 1211, 919, 1244, 1913, 1424, 1135],
    "pages": [3494, 3749, 4301, 2129, 2362, 1802, 2596, 4055, 2912, 1948],
    "hits": [12068, 10423, 14677, 7411, 6967, 6555, 9100, 14733, 10420, 5986],
    "sites": [719, 561, 876, 546, 466, 443, 530, 876, 611, 433],
}


def _windows(stays: List[Stay], year: int) -> Dict[str, tuple]:
    """Each woman's first and last day at a shelter within ``year``."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    found: Dict[str, tuple] = {}
    for st in stays:
        end = min(st.end or last, last)
        start = max(st.start, first)
        if start > end:
            continue
        lo, hi = found.get(st.woman, (start, end))
        found[st.woman] = (min(lo, start), max(hi, end))
    return found


def _service(rng, woman, kind, on, to=None, paid_by="project", completed=None) -> dict:
    rec = {"woman": woman, "kind": kind, "on": on}
    if to and to != on:
        rec["to"] = to
    low, high = COSTS.get(kind, (0, 0))
    if paid_by != "free" and high:
        rec["cost"] = rng.randrange(low, high + 1, 50)
    rec["paid_by"] = paid_by
    rec["provider"] = PROVIDERS.get(kind, "kommunen")
    if completed is not None:
        rec["completed"] = completed
    return rec


def make_section9(plans: List[Plan], women: List[Woman], stays: List[Stay]) -> tuple:
    rng = random.Random(SECTION9_SEED)
    ids = IdMaker(rng)
    services: List[dict] = []
    for year in (2005, 2006):
        windows = _windows(stays, year)
        speakers = [p.woman.id for p in plans if p.cohort == year and p.interpreter]
        for wid in speakers:  # interpreters: every admitted woman who needs one
            lo, hi = windows[wid]
            for _ in range(rng.randint(1, 4)):
                on = random_date(rng, lo, hi)
                services.append(_service(rng, wid, "interpreter", on, paid_by=rng.choice(["project", "project", "state"])))
        long_enough = sorted(w for w, (lo, hi) in windows.items() if (hi - lo).days >= 45)
        course_women = rng.sample(long_enough, 14 if year == 2006 else 6)
        payers = pool(COURSE_PAYERS) if year == 2006 else ["project"] * 4 + ["municipality"] * 2
        for wid, payer in zip(course_women, shuffled(rng, payers)):
            lo, hi = windows[wid]
            on = lo + timedelta(days=rng.randint(7, 21))
            on = min(on, hi)
            to = min(on + timedelta(days=rng.randint(60, 150)), date(year, 12, 31))
            services.append(_service(rng, wid, "norwegian-course", on, to, payer))
        if year == 2006:  # vocational training: two women, one completed
            for wid, done in zip(rng.sample(course_women, 2), (True, False)):
                lo, hi = windows[wid]
                on = min(lo + timedelta(days=rng.randint(30, 60)), hi)
                to = min(on + timedelta(days=rng.randint(40, 90)), date(year, 12, 31))
                services.append(_service(rng, wid, "vocational-training", on, to, "municipality", done))
        everyone = sorted(windows)
        for kind, n, payers_of in (("doctor", 30 if year == 2006 else 18, ["project", "state"]),
                                   ("dental", 9 if year == 2006 else 5, ["project"]),
                                   ("psychologist", 6 if year == 2006 else 3, ["project", "state"]),
                                   ("medicine", 12 if year == 2006 else 7, ["project"]),
                                   ("fitness", 5 if year == 2006 else 0, ["ngo", "free"]),
                                   ("legal-aid", 4 if year == 2006 else 2, ["free"])):
            for _ in range(n):
                wid = rng.choice(everyone)
                lo, hi = windows[wid]
                services.append(_service(rng, wid, kind, random_date(rng, lo, hi), paid_by=rng.choice(payers_of)))
    services.sort(key=lambda r: (r["on"], r["woman"], r["kind"]))
    for rec in services:
        rec["id"] = ids.new("T", rec["on"].year)

    activities: List[dict] = []

    def activity(on, kind, **fields):
        activities.append({"kind": kind, "on": on, **fields})

    activity(date(2006, 10, 19), "seminar", days=1, participants=72,
             audience=["shelter", "police", "public-agency", "ngo"], organised_by_us=True,
             title="Fagseminar om menneskehandel")
    activity(date(2006, 4, 6), "conference", days=1, audience=["shelter"], organised_by_us=True,
             shelters=2, title="Konferanse for krisesentrene")
    activity(date(2006, 11, 23), "conference", days=0.5, audience=["shelter"], organised_by_us=True,
             shelters=2, title="Halvdagskonferanse for krisesentrene")
    for on in (date(2006, 3, 15), date(2006, 9, 13)):
        activity(on, "network-meeting", days=0.5, audience=["police", "immigration", "ngo", "shelter"])
    activity(date(2006, 6, 8), "course", days=2, participants=18, audience=["international", "shelter"],
             organised_by_us=True, title="Kurs for krisesentre i utlandet")
    audiences = ["police", "public-agency", "health", "education", "union", "ngo", "public", "immigration"]
    for i in range(33):
        on = random_date(rng, date(2006, 1, 9), date(2006, 12, 15))
        if i < 5:  # five at the immigration authorities' regional seminars
            activity(on, "lecture", participants=rng.randint(25, 80), audience=["immigration", "public-agency"],
                     title="Foredrag på regionalt seminar for utlendingsforvaltningen")
        else:
            activity(on, "lecture", participants=rng.randint(10, 60), audience=[rng.choice(audiences)])
    for _ in range(8):
        activity(random_date(rng, date(2006, 1, 9), date(2006, 12, 15)), "meeting",
                 audience=[rng.choice(audiences)])
    activity(date(2006, 2, 20), "media", audience=["public"], title="Intervju i riksavis")
    # 2005: fewer, for --compare
    activity(date(2005, 11, 10), "seminar", days=1, participants=55, audience=["shelter", "police"],
             organised_by_us=True)
    for _ in range(19):
        activity(random_date(rng, date(2005, 1, 10), date(2005, 12, 15)), "lecture",
                 participants=rng.randint(10, 60), audience=[rng.choice(audiences)])
    activities.sort(key=lambda r: (r["on"], r["kind"]))
    for rec in activities:
        rec["id"] = ids.new("A", rec["on"].year)

    website = {}
    for i in range(10):
        month = f"2006-{i + 3:02d}"
        website[month] = {"month": month, **{k: v[i] for k, v in WEBSITE_2006.items()}}
    return services, activities, website


def write_section9(root: Path, services: List[dict], activities: List[dict], website: Dict[str, dict]) -> int:
    order_t = ("id", "woman", "kind", "on", "to", "cost", "paid_by", "provider", "completed", "note")
    order_a = ("id", "kind", "on", "days", "participants", "audience", "organised_by_us", "shelters", "title")
    for rec in services:
        dump(root / "services" / str(rec["on"].year) / f"{rec['id']}.yaml", {k: rec[k] for k in order_t if k in rec})
    for rec in activities:
        dump(root / "activities" / str(rec["on"].year) / f"{rec['id']}.yaml", {k: rec[k] for k in order_a if k in rec})
    for month, rec in website.items():
        dump(root / "website" / f"{month}.yaml", rec)
    return len(services) + len(activities) + len(website)


# ---------------------------------------------------------------- verification
#
# Everything below reads the folder back from disk and knows nothing of the plan.


def load(root: Path) -> tuple:
    def read(path):
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    women = {p.stem: read(p) for p in sorted((root / "women").glob("*.yaml"))}
    stays = [read(p) for p in sorted((root / "stays").glob("*.yaml"))]
    calls = [read(p) for p in sorted((root / "calls").glob("*/*.yaml"))]
    for c in calls:
        c["at"] = datetime.strptime(c["at"], "%Y-%m-%d %H:%M")
    shelters = read(root / "shelters.yaml")
    return women, stays, calls, shelters


def nights(stay: dict, frm: date, to: date) -> int:
    """Nights d with frm <= d <= to covered by the stay (start <= d < end)."""
    end = stay.get("end") or to + timedelta(days=1)  # report 'today' is after the sample
    return max(0, (min(end, to + timedelta(days=1)) - max(stay["start"], frm)).days)


def age_at(born, day: date) -> int:
    if isinstance(born, int):
        return day.year - born
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def status_on(woman: dict, day: date) -> Optional[str]:
    entries = [e for e in woman.get("residence", []) if e["from"] <= day]
    return max(entries, key=lambda e: e["from"])["status"] if entries else None


def figures(root: Path, frm: date, to: date) -> dict:
    women, stays, calls, _ = load(root)
    in_p = lambda d: frm <= d <= to  # noqa: E731
    period_calls = [c for c in calls if in_p(c["at"].date())]
    phone = [c for c in period_calls if c["channel"] != "office"]
    office = [c for c in period_calls if c["channel"] == "office"]
    first = [c for c in phone if c["subject"] == "trafficking-first"]
    first_nat = Counter(c.get("nationality") or women[c["woman"]]["nationality"] for c in first)

    stays_of: Dict[str, list] = {}
    for s in stays:
        stays_of.setdefault(s["woman"], []).append(s)
    first_stay = {w: min(ss, key=lambda s: s["start"]) for w, ss in stays_of.items()}
    admitted = [w for w, s in first_stay.items() if in_p(s["start"])]
    ages = [age_at(women[w]["born"], first_stay[w]["start"]) for w in admitted
            if "born" in women[w]]
    offered = [w for w, rec in women.items() if in_p(rec["first_contact"])]

    durations = {}
    for w, ss in stays_of.items():
        n = sum(nights(s, frm, to) for s in ss)
        if n:
            durations[w] = n
    open_at_end = [s for s in stays if s["start"] <= to and (not s.get("end") or s["end"] > to)]
    visit_keys = Counter(c.get("woman") or c["id"] for c in office)
    population = set(durations) | set(offered)

    return {
        "calls.total": len(phone),
        "calls.by_subject": dict(sorted(Counter(c["subject"] for c in phone).items())),
        "calls.first_time.total": len(first),
        "calls.first_time.nationality_count": len(first_nat),
        "calls.first_time.NG/AL/RO": (first_nat["NG"], first_nat["AL"], first_nat["RO"]),
        "calls.first_time.max_other": max(v for k, v in first_nat.items()
                                          if k not in ("NG", "AL", "RO")) if first_nat else 0,
        "offers.women": len(offered),
        "offers.accepted": sum(1 for w in offered if w in stays_of),
        "offers.declined": sum(1 for w in offered
                               if w not in stays_of and women[w].get("declined_on")),
        "offers.declined_by_reason": dict(Counter(
            women[w]["declined_reason"] for w in offered
            if w not in stays_of and women[w].get("declined_on")).most_common()),
        "admissions.women": len(admitted),
        "admissions.NG": sum(1 for w in admitted if women[w]["nationality"] == "NG"),
        "admissions.nationality_count": len({women[w]["nationality"] for w in admitted}),
        "admissions.age_min": min(ages, default=None),
        "admissions.age_max": max(ages, default=None),
        "admissions.aged_20_29": sum(1 for a in ages if 20 <= a <= 29),
        "admissions.police/self": (
            sum(1 for w in admitted if women[w].get("referred_by") == "police"),
            sum(1 for w in admitted if women[w].get("referred_by") == "self")),
        "admissions.irregular": sum(1 for w in admitted
                                    if status_on(women[w], first_stay[w]["start"]) == "irregular"),
        "admissions.interpreter_needed": sum(1 for w in admitted if women[w].get("interpreter")),
        "office_visits.total": len(office),
        "office_visits.women/once/repeated": (
            len(visit_keys), sum(1 for n in visit_keys.values() if n == 1),
            sum(1 for n in visit_keys.values() if n > 1)),
        "stays.bed_nights": sum(durations.values()),
        "stays.women": len(durations),
        "stays.duration.mean": round(sum(durations.values()) / len(durations), 2) if durations else None,
        "stays.duration.min/max": (min(durations.values(), default=None),
                                   max(durations.values(), default=None)),
        "stays.open_at_end.women/shelters": (len({s["woman"] for s in open_at_end}),
                                             len({s["shelter"] for s in open_at_end})),
        "stays.women_with_children": len({s["woman"] for s in stays
                                          if s.get("children", 0) > 0 and nights(s, frm, to)}),
        "residence_at_end.reflection-period": sum(
            1 for w in population if status_on(women[w], to) == "reflection-period"),
    }


EXPECTED = {
    (date(2006, 1, 1), date(2006, 12, 31)): {
        "calls.total": 1037,
        "calls.by_subject": {"other": 266, "project-info": 172, "trafficking-first": 82,
                             "trafficking-followup": 517},
        "calls.first_time.nationality_count": 24,
        "calls.first_time.NG/AL/RO": (20, 9, 8),
        "offers.women": 82,
        "offers.accepted": 31,
        "admissions.women": 31,
        "admissions.NG": 7,
        "admissions.age_min": 18,
        "admissions.age_max": 52,
        "admissions.police/self": (18, 1),
        "admissions.irregular": 17,
        "admissions.interpreter_needed": 13,
        "office_visits.women/once/repeated": (12, 10, 2),
        "stays.open_at_end.women/shelters": (16, 10),
        "stays.women_with_children": 3,
        "residence_at_end.reflection-period": 1,
    },
    (date(2005, 1, 1), date(2005, 12, 31)): {
        "admissions.women": 18,
        "admissions.NG": 7,
    },
    (date(2005, 1, 1), date(2006, 12, 31)): {
        "stays.bed_nights": 5525,
        "stays.women": 49,
        "stays.duration.mean": 112.76,
        "admissions.women": 49,
        "admissions.nationality_count": 22,
    },
}


def consistency_problems(root: Path) -> List[str]:
    """The rules `rosa check` enforces, as far as the sample is concerned."""
    women, stays, calls, shelters = load(root)
    problems = []
    ids = [w["id"] for w in women.values()] + [s["id"] for s in stays] + [c["id"] for c in calls]
    if len(ids) != len(set(ids)):
        problems.append("duplicate ids")
    for stem, w in women.items():
        if w["id"] != stem:
            problems.append(f"{stem}: id does not match file name")
        if "born" in w and not 14 <= age_at(w["born"], w["first_contact"]) <= 80:
            problems.append(f"{stem}: implausible age")
        if w["first_contact"] > DEC31 or (w.get("declined_on") or DAY0) > DEC31:
            problems.append(f"{stem}: date after {DEC31}")
    stays_of: Dict[str, list] = {}
    for s in stays:
        if s["woman"] not in women or s["shelter"] not in shelters:
            problems.append(f"{s['id']}: unknown woman or shelter")
            continue
        if s.get("end") and (s["end"] < s["start"] or not s.get("end_reason")):
            problems.append(f"{s['id']}: bad end")
        if max(s["start"], s.get("end") or DAY0) > DEC31:
            problems.append(f"{s['id']}: date after {DEC31}")
        stays_of.setdefault(s["woman"], []).append(s)
    for wid, ss in stays_of.items():
        ss.sort(key=lambda s: s["start"])
        w = women[wid]
        if sum(1 for s in ss if not s.get("end")) > 1:
            problems.append(f"{wid}: more than one open stay")
        for a, b in zip(ss, ss[1:]):
            if not a.get("end") or a["end"] > b["start"]:
                problems.append(f"{wid}: overlapping stays")
            if a.get("end_reason") == "moved" and (a["end"] != b["start"]
                                                   or a["shelter"] == b["shelter"]):
                problems.append(f"{wid}: a move must continue at another shelter the same day")
        if ss[-1].get("end_reason") == "moved":
            problems.append(f"{wid}: moved to nowhere")
        if w["first_contact"] > ss[0]["start"]:
            problems.append(f"{wid}: first contact after first stay")
        if w.get("declined_on"):
            problems.append(f"{wid}: declined but has a stay")
    for c in calls:
        if c["at"].date() > DEC31:
            problems.append(f"{c['id']}: date after {DEC31}")
        if c.get("woman") and (c["woman"] not in women
                               or women[c["woman"]]["first_contact"] > c["at"].date()):
            problems.append(f"{c['id']}: bad woman reference")
        if c["subject"] == "trafficking-first" and c["at"].year == 2006:
            if not c.get("woman") or not c.get("nationality") or \
                    women[c["woman"]]["first_contact"].year != 2006:
                problems.append(f"{c['id']}: first-time call without its 2006 woman")
    return problems


def section9_figures(root: Path) -> dict:
    """SPEC section 9's 2006 figures, from the files (services in 2006 by on/to overlap)."""
    def read(path):
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    first, last = date(2006, 1, 1), date(2006, 12, 31)
    services = [read(p) for p in sorted((root / "services").glob("*/*.yaml"))]
    services = [t for t in services if t["on"] <= last and (t.get("to") or t["on"]) >= first]
    acts = [read(p) for p in sorted((root / "activities").glob("*/*.yaml"))]
    acts = [a for a in acts if first <= a["on"] <= last]
    web = {p.stem: read(p) for p in sorted((root / "website").glob("2006-*.yaml"))}

    def women(kind, payer=None):
        return len({t["woman"] for t in services if t["kind"] == kind and (payer is None or t.get("paid_by") == payer)})

    def of(kind):
        return [a for a in acts if a["kind"] == kind]

    return {
        "norwegian-course women; project/municipality/ngo": (
            women("norwegian-course"), women("norwegian-course", "project"),
            women("norwegian-course", "municipality"), women("norwegian-course", "ngo")),
        "vocational-training women/completed/not": (
            women("vocational-training"),
            sum(1 for t in services if t["kind"] == "vocational-training" and t.get("completed") is True),
            sum(1 for t in services if t["kind"] == "vocational-training" and t.get("completed") is False)),
        "interpreter women": women("interpreter"),
        "seminar count/participants": (len(of("seminar")), sum(a.get("participants", 0) for a in of("seminar"))),
        "conference count/days": (len(of("conference")), sum(a.get("days", 0) for a in of("conference"))),
        "network-meeting count": len(of("network-meeting")),
        "lecture count": len(of("lecture")),
        "course count/days": (len(of("course")), sum(a.get("days", 0) for a in of("course"))),
        "website visits": [web[m]["visits"] for m in sorted(web)],
        "website pages": [web[m]["pages"] for m in sorted(web)],
        "website hits": [web[m]["hits"] for m in sorted(web)],
        "website sites": [web[m]["sites"] for m in sorted(web)],
    }


EXPECTED_SECTION9 = {
    "norwegian-course women; project/municipality/ngo": (14, 8, 2, 4),
    "vocational-training women/completed/not": (2, 1, 1),
    "interpreter women": 13,
    "seminar count/participants": (1, 72),
    "conference count/days": (2, 1.5),
    "network-meeting count": 2,
    "lecture count": lambda n: n >= 31,
    "course count/days": (1, 2),
    "website visits": WEBSITE_2006["visits"],
    "website pages": WEBSITE_2006["pages"],
    "website hits": WEBSITE_2006["hits"],
    "website sites": WEBSITE_2006["sites"],
}


def section9_problems(root: Path) -> List[str]:
    """Services name existing women, seen no earlier than first contact; dates in range."""
    def read(path):
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    women = {p.stem: read(p) for p in (root / "women").glob("*.yaml")}
    problems = []
    for path in sorted((root / "services").glob("*/*.yaml")):
        t = read(path)
        w = women.get(t["woman"])
        if w is None or w["first_contact"] > t["on"]:
            problems.append(f"{t['id']}: bad woman reference")
        if (t.get("to") or t["on"]) < t["on"] or (t.get("to") or t["on"]) > DEC31 or t.get("cost", 0) < 0:
            problems.append(f"{t['id']}: bad dates or cost")
    return problems


def verify(root: Path) -> bool:
    ok = True
    for (frm, to), expected in EXPECTED.items():
        got = figures(root, frm, to)
        print(f"\n== {frm} .. {to}")
        for key, value in got.items():
            want = expected.get(key)
            mark = "" if want is None else ("  ok" if want == value else f"  EXPECTED {want}")
            ok &= want is None or want == value
            print(f"  {key}: {value}{mark}")
    year = figures(root, date(2006, 1, 1), date(2006, 12, 31))
    extra = {
        "2006 more than half aged 20-29": year["admissions.aged_20_29"] * 2 > 31,
        "2006 NG/AL/RO top the first-time list": year["calls.first_time.max_other"] < 8,
        "2006 fear-for-family most common decline":
            next(iter(year["offers.declined_by_reason"])) == "fear-for-family",
        "2005-2006 min 5 nights, max over 548":
            (lambda mn, mx: mn == 5 and 548 < mx <= 730)(
                *figures(root, date(2005, 1, 1), date(2006, 12, 31))["stays.duration.min/max"]),
    }
    print()
    for name, passed in extra.items():
        print(f"  {name}: {'ok' if passed else 'FAILED'}")
        ok &= passed
    got9 = section9_figures(root)
    print("\n== section 9, 2006")
    for key, want in EXPECTED_SECTION9.items():
        passed = want(got9[key]) if callable(want) else got9[key] == want
        print(f"  {key}: {got9[key]}{'  ok' if passed else '  FAILED'}")
        ok &= passed
    problems = consistency_problems(root) + section9_problems(root)
    for p in problems:
        print(f"  consistency: {p}")
    print(f"  consistency: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    return ok and not problems


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=Path, default=REPO / "records",
                        help="folder to (re)generate (default: the repo's records/)")
    parser.add_argument("--verify-only", action="store_true",
                        help="only recompute and check the figures of an existing folder")
    args = parser.parse_args(argv)
    if not args.verify_only:
        count = generate(args.records)
        print(f"wrote {count} files to {args.records}")
    ok = verify(args.records)
    print("\nall figures match" if ok else "\nFIGURES DO NOT MATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
