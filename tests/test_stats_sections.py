"""Each section of the statistics (rosa_cli/stats/compute.py) on five hand-made women, with
every figure worked out by hand; the vocabulary roles (rosa_cli/stats/roles.py) that say
which subject is a first inquiry and which channel an office visit; and the same figures
from a folder whose keys are renamed, through the functions and through the real CLI.

The five women, period 2006, "today" 2007-03-01:

  A  first contact 2006-02-01, NG, born 1985-06-01, referred by police, interpreter,
     irregular from 2006-01-01. Stay oslo 2006-02-10 .. 2006-03-12: Feb 10..28 = 19 +
     Mar 1..11 = 11 → 30 nights. Admitted aged 20.
  B  first contact 2005-11-01, AL, referred by an NGO. Stay bergen from 2005-12-01, open,
     one child: all 365 nights of 2006; not admitted in 2006 (first stay in 2005).
  C  first contact 2006-05-01, RO, declined 2006-05-20 (distrust). No stay.
  D  first contact 2006-09-01, NG, born 1970-03-03, self-referred, asylum seeker from
     2006-11-01. Stay oslo from 2006-12-01, open: Dec 1..31 = 31 nights. Admitted aged 36.
  E  first contact 2006-11-15, TH. Nothing else: her offer is pending.

Contacts in 2006: three first inquiries (one phone NG, one phone naming A so NG, one
e-mail naming C with nationality "unknown" so RO), one follow-up phone call, and three
office visits (two by D, one without a woman). A first-inquiry call in 2007 is outside.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from typing import Dict, List

import pytest
from helpers import commit_all, run_ok

from rosa_cli.core.model import Call, Records, ResidenceEntry, Settings, Shelter, Stay, Woman
from rosa_cli.core.vocab import default_settings
from rosa_cli.stats import Period, compute_report, suppress
from rosa_cli.stats.compute import (
    admission_figures,
    call_figures,
    contacted_in,
    contacts_in,
    duration_figures,
    first_time_figures,
    offer_figures,
    office_visit_figures,
    residence_at_end_figures,
    shelter_nights,
    shelter_women,
    stay_facts,
    stay_figures,
    stay_nights,
)
from rosa_cli.stats.roles import FIRST_INQUIRY, OFFICE_VISIT, Roles, labels_only, role_issues, role_key, roles_of

D = date.fromisoformat
P = Period.year(2006)
TODAY = D("2007-03-01")
FIRST, FOLLOWUP, OFFICE = "trafficking-first", "trafficking-followup", "office"
# the renamed folder: its own keys, with role lines saying what they mean
RENAMED_FIRST, RENAMED_OFFICE = "first-contact", "walk-in"


def settings(renamed: bool = False, roles: bool = True) -> Settings:
    """rosa init's settings; ``renamed``: the first-inquiry subject and the office channel
    under other keys (at the same place in the vocabulary), with their role lines unless
    ``roles`` is false."""
    s = Settings(**default_settings())
    if renamed:
        for vocabulary, old, new in (("subject", FIRST, RENAMED_FIRST), ("channel", OFFICE, RENAMED_OFFICE)):
            entries = {}
            for key, labels in s.vocabularies[vocabulary].items():
                labels = dict(labels)
                if not roles:
                    labels.pop("role", None)
                entries[new if key == old else key] = labels
            s.vocabularies[vocabulary] = entries
    return s


def women() -> Dict[str, Woman]:
    return {w.id: w for w in [
        Woman("A", D("2006-02-01"), "NG", born=D("1985-06-01"), referred_by="police", interpreter="en",
              residence=[ResidenceEntry(D("2006-01-01"), "irregular")]),
        Woman("B", D("2005-11-01"), "AL", referred_by="ngo"),
        Woman("C", D("2006-05-01"), "RO", declined_on=D("2006-05-20"), declined_reason="distrust"),
        Woman("D", D("2006-09-01"), "NG", born=D("1970-03-03"), referred_by="self",
              residence=[ResidenceEntry(D("2006-11-01"), "asylum-seeker")]),
        Woman("E", D("2006-11-15"), "TH"),
    ]}


def stays() -> Dict[str, Stay]:
    return {s.id: s for s in [
        Stay("SA", "A", "oslo", D("2006-02-10"), D("2006-03-12"), "own-housing"),
        Stay("SB", "B", "bergen", D("2005-12-01"), children=1),
        Stay("SD", "D", "oslo", D("2006-12-01")),
    ]}


def calls(first: str = FIRST, office: str = OFFICE) -> Dict[str, Call]:
    def call(cid, at, subject, caller, channel="phone", woman=None, nationality=None):
        return Call(cid, datetime.fromisoformat(at), caller, subject, channel=channel, woman=woman, nationality=nationality)

    return {c.id: c for c in [
        call("K1", "2006-01-20 10:00", first, "police", nationality="NG"),
        call("K2", "2006-02-01 11:00", first, "shelter", woman="A"),
        call("K3", "2006-05-01 12:00", first, "ngo", channel="email", woman="C", nationality="unknown"),
        call("K4", "2006-06-01 09:00", FOLLOWUP, "woman", woman="A"),
        call("K5", "2006-09-01 10:00", first, "woman", channel=office, woman="D"),  # a visit, not an inquiry
        call("K6", "2006-10-01 10:00", FOLLOWUP, "woman", channel=office, woman="D"),
        call("K7", "2006-11-15 10:00", "other", "woman", channel=office),
        call("K8", "2007-01-02 10:00", first, "police", nationality="SE"),  # after P
    ]}


def records(renamed: bool = False, roles: bool = True) -> Records:
    first, office = (RENAMED_FIRST, RENAMED_OFFICE) if renamed else (FIRST, OFFICE)
    return Records(
        settings=settings(renamed, roles),
        shelters={key: Shelter(key, key.title()) for key in ("oslo", "bergen")},
        women=women(), stays=stays(), calls=calls(first, office),
    )


# --- the shared facts -------------------------------------------------------------------

def test_contacts_in_the_period_keep_record_order():
    assert [c.id for c in contacts_in(records(), P)] == ["K1", "K2", "K3", "K4", "K5", "K6", "K7"]


def test_stay_nights_and_facts():
    s = stays()
    assert [stay_nights(s[k], P, TODAY) for k in ("SA", "SB", "SD")] == [30, 365, 31]
    # an open stay counts nights only up to today: run on 2006-12-11, D has had 10
    assert stay_nights(s["SD"], P, D("2006-12-11")) == 10
    assert stay_nights(s["SA"], Period.year(2005), TODAY) <= 0
    facts = stay_facts(s.values(), P, TODAY)
    assert facts.first_start == {"A": D("2006-02-10"), "B": D("2005-12-01"), "D": D("2006-12-01")}
    assert facts.nights == {"A": 30, "B": 365, "D": 31}


# --- one test per section ----------------------------------------------------------------

def test_call_figures():
    r = records()
    out = call_figures(contacts_in(r, P), r.women, r.settings, P, roles_of(r.settings))
    assert out["total"] == 4
    assert out["by_subject"] == {FIRST: 3, FOLLOWUP: 1, "project-info": 0, "other": 0}
    assert out["by_caller"]["police"] == 1 and out["by_caller"]["shelter"] == 1
    assert out["by_caller"]["ngo"] == 1 and out["by_caller"]["woman"] == 1 and sum(out["by_caller"].values()) == 4
    assert out["by_channel"] == {"phone": 3, OFFICE: 0, "email": 1, "other": 0}
    assert out["by_month"] == {f"2006-{m:02d}": {1: 1, 2: 1, 5: 1, 6: 1}.get(m, 0) for m in range(1, 13)}
    assert out["first_time"] == {"total": 3, "by_nationality": {"NG": 2, "RO": 1}, "nationality_count": 2}


def test_first_time_figures_leave_out_office_visits_and_fall_back_to_her_nationality():
    r = records()
    out = first_time_figures(contacts_in(r, P), r.women, Roles.default())
    assert out == {"total": 3, "by_nationality": {"NG": 2, "RO": 1}, "nationality_count": 2}
    # a role naming another subject counts that subject's calls instead
    followups = first_time_figures(contacts_in(r, P), r.women, Roles(first_inquiry=FOLLOWUP, office_visit=OFFICE))
    assert followups == {"total": 1, "by_nationality": {"NG": 1}, "nationality_count": 1}


def test_office_visit_figures():
    r = records()
    assert office_visit_figures(contacts_in(r, P), Roles.default()) == {
        "total": 3, "women": 2, "women_once": 1, "women_repeated": 1}


def test_offer_figures():
    r = records()
    facts = stay_facts(r.stays.values(), P, TODAY)
    assert contacted_in(r.women, P) == ["A", "C", "D", "E"]
    out = offer_figures(r.women, facts.first_start, r.settings, P)
    assert {k: out[k] for k in ("women", "accepted", "declined", "pending")} == {
        "women": 4, "accepted": 2, "declined": 1, "pending": 1}
    assert out["declined_by_reason"]["distrust"] == 1 and sum(out["declined_by_reason"].values()) == 1
    # judged as at the end of the period: on 2006-11-30 D had no stay yet, so hers is pending
    autumn = Period(D("2006-01-01"), D("2006-11-30"))
    early = offer_figures(r.women, facts.first_start, r.settings, autumn)
    assert (early["women"], early["accepted"], early["declined"], early["pending"]) == (4, 1, 1, 2)


def test_admission_figures():
    r = records()
    facts = stay_facts(r.stays.values(), P, TODAY)
    out = admission_figures(r.women, facts.first_start, r.settings, P)
    assert out["women"] == 2
    assert out["by_nationality"] == {"NG": 2} and out["nationality_count"] == 1
    assert out["by_age_group"] == {"0-17": 0, "18-19": 0, "20-24": 1, "25-29": 0, "30-39": 1, "40+": 0, "unknown": 0}
    assert (out["age_min"], out["age_max"]) == (20, 36)
    assert out["by_referrer"]["police"] == 1 and out["by_referrer"]["self"] == 1 and sum(out["by_referrer"].values()) == 2
    assert out["by_residence"]["irregular"] == 1 and out["by_residence"]["asylum-seeker"] == 1
    assert sum(out["by_residence"].values()) == 2
    assert out["interpreter_needed"] == 1
    # a stay naming a woman who is not loaded counts, all unknown (rosa check reports her)
    missing = admission_figures({}, {"X": D("2006-04-01")}, r.settings, P)
    assert (missing["women"], missing["by_nationality"], missing["by_age_group"]["unknown"]) == (1, {"unknown": 1}, 1)
    assert missing["by_referrer"]["unknown"] == 1 and missing["age_min"] is None


def test_stay_figures_durations_and_shelters():
    r = records()
    facts = stay_facts(r.stays.values(), P, TODAY)
    out = stay_figures(r, P, TODAY, facts)
    assert (out["bed_nights"], out["women"]) == (426, 3)
    assert out["by_shelter"] == {"oslo": 61, "bergen": 365}
    assert out["duration"] == {"mean": 142.0, "median": 31.0, "min": 30, "max": 365}
    assert out["by_duration_group"] == {"0-30": 1, "31-90": 1, "91-180": 0, "181-365": 1, "366+": 0}
    assert out["open_at_end"] == {"women": 2, "shelters": 2}
    assert out["women_with_children"] == 1
    assert duration_figures([], r.settings)["duration"] == {"mean": None, "median": None, "min": None, "max": None}
    # a shelter retired before the period is listed only where it had nights
    shelters = {"oslo": Shelter("oslo", "Oslo"), "bergen": Shelter("bergen", "Bergen"),
                "old": Shelter("old", "Old", retired=D("2005-06-01"))}
    assert shelter_nights(r.stays.values(), shelters, P, TODAY) == {"oslo": 61, "bergen": 365}
    assert shelter_women(r, P, TODAY) == {"oslo": 2, "bergen": 1}


def test_residence_at_end_figures():
    r = records()
    facts = stay_facts(r.stays.values(), P, TODAY)
    counted = set(facts.nights).union(contacted_in(r.women, P))
    assert counted == {"A", "B", "C", "D", "E"}
    out = residence_at_end_figures(r.women, counted, r.settings, P)
    assert out["irregular"] == 1 and out["asylum-seeker"] == 1 and out["unknown"] == 3
    assert sum(out.values()) == 5


def test_compute_report_is_the_sections_put_together():
    r = records()
    facts = stay_facts(r.stays.values(), P, TODAY)
    report = compute_report(r, P, TODAY)
    assert list(report)[:7] == ["period", "calls", "office_visits", "offers", "admissions", "stays", "residence_at_end"]
    assert report["offers"] == offer_figures(r.women, facts.first_start, r.settings, P)
    assert report["stays"] == stay_figures(r, P, TODAY, facts)
    assert report["calls"]["first_time"]["total"] == report["calls"]["by_subject"][FIRST]


# --- roles ------------------------------------------------------------------------------

def _renamed_back(report: dict) -> dict:
    """The renamed folder's report with its two keys written as rosa's own, to compare."""
    out = json.loads(json.dumps(report))
    for path, new, old in ((("calls", "by_subject"), RENAMED_FIRST, FIRST), (("calls", "by_channel"), RENAMED_OFFICE, OFFICE)):
        cells = out[path[0]][path[1]]
        out[path[0]][path[1]] = {(old if key == new else key): value for key, value in cells.items()}
    return out


def test_roles_default_to_rosas_own_keys_and_follow_role_lines():
    assert roles_of(settings()) == Roles.default() == Roles(FIRST, OFFICE)
    assert roles_of(settings(renamed=True)) == Roles(RENAMED_FIRST, RENAMED_OFFICE)
    # a folder written before roles existed: no role lines, the old keys keep their meaning
    old = settings()
    for vocabulary in ("subject", "channel"):
        old.vocabularies[vocabulary] = {k: labels_only(v) for k, v in old.vocabularies[vocabulary].items()}
    assert "role" not in old.vocabularies["subject"][FIRST]
    assert roles_of(old) == Roles.default()
    # the role is not a label: labels read as before
    s = settings(renamed=True)
    assert s.label("subject", RENAMED_FIRST, "en") == "Trafficking, first inquiry"
    assert labels_only(s.vocabularies["subject"][RENAMED_FIRST]) == {"nb": "Menneskehandel 1. gang", "en": "Trafficking, first inquiry"}


def test_a_renamed_first_inquiry_key_with_its_role_gives_the_same_figures():
    plain = compute_report(records(), P, TODAY)
    renamed = compute_report(records(renamed=True), P, TODAY)
    assert renamed["calls"]["by_subject"][RENAMED_FIRST] == 3 and FIRST not in renamed["calls"]["by_subject"]
    assert renamed["calls"]["by_channel"][RENAMED_OFFICE] == 0
    assert renamed["calls"]["first_time"] == plain["calls"]["first_time"]
    assert renamed["office_visits"] == plain["office_visits"] == {"total": 3, "women": 2, "women_once": 1, "women_repeated": 1}
    assert _renamed_back(renamed) == plain


def test_a_renamed_key_without_its_role_is_not_counted_and_check_can_say_so():
    """Without the role line rosa cannot know what the new key means: the figures change
    (no first inquiries; the walk-ins count as calls) and role_issues says why."""
    bare = compute_report(records(renamed=True, roles=False), P, TODAY)
    assert bare["calls"]["first_time"]["total"] == 0
    assert bare["office_visits"]["total"] == 0 and bare["calls"]["total"] == 7
    codes = [m.code for m in role_issues(settings(renamed=True, roles=False))]
    assert codes == ["vocabulary.role_missing", "vocabulary.role_missing"]
    assert role_issues(settings()) == [] and role_issues(settings(renamed=True)) == []


def test_role_issues_name_unknown_misplaced_and_doubled_roles():
    s = settings()
    s.vocabularies["subject"]["other"]["role"] = "first-inquiry"  # claimed twice: the first entry plays it
    s.vocabularies["channel"]["email"]["role"] = "first-inquiry"  # not a channel's role
    s.vocabularies["caller"]["police"]["role"] = "first-call"  # no such role
    issues = role_issues(s)
    assert sorted(m.code for m in issues) == ["vocabulary.role_misplaced", "vocabulary.role_twice", "vocabulary.role_unknown"]
    assert role_key(s, FIRST_INQUIRY) == FIRST and role_key(s, OFFICE_VISIT) == OFFICE
    twice = next(m for m in issues if m.code == "vocabulary.role_twice")
    assert twice.params["first"] == FIRST and twice.params["key"] == "other"


@pytest.mark.parametrize("threshold", [3, 4])
def test_suppression_ties_the_renamed_first_inquiry_cell_to_first_time_total(threshold):
    plain = compute_report(records(), P, TODAY)
    renamed = compute_report(records(renamed=True), P, TODAY)
    out_plain = suppress(copy.deepcopy(plain), threshold)
    out_renamed = suppress(renamed, threshold, first_inquiry=RENAMED_FIRST)
    assert _renamed_back(out_renamed) == out_plain
    if threshold == 4:  # 3 first inquiries: hidden, and their subject cell with them
        assert out_renamed["calls"]["first_time"]["total"] is None
        assert out_renamed["calls"]["by_subject"][RENAMED_FIRST] is None


def test_suppression_must_know_the_renamed_first_inquiry_key():
    """first_time.total equals its subject's cell, and an attacker knows it: when the total
    has to be hidden, so must that cell be. Told the folder's key, suppress() hides both;
    under rosa's default key it would leave the renamed cell showing the hidden total."""
    report = compute_report(records(renamed=True), P, TODAY)
    report["calls"] = {"total": 20, "by_subject": {RENAMED_FIRST: 3, FOLLOWUP: 17, "project-info": 0, "other": 0},
                       "by_caller": {"police": 20}, "by_channel": {"phone": 20, RENAMED_OFFICE: 0},
                       "by_month": {"2006-01": 20},
                       "first_time": {"total": 3, "by_nationality": {"NG": 2, "RO": 1}, "nationality_count": 2}}
    right = suppress(report, 3, first_inquiry=RENAMED_FIRST)["calls"]
    assert right["first_time"]["by_nationality"] == {"NG": None, "RO": None}
    assert right["first_time"]["total"] is None and right["by_subject"][RENAMED_FIRST] is None
    assert right["by_subject"][FOLLOWUP] is None  # else 20 - 17 gives the cell back
    wrong = suppress(report, 3)["calls"]  # the default key: the tie is not seen
    assert wrong["first_time"]["total"] is None and wrong["by_subject"][RENAMED_FIRST] == 3


def test_report_tables_leave_the_office_visit_channel_out_of_calls_under_its_own_key():
    from rosa_cli.report.sections import build_sections

    for renamed, office in ((False, OFFICE), (True, RENAMED_OFFICE)):
        s = settings(renamed)
        report = compute_report(records(renamed), P, TODAY)
        calls_section = build_sections(report, s, "en")[0]
        keys = [row.key for row in calls_section.rows if row.section == "calls.by_channel"]
        assert keys == ["phone", "email", "other"], (renamed, keys)
        assert office in report["calls"]["by_channel"]


def _write_calls(folder, first: str) -> None:
    """Twenty 2006 phone calls by the police, written as files: three first inquiries (NG, NG,
    RO) and seventeen follow-ups, so --public must hide the first-inquiry total and its cell."""
    year = folder / "calls" / "2006"
    year.mkdir(parents=True, exist_ok=True)
    nationalities = ["NG", "NG", "RO"] + [None] * 17
    for n, nationality in enumerate(nationalities):
        subject = first if nationality else FOLLOWUP
        lines = [f"id: C-2006-TT{n:02d}", f"at: 2006-01-{n + 2:02d} 10:00", "channel: phone", "caller: police",
                 f"subject: {subject}"] + ([f"nationality: {nationality}"] if nationality else [])
        (year / f"C-2006-TT{n:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    commit_all(folder, "calls written by hand")


def test_public_report_cli_hides_the_renamed_first_inquiry_cell_with_its_total(tmp_path):
    """The CLI tells suppress() the folder's first-inquiry key: were it left at rosa's own
    key, the renamed subject cell (3) would show the hidden first-inquiry total."""
    from helpers import init_records

    plain = init_records(tmp_path / "plain")
    renamed = init_records(tmp_path / "renamed")
    _rename_in_rosa_yaml(renamed)
    _write_calls(plain, FIRST)
    _write_calls(renamed, RENAMED_FIRST)
    run_ok(renamed, "check")
    a, b = _report(plain, "2006", "--public"), _report(renamed, "2006", "--public")
    for report in (a, b):
        report.pop("records")
    assert b["calls"]["total"] == 20
    assert b["calls"]["first_time"]["total"] is None and b["calls"]["by_subject"][RENAMED_FIRST] is None
    assert a["calls"]["by_subject"][FIRST] is None
    assert _renamed_back(b) == a


# --- the real CLI on a folder with renamed keys -----------------------------------------------

def _rename_in_rosa_yaml(folder) -> None:
    path = folder / "rosa.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    trafficking-first:\n" in text and "    office:\n" in text and "role: first-inquiry" in text
    path.write_text(text.replace("    trafficking-first:\n", f"    {RENAMED_FIRST}:\n")
                        .replace("    office:\n", f"    {RENAMED_OFFICE}:\n"), encoding="utf-8")
    commit_all(folder, "rename two vocabulary keys")


def _report(folder, year: str = "2006", *extra: str) -> dict:
    return json.loads(run_ok(folder, "report", "--year", year, "--format", "json", *extra).stdout)


def _add_calls(folder, first: str, office: str) -> List[str]:
    made = []
    for at, subject, channel, nationality in (("2006-03-01 10:00", first, "phone", "NG"),
                                              ("2006-03-02 10:00", first, "email", "RO"),
                                              ("2006-03-03 10:00", "other", "phone", None),
                                              ("2006-03-04 10:00", "other", office, None)):
        args = ["call", "add", "--at", at, "--caller", "police", "--subject", subject, "--channel", channel]
        if nationality:
            args += ["--nationality", nationality]
        made.append(run_ok(folder, *args).stdout.strip())
    return made


def test_report_cli_counts_a_renamed_folder_by_its_roles(tmp_path):
    from helpers import init_records

    plain = init_records(tmp_path / "plain")
    renamed = init_records(tmp_path / "renamed")
    _rename_in_rosa_yaml(renamed)
    run_ok(renamed, "check")
    _add_calls(plain, FIRST, OFFICE)
    _add_calls(renamed, RENAMED_FIRST, RENAMED_OFFICE)
    a, b = _report(plain), _report(renamed)
    for report in (a, b):
        report.pop("records")
    assert b["calls"]["by_subject"][RENAMED_FIRST] == 2 and FIRST not in b["calls"]["by_subject"]
    assert b["calls"]["first_time"] == a["calls"]["first_time"] == {
        "total": 2, "by_nationality": {"NG": 1, "RO": 1}, "nationality_count": 2}
    assert b["office_visits"] == a["office_visits"] and a["office_visits"]["total"] == 1
    assert b["calls"]["total"] == a["calls"]["total"] == 3
    assert _renamed_back(b) == a
    # --public: the renamed folder is protected exactly as the plain one
    public_a, public_b = _report(plain, "2006", "--public"), _report(renamed, "2006", "--public")
    for report in (public_a, public_b):
        report.pop("records")
    assert _renamed_back(public_b) == public_a
    assert public_b["calls"]["first_time"]["total"] is None and public_b["calls"]["by_subject"][RENAMED_FIRST] is None


@pytest.mark.parametrize("lang, expected", [
    ("nb", "vokabular subject: ingen oppføring har rollen first-inquiry, og nøkkelen trafficking-first finnes ikke"),
    ("en", "vocabulary subject: no entry has role first-inquiry and there is no key trafficking-first"),
])
def test_role_issues_read_in_the_interface_language(monkeypatch, lang, expected):
    from rosa_cli.i18n import render

    monkeypatch.setenv("ROSA_LANG", lang)
    lines = [render(m) for m in role_issues(settings(renamed=True, roles=False))]
    assert lines[0].startswith(expected), lines


def test_rosa_check_warns_when_a_renamed_key_lost_its_role(tmp_path):
    """Renaming the first-inquiry subject but dropping its ``role`` line would make the
    figure 0 without a word: ``rosa check`` warns on rosa.yaml (exit 0, it is a warning),
    and a typed answer never matches the role's own text."""
    from helpers import init_records, invoke

    folder = init_records(tmp_path / "rosa")
    assert "rosa.yaml" not in run_ok(folder, "check").stdout
    path = folder / "rosa.yaml"
    text = path.read_text(encoding="utf-8").replace("    trafficking-first:\n", f"    {RENAMED_FIRST}:\n")
    path.write_text(text.replace("      role: first-inquiry\n", "", 1), encoding="utf-8")
    commit_all(folder, "rename the first-inquiry subject and drop its role")
    result = run_ok(folder, "check")
    lines = [line for line in result.stdout.splitlines() if line.startswith("rosa.yaml: warning: ")]
    assert len(lines) == 1 and "first-inquiry" in lines[0] and "trafficking-first" in lines[0], result.stdout
    typed = invoke(folder, "call", "add", "--caller", "police", "--subject", "other", "--channel", "office-visit", "--no-prompt")
    assert typed.exit_code == 2 and "office-visit" in typed.stderr  # a role is not an answer
