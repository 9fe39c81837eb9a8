"""Statistics (SPEC section 5) on small hand-made records with answers worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from rosa_cli.core.model import Call, Records, ResidenceEntry, Settings, Shelter, Stay, Woman
from rosa_cli.core.vocab import default_settings
from rosa_cli.stats import Period, compute_report
from rosa_cli.stats.compute import group_keys

D = date.fromisoformat
LATER = D("2007-03-01")  # "today" well after the 2006 period


def settings() -> Settings:
    return Settings(**default_settings())


def records(women=(), stays=(), calls=(), shelters=("oslo", "bergen", "trondheim")) -> Records:
    return Records(
        settings=settings(),
        shelters={key: Shelter(key, key.title()) for key in shelters},
        women={w.id: w for w in women},
        stays={s.id: s for s in stays},
        calls={c.id: c for c in calls},
    )


def res(*entries):
    return [ResidenceEntry(D(start), status) for start, status in entries]


def call(cid, at, subject="other", caller="other", channel="phone", woman=None, nationality=None):
    return Call(cid, datetime.fromisoformat(at), caller, subject, channel=channel, woman=woman, nationality=nationality)


# ---------------------------------------------------------------------------------
# The main scenario. Nights are counted by hand in the comments.
#
# W1  admitted 2005-12-01 at oslo; moves to bergen on 2006-12-31 (not an admission);
#     still at bergen. 2005: 31 nights (Dec 1..31). 2006: oslo Jan 1..Dec 30 = 364,
#     bergen Dec 31 = 1, so 365. Residence irregular, reflection-period from 2006-02-01.
# W2  first contact 2006-03-01; born 1988-06-15, so 17 at admission 2006-03-10 though 18
#     later that year; irregular from 2006-01-10, asylum-seeker from 2006-03-05 (before
#     intake). Stay trondheim 03-10..04-09 = 22 + 8 = 30 nights, 1 child; re-admitted
#     at oslo 06-01..06-11 = 10 nights (not a new admission). 40 nights.
# W3  first contact 2006-05-05, born 1970 (36), arrives and leaves 2006-05-05: 0 nights,
#     but an admission. No residence status.
# W4  first contact 2006-10-01, no birth year, no referrer; open stay at oslo from
#     2006-12-20 with 2 children: Dec 20..31 = 12 nights.
# W5  declined 2006-07-03, fear for family.     W6 declined only in 2007: pending in 2006.
# W7  neither: pending.                         W8 declined 2006-11-05 (no reason), then
#     a stay in 2007: declined in 2006.
# ---------------------------------------------------------------------------------

WOMEN = [
    Woman("W1", D("2005-11-20"), "NG", born=1980, referred_by="police", interpreter="en",
          residence=res(("2005-11-01", "irregular"), ("2006-02-01", "reflection-period"))),
    Woman("W2", D("2006-03-01"), "AL", born=D("1988-06-15"), referred_by="self", interpreter="sq",
          residence=res(("2006-01-10", "irregular"), ("2006-03-05", "asylum-seeker"))),
    Woman("W3", D("2006-05-05"), "RO", born=1970, referred_by="police"),
    Woman("W4", D("2006-10-01"), "NG"),
    Woman("W5", D("2006-07-01"), "SE", declined_on=D("2006-07-03"), declined_reason="fear-for-family"),
    Woman("W6", D("2006-08-01"), "unknown", declined_on=D("2007-01-15"), declined_reason="distrust"),
    Woman("W7", D("2006-09-01"), "TH"),
    Woman("W8", D("2006-11-01"), "NG", declined_on=D("2006-11-05")),
]
STAYS = [
    Stay("S1a", "W1", "oslo", D("2005-12-01"), D("2006-12-31"), "moved"),
    Stay("S1b", "W1", "bergen", D("2006-12-31")),
    Stay("S2a", "W2", "trondheim", D("2006-03-10"), D("2006-04-09"), "own-housing", children=1),
    Stay("S2b", "W2", "oslo", D("2006-06-01"), D("2006-06-11"), "returned-home"),
    Stay("S3", "W3", "oslo", D("2006-05-05"), D("2006-05-05"), "left"),
    Stay("S4", "W4", "oslo", D("2006-12-20"), children=2),
    Stay("S8", "W8", "oslo", D("2007-01-10"), D("2007-02-01"), "own-housing"),
]
CALLS = [
    call("C1", "2006-01-05 10:00", "trafficking-first", "police", nationality="NG"),
    call("C2", "2006-02-10 11:00", "trafficking-first", "shelter", woman="W2"),  # her nationality: AL
    call("C3", "2006-02-11 12:00", "trafficking-first", "ngo", channel="email"),  # nothing known
    call("C4", "2006-03-01 09:00", "trafficking-followup", "shelter", woman="W1"),
    call("C5", "2006-12-31 23:50", "project-info", "woman"),
    call("C6", "2007-01-01 00:10", "project-info", "woman"),  # after P
    call("C7", "2005-12-31 23:59", "trafficking-first", "police", nationality="RU"),  # before P
    call("C8", "2006-08-01 08:00", "trafficking-first", "public-agency", woman="W1", nationality="unknown"),
    call("C9", "2006-08-02 08:00", "trafficking-first", "private-person", nationality="stateless"),
    call("O1", "2006-04-01 10:00", "trafficking-followup", "woman", channel="office", woman="W1"),
    call("O2", "2006-05-01 10:00", "trafficking-followup", "woman", channel="office", woman="W1"),
    call("O3", "2006-06-01 10:00", "trafficking-followup", "woman", channel="office", woman="W2"),
    call("O4", "2006-06-02 10:00", "other", "woman", channel="office"),
    call("O5", "2006-06-03 10:00", "other", "woman", channel="office"),
    call("O6", "2006-07-01 10:00", "trafficking-first", "woman", channel="office", nationality="SE"),
]


@pytest.fixture
def sample() -> Records:
    return records(WOMEN, STAYS, CALLS)


@pytest.fixture
def r2006(sample) -> dict:
    return compute_report(sample, Period.year(2006), LATER)


# --- Period --------------------------------------------------------------------------

def test_period_basics():
    p = Period.year(2006)
    assert (p.start, p.end, p.days) == (D("2006-01-01"), D("2006-12-31"), 365)
    assert Period.year(2008).days == 366
    assert p.months() == [f"2006-{m:02d}" for m in range(1, 13)]
    assert Period(D("2005-11-15"), D("2006-02-01")).months() == ["2005-11", "2005-12", "2006-01", "2006-02"]
    assert D("2006-12-31") in p and D("2007-01-01") not in p
    assert Period(D("2006-03-03"), D("2006-03-03")).days == 1
    with pytest.raises(ValueError):
        Period(D("2006-02-01"), D("2006-01-31"))


def test_period_previous():
    assert Period.year(2006).previous() == Period.year(2005)
    assert Period.year(2009).previous() == Period.year(2008)  # whole years, even across a leap year
    assert Period(D("2005-01-01"), D("2006-12-31")).previous() == Period(D("2003-01-01"), D("2004-12-31"))
    assert Period(D("2006-03-01"), D("2006-04-30")).previous() == Period(D("2006-01-01"), D("2006-02-28"))
    # not whole months: the same number of days, just before
    assert Period(D("2006-03-10"), D("2006-03-19")).previous() == Period(D("2006-02-28"), D("2006-03-09"))


def test_group_keys():
    assert group_keys([18, 20, 25, 30, 40]) == ["0-17", "18-19", "20-24", "25-29", "30-39", "40+"]
    assert group_keys([31, 91, 181, 366]) == ["0-30", "31-90", "91-180", "181-365", "366+"]
    assert group_keys([0, 18]) == ["0-17", "18+"]


# --- shape ---------------------------------------------------------------------------

def test_shape_and_every_key_present(r2006):
    assert list(r2006) == ["period", "calls", "office_visits", "offers", "admissions", "stays", "residence_at_end",
                          "services", "activities", "website"]
    assert r2006["period"] == {"from": "2006-01-01", "to": "2006-12-31"}
    s = settings()
    assert list(r2006["calls"]["by_subject"]) == s.keys("subject")
    assert list(r2006["calls"]["by_caller"]) == s.keys("caller")
    assert list(r2006["calls"]["by_channel"]) == s.keys("channel")
    assert list(r2006["calls"]["by_month"]) == [f"2006-{m:02d}" for m in range(1, 13)]
    assert list(r2006["admissions"]["by_age_group"]) == ["0-17", "18-19", "20-24", "25-29", "30-39", "40+", "unknown"]
    assert list(r2006["stays"]["by_duration_group"]) == ["0-30", "31-90", "91-180", "181-365", "366+"]
    assert set(s.keys("residence")) <= set(r2006["admissions"]["by_residence"])
    assert set(s.keys("residence")) <= set(r2006["residence_at_end"])
    assert set(s.keys("referrer")) | {"unknown"} == set(r2006["admissions"]["by_referrer"])
    assert set(s.keys("declined")) <= set(r2006["offers"]["declined_by_reason"])
    assert list(r2006["stays"]["by_shelter"]) == ["oslo", "bergen", "trondheim"]


def test_empty_records():
    r = compute_report(records(), Period.year(2006), LATER)
    assert r["calls"]["total"] == 0 and r["stays"]["women"] == 0
    assert r["stays"]["duration"] == {"mean": None, "median": None, "min": None, "max": None}
    assert r["admissions"]["age_min"] is None and r["admissions"]["age_max"] is None
    assert r["calls"]["first_time"] == {"total": 0, "by_nationality": {}, "nationality_count": 0}


# --- calls and office visits -----------------------------------------------------------

def test_calls(r2006):
    calls = r2006["calls"]
    assert calls["total"] == 7  # C1-C5, C8, C9; not C6/C7 (outside P) nor O1-O6 (office)
    assert calls["by_subject"] == {"trafficking-first": 5, "trafficking-followup": 1, "project-info": 1, "other": 0}
    assert calls["by_caller"] == {"shelter": 2, "public-agency": 1, "police": 1, "immigration": 0, "ngo": 1,
                                  "woman": 1, "private-person": 1, "other": 0}
    assert calls["by_channel"] == {"phone": 6, "office": 0, "email": 1, "other": 0}
    assert calls["by_month"]["2006-01"] == 1 and calls["by_month"]["2006-02"] == 2
    assert calls["by_month"]["2006-08"] == 2 and calls["by_month"]["2006-12"] == 1  # 23:50 on 31 Dec
    assert sum(calls["by_month"].values()) == 7


def test_first_time_nationality(r2006):
    ft = r2006["calls"]["first_time"]
    assert ft["total"] == 5 == r2006["calls"]["by_subject"]["trafficking-first"]
    # C1 the call's NG; C2 no nationality -> its woman's AL; C3 nothing -> unknown;
    # C8 call says unknown -> its woman's NG; C9 stateless. O6 is an office visit: not counted.
    assert ft["by_nationality"] == {"NG": 2, "AL": 1, "stateless": 1, "unknown": 1}
    assert list(ft["by_nationality"]) == ["NG", "AL", "stateless", "unknown"]
    assert ft["nationality_count"] == 2  # unknown and stateless are not nationalities


def test_office_visits(r2006):
    # W1 twice, W2 once, three visits without a woman count as three women who came once
    assert r2006["office_visits"] == {"total": 6, "women": 5, "women_once": 4, "women_repeated": 1}


# --- offers ----------------------------------------------------------------------------

def test_offers(r2006):
    offers = r2006["offers"]
    # first contact in 2006: W2..W8 (W1's was 2005)
    assert offers["women"] == 7
    assert offers["accepted"] == 3  # W2, W3 (a 0-night stay is a stay), W4
    assert offers["declined"] == 2  # W5; W8 (her stay is after P)
    assert offers["pending"] == 2  # W6 declined only after P; W7
    assert offers["declined_by_reason"]["fear-for-family"] == 1
    assert offers["declined_by_reason"]["unknown"] == 1
    assert sum(offers["declined_by_reason"].values()) == 2


def test_offers_judged_at_end_of_later_period(sample):
    r = compute_report(sample, Period.year(2007), LATER)
    assert r["offers"]["women"] == 0
    both = compute_report(sample, Period(D("2006-01-01"), D("2007-12-31")), LATER)
    # by the end of 2007 W8 has a stay (accepted) and W6 has declined
    assert (both["offers"]["accepted"], both["offers"]["declined"], both["offers"]["pending"]) == (4, 2, 1)


# --- admissions ------------------------------------------------------------------------

def test_admissions_2006(r2006):
    adm = r2006["admissions"]
    assert adm["women"] == 3  # W2, W3, W4; W1's move on 31 Dec is not an admission, nor W2's return
    assert adm["by_nationality"] == {"AL": 1, "NG": 1, "RO": 1}
    assert adm["nationality_count"] == 3
    ages = adm["by_age_group"]
    assert ages["0-17"] == 1  # W2 is 17 on 2006-03-10; her birthday is in June
    assert ages["30-39"] == 1  # W3: 2006 - 1970
    assert ages["unknown"] == 1  # W4
    assert sum(ages.values()) == 3
    assert (adm["age_min"], adm["age_max"]) == (17, 36)
    assert adm["by_referrer"]["self"] == 1 and adm["by_referrer"]["police"] == 1
    assert adm["by_referrer"]["unknown"] == 1
    # W2 changed to asylum-seeker on 03-05, before her intake on 03-10
    assert adm["by_residence"]["asylum-seeker"] == 1
    assert adm["by_residence"]["irregular"] == 0
    assert adm["by_residence"]["unknown"] == 2
    assert adm["interpreter_needed"] == 1  # W2; W1 needs one but was admitted in 2005


def test_admissions_2005_status_changed_after_intake(sample):
    r = compute_report(sample, Period.year(2005), LATER)
    adm = r["admissions"]
    assert adm["women"] == 1
    assert adm["by_age_group"]["25-29"] == 1  # 2005 - 1980
    assert adm["by_residence"]["irregular"] == 1  # reflection-period only from 2006-02-01
    assert adm["by_residence"]["reflection-period"] == 0
    assert adm["interpreter_needed"] == 1
    assert r["stays"]["bed_nights"] == 31 and r["stays"]["by_shelter"]["oslo"] == 31
    assert r["stays"]["open_at_end"] == {"women": 1, "shelters": 1}
    assert r["residence_at_end"]["irregular"] == 1


def test_birthday_counts_from_the_date():
    w = Woman("W", D("2006-01-01"), "NG", born=D("1988-03-10"))
    s = [Stay("S", "W", "oslo", D("2006-03-10"), D("2006-03-12"), "left")]
    r = compute_report(records([w], s), Period.year(2006), LATER)
    assert r["admissions"]["by_age_group"]["18-19"] == 1  # 18 on her birthday
    w.born = D("1988-03-11")
    r = compute_report(records([w], s), Period.year(2006), LATER)
    assert r["admissions"]["by_age_group"]["0-17"] == 1  # one day short


# --- stays -----------------------------------------------------------------------------

def test_stays_2006(r2006):
    stays = r2006["stays"]
    # W1 365, W2 30 + 10, W3 0, W4 12
    assert stays["bed_nights"] == 417
    assert stays["women"] == 3  # W3's same-day stay has no night
    assert stays["by_shelter"] == {"oslo": 364 + 10 + 12, "bergen": 1, "trondheim": 30}
    assert stays["duration"] == {"mean": 139.0, "median": 40.0, "min": 12, "max": 365}
    assert stays["by_duration_group"] == {"0-30": 1, "31-90": 1, "91-180": 0, "181-365": 1, "366+": 0}
    assert stays["open_at_end"] == {"women": 2, "shelters": 2}  # W1 at bergen, W4 at oslo
    assert stays["women_with_children"] == 2  # W2 (first stay), W4


def test_stays_across_the_year_boundary(sample):
    r = compute_report(sample, Period(D("2005-01-01"), D("2006-12-31")), LATER)
    stays = r["stays"]
    assert stays["bed_nights"] == 31 + 417
    assert stays["women"] == 3
    assert stays["by_duration_group"]["366+"] == 1  # W1: 31 + 365 = 396
    assert stays["duration"]["max"] == 396
    assert r["admissions"]["women"] == 4


def test_open_stay_and_today():
    w = Woman("W", D("2006-12-01"), "NG", born=1980)
    s = [Stay("S", "W", "oslo", D("2006-12-20"))]
    recs = records([w], s)
    year = Period.year(2006)
    assert compute_report(recs, year, D("2007-06-01"))["stays"]["bed_nights"] == 12  # up to to + 1
    assert compute_report(recs, year, D("2006-12-25"))["stays"]["bed_nights"] == 5  # Dec 20..24
    assert compute_report(recs, year, D("2006-12-20"))["stays"]["bed_nights"] == 0
    r = compute_report(recs, year, D("2006-12-20"))
    assert r["stays"]["women"] == 0 and r["stays"]["duration"]["mean"] is None
    assert r["stays"]["open_at_end"] == {"women": 1, "shelters": 1}
    # a stay that ends on the last day is not open on the night that begins then
    s2 = [Stay("S", "W", "oslo", D("2006-12-20"), D("2006-12-31"), "left")]
    r = compute_report(records([w], s2), year, LATER)
    assert r["stays"]["open_at_end"] == {"women": 0, "shelters": 0}
    assert r["stays"]["bed_nights"] == 11


def test_children_only_on_stays_with_a_night_in_period():
    w = Woman("W", D("2006-01-01"), "NG")
    s = [Stay("S", "W", "oslo", D("2005-06-01"), D("2006-01-01"), "left", children=1)]
    r = compute_report(records([w], s), Period.year(2006), LATER)
    assert r["stays"]["women_with_children"] == 0 and r["stays"]["women"] == 0


def test_median_of_even_count():
    women = [Woman(f"W{i}", D("2006-01-01"), "NG") for i in range(4)]
    lengths = [5, 10, 21, 100]
    stays = [Stay(f"S{i}", f"W{i}", "oslo", D("2006-02-01"), D("2006-02-01") + timedelta(days=n), "left")
             for i, n in enumerate(lengths)]
    r = compute_report(records(women, stays), Period.year(2006), LATER)
    assert r["stays"]["duration"] == {"mean": 34.0, "median": 15.5, "min": 5, "max": 100}


def test_seed_mean():
    """5525 nights over 49 women give 112.76 (the report prints 113)."""
    women = [Woman(f"W{i}", D("2005-01-01"), "NG") for i in range(49)]
    lengths = [112] * 48 + [5525 - 112 * 48]
    stays = [Stay(f"S{i}", f"W{i}", "oslo", D("2005-01-10"), D("2005-01-10") + timedelta(days=n), "left")
             for i, n in enumerate(lengths)]
    r = compute_report(records(women, stays), Period(D("2005-01-01"), D("2006-12-31")), LATER)
    assert r["stays"]["bed_nights"] == 5525 and r["stays"]["women"] == 49
    assert r["stays"]["duration"]["mean"] == pytest.approx(112.7551, abs=1e-4)


# --- residence at the end --------------------------------------------------------------

def test_residence_at_end(r2006):
    end = r2006["residence_at_end"]
    # women with a night in 2006 (W1, W2, W4) or first contact in 2006 (W2..W8): 8 women
    assert sum(end.values()) == 8
    assert end["reflection-period"] == 1  # W1
    assert end["asylum-seeker"] == 1  # W2
    assert end["unknown"] == 6


# --- robustness and speed --------------------------------------------------------------

def test_stay_of_a_missing_woman_does_not_crash():
    s = [Stay("S", "W-missing", "nowhere", D("2006-05-01"), D("2006-05-03"), "left")]
    r = compute_report(records([], s), Period.year(2006), LATER)
    assert r["admissions"]["women"] == 1 and r["admissions"]["by_nationality"] == {"unknown": 1}
    assert r["stays"]["by_shelter"]["nowhere"] == 2


def test_pure_and_deterministic(sample):
    a = compute_report(sample, Period.year(2006), LATER)
    b = compute_report(sample, Period.year(2006), LATER)
    assert a == b
    assert len(sample.calls) == len(CALLS) and sample.women["W2"].born == D("1988-06-15")


def test_100k_calls_are_fast():
    start = datetime(2006, 1, 1, 8, 0)
    subjects = ["trafficking-first", "trafficking-followup", "project-info", "other"]
    calls = [call(f"C{i}", (start + timedelta(minutes=5 * i)).isoformat(sep=" "), subjects[i % 4],
                  nationality="NG" if i % 4 == 0 else None) for i in range(100_000)]
    women = [Woman(f"W{i}", D("2006-01-01") + timedelta(days=i % 365), "NG", born=1980) for i in range(5000)]
    stays = [Stay(f"S{i}", f"W{i}", "oslo", D("2006-01-01") + timedelta(days=i % 365)) for i in range(5000)]
    recs = records(women, stays, calls)
    # No wall-clock bound here (a loaded machine would make it flake): the speed of
    # 100,000 calls is measured in benchmarks/; this checks the figures at that size.
    r = compute_report(recs, Period.year(2006), LATER)
    assert r["calls"]["total"] == sum(1 for c in calls if c.at.year == 2006)
