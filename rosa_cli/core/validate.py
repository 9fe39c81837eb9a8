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

Every problem's message is a coded :class:`~rosa_cli.core.messages.Message`; the codes
are listed in docs/message-codes.md. Advice naming a command is the CLI's, never here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

from rosa_cli.core import countries, ids
from rosa_cli.core.dates import DateError, parse_date, parse_datetime
from rosa_cli.core.messages import Label, Message, msg
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
from rosa_cli.core.privacy import describe_findings, identifying_details
from rosa_cli.core.schema import FIELDS, RESIDENCE_KEYS, Field, field_map
from rosa_cli.core.vocab import DAY_SETTINGS, DEFAULT_VOCABULARIES, LANGUAGES

MIN_AGE, MAX_AGE = 10, 100
MAX_CHILDREN = 20
MAX_NUMBER = 10**9  # a cost or a count beyond this is a typo, not a figure
TRUE_WORDS = {"true", "yes", "ja", "y", "j", "1"}
FALSE_WORDS = {"false", "no", "nei", "n", "0"}


class FieldError(ValueError):
    """A value that does not fit its field; the message names the value, not the field.

    ``message`` is the :class:`Message` (code and values) the CLI renders in the
    user's language; ``str(exc)`` is its English rendering.
    """

    def __init__(self, message: Any):
        self.message: Message = as_message(message)
        super().__init__(self.message)


def as_message(text: Any, code: str = "value.invalid") -> Message:
    """``text`` as a :class:`Message`: itself when it is one, else wrapped under ``code``.

    Some modules this one calls (dates, countries, ids) still say their problems as
    plain English; wrapped, they still carry a code and render unchanged."""
    if isinstance(text, Message):
        return text
    return msg(code, "{detail}", detail=str(text))


def exception_message(exc: Exception, code: str = "value.invalid") -> Message:
    """The message an exception carries (its first argument), as a :class:`Message`."""
    first = exc.args[0] if exc.args else str(exc)
    return as_message(first, code)


@dataclass
class Context:
    """What validating one record needs to know besides the record itself."""

    settings: Settings
    shelters: Dict[str, Shelter]
    today: date = field(default_factory=date.today)
    # the bulk loader's memo of values read from files (see :func:`_convert_from_file`):
    # None until :meth:`remember_values` turns it on for one load
    memo: Optional[Dict[Any, Any]] = field(default=None, repr=False, compare=False)

    def remember_values(self) -> None:
        """Let :func:`build_record` reuse what it read from files before (the loader
        does this for one load: settings and shelters do not change meanwhile)."""
        if self.memo is None:
            self.memo = {}


def did_you_mean(word: str, choices: Iterable[str]) -> Any:
    """A hint naming the closest choice (a :class:`Message` to put in a ``{hint}``
    field), or ``""`` when nothing is close."""
    import difflib

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return hint_for(close[0]) if close else ""


def hint_for(word: str) -> Message:
    """``; did you mean WORD?`` as a message of its own, so it translates."""
    return msg("hint.did_you_mean", "; did you mean {word}?", word=word)


def _text(value: Any) -> str:
    if isinstance(value, (bool, list, dict)) or value is None:
        raise FieldError(msg("value.not_text", "must be text"))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _date(value: Any, ctx: Context) -> date:
    if isinstance(value, (bool, list, dict)):
        raise FieldError(msg("date.wrong_type", "must be a date like 2006-03-14"))
    try:
        day = parse_date(value, ctx.today)
    except DateError as exc:
        raise FieldError(exception_message(exc, "date.unreadable")) from None
    if day > ctx.today:
        raise FieldError(msg("date.future", "{day} is in the future", day=day.isoformat()))
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
        raise FieldError(msg(
            "text.too_long", "is {length} characters long; the limit is {limit} (max_text_chars in rosa.yaml)",
            length=len(text), limit=limit,
        ))
    if entry:
        found = identifying_details(text)
        if found:
            raise FieldError(identifying_message(found))


KEEP_OUT = "keep identifying details out of the records"


def identifying_message(found: List[Any]) -> Message:
    """``holds what looks like a phone number; keep identifying details out of the
    records``: the refusal for free text with identifying details (never the value)."""
    return msg("text.identifying", "holds {found}; keep identifying details out of the records", found=describe_findings(found))


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
        # a vocabulary entry's ``role`` (docs/data-model.md "Roles") is not a word she types
        words = [lab for lang, lab in (labels or {}).items() if lang != "role"]
        names[key] = [key.casefold()] + [" ".join(str(lab).casefold().split()) for lab in words]
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
        raise FieldError(msg(
            "vocab.ambiguous", "{value} is not one of: {choices}; it could be {candidates}",
            value=repr(text), choices=", ".join(entries), candidates=shown,
        ))
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

    Each field type has its own reader in :data:`READERS`, so a type's rules are
    read (and changed) in one small function.
    """
    reader = READERS.get(spec.type)
    if reader is None:
        raise AssertionError(f"unknown field type {spec.type}")
    return reader(Reading(spec, value, ctx, entry, entry if typed is None else typed))


class Reading(NamedTuple):
    """One value to read, with everything its reader may need (a named tuple: made
    once per field of every record of a cold report)."""

    spec: Field
    value: Any
    ctx: Context
    entry: bool
    typed: bool


def _read_text(r: Reading) -> str:
    text = _text(r.value).strip()
    if not text:
        raise FieldError(msg("value.empty", "is empty (leave the field out instead)"))
    check_free_text(text, r.ctx, r.entry)
    return text


def _read_id(r: Reading) -> str:
    return _text(r.value)


def _read_date(r: Reading) -> date:
    return _date(r.value, r.ctx)


# the form rosa writes a call's time in (2006-03-14 14:10): read by the standard library
# directly; anything else, or a value it refuses, goes through parse_datetime
_PLAIN_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}")


def _read_datetime(r: Reading) -> datetime:
    value = r.value
    if isinstance(value, (bool, list, dict)):
        raise FieldError(msg("datetime.wrong_type", "must be a date and time like 2006-03-14 14:10"))
    moment = None
    if type(value) is str and _PLAIN_MOMENT.fullmatch(value):
        try:  # what parse_datetime gives for this form, at a fraction of its cost
            moment = datetime.fromisoformat(value)
        except ValueError:  # no such day or time: parse_datetime says why
            moment = None
        if moment is not None and moment.date() < r.ctx.today:
            return moment  # "now" below is always on ctx.today: a day before it is never in the future
    now = datetime.now().replace(second=0, microsecond=0)
    if now.date() != r.ctx.today:  # a fixed "today" (tests, replays): the day's last minute
        now = datetime.combine(r.ctx.today, now.time())
    if moment is None:
        try:
            moment = parse_datetime(value, now, relative=r.typed)
        except DateError as exc:
            raise FieldError(exception_message(exc, "datetime.unreadable")) from None
    # By the minute, not the day: a call at 09:15 typed at 01:43 is a typo.
    if moment > now.replace(second=59):
        raise FieldError(msg(
            "datetime.future", "{moment} is in the future (it is now {now})",
            moment=moment.strftime("%Y-%m-%d %H:%M"), now=now.strftime("%Y-%m-%d %H:%M"),
        ))
    return moment


def _read_born(r: Reading) -> Any:
    value = r.value
    if isinstance(value, bool):
        raise FieldError(msg("born.wrong_type", "must be a birth year (1984) or date (1984-05-14)"))
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4):
        year = int(value)
        if not 1900 <= year <= r.ctx.today.year:
            raise FieldError(msg("born.implausible_year", "{year} is not a plausible birth year", year=year))
        return year
    try:
        return _date(value, r.ctx)
    except FieldError:
        raise FieldError(msg(
            "born.unreadable", "{value} is not a birth year (1984) or date (1984-05-14)", value=repr(value),
        )) from None


def _read_bool(r: Reading) -> bool:
    if isinstance(r.value, bool):
        return r.value
    word = str(r.value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldError(msg("bool.unreadable", "{value} is not true or false", value=repr(r.value)))


def _read_count(r: Reading) -> int:
    if isinstance(r.value, bool):
        raise FieldError(msg("number.wrong_type", "must be a whole number"))
    try:
        number = int(str(r.value).strip())
    except ValueError:
        raise FieldError(msg("number.unreadable", "{value} is not a whole number", value=repr(r.value))) from None
    if not 0 <= number <= MAX_CHILDREN:
        raise FieldError(msg("count.out_of_range", "{number} is not between 0 and {most}", number=number, most=MAX_CHILDREN))
    return number


def _read_vocab(r: Reading) -> str:
    vocabulary = r.spec.vocab or ""
    key = _text(r.value).strip()
    choices = r.ctx.settings.keys(vocabulary)
    if r.typed and key not in choices:
        key = vocab_answer(r.ctx.settings, vocabulary, key)
    if key in choices:
        return key
    hint = did_you_mean(key, choices)
    if not r.typed:  # a label in a file: name the key to write instead
        try:
            found = vocab_answer(r.ctx.settings, vocabulary, key)
        except FieldError:
            found = key
        hint = hint_for(found) if found in choices else hint
    shown: Any = ", ".join(choices)
    if r.typed:  # a person typing may give labels, so she is shown the labels in her language
        settings = r.ctx.settings
        shown = Label(shown, {lang: ", ".join(settings.label(vocabulary, k, lang) for k in choices) for lang in ("nb", "en")})
    raise FieldError(msg(
        "vocab.unknown_key", "{value} is not one of: {choices}{hint}", value=repr(key), choices=shown, hint=hint,
    ))


def _read_country(r: Reading) -> str:
    code, message = countries.normalise_nationality(_text(r.value), loose=r.typed)
    if code is None:
        raise FieldError(as_message(message, "country.unknown"))
    return code


def _read_language(r: Reading) -> str:
    code, message = countries.normalise_language(_text(r.value), loose=r.typed)
    if code is None:
        raise FieldError(as_message(message, "language.unknown"))
    return code


def _read_shelter(r: Reading) -> str:
    key = _text(r.value).strip()
    shelters = r.ctx.shelters
    if key not in shelters and not shelters:
        raise FieldError(msg("shelter.none_yet", "{key} is not a shelter in shelters.yaml (known: none yet)", key=repr(key)))
    if key not in shelters:
        raise FieldError(msg(
            "shelter.unknown", "{key} is not a shelter in shelters.yaml (known: {known}){hint}",
            key=repr(key), known=", ".join(shelters), hint=did_you_mean(key, shelters),
        ))
    retired = getattr(shelters[key], "retired", None)
    if r.entry and retired is not None:
        raise FieldError(msg(
            "shelter.retired", "shelter {key} was retired on {retired} and takes no new stays", key=key, retired=str(retired),
        ))
    return key


def _read_woman(r: Reading) -> str:
    text = _text(r.value).strip()
    problem = ids.id_problem("woman", text)
    if problem:
        raise FieldError(as_message(problem, "id.malformed"))
    return text


def _read_amount(r: Reading) -> int:
    """NOK amounts and counts of participants or visits: whole numbers, never negative."""
    value = r.value
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise FieldError(msg("number.wrong_type", "must be a whole number"))
    try:
        number = int(str(value).strip().replace(" ", "")) if not isinstance(value, float) else int(value)
    except ValueError:
        raise FieldError(msg("number.unreadable", "{value} is not a whole number", value=repr(value))) from None
    if number < 0:
        raise FieldError(msg("number.negative", "{number} is negative", number=number))
    if number > MAX_NUMBER:
        raise FieldError(msg("number.too_large", "{number} is implausibly large", number=number))
    return number


def _read_days(r: Reading) -> Any:
    value = r.value
    if isinstance(value, (bool, list, dict)):
        raise FieldError(msg("days.wrong_type", "must be a number of days like 1 or 0.5"))
    try:
        days = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise FieldError(msg("days.unreadable", "{value} is not a number of days like 1 or 0.5", value=repr(value))) from None
    if not 0 < days <= 366 or days * 2 != int(days * 2):
        raise FieldError(msg("days.out_of_range", "{value} is not a number of days (whole or half, above 0)", value=str(value)))
    return int(days) if days.is_integer() else days


def _read_audience(r: Reading) -> List[str]:
    items = r.value if isinstance(r.value, list) else _text(r.value).replace(";", ",").split(",")
    keys: List[str] = []
    choices = r.ctx.settings.keys(r.spec.vocab or "")
    for item in items:
        key = _text(item).strip()
        if not key:
            continue
        if key not in choices:
            raise FieldError(msg(
                "vocab.unknown_key", "{value} is not one of: {choices}{hint}",
                value=repr(key), choices=", ".join(choices), hint=did_you_mean(key, choices),
            ))
        if key not in keys:
            keys.append(key)
    if not keys:
        raise FieldError(msg("value.empty", "is empty (leave the field out instead)"))
    return keys


def _read_month(r: Reading) -> str:
    import re

    text = _text(r.value).strip()
    match = re.match(r"^([0-9]{4})-(0[1-9]|1[0-2])$", text)
    if not match:
        raise FieldError(msg("month.unreadable", "{value} is not a month like 2006-03", value=repr(text)))
    if (int(match.group(1)), int(match.group(2))) > (r.ctx.today.year, r.ctx.today.month):
        raise FieldError(msg("month.future", "{month} is in the future", month=text))
    return text


def _read_residence(r: Reading) -> Any:
    """A residence history is a list, read by :func:`_residence`; never one value."""
    raise FieldError(msg("residence.wrong_type", "residence must be a list of {{from: date, status: key}}"))


READERS: Dict[str, Callable[[Reading], Any]] = {
    "text": _read_text, "id": _read_id, "date": _read_date, "datetime": _read_datetime, "born": _read_born,
    "bool": _read_bool, "count": _read_count, "vocab": _read_vocab, "country": _read_country,
    "language": _read_language, "shelter": _read_shelter, "woman": _read_woman, "cost": _read_amount,
    "int": _read_amount, "number": _read_days, "audience": _read_audience, "month": _read_month,
    "residence": _read_residence,
}


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
        problems.append(Problem(shown, line, msg("residence.not_a_list", "residence must be a list of entries with from: and status:")))
        return []
    entries: List[ResidenceEntry] = []
    status_spec = Field("status", "vocab", vocab="residence")
    for entry in value:
        entry_line = getattr(entry, "line", None) or line
        if not isinstance(entry, dict):
            problems.append(Problem(shown, entry_line, msg("residence.entry_not_a_mapping", "each residence entry needs from: and status:")))
            continue
        for key in entry:
            if key not in RESIDENCE_KEYS:
                problems.append(Problem(shown, _line(entry, key), msg(
                    "residence.unknown_key", "unknown key {key} in residence entry{hint}", key=repr(key), hint=did_you_mean(key, RESIDENCE_KEYS),
                )))
        ok = True
        converted: Dict[str, Any] = {}
        for key, spec in (("from", Field("from", "date")), ("status", status_spec)):
            if key not in entry or entry[key] is None:
                problems.append(Problem(shown, entry_line, msg("residence.missing_key", "residence entry is missing {key}:", key=key)))
                ok = False
                continue
            try:
                converted[key] = convert(spec, entry[key], ctx)
            except FieldError as exc:
                problems.append(Problem(shown, _line(entry, key), msg("residence.invalid", "residence {key} {problem}", key=key, problem=exc.message)))
                ok = False
        if ok:
            if entries and converted["from"] < entries[-1].start:
                # a tired hand's typo (2005 for 2006) shows as an entry out of order;
                # sorting it silently would change her status history without a word
                problems.append(Problem(shown, _line(entry, "from"), msg(
                    "residence.out_of_order",
                    "residence entry from {start} comes after the entry from {previous}; list the entries oldest first (is the year right?)",
                    start=str(converted["from"]), previous=str(entries[-1].start),
                )))
            entries.append(ResidenceEntry(converted["from"], converted["status"]))
    starts = [e.start for e in entries]
    if len(set(starts)) != len(starts):
        problems.append(Problem(shown, line, msg("residence.same_date", "residence has two entries from the same date")))
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
    memo = None if entry else ctx.memo
    for key in data:
        if key not in specs:
            problems.append(Problem(shown, _line(data, key), msg(
                "field.unknown", "unknown field {key}{hint}", key=repr(key), hint=did_you_mean(key, specs),
            )))
    values: Dict[str, Any] = {}
    for name, spec, kind_of_value in _SPECS[kind]:
        value = data.get(name)
        if value is None or (isinstance(value, str) and kind_of_value != "text" and not value.strip()):
            if spec.required:
                problems.append(Problem(shown, _line(data, name) if name in data else _first_line(data), msg(
                    "field.missing", "missing required field {field}", field=name,
                )))
            continue
        if kind_of_value == "residence":
            values[name] = _residence(value, data, shown, ctx, problems)
            continue
        try:
            if memo is not None:
                values[name] = _convert_from_file(spec, value, ctx, memo)
            else:
                strict = entry and not (name in unchanged and unchanged[name] == value)
                values[name] = convert(spec, value, ctx, entry=strict, typed=False)
        except FieldError as exc:
            problems.append(Problem(shown, _line(data, name), msg("field.invalid", "{field} {problem}", field=name, problem=exc.message)))
    if kind == "website" and expected_id is not None and values.get("month") not in (None, expected_id):
        problems.append(Problem(shown, _line(data, "month"), msg(
            "month.file_name", "month {month} does not match the file name {expected}.yaml", month=values["month"], expected=expected_id,
        )))
    record_id = values.get("id")
    if record_id is not None:
        problem = ids.id_problem(kind, record_id)
        if problem:
            problems.append(Problem(shown, _line(data, "id"), as_message(problem, "id.malformed")))
        elif expected_id is not None and record_id != expected_id:
            problems.append(Problem(shown, _line(data, "id"), msg(
                "id.file_name", "id {id} does not match the file name {expected}.yaml", id=record_id, expected=expected_id,
            )))
    problems.extend(_record_rules(kind, values, data, shown, ctx, memo))
    if problems and any(p.is_error for p in problems):
        return None, problems
    key_lines = getattr(data, "key_lines", None) or {}
    lines = tuple([key_lines.get(name, 0) for name in _FIELD_NAMES[kind]])
    record = _RECORD_CLASS[kind](path=shown, lines=lines, **values)
    return record, problems


_RECORD_CLASS = {"woman": Woman, "stay": Stay, "call": Call, "service": Service, "activity": Activity, "website": WebsiteMonth}
_FIELD_NAMES = {kind: tuple(spec.name for spec in fields) for kind, fields in FIELDS.items()}
# each kind's fields as build_record walks them (in field_map's order): name, field, type
_SPECS = {kind: tuple((name, spec, spec.type) for name, spec in field_map(kind).items()) for kind in FIELDS}
# Field types whose reading depends only on the value, the field's vocabulary and the
# context (never on the clock), that give an unchangeable value, and whose values
# repeat across records (a vocabulary key, a country, a shelter, a woman's id; short
# free text like received_by, see _MEMO_TEXT).
_MEMO_TYPES = frozenset(("vocab", "country", "language", "shelter", "woman", "text"))
_MEMO_TEXT = 40  # longer free text (a note) seldom repeats: it is read every time


def _convert_from_file(spec: Field, value: Any, ctx: Context, memo: Dict[Any, Any]) -> Any:
    """:func:`convert` of a file's value (``entry`` and ``typed`` false), remembering
    what it read for the field types in :data:`_MEMO_TYPES`: a cold report reads
    "phone" as a channel 100,000 times, and each time the answer is the same. Only
    accepted values are remembered; a refused one is read (and explained) every time."""
    kind_of_value = spec.type
    if type(value) is not str or kind_of_value not in _MEMO_TYPES:
        if kind_of_value == "id" and type(value) is str:
            return value  # what _read_id gives for text: the text itself
        return READERS[kind_of_value](Reading(spec, value, ctx, False, False))
    if kind_of_value == "text" and len(value) > _MEMO_TEXT:
        return _read_text(Reading(spec, value, ctx, False, False))
    key = (kind_of_value, spec.vocab, value)
    found = memo.get(key, memo)
    if found is memo:
        found = memo[key] = READERS[spec.type](Reading(spec, value, ctx, False, False))
    return found


def _first_line(data: Any) -> Optional[int]:
    return getattr(data, "line", None) or 1


def _record_rules(kind: str, values: Dict[str, Any], data: Any, shown: str, ctx: Context,
                  memo: Optional[Dict[Any, Any]] = None) -> List[Problem]:
    """Rules within one record: end after start, reasons with their dates, plausible ages."""
    problems: List[Problem] = []
    rules = KIND_RULES.get(kind)
    if rules is not None:
        rules(values, data, shown, problems)
    problems.extend(_privacy_warnings(kind, values, data, shown, memo))
    return problems


def _stay_rules(values: Dict[str, Any], data: Any, shown: str, problems: List[Problem]) -> None:
    """A stay ends after it starts, and an end comes with its reason (and the other way round)."""
    start, end = values.get("start"), values.get("end")
    if start and end and end < start:
        problems.append(Problem(shown, _line(data, "end"), msg("stay.end_before_start", "end {end} is before start {start}", end=str(end), start=str(start))))
    if end and "end_reason" not in values and "end_reason" not in data:
        problems.append(Problem(shown, _line(data, "end"), msg("stay.end_reason_missing", "end_reason is required once end is set")))
    if "end_reason" in values and not end and "end" not in data:
        problems.append(Problem(shown, _line(data, "end_reason"), msg("stay.end_missing", "end_reason is set but end is not")))


def _service_rules(values: Dict[str, Any], data: Any, shown: str, problems: List[Problem]) -> None:
    """A course or series of sessions ends after its first day."""
    on, to = values.get("on"), values.get("to")
    if on and to and to < on:
        problems.append(Problem(shown, _line(data, "to"), msg("service.to_before_on", "to {to} is before on {on}", to=str(to), on=str(on))))


def _woman_rules(values: Dict[str, Any], data: Any, shown: str, problems: List[Problem]) -> None:
    """A declined safe place has its reason, and ages and dates fit her first contact."""
    if values.get("declined_on") and "declined_reason" not in values and "declined_reason" not in data:
        problems.append(Problem(shown, _line(data, "declined_on"), msg(
            "woman.declined_reason_missing", "declined_reason is required once declined_on is set",
        )))
    if values.get("declined_reason") and "declined_on" not in values and "declined_on" not in data:
        problems.append(Problem(shown, _line(data, "declined_reason"), msg(
            "woman.declined_on_missing", "declined_reason is set but declined_on is not",
        )))
    born, first = values.get("born"), values.get("first_contact")
    if born is not None and first is not None:
        probe = Woman(id="", first_contact=first, nationality="", born=born)
        age = probe.age_on(first)
        if age is not None and not MIN_AGE <= age <= MAX_AGE:
            problems.append(Problem(shown, _line(data, "born"), msg(
                "woman.implausible_age", "implausible age {age} at first contact {first}", age=age, first=str(first),
            )))
    if first is not None:
        for entry in values.get("residence") or []:
            if entry.start < first:
                problems.append(Problem(shown, _residence_line(data, entry.start), msg(
                    "woman.residence_before_first_contact",
                    "residence entry from {start} is before her first contact {first}; her status at first contact is dated first_contact",
                    start=str(entry.start), first=str(first),
                )))
    declined = values.get("declined_on")
    if declined and first and declined < first:
        problems.append(Problem(shown, _line(data, "declined_on"), msg(
            "woman.declined_before_first_contact", "declined_on {declined} is before first_contact {first}",
            declined=str(declined), first=str(first),
        )))


KIND_RULES = {"stay": _stay_rules, "service": _service_rules, "woman": _woman_rules}


_FREE_TEXT = {kind: tuple(spec.name for spec in fields if spec.free_text) for kind, fields in FIELDS.items()}


def _privacy_warnings(kind: str, values: Dict[str, Any], data: Any, shown: str, memo: Optional[Dict[Any, Any]] = None) -> List[Problem]:
    """Free text in a file that holds identifying details: a warning, not an error (see
    :func:`check_free_text`). ``memo`` (the bulk loader's) remembers short texts found
    clean, such as a received_by that stands in thousands of calls."""
    problems: List[Problem] = []
    for name in _FREE_TEXT[kind]:
        text = values.get(name)
        if isinstance(text, str):
            if memo is not None and len(text) <= _MEMO_TEXT:
                if ("clean", text) in memo:
                    continue
                found = identifying_details(text)
                if not found:
                    memo[("clean", text)] = True
            else:
                found = identifying_details(text)
            for finding in found:
                problems.append(Problem(shown, _line(data, name), msg(
                    "text.identifying_in_file", "{field} holds {found}; keep identifying details out of the records",
                    field=name, found=finding,
                ), WARNING))
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
                problems.append(Problem(stay.path, stay.line_of("woman"), missing_woman(stay.woman)))
        for call in records.calls.values():
            if call.woman and call.woman not in exists:
                problems.append(Problem(call.path, call.line_of("woman"), missing_woman(call.woman)))
        for service in records.services.values():
            if service.woman not in exists:
                problems.append(Problem(service.path, service.line_of("woman"), missing_woman(service.woman)))
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
                    Problem(woman.path, woman.line_of("first_contact"), msg(
                        "woman.first_contact_after_stay", "first_contact {first_contact} is after her first stay starts ({start})",
                        first_contact=str(woman.first_contact), start=str(first),
                    ), WARNING)
                )
            if woman.declined_on is not None:
                problems.append(
                    Problem(woman.path, woman.line_of("declined_on"), msg(
                        "woman.declined_with_stay", "she declined a safe place but has a stay; remove declined_on or the stay",
                    ), WARNING)
                )
    return problems


def missing_woman(woman_id: str) -> Message:
    """A record naming a woman whose file does not exist."""
    return msg("woman.missing", "woman {woman} does not exist (no women/{woman}.yaml)", woman=woman_id)


def long_stays(records: Records, today: date) -> List[Problem]:
    """Stays open longer than ``long_stay_days``: a warning, because a stay nobody
    closed adds a year of bed-nights to every report while she may be long gone."""
    limit = records.settings.long_stay_days
    problems: List[Problem] = []
    for stay in records.stays.values():
        if stay.end is None and (today - stay.start).days > limit:
            days = (today - stay.start).days
            problems.append(Problem(stay.path, stay.line_of("start"), msg(
                "stay.open_long", "stay {stay} of woman {woman} has been open {days} days (since {start}; long_stay_days is {limit})",
                stay=stay.id, woman=stay.woman, days=days, start=str(stay.start), limit=limit,
            ), WARNING))
    return problems


NO_NATIONALITY = ("unknown",)


def nationality_mismatches(records: Records) -> List[Problem]:
    """A call that names a woman and gives another nationality than her record: a
    warning, since the report would count her under both."""
    problems: List[Problem] = []
    for call in records.calls.values():
        if not call.woman:
            continue
        woman = records.women.get(call.woman)
        if not _nationality_differs(call.nationality, woman):
            continue
        assert woman is not None
        problems.append(Problem(call.path, call.line_of("nationality"), msg(
            "call.nationality_mismatch",
            "call {call} gives nationality {nationality} but woman {woman} is {hers}; correct one of them (the report counts the call's)",
            call=call.id, nationality=call.nationality, woman=woman.id, hers=woman.nationality,
        ), WARNING))
    return problems


def _nationality_differs(nationality: Optional[str], woman: Optional[Woman]) -> bool:
    """A call's nationality that contradicts the record of the woman it names."""
    if not nationality or nationality in NO_NATIONALITY or woman is None:
        return False
    return woman.nationality not in NO_NATIONALITY and woman.nationality != nationality


def references_hold(records: Records, refs: Iterable[Tuple[str, str]], complete: bool, woman_files: Iterable[str] = ()) -> bool:
    """True when records naming these (woman, nationality) pairs would add no problem to
    :func:`cross_check`: she exists (checked when ``complete``) and the nationality agrees.

    The loader asks this of a year folder it did not build (rosa_cli/core/summary.py);
    when it says False, everything is built and checked record by record instead."""
    women = records.women
    exists = women.keys() | set(woman_files) if complete else None
    for woman_id, nationality in refs:
        if exists is not None and woman_id not in exists:
            return False
        if _nationality_differs(nationality, women.get(woman_id)):
            return False
    return True


def stay_conflicts(woman_id: str, stays: List[Stay], names: Optional[Dict[str, Any]] = None) -> List[Problem]:
    """Overlapping stays and more than one open stay for one woman.

    ``names`` says how to name stays not yet written (a probe id -> a :class:`Message`
    such as "this row's stay"), so no caller has to edit the words afterwards."""
    names = names or {}
    problems: List[Problem] = []
    ordered = sorted(stays, key=lambda s: (s.start, s.end or date.max))
    open_stays = [s for s in ordered if s.end is None]
    if len(open_stays) > 1:
        listed = ", ".join(str(names.get(s.id, s.id)) for s in open_stays)
        problems.append(Problem(open_stays[-1].path, open_stays[-1].line_of("start"), msg(
            "stay.several_open", "woman {woman} has more than one open stay ({stays})", woman=woman_id, stays=listed,
        )))
    for before, after in zip(ordered, ordered[1:]):
        if before.end is None or after.start < before.end:
            problems.append(Problem(after.path, after.line_of("start"), msg(
                "stay.overlap", "stay {stay} overlaps stay {other} of woman {woman}",
                stay=names.get(after.id, after.id), other=names.get(before.id, before.id), woman=woman_id,
            )))
    return problems


# --- settings and shelters -------------------------------------------------------------

SETTINGS_KEYS = ("organisation", "language", "started", "age_groups", "duration_groups", "suppress_below", "max_text_chars",
                 "long_stay_days", "reflection_days", "followup_days", "vocabularies")


def build_settings(data: Any, shown: str, today: Optional[date] = None) -> Tuple[Settings, List[Problem]]:
    """Read ``rosa.yaml``. Always returns usable settings (defaults where it is wrong).

    One function per section (:data:`SETTINGS_SECTIONS`), each setting what it
    could read and saying what it could not."""
    settings = Settings(organisation="", vocabularies={k: dict(v) for k, v in DEFAULT_VOCABULARIES.items()})
    if not isinstance(data, dict):
        return settings, [Problem(shown, 1, msg("settings.not_a_mapping", "rosa.yaml must be a mapping of setting: value"))]
    reading = SettingsReading(data, shown, today, settings, [])
    for section in SETTINGS_SECTIONS:
        section(reading)
    return settings, reading.problems


@dataclass
class SettingsReading:
    """``rosa.yaml`` as read so far: the mapping, the settings made and the problems found."""

    data: Dict[Any, Any]
    shown: str
    today: Optional[date]
    settings: Settings
    problems: List[Problem]

    def problem(self, key: Any, message: Message, within: Any = None) -> None:
        """A problem on the line of ``key`` (in ``within``, else the whole file)."""
        self.problems.append(Problem(self.shown, _line(self.data if within is None else within, key), message))


def _unknown_settings(r: SettingsReading) -> None:
    for key in r.data:
        if key not in SETTINGS_KEYS:
            r.problem(key, msg("settings.unknown", "unknown setting {key}{hint}", key=repr(key), hint=did_you_mean(key, SETTINGS_KEYS)))


def _organisation(r: SettingsReading) -> None:
    org = r.data.get("organisation")
    if isinstance(org, str) and org.strip():
        r.settings.organisation = org.strip()
    else:
        r.problem("organisation", msg("settings.organisation_missing", "organisation must be set (a name for report headings)"))


def _language(r: SettingsReading) -> None:
    lang = r.data.get("language", "nb")
    if lang in LANGUAGES:
        r.settings.language = lang
    else:
        r.problem("language", msg(
            "settings.language_unknown", "language {language} is not one of: {choices}", language=repr(lang), choices=", ".join(LANGUAGES),
        ))


def _started(r: SettingsReading) -> None:
    if r.data.get("started") is None:
        return
    try:
        r.settings.started = parse_date(r.data["started"], r.today)
    except DateError as exc:
        r.problem("started", msg("settings.started_invalid", "started {problem}", problem=exception_message(exc, "date.unreadable")))


def _groups(r: SettingsReading) -> None:
    for key in ("age_groups", "duration_groups"):
        if key not in r.data:
            continue
        bounds = r.data[key]
        if (
            isinstance(bounds, list)
            and bounds
            and all(isinstance(b, int) and not isinstance(b, bool) and b > 0 for b in bounds)
            and all(a < b for a, b in zip(bounds, bounds[1:]))
        ):
            setattr(r.settings, key, list(bounds))
        else:
            r.problem(key, msg("settings.groups_invalid", "{key} must be a list of increasing whole numbers above 0", key=key))


def _whole_numbers(r: SettingsReading) -> None:
    for key in ("suppress_below", "max_text_chars") + tuple(DAY_SETTINGS):
        if key not in r.data:
            continue
        value = r.data[key]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            setattr(r.settings, key, value)
        else:
            r.problem(key, msg("settings.number_invalid", "{key} must be a whole number, 1 or more", key=key))


def _vocabularies(r: SettingsReading) -> None:
    vocabularies = r.data.get("vocabularies")
    if vocabularies is None:
        return
    if not isinstance(vocabularies, dict):
        r.problem("vocabularies", msg("settings.vocabularies_not_a_mapping", "vocabularies must be a mapping"))
        return
    for name, entries in vocabularies.items():
        if name not in DEFAULT_VOCABULARIES:
            r.problem(name, msg(
                "settings.vocabulary_unknown", "unknown vocabulary {name}{hint}", name=repr(name), hint=did_you_mean(name, DEFAULT_VOCABULARIES),
            ), vocabularies)
        elif not isinstance(entries, dict) or not entries:
            r.problem(name, msg("settings.vocabulary_empty", "vocabulary {name} must map keys to labels", name=name), vocabularies)
        else:
            r.settings.vocabularies[name] = _vocabulary(r, name, entries)


def _vocabulary(r: SettingsReading, name: str, entries: Dict[Any, Any]) -> Dict[str, Dict[str, str]]:
    """One vocabulary's keys with their labels; a bare label serves both languages."""
    parsed: Dict[str, Dict[str, str]] = {}
    for key, labels in entries.items():
        if isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values()):
            parsed[str(key)] = {str(k): v for k, v in labels.items()}
        elif isinstance(labels, str):
            parsed[str(key)] = {"nb": labels, "en": labels}
        else:
            r.problem(key, msg(
                "settings.vocabulary_labels", "vocabulary {name}: {key} needs labels like {{nb: ..., en: ...}}", name=name, key=repr(key),
            ), entries)
    return parsed


SETTINGS_SECTIONS = (_unknown_settings, _organisation, _language, _started, _groups, _whole_numbers, _vocabularies)


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
        return shelters, [Problem(shown, 1, msg("shelters.not_a_mapping", "shelters.yaml must map shelter keys to {{name, municipality}}"))]
    for key, entry in data.items():
        line = _line(data, key)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(Problem(shown, line, msg("shelters.name_missing", "shelter {key} needs a name", key=repr(key))))
            continue
        for extra in entry:
            if extra not in SHELTER_FIELDS:
                problems.append(Problem(shown, _line(entry, extra), msg(
                    "shelters.unknown_field", "unknown shelter field {field}{hint}", field=repr(extra), hint=did_you_mean(extra, SHELTER_FIELDS),
                )))
        municipality = entry.get("municipality")
        retired = None
        if entry.get("retired") is not None:
            try:
                retired = parse_date(entry["retired"])
            except DateError as exc:
                problems.append(Problem(shown, _line(entry, "retired"), msg(
                    "shelters.retired_invalid", "shelter {key}: retired {problem}", key=str(key), problem=exception_message(exc, "date.unreadable"),
                )))
        shelters[str(key)] = Shelter(str(key), entry["name"], str(municipality) if municipality is not None else None, retired)
    return shelters, problems
