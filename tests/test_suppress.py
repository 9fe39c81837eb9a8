"""--public suppression (SPEC section 7): no small count shown, none recoverable from a sum."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from rosa_cli.core.model import Call, Records, Settings, Shelter, Stay, Woman
from rosa_cli.core.vocab import default_settings
from rosa_cli.stats import Period, compute_report, suppress
from rosa_cli.stats.suppress import _NOT_COUNTS, _SUMS, _cells, _get

D = date.fromisoformat


def base_result() -> dict:
    """A hand-made report; the figures add up the way compute_report's do."""
    return {
        "period": {"from": "2006-01-01", "to": "2006-12-31"},
        "records": {"commit": "abc", "clean": True},
        "calls": {
            "total": 31,
            "by_subject": {"trafficking-first": 1, "trafficking-followup": 10, "project-info": 20, "other": 0},
            "by_caller": {"shelter": 1, "police": 1, "woman": 29},
            "by_channel": {"phone": 31, "office": 0, "email": 0, "other": 0},
            "by_month": {"2006-01": 15, "2006-02": 16},
            "first_time": {"total": 1, "by_nationality": {"NG": 1}, "nationality_count": 1},
        },
        "office_visits": {"total": 9, "women": 6, "women_once": 4, "women_repeated": 2},
        "offers": {"women": 10, "accepted": 5, "declined": 4, "pending": 1,
                   "declined_by_reason": {"fear-for-family": 4, "other": 0}},
        "admissions": {"women": 5, "by_nationality": {"NG": 3, "AL": 2}, "nationality_count": 2,
                       "by_age_group": {"0-17": 0, "18-19": 1, "20-24": 4, "unknown": 0},
                       "age_min": 19, "age_max": 24,
                       "by_referrer": {"police": 5, "self": 0, "unknown": 0},
                       "by_residence": {"irregular": 3, "unknown": 2}, "interpreter_needed": 2},
        "stays": {"bed_nights": 400, "women": 2, "by_shelter": {"oslo": 399, "bergen": 1},
                  "duration": {"mean": 200.0, "median": 200.0, "min": 1, "max": 399},
                  "by_duration_group": {"0-30": 1, "31-90": 0, "366+": 1},
                  "open_at_end": {"women": 2, "shelters": 1}, "women_with_children": 0},
        "residence_at_end": {"irregular": 1, "reflection-period": 0, "unknown": 7},
    }


def test_primary_and_secondary_by_hand():
    original = base_result()
    kept = copy.deepcopy(original)
    out = suppress(original, 3)
    assert original == kept  # the input is not changed

    calls = out["calls"]
    # 1 hidden; the smallest other non-zero cell (10) goes too; 20 and the zero stay
    assert calls["by_subject"] == {"trafficking-first": None, "trafficking-followup": None,
                                   "project-info": 20, "other": 0}
    # two hidden ones add up to 2: each must be 1, so 29 goes too
    assert calls["by_caller"] == {"shelter": None, "police": None, "woman": None}
    assert calls["total"] == 31 and calls["by_month"] == {"2006-01": 15, "2006-02": 16}
    assert calls["first_time"]["total"] is None and calls["first_time"]["by_nationality"] == {"NG": None}
    assert calls["first_time"]["nationality_count"] == 1  # counts countries, not women

    # pending 1 hidden: hiding accepted (5) lets it reach 5; declined (4) would not do,
    # since its reasons (4 + 0) would give it back
    assert out["offers"] == {"women": 10, "accepted": None, "declined": 4, "pending": None,
                             "declined_by_reason": {"fear-for-family": 4, "other": 0}}
    # women = once + repeated: the hidden 2 would be 6 - 4, so 4 goes too; and the visit
    # total, since total - women bounds the repeated ones
    assert out["office_visits"] == {"total": None, "women": 6, "women_once": None, "women_repeated": None}

    adm = out["admissions"]
    assert adm["by_nationality"] == {"NG": None, "AL": None}
    assert adm["by_age_group"] == {"0-17": 0, "18-19": None, "20-24": None, "unknown": 0}
    assert adm["by_referrer"] == {"police": 5, "self": 0, "unknown": 0}
    assert adm["by_residence"] == {"irregular": None, "unknown": None}
    assert adm["interpreter_needed"] is None
    assert (adm["age_min"], adm["age_max"]) == (None, None)  # extremes are never published

    stays = out["stays"]
    # 400 bed-nights leave room for one woman of 366+ nights only: the bed-nights go too
    assert stays["women"] is None and stays["bed_nights"] is None
    # two women in all, so each shelter had fewer than 3: both hidden
    assert stays["by_shelter"] == {"oslo": None, "bergen": None}
    assert stays["by_duration_group"] == {"0-30": None, "31-90": 0, "366+": None}
    assert stays["duration"] == {"mean": None, "median": None, "min": None, "max": None}
    assert stays["open_at_end"] == {"women": None, "shelters": None}
    assert out["residence_at_end"] == {"irregular": None, "reflection-period": 0, "unknown": 7}
    assert out["period"] == original["period"] and out["records"] == original["records"]


def test_partner_is_the_figure_that_protects_not_just_the_smallest():
    r = base_result()
    r["offers"] = {"women": 20, "accepted": 0, "declined": 18, "pending": 2,
                   "declined_by_reason": {"fear-for-family": 15, "distrust": 3}}
    out = suppress(r, 3)["offers"]
    # hiding declined (18) would not help: its reasons add up to it. Hiding the total does:
    # pending is then women - 18 for any women above 18
    assert out == {"women": None, "accepted": 0, "declined": 18, "pending": None,
                   "declined_by_reason": {"fear-for-family": 15, "distrust": 3}}


def test_extremes_are_withheld_and_the_mean_needs_its_two_figures():
    r = base_result()
    r["admissions"]["by_age_group"] = {"0-17": 0, "18-19": 0, "20-24": 5, "unknown": 0}
    r["stays"].update(women=10, bed_nights=400, by_shelter={"oslo": 300, "bergen": 100},
                      by_duration_group={"0-30": 4, "31-90": 6, "366+": 0})
    r["stays"]["duration"] = {"mean": 40.0, "median": 35.0, "min": 3, "max": 90}
    out = suppress(r, 3, shelter_women={"oslo": 6, "bergen": 4})
    assert out["admissions"]["age_min"] is None and out["admissions"]["age_max"] is None
    assert out["stays"]["duration"] == {"mean": 40.0, "median": None, "min": None, "max": None}
    assert out["stays"]["by_shelter"] == {"oslo": 300, "bergen": 100}


def test_a_shelter_with_few_women_is_hidden_with_a_partner():
    r = base_result()
    r["stays"].update(women=10, bed_nights=400, by_shelter={"oslo": 300, "bergen": 91, "salten": 9},
                      by_duration_group={"0-30": 4, "31-90": 6, "366+": 0})
    out = suppress(r, 3, shelter_women={"oslo": 6, "bergen": 3, "salten": 1})
    # salten alone would be 400 - 300 - 91; the smallest other shelter goes too
    assert out["stays"]["by_shelter"] == {"oslo": 300, "bergen": None, "salten": None}
    assert out["stays"]["bed_nights"] == 400


def test_threshold_one_or_less_changes_nothing():
    r = base_result()
    assert suppress(r, 1) == r
    assert suppress(r, 0) == r


def test_previous_is_suppressed_on_its_own():
    r = base_result()
    r["previous"] = base_result()
    r["previous"]["calls"]["by_month"] = {"2005-01": 30, "2005-02": 1}
    out = suppress(r, 3)
    assert out["previous"]["calls"]["by_month"] == {"2005-01": None, "2005-02": None}
    assert out["calls"]["by_month"] == {"2006-01": 15, "2006-02": 16}


# --- properties on random records ------------------------------------------------------

def _walk(data, path=()):
    for key, value in data.items():
        if key in _NOT_COUNTS:
            continue
        if isinstance(value, dict):
            yield from _walk(value, path + (key,))
        else:
            yield path + (key,), value


def check_safe(original: dict, out: dict, threshold: int) -> None:
    for path, value in _walk(out):
        before = _get(original, path)
        assert value is None or value == before, path
        assert value is None or not (0 < value < threshold), (path, value)
    for total, parts in _SUMS:
        cells = list(_cells(original, parts))
        # the sums suppression relies on really hold
        assert _get(original, total) == sum(_get(original, c) for c in cells), total
        hidden = [p for p in [total] + cells if _get(out, p) is None]
        if len(hidden) == 1:  # a lone hidden figure can be worked back: it must not be a small one
            assert not 0 < _get(original, hidden[0]) < threshold, (total, hidden)
        if hidden and _get(out, total) is not None:
            assert sum(_get(original, p) for p in hidden) != len(hidden), (total, hidden)
    if original["stays"]["women"] < threshold:
        assert all(v is None for v in out["stays"]["duration"].values())


DAYS = st.integers(min_value=0, max_value=3 * 365)
BASE = date(2005, 1, 1)


@st.composite
def random_records(draw) -> Records:
    s = Settings(**default_settings())
    n_women = draw(st.integers(0, 25))
    women, stays, calls = {}, {}, {}
    for i in range(n_women):
        first = BASE + timedelta(days=draw(DAYS))
        declined = draw(st.booleans())
        women[f"W{i}"] = Woman(
            f"W{i}", first, draw(st.sampled_from(["NG", "AL", "RO", "unknown"])),
            born=draw(st.one_of(st.none(), st.integers(1950, 1990))),
            referred_by=draw(st.one_of(st.none(), st.sampled_from(s.keys("referrer")))),
            interpreter=draw(st.sampled_from([None, "en"])),
            declined_on=first + timedelta(days=draw(st.integers(0, 60))) if declined else None,
            declined_reason=draw(st.one_of(st.none(), st.sampled_from(s.keys("declined")))) if declined else None,
        )
        day = first
        for j in range(draw(st.integers(0, 2))):
            day = day + timedelta(days=draw(st.integers(0, 200)))
            length = draw(st.one_of(st.none(), st.integers(0, 400)))
            end = None if length is None else day + timedelta(days=length)
            stays[f"S{i}-{j}"] = Stay(f"S{i}-{j}", f"W{i}", draw(st.sampled_from(["oslo", "bergen"])), day, end,
                                      "left" if end else None, children=draw(st.integers(0, 1)))
            if end is None:
                break
            day = end
    for k in range(draw(st.integers(0, 40))):
        at = datetime(2005, 1, 1) + timedelta(days=draw(DAYS))
        calls[f"C{k}"] = Call(
            f"C{k}", at, draw(st.sampled_from(s.keys("caller"))), draw(st.sampled_from(s.keys("subject"))),
            channel=draw(st.sampled_from(s.keys("channel"))),
            woman=draw(st.one_of(st.none(), st.sampled_from(sorted(women)))) if women else None,
            nationality=draw(st.one_of(st.none(), st.sampled_from(["NG", "SE", "unknown"]))),
        )
    shelters = {"oslo": Shelter("oslo", "Oslo"), "bergen": Shelter("bergen", "Bergen")}
    return Records(settings=s, shelters=shelters, women=women, stays=stays, calls=calls)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_records(), st.integers(2, 6), st.sampled_from([2005, 2006]))
def test_suppression_is_safe_on_random_records(recs, threshold, year):
    period = Period.year(year)
    result = compute_report(recs, period, date(2008, 1, 1))
    result["previous"] = compute_report(recs, period.previous(), date(2008, 1, 1))
    out = suppress(result, threshold)
    check_safe(result, out, threshold)
    check_safe(result["previous"], out["previous"], threshold)
