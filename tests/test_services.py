"""SPEC section 9: services and costs, outreach activities and the website.

Real folders made with ``rosa init``, the real CLI, real git. The statistics are
checked on small hand-made records whose expected figures are worked out by hand in
the comments; the sample is checked against SPEC section 9's seed table.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from helpers import add_woman, git_state, invoke, no_traceback, run_ok, snapshot

SAMPLE = Path(__file__).resolve().parent.parent / "records"


def report_json(records: Path, *args: str) -> dict:
    result = run_ok(records, "report", *args, "--format", "json")
    return json.loads(result.stdout)


def service(records: Path, woman: str, *args: str) -> str:
    return run_ok(records, "service", "add", woman, "--no-prompt", *args).stdout.strip()


def activity(records: Path, *args: str) -> str:
    return run_ok(records, "activity", "add", "--no-prompt", *args).stdout.strip()


# --- commands, files, commits ------------------------------------------------------------------


def test_service_add_writes_one_file_and_one_commit_with_id_only(records: Path):
    woman = add_woman(records)
    tid = service(records, woman, "--kind", "norwegian-course", "--on", "01.02.2006", "--to", "2006-05-31",
                  "--cost", "12 500", "--paid-by", "project", "--provider", "voksenopplæringen", "--not-completed")
    assert tid.startswith("T-2006-")
    path = records / "services" / "2006" / f"{tid}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "on: 2006-02-01" in text and "to: 2006-05-31" in text and "cost: 12500" in text
    assert "completed: false" in text and f"woman: {woman}" in text
    log, status = git_state(records)
    assert log[0] == f"service add {tid}" and status == ""
    assert (path.parent.stat().st_mode & 0o077) == 0 and (path.parent.parent.stat().st_mode & 0o077) == 0
    listed = run_ok(records, "service", "list", "--woman", woman).stdout
    assert tid in listed and "12 500 kr" in listed
    assert "voksenopplæringen" not in "\n".join(log)


@pytest.mark.parametrize("args, flag", [
    (("--kind", "massage", "--on", "2006-02-01"), "--kind"),
    (("--kind", "doctor", "--on", "2006-02-31"), "--on"),
    (("--kind", "doctor", "--on", "2006-03-01", "--to", "2006-02-01"), "--to"),
    (("--kind", "doctor", "--on", "2006-03-01", "--cost", "-5"), "--cost"),
    (("--kind", "doctor", "--on", "2006-03-01", "--paid-by", "bank"), "--paid-by"),
    (("--kind", "doctor", "--on", "2006-03-01", "--provider", "ring " + "4" + "12 34 567"), "--provider"),
    (("--kind", "doctor"), "--on"),
])
def test_service_add_refuses_bad_input_and_changes_nothing(records: Path, args, flag):
    woman = add_woman(records)
    before = snapshot(records)
    result = invoke(records, "service", "add", woman, "--no-prompt", *args)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert flag in result.stderr and result.stderr.startswith("error: ")
    assert snapshot(records) == before


def test_service_for_a_woman_who_does_not_exist_is_refused(records: Path):
    before = snapshot(records)
    result = invoke(records, "service", "add", "W-2006-ZZZZZ", "--no-prompt", "--kind", "doctor", "--on", "2006-03-01")
    no_traceback(result)
    assert result.exit_code != 0 and "W-2006-ZZZZZ" in result.stderr
    assert snapshot(records) == before


def test_service_add_prompts_with_numbered_choices_and_asks_again(records: Path):
    woman = add_woman(records)
    # kind: 99 is no choice, then 2 (doctor); on: default today -> a date; then skip the rest
    answers = "\n".join([woman, "99", "2", "2006-03-01", "", "900", "1", "", "", ""]) + "\n"
    result = invoke(records, "service", "add", "--prompt", input=answers)
    assert result.exit_code == 0, result.output
    tid = result.stdout.strip().splitlines()[-1]
    text = (records / "services" / "2006" / f"{tid}.yaml").read_text(encoding="utf-8")
    assert "kind: doctor" in text and "cost: 900" in text and "paid_by: project" in text
    assert "1=Interpreter" in result.stderr and "2=Doctor" in result.stderr  # labels in the interface language shown, keys stored


def test_activity_add_and_list(records: Path):
    aid = activity(records, "--kind", "lecture", "--on", "2006-03-02", "--participants", "40",
                   "--audience", "police,ngo", "--title", "Om menneskehandel")
    path = records / "activities" / "2006" / f"{aid}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "audience:\n- police\n- ngo" in text
    assert git_state(records)[0][0] == f"activity add {aid}"
    listed = run_ok(records, "activity", "list", "--year", "2006").stdout
    assert aid in listed and "police,ngo" in listed
    bad = invoke(records, "activity", "add", "--no-prompt", "--kind", "lecture", "--on", "2006-03-02", "--audience", "police,martians")
    assert bad.exit_code == 2 and "--audience" in bad.stderr
    half = invoke(records, "activity", "add", "--no-prompt", "--kind", "seminar", "--on", "2006-03-02", "--days", "0.3")
    assert half.exit_code == 2 and "--days" in half.stderr


def test_website_set_creates_then_updates_the_month(records: Path):
    run_ok(records, "website", "set", "2006-03", "--visits", "1626", "--pages", "3494")
    run_ok(records, "website", "set", "2006-03", "--hits", "12068")
    text = (records / "website" / "2006-03.yaml").read_text(encoding="utf-8")
    assert text == "month: 2006-03\nvisits: 1626\npages: 3494\nhits: 12068\n"
    log, status = git_state(records)
    assert log[:2] == ["website set 2006-03 (hits)", "website set 2006-03 (visits,pages)"] and status == ""
    for args in (("2006-13", "--visits", "1"), ("../rosa", "--visits", "1"), ("2006-04", "--visits", "-1"), ("2006-04",)):
        before = snapshot(records)
        result = invoke(records, "website", "set", *args)
        no_traceback(result)
        assert result.exit_code == 2, (args, result.output)
        assert snapshot(records) == before


# --- rosa check --------------------------------------------------------------------------------


def test_check_reports_bad_section9_files_with_file_and_line(records: Path):
    woman = add_woman(records)
    (records / "services" / "2006").mkdir(parents=True)
    (records / "services" / "2006" / "T-2006-AAAAA.yaml").write_text(
        f"id: T-2006-AAAAA\nwoman: {woman}\nkind: doctor\non: 2006-03-01\nto: 2006-02-01\ncost: -3\n", encoding="utf-8")
    (records / "services" / "2006" / "T-2006-BBBBB.yaml").write_text(
        "id: T-2006-BBBBB\nwoman: W-2006-ZZZZZ\nkind: dentist\non: 2006-03-01\n", encoding="utf-8")
    (records / "activities" / "2006").mkdir(parents=True)
    (records / "activities" / "2006" / "A-2006-CCCCC.yaml").write_text(
        "id: A-2006-CCCCC\nkind: lecture\non: 2006-03-01\nparticipants: many\n", encoding="utf-8")
    (records / "website").mkdir()
    (records / "website" / "2006-03.yaml").write_text("month: 2006-04\nvisits: 10\n", encoding="utf-8")
    (records / "website" / "notes.txt").write_text("x\n", encoding="utf-8")
    result = invoke(records, "check")
    out = result.stdout + result.stderr
    assert result.exit_code != 0
    assert "services/2006/T-2006-AAAAA.yaml:5: to 2006-02-01 is before on 2006-03-01" in out
    assert "services/2006/T-2006-AAAAA.yaml:6: cost -3 is negative" in out
    assert "services/2006/T-2006-BBBBB.yaml:3: kind 'dentist' is not one of" in out
    assert "activities/2006/A-2006-CCCCC.yaml:4: participants" in out
    assert "website/2006-03.yaml:1: month 2006-04 does not match the file name" in out
    assert "website/notes.txt" in out


def test_check_accepts_a_service_naming_her_and_warns_about_details_in_provider(records: Path):
    woman = add_woman(records)
    tid = service(records, woman, "--kind", "doctor", "--on", "2006-03-01")
    path = records / "services" / "2006" / f"{tid}.yaml"
    phone = "ring " + "4" + "12 34 567"
    path.write_text(path.read_text(encoding="utf-8") + f"provider: {phone}\n", encoding="utf-8")
    result = invoke(records, "check")
    assert f"services/2006/{tid}.yaml:5: warning: provider holds" in result.stdout + result.stderr


def test_undo_takes_back_a_service_add(records: Path):
    woman = add_woman(records)
    tid = service(records, woman, "--kind", "doctor", "--on", "2006-03-01")
    result = invoke(records, "undo")
    assert result.exit_code == 0, result.output
    assert not (records / "services" / "2006" / f"{tid}.yaml").exists()


# --- statistics on hand-made records -----------------------------------------------------------


@pytest.fixture
def small(records: Path) -> dict:
    """Three women, five services, four activities, two website months.

    2006 (services in P when on <= 2006-12-31 and (to or on) >= 2006-01-01):
      A: norwegian-course 2005-11-01..2006-02-28, 6000 project, completed  (in 2005 and 2006)
      A: interpreter 2006-03-01, 800 project
      B: interpreter 2006-04-01, 1200 state
      B: vocational-training 2006-05-01..2006-08-31, 10000 municipality, not completed
      C: doctor 2005-06-01 (only in 2005), 500, no payer -> unknown
    => 2006: women 2 (A, B); interpreter women 2 times 2 cost 2000; course women 1 cost 6000
       completed 1; vocational not_completed 1 cost 10000; total 18000;
       payer project women 1 cost 6800, state 1 / 1200, municipality 1 / 10000.
    => 2005: women 2 (A, C); total 6500; unknown payer women 1 cost 500.
    """
    a, b, c = add_woman(records, first_contact="2005-05-01"), add_woman(records, first_contact="2005-05-01"), add_woman(records, first_contact="2005-05-01")
    service(records, a, "--kind", "norwegian-course", "--on", "2005-11-01", "--to", "2006-02-28", "--cost", "6000", "--paid-by", "project", "--completed")
    service(records, a, "--kind", "interpreter", "--on", "2006-03-01", "--cost", "800", "--paid-by", "project")
    service(records, b, "--kind", "interpreter", "--on", "2006-04-01", "--cost", "1200", "--paid-by", "state")
    service(records, b, "--kind", "vocational-training", "--on", "2006-05-01", "--to", "2006-08-31", "--cost", "10000", "--paid-by", "municipality", "--not-completed")
    service(records, c, "--kind", "doctor", "--on", "2005-06-01", "--cost", "500")
    # activities 2006: seminar (ours by default) 72 people 1 day; conferences 1 + 0.5 days;
    # a lecture 30 people, not ours. 2005: one lecture.
    activity(records, "--kind", "seminar", "--on", "2006-10-19", "--participants", "72", "--days", "1")
    activity(records, "--kind", "conference", "--on", "2006-04-06", "--days", "1", "--shelters", "2")
    activity(records, "--kind", "conference", "--on", "2006-11-23", "--days", "0.5")
    activity(records, "--kind", "lecture", "--on", "2006-03-02", "--participants", "30")
    activity(records, "--kind", "lecture", "--on", "2005-03-02", "--participants", "20")
    run_ok(records, "website", "set", "2006-03", "--visits", "100", "--pages", "300", "--hits", "1000", "--sites", "50")
    run_ok(records, "website", "set", "2006-04", "--visits", "200", "--pages", "400")
    return {"records": records, "a": a, "b": b, "c": c}


def test_service_statistics_worked_by_hand(small):
    figures = report_json(small["records"], "--year", "2006")
    s = figures["services"]
    assert s["women"] == 2 and s["cost_total"] == 18000
    assert s["by_kind"]["interpreter"] == {"women": 2, "times": 2, "cost": 2000, "completed": 0, "not_completed": 0}
    assert s["by_kind"]["norwegian-course"] == {"women": 1, "times": 1, "cost": 6000, "completed": 1, "not_completed": 0}
    assert s["by_kind"]["vocational-training"] == {"women": 1, "times": 1, "cost": 10000, "completed": 0, "not_completed": 1}
    assert s["by_kind"]["doctor"]["times"] == 0
    assert set(s["by_kind"]) >= {"interpreter", "doctor", "travel", "other"}
    assert s["by_payer"]["project"] == {"women": 1, "cost": 6800}
    assert s["by_payer"]["state"] == {"women": 1, "cost": 1200}
    assert s["by_payer"]["municipality"] == {"women": 1, "cost": 10000}
    assert s["by_payer"]["unknown"] == {"women": 0, "cost": 0}
    earlier = report_json(small["records"], "--year", "2005")["services"]
    assert earlier["women"] == 2 and earlier["cost_total"] == 6500
    assert earlier["by_payer"]["unknown"] == {"women": 1, "cost": 500}


def test_activity_and_website_statistics_worked_by_hand(small):
    figures = report_json(small["records"], "--year", "2006")
    act = figures["activities"]
    # 4 activities, 72 + 30 participants, seminar and two conferences organised by us
    assert act["total"] == 4 and act["participants"] == 102 and act["organised_by_us"] == 3
    assert act["by_kind"]["seminar"] == {"count": 1, "participants": 72, "days": 1}
    assert act["by_kind"]["conference"] == {"count": 2, "participants": 0, "days": 1.5}
    assert act["by_kind"]["lecture"] == {"count": 1, "participants": 30, "days": 0}
    web = figures["website"]
    assert web["by_month"] == {"2006-03": {"visits": 100, "pages": 300, "hits": 1000, "sites": 50},
                               "2006-04": {"visits": 200, "pages": 400, "hits": None, "sites": None}}
    assert (web["visits"], web["pages"], web["hits"]) == (300, 700, 1000)
    spring = report_json(small["records"], "--from", "2006-04-01", "--to", "2006-06-30")
    assert list(spring["website"]["by_month"]) == ["2006-04"]
    assert spring["activities"]["total"] == 1  # the conference on 2006-04-06


def test_report_tables_in_every_format(small):
    records = small["records"]
    table = run_ok(records, "report", "--year", "2006", "--compare").stdout
    for title in ("Tilbud og tjenester", "Utgifter", "Informasjon og nettverksarbeid", "Nettsiden"):
        assert title in table
    assert "18 000 kr" in table and "10 000 kr" in table and "6 500 kr" in table
    assert "Yrkesopplæring: ikke fullført" in table
    english = run_ok(records, "report", "--year", "2006", "--lang", "en").stdout
    assert "Costs in total" in english and "18 000 kr" in english
    rows = list(csv.reader(io.StringIO(run_ok(records, "report", "--year", "2006", "--format", "csv", "--no-excel").stdout.lstrip("\ufeff"))))
    assert ["services", "cost_total", "Utgifter i alt", "18000", ""] in rows
    assert ["activities.by_kind.conference", "days", "Konferanse: dager", "1.5", ""] in rows
    markdown = run_ok(records, "report", "--year", "2006", "--format", "markdown").stdout
    assert "Nettsiden" in markdown and "18 000 kr" in markdown
    page = run_ok(records, "report", "--year", "2006", "--format", "html").stdout
    assert "Informasjon og nettverksarbeid" in page and "18 000 kr" in page


def test_public_report_suppresses_women_counts_and_withholds_small_costs(small):
    records = small["records"]
    public = report_json(records, "--year", "2006", "--public")
    s = public["services"]
    # every count of women here is 1 or 2: hidden (suppress_below 3); zeros stay
    assert s["women"] is None and s["by_kind"]["interpreter"]["women"] is None
    assert s["by_kind"]["doctor"]["women"] == 0
    # costs of kinds and payers given to fewer than 3 women are withheld, and the total
    assert s["by_kind"]["interpreter"]["cost"] is None and s["by_payer"]["state"]["cost"] is None
    assert s["cost_total"] is None
    # activities and the website are not about women: shown as they are
    assert public["activities"]["by_kind"]["seminar"]["count"] == 1
    assert public["activities"]["by_kind"]["conference"]["days"] == 1.5
    assert public["website"]["by_month"]["2006-03"]["visits"] == 100


def test_woman_show_lists_her_services(small):
    shown = run_ok(small["records"], "woman", "show", small["b"]).stdout
    assert "interpreter" in shown and "vocational-training" in shown


# --- the sample: SPEC section 9's seed figures -------------------------------------------------


@pytest.fixture(scope="module")
def sample_2006(tmp_path_factory) -> dict:
    return report_json(SAMPLE, "--year", "2006")


def test_sample_services_2006(sample_2006):
    kinds = sample_2006["services"]["by_kind"]
    assert kinds["norwegian-course"]["women"] == 14
    assert kinds["vocational-training"]["women"] == 2
    assert (kinds["vocational-training"]["completed"], kinds["vocational-training"]["not_completed"]) == (1, 1)
    assert kinds["interpreter"]["women"] == 13
    # of the 14 on a Norwegian course, paid by project / municipality / ngo: 8 / 2 / 4
    import yaml

    payers = {}
    for path in (SAMPLE / "services" / "2006").glob("T-*.yaml"):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record["kind"] == "norwegian-course":
            payers.setdefault(record["paid_by"], set()).add(record["woman"])
    assert {k: len(v) for k, v in payers.items()} == {"project": 8, "municipality": 2, "ngo": 4}


def test_sample_activities_and_website_2006(sample_2006):
    act = sample_2006["activities"]["by_kind"]
    assert (act["seminar"]["count"], act["seminar"]["participants"]) == (1, 72)
    assert (act["conference"]["count"], act["conference"]["days"]) == (2, 1.5)
    assert act["network-meeting"]["count"] == 2
    assert act["lecture"]["count"] >= 31
    assert (act["course"]["count"], act["course"]["days"]) == (1, 2)
    web = sample_2006["website"]["by_month"]
    assert list(web) == [f"2006-{m:02d}" for m in range(3, 13)]
    assert [web[m]["visits"] for m in web] == [1626, 1416, 1501, 1092, 1211, 919, 1244, 1913, 1424, 1135]
    assert [web[m]["pages"] for m in web] == [3494, 3749, 4301, 2129, 2362, 1802, 2596, 4055, 2912, 1948]
    assert [web[m]["hits"] for m in web] == [12068, 10423, 14677, 7411, 6967, 6555, 9100, 14733, 10420, 5986]
    assert [web[m]["sites"] for m in web] == [719, 561, 876, 546, 466, 443, 530, 876, 611, 433]


def test_charts_of_services_costs_activities_and_website(small, tmp_path):
    records = small["records"]
    for kind, bars in (("services", ("interpreter", "norwegian-course", "vocational-training")),
                       ("costs", ("interpreter", "vocational-training")),
                       ("activities", ("2006-03", "2006-04", "2006-10", "2006-11")),
                       ("website", ("2006-03", "2006-04"))):
        out = tmp_path / f"{kind}.svg"
        run_ok(records, "chart", kind, "--year", "2006", "-o", str(out))
        svg = out.read_text(encoding="utf-8")
        for key in bars:
            assert f'id="bar-{kind}-current-{key}"' in svg, (kind, key)
    page = run_ok(records, "report", "--year", "2006", "--format", "html").stdout
    for kind in ("services", "costs", "activities", "website"):
        assert f'data-kind="{kind}"' in page


def test_export_and_import_round_trip_every_section9_kind(small, tmp_path):
    from helpers import init_records

    source = small["records"]
    target = init_records(tmp_path / "other")
    women = run_ok(source, "export", "women").stdout
    (tmp_path / "women.csv").write_text(women, encoding="utf-8")
    run_ok(target, "import", "women", str(tmp_path / "women.csv"))
    for kind in ("services", "activities", "website"):
        exported = run_ok(source, "export", kind, "--no-excel").stdout
        path = tmp_path / f"{kind}.csv"
        path.write_text(exported, encoding="utf-8")
        run_ok(target, "import", kind, str(path))
        again = run_ok(target, "export", kind, "--no-excel").stdout
        assert again.splitlines()[1:] != []
        if kind == "website":
            assert again == exported
        else:  # new ids, same everything else
            strip = lambda text: sorted(line.split(",", 1)[1] for line in text.splitlines()[1:])  # noqa: E731
            assert strip(again) == strip(exported)
    assert git_state(target)[0][0] == "import website (2 records)"
    assert report_json(target, "--year", "2006")["services"] == report_json(source, "--year", "2006")["services"]
    # a second import of the same months is refused whole, nothing written
    before = snapshot(target)
    again = invoke(target, "import", "website", str(tmp_path / "website.csv"))
    assert again.exit_code == 2 and "2006-03 already has figures" in again.stderr
    assert snapshot(target) == before


def test_import_services_refuses_bad_rows_by_line(records: Path, tmp_path):
    woman = add_woman(records)
    path = tmp_path / "services.csv"
    path.write_text("woman,kind,on,to,cost\n"
                    f"{woman},doctor,2006-03-01,,500\n"
                    f"{woman},doctor,2006-03-01,2006-02-01,500\n"
                    f"W-2006-ZZZZZ,doctor,2006-03-01,,500\n"
                    f"{woman},doctor,2006-03-01,,-1\n", encoding="utf-8")
    before = snapshot(records)
    result = invoke(records, "import", "services", str(path))
    assert result.exit_code == 2
    for line in (3, 4, 5):
        assert f"services.csv:{line}:" in result.stderr
    assert "services.csv:2:" not in result.stderr
    assert snapshot(records) == before


def test_void_a_service_and_a_woman_named_by_a_service_is_refused(records: Path):
    woman = add_woman(records)
    tid = service(records, woman, "--kind", "doctor", "--on", "2006-03-01")
    refused = invoke(records, "void", woman, "--reason", "entered twice", "--yes")
    assert refused.exit_code == 2 and tid in refused.stderr
    run_ok(records, "void", tid, "--reason", "entered twice", "--yes")
    assert not (records / "services" / "2006" / f"{tid}.yaml").exists()
    assert git_state(records)[0][0].startswith(f"void {tid}")
    aid = activity(records, "--kind", "lecture", "--on", "2006-03-02")
    run_ok(records, "void", aid, "--reason", "wrong date", "--yes")
    assert not (records / "activities" / "2006" / f"{aid}.yaml").exists()


def test_scrub_removes_a_phone_number_from_a_service_provider(records: Path):
    from helpers import commit_all, git

    woman = add_woman(records)
    tid = service(records, woman, "--kind", "doctor", "--on", "2006-03-01")
    path = records / "services" / "2006" / f"{tid}.yaml"
    phone = " ".join(f"{d}{d - 1}" for d in (9, 7, 5, 3))  # made up, built at run time
    path.write_text(path.read_text(encoding="utf-8") + f"provider: legekontor {phone}\n", encoding="utf-8")
    commit_all(records, f"hand edit {tid}")
    result = invoke(records, "scrub", phone, "--yes")
    assert result.exit_code == 0, result.output
    assert phone not in path.read_text(encoding="utf-8")
    assert phone not in git(records, "log", "-p", "--all")


def test_activity_add_prompts_on_a_terminal(records: Path):
    # kind by start of key ("lec"), on a date, days skipped, participants "many" then 25, audience, rest skipped
    answers = "\n".join(["lec", "2006-05-04", "", "many", "25", "police, ngo", "", ""]) + "\n"
    result = invoke(records, "activity", "add", "--prompt", input=answers)
    assert result.exit_code == 0, result.output
    aid = result.stdout.strip().splitlines()[-1]
    text = (records / "activities" / "2006" / f"{aid}.yaml").read_text(encoding="utf-8")
    assert "kind: lecture" in text and "participants: 25" in text and "- police\n- ngo" in text
    assert "'many' is not a whole number" in result.stderr
