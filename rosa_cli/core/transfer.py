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
from rosa_cli.core.messages import msg
from rosa_cli.core.model import Problem, ResidenceEntry, Stay
from rosa_cli.core.operations import Outcome, Refused, commit_records, locked, record_data
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
            raise Refused([Problem(shown, None, msg("import.too_large", "file is too large to import"))])
        raw = path.read_bytes()
    except OSError as exc:
        raise Refused([Problem(shown, None, msg("import.unreadable", "cannot read file: {reason}", reason=str(exc.strerror)))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise Refused([Problem(shown, line, msg("import.not_utf8", "file is not UTF-8 text (save the spreadsheet as CSV UTF-8)"))]) from None
    if not text.strip():
        raise Refused([Problem(shown, 1, msg("import.empty", "file is empty"))])
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
                raise Refused([Problem(shown, reader.line_num, msg(
                    "import.too_many_cells", "row has {cells} cells but the header has {columns} columns", cells=len(cells), columns=len(header),
                ))])
            rows.append((reader.line_num, {h: _unquoted(c.strip()) for h, c in zip(header, cells) if c.strip()}))
    except csv.Error as exc:
        raise Refused([Problem(shown, reader.line_num, msg("import.csv_error", "CSV error: {reason}", reason=str(exc)))]) from None
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
    problems = header_problems(kind, header, shown)
    if problems:
        raise Refused(problems)
    if not rows:
        raise Refused([Problem(shown, 2, msg("import.no_rows", "no rows to import"))])
    batch = ImportBatch(folder, kind, shown)
    for line, cells in rows:
        problems.extend(batch.add_row(line, cells))
    if problems:
        raise Refused(problems)
    return _write_all(folder, kind, batch.accepted, shown)


def header_problems(kind: str, header: List[str], shown: str) -> List[Problem]:
    """Columns that are not fields of ``kind``, and columns given twice (all on line 1)."""
    names = field_names(kind)
    problems: List[Problem] = []
    for column in header:
        if column not in names:
            problems.append(Problem(shown, 1, msg(
                "import.unknown_column", "unknown column {column}{hint}", column=repr(column), hint=did_you_mean(column, names),
            )))
    if len(set(header)) != len(header):
        problems.append(Problem(shown, 1, msg("import.column_twice", "a column appears twice")))
    return problems


class ImportBatch:
    """The rows of one import checked so far: each row is held to the records in the
    folder and to the rows before it (ids, months, a woman's stays), as if those rows
    had been written already."""

    def __init__(self, folder: RecordsFolder, kind: str, shown: str):
        self.folder, self.kind, self.shown = folder, kind, shown
        self.ctx = folder.context()
        existing = load_records(folder, kinds=("woman", "stay") if kind != "call" else ("woman",))
        self.known_women: Set[str] = {p.stem for p in folder.record_files("woman")}
        self.stays_by_woman: Dict[str, List[Stay]] = {}
        for stay in existing.stays.values():
            self.stays_by_woman.setdefault(stay.woman, []).append(stay)
        self.taken: Set[str] = set()
        self.row_stays: Dict[str, Any] = {}  # stays of earlier rows, not written yet, by their probe ids
        self.accepted: List[Tuple[Optional[str], Dict[str, Any], int]] = []

    def add_row(self, line: int, cells: Dict[str, str]) -> List[Problem]:
        """Check one row; a good one is kept for writing. Returns the row's errors."""
        kind = self.kind
        raw: Dict[str, Any] = {k: v for k, v in DEFAULTS[kind].items() if v is not None}
        raw.update(cells)
        if kind == "call" and "at" not in raw:
            return [Problem(self.shown, line, msg("import.call_at_missing", "missing at (when the call came)"))]
        if kind == "woman" and "residence" in raw:
            raw["residence"] = _residence_cell(raw["residence"], raw.get("first_contact"))
        given_id = raw.pop("id", None)
        if kind == "website":  # a month is its own id: website/2006-03.yaml
            return self._website_row(line, raw)
        return self._record_row(line, raw, given_id)

    def _website_row(self, line: int, raw: Dict[str, Any]) -> List[Problem]:
        record, found = build_record("website", _as_mapping("website", raw, line), self.shown, self.ctx, entry=True)
        row_errors = [p for p in found if p.is_error]
        if record is not None and not row_errors:
            if record.month in self.taken or (self.folder.kind_dir("website") / f"{record.month}.yaml").exists():
                row_errors.append(Problem(self.shown, line, month_taken(record.month)))
            self.taken.add(record.month)
        if not row_errors and record is not None:
            self.accepted.append((None, _values_of("website", record), line))
        return row_errors

    def _record_row(self, line: int, raw: Dict[str, Any], given_id: Optional[str]) -> List[Problem]:
        kind = self.kind
        probe_id = given_id or ids.PREFIXES[kind] + "-0000-PR0BE"
        record, found = build_record(kind, _as_mapping(kind, {"id": probe_id, **raw}, line), self.shown, self.ctx, entry=True)
        row_errors = [p for p in found if p.is_error]
        if given_id and not row_errors:
            if given_id in self.taken or self.folder.record_path(kind, given_id) is not None:
                row_errors.append(Problem(self.shown, line, msg("import.id_exists", "id {id} already exists", id=given_id)))
        if record is not None and not row_errors:
            woman_id = getattr(record, "woman", None)
            if woman_id and woman_id not in self.known_women:
                row_errors.append(Problem(self.shown, line, msg("import.woman_missing", "woman {woman} does not exist", woman=woman_id)))
            if kind == "stay" and not row_errors:
                row_errors.extend(self._stay_fits(line, record, probe_id))
        if not row_errors and record is not None:
            if given_id:
                self.taken.add(given_id)
            self.accepted.append((given_id, _values_of(kind, record), line))
        return row_errors

    def _stay_fits(self, line: int, record: Stay, probe_id: str) -> List[Problem]:
        """The row's stay against her stays in the folder and in the rows before it."""
        others = self.stays_by_woman.setdefault(record.woman, [])
        naming = {probe_id: msg("import.this_row_stay", "this row's stay"), **self.row_stays}
        conflicts = stay_conflicts(record.woman, others + [record], names=naming)
        if conflicts:
            return [Problem(self.shown, line, conflicts[0].message)]
        record.id = f"{probe_id}-{line}"
        self.row_stays[record.id] = msg("import.row_stay", "the stay on line {line}", line=line)
        others.append(record)
        return []


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
                    raise Refused([Problem(shown, _line, month_taken(values["month"]))])
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
    return Outcome(made, commit_records(folder, written, message, body), written)


def month_taken(month: str):
    """A website month that already has its figures (the CLI says how to change them)."""
    return msg("website.month_exists", "month {month} already has figures", month=month)


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
