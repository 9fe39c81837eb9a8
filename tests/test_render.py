"""Report renderers: JSON, CSV, Markdown, HTML and rich tables."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from rich.console import Console

from rosa_cli.core.model import Records, Settings, Shelter
from rosa_cli.core.vocab import default_settings
from rosa_cli.report import render_csv, render_html, render_json, render_markdown, render_table
from rosa_cli.report.sections import round_half_up
from rosa_cli.stats import Period, compute_report, suppress

D = date.fromisoformat
PROVENANCE = {"organisation": "ROSA", "from": "2006-01-01", "to": "2006-12-31",
              "generated": "2007-02-01", "commit": "1f2e3d4c5b6a", "clean": True}


def settings() -> Settings:
    return Settings(**default_settings())


def result(clean: bool = True, compare: bool = False) -> dict:
    r = compute_report(Records(settings=settings()), Period.year(2006), D("2007-02-01"))
    r = {"period": r["period"], "records": {"commit": "1f2e3d4c5b6a", "clean": clean}, **r}
    r["calls"]["total"] = 1037
    r["calls"]["by_subject"].update({"trafficking-first": 82, "trafficking-followup": 517,
                                     "project-info": 172, "other": 266})
    r["calls"]["by_channel"]["phone"] = 1037
    r["calls"]["by_month"]["2006-01"] = 1037
    r["calls"]["first_time"] = {"total": 82, "by_nationality": {"NG": 20, "AL": 9, "RO": 8, "SE": 2, "unknown": 43},
                                "nationality_count": 24}
    r["admissions"]["women"] = 31
    r["admissions"]["by_age_group"].update({"18-19": 3, "20-24": 10, "25-29": 8, "30-39": 6, "40+": 4})
    r["admissions"]["age_min"], r["admissions"]["age_max"] = 18, 52
    r["stays"].update({"bed_nights": 5525, "women": 49})
    r["stays"]["duration"] = {"mean": 5525 / 49, "median": 90.0, "min": 5, "max": 560}
    r["stays"]["by_shelter"] = {"oslo": 5525}
    r["office_visits"] = {"total": 15, "women": 12, "women_once": 10, "women_repeated": 2}
    if compare:
        prev = compute_report(Records(settings=settings()), Period.year(2005), D("2007-02-01"))
        prev["calls"]["total"] = 1000
        prev["calls"]["by_month"]["2005-01"] = 1000
        prev["admissions"]["women"] = 18
        prev["stays"].update({"bed_nights": 2000, "women": 18})
        prev["stays"]["duration"] = {"mean": 2000 / 18, "median": 100.0, "min": 7, "max": 300}
        r["previous"] = prev
    return r


SHELTERS = {"oslo": Shelter("oslo", "Oslo krisesenter")}


def test_round_half_up():
    assert round_half_up(112.7551) == 113
    assert round_half_up(112.5) == 113 and round_half_up(111.5) == 112 and round_half_up(112.49) == 112


def test_json_is_the_result():
    r = result()
    text = render_json(r)
    assert json.loads(text) == r
    assert text.endswith("\n")
    assert list(json.loads(text)) == list(r)


def test_markdown_norwegian():
    md = render_markdown(result(), settings(), "nb", PROVENANCE, shelters=SHELTERS)
    assert md.startswith("# ROSA — statistikk 2006\n")
    for heading in ("Telefonhenvendelser", "Hva gjelder henvendelsen", "Nasjonalitet",
                    "Kvinner som er henvist til trygt bosted", "Alder", "Hvem henviste kvinnene", "Botid",
                    "Oppholdsstatus ved inntak", "Samtaler på kontoret"):
        assert f"\n## {heading}\n" in md
    assert "| Henvendelser i alt | 1037 |" in md
    assert "| Menneskehandel 1. gang | 82 |" in md
    assert "| Nigeria | 20 |" in md
    assert "| Gjennomsnittlig botid (dager) | 113 |" in md
    assert "| Overnattingsdøgn | 5525 |" in md
    assert "| Oslo krisesenter | 5525 |" in md
    assert "| Yngste (år) | 18 |" in md and "| Eldste (år) | 52 |" in md
    assert "| 20–24 år | 10 |" in md and "| 40 år og eldre | 4 |" in md
    assert "| januar | 1037 |" in md
    assert "1f2e3d4c5b6a" in md
    assert "Advarsel" not in md
    assert "«:»" not in md  # nothing suppressed, no footnote


def test_markdown_warns_when_not_clean():
    md = render_markdown(result(clean=False), settings(), "nb", dict(PROVENANCE, clean=False))
    assert "> **Advarsel: registermappen hadde endringer som ikke var committet" in md
    md = render_markdown(result(clean=False), settings(), "en")  # provenance from the result
    assert "Warning: the records folder had uncommitted changes" in md


def test_markdown_english_and_compare():
    md = render_markdown(result(compare=True), settings(), "en", PROVENANCE)
    assert "| | 2006 | 2005 | Change |".replace("| |", "|  |") in md
    assert "## Calls\n" in md and "## What the call was about\n" in md and "## Who referred the women\n" in md
    assert "| Calls in total | 1037 | 1000 | +37 |" in md
    assert "| Women referred to a safe place | 31 | 18 | +13 |" in md
    assert "| Mean length of stay (days) | 113 | 111 | +2 |" in md
    assert "| January | 1037 | 1000 | +37 |" in md  # months are paired by position
    assert "| Bed-nights | 5525 | 2000 | +3525 |" in md


def test_suppressed_counts_print_as_colon():
    r = result()
    r["admissions"]["by_referrer"]["self"] = 1
    r["admissions"]["by_referrer"]["police"] = 30
    pub = suppress(r, 3)
    md = render_markdown(pub, settings(), "nb", PROVENANCE)
    assert "| Kvinnen selv | : |" in md and "| Politi | : |" in md
    assert "| Sverige | : |" in md
    assert "«:» = skjult av personvernhensyn" in md
    text = render_csv(pub, settings(), "nb")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    self_row = next(r for r in rows if r["section"] == "admissions.by_referrer" and r["key"] == "self")
    assert self_row["value"] == ":"


def test_statistic_over_nobody_prints_dash():
    r = compute_report(Records(settings=settings()), Period.year(2006), D("2007-02-01"))
    md = render_markdown(r, settings(), "en")
    assert "| Mean length of stay (days) | – |" in md
    assert "| Youngest (years) | – |" in md


def test_csv_one_row_per_figure():
    r = result(compare=True)
    rows = list(csv.DictReader(io.StringIO(render_csv(r, settings(), "nb").lstrip("\ufeff")), delimiter=";"))
    assert set(rows[0]) == {"section", "key", "label", "value", "previous"}
    by = {(row["section"], row["key"]): row for row in rows}
    assert by[("calls", "total")]["value"] == "1037" and by[("calls", "total")]["previous"] == "1000"
    assert by[("calls.by_subject", "trafficking-first")]["label"] == "Menneskehandel 1. gang"
    assert by[("stays.duration", "mean")]["value"] == "112,76"  # nb: decimal comma
    assert by[("calls.first_time.by_nationality", "NG")]["label"] == "Nigeria"
    assert by[("records", "commit")]["value"] == "1f2e3d4c5b6a"
    assert by[("period", "from")]["value"] == "2006-01-01" and by[("period", "from")]["previous"] == "2005-01-01"
    assert len(by) == len(rows)  # no figure twice
    no_compare = list(csv.DictReader(io.StringIO(render_csv(result(), settings(), "en").lstrip("\ufeff"))))
    assert all(row["previous"] == "" for row in no_compare)
    assert {row["key"]: row["value"] for row in no_compare if row["section"] == "stays.duration"}["mean"] == "112.76"


def test_rich_table():
    console = Console(record=True, width=100, color_system=None)
    render_table(result(compare=True), settings(), "nb", PROVENANCE, console, shelters=SHELTERS)
    out = console.export_text()
    assert "Organisasjon: ROSA" in out and "1f2e3d4c5b6a" in out
    for heading in ("Telefonhenvendelser", "Hva gjelder henvendelsen", "Hvem henviste kvinnene",
                    "Samtaler på kontoret", "Oppholdsstatus ved inntak", "Botid", "Alder", "Endring"):
        assert heading in out
    line = next(line for line in out.splitlines() if "Gjennomsnittlig botid" in line)
    assert "113" in line and "111" in line and "+2" in line
    assert "Advarsel" not in out


def test_rich_table_warns_and_escapes_markup():
    s = settings()
    s.vocabularies["referrer"]["police"]["en"] = "[bold]Police[/bold]"
    console = Console(record=True, width=100, color_system=None)
    render_table(result(clean=False), s, "en", dict(PROVENANCE, clean=False), console)
    out = console.export_text()
    assert "Warning: the records folder had uncommitted changes" in out
    assert "[bold]Police[/bold]" in out


def test_html():
    page = render_html(result(), settings(), "nb", PROVENANCE)
    assert page.startswith("<!DOCTYPE html>") and "<h2>Hva gjelder henvendelsen</h2>" in page
    assert '<td class="n">113</td>' in page


def test_a_note_of_digits_is_shown_as_written_and_numbers_stay_right_aligned(records):
    """Lists decide each column's alignment once (whole numbers right, the rest left)
    instead of tabulate's guess at every cell; what is shown must not change: digits
    exactly as written, numbers right-aligned under their header."""
    from helpers import add_woman, run_ok

    add_woman(records, "--born", "1986")
    add_woman(records, "--born", "1981", "--nationality", "RO")
    run_ok(records, "call", "add", "--caller", "police", "--subject", "other", "--note", "007", "--no-prompt")
    listed = run_ok(records, "call", "list", "--notes").stdout.splitlines()
    assert listed[0].rstrip().endswith("note") and listed[2].rstrip().endswith("007")
    women = run_ok(records, "woman", "list").stdout.splitlines()
    born = women[0].index("born") + len("born")  # right-aligned under its header
    assert sorted(line[born - 4:born] for line in women[2:]) == ["1981", "1986"]  # same first contact: any order
