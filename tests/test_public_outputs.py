"""What a published report file says about itself, and that its text cannot run.

Every ``--public`` output names the public version and its protection method at the
top; JSON and CSV also carry the organisation and the date made (issue 9 item 5).
CSV cells cannot start a spreadsheet formula and Markdown cannot carry live HTML,
whatever the organisation, shelter or vocabulary names say (issue 9 item 7).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import add_woman, commit_all, open_stay
from rosa_cli.cli.main import main
from rosa_cli.stats.suppress import METHOD

SAMPLE = Path(__file__).resolve().parent.parent / "records"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://example.invalid/x","y")'


def report(records: Path, *args: str):
    return CliRunner().invoke(main, ["--records", str(records), "report", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def public_2006() -> dict:
    result = report(SAMPLE, "--year", "2006", "--public", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_public_json_names_method_organisation_and_date_first(public_2006):
    assert list(public_2006)[0] == "public"
    public = public_2006["public"]
    assert public["method"] == METHOD
    assert "complementary cell suppression" in METHOD and "calendar-year" in METHOD
    assert public["organisation"] == "ROSA (fiktivt eksempel)"
    assert date.fromisoformat(public["made"]) <= date.today()
    assert public["suppress_below"] == 3
    # SPEC section 5's shape is kept: every section, and null for a suppressed count
    for key in ("period", "records", "calls", "office_visits", "offers", "admissions", "stays", "residence_at_end"):
        assert key in public_2006
    assert public_2006["residence_at_end"]["reflection-period"] is None


def test_the_sample_figures_stay_exact_without_public():
    plain = json.loads(report(SAMPLE, "--year", "2006", "--format", "json").stdout)
    assert "public" not in plain
    assert (plain["admissions"]["age_min"], plain["admissions"]["age_max"]) == (18, 52)


def test_public_csv_starts_with_method_organisation_and_date():
    result = report(SAMPLE, "--year", "2006", "--public", "--format", "csv", "--lang", "en")
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.stdout[1:])))
    assert rows[0] == ["section", "key", "label", "value", "previous"]
    top = {row[1]: row[3] for row in rows[1:5] if row[0] == "public"}
    assert top["method"] == METHOD
    assert top["organisation"] == "ROSA (fiktivt eksempel)"
    assert date.fromisoformat(top["made"]) <= date.today()
    assert top["suppress_below"] == "3"
    youngest = next(row for row in rows if row[:2] == ["admissions", "age_min"])
    assert youngest[3] == ":"


@pytest.mark.parametrize("fmt,first", [
    ("markdown", lambda text: text.splitlines()[2]),
    ("table", lambda text: text.splitlines()[0]),
])
def test_public_markdown_and_table_say_so_at_the_top(fmt, first):
    text = report(SAMPLE, "--year", "2006", "--public", "--format", fmt, "--lang", "en").stdout
    assert "Public version" in first(text)
    assert "complementary cell suppression with extremes withheld" in " ".join(" ".join(text.splitlines()[:4]).split())
    plain = report(SAMPLE, "--year", "2006", "--format", fmt, "--lang", "en").stdout
    assert "Public version" not in plain


def test_public_chart_data_carries_the_public_line(public_2006):
    from rosa_cli.charts import chart_data
    from rosa_cli.core.folder import RecordsFolder

    settings = RecordsFolder(SAMPLE).settings
    assert chart_data("ages", public_2006, settings, "en").public.startswith("Public version")
    plain = dict(public_2006)
    plain.pop("public")
    assert chart_data("ages", plain, settings, "en").public == ""


# --- hostile names -----------------------------------------------------------------------

@pytest.fixture
def hostile(records) -> Path:
    """Organisation, a shelter and a referrer label that would run in a browser or a sheet."""
    import yaml

    settings_file = records / "rosa.yaml"
    settings = yaml.safe_load(settings_file.read_text(encoding="utf-8"))
    settings["organisation"] = f"Org {SCRIPT}"
    settings["vocabularies"]["referrer"]["police"]["en"] = FORMULA
    settings_file.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shelters_file = records / "shelters.yaml"
    shelters = yaml.safe_load(shelters_file.read_text(encoding="utf-8"))
    shelters["bergen"]["name"] = IMG
    shelters["oslo"]["name"] = "@SUM(1+1)|x"
    shelters_file.write_text(yaml.safe_dump(shelters, allow_unicode=True, sort_keys=False), encoding="utf-8")
    commit_all(records, "hostile names for the test")
    for month in range(1, 5):
        on = f"2006-{month:02d}-01"
        open_stay(records, add_woman(records, "--referred-by", "police", first_contact=on),
                  "oslo" if month % 2 else "bergen", on)
    return records


@pytest.mark.parametrize("public", [(), ("--public",)])
def test_csv_cells_cannot_start_a_formula(hostile, public):
    result = report(hostile, "--year", "2006", "--format", "csv", "--lang", "en", *public)
    assert result.exit_code == 0, result.output
    cells = [cell for row in csv.reader(io.StringIO(result.stdout)) for cell in row]
    assert "'" + FORMULA in cells
    assert "'@SUM(1+1)|x" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [cell for cell in cells if cell.startswith("-") and not cell.lstrip("-").isdigit()]


@pytest.mark.parametrize("public", [(), ("--public",)])
def test_markdown_carries_no_live_html(hostile, public):
    result = report(hostile, "--year", "2006", "--format", "markdown", "--lang", "en", *public)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;" in text.splitlines()[0]  # the organisation in the heading
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "@SUM(1+1)\\|x" in text  # the pipe stays inside its cell
    assert '=HYPERLINK(&quot;http://example.invalid/x&quot;,&quot;y&quot;)' in text


def test_html_keeps_escaping(hostile):
    result = report(hostile, "--year", "2006", "--format", "html", "--public")
    assert result.exit_code == 0, result.output
    assert SCRIPT not in result.stdout and IMG not in result.stdout
    assert "&lt;script&gt;" in result.stdout
