"""Spreadsheets in and out: ``rosa import`` and ``rosa export``.

An import file's columns are field names. Every row is validated against the
records already in the folder and the rows before it; one bad row rejects the whole
file, listing every bad row by its line number, and nothing is written. A good file
becomes one commit. Exports write the same columns back, so an export can be edited
in a spreadsheet and imported into another folder.

A woman's ``residence`` column holds either one status (her status from
``first_contact``) or the whole history as ``2006-03-14 irregular; 2006-12-01
reflection-period`` (what export writes).

Free text in an import is held to the same rules as a flag or a prompt: too long,
or holding an identity number, a phone number or an e-mail address, refuses the
whole file, naming the row's line and the column. Every CSV cell exported goes
through :func:`~rosa_cli.core.outputsafety.spreadsheet_safe` (a leading ``'``
before ``=``, ``+``, ``-``, ``@``, tab or CR); import takes exactly one such ``'``
off again, so an export imports back as it was.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

from rosa_cli.core import ids
from rosa_cli.core.dates import format_datetime
from rosa_cli.core.folder import RecordsFolder, load_records
from rosa_cli.core.model import Problem, ResidenceEntry, Stay
from rosa_cli.core.operations import Outcome, Refused, _commit, locked, record_data
from rosa_cli.core.outputsafety import FORMULA_STARTS, spreadsheet_safe
from rosa_cli.core.schema import FIELDS, PLURAL, field_names
from rosa_cli.core.validate import build_record, did_you_mean, stay_conflicts
from rosa_cli.core.yamlio import LineDict, dump_new, link_new

MAX_IMPORT_BYTES = 50_000_000
DEFAULTS: Dict[str, Dict[str, Any]] = {"woman": {"first_contact": "today"}, "stay": {"start": "today"}, "call": {"at": None, "channel": "phone"},
            "service": {}, "activity": {}, "website": {}}


def _read_csv(path: Path, shown: str) -> Tuple[List[str], List[Tuple[int, Dict[str, str]]]]:
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise Refused([Problem(shown, None, "file is too large to import")])
        raw = path.read_bytes()
    except OSError as exc:
        raise Refused([Problem(shown, None, f"cannot read file: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise Refused([Problem(shown, line, "file is not UTF-8 text (save the spreadsheet as CSV UTF-8)")]) from None
    if not text.strip():
        raise Refused([Problem(shown, 1, "file is empty")])
    first_line = text.splitlines()[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().replace("-", "_") for h in next(reader)]
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise Refused([Problem(shown, reader.line_num, f"row has {len(cells)} cells but the header has {len(header)} columns")])
            rows.append((reader.line_num, {h: _unquoted(c.strip()) for h, c in zip(header, cells) if c.strip()}))
    except csv.Error as exc:
        raise Refused([Problem(shown, reader.line_num, f"CSV error: {exc}")]) from None
    return header, rows


def _unquoted(cell: str) -> str:
    """A cell as rosa exported it, with the apostrophe that made it inert taken off.

    Export puts ``'`` before a cell starting with a formula character (and before a
    cell that itself starts with apostrophes and a formula character); exactly one such
    apostrophe is taken off, so export then import gives back the text as it was.
    """
    if _apostrophes_before_formula(cell):
        return cell[1:]
    return cell


def _apostrophes_before_formula(cell: str) -> bool:
    """``'=…``, ``''+…``: apostrophes, then a formula character."""
    bare = cell.lstrip("'")
    return bare != cell and bare[:1] in FORMULA_STARTS


def _residence_cell(cell: str, first_contact: Any) -> List[Dict[str, Any]]:
    parts = [p.strip() for p in cell.split(";") if p.strip()]
    if len(parts) == 1 and " " not in parts[0]:
        return [{"from": first_contact, "status": parts[0]}]
    entries = []
    for part in parts:
        day, _, status = part.partition(" ")
        entries.append({"from": day, "status": status.strip()})
    return entries


def _as_mapping(kind: str, values: Dict[str, Any], line: int) -> LineDict:
    data = LineDict()
    data.line = line
    data.key_lines = {}
    for key, value in values.items():
        if key == "residence" and isinstance(value, list):
            entries = []
            for entry in value:
                item = LineDict(entry)
                item.line, item.key_lines = line, {k: line for k in entry}
                entries.append(item)
            value = entries
        data[key] = value
        data.key_lines[key] = line
    return data


@locked
def import_file(folder: RecordsFolder, kind: str, path: Path) -> Outcome:
    """Validate every row, then write all of them and make one commit — or nothing."""
    shown = path.name
    header, rows = _read_csv(Path(path), shown)
    names = field_names(kind)
    problems: List[Problem] = []
    for column in header:
        if column not in names:
            problems.append(Problem(shown, 1, f"unknown column {column!r}{did_you_mean(column, names)}"))
    if len(set(header)) != len(header):
        problems.append(Problem(shown, 1, "a column appears twice"))
    if problems:
        raise Refused(problems)
    if not rows:
        raise Refused([Problem(shown, 2, "no rows to import")])

    ctx = folder.context()
    existing = load_records(folder, kinds=("woman", "stay") if kind != "call" else ("woman",))
    known_women: Set[str] = {p.stem for p in folder.record_files("woman")}
    stays_by_woman: Dict[str, List[Stay]] = {}
    for stay in existing.stays.values():
        stays_by_woman.setdefault(stay.woman, []).append(stay)
    taken: Set[str] = set()
    accepted: List[Tuple[Optional[str], Dict[str, Any], int]] = []
    for line, cells in rows:
        raw: Dict[str, Any] = {k: v for k, v in DEFAULTS[kind].items() if v is not None}
        raw.update(cells)
        if kind == "call" and "at" not in raw:
            problems.append(Problem(shown, line, "missing at (when the call came)"))
            continue
        if kind == "woman" and "residence" in raw:
            raw["residence"] = _residence_cell(raw["residence"], raw.get("first_contact"))
        given_id = raw.pop("id", None)
        if kind == "website":  # a month is its own id: website/2006-03.yaml
            probe_id = ""
            record, found = build_record(kind, _as_mapping(kind, raw, line), shown, ctx, entry=True)
            row_errors = [p for p in found if p.is_error]
            if record is not None and not row_errors:
                if record.month in taken or (folder.kind_dir("website") / f"{record.month}.yaml").exists():
                    row_errors.append(Problem(shown, line, f"month {record.month} already has figures (change them with rosa website set)"))
                taken.add(record.month)
            problems.extend(row_errors)
            if not row_errors and record is not None:
                accepted.append((None, _values_of(kind, record), line))
            continue
        probe_id = given_id or ids.PREFIXES[kind] + "-0000-PR0BE"
        record, found = build_record(kind, _as_mapping(kind, {"id": probe_id, **raw}, line), shown, ctx, entry=True)
        row_errors = [p for p in found if p.is_error]
        if given_id and not row_errors:
            if given_id in taken or folder.record_path(kind, given_id) is not None:
                row_errors.append(Problem(shown, line, f"id {given_id} already exists"))
        if record is not None and not row_errors:
            woman_id = getattr(record, "woman", None)
            if woman_id and woman_id not in known_women:
                row_errors.append(Problem(shown, line, f"woman {woman_id} does not exist"))
            if kind == "stay" and not row_errors:
                others = stays_by_woman.setdefault(record.woman, [])
                conflicts = stay_conflicts(record.woman, others + [record])
                if conflicts:
                    row_errors.append(Problem(shown, line, conflicts[0].message.replace(probe_id, "this row's stay")))
                else:
                    record.id = f"{probe_id}-{line}"
                    others.append(record)
        problems.extend(row_errors)
        if not row_errors and record is not None:
            if given_id:
                taken.add(given_id)
            accepted.append((given_id, _values_of(kind, record), line))
    if problems:
        raise Refused(problems)
    return _write_all(folder, kind, accepted, shown)


def _values_of(kind: str, record) -> Dict[str, Any]:
    return {spec.name: getattr(record, spec.name) for spec in FIELDS[kind] if spec.name != "id"}


def _year_of(kind: str, values: Dict[str, Any]) -> int:
    day = {"woman": values.get("first_contact"), "stay": values.get("start"), "call": values.get("at"),
           "service": values.get("on"), "activity": values.get("on")}[kind]
    assert day is not None, "a built record always has its dating field"
    return day.year


def _write_all(folder: RecordsFolder, kind: str, accepted, shown: str) -> Outcome:
    written: List[Path] = []
    made: List[str] = []
    try:
        for given_id, values, _line in accepted:
            data = record_data(kind, values)
            if kind == "website":
                path = folder.kind_dir("website") / f"{values['month']}.yaml"
                path.parent.mkdir(exist_ok=True, mode=0o700)
                if not link_new(path, dump_new(data).encode("utf-8")):
                    raise Refused([Problem(shown, _line, f"month {values['month']} already has figures")])
                written.append(path)
                made.append(values["month"])
                continue
            if kind in ("service", "activity"):
                folder.kind_dir(kind).mkdir(exist_ok=True, mode=0o700)
            directory = folder.new_record_dir(kind, _year_of(kind, values))
            # each record appears whole or not at all (ids.create_new): a crash
            # mid-import leaves no empty claimed file
            if given_id:
                path = ids.create_given(directory, given_id, dump_new({"id": given_id, **data}))
                record_id = given_id
            else:
                record_id, path = ids.create_new(directory, kind, _year_of(kind, values), lambda i: dump_new({"id": i, **data}))  # noqa: B023 - called at once, inside this iteration
            written.append(path)
            made.append(record_id)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    plural = PLURAL[kind]
    message = f"import {plural} ({len(made)} records)"
    body = "Records:\n" + "\n".join(f"  {i}" for i in made)
    return Outcome(made, _commit(folder, written, message, body), written)


# --- export ------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if all(isinstance(e, str) for e in value):  # an activity's audience
            return ", ".join(value)
        return "; ".join(f"{e.start.isoformat()} {e.status}" for e in value if isinstance(e, ResidenceEntry))
    return value


def _csv_cell(value: Any) -> Any:
    """One CSV cell no spreadsheet will run (see :func:`outputsafety.spreadsheet_safe`).

    A text that already starts with apostrophes and a formula character gets one
    more, so that import (which takes exactly one off) gives it back unchanged.
    """
    cell = _cell(value)
    if isinstance(cell, str) and _apostrophes_before_formula(cell):
        return "'" + cell
    return spreadsheet_safe(cell)


def _records_of(records, kind: str) -> dict:
    """The loaded records of one kind, by id."""
    return {"woman": records.women, "stay": records.stays, "call": records.calls, "service": records.services,
            "activity": records.activities, "website": records.website}[kind]


CSV_BOM = "\ufeff"


def export_records(folder: RecordsFolder, kind: str, fmt: str, excel: Optional[bool] = None) -> Tuple[str, int]:
    """The folder's records of ``kind`` as CSV or JSON text, and how many invalid ones were left out.

    CSV starts with a UTF-8 byte-order mark so Excel reads æøå right; ``excel``
    (default: when rosa.yaml's language is nb) separates cells with ``;``, which a
    Norwegian Excel opens as columns. Import reads either, with or without the mark.
    """
    records = load_records(folder, kinds=(kind,))
    items = _records_of(records, kind)
    names = field_names(kind)
    ordered = sorted(items.values(), key=lambda r: r.id)
    if fmt == "json":
        out = []
        for record in ordered:
            row: Dict[str, Any] = {}
            for name in names:
                value = getattr(record, name)
                if name == "residence":
                    value = [{"from": e.start.isoformat(), "status": e.status} for e in value]
                elif value is not None:
                    value = _cell(value)
                row[name] = value
            out.append(row)
        return json.dumps(out, ensure_ascii=False, indent=2) + "\n", records.skipped
    if excel is None:
        excel = folder.settings.language == "nb"
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, lineterminator="\n", delimiter=";" if excel else ",")
    writer.writerow(names)
    for record in ordered:
        line_cells: List[str] = []
        for name in names:
            value = getattr(record, name)
            if name == "born_estimated" and value is False:
                value = None
            if name == "children" and value == 0:
                value = None
            line_cells.append("" if value is None else _csv_cell(value))
        writer.writerow(line_cells)
    return buffer.getvalue(), records.skipped


def export_table(folder: RecordsFolder, kind: str) -> Tuple[List[str], List[List[Any]], int]:
    """The records of ``kind`` as a header and rows of typed values, for a workbook.

    Dates stay dates and counts numbers (the workbook shows them as such); the
    residence history is the same text as in the CSV. Returns the number of invalid
    record files left out too.
    """
    records = load_records(folder, kinds=(kind,))
    items = _records_of(records, kind)
    names = field_names(kind)
    rows = []
    for record in sorted(items.values(), key=lambda r: r.id):
        row = []
        for name in names:
            value = getattr(record, name)
            if name == "residence":
                value = _cell(value) or None
            elif isinstance(value, datetime):
                value = value.replace(tzinfo=None)
            elif isinstance(value, bool):
                value = "true" if value else None
            row.append(value)
        rows.append(row)
    return names, rows, records.skipped
