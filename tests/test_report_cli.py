"""`rosa report` end to end: the sample reproduces the 2006 annual report, and the
command's periods, formats, provenance, --public, --compare and --force behave."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from rosa_cli.cli.main import main

SAMPLE = Path(__file__).resolve().parent.parent / "records"


def report(records: Path, *args: str):
    return CliRunner().invoke(main, ["--records", str(records), "report", *args], catch_exceptions=False)


def report_json(records: Path, *args: str) -> dict:
    result = report(records, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def sample_2006() -> dict:
    return report_json(SAMPLE, "--year", "2006")


def test_sample_2006_calls(sample_2006):
    calls = sample_2006["calls"]
    assert calls["total"] == 1037
    assert calls["by_subject"] == {"trafficking-first": 82, "trafficking-followup": 517, "project-info": 172, "other": 266}
    assert calls["first_time"]["total"] == 82
    assert calls["first_time"]["nationality_count"] == 24
    by_nat = calls["first_time"]["by_nationality"]
    assert (by_nat["NG"], by_nat["AL"], by_nat["RO"]) == (20, 9, 8)
    assert sum(calls["by_month"].values()) == 1037
    assert list(calls["by_month"]) == [f"2006-{m:02d}" for m in range(1, 13)]


def test_sample_2006_offers_and_admissions(sample_2006):
    assert sample_2006["offers"]["women"] == 82
    assert sample_2006["offers"]["accepted"] == 31
    adm = sample_2006["admissions"]
    assert adm["women"] == 31
    assert adm["by_nationality"]["NG"] == 7
    assert (adm["age_min"], adm["age_max"]) == (18, 52)
    assert adm["by_age_group"]["20-24"] + adm["by_age_group"]["25-29"] > 31 / 2  # "over half aged 20-30"
    assert adm["by_referrer"]["police"] == 18
    assert adm["by_referrer"]["self"] == 1
    assert adm["by_residence"]["irregular"] == 17
    assert adm["interpreter_needed"] == 13


def test_sample_2006_office_stays_and_residence(sample_2006):
    office = sample_2006["office_visits"]
    assert (office["women"], office["women_once"], office["women_repeated"]) == (12, 10, 2)
    stays = sample_2006["stays"]
    assert stays["open_at_end"] == {"women": 16, "shelters": 10}
    assert stays["women_with_children"] == 3
    assert sample_2006["residence_at_end"]["reflection-period"] == 1


def test_sample_2005_admissions():
    adm = report_json(SAMPLE, "--year", "2005")["admissions"]
    assert adm["women"] == 18
    assert adm["by_nationality"]["NG"] == 7


def test_sample_two_years_bed_nights_and_mean_stay():
    both = report_json(SAMPLE, "--from", "2005-01-01", "--to", "31.12.2006")
    stays = both["stays"]
    assert (stays["bed_nights"], stays["women"]) == (5525, 49)
    assert stays["duration"]["mean"] == pytest.approx(5525 / 49)
    assert stays["duration"]["min"] == 5
    assert stays["duration"]["max"] > 548
    assert both["admissions"]["women"] == 49
    assert both["admissions"]["nationality_count"] == 22
    table = report(SAMPLE, "--from", "2005-01-01", "--to", "2006-12-31", "--lang", "en")
    assert table.exit_code == 0
    assert "5525" in table.stdout
    mean_line = next(line for line in table.stdout.splitlines() if "mean" in line.lower())
    assert "113" in mean_line


def test_json_shape_has_every_key_and_provenance(sample_2006):
    assert list(sample_2006)[:2] == ["period", "records"]
    assert sample_2006["period"] == {"from": "2006-01-01", "to": "2006-12-31"}
    assert len(sample_2006["records"]["commit"]) == 40
    for key in ("calls", "office_visits", "offers", "admissions", "stays", "residence_at_end"):
        assert key in sample_2006
    assert set(sample_2006["calls"]["by_caller"]) >= {"shelter", "police", "woman", "other"}
    assert list(sample_2006["admissions"]["by_age_group"]) == ["0-17", "18-19", "20-24", "25-29", "30-39", "40+", "unknown"]
    assert list(sample_2006["stays"]["by_duration_group"]) == ["0-30", "31-90", "91-180", "181-365", "366+"]


def test_compare_adds_previous_period():
    result = report_json(SAMPLE, "--year", "2006", "--compare")
    assert result["previous"]["period"] == {"from": "2005-01-01", "to": "2005-12-31"}
    assert result["previous"]["admissions"]["women"] == 18


def test_public_hides_small_counts():
    result = report_json(SAMPLE, "--year", "2006", "--public")
    counts = result["admissions"]["by_nationality"]
    assert all(v is None or v == 0 or v >= 3 for v in counts.values())
    assert None in counts.values()
    assert result["residence_at_end"]["reflection-period"] is None


@pytest.mark.parametrize("suffix,check", [
    (".json", lambda text: json.loads(text)["calls"]["total"] == 1037),
    (".csv", lambda text: text.startswith("\ufeff") and any(row[:2] == ["calls", "total"] and row[3] == "1037" for row in csv.reader(io.StringIO(text[1:]), delimiter=";"))),
    (".md", lambda text: text.startswith("# ") and "| 1037 |" in text),
    (".txt", lambda text: "1037" in text),
])
def test_output_file_format_from_extension(tmp_path, suffix, check):
    out = tmp_path / f"report{suffix}"
    result = report(SAMPLE, "--year", "2006", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert check(out.read_text(encoding="utf-8"))
    assert out.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("args,needle", [
    (["--year", "2006", "--from", "2006-01-01", "--to", "2006-02-01"], "either --year"),
    (["--from", "2006-01-01"], "--from and --to"),
    (["--from", "2006-13-01", "--to", "2006-12-31"], "--from"),
    (["--from", "2006-12-31", "--to", "2006-01-01"], "--to"),
])
def test_bad_periods_are_usage_errors(args, needle):
    result = report(SAMPLE, *args)
    assert result.exit_code == 2
    assert needle in result.stderr
    assert "Traceback" not in result.output


@pytest.fixture
def broken_copy(tmp_path) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".rosa-cache"))
    victim = sorted((folder / "calls" / "2006").iterdir())[0]
    victim.write_text(victim.read_text(encoding="utf-8").replace("caller:", "calller:"), encoding="utf-8")
    return folder


def test_invalid_records_stop_the_report_unless_forced(broken_copy):
    refused = report(broken_copy, "--year", "2006", "--format", "json")
    assert refused.exit_code == 1
    assert "unknown field 'calller'; did you mean caller?" in refused.stderr
    assert refused.stdout == ""
    forced = report(broken_copy, "--year", "2006", "--format", "json", "--force")
    assert forced.exit_code == 0
    assert "1 invalid record file(s) left out" in forced.stderr
    assert json.loads(forced.stdout)["calls"]["total"] == 1036


def test_uncommitted_changes_are_named_in_the_report(records, rosa):
    assert rosa(records, "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-02-01 10:00", "--no-prompt").exit_code == 0
    clean = report_json(records, "--year", "2006")
    assert clean["records"]["clean"] is True
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=records, capture_output=True, text=True).stdout.strip()
    assert clean["records"]["commit"] == head
    (records / "calls" / "2006" / "C-2006-HAND1.yaml").write_text(
        "id: C-2006-HAND1\nat: 2006-02-02 10:00\ncaller: police\nsubject: other\n", encoding="utf-8"
    )
    dirty = report(records, "--year", "2006", "--format", "json")
    assert json.loads(dirty.stdout)["records"]["clean"] is False
    assert "uncommitted" in dirty.stderr
    assert json.loads(dirty.stdout)["calls"]["total"] == 2


def test_output_file_with_unknown_extension_is_refused(tmp_path):
    out = tmp_path / "report.pdf"
    result = report(SAMPLE, "--year", "2006", "-o", str(out))
    assert result.exit_code == 2
    assert "-o: cannot tell the format" in result.stderr
    assert not out.exists()
