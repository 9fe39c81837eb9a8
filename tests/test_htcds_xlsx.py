"""``rosa export htcds`` and Excel workbooks (issue 14).

The HTCDS export is checked against a copy of the standard's field list kept in
tests/data/ (see its README for the source and licence): every column is an HTCDS
field or a ``rosa_`` extra, every value is in its field's picklist (or a valid ISO
code / ISO date). k-anonymity is checked as a property of the output for several k.
Workbooks are opened with openpyxl and every number compared with ``--format json``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import stat
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from helpers import add_woman, commit_all, open_stay, run_ok, invoke, no_traceback

openpyxl = pytest.importorskip("openpyxl")

DATA = Path(__file__).resolve().parent / "data"
FIELD_LIST = DATA / "htcds-field-standards-2.0.csv"
QI_COLUMNS = ("prs_Citizenship", "rosa_citizenship_region", "rosa_age", "rosa_age_group", "prs_Gender",
              "vic_TypeOfExploitation", "rosa_first_contact_year")


def field_list():
    """{field name: set of picklist values, or None for a non-picklist field; type}."""
    fields = {}
    with FIELD_LIST.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["Field Name including Prefix"].strip()
            if not name or name == "N/A":
                continue
            values = [v.strip() for v in row["Value Names (if picklist)"].splitlines() if v.strip()]
            picklist = set(values) if values and not values[0].startswith("Use ISO") else None
            fields[name] = (row["Field Type"], picklist, row["Value Labels (if picklist)"] + row["Notes"])
    return fields


FIELDS = field_list()


def read_csv(text: str):
    rows = list(csv.DictReader(io.StringIO(text)))
    return rows


def htcds(records: Path, *args: str):
    result = run_ok(records, "export", "htcds", *args)
    return read_csv(result.stdout), result.stderr


def assert_htcds_valid(rows, header):
    import pycountry

    codes = {c.alpha_2 for c in pycountry.countries}
    for column in header:
        assert column in FIELDS or column.startswith("rosa_"), column
    for row in rows:
        for column, value in row.items():
            if value == "" or column.startswith("rosa_"):
                continue
            kind, picklist, notes = FIELDS[column]
            if picklist is not None:
                assert value in picklist, (column, value)
            elif "ISO 3166" in notes:
                assert value in codes, (column, value)
            elif kind.startswith("Lookup [to organisation]"):
                # rosa exports the referring organisation's type, never its name
                assert value in FIELDS["org_Type"][1], (column, value)
            elif kind == "Date":
                assert re.fullmatch(r"\d{4}-\d\d-\d\d", value) and date.fromisoformat(value), (column, value)
            else:
                pytest.fail(f"{column} is neither a picklist, an ISO code nor a date: {value!r}")


def sample_texts(sample: Path):
    """Every id and every free text (referrer, note) in the sample records."""
    import yaml

    ids, texts = set(), set()
    for path in sample.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "id" in data:
            ids.add(data["id"])
            for key in ("referrer", "note", "received_by"):
                if isinstance(data.get(key), str) and len(data[key]) > 3:
                    texts.add(data[key])
    return ids, texts


def test_htcds_columns_and_values_are_from_the_field_list(sample_records):
    rows, stderr = htcds(sample_records, "--year", "2006")
    header = list(rows[0])
    assert_htcds_valid(rows, header)
    for column in ("prs_Citizenship", "prs_Gender", "vic_TypeOfExploitation", "cas_Status",
                   "cas_IncomingReferralDate", "cas_ReferringOrganisation", "vic_TraffickingStatus"):
        assert column in header
    assert {r["prs_Gender"] for r in rows} == {"Feminine"}
    assert "women exported" in stderr
    # one row per woman with a first contact or a stay in 2006
    women = json.loads(run_ok(sample_records, "export", "women", "--format", "json").stdout)
    stays = json.loads(run_ok(sample_records, "export", "stays", "--format", "json").stdout)
    with_stay = {s["woman"] for s in stays if s["start"] <= "2006-12-31" and (s["end"] is None or s["end"] > "2006-01-01")}
    expected = {w["id"] for w in women if w["first_contact"].startswith("2006")} | with_stay
    assert len(rows) == len(expected)
    # birth dates never leave: a year at most
    assert all(re.fullmatch(r"(\d{4})?", r["rosa_birth_year"]) for r in rows)
    # the workbook version holds the same columns and passes the same check
    out = sample_records.parent / "htcds.xlsx"
    run_ok(sample_records, "export", "htcds", "--year", "2006", "-o", str(out))
    sheet = openpyxl.load_workbook(out).worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == header
    xrows = [{h: ("" if v is None else str(v)) for h, v in zip(table[0], r)} for r in table[1:]]
    assert len(xrows) == len(rows)
    assert_htcds_valid(xrows, header)
    out.unlink()


def test_htcds_carries_no_rosa_id_and_no_free_text(sample_records):
    ids, texts = sample_texts(sample_records)
    first = run_ok(sample_records, "export", "htcds", "--year", "2006").stdout
    second = run_ok(sample_records, "export", "htcds", "--year", "2006").stdout
    for record_id in ids:
        assert record_id not in first
    leaked = [t for t in texts if t in first]
    assert not leaked, leaked
    a = {r["rosa_case_id"] for r in read_csv(first)}
    b = {r["rosa_case_id"] for r in read_csv(second)}
    assert len(a) == len(read_csv(first))  # unique within an export
    assert not a & b  # fresh codes per export: two exports cannot be joined by id


@pytest.mark.parametrize("k", [2, 5, 11])
def test_htcds_k_anonymity_holds_on_the_sample(sample_records, k):
    plain, _ = htcds(sample_records, "--from", "2005-01-01", "--to", "2006-12-31")
    rows, stderr = htcds(sample_records, "--from", "2005-01-01", "--to", "2006-12-31", "--k", str(k))
    assert rows, "k-anonymity must not drop everything on the sample"
    header = list(rows[0])
    assert_htcds_valid(rows, header)
    assert "cas_IncomingReferralDate" not in header and "rosa_birth_year" not in header
    groups = Counter(tuple(r[c] for c in QI_COLUMNS) for r in rows)
    assert min(groups.values()) >= k, groups
    match = re.search(r"k=%d: (\d+) row\(s\) generalised, (\d+) row\(s\) dropped" % k, stderr)
    assert match, stderr
    generalised, dropped = int(match.group(1)), int(match.group(2))
    assert len(rows) + dropped == len(plain)
    assert generalised <= len(rows)
    # the same holds when only the HTCDS columns are shared
    only, _ = htcds(sample_records, "--from", "2005-01-01", "--to", "2006-12-31", "--k", str(k), "--htcds-only")
    assert not [c for c in only[0] if c.startswith("rosa_")]
    hgroups = Counter(tuple(r[c] for c in QI_COLUMNS if not c.startswith("rosa_")) for r in only)
    assert min(hgroups.values()) >= k


def test_k_anonymity_generalises_before_it_drops():
    """Pure function: ten women of ten nationalities in one region are kept by widening
    citizenship to the region, not dropped."""
    from rosa_cli.core.htcds import Person, k_anonymise

    europe = ["AL", "RO", "BG", "UA", "MD", "LT", "LV", "EE", "PL", "SK"]
    persons = [Person(citizenship=c, age=25, age_group="25-29", exploitation="prostitution", year=2006) for c in europe]
    result = k_anonymise(persons, 5)
    assert result.dropped == 0 and result.generalised == 10
    assert {levels["citizenship"] for _p, levels in result.rows} == {1}
    one_group = k_anonymise(persons[:4], 5)
    assert one_group.dropped == 4 and one_group.rows == []
    # widening is per row: a large group keeps its exact values beside a widened one
    mixed = [Person(citizenship="NG", age=30, age_group="30-39", exploitation="prostitution", year=2006)] * 6
    mixed += [Person(citizenship=c, age=30 + i, age_group="30-39", exploitation="prostitution", year=2006)
              for i, c in enumerate(["RO", "BG", "UA"])]
    mixed_result = k_anonymise(mixed, 3)
    assert mixed_result.dropped == 0 and mixed_result.generalised == 3
    assert sorted(levels["age"] for _p, levels in mixed_result.rows) == [0] * 6 + [1] * 3
    # a small remainder is joined by surplus rows of a large group rather than dropped
    remainder = [Person(citizenship="NG", age=30, age_group="30-39", exploitation="prostitution", year=2006)] * 7
    remainder += [Person(citizenship="", age=None, age_group="", exploitation="", year=2001)]
    joined = k_anonymise(remainder, 3)
    assert joined.dropped == 0 and joined.generalised == 3
    assert k_anonymise(persons, None).generalised == 0


def test_htcds_only_and_mapping(sample_records):
    rows, _ = htcds(sample_records, "--year", "2006", "--htcds-only")
    assert rows and all(c in FIELDS for c in rows[0])
    text = run_ok(sample_records, "export", "htcds", "--mapping").stdout
    from rosa_cli.core.htcds import MAPPING
    from rosa_cli.core.vocab import DEFAULT_VOCABULARIES

    for rosa_field, (htcds_field, table, _note) in MAPPING.items():
        assert f"{rosa_field} -> {htcds_field}" in text
        assert htcds_field in FIELDS
        picklist = FIELDS[htcds_field][1]
        for value in table.values():
            if picklist is not None and value:
                assert value in picklist, (htcds_field, value)
    assert "women" in text.lower() and "Feminine" in text
    # every default vocabulary key the export uses is in the one table
    for vocab, rosa_field in (("exploitation", "exploitation"), ("referrer", "referred_by"), ("end_reason", "case_status")):
        table = MAPPING[rosa_field][1]
        for key in DEFAULT_VOCABULARIES[vocab]:
            assert key in table or f"end:{key}" in table, (vocab, key)


def test_htcds_maps_an_organisations_own_key_to_other_never_a_guess(tmp_path, records):
    settings = records / "rosa.yaml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace("  exploitation:\n", "  exploitation:\n    begging:\n      nb: Tigging\n      en: Begging\n", 1)
    settings.write_text(text, encoding="utf-8")
    commit_all(records)
    add_woman(records, "--exploitation", "begging", "--referred-by", "self", "--born", "1980", "--referrer", "Example agency")
    rows, _ = htcds(records, "--year", "2006")
    assert rows[0]["vic_TypeOfExploitation"] == "Other"
    assert rows[0]["vic_TypeOfSexExploitation"] == ""
    assert rows[0]["cas_ReferringOrganisation"] == ""
    assert rows[0]["rosa_birth_year"] == "1980"
    assert "Example agency" not in run_ok(records, "export", "htcds", "--year", "2006").stdout


def test_export_flags_are_checked(sample_records, tmp_path):
    for args in (["women", "--k", "11"], ["stays", "--htcds-only"], ["calls", "--year", "2006"],
                 ["women", "-o", str(tmp_path / "w.txt")], ["women", "--format", "xlsx"],
                 ["htcds", "--format", "json"], ["htcds", "--k", "0"], ["htcds", "--from", "2006-01-01"]):
        result = invoke(sample_records, "export", *args)
        no_traceback(result)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith(("error:", "Usage:")), (args, result.stderr)
    assert not list(tmp_path.iterdir())
    result = invoke(sample_records, "report", "--year", "2006", "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_output_file_is_created_owner_only(sample_records, tmp_path):
    old = os.umask(0o022)
    try:
        outputs = []
        for kind in ("women", "stays", "calls"):
            for ext in ("csv", "json", "xlsx"):
                out = tmp_path / f"{kind}.{ext}"
                run_ok(sample_records, "export", kind, "-o", str(out))
                outputs.append(out)
        for ext in ("csv", "xlsx"):
            out = tmp_path / f"htcds.{ext}"
            run_ok(sample_records, "export", "htcds", "--year", "2006", "--k", "11", "-o", str(out))
            outputs.append(out)
        out = tmp_path / "report.xlsx"
        run_ok(sample_records, "report", "--year", "2006", "-o", str(out))
        outputs.append(out)
    finally:
        os.umask(old)
    for out in outputs:
        assert _mode(out) == 0o600, out
    # -o gives the same bytes as stdout for the text formats
    assert (tmp_path / "women.csv").read_text(encoding="utf-8") == run_ok(sample_records, "export", "women").stdout


def _sheet_rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("flags", [(), ("--compare",), ("--public",), ("--lang", "en")])
def test_report_workbook_numbers_equal_the_json(sample_records, tmp_path, flags):
    from rosa_cli.core.folder import RecordsFolder, load_records
    from rosa_cli.report.sections import ABSENT, build_sections, text

    out = tmp_path / "report.xlsx"
    run_ok(sample_records, "report", "--year", "2006", *flags, "-o", str(out))
    result = json.loads(run_ok(sample_records, "report", "--year", "2006", *flags, "--format", "json").stdout)
    records = load_records(RecordsFolder(sample_records))
    lang = "en" if "en" in flags else records.settings.language
    sections = build_sections(result, records.settings, lang, records.shelters)
    book = openpyxl.load_workbook(out)
    assert len(book.worksheets) == len(sections) + 1
    about = {row[0]: row[1] for row in _sheet_rows(book.worksheets[0]) if row[0]}
    assert about[text("organisation", lang)] == records.settings.organisation
    assert about[text("commit", lang)] == result["records"]["commit"]
    assert text("generated", lang) in about and text("period", lang) in about
    if "--public" in flags:
        assert "public" in result
        public = about[text("public", lang)]
        assert "suppression" in public or "celleskjuling" in public
    else:
        assert text("public", lang) not in about
    numbers = 0
    for sheet, section in zip(book.worksheets[1:], sections):
        rows = _sheet_rows(sheet)
        assert rows[0][0] == section.title
        assert len(rows) == len(section.rows) + 1
        for cells, row in zip(rows[1:], section.rows):
            assert cells[0] == row.label
            for cell, value in ((cells[1], row.value), (cells[2] if len(cells) > 2 else ABSENT, row.previous)):
                if value is ABSENT:
                    continue
                if value is None:
                    assert cell in (":", "–"), (section.title, row.label, cell)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    assert isinstance(cell, (int, float)) and not isinstance(cell, bool), (row.label, cell)
                    assert cell == pytest.approx(value), (section.title, row.label)
                    numbers += 1
                else:
                    assert cell == str(value)
    assert numbers > 50
    # the first period column heading is the one the table prints
    assert _sheet_rows(book.worksheets[1])[0][1] == "2006"


@pytest.mark.parametrize("kind", ["women", "stays", "calls"])
def test_record_workbooks_match_the_json_export(sample_records, tmp_path, kind):
    out = tmp_path / f"{kind}.xlsx"
    run_ok(sample_records, "export", kind, "-o", str(out))
    records = json.loads(run_ok(sample_records, "export", kind, "--format", "json").stdout)
    rows = _sheet_rows(openpyxl.load_workbook(out).worksheets[0])
    header = rows[0]
    assert header == list(records[0])
    assert len(rows) == len(records) + 1
    dates = 0
    for cells, record in zip(rows[1:], records):
        for name, cell in zip(header, cells):
            value = record[name]
            if isinstance(cell, datetime):
                dates += 1
                shown = cell.strftime("%Y-%m-%d %H:%M") if kind == "calls" and name == "at" else cell.date().isoformat()
                assert str(value).startswith(shown), (name, value, cell)
            elif name == "residence":
                assert (cell or None) == ("; ".join(f"{e['from']} {e['status']}" for e in value) or None)
            elif name == "born_estimated":  # left empty when false, as in the CSV
                assert cell == ("true" if value in (True, "true") else None)
            elif value in (None, 0) and cell in (None, 0):
                continue
            else:
                assert cell == value, (name, value, cell)
    assert dates >= len(records)


def test_text_that_looks_like_a_formula_stays_text(records, tmp_path):
    settings = records / "rosa.yaml"
    formula = '=HYPERLINK("http://example.invalid/x","y")'
    text = settings.read_text(encoding="utf-8").replace("en: Police\n", f"en: '{formula}'\n", 1)
    settings.write_text(text, encoding="utf-8")
    commit_all(records)
    woman = add_woman(records, "--referred-by", "police", "--note", "=1+2", "--referrer", "+SUM(A1)", "--born", "1985")
    open_stay(records, woman)
    workbooks = []
    for args, name in ((["report", "--year", "2006", "--lang", "en"], "r.xlsx"), (["export", "women"], "w.xlsx")):
        out = tmp_path / name
        run_ok(records, *args, "-o", str(out))
        workbooks.append(out)
    seen = set()
    for out in workbooks:
        for sheet in openpyxl.load_workbook(out).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (out.name, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value[:1] in "=+":
                        assert cell.data_type == "s"
                        seen.add(cell.value)
    assert {formula, "=1+2", "+SUM(A1)"} <= seen


def test_every_country_has_its_un_region():
    """The M49 table is hand-written (pycountry and babel have none): no ISO code may be
    missing, or a widened citizenship would silently become empty."""
    import pycountry

    from rosa_cli.core.htcds import REGIONS

    codes = {c.alpha_2 for c in pycountry.countries}
    assert codes - set(REGIONS) == {"AQ"}  # Antarctica belongs to no M49 region
    assert set(REGIONS) <= codes
    assert {REGIONS[c] for c in ("NG", "AL", "TH", "BR", "FJ")} == {"Africa", "Europe", "Asia", "Americas", "Oceania"}
