#!/usr/bin/env python3
"""Generate a synthetic records folder for benchmarks (SPEC sections 2-3).

    python benchmarks/generate.py --calls 100000 [--out DIR] [--seed S] [--force]

The folder looks like a national line's records after twenty years: ``--calls`` calls
spread over 2006-2025 in ``calls/YYYY/``, and women and stays in proportion (about 6
women and 5 stays per 100 calls), at ~20 shelters. Everything is invented: there are no
names, phone numbers or addresses, and the free-text notes are stock phrases.

Guarantees
----------
* **Valid**: the folder passes ``rosa check`` with no errors and no warnings — valid
  vocabulary keys and ISO country and language codes, ids ``W-YYYY-XXXXX`` with a
  Crockford base32 random part, no date in the future, each woman's stays never
  overlap and at most one is open, the first stay never starts before her first
  contact, a woman who declined has no stay, and calls are filed under their year.
* **Deterministic**: all randomness comes from ``random.Random(seed)``, so the same
  ``--calls`` and ``--seed`` give byte-identical record files (the git commit id
  differs, since it holds a timestamp).
* **Fast**: record files are written with plain string formatting (no YAML library),
  so 100,000 calls are written in seconds; ``git add`` + ``git commit`` of the
  ~111,000 files takes most of the remaining time.
* **A real records folder**: made by ``rosa init`` (the installed ``rosa`` next to the
  running Python), then filled and committed once, so it is a clean git repository. A
  local git identity is set in it so ``rosa call add`` can commit on a fresh machine.

Beside the folder, ``DIR.json`` (a manifest: size, seed, generator version, commit,
record counts) lets ``benchmarks/run.py`` reuse a folder that still matches.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

GENERATOR_VERSION = 3  # bump when the output for a given (calls, seed) changes (2: services, activities, website; 3: git's default configuration, packed once)
DEFAULT_SEED = 2006
HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data"

FIRST_DAY = date(2006, 1, 1)
LAST_DAY = min(date(2025, 12, 31), date.today())  # never a date in the future
SPAN_DAYS = (LAST_DAY - FIRST_DAY).days + 1
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

WOMEN_PER_CALL = 0.06
STAYS_PER_CALL = 0.05
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "rosa benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@example.invalid",
    "GIT_COMMITTER_NAME": "rosa benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@example.invalid",
}

# ------------------------------------------------------------------------ vocabulary

SHELTERS: Dict[str, Tuple[str, str]] = {
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
    "alta": ("Alta krisesenter", "Alta"),
    "molde": ("Krisesenteret i Molde", "Molde"),
    "alesund": ("Ålesund krisesenter", "Ålesund"),
    "gjovik": ("Krisesenteret i Gjøvik", "Gjøvik"),
    "haugesund": ("Haugesund krisesenter", "Haugesund"),
    "arendal": ("Krisesenteret i Arendal", "Arendal"),
}
SHELTER_WEIGHTS = {"oslo": 8, "bergen": 4, "trondheim": 3, "stavanger": 3, "asker-baerum": 2}

# (code, weight, interpreter language or None, EU/EEA)
NATIONALITIES = [
    ("NG", 20, None, False), ("AL", 8, "sq", False), ("RO", 8, "ro", True),
    ("BG", 5, "bg", True), ("RU", 5, "ru", False), ("UA", 5, "uk", False),
    ("LT", 3, "lt", True), ("MD", 3, "ro", False), ("TH", 4, "th", False),
    ("CM", 2, "fr", False), ("GH", 2, None, False), ("BR", 2, "pt", False),
    ("EE", 2, "et", True), ("LV", 2, "lv", True), ("SL", 2, None, False),
    ("CN", 3, "zh", False), ("PH", 2, "tl", False), ("VN", 3, "vi", False),
    ("ER", 2, "ti", False), ("SO", 2, "so", False), ("PL", 2, "pl", True),
    ("HU", 2, "hu", True), ("BY", 1, "ru", False), ("KE", 1, None, False),
    ("DO", 1, "es", False), ("CO", 1, "es", False), ("unknown", 2, None, False),
    ("stateless", 1, None, False),
]
NAT_CODES = [n[0] for n in NATIONALITIES]
NAT_WEIGHTS = [n[1] for n in NATIONALITIES]
NAT_INFO = {n[0]: (n[2], n[3]) for n in NATIONALITIES}

REFERRED = {"police": 40, "shelter": 10, "public-agency": 12, "immigration": 8, "ngo": 14,
            "self": 4, "private-person": 3, "other": 2}
REFERRER_TEXT = {
    "police": ["Oslo politidistrikt", "Vest politidistrikt", "Trøndelag politidistrikt", "Kripos"],
    "public-agency": ["Sosialtjenesten", "Legevakten", "Barnevernet", "NAV"],
    "immigration": ["UDI", "Politiets utlendingsenhet"],
    "ngo": ["Pro Sentret", "Nadheim", "Kirkens Bymisjon", "Røde Kors"],
}
INTAKE = {"irregular": 45, "asylum-seeker": 20, "residence-permit": 4, "unknown": 10, "other": 6}
LATER_STATUS = {"reflection-period": 5, "asylum-seeker": 3, "residence-permit": 3, "other": 1}
EXPLOITATION = {"prostitution": 7, "labour": 2, "other": 1}
DECLINED = {"fear-for-family": 17, "economy-debt": 8, "distrust": 7, "not-ready": 7,
            "other": 4, "unknown": 3}
END_REASON = {"own-housing": 5, "returned-home": 4, "asylum-reception": 5, "left": 4, "other": 2}

SUBJECTS = {"trafficking-followup": 55, "project-info": 18, "other": 25, "trafficking-first": 2}
CALLERS = {
    "trafficking-first": {"police": 4, "shelter": 2, "ngo": 3, "public-agency": 2,
                          "immigration": 1, "woman": 1, "private-person": 1},
    "trafficking-followup": {"shelter": 45, "police": 12, "public-agency": 12, "woman": 10,
                             "ngo": 8, "immigration": 5, "private-person": 2, "other": 2},
    "project-info": {"public-agency": 30, "ngo": 25, "shelter": 15, "private-person": 15,
                     "police": 5, "other": 10},
    "other": {"private-person": 30, "public-agency": 20, "shelter": 15, "ngo": 10,
              "woman": 10, "police": 5, "other": 10},
}
CHANNELS = {"phone": 80, "email": 10, "office": 6, "other": 4}
STAFF = ["AMH", "KJ", "LB", "SR", "TO", "IE", "MN", "HV"]
AFTER_HOURS = "Oslo krisesenter"
WOMAN_NOTES = [
    "Kontakt via politiet.", "Trenger oppfølging hos lege.", "Ønsker å vurdere retur.",
    "Har fått informasjon om refleksjonsperioden.", "Usikker på egen situasjon.",
]
STAY_NOTES = ["Flyttet av sikkerhetsgrunner.", "Ønsket nærhet til familie.", "Kort opphold."]
CALL_NOTES = [
    "Spørsmål om plass.", "Ba om informasjon om prosjektet.", "Ringer tilbake senere.",
    "Henvist videre til krisesenter.", "Spørsmål om rettigheter.", "Informasjonsmøte avtalt.",
]


class Picker:
    """Fast weighted choice over a fixed table (cumulative weights + bisect)."""

    def __init__(self, rng: random.Random, table: Dict[str, int]):
        self.rng = rng
        self.keys = list(table)
        self.cum: List[int] = []
        total = 0
        for key in self.keys:
            total += table[key]
            self.cum.append(total)
        self.total = total

    def __call__(self) -> str:
        return self.keys[bisect.bisect_right(self.cum, self.rng.random() * self.total)]


class Ids:
    """Unique ids ``P-YYYY-XXXXX`` with 5 Crockford base32 characters (25 bits)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set = set()

    def make(self, prefix: str, year: int) -> str:
        choice = self.rng.choice
        while True:
            rid = f"{prefix}-{year}-" + "".join(choice(CROCKFORD) for _ in range(5))
            if rid not in self.taken:
                self.taken.add(rid)
                return rid


# ------------------------------------------------------------------------ the plan

def _day(offset: int) -> date:
    return FIRST_DAY + timedelta(days=offset)


def plan(calls: int, seed: int) -> Tuple[List[dict], List[dict], List[dict]]:
    """Women, stays and calls as dicts of already-formatted field values."""
    rng = random.Random(seed)
    ids = Ids(rng)
    pick = {name: Picker(rng, table) for name, table in (
        ("referred", REFERRED), ("intake", INTAKE), ("later", LATER_STATUS),
        ("exploitation", EXPLOITATION), ("declined", DECLINED), ("end", END_REASON),
        ("subject", SUBJECTS), ("channel", CHANNELS),
        ("shelter", {k: SHELTER_WEIGHTS.get(k, 1) for k in SHELTERS}),
    )}
    callers = {s: Picker(rng, t) for s, t in CALLERS.items()}
    nat_pick = Picker(rng, dict(zip(NAT_CODES, NAT_WEIGHTS)))

    n_women = max(1, round(calls * WOMEN_PER_CALL))
    n_stays = round(calls * STAYS_PER_CALL)

    # Women: first contacts spread over the whole span, a little more in later years.
    firsts = sorted(int(SPAN_DAYS * (rng.random() ** 0.85)) for _ in range(n_women))
    women: List[dict] = []
    for offset in firsts:
        first = _day(offset)
        nat = nat_pick()
        language, eu = NAT_INFO[nat]
        age = rng.choice([18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 33, 35,
                          38, 41, 45, 52])
        w = {
            "id": ids.make("W", first.year),
            "first_contact": first,
            "nationality": nat,
            "_offset": offset,
            "_stays": [],
        }
        if rng.random() < 0.9:
            w["born"] = str(first.year - age)
            if rng.random() < 0.3:
                w["born_estimated"] = "true"
        if rng.random() < 0.85:
            ref = pick["referred"]()
            w["referred_by"] = ref
            if ref in REFERRER_TEXT and rng.random() < 0.6:
                w["referrer"] = rng.choice(REFERRER_TEXT[ref])
        w["_intake"] = "eu-eea" if eu else pick["intake"]()
        if language and rng.random() < 0.6:
            w["interpreter"] = language
        if rng.random() < 0.7:
            w["exploitation"] = pick["exploitation"]()
        if rng.random() < 0.05:
            w["note"] = rng.choice(WOMAN_NOTES)
        women.append(w)

    # Stays: about 5 per 6 women; some women stay twice or move between shelters.
    order = list(range(n_women))
    rng.shuffle(order)
    admitted = order[: min(n_women, round(n_stays * 0.8))]
    extra = n_stays - len(admitted)
    counts = {i: 1 for i in admitted}
    for _ in range(max(0, extra)):
        counts[rng.choice(admitted)] += 1
    stays: List[dict] = []
    last = SPAN_DAYS - 1
    for i in sorted(counts):
        w = women[i]
        start = w["_offset"] + rng.randint(0, 21)
        if start > last:
            continue
        shelter = pick["shelter"]()
        for k in range(counts[i]):
            nights = max(3, int(rng.lognormvariate(4.0, 0.9)))
            end: Optional[int] = start + nights
            s = {"id": ids.make("S", _day(start).year), "woman": w["id"], "shelter": shelter,
                 "start": _day(start), "_start": start}
            if rng.random() < 0.08:
                s["children"] = str(rng.choice([1, 1, 1, 2, 3]))
            if rng.random() < 0.04:
                s["note"] = rng.choice(STAY_NOTES)
            stays.append(s)
            w["_stays"].append(s)
            if end > last:  # still there at the end of the data: the one open stay
                break
            s["end"] = _day(end)
            more = k + 1 < counts[i]
            if more and rng.random() < 0.6:  # a move: the next stay starts the same day
                s["end_reason"] = "moved"
                start = end
                shelter = pick["shelter"]()
            else:
                s["end_reason"] = pick["end"]()
                start = end + rng.randint(30, 900)
            if start > last:
                break

    # Offers: a woman without a stay mostly declined; a few are pending.
    for w in women:
        if not w["_stays"] and rng.random() < 0.75:
            d = min(w["_offset"] + rng.randint(0, 14), last)
            w["declined_on"] = _day(d)
            w["declined_reason"] = pick["declined"]()
        residence = [(w["first_contact"], w["_intake"])]
        if rng.random() < 0.2:
            later = w["_offset"] + rng.randint(10, 400)
            if later <= last:
                residence.append((_day(later), pick["later"]()))
        w["_residence"] = residence

    # Calls: one first-time inquiry per woman on her first contact, then the rest.
    by_offset = [w["_offset"] for w in women]
    call_rows: List[dict] = []

    def add_call(offset: int, subject: str, woman: Optional[dict], nationality: Optional[str]) -> None:
        minute = rng.randint(7 * 60, 23 * 60 + 59) if rng.random() < 0.97 else rng.randint(0, 7 * 60)
        day = _day(offset)
        channel = pick["channel"]()
        c = {"_day": day, "at": f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}",
             "channel": channel, "caller": callers[subject](), "subject": subject}
        if woman is not None:
            c["woman"] = woman["id"]
        if nationality is not None:
            c["nationality"] = nationality
        if rng.random() < 0.9:
            after_hours = minute < 8 * 60 or minute >= 16 * 60
            c["received_by"] = AFTER_HOURS if after_hours and channel == "phone" else rng.choice(STAFF)
        if rng.random() < 0.1:
            c["note"] = rng.choice(CALL_NOTES)
        call_rows.append(c)

    for w in women[:calls]:
        add_call(w["_offset"], "trafficking-first", w if rng.random() < 0.9 else None, w["nationality"])
    subject_pick = pick["subject"]
    while len(call_rows) < calls:
        offset = min(int(SPAN_DAYS * (rng.random() ** 0.85)), last)
        subject = subject_pick()
        woman = None
        nationality = None
        if subject == "trafficking-first":
            nationality = nat_pick()
        elif subject == "trafficking-followup" and rng.random() < 0.6:
            known = bisect.bisect_right(by_offset, offset)  # women already in contact
            if known:
                woman = women[rng.randrange(known)]
        add_call(offset, subject, woman, nationality)
    for c in call_rows:
        c["id"] = ids.make("C", c["_day"].year)
    return women, stays, call_rows


SERVICES_PER_CALL = 0.1  # 10,000 services at 100,000 calls (issue 13's benchmark)
ACTIVITIES_PER_CALL = 0.02  # 2,000 activities at 100,000 calls
SERVICE_KINDS = {"interpreter": 30, "doctor": 15, "medicine": 10, "dental": 5, "psychologist": 5,
                 "norwegian-course": 15, "fitness": 5, "hobby-course": 3, "vocational-training": 2,
                 "legal-aid": 5, "travel": 3, "other": 2}
PAYERS = {"project": 50, "municipality": 20, "state": 5, "shelter": 5, "ngo": 10, "free": 5, "other": 3, "unknown": 2}
ACTIVITY_KINDS = {"lecture": 50, "meeting": 20, "network-meeting": 8, "seminar": 5, "conference": 3,
                  "course": 3, "visit": 6, "media": 3, "other": 2}


def plan_section9(calls: int, seed: int, women: List[dict]) -> Tuple[List[dict], List[dict], List[dict]]:
    """Services, activities and website months (docs/services-activities-website.md),
    drawn from a random stream of their own so the women, stays and calls of a seed
    are the same as before they existed."""
    rng = random.Random(seed * 7919 + 9)
    ids = Ids(rng)
    kind_pick = Picker(rng, SERVICE_KINDS)
    payer_pick = Picker(rng, PAYERS)
    activity_pick = Picker(rng, ACTIVITY_KINDS)
    services = []
    for _ in range(int(calls * SERVICES_PER_CALL)):
        woman = women[rng.randrange(len(women))]
        left = (LAST_DAY - woman["first_contact"]).days
        on = woman["first_contact"] + timedelta(days=rng.randrange(max(1, min(left, 400))))
        s = {"id": ids.make("T", on.year), "woman": woman["id"], "kind": kind_pick(), "on": on, "_day": on}
        if s["kind"] in ("norwegian-course", "hobby-course", "vocational-training") and rng.random() < 0.8:
            s["to"] = min(on + timedelta(days=rng.randrange(30, 120)), LAST_DAY)
        if rng.random() < 0.85:
            s["cost"] = rng.randrange(2, 150) * 100
            s["paid_by"] = payer_pick()
        services.append(s)
    activities = []
    for _ in range(int(calls * ACTIVITIES_PER_CALL)):
        on = _day(rng.randrange(SPAN_DAYS))
        a = {"id": ids.make("A", on.year), "kind": activity_pick(), "on": on, "_day": on}
        if rng.random() < 0.7:
            a["participants"] = rng.randrange(5, 120)
        if a["kind"] in ("seminar", "conference", "course") and rng.random() < 0.8:
            a["days"] = rng.choice((0.5, 1, 2))
        activities.append(a)
    months = []
    day = FIRST_DAY.replace(day=1)
    while day <= LAST_DAY:
        months.append({"month": f"{day.year}-{day.month:02d}", "visits": rng.randrange(800, 2000),
                       "pages": rng.randrange(1500, 4500), "hits": rng.randrange(5000, 15000), "sites": rng.randrange(400, 900)})
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return services, activities, months


# ------------------------------------------------------------------------ writing

WOMAN_KEYS = ("id", "first_contact", "born", "born_estimated", "nationality", "referred_by",
              "referrer", "residence", "interpreter", "exploitation", "declined_on",
              "declined_reason", "note")
STAY_KEYS = ("id", "woman", "shelter", "start", "end", "end_reason", "children", "note")
SERVICE_KEYS = ("id", "woman", "kind", "on", "to", "cost", "paid_by")
ACTIVITY_KEYS = ("id", "kind", "on", "days", "participants")
WEBSITE_KEYS = ("month", "visits", "pages", "hits", "sites")
CALL_KEYS = ("id", "at", "channel", "caller", "subject", "woman", "nationality",
             "received_by", "note")


def _render(rec: dict, keys: Sequence[str]) -> str:
    lines = []
    for key in keys:
        if key == "residence":
            lines.append("residence:")
            for since, status in rec["_residence"]:
                lines.append(f"- from: {since.isoformat()}\n  status: {status}")
            continue
        value = rec.get(key)
        if value is None:
            continue
        if isinstance(value, date):
            value = value.isoformat()
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def rosa_executable() -> str:
    beside = Path(sys.executable).parent / "rosa"
    return str(beside) if beside.exists() else (shutil.which("rosa") or "rosa")


def git(root: Path, *args: str, capture: bool = False) -> str:
    env = dict(os.environ, **GIT_IDENTITY, LC_ALL="C")
    result = subprocess.run(["git", *args], cwd=root, env=env, check=True,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    return result.stdout.strip() if capture else ""


def manifest_path(out: Path) -> Path:
    return out.parent / (out.name + ".json")


def generate(calls: int, out: Path, seed: int = DEFAULT_SEED, quiet: bool = False) -> dict:
    """Make the records folder ``out`` (replacing it) and return its manifest."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    manifest_path(out).unlink(missing_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([rosa_executable(), "init", str(out), "--organisation", "ROSA (syntetisk benchmark)"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    git(out, "config", "user.name", GIT_IDENTITY["GIT_AUTHOR_NAME"])
    git(out, "config", "user.email", GIT_IDENTITY["GIT_AUTHOR_EMAIL"])
    # Git's default configuration, as in a real office (issue 16): no gc.auto=0. The
    # one bulk commit below would leave ~all objects loose, which a real folder never
    # has and which would make the first timed commit start an automatic gc, so the
    # generator packs once (``git gc``) after committing, as git itself eventually would.

    women, stays, call_rows = plan(calls, seed)
    t_plan = time.perf_counter()

    shelters = "".join(f"{key}:\n  name: {name}\n  municipality: {muni}\n" for key, (name, muni) in SHELTERS.items())
    _write(str(out / "shelters.yaml"), shelters)
    old_umask = os.umask(0o077)
    try:
        wdir, sdir = str(out / "women"), str(out / "stays")
        for w in women:
            _write(f"{wdir}/{w['id']}.yaml", _render(w, WOMAN_KEYS))
        for s in stays:
            _write(f"{sdir}/{s['id']}.yaml", _render(s, STAY_KEYS))
        made = set()
        for c in call_rows:
            year = c["_day"].year
            ydir = f"{out}/calls/{year}"
            if year not in made:
                os.makedirs(ydir, mode=0o700, exist_ok=True)
                made.add(year)
            _write(f"{ydir}/{c['id']}.yaml", _render(c, CALL_KEYS))
        services, activities, months = plan_section9(calls, seed, women)
        for folder, rows, keys in (("services", services, SERVICE_KEYS), ("activities", activities, ACTIVITY_KEYS)):
            for row in rows:
                ydir = f"{out}/{folder}/{row['_day'].year}"
                os.makedirs(ydir, mode=0o700, exist_ok=True)
                _write(f"{ydir}/{row['id']}.yaml", _render(row, keys))
        os.makedirs(f"{out}/website", mode=0o700, exist_ok=True)
        for month in months:
            _write(f"{out}/website/{month['month']}.yaml", _render(month, WEBSITE_KEYS))
    finally:
        os.umask(old_umask)
    t_write = time.perf_counter()

    git(out, "add", "-A")
    # ``-c gc.auto=0`` for this one command only (not stored in the folder's config):
    # the explicit ``git gc`` below packs instead of a detached automatic one.
    git(out, "-c", "gc.auto=0", "commit", "--quiet", "--no-verify", "-m", f"benchmark: {calls} synthetic calls (seed {seed})")
    git(out, "gc", "--quiet")  # pack the bulk commit's loose objects once (see above)
    git(out, "status", "--porcelain")  # refresh the index's stat data once, outside any timing
    commit = git(out, "rev-parse", "HEAD", capture=True)
    t_git = time.perf_counter()

    manifest = {
        "generator": GENERATOR_VERSION,
        "calls": calls,
        "seed": seed,
        "commit": commit,
        "counts": {"women": len(women), "stays": len(stays), "calls": len(call_rows),
                   "open_stays": sum(1 for s in stays if "end" not in s)},
        "years": [FIRST_DAY.year, LAST_DAY.year],
        "seconds": {"plan": round(t_plan - t0, 2), "write": round(t_write - t_plan, 2),
                    "git": round(t_git - t_write, 2)},
    }
    manifest_path(out).write_text(json.dumps(manifest, indent=2) + "\n")
    say(f"generated {out}: {len(women)} women, {len(stays)} stays, {len(call_rows)} calls "
        f"(plan {t_plan - t0:.1f}s, write {t_write - t_plan:.1f}s, git {t_git - t_write:.1f}s)")
    return manifest


def matches(out: Path, calls: int, seed: int) -> bool:
    """True when ``out`` was made by this generator version for (calls, seed) and its
    history still ends at the generated commit (benchmarks reset it after use)."""
    try:
        m = json.loads(manifest_path(out).read_text())
    except (OSError, ValueError):
        return False
    if (m.get("generator"), m.get("calls"), m.get("seed")) != (GENERATOR_VERSION, calls, seed):
        return False
    if not (out / "rosa.yaml").exists() or not (out / ".git").exists():
        return False
    try:
        return git(out, "rev-parse", "HEAD", capture=True) == m["commit"]
    except subprocess.CalledProcessError:
        return False


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, required=True, help="number of calls (women and stays follow: 6 and 5 per 100 calls)")
    ap.add_argument("--out", type=Path, help="records folder to make (default benchmarks/data/calls-N)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--force", action="store_true", help="regenerate even if a matching folder exists")
    args = ap.parse_args(argv)
    out = (args.out or DEFAULT_DATA / f"calls-{args.calls}").resolve()
    if not args.force and matches(out, args.calls, args.seed):
        print(f"{out} already matches (--force to regenerate)", file=sys.stderr)
    else:
        generate(args.calls, out, args.seed)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
