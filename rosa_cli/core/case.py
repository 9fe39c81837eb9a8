"""A woman's whole case, and finding women: the data behind ``woman show`` and ``woman find``.

Kept apart from the CLI (no click here) so the same data can feed a table, JSON or
CSV, and so a later command (an agenda, a web view) can use it too. Everything is read
through the cache (:func:`rosa_cli.core.folder.load_records`); nothing is written.

"Calls about her" are the calls whose ``woman`` field is her id; a call about her
that was logged without her id cannot be found, and the docs say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, List, Optional

from rosa_cli.core.errors import FieldIssue, Refused
from rosa_cli.core.folder import RecordsFolder, load_records
from rosa_cli.core.messages import Message, msg
from rosa_cli.core.model import Call, Stay, Woman

HISTORY_SHOWN = 10  # the newest commits shown; `rosa log ID` has them all


@dataclass
class Case:
    woman: Woman
    today: date
    stays: List[Stay] = field(default_factory=list)
    calls: List[Call] = field(default_factory=list)
    services: List[Any] = field(default_factory=list)
    history: List[Any] = field(default_factory=list)  # gitrepo.LogEntry, newest first
    history_note: Optional[str] = None  # why there is no history (not a git repository …)
    # Problems (a broken file of hers) and Messages (files left out), rendered by the CLI
    warnings: List[Any] = field(default_factory=list)

    def nights(self, stay: Stay) -> int:
        """Nights in a stay so far: to its end, or to today while it is open."""
        return ((stay.end or self.today) - stay.start).days

    @property
    def open_stay(self) -> Optional[Stay]:
        return next((s for s in self.stays if s.is_open), None)

    def as_json(self) -> Dict[str, Any]:
        """The case as plain data; dates as ISO text. The private alias is not in it."""
        w = self.woman
        record = {
            "id": w.id,
            "first_contact": _iso(w.first_contact),
            "nationality": w.nationality,
            "born": _iso(w.born),
            "born_estimated": w.born_estimated,
            "referred_by": w.referred_by,
            "referrer": w.referrer,
            "interpreter": w.interpreter,
            "exploitation": w.exploitation,
            "note": w.note,
        }
        current = self.open_stay
        return {
            "id": w.id,
            "record": record,
            "residence": [{"from": _iso(e.start), "status": e.status} for e in sorted(w.residence, key=lambda e: e.start)],
            "in_shelter": None if current is None else {"shelter": current.shelter, "since": _iso(current.start), "nights": self.nights(current)},
            "stays": [
                {
                    "id": s.id, "shelter": s.shelter, "start": _iso(s.start), "end": _iso(s.end), "nights": self.nights(s),
                    "end_reason": s.end_reason, "children": s.children, "note": s.note,
                }
                for s in self.stays
            ],
            "calls": [
                {
                    "id": c.id, "at": c.at.strftime("%Y-%m-%d %H:%M"), "channel": c.channel, "caller": c.caller,
                    "subject": c.subject, "nationality": c.nationality, "received_by": c.received_by, "note": c.note,
                }
                for c in self.calls
            ],
            "declined": None if w.declined_on is None and w.declined_reason is None else {"on": _iso(w.declined_on), "reason": w.declined_reason},
            "services": [plain_record(s) for s in self.services],
            "history": [{"date": e.date, "author": e.author, "commit": e.commit, "change": e.message} for e in self.history],
        }


def _reason(exc: BaseException) -> Any:
    """An exception's Message when it carries one (kept for the CLI to translate), else its text."""
    value = exc.args[0] if exc.args else None
    return value if isinstance(value, Message) else str(exc)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def plain_record(record: Any) -> Dict[str, Any]:
    names = [n for n in getattr(record, "__dataclass_fields__", {}) if n not in ("path", "lines")]
    return {n: _iso(getattr(record, n)) for n in names}


def gather_case(folder: RecordsFolder, woman_id: str) -> Case:
    """Everything rosa knows about one woman (an existing, resolved id)."""
    from rosa_cli.core.operations import load_existing

    woman, _path = load_existing(folder, "woman", woman_id)
    case = Case(woman=woman, today=folder.today)
    kinds = ("stay", "call")
    records = load_records(folder, kinds=kinds)
    case.stays = sorted((s for s in records.stays.values() if s.woman == woman_id), key=lambda s: (s.start, s.id))
    case.calls = sorted((c for c in records.calls.values() if c.woman == woman_id), key=lambda c: (c.at, c.id))
    # a broken stay or call file that names her could be her open stay: say which, by name
    hers = 0
    for problem in records.errors:
        path = folder.root / problem.path
        if problem.path.startswith(("stays/", "calls/")) and path.is_file():
            if woman_id in path.read_text(encoding="utf-8", errors="replace"):
                case.warnings.append(problem)
                hers += 1
    if records.skipped > hers:
        case.warnings.append(msg("case.files_left_out", "{n} invalid stay or call file(s) left out", n=records.skipped))
    case.services = _services_of(folder, woman_id)
    case.history, case.history_note = _history(folder, woman_id)
    return case


def _services_of(folder: RecordsFolder, woman_id: str) -> List[Any]:
    """Services given to her, once rosa keeps them (docs/services-activities-website.md); none before that."""
    from rosa_cli.core.schema import PLURAL

    if "service" not in PLURAL:
        return []
    try:
        records = load_records(folder, kinds=("service",))
    except (KeyError, AttributeError):  # the loader does not know services yet
        return []
    services = getattr(records, "services", {}) or {}
    return sorted((s for s in services.values() if getattr(s, "woman", None) == woman_id), key=lambda s: s.id)


def _history(folder: RecordsFolder, woman_id: str):
    from rosa_cli.core import gitrepo
    from rosa_cli.core.audit import record_history

    try:
        return record_history(folder, woman_id)[:HISTORY_SHOWN], None
    except gitrepo.GitError as exc:
        return [], str(exc)
    except LookupError as exc:
        return [], str(exc)


# --- finding ---------------------------------------------------------------------------------


@dataclass
class Found:
    woman: Woman
    alias: Optional[str]
    shelter: Optional[str]
    since: Optional[date]
    nights: Optional[int]


def find_women(
    folder: RecordsFolder,
    text: Optional[str] = None,
    nationality: Optional[str] = None,
    born: Optional[str] = None,
    shelter: Optional[str] = None,
    in_shelter: bool = False,
    first_from: Optional[str] = None,
    first_to: Optional[str] = None,
    with_aliases: bool = True,
    warnings: Optional[List[str]] = None,
) -> List[Found]:
    """Women matching every filter given, by first contact.

    ``text`` matches part of the private alias (any case) or the start of her id (any
    case; the random part alone also works). Bad filter values are refused, naming
    the option, before anything is read.
    """
    from rosa_cli.core.aliases import AliasError, fold, load_aliases
    from rosa_cli.core.countries import normalise_nationality
    from rosa_cli.core.dates import DateError, parse_date

    issues: List[FieldIssue] = []
    if nationality:
        code, message = normalise_nationality(nationality)
        if code is None:  # a search may be typed in lower case (al for AL)
            code = normalise_nationality(nationality.strip().upper())[0]
        if code is None:
            issues.append(FieldIssue("nationality", message or msg("find.not_a_nationality", "{text} is not a nationality", text=repr(nationality[:40]))))
        nationality = code
    year = None
    if born is not None:
        text_born = str(born).strip()
        if not (text_born.isdigit() and len(text_born) == 4):
            issues.append(FieldIssue("born", msg("find.not_a_birth_year", "{text} is not a birth year (like 1984)", text=repr(text_born[:20]))))
        else:
            year = int(text_born)
    if shelter and shelter not in folder.shelters:
        if folder.shelters:
            issues.append(FieldIssue("shelter", msg("shelter.not_known", "{key} is not a shelter (known: {known})",
                                                    key=repr(shelter[:40]), known=", ".join(folder.shelters))))
        else:
            issues.append(FieldIssue("shelter", msg("shelter.not_known_none_yet", "{key} is not a shelter (known: none yet)", key=repr(shelter[:40]))))
    bounds: List[Optional[date]] = []
    for name, value in (("from", first_from), ("to", first_to)):
        if value is None:
            bounds.append(None)
            continue
        try:
            bounds.append(parse_date(value, folder.today))
        except DateError as exc:
            issues.append(FieldIssue(name, _reason(exc)))
            bounds.append(None)
    if text is not None and (not text.strip() or len(text) > 100):
        issues.append(FieldIssue("text", msg("find.bad_text", "give part of an alias or the start of an id (at most 100 characters)")))
    if issues:
        raise Refused(issues)
    low, high = bounds

    aliases: Dict[str, str] = {}
    if text is not None or with_aliases:
        try:
            aliases = load_aliases(folder.root)
        except AliasError as exc:  # ids still match; say why aliases did not
            if warnings is not None:
                warnings.append(msg("find.aliases_unread", "your alias file was not read, so no alias matched: {reason}", reason=_reason(exc)))
            aliases = {}
    wanted = fold(text) if text is not None else None
    id_start = text.strip().upper() if text is not None else None

    records = load_records(folder, kinds=("woman", "stay"))
    open_stays = {s.woman: s for s in records.stays.values() if s.is_open}
    found: List[Found] = []
    for w in sorted(records.women.values(), key=lambda w: (w.first_contact, w.id)):
        if wanted is not None:
            alias = aliases.get(w.id)
            by_alias = alias is not None and wanted in fold(alias)
            by_id = id_start is not None and (w.id.startswith(id_start) or w.id[7:].startswith(id_start))
            if not (by_alias or by_id):
                continue
        if nationality and w.nationality != nationality:
            continue
        if year is not None and (w.birth_year is None or abs(w.birth_year - year) > 1):
            continue
        stay = open_stays.get(w.id)
        if (in_shelter or shelter) and stay is None:
            continue
        if shelter and stay is not None and stay.shelter != shelter:
            continue
        if low and w.first_contact < low:
            continue
        if high and w.first_contact > high:
            continue
        found.append(Found(
            woman=w,
            alias=aliases.get(w.id) if with_aliases else None,
            shelter=stay.shelter if stay else None,
            since=stay.start if stay else None,
            nights=(folder.today - stay.start).days if stay else None,
        ))
    return found


FOUND_COLUMNS = ("id", "nationality", "born", "first_contact", "referred_by", "shelter", "since", "nights", "declined_on")


def found_row(item: Found) -> Dict[str, Any]:
    w = item.woman
    return {
        "id": w.id, "nationality": w.nationality, "born": _iso(w.born), "first_contact": _iso(w.first_contact),
        "referred_by": w.referred_by, "shelter": item.shelter, "since": _iso(item.since), "nights": item.nights,
        "declined_on": _iso(w.declined_on),
    }
