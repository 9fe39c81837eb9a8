"""Validation: raw mappings in, typed records and problems out.

Every command and ``rosa check`` validate through this module, so a record that a
command accepts is exactly a record that ``check`` accepts. Nothing here raises on bad
data: each problem becomes a :class:`~rosa_cli.core.model.Problem` with file and line,
and callers decide whether to print them all (``check``) or refuse to write.

Two layers:

* :func:`convert` reads one value of one field (used for flags, prompts, CSV cells and
  file fields alike) and raises :class:`FieldError` with a message that does not name
  the field, so each caller can name it its own way (``--nationality``, ``line 4``).
* :func:`build_record` turns one file's mapping into a record; :func:`cross_check`
  then looks across records (duplicate ids, missing women, overlapping stays).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Dict, Iterable, List, Optional, Tuple

from rosa_cli.core import countries, ids
from rosa_cli.core.dates import DateError, parse_date, parse_datetime
from rosa_cli.core.model import (
    WARNING,
    Activity,
    Call,
    Problem,
    Records,
    ResidenceEntry,
    Service,
    Settings,
    Shelter,
    Stay,
    WebsiteMonth,
    Woman,
)
from rosa_cli.core.privacy import identifying_details
from rosa_cli.core.schema import FIELDS, RESIDENCE_KEYS, Field, field_map
from rosa_cli.core.vocab import DAY_SETTINGS, DEFAULT_VOCABULARIES, LANGUAGES

MIN_AGE, MAX_AGE = 10, 100
MAX_CHILDREN = 20
MAX_NUMBER = 10**9  # a cost or a count beyond this is a typo, not a figure
TRUE_WORDS = {"true", "yes", "ja", "y", "j", "1"}
FALSE_WORDS = {"false", "no", "nei", "n", "0"}


class FieldError(ValueError):
    """A value that does not fit its field; the message names the value, not the field."""


@dataclass
class Context:
    """What validating one record needs to know besides the record itself."""

    settings: Settings
    shelters: Dict[str, Shelter]
    today: date = field(default_factory=date.today)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def _text(value: Any) -> str:
    if isinstance(value, (bool, list, dict)) or value is None:
        raise FieldError("must be text")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _date(value: Any, ctx: Context) -> date:
    if isinstance(value, (bool, list, dict)):
        raise FieldError("must be a date like 2006-03-14")
    try:
        day = parse_date(value, ctx.today)
    except DateError as exc:
        raise FieldError(str(exc)) from None
    if day > ctx.today:
        raise FieldError(f"{day.isoformat()} is in the future")
    return day


def check_free_text(text: str, ctx: Context, entry: bool) -> None:
    """Refuse free text that is too long, and at the door (``entry``) text that holds
    identifying details.

    The length is checked first, so a 50 MB paste is refused without being scanned.
    In files (``rosa check``) identifying details are a warning instead (see
    :func:`_record_rules`): the value is already in history, and the coordinator
    must be able to go on working while she removes it.
    """
    limit = ctx.settings.max_text_chars
    if len(text) > limit:
        raise FieldError(f"is {len(text)} characters long; the limit is {limit} (max_text_chars in rosa.yaml)")
    if entry:
        found = identifying_details(text)
        if found:
            raise FieldError(f"holds {' and '.join(found)}; {KEEP_OUT}")


KEEP_OUT = "keep identifying details out of the records"


def vocab_answer(settings: Settings, vocabulary: str, text: str) -> str:
    """The key a typed answer names: the key, the Norwegian or the English label, in
    any letter case, or a unique start of any of them (``politi``, ``Egen bol``).

    No match gives ``text`` back, for the caller's "is not one of" error; starts
    that fit several keys are refused with those keys and their labels, so the
    coordinator sees what to type more of.
    """
    wanted = " ".join(text.casefold().split())
    if not wanted:
        return text
    entries = settings.vocabularies.get(vocabulary, {})
    names: Dict[str, List[str]] = {}
    for key, labels in entries.items():
        names[key] = [key.casefold()] + [" ".join(str(lab).casefold().split()) for lab in (labels or {}).values()]
    exact = [key for key, words in names.items() if wanted in words]
    if len(exact) == 1:
        return exact[0]
    starts = [key for key, words in names.items() if any(w.startswith(wanted) for w in words)]
    if not starts and len(wanted) >= 3:  # a word inside a label: "oppfølging", "first"
        import re

        starts = [key for key, words in names.items() if any(p.startswith(wanted) for w in words for p in re.split(r"[\s,\-/]+", w))]
    if len(starts) == 1:
        return starts[0]
    if len(starts) > 1:
        shown = ", ".join(f"{k} ({settings.label(vocabulary, k)})" for k in starts)
        raise FieldError(f"{text!r} is not one of: {', '.join(entries)}; it could be {shown}")
    return text


def convert(spec: Field, value: Any, ctx: Context, entry: bool = False, typed: Optional[bool] = None) -> Any:
    """Read one value of field ``spec``; raises :class:`FieldError` when it does not fit.

    ``entry`` is true for a value coming in (a flag, a prompt, an import cell, an edit):
    free text that holds identifying details is then refused, not just warned about.
    ``typed`` (default: ``entry``) is true for what a person typed at a flag or prompt,
    read the way she says it: a vocabulary's Norwegian or English label or a unique
    start of one (``politi``), a country's name (``norge``), ``i går 14:30``. It is
    false for record text (files, edits, imports), which must hold the key, the code
    and a full date as stored — a file is never rewritten behind her back, and
    ``i går`` in a file would mean another day tomorrow.
    """
    typed = entry if typed is None else typed
    kind = spec.type
    if kind in ("text",):
        text = _text(value).strip()
        if not text:
            raise FieldError("is empty (leave the field out instead)")
        check_free_text(text, ctx, entry)
        return text
    if kind == "id":
        return _text(value)
    if kind == "date":
        return _date(value, ctx)
    if kind == "datetime":
        if isinstance(value, (bool, list, dict)):
            raise FieldError("must be a date and time like 2006-03-14 14:10")
        now = datetime.now().replace(second=0, microsecond=0)
        if now.date() != ctx.today:  # a fixed "today" (tests, replays): the day's last minute
            now = datetime.combine(ctx.today, now.time())
        try:
            moment = parse_datetime(value, now, relative=typed)
        except DateError as exc:
            raise FieldError(str(exc)) from None
        # By the minute, not the day: a call at 09:15 typed at 01:43 is a typo.
        if moment > now.replace(second=59):
            raise FieldError(f"{moment:%Y-%m-%d %H:%M} is in the future (it is now {now:%Y-%m-%d %H:%M})")
        return moment
    if kind == "born":
        if isinstance(value, bool):
            raise FieldError("must be a birth year (1984) or date (1984-05-14)")
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4):
            year = int(value)
            if not 1900 <= year <= ctx.today.year:
                raise FieldError(f"{year} is not a plausible birth year")
            return year
        try:
            return _date(value, ctx)
        except FieldError:
            raise FieldError(f"{value!r} is not a birth year (1984) or date (1984-05-14)") from None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise FieldError(f"{value!r} is not true or false")
    if kind == "count":
        if isinstance(value, bool):
            raise FieldError("must be a whole number")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise FieldError(f"{value!r} is not a whole number") from None
        if not 0 <= number <= MAX_CHILDREN:
            raise FieldError(f"{number} is not between 0 and {MAX_CHILDREN}")
        return number
    if kind == "vocab":
        key = _text(value).strip()
        choices = ctx.settings.keys(spec.vocab or "")
        if typed and key not in choices:
            key = vocab_answer(ctx.settings, spec.vocab or "", key)
        if key not in choices:
            hint = did_you_mean(key, choices)
            if not typed:  # a label in a file: name the key to write instead
                try:
                    found = vocab_answer(ctx.settings, spec.vocab or "", key)
                except FieldError:
                    found = key
                hint = f"; did you mean {found}?" if found in choices else hint
            raise FieldError(f"{key!r} is not one of: {', '.join(choices)}{hint}")
        return key
    if kind == "country":
        code, message = countries.normalise_nationality(_text(value), loose=typed)
        if code is None:
            raise FieldError(message)
        return code
    if kind == "language":
        code, message = countries.normalise_language(_text(value), loose=typed)
        if code is None:
            raise FieldError(message)
        return code
    if kind == "shelter":
        key = _text(value).strip()
        if key not in ctx.shelters:
            known = ", ".join(ctx.shelters) or "none yet; add one with rosa shelter add"
            raise FieldError(f"{key!r} is not a shelter in shelters.yaml (known: {known}){did_you_mean(key, ctx.shelters)}")
        retired = getattr(ctx.shelters[key], "retired", None)
        if entry and retired is not None:
            raise FieldError(f"shelter {key} was retired on {retired} and takes no new stays (rosa shelter edit {key} to undo that)")
        return key
    if kind == "woman":
        text = _text(value).strip()
        problem = ids.id_problem("woman", text)
        if problem:
            raise FieldError(problem)
        return text
    if kind in ("cost", "int"):
        # NOK amounts and counts of participants or visits: whole numbers, never negative
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise FieldError("must be a whole number")
        try:
            number = int(str(value).strip().replace(" ", "")) if not isinstance(value, float) else int(value)
        except ValueError:
            raise FieldError(f"{value!r} is not a whole number") from None
        if number < 0:
            raise FieldError(f"{number} is negative")
        if number > MAX_NUMBER:
            raise FieldError(f"{number} is implausibly large")
        return number
    if kind == "number":
        if isinstance(value, (bool, list, dict)):
            raise FieldError("must be a number of days like 1 or 0.5")
        try:
            days = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise FieldError(f"{value!r} is not a number of days like 1 or 0.5") from None
        if not 0 < days <= 366 or days * 2 != int(days * 2):
            raise FieldError(f"{value} is not a number of days (whole or half, above 0)")
        return int(days) if days.is_integer() else days
    if kind == "audience":
        items = value if isinstance(value, list) else _text(value).replace(";", ",").split(",")
        keys = []
        choices = ctx.settings.keys(spec.vocab or "")
        for item in items:
            key = _text(item).strip()
            if not key:
                continue
            if key not in choices:
                raise FieldError(f"{key!r} is not one of: {', '.join(choices)}{did_you_mean(key, choices)}")
            if key not in keys:
                keys.append(key)
        if not keys:
            raise FieldError("is empty (leave the field out instead)")
        return keys
    if kind == "month":
        import re

        text = _text(value).strip()
        match = re.match(r"^([0-9]{4})-(0[1-9]|1[0-2])$", text)
        if not match:
            raise FieldError(f"{text!r} is not a month like 2006-03")
        if (int(match.group(1)), int(match.group(2))) > (ctx.today.year, ctx.today.month):
            raise FieldError(f"{text} is in the future")
        return text
    if kind == "residence":
        raise FieldError("residence must be a list of {from: date, status: key}")
    raise AssertionError(f"unknown field type {kind}")


def _line(data: Any, key: Any) -> Optional[int]:
    lines = getattr(data, "key_lines", None)
    if lines and key in lines:
        return lines[key]
    return getattr(data, "line", None) or None


def _residence(value: Any, data: Any, shown: str, ctx: Context, problems: List[Problem]) -> List[ResidenceEntry]:
    line = _line(data, "residence")
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(shown, line, "residence must be a list of entries with from: and status:"))
        return []
    entries: List[ResidenceEntry] = []
    status_spec = Field("status", "vocab", vocab="residence")
    for entry in value:
        entry_line = getattr(entry, "line", None) or line
        if not isinstance(entry, dict):
            problems.append(Problem(shown, entry_line, "each residence entry needs from: and status:"))
            continue
        for key in entry:
            if key not in RESIDENCE_KEYS:
                problems.append(Problem(shown, _line(entry, key), f"unknown key {key!r} in residence entry{did_you_mean(key, RESIDENCE_KEYS)}"))
        ok = True
        converted: Dict[str, Any] = {}
        for key, spec in (("from", Field("from", "date")), ("status", status_spec)):
            if key not in entry or entry[key] is None:
                problems.append(Problem(shown, entry_line, f"residence entry is missing {key}:"))
                ok = False
                continue
            try:
                converted[key] = convert(spec, entry[key], ctx)
            except FieldError as exc:
                problems.append(Problem(shown, _line(entry, key), f"residence {key} {exc}"))
                ok = False
        if ok:
            if entries and converted["from"] < entries[-1].start:
                # a tired hand's typo (2005 for 2006) shows as an entry out of order;
                # sorting it silently would change her status history without a word
                problems.append(Problem(shown, _line(entry, "from"), (
                    f"residence entry from {converted['from']} comes after the entry from {entries[-1].start}; "
                    "list the entries oldest first (is the year right?)"
                )))
            entries.append(ResidenceEntry(converted["from"], converted["status"]))
    starts = [e.start for e in entries]
    if len(set(starts)) != len(starts):
        problems.append(Problem(shown, line, "residence has two entries from the same date"))
    return sorted(entries, key=lambda e: e.start)


def build_record(
    kind: str,
    data: Any,
    shown: str,
    ctx: Context,
    expected_id: Optional[str] = None,
    entry: bool = False,
    unchanged: Optional[Dict[str, Any]] = None,
) -> Tuple[Optional[Any], List[Problem]]:
    """Check one record's mapping and build its typed record.

    Returns ``(record, problems)``; the record is None when any error was found.
    ``expected_id`` is the file's name: a record's id must match it. ``entry`` holds
    the record to the rules for values coming in (see :func:`convert`), except the
    fields whose raw value is the same as in ``unchanged`` (the file as it was): a
    change to one field must not be refused for what an older hand edit left in
    another; ``rosa check`` keeps warning about that one.
    """
    unchanged = unchanged or {}
    problems: List[Problem] = []
    specs = field_map(kind)
    for key in data:
        if key not in specs:
            problems.append(Problem(shown, _line(data, key), f"unknown field {key!r}{did_you_mean(key, specs)}"))
    values: Dict[str, Any] = {}
    for name, spec in specs.items():
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip() and spec.type != "text"):
            if spec.required:
                problems.append(Problem(shown, _line(data, name) if name in data else _first_line(data), f"missing required field {name}"))
            continue
        if spec.type == "residence":
            values[name] = _residence(value, data, shown, ctx, problems)
            continue
        strict = entry and not (name in unchanged and unchanged[name] == value)
        try:
            values[name] = convert(spec, value, ctx, entry=strict, typed=False)
        except FieldError as exc:
            problems.append(Problem(shown, _line(data, name), f"{name} {exc}"))
    if kind == "website" and expected_id is not None and values.get("month") not in (None, expected_id):
        problems.append(Problem(shown, _line(data, "month"), f"month {values['month']} does not match the file name {expected_id}.yaml"))
    record_id = values.get("id")
    if record_id is not None:
        problem = ids.id_problem(kind, record_id)
        if problem:
            problems.append(Problem(shown, _line(data, "id"), problem))
        elif expected_id is not None and record_id != expected_id:
            problems.append(Problem(shown, _line(data, "id"), f"id {record_id} does not match the file name {expected_id}.yaml"))
    problems.extend(_record_rules(kind, values, data, shown, ctx))
    if any(p.is_error for p in problems):
        return None, problems
    key_lines = getattr(data, "key_lines", None) or {}
    lines = tuple(key_lines.get(spec.name, 0) for spec in FIELDS[kind])
    record = {"woman": Woman, "stay": Stay, "call": Call, "service": Service, "activity": Activity,
              "website": WebsiteMonth}[kind](path=shown, lines=lines, **values)
    return record, problems


def _first_line(data: Any) -> Optional[int]:
    return getattr(data, "line", None) or 1


def _record_rules(kind: str, values: Dict[str, Any], data: Any, shown: str, ctx: Context) -> List[Problem]:
    """Rules within one record: end after start, reasons with their dates, plausible ages."""
    problems: List[Problem] = []
    if kind == "stay":
        start, end = values.get("start"), values.get("end")
        if start and end and end < start:
            problems.append(Problem(shown, _line(data, "end"), f"end {end} is before start {start}"))
        if end and "end_reason" not in values and "end_reason" not in data:
            problems.append(Problem(shown, _line(data, "end"), "end_reason is required once end is set"))
        if "end_reason" in values and not end and "end" not in data:
            problems.append(Problem(shown, _line(data, "end_reason"), "end_reason is set but end is not"))
    if kind == "service":
        on, to = values.get("on"), values.get("to")
        if on and to and to < on:
            problems.append(Problem(shown, _line(data, "to"), f"to {to} is before on {on}"))
    if kind == "woman":
        if values.get("declined_on") and "declined_reason" not in values and "declined_reason" not in data:
            problems.append(Problem(shown, _line(data, "declined_on"), "declined_reason is required once declined_on is set"))
        if values.get("declined_reason") and "declined_on" not in values and "declined_on" not in data:
            problems.append(Problem(shown, _line(data, "declined_reason"), "declined_reason is set but declined_on is not"))
        born, first = values.get("born"), values.get("first_contact")
        if born is not None and first is not None:
            probe = Woman(id="", first_contact=first, nationality="", born=born)
            age = probe.age_on(first)
            if age is not None and not MIN_AGE <= age <= MAX_AGE:
                problems.append(Problem(shown, _line(data, "born"), f"implausible age {age} at first contact {first}"))
        if first is not None:
            for entry in values.get("residence") or []:
                if entry.start < first:
                    problems.append(Problem(shown, _residence_line(data, entry.start), (
                        f"residence entry from {entry.start} is before her first contact {first}; "
                        "her status at first contact is dated first_contact"
                    )))
        declined = values.get("declined_on")
        if declined and first and declined < first:
            problems.append(Problem(shown, _line(data, "declined_on"), f"declined_on {declined} is before first_contact {first}"))
    for spec in FIELDS[kind]:
        if spec.free_text and isinstance(values.get(spec.name), str):
            for finding in identifying_details(values[spec.name]):
                problems.append(
                    Problem(shown, _line(data, spec.name), f"{spec.name} holds {finding}; {KEEP_OUT}", WARNING)
                )
    return problems


def _residence_line(data: Any, start: date) -> Optional[int]:
    """The line of the residence entry starting on ``start`` (else of ``residence:``)."""
    entries = data.get("residence") if isinstance(data, dict) else None
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and str(entry.get("from")) == start.isoformat():
                return _line(entry, "from")
    return _line(data, "residence")


def cross_check(records: Records, complete: bool = True, woman_files: Iterable[str] = (), today: Optional[date] = None) -> List[Problem]:
    """Problems that only show across records: references, overlaps, open stays.

    ``complete`` says whether ``records`` holds the whole folder; references to women
    are only checked when it does. ``woman_files`` names women whose file exists but
    is invalid: its own problems are reported, so references to her are not.
    ``today`` dates the long-stay warning (the folder's today; else the clock's).
    """
    problems: List[Problem] = []
    problems.extend(long_stays(records, today or date.today()))
    problems.extend(nationality_mismatches(records))
    exists = set(records.women) | set(woman_files)
    if complete:
        for stay in records.stays.values():
            if stay.woman not in exists:
                problems.append(Problem(stay.path, stay.line_of("woman"), f"woman {stay.woman} does not exist (no women/{stay.woman}.yaml)"))
        for call in records.calls.values():
            if call.woman and call.woman not in exists:
                problems.append(Problem(call.path, call.line_of("woman"), f"woman {call.woman} does not exist (no women/{call.woman}.yaml)"))
        for service in records.services.values():
            if service.woman not in exists:
                problems.append(Problem(service.path, service.line_of("woman"), f"woman {service.woman} does not exist (no women/{service.woman}.yaml)"))
    by_woman: Dict[str, List[Stay]] = {}
    for stay in records.stays.values():
        by_woman.setdefault(stay.woman, []).append(stay)
    for woman_id, stays in by_woman.items():
        problems.extend(stay_conflicts(woman_id, stays))
        woman = records.women.get(woman_id)
        if woman is not None:
            first = min(s.start for s in stays)
            if first < woman.first_contact:
                problems.append(
                    Problem(woman.path, woman.line_of("first_contact"), f"first_contact {woman.first_contact} is after her first stay starts ({first})", WARNING)
                )
            if woman.declined_on is not None:
                problems.append(
                    Problem(woman.path, woman.line_of("declined_on"), "she declined a safe place but has a stay; remove declined_on or the stay", WARNING)
                )
    return problems


def long_stays(records: Records, today: date) -> List[Problem]:
    """Stays open longer than ``long_stay_days``: a warning, because a stay nobody
    closed adds a year of bed-nights to every report while she may be long gone."""
    limit = records.settings.long_stay_days
    problems: List[Problem] = []
    for stay in records.stays.values():
        if stay.end is None and (today - stay.start).days > limit:
            days = (today - stay.start).days
            problems.append(Problem(stay.path, stay.line_of("start"), (
                f"stay {stay.id} of woman {stay.woman} has been open {days} days (since {stay.start}; "
                f"long_stay_days is {limit}); close it with rosa stay close if she has left"
            ), WARNING))
    return problems


NO_NATIONALITY = ("unknown",)


def nationality_mismatches(records: Records) -> List[Problem]:
    """A call that names a woman and gives another nationality than her record: a
    warning, since the report would count her under both."""
    problems: List[Problem] = []
    for call in records.calls.values():
        if not call.woman or not call.nationality or call.nationality in NO_NATIONALITY:
            continue
        woman = records.women.get(call.woman)
        if woman is None or woman.nationality in NO_NATIONALITY or woman.nationality == call.nationality:
            continue
        problems.append(Problem(call.path, call.line_of("nationality"), (
            f"call {call.id} gives nationality {call.nationality} but woman {woman.id} is {woman.nationality}; "
            "correct one of them (the report counts the call's)"
        ), WARNING))
    return problems


def stay_conflicts(woman_id: str, stays: List[Stay]) -> List[Problem]:
    """Overlapping stays and more than one open stay for one woman."""
    problems: List[Problem] = []
    ordered = sorted(stays, key=lambda s: (s.start, s.end or date.max))
    open_stays = [s for s in ordered if s.end is None]
    if len(open_stays) > 1:
        names = ", ".join(s.id for s in open_stays)
        problems.append(Problem(open_stays[-1].path, open_stays[-1].line_of("start"), f"woman {woman_id} has more than one open stay ({names})"))
    for before, after in zip(ordered, ordered[1:]):
        if before.end is None or after.start < before.end:
            problems.append(Problem(after.path, after.line_of("start"), f"stay {after.id} overlaps stay {before.id} of woman {woman_id}"))
    return problems


# --- settings and shelters -------------------------------------------------------------

SETTINGS_KEYS = ("organisation", "language", "started", "age_groups", "duration_groups", "suppress_below", "max_text_chars",
                 "long_stay_days", "reflection_days", "followup_days", "vocabularies")


def build_settings(data: Any, shown: str, today: Optional[date] = None) -> Tuple[Settings, List[Problem]]:
    """Read ``rosa.yaml``. Always returns usable settings (defaults where it is wrong)."""
    problems: List[Problem] = []
    settings = Settings(organisation="", vocabularies={k: dict(v) for k, v in DEFAULT_VOCABULARIES.items()})
    if not isinstance(data, dict):
        return settings, [Problem(shown, 1, "rosa.yaml must be a mapping of setting: value")]
    for key in data:
        if key not in SETTINGS_KEYS:
            problems.append(Problem(shown, _line(data, key), f"unknown setting {key!r}{did_you_mean(key, SETTINGS_KEYS)}"))
    org = data.get("organisation")
    if isinstance(org, str) and org.strip():
        settings.organisation = org.strip()
    else:
        problems.append(Problem(shown, _line(data, "organisation"), "organisation must be set (a name for report headings)"))
    lang = data.get("language", "nb")
    if lang in LANGUAGES:
        settings.language = lang
    else:
        problems.append(Problem(shown, _line(data, "language"), f"language {lang!r} is not one of: {', '.join(LANGUAGES)}"))
    if data.get("started") is not None:
        try:
            settings.started = parse_date(data["started"], today)
        except DateError as exc:
            problems.append(Problem(shown, _line(data, "started"), f"started {exc}"))
    for key in ("age_groups", "duration_groups"):
        if key in data:
            bounds = data[key]
            if (
                isinstance(bounds, list)
                and bounds
                and all(isinstance(b, int) and not isinstance(b, bool) and b > 0 for b in bounds)
                and all(a < b for a, b in zip(bounds, bounds[1:]))
            ):
                setattr(settings, key, list(bounds))
            else:
                problems.append(Problem(shown, _line(data, key), f"{key} must be a list of increasing whole numbers above 0"))
    if "suppress_below" in data:
        value = data["suppress_below"]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            settings.suppress_below = value
        else:
            problems.append(Problem(shown, _line(data, "suppress_below"), "suppress_below must be a whole number, 1 or more"))
    for key in ("max_text_chars",) + tuple(DAY_SETTINGS):
        if key in data:
            value = data[key]
            if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                setattr(settings, key, value)
            else:
                problems.append(Problem(shown, _line(data, key), f"{key} must be a whole number, 1 or more"))
    vocabularies = data.get("vocabularies")
    if vocabularies is not None:
        if not isinstance(vocabularies, dict):
            problems.append(Problem(shown, _line(data, "vocabularies"), "vocabularies must be a mapping"))
        else:
            for name, entries in vocabularies.items():
                if name not in DEFAULT_VOCABULARIES:
                    problems.append(
                        Problem(shown, _line(vocabularies, name), f"unknown vocabulary {name!r}{did_you_mean(name, DEFAULT_VOCABULARIES)}")
                    )
                    continue
                if not isinstance(entries, dict) or not entries:
                    problems.append(Problem(shown, _line(vocabularies, name), f"vocabulary {name} must map keys to labels"))
                    continue
                parsed: Dict[str, Dict[str, str]] = {}
                for key, labels in entries.items():
                    if isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values()):
                        parsed[str(key)] = {str(k): v for k, v in labels.items()}
                    elif isinstance(labels, str):
                        parsed[str(key)] = {"nb": labels, "en": labels}
                    else:
                        problems.append(Problem(shown, _line(entries, key), f"vocabulary {name}: {key!r} needs labels like {{nb: ..., en: ...}}"))
                settings.vocabularies[name] = parsed
    return settings, problems


SHELTER_FIELDS = ("name", "municipality", "retired")


def build_shelters(data: Any, shown: str) -> Tuple[Dict[str, Shelter], List[Problem]]:
    """Read ``shelters.yaml``: key -> {name, municipality, retired}.

    ``retired`` (a date, set by ``rosa shelter retire``) keeps the key known, so old
    stays stay valid, while new stays and reports leave the shelter out.
    """
    problems: List[Problem] = []
    shelters: Dict[str, Shelter] = {}
    if data is None:
        return shelters, problems
    if not isinstance(data, dict):
        return shelters, [Problem(shown, 1, "shelters.yaml must map shelter keys to {name, municipality}")]
    for key, entry in data.items():
        line = _line(data, key)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(Problem(shown, line, f"shelter {key!r} needs a name"))
            continue
        for extra in entry:
            if extra not in SHELTER_FIELDS:
                problems.append(Problem(shown, _line(entry, extra), f"unknown shelter field {extra!r}{did_you_mean(extra, SHELTER_FIELDS)}"))
        municipality = entry.get("municipality")
        retired = None
        if entry.get("retired") is not None:
            try:
                retired = parse_date(entry["retired"])
            except DateError as exc:
                problems.append(Problem(shown, _line(entry, "retired"), f"shelter {key}: retired {exc}"))
        shelters[str(key)] = Shelter(str(key), entry["name"], str(municipality) if municipality is not None else None, retired)
    return shelters, problems
