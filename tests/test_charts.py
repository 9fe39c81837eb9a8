"""``rosa chart``: valid PNG and SVG files with the right bars, from the report's figures."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import add_woman, invoke, no_traceback, open_stay, run_ok

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


def bars(svg: Path, kind: str, role: str = "current") -> list:
    """The ids of the bars a chart file draws for one period (``bar-<kind>-<role>-<key>``)."""
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG_NS}svg"
    prefix = f"bar-{kind}-{role}-"
    return [el.get("id") for el in root.iter() if (el.get("id") or "").startswith(prefix)]


def report_json(records: Path, *args: str) -> dict:
    return json.loads(run_ok(records, "report", "--format", "json", *args).stdout)


def test_png_is_a_valid_image(sample_records, tmp_path):
    out = tmp_path / "calls.png"
    result = run_ok(sample_records, "chart", "calls", "--year", "2006", "-o", str(out))
    assert result.stdout == "" and "calls.png" in result.stderr
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    import matplotlib.image
    from PIL import Image

    with Image.open(out) as image:
        image.verify()
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size[0] >= 1000 and image.size[1] >= 400
        colours = {colour for _, colour in image.convert("RGB").getcolors(1 << 20)}
    assert (0x00, 0x72, 0xB2) in colours  # the Okabe–Ito blue of the bars
    pixels = matplotlib.image.imread(out)
    assert pixels.ndim == 3 and pixels.shape[0] > 0


def test_svg_has_one_bar_per_category(sample_records, tmp_path):
    figures = report_json(sample_records, "--year", "2006")
    expected = {
        "calls": figures["calls"]["by_subject"],
        "months": figures["calls"]["by_month"],
        "callers": figures["calls"]["by_caller"],
        "nationalities": figures["calls"]["first_time"]["by_nationality"],
        "admitted-nationalities": figures["admissions"]["by_nationality"],
        "ages": figures["admissions"]["by_age_group"],
        "referrers": figures["admissions"]["by_referrer"],
        "residence": figures["admissions"]["by_residence"],
        "durations": figures["stays"]["by_duration_group"],
        "shelters": figures["stays"]["by_shelter"],
    }
    for kind, mapping in expected.items():
        out = tmp_path / f"{kind}.svg"
        run_ok(sample_records, "chart", kind, "--year", "2006", "-o", str(out))
        ids = bars(out, kind)
        assert len(ids) == len(mapping), kind
        assert bars(out, kind, "previous") == []
    # the bars are the figures: 82 / 517 / 172 / 266 calls by subject, named by key
    svg = (tmp_path / "calls.svg").read_text()
    for key in ("trafficking-first", "trafficking-followup", "project-info", "other"):
        assert f'id="bar-calls-current-{key}"' in svg
    for value in ("82", "517", "172", "266"):
        assert f"<!-- {value} -->" in svg  # value labels on the bars (matplotlib notes text in comments)
    assert "<!-- Menneskehandel 1. gang -->" in svg and "<!-- Antall henvendelser -->" in svg


def test_compare_draws_the_previous_period_beside(sample_records, tmp_path):
    out = tmp_path / "ages.svg"
    run_ok(sample_records, "chart", "ages", "--year", "2006", "--compare", "--lang", "en", "-o", str(out))
    figures = report_json(sample_records, "--year", "2006", "--compare")
    assert len(bars(out, "ages")) == len(figures["admissions"]["by_age_group"])
    assert len(bars(out, "ages", "previous")) == len(figures["previous"]["admissions"]["by_age_group"])
    svg = out.read_text()
    assert "<!-- Age: 2006 compared with 2005 -->" in svg and "<!-- Number of women -->" in svg
    assert "<!-- 2005 -->" in svg  # the legend


def test_svg_is_reproducible_and_png_looks_the_same(sample_records, tmp_path):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    run_ok(sample_records, "chart", "months", "--year", "2006", "-o", str(first))
    run_ok(sample_records, "chart", "months", "--year", "2006", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert "<dc:date>" not in first.read_text()
    # the PNG is the same figure: same aspect ratio as the SVG's size
    png = tmp_path / "a.png"
    run_ok(sample_records, "chart", "months", "--year", "2006", "-o", str(png))
    from PIL import Image

    root = ET.parse(first).getroot()
    width, height = (float(root.get(side).rstrip("pt")) for side in ("width", "height"))
    with Image.open(png) as image:
        assert abs(image.size[0] / image.size[1] - width / height) < 0.01


def small_folder(records: Path) -> Path:
    """Four Nigerian women, one Albanian and two Bulgarian admitted in 2006; two calls."""
    for month in range(2, 6):
        on = f"2006-{month:02d}-01"
        open_stay(records, add_woman(records, "--born", "1980", nationality="NG", first_contact=on), "oslo", on)
    for nationality, on in (("AL", "2006-05-01"), ("BG", "2006-07-01"), ("BG", "2006-08-01")):
        open_stay(records, add_woman(records, "--born", "1985", nationality=nationality, first_contact=on), "bergen", on)
    for subject in ("trafficking-first", "project-info"):
        run_ok(records, "call", "add", "--at", "2006-06-01 10:00", "--caller", "police", "--subject", subject)
    return records


def test_public_suppressed_counts_get_no_bar(records, tmp_path):
    small_folder(records)
    # three Romanian women too: with NG 4, AL 1, BG 2 alone, AL + BG = 7 - 4 would show
    # both are below 3, so --public would hide every nationality
    for on in ("2006-09-01", "2006-09-02", "2006-09-03"):
        open_stay(records, add_woman(records, "--born", "1985", nationality="RO", first_contact=on), "bergen", on)
    figures = report_json(records, "--year", "2006", "--public")
    by_nationality = figures["admissions"]["by_nationality"]
    assert by_nationality["AL"] is None and by_nationality["BG"] is None
    shown = [key for key, value in by_nationality.items() if value is not None]
    assert shown  # some are drawn, some are not
    out = tmp_path / "admitted.svg"
    run_ok(records, "chart", "admitted-nationalities", "--year", "2006", "--public", "-o", str(out))
    assert sorted(bars(out, "admitted-nationalities")) == sorted(
        f"bar-admitted-nationalities-current-{key}" for key in shown)
    svg = out.read_text()
    assert svg.count("<!-- : -->") == len(by_nationality) - len(shown)  # ':' where a bar would be
    # without --public every nationality is drawn
    run_ok(records, "chart", "admitted-nationalities", "--year", "2006", "-o", str(out))
    assert len(bars(out, "admitted-nationalities")) == len(by_nationality) == 4


def test_from_to_period_and_english(records, tmp_path):
    small_folder(records)
    out = tmp_path / "shelters.svg"
    run_ok(records, "chart", "shelters", "--from", "2006-01-01", "--to", "2006-06-30", "--lang", "en", "-o", str(out))
    ids = bars(out, "shelters")
    assert sorted(ids) == ["bar-shelters-current-bergen", "bar-shelters-current-oslo"]
    svg = out.read_text()
    assert "<!-- Bed-nights -->" in svg and "<!-- Oslo krisesenter -->" in svg


@pytest.mark.parametrize(
    "args, message",
    [
        (["pies", "--year", "2006", "-o", "x.png"], "unknown chart 'pies'"),
        (["calls", "--year", "2006", "-o", "x.pdf"], ".png or .svg"),
        (["calls", "--year", "2006", "-o", "x"], ".png or .svg"),
        (["calls", "--year", "2006"], "-o FILE.png"),
        ([], "name the chart to draw"),
        (["calls", "--year", "2006", "--from", "2006-01-01", "-o", "x.png"], "either --year"),
    ],
)
def test_bad_usage_is_one_clean_line(sample_records, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke(sample_records, "chart", *args)
    no_traceback(result)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], result.stderr
    assert list(tmp_path.iterdir()) == []


def test_matplotlib_is_imported_only_to_draw(sample_records):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from rosa_cli.cli.main import main\n"
        f"r = CliRunner().invoke(main, ['--records', {str(sample_records)!r}, 'report', '--year', '2006', '--format', 'json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(main, ['--records', {0!r}, 'report', '--year', '2006', '--format', 'markdown'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(main, ['chart', '--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('matplotlib' in sys.modules)\n"
    ).replace("{0!r}", repr(str(sample_records)))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_every_kind_reads_the_report_result():
    """The charts are drawn from the result structure every format renders."""
    from rosa_cli.charts import KINDS, chart_data
    from rosa_cli.cli.chart import KIND_NAMES
    from rosa_cli.core.model import Records, Settings
    from rosa_cli.core.vocab import default_settings
    from rosa_cli.stats import Period, compute_report

    assert tuple(KINDS) == KIND_NAMES
    settings = Settings(**default_settings())
    from datetime import date

    result = compute_report(Records(settings=settings), Period.year(2006), date(2007, 1, 1))
    result["calls"]["by_subject"]["other"] = None  # as after suppress()
    for kind in KINDS:
        data = chart_data(kind, result, settings, "en")
        assert data.series and data.series[-1].role == "current" and data.series[-1].label == "2006"
        assert len(data.keys) == len(data.labels) == len(data.series[-1].values)
    calls = chart_data("calls", result, settings, "nb")
    assert calls.series[-1].values[-1] is None and calls.has_suppressed
    assert calls.bar_count() == 3
    with pytest.raises(KeyError):
        chart_data("pies", result, settings)
