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
from typing import Any, Callable, Dict, List, Optional, Tuple

from rosa_cli.core.errors import FieldIssue, Refused
from rosa_cli.core.folder import RecordsFolder, file_names_woman, load_records
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
        if problem.path.startswith(("stays/", "calls/")) and path.is_file() and file_names_woman(path, woman_id):
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


@dataclass
class _Search:
    """The filters of one ``woman find``, checked and in the form the predicates use.

    Kept as one value so each filter below is a small predicate over the same thing,
    and a new filter is one more predicate in :data:`_FILTERS`, not another branch in
    one long loop. ``None`` (or an empty value) means "this filter was not given".
    """

    wanted: Optional[str] = None  # the text, folded as aliases are compared
    id_start: Optional[str] = None  # the text as the start of an id (upper case)
    nationality: Optional[str] = None  # a country code
    year: Optional[int] = None
    shelter: Optional[str] = None
    in_shelter: bool = False
    low: Optional[date] = None  # first contact on or after
    high: Optional[date] = None  # first contact on or before
    aliases: Dict[str, str] = field(default_factory=dict)  # id -> her private alias


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
    search = _checked_search(folder, text, nationality, born, shelter, in_shelter, first_from, first_to)
    if text is not None or with_aliases:
        search.aliases = _search_aliases(folder, warnings)

    records = load_records(folder, kinds=("woman", "stay"))
    open_stays = {s.woman: s for s in records.stays.values() if s.is_open}
    found: List[Found] = []
    for w in sorted(records.women.values(), key=lambda w: (w.first_contact, w.id)):
        stay = open_stays.get(w.id)
        if all(matches(w, stay, search) for matches in _FILTERS):
            found.append(_found(folder, w, stay, search.aliases if with_aliases else {}))
    return found


# --- checking the filters: every bad value is named before anything is read -----------------


def _checked_search(
    folder: RecordsFolder,
    text: Optional[str],
    nationality: Optional[str],
    born: Optional[str],
    shelter: Optional[str],
    in_shelter: bool,
    first_from: Optional[str],
    first_to: Optional[str],
) -> _Search:
    """The filters as a :class:`_Search`, or :class:`Refused` naming every bad one.

    All are checked before refusing, so one answer lists every option to correct
    rather than one per try.
    """
    from rosa_cli.core.aliases import fold

    issues: List[FieldIssue] = []
    code = _checked_nationality(nationality, issues)
    year = _checked_born(born, issues)
    _check_shelter(folder, shelter, issues)
    low, high = _checked_bounds(folder, first_from, first_to, issues)
    _check_text(text, issues)
    if issues:
        raise Refused(issues)
    return _Search(
        wanted=fold(text) if text is not None else None,
        id_start=text.strip().upper() if text is not None else None,
        nationality=code, year=year, shelter=shelter, in_shelter=in_shelter, low=low, high=high,
    )


def _checked_nationality(nationality: Optional[str], issues: List[FieldIssue]) -> Optional[str]:
    """The country code for ``nationality`` (unchanged when not given).

    A search may be typed in lower case (``al`` for AL), so that is tried too before
    the value is refused.
    """
    from rosa_cli.core.countries import normalise_nationality

    if not nationality:
        return nationality
    code, message = normalise_nationality(nationality)
    if code is None:
        code = normalise_nationality(nationality.strip().upper())[0]
    if code is None:
        issues.append(FieldIssue("nationality", message or msg("find.not_a_nationality", "{text} is not a nationality", text=repr(nationality[:40]))))
    return code


def _checked_born(born: Optional[str], issues: List[FieldIssue]) -> Optional[int]:
    """The birth year asked for: four digits, nothing else (ages and dates are refused)."""
    if born is None:
        return None
    text_born = str(born).strip()
    if not (text_born.isdigit() and len(text_born) == 4):
        issues.append(FieldIssue("born", msg("find.not_a_birth_year", "{text} is not a birth year (like 1984)", text=repr(text_born[:20]))))
        return None
    return int(text_born)


def _check_shelter(folder: RecordsFolder, shelter: Optional[str], issues: List[FieldIssue]) -> None:
    """Refuse a shelter the folder does not list, naming the ones it does (a typo would
    otherwise find nobody, silently)."""
    if not shelter or shelter in folder.shelters:
        return
    if folder.shelters:
        issues.append(FieldIssue("shelter", msg("shelter.not_known", "{key} is not a shelter (known: {known})",
                                                key=repr(shelter[:40]), known=", ".join(folder.shelters))))
    else:
        issues.append(FieldIssue("shelter", msg("shelter.not_known_none_yet", "{key} is not a shelter (known: none yet)", key=repr(shelter[:40]))))


def _checked_bounds(
    folder: RecordsFolder, first_from: Optional[str], first_to: Optional[str], issues: List[FieldIssue],
) -> Tuple[Optional[date], Optional[date]]:
    """The first-contact window as dates, read as every date in rosa is (so ``today``
    and relative dates work); a bad one is an issue for its option, ``from`` or ``to``."""
    from rosa_cli.core.dates import DateError, parse_date

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
    return bounds[0], bounds[1]


def _check_text(text: Optional[str], issues: List[FieldIssue]) -> None:
    """Refuse blank or overlong text: blank would match every woman, and nothing longer
    than 100 characters is an id or a sensible alias."""
    if text is not None and (not text.strip() or len(text) > 100):
        issues.append(FieldIssue("text", msg("find.bad_text", "give part of an alias or the start of an id (at most 100 characters)")))


def _search_aliases(folder: RecordsFolder, warnings: Optional[List[str]]) -> Dict[str, str]:
    """The private aliases, or none when the file cannot be read: ids still match, so
    the search goes on, and ``warnings`` is told why no alias matched."""
    from rosa_cli.core.aliases import AliasError, load_aliases

    try:
        return load_aliases(folder.root)
    except AliasError as exc:
        if warnings is not None:
            warnings.append(msg("find.aliases_unread", "your alias file was not read, so no alias matched: {reason}", reason=_reason(exc)))
        return {}


# --- the filters: one predicate each, a woman is found when all say yes ----------------------


def _matches_text(woman: Woman, stay: Optional[Stay], search: _Search) -> bool:
    """The text is part of her alias (any case), or the start of her id, or of its
    random part alone (what a coordinator remembers of ``W-2026-CREVG`` is ``CR``)."""
    from rosa_cli.core.aliases import fold

    if search.wanted is None:
        return True
    alias = search.aliases.get(woman.id)
    by_alias = alias is not None and search.wanted in fold(alias)
    by_id = search.id_start is not None and (woman.id.startswith(search.id_start) or woman.id[7:].startswith(search.id_start))
    return by_alias or by_id


def _matches_nationality(woman: Woman, stay: Optional[Stay], search: _Search) -> bool:
    """Her nationality is the country asked for."""
    return not search.nationality or woman.nationality == search.nationality


def _matches_born(woman: Woman, stay: Optional[Stay], search: _Search) -> bool:
    """Her birth year is within a year of the one asked for: many birth dates are
    estimated, and a woman whose year is unknown is not a match."""
    if search.year is None:
        return True
    return not (woman.birth_year is None or abs(woman.birth_year - search.year) > 1)


def _matches_in_shelter(woman: Woman, stay: Optional[Stay], search: _Search) -> bool:
    """She has an open stay, when ``in_shelter`` or a shelter is asked for."""
    return not (search.in_shelter or search.shelter) or stay is not None


def _matches_shelter(woman: Woman, stay: Optional[Stay], search: _Search) -> bool:
    """Her open stay is at the shelter asked for (no open stay is left to the filter above)."""
    return not search.shelter or stay is None or stay.shelter == search.shelter


def _matches_first_from(woman: Woman, stay: Optional[Stay], search: _Search) -> bool:
    """Her first contact is on or after ``from``."""
    return not (search.low and woman.first_contact < search.low)


def _matches_first_to(woman: Woman, stay: Optional[Stay], search: _Search) -> bool:
    """Her first contact is on or before ``to``."""
    return not (search.high and woman.first_contact > search.high)


_FILTERS: Tuple[Callable[[Woman, Optional[Stay], _Search], bool], ...] = (
    _matches_text,
    _matches_nationality,
    _matches_born,
    _matches_in_shelter,
    _matches_shelter,
    _matches_first_from,
    _matches_first_to,
)


def _found(folder: RecordsFolder, woman: Woman, stay: Optional[Stay], aliases: Dict[str, str]) -> Found:
    """One row of the answer: her, her alias when aliases are shown, and where she is now."""
    return Found(
        woman=woman,
        alias=aliases.get(woman.id),
        shelter=stay.shelter if stay else None,
        since=stay.start if stay else None,
        nights=(folder.today - stay.start).days if stay else None,
    )


FOUND_COLUMNS = ("id", "nationality", "born", "first_contact", "referred_by", "shelter", "since", "nights", "declined_on")


def found_row(item: Found) -> Dict[str, Any]:
    w = item.woman
    return {
        "id": w.id, "nationality": w.nationality, "born": _iso(w.born), "first_contact": _iso(w.first_contact),
        "referred_by": w.referred_by, "shelter": item.shelter, "since": _iso(item.since), "nights": item.nights,
        "declined_on": _iso(w.declined_on),
    }
