"""What the changing commands do, without the command line.

Each operation validates everything first and raises :class:`Refused` with every
problem before writing anything; then it writes its files atomically and makes one
git commit whose message names the command, ids and fields — never values.
The CLI only gathers input (flags, prompts) and renders the outcome.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rosa_cli.core import gitrepo, ids
from rosa_cli.core.dates import format_datetime
from rosa_cli.core.errors import FieldIssue, Issue, Refused  # noqa: F401 - re-exported
from rosa_cli.core.folder import CACHE_DIR, SETTINGS_FILE, SHELTERS_FILE, RecordsFolder, file_names_woman
from rosa_cli.core.messages import Message, country_label, msg, msgn, vocabulary_label
from rosa_cli.core.model import Stay
from rosa_cli.core.schema import FIELDS, Field, field_map
from rosa_cli.core.validate import FieldError, build_record, convert, stay_conflicts
from rosa_cli.core.vocab import default_settings
from rosa_cli.core.yamlio import atomic_write, dump_new, mapping_from_text, round_trip_dump, round_trip_load


@dataclass
class Outcome:
    """What a changing command did: the ids it made or changed and how git took it."""

    ids: List[str]
    commit: gitrepo.CommitResult
    paths: List[Path] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    # one line saying what the command did, for stderr: ids, keys, dates, numbers (never free text);
    # notes and summary are Messages (docs/messages.md) the CLI renders in the user's language
    summary: str = ""
    # True when the edit saved nothing because the text was unchanged: callers decide on
    # this, never on the words of a note
    unchanged: bool = False


def refuse_unsafe_folder(folder: RecordsFolder) -> None:
    """Refuse to change records while rosa.yaml or shelters.yaml is broken (vocabularies
    would silently fall back to defaults) or a sync conflict is unfinished."""
    broken = [p for p in folder.settings_and_problems()[1] + folder.shelters_and_problems()[1] if p.is_error]
    if broken:
        raise Refused(broken)
    reason = gitrepo.unfinished_merge(folder.root)
    if reason:
        raise Refused([FieldIssue("", reason)])


def _status_source(folder: RecordsFolder):
    """The folder's ``git status`` for this command: the one asked for when it started,
    if no other command took the lock or committed since; else a fresh one.

    Nothing is waited for here: the command validates, writes and builds its commit
    while git reads the folder, and the answer is waited for (and HEAD compared) only
    when the commit needs it (see ``gitrepo.commit_change``)."""
    early, folder.early_git_status = folder.early_git_status, None
    if early is None or folder.lock_waited:
        return gitrepo.in_background(gitrepo.folder_status, folder.root)
    root = folder.root

    def status() -> gitrepo.FolderStatus:
        head, found = early()
        return found if head == gitrepo.current_head(root) else gitrepo.folder_status(root)

    return status


def locked(operation):
    """Run a changing operation under the folder's writer lock (validate, write, commit)."""

    @functools.wraps(operation)
    def wrapper(folder: RecordsFolder, *args, **kwargs):
        with folder.write_lock():
            folder.make_private()  # tighten loose permissions, remove dead commands' temp files
            refuse_unsafe_folder(folder)
            # what earlier commands or hand edits left uncommitted, asked of git while
            # this command validates and writes (see gitrepo.commit_change)
            folder.git_status = _status_source(folder)
            try:
                return operation(folder, *args, **kwargs)
            finally:
                folder.git_status = None

    return wrapper


# --- values <-> files -------------------------------------------------------------------


def to_yaml_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, list):
        return [{"from": e.start, "status": e.status} for e in value]
    return value


# flags whose false is a fact worth keeping ("not completed"), not just the default
SAID_FALSE = ("completed", "organised_by_us")


def record_data(kind: str, values: Dict[str, Any]) -> Dict[str, Any]:
    """Typed field values to the mapping written to a file (schema order, defaults left out)."""
    data: Dict[str, Any] = {}
    for spec in FIELDS[kind]:
        value = values.get(spec.name)
        if value is None or value == [] or (spec.type == "bool" and value is False and spec.name not in SAID_FALSE):
            continue
        if spec.type == "count" and value == 0:
            continue
        data[spec.name] = list(value) if spec.type == "audience" else to_yaml_value(value)
    return data


def _required(values: Dict[str, Any], issues: List[FieldIssue], names: Sequence[str]) -> None:
    """An "is required" issue for each of ``names`` that has no value and no issue yet."""
    for name in names:
        if name not in values and not any(i.field == name for i in issues):
            issues.append(FieldIssue(name, msg("field.required", "is required")))


def convert_inputs(kind: str, raw: Dict[str, Any], folder: RecordsFolder) -> Tuple[Dict[str, Any], List[FieldIssue]]:
    """Read typed values from raw inputs (flags, prompts); one issue per bad value."""
    specs = field_map(kind)
    ctx = folder.context()
    values: Dict[str, Any] = {}
    issues: List[FieldIssue] = []
    for name, value in raw.items():
        if value is None or (isinstance(value, str) and value == ""):
            continue
        spec = specs[name]
        try:
            values[name] = convert(spec, value, ctx, entry=True)
        except FieldError as exc:
            issues.append(FieldIssue(name, message_of(exc)))
    return values, issues


def _check_new(kind: str, data: Dict[str, Any], folder: RecordsFolder, shown: str) -> Any:
    """Validate a record about to be written exactly as ``rosa check`` would."""
    return _validated(folder, kind, dump_new(data), shown)


def _validated(folder: RecordsFolder, kind: str, text: str, shown: str, expected_id: Optional[str] = None, before: Optional[str] = None):
    """The record ``text`` holds, or :class:`Refused` with its errors (warnings pass).

    Held to the rules for values coming in (free text with identifying details is an
    error here, only a warning in ``rosa check``), except fields left as they were in
    ``before``, the file's text until now.
    """
    mapping, problems = mapping_from_text(text, shown)
    if mapping is None:
        raise Refused(problems)
    unchanged = None
    if before is not None:
        old = mapping_from_text(before, shown)[0]
        unchanged = dict(old) if isinstance(old, dict) else None
    record, problems = build_record(kind, mapping, shown, folder.context(), expected_id=expected_id, entry=True, unchanged=unchanged)
    errors = [p for p in problems if p.is_error]
    if errors or record is None:
        raise Refused(errors)
    return record


def message_of(exc: BaseException) -> str:
    """The reason an exception carries: its :class:`Message` when it was raised with one
    (so the CLI can still translate it), else its text."""
    for value in (getattr(exc, "message", None), exc.args[0] if exc.args else None):
        if isinstance(value, Message):
            return value
    return str(exc)


def commit_records(folder: RecordsFolder, paths: Sequence[Path], message: str, body: str = "") -> gitrepo.CommitResult:
    """Commit this command's files; hand-changed record files go first in their own commit
    when they are valid (see :func:`gitrepo.commit_change`). A failed commit leaves the
    files written and says why: the records are safe on disk either way."""
    try:
        return gitrepo.commit_change(
            folder.root, paths, message, body, folder.git_status, hand_edits_ok=lambda rels: _valid_hand_edits(folder, rels)
        )
    except gitrepo.GitError as exc:
        return gitrepo.CommitResult(False, warning=msg("commit.failed", "the change was written but not committed: {reason}", reason=str(exc)))


_KIND_BY_DIR = {"women": "woman", "stays": "stay", "calls": "call",
                "services": "service", "activities": "activity", "website": "website"}


def _valid_hand_edits(folder: RecordsFolder, rels: List[str]) -> List[str]:
    """The hand-changed record files that may be committed: those valid as they are now.

    A changed record must load without errors; rosa.yaml and shelters.yaml were already
    checked by :func:`refuse_unsafe_folder`. A deleted woman may go only when no stay or
    call still names her: history should not hold records pointing at nobody.
    """
    good: List[str] = []
    gone_women = []
    for rel in rels:
        path = folder.root / rel
        top = rel.split("/", 1)[0]
        if not path.exists():
            if top == "women":
                gone_women.append(rel)
            else:
                good.append(rel)
        elif top in _KIND_BY_DIR:
            try:
                record, problems = folder.load_one(_KIND_BY_DIR[top], path)
            except Exception:  # a file rosa cannot read is simply not committed
                continue
            if record is not None and not any(p.is_error for p in problems):
                good.append(rel)
        elif rel == "history-rewrites.yaml":
            if mapping_or_list(path):
                good.append(rel)
        else:
            good.append(rel)
    if gone_women:
        from rosa_cli.core.folder import load_records

        records = load_records(folder, kinds=("stay", "call"))
        named = {s.woman for s in records.stays.values()} | {getattr(c, "woman", None) for c in records.calls.values()}
        good += [rel for rel in gone_women if Path(rel).stem not in named]
    return good


def mapping_or_list(path: Path) -> bool:
    """True when ``path`` holds well-formed YAML (a file rosa writes but does not validate)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, (dict, list))


def _write_new(folder: RecordsFolder, kind: str, year: int, data: Dict[str, Any], given_id: Optional[str]) -> Tuple[str, Path]:
    """Claim an id and write the whole record in one atomic step (see ``ids.create_new``)."""
    directory = folder.new_record_dir(kind, year)
    # a kind's first record makes its folder: owner-only at every level, like init's
    top = folder.kind_dir(kind)
    top.mkdir(exist_ok=True, mode=0o700)
    directory.mkdir(exist_ok=True, mode=0o700)
    if given_id:
        try:
            path = ids.create_given(directory, given_id, dump_new({"id": given_id, **data}))
        except FileExistsError:
            raise Refused([FieldIssue("id", msg("record.exists", "{id} already exists", id=given_id))]) from None
        return given_id, path
    return ids.create_new(directory, kind, year, lambda record_id: dump_new({"id": record_id, **data}))


def load_existing(folder: RecordsFolder, kind: str, record_id: str, argument: Optional[str] = None):
    """An existing record and its path, found only through the id grammar (never a path)."""
    path = folder.record_path(kind, record_id, argument)
    if path is None:
        raise Refused([FieldIssue(argument or kind, msg("record.unknown", "{id} does not exist", id=record_id))])
    record, problems = folder.load_one(kind, path)
    if record is None:
        raise Refused([p for p in problems if p.is_error] or problems)
    return record, path


def stays_of(folder: RecordsFolder, woman_id: str) -> List[Tuple[Stay, Path]]:
    """Every stay of one woman (reads the stays folder, through the cache; never calls).

    A broken stay file that names her refuses the command: it might be her open stay,
    and placing her again on top of it would double her bed-nights.
    """
    from rosa_cli.core.folder import load_records

    stays = load_records(folder, kinds=("stay",))
    for problem in stays.errors:
        path = folder.root / problem.path
        if problem.path.startswith("stays/") and path.is_file() and file_names_woman(path, woman_id):
            raise Refused([problem])
    found = [(stay, folder.root / stay.path) for stay in stays.stays.values() if stay.woman == woman_id]
    return sorted(found, key=lambda pair: pair[0].start)


def _update(folder: RecordsFolder, kind: str, path: Path, changes: Dict[str, Any], append_residence=None) -> str:
    """Apply ``changes`` to a record with the round-trip loader; validate; return new text.

    The coordinator's own key order and comments are kept: existing keys change in
    place, new keys go after the nearest key that precedes them in the schema.
    """
    doc = round_trip_load(path.read_text(encoding="utf-8"))
    for name, value in changes.items():
        _set_field(kind, doc, name, to_yaml_value(value))
    if append_residence is not None:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        if "residence" not in doc or doc["residence"] is None:
            _set_field(kind, doc, "residence", CommentedSeq())
        entry = CommentedMap()
        entry["from"] = append_residence[0]
        entry["status"] = append_residence[1]
        doc["residence"].append(entry)
    text = round_trip_dump(doc)
    validate_text(folder, kind, text, path)
    return text


def _set_field(kind: str, doc, name: str, value: Any) -> None:
    """Set one field of a round-trip mapping without disturbing the rest of the file."""
    if name in doc:
        doc[name] = value
        return
    names = [f.name for f in FIELDS[kind]]
    rank = names.index(name) if name in names else len(names)
    anchor = None
    for key in doc:
        if key in names and names.index(key) < rank:
            anchor = key
    if anchor is None:
        doc.insert(0, name, value)
        return
    doc.insert(list(doc.keys()).index(anchor) + 1, name, value)
    _move_following_comments(doc, anchor, name)


def _move_following_comments(doc, anchor: str, new_key: str) -> None:
    """ruamel keeps full-line comments that follow a value with that value's key; a key
    inserted after ``anchor`` must take them, or a comment about the next field would
    end up above the new one. This reads ruamel's comment internals (``doc.ca.items``;
    ruamel.yaml is pinned below 0.20): if they ever change shape, the comment stays where
    ruamel put it rather than the edit failing."""
    try:
        _move_comment_token(doc, anchor, new_key)
    except (AttributeError, IndexError, KeyError, TypeError):
        pass


def _move_comment_token(doc, anchor: str, new_key: str) -> None:
    import copy

    slots = doc.ca.items.get(anchor)
    token = slots[2] if slots and len(slots) > 2 else None
    if token is None or "\n" not in token.value:
        return
    own, _, following = token.value.partition("\n")
    if not following.strip():
        return
    moved = copy.copy(token)
    moved.value = "\n" + following
    doc.ca.items[new_key] = [None, None, moved, None]
    if own.strip():
        token.value = own + "\n"
    else:
        slots[2] = None


def validate_text(folder: RecordsFolder, kind: str, text: str, path: Path):
    """Validate a record's full text as it would be saved; raise :class:`Refused`.

    ``rosa woman edit`` reopens the editor with these errors as comments, so a note
    given identifying details or made too long in the editor is caught here.
    """
    try:
        before = path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        before = None
    return _validated(folder, kind, text, folder.shown(path), expected_id=path.stem, before=before)


# --- init and shelters ------------------------------------------------------------------

GITIGNORE = f"/{CACHE_DIR}/\n*.tmp\n*~\n"


def init_folder(root: Path, organisation: str = "ROSA") -> gitrepo.CommitResult:
    """Make a new records folder: owner-only, a git repository, defaults, first commit."""
    root = Path(root)
    if (root / SETTINGS_FILE).exists():
        raise Refused([FieldIssue("DIR", msg("init.exists", "{root} already holds a records folder ({file})", root=str(root), file=SETTINGS_FILE))])
    if root.exists() and not root.is_dir():
        raise Refused([FieldIssue("DIR", msg("init.not_a_folder", "{root} exists and is not a folder", root=str(root)))])
    if not organisation.strip():
        raise Refused([FieldIssue("organisation", msg("field.empty", "must not be empty"))])
    from rosa_cli.core.privacy import identifying_details

    found = identifying_details(organisation)
    if found:
        from rosa_cli.core.validate import KEEP_OUT

        raise Refused([FieldIssue("organisation", msg("privacy.holds", "holds {found}; {keep_out}", found=" and ".join(found), keep_out=KEEP_OUT))])
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    for sub in ("women", "stays", "calls"):
        (root / sub).mkdir(exist_ok=True, mode=0o700)
        os.chmod(root / sub, 0o700)
        atomic_write(root / sub / ".gitkeep", "")
    atomic_write(root / SETTINGS_FILE, dump_new(default_settings(organisation.strip())))
    atomic_write(root / SHELTERS_FILE, "# shelter-key:\n#   name: Name of the crisis shelter\n#   municipality: Municipality\n{}\n")
    atomic_write(root / ".gitignore", GITIGNORE)
    if not gitrepo.is_own_repository(root):
        gitrepo.init_repository(root)
        os.chmod(root / ".git", 0o700)
        # remember which folders hold no new files: `git status` stays quick in big folders
        gitrepo.run_git(root, ["config", "core.untrackedCache", "true"])
    paths = [root / SETTINGS_FILE, root / SHELTERS_FILE, root / ".gitignore"] + [root / s / ".gitkeep" for s in ("women", "stays", "calls")]
    # only the files init wrote: a folder that held other files keeps them out of history
    try:
        return gitrepo.commit_change(root, paths, "init")
    except gitrepo.GitError as exc:  # written, not committed, said so (no identity yet, a hook)
        return gitrepo.CommitResult(False, warning=msg("init.not_committed", "the records folder was made but not committed: {reason}", reason=str(exc)))


def _door_issues(folder: RecordsFolder, texts: Dict[str, Optional[str]]) -> List[FieldIssue]:
    """The free-text door check (length, identifying details) for texts that are not
    record fields, such as a shelter's name: one issue per refused text."""
    from rosa_cli.core.validate import check_free_text

    issues = []
    for name, text in texts.items():
        if text:
            try:
                check_free_text(text, folder.context(), entry=True)
            except FieldError as exc:
                issues.append(FieldIssue(name, message_of(exc)))
    return issues


@locked
def add_shelter(folder: RecordsFolder, key: str, name: str, municipality: Optional[str]) -> Outcome:
    import re

    issues: List[FieldIssue] = []
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", key):
        issues.append(FieldIssue("key", msg("shelter.bad_key", "{key} must be lowercase letters, digits and '-' (like oslo or bergen-2)", key=repr(key))))
    if key in folder.shelters:
        issues.append(FieldIssue("key", msg("shelter.exists", "shelter {key} already exists", key=key)))
    if not name.strip():
        issues.append(FieldIssue("name", msg("field.empty", "must not be empty")))
    issues += _door_issues(folder, {"name": name, "municipality": municipality})
    shelter_problems = [p for p in folder.shelters_and_problems()[1] if p.is_error]
    if shelter_problems:
        raise Refused(shelter_problems)
    if issues:
        raise Refused(issues)
    path = folder.root / SHELTERS_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    doc = round_trip_load(text) if text.strip() else None
    from ruamel.yaml.comments import CommentedMap

    if not doc:
        doc = CommentedMap()
        if text.strip():  # keep the comment header of an empty shelters.yaml
            doc.yaml_set_start_comment("\n".join(ln[2:] if ln.startswith("# ") else ln[1:] for ln in text.splitlines() if ln.startswith("#")))
    entry = CommentedMap()
    entry["name"] = name.strip()
    if municipality:
        entry["municipality"] = municipality.strip()
    doc[key] = entry
    new_text = round_trip_dump(doc)
    atomic_write(path, new_text)
    return Outcome([key], commit_records(folder, [path], f"shelter add {key}"), [path], summary=msg("shelter.added", "Added shelter {key}", key=key))


# --- women --------------------------------------------------------------------------------


@locked
def add_woman(folder: RecordsFolder, raw: Dict[str, Any], residence: Optional[str] = None, given_id: Optional[str] = None) -> Outcome:
    raw = {k: v for k, v in raw.items() if v not in (None, "")}
    raw.setdefault("first_contact", "today")
    values, issues = convert_inputs("woman", raw, folder)
    if residence:
        try:
            status = convert(_vocab_field("residence"), residence, folder.context())
        except FieldError as exc:
            issues.append(FieldIssue("residence", message_of(exc)))
        else:
            if "first_contact" in values:
                from rosa_cli.core.model import ResidenceEntry

                values["residence"] = [ResidenceEntry(values["first_contact"], status)]
    if given_id:
        problem = ids.id_problem("woman", given_id)
        if problem:
            issues.append(FieldIssue("id", problem))
        elif folder.record_path("woman", given_id):
            issues.append(FieldIssue("id", msg("record.exists", "{id} already exists", id=given_id)))
    if "nationality" not in values and not any(i.field == "nationality" for i in issues):
        issues.append(FieldIssue("nationality", msg("woman.nationality_required", "is required (a country code like NG, or unknown)")))
    if issues:
        raise Refused(issues)
    data = record_data("woman", values)
    _check_new("woman", {"id": given_id or "W-0000-CHECK", **data}, folder, "women/(new)")
    record_id, path = _write_new(folder, "woman", values["first_contact"].year, data, given_id)
    summary = msg("woman.added", "Added {id} (nationality {nationality}, first contact {first_contact})",
                  id=record_id, nationality=country_label(values["nationality"]), first_contact=values["first_contact"])
    return Outcome([record_id], commit_records(folder, [path], f"woman add {record_id}"), [path], summary=summary)


@locked
def woman_status(folder: RecordsFolder, woman_id: str, status: str, start: Any) -> Outcome:
    woman, path = load_existing(folder, "woman", woman_id)
    issues: List[FieldIssue] = []
    ctx = folder.context()
    day = key = None
    try:
        day = convert(Field("from", "date"), start, ctx)
    except FieldError as exc:
        issues.append(FieldIssue("from", message_of(exc)))
    try:
        key = convert(_vocab_field("residence"), status, ctx)
    except FieldError as exc:
        issues.append(FieldIssue("status", message_of(exc)))
    if issues:
        raise Refused(issues)
    if any(e.start == day for e in woman.residence):
        raise Refused([FieldIssue("from", msg("woman.residence_exists", "{woman} already has a residence status from {day}", woman=woman_id, day=day))])
    if day < woman.first_contact:
        raise Refused([FieldIssue("from", msg("woman.residence_before_first_contact", "{day} is before her first contact {first_contact} (is the year right?)",
                                              day=day, first_contact=woman.first_contact))])
    latest = woman.residence[-1] if woman.residence else None
    if latest is not None and day < latest.start:
        raise Refused([FieldIssue("from", msg(
            "woman.residence_before_latest", "{day} is before her latest residence status ({status} from {start}); is the year right?",
            day=day, status=latest.status, start=latest.start, woman=woman_id,
        ))])
    text = _update(folder, "woman", path, {}, append_residence=(day, key))
    atomic_write(path, text)
    if latest is not None:
        summary = msg("woman.status_changed_from", "Residence status of {woman} from {day}: {status} (was {was} from {was_from})",
                      woman=woman_id, day=day, status=_label(folder, "residence", key), was=_label(folder, "residence", latest.status), was_from=latest.start)
    else:
        summary = msg("woman.status_set", "Residence status of {woman} from {day}: {status}", woman=woman_id, day=day, status=_label(folder, "residence", key))
    return Outcome([woman_id], commit_records(folder, [path], f"woman status {woman_id} (residence)"), [path], summary=summary)


def _vocab_field(vocab: str) -> Field:
    return Field(vocab, "vocab", vocab=vocab)


@locked
def woman_decline(folder: RecordsFolder, woman_id: str, reason: str, on: Any, replace: bool = False) -> Outcome:
    """Record that she declined the offer of a safe place. A second decline would
    overwrite the first reason without a word, so it is refused unless ``replace``."""
    woman, path = load_existing(folder, "woman", woman_id)
    if woman.declined_on is not None and not replace:
        raise Refused([FieldIssue("woman", msg(
            "woman.already_declined", "{woman} already declined on {on} ({reason})",
            woman=woman_id, on=woman.declined_on, reason=woman.declined_reason,
        ))])
    values, issues = convert_inputs("woman", {"declined_on": on or "today", "declined_reason": reason}, folder)
    if issues:
        raise Refused([FieldIssue({"declined_on": "on", "declined_reason": "reason"}[i.field], i.message) for i in issues])
    if values["declined_on"] < woman.first_contact:
        raise Refused([FieldIssue("on", msg("woman.before_first_contact", "{day} is before her first contact {first_contact}",
                                            day=values["declined_on"], first_contact=woman.first_contact))])
    stays = stays_of(folder, woman_id)
    if stays:
        raise Refused([FieldIssue("woman", msg("woman.decline_after_stay", "{woman} has accepted a place ({stay}); a declined offer is for women who never stayed",
                                               woman=woman_id, stay=stays[0][0].id))])
    text = _update(folder, "woman", path, values)
    atomic_write(path, text)
    if woman.declined_on is not None:
        summary = msg("woman.decline_replaced", "Recorded that {woman} declined on {on}: {reason} (replacing {was_on}: {was_reason})",
                      woman=woman_id, on=values["declined_on"], reason=_label(folder, "declined", values["declined_reason"]),
                      was_on=woman.declined_on, was_reason=_label(folder, "declined", woman.declined_reason))
    else:
        summary = msg("woman.declined", "Recorded that {woman} declined on {on}: {reason}",
                      woman=woman_id, on=values["declined_on"], reason=_label(folder, "declined", values["declined_reason"]))
    return Outcome([woman_id], commit_records(folder, [path], f"woman decline {woman_id} (declined_on, declined_reason)"), [path], summary=summary)


@locked
def replace_record(folder: RecordsFolder, kind: str, record_id: str, text: str, command: str, base: Optional[str] = None) -> Outcome:
    """Save an edited record's text (already validated by the caller's edit loop).

    ``base`` is the text the editor opened with. If the file changed on disk since
    (a colleague's command while the editor was open), the edit is merged field by
    field with that change here, under the lock, so neither is lost; the same field
    changed by both raises :class:`rosa_cli.core.merge.EditConflict` for the loop to
    show the user.
    """
    path = folder.record_path(kind, record_id)
    if path is None:
        raise Refused([FieldIssue(kind, msg("record.unknown", "{id} does not exist", id=record_id))])
    original = path.read_text(encoding="utf-8")
    notes: List[str] = []
    if base is not None and original != base:
        text, notes = _merge_with_disk(record_id, base, text, original)
    if text == original:
        return Outcome([record_id], gitrepo.CommitResult(False), [path], notes=notes + [NO_CHANGES], unchanged=True)
    validate_text(folder, kind, text, path)
    before: Dict[str, Any] = mapping_from_text(original, folder.shown(path))[0] or {}
    after: Dict[str, Any] = mapping_from_text(text, folder.shown(path))[0] or {}
    changed = sorted({str(k) for k in set(before) | set(after) if before.get(k) != after.get(k)}) or ["comments or layout"]
    if kind == "call":
        refiled = _refile_call(folder, record_id, text, path, original, command, changed, notes)
        if refiled is not None:
            return refiled
    atomic_write(path, text)
    message = f"{command} {record_id} ({', '.join(changed)})"
    summary = msg("edit.saved", "Saved {id} (changed: {fields})", id=record_id, fields=", ".join(changed))
    return Outcome([record_id], commit_records(folder, [path], message), [path], notes=notes, summary=summary)


def _refile_call(folder: RecordsFolder, record_id: str, text: str, path: Path, original: str, command: str, changed: List[str], notes: List[str]) -> Optional[Outcome]:
    """A call whose ``at`` moved to another year goes to that year's folder, in the same commit.

    Calls are filed as ``calls/YEAR/C-YEAR-….yaml`` and only names of the folder's
    year are read there, so the call's id takes the new year; the random part stays
    when it is free (``C-2026-K7Q2X`` becomes ``C-2025-K7Q2X``). Nothing else refers to
    a call by id, so no other record changes. None when the year is unchanged.
    """
    record = validate_text(folder, "call", text, path)
    year = record.at.year
    if year == ids.year_of(record_id):
        return None
    doc = round_trip_load(text)
    wanted = f"C-{year:04d}-{record_id.rsplit('-', 1)[1]}"

    def render(new_id: str) -> str:
        doc["id"] = new_id
        return round_trip_dump(doc)

    shown = f"calls/{year}/(new)"
    _validated(folder, "call", render(wanted), shown, expected_id=wanted, before=original)
    directory = folder.new_record_dir("call", year)
    try:
        new_path = ids.create_given(directory, wanted, render(wanted))
        new_id = wanted
    except FileExistsError:
        new_id, new_path = ids.create_new(directory, "call", year, render)
    try:
        path.unlink()
    except BaseException:
        new_path.unlink(missing_ok=True)
        raise
    message = f"{command} {record_id} ({', '.join(changed)}; filed under {year} as {new_id})"
    notes = notes + [msg("call.refiled", "note: the call is now in {year}: its id is {id} (was {was})", year=year, id=new_id, was=record_id)]
    return Outcome([new_id], commit_records(folder, [path, new_path], message), [path, new_path], notes=notes)


# --- shelter edit and retire ------------------------------------------------------------


def _shelters_doc(folder: RecordsFolder):
    """shelters.yaml loaded round-trip (comments kept), refused when it is broken."""
    broken = [p for p in folder.shelters_and_problems()[1] if p.is_error]
    if broken:
        raise Refused(broken)
    path = folder.root / SHELTERS_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    doc = round_trip_load(text) if text.strip() else None
    return path, doc


def _shelter_entry(folder: RecordsFolder, key: str):
    path, doc = _shelters_doc(folder)
    if not doc or key not in doc:
        if folder.shelters:
            raise Refused([FieldIssue("key", msg("shelter.unknown", "{key} is not a shelter in shelters.yaml (known: {known})",
                                                 key=repr(key), known=", ".join(folder.shelters)))])
        raise Refused([FieldIssue("key", msg("shelter.unknown_none_yet", "{key} is not a shelter in shelters.yaml (known: none yet)", key=repr(key)))])
    return path, doc


def shelter_entry_text(folder: RecordsFolder, key: str) -> str:
    """One shelter's entry in shelters.yaml as the text the editor opens with."""
    _path, doc = _shelter_entry(folder, key)
    return round_trip_dump(doc[key])


def _retire_blockers(folder: RecordsFolder, key: str, day) -> List[FieldIssue]:
    """Why shelter ``key`` cannot be retired on ``day``: stays still open there, or
    stays with nights there after that day (they would count at a closed shelter)."""
    from rosa_cli.core.folder import load_records

    records = load_records(folder, kinds=("stay",))
    here = sorted((s for s in records.stays.values() if s.shelter == key), key=lambda s: (s.start, s.id))
    issues = []
    open_ones = [s for s in here if s.is_open]
    if open_ones:
        listed = ", ".join(f"{s.id} ({s.woman}, {s.start}–)" for s in open_ones)  # no words: the message translates
        issues.append(FieldIssue("key", msg("shelter.has_open_stays", "shelter {key} still has {n} open stay(s): {listed}; close or move them first",
                                            key=key, n=len(open_ones), listed=listed)))
    later = [s for s in here if not s.is_open and s.end > day]
    if later:
        listed = ", ".join(f"{s.id} ({s.woman}, –{s.end})" for s in later)
        issues.append(FieldIssue("on", msg("shelter.nights_after_retired", "shelter {key} has stay(s) with nights after {day}: {listed}; retire it on {earliest} or later",
                                           key=key, day=day, listed=listed, earliest=max(s.end for s in later if s.end is not None))))
    return issues


def validate_shelter_text(folder: RecordsFolder, key: str, text: str, before: Optional[str] = None) -> None:
    """Check an edited shelter entry as ``rosa check`` would read it; raise :class:`Refused`.

    Names and municipalities go through the free-text door when changed; a ``retired``
    date is held to the same rules as ``rosa shelter retire``.
    """
    from rosa_cli.core.validate import build_shelters

    shown = f"{SHELTERS_FILE} ({key})"
    mapping, problems = mapping_from_text(text, shown)
    if mapping is None:
        raise Refused(problems)
    shelters, problems = build_shelters({key: dict(mapping)}, shown)
    errors = [p for p in problems if p.is_error]
    if errors or key not in shelters:
        raise Refused(errors or [FieldIssue("name", msg("shelter.needs_name", "a shelter needs a name"))])
    old: Dict[str, Any] = (mapping_from_text(before, shown)[0] or {}) if before else {}
    changed = {name: mapping.get(name) for name in ("name", "municipality") if mapping.get(name) != old.get(name)}
    issues = _door_issues(folder, {k: str(v) for k, v in changed.items() if v is not None})
    if not str(mapping.get("name", "")).strip():
        issues.append(FieldIssue("name", msg("field.empty", "must not be empty")))
    retired = shelters[key].retired
    if retired is not None and mapping.get("retired") != old.get("retired"):
        issues += _retire_blockers(folder, key, retired)
    if issues:
        raise Refused(issues)


@locked
def edit_shelter(folder: RecordsFolder, key: str, text: str, base: Optional[str] = None) -> Outcome:
    """Save an edited shelters.yaml entry; the other entries and comments stay as they are.

    Like :func:`replace_record`: a change made to this entry meanwhile is merged field
    by field, and the same field changed by both raises ``EditConflict``.
    """
    path, doc = _shelter_entry(folder, key)
    original = round_trip_dump(doc[key])
    notes: List[str] = []
    if base is not None and original != base:
        text, notes = _merge_with_disk(msg("shelter.named", "shelter {key}", key=key), base, text, original)
    if text == original:
        return Outcome([key], gitrepo.CommitResult(False), [path], notes=notes + [NO_CHANGES], unchanged=True)
    validate_shelter_text(folder, key, text, before=original)
    before: Dict[str, Any] = mapping_from_text(original, SHELTERS_FILE)[0] or {}
    after: Dict[str, Any] = mapping_from_text(text, SHELTERS_FILE)[0] or {}
    changed = sorted({str(k) for k in set(before) | set(after) if before.get(k) != after.get(k)}) or ["comments or layout"]
    doc[key] = round_trip_load(text)
    atomic_write(path, round_trip_dump(doc))
    return Outcome([key], commit_records(folder, [path], f"shelter edit {key} ({', '.join(changed)})"), [path], notes=notes)


@locked
def retire_shelter(folder: RecordsFolder, key: str, on: Any = None) -> Outcome:
    """Mark a shelter retired from ``on`` (default today): no new stays, and reports list
    it only for periods it had nights in. Refused while a woman still stays there."""
    path, doc = _shelter_entry(folder, key)
    issues: List[FieldIssue] = []
    try:
        day = convert(Field("on", "date"), on or "today", folder.context())
    except FieldError as exc:
        raise Refused([FieldIssue("on", message_of(exc))]) from None
    current = folder.shelters[key].retired
    if current is not None:
        raise Refused([FieldIssue("key", msg("shelter.already_retired", "shelter {key} is already retired (on {on})", key=key, on=current))])
    issues += _retire_blockers(folder, key, day)
    if issues:
        raise Refused(issues)
    doc[key]["retired"] = day
    atomic_write(path, round_trip_dump(doc))
    done = msg("shelter.retired", "Retired shelter {key} from {day}: no new stays there; reports list it only for periods it had nights in.", key=key, day=day)
    return Outcome([key], commit_records(folder, [path], f"shelter retire {key}"), [path], notes=[done])


NO_CHANGES = msg("edit.no_changes", "no changes")


def _merge_with_disk(record_id: str, base: str, mine: str, disk: str) -> Tuple[str, List[str]]:
    """The edit merged with a change made on disk meanwhile, and a note saying so."""
    from rosa_cli.core.merge import WHOLE, EditConflict, merge_texts

    merged = merge_texts(base, mine, disk)
    if not merged.clean or merged.text is None:
        raise EditConflict(disk, merged.conflicts)
    taken: List[Any] = [msg("edit.whole_record", "the whole record") if f == WHOLE else f for f in merged.taken_from_theirs]
    if taken:
        note = msg("edit.merged", "note: {id} was changed by a colleague while you were editing ({fields}); their change is kept too",
                   id=record_id, fields=", ".join(str(f) for f in taken))
    else:
        note = msg("edit.merged_layout", "note: {id} was changed by a colleague while you were editing (layout); their change is kept too", id=record_id)
    return merged.text, [note]


# --- stays ----------------------------------------------------------------------------


@locked
def open_stay(folder: RecordsFolder, woman_id: str, shelter: str, on: Any, children: Any = None, note: Optional[str] = None) -> Outcome:
    raw = {"woman": woman_id, "shelter": shelter, "start": on or "today", "children": children, "note": note}
    values, issues = convert_inputs("stay", raw, folder)
    if "woman" in values and folder.record_path("woman", values["woman"]) is None:
        issues.append(FieldIssue("woman", msg("stay.woman_unknown", "{woman} does not exist", woman=woman_id)))
    if issues:
        raise Refused(issues)
    woman, _ = load_existing(folder, "woman", woman_id)
    stays = [s for s, _ in stays_of(folder, woman_id)]
    current = [s for s in stays if s.is_open]
    if current:
        raise Refused([FieldIssue("woman", msg("stay.already_open", "{woman} is already at {shelter} (stay {stay})",
                                               woman=woman_id, shelter=current[0].shelter, stay=current[0].id))])
    if values["start"] < woman.first_contact:
        raise Refused([FieldIssue("on", msg("woman.before_first_contact", "{day} is before her first contact {first_contact}",
                                            day=values["start"], first_contact=woman.first_contact))])
    if woman.declined_on is not None:
        raise Refused([FieldIssue("woman", msg("stay.woman_declined", "{woman} is recorded as having declined", woman=woman_id))])
    data = record_data("stay", values)
    probe = _check_new("stay", {"id": "S-0000-CHECK", **data}, folder, "stays/(new)")
    conflicts = stay_conflicts(woman_id, stays + [probe])
    if conflicts:
        raise Refused([FieldIssue("on", _renamed(c.message, "S-0000-CHECK", msg("stay.new", "the new stay"))) for c in conflicts])
    record_id, path = _write_new(folder, "stay", values["start"].year, data, None)
    shelter_name = _shelter_name(folder, values["shelter"])
    if values.get("children"):
        summary = msg("stay.opened_children", "Opened {id}: {woman} at {shelter} from {start}, with {children} child(ren)",
                      id=record_id, woman=woman_id, shelter=shelter_name, start=values["start"], children=values["children"])
    else:
        summary = msg("stay.opened", "Opened {id}: {woman} at {shelter} from {start}", id=record_id, woman=woman_id, shelter=shelter_name, start=values["start"])
    return Outcome([record_id], commit_records(folder, [path], f"stay open {record_id} (woman {woman_id})"), [path], summary=summary)


def _label(folder: RecordsFolder, vocabulary: str, key):
    """A vocabulary key for a summary: the key, carrying the folder's labels so the CLI
    shows "Egen bolig" or "Own housing" (docs/messages.md)."""
    return vocabulary_label(folder.settings, vocabulary, key)


def _shelter_name(folder: RecordsFolder, key: str) -> str:
    """A shelter's name for a summary line (its key if shelters.yaml has no name)."""
    shelter = folder.shelters.get(key)
    return shelter.name if shelter is not None and shelter.name else key


def _renamed(message: Any, old: str, new: Any) -> Any:
    """``message`` with the value ``old`` (a placeholder id) shown as ``new``: in a
    Message's values, so it stays translatable; in plain text as a last resort."""
    if isinstance(message, Message):
        params = {k: new if v == old else (_renamed(v, old, new) if isinstance(v, Message) else v) for k, v in message.params.items()}
        return Message(message.code, message.template, params, message.plural, message.n)
    return str(message).replace(old, str(new))


def _nights(start, end) -> Message:
    nights = (end - start).days
    return msgn("stay.nights", "{n} night", "{n} nights", nights)


def _open_stay_of(folder: RecordsFolder, target: str) -> Tuple[Stay, Path]:
    if target.startswith("W-"):
        if folder.record_path("woman", target) is None:
            raise Refused([FieldIssue("stay", msg("record.unknown", "{id} does not exist", id=target))])
        open_ones = [(s, p) for s, p in stays_of(folder, target) if s.is_open]
        if not open_ones:
            raise Refused([FieldIssue("stay", msg("stay.none_open", "{woman} has no open stay", woman=target))])
        return open_ones[-1]
    stay, path = load_existing(folder, "stay", target)
    if not stay.is_open:
        raise Refused([FieldIssue("stay", msg("stay.already_closed", "{stay} is already closed (ended {end})", stay=target, end=stay.end))])
    return stay, path


@locked
def close_stay(folder: RecordsFolder, target: str, on: Any, reason: str) -> Outcome:
    stay, path = _open_stay_of(folder, target)
    values, issues = convert_inputs("stay", {"end": on or "today", "end_reason": reason}, folder)
    if issues:
        raise Refused([FieldIssue({"end": "on", "end_reason": "reason"}[i.field], i.message) for i in issues])
    if values["end"] < stay.start:
        raise Refused([FieldIssue("on", msg("stay.end_before_start", "{day} is before the stay started ({start})", day=values["end"], start=stay.start))])
    text = _update(folder, "stay", path, values)
    atomic_write(path, text)
    message = f"stay close {stay.id} (woman {stay.woman}; end, end_reason)"
    end = values["end"]
    summary = msg("stay.closed", "Closed {id} ({shelter}, {start} to {end}, {nights}): {reason}", id=stay.id,
                  shelter=_shelter_name(folder, stay.shelter), start=stay.start, end=end, nights=_nights(stay.start, end), reason=_label(folder, "end_reason", values["end_reason"]))
    return Outcome([stay.id], commit_records(folder, [path], message), [path], summary=summary)


@locked
def move_stay(folder: RecordsFolder, woman_id: str, to: str, on: Any) -> Outcome:
    """Close her open stay as ``moved`` and open the next one the same date: one commit."""
    if not woman_id.startswith("W-"):
        raise Refused([FieldIssue("woman", msg("woman.not_an_id", "{text} is not a woman id (W-…)", text=repr(woman_id)))])
    stay, path = _open_stay_of(folder, woman_id)
    values, issues = convert_inputs("stay", {"end": on or "today", "shelter": to}, folder)
    if issues:
        raise Refused([FieldIssue({"end": "on", "shelter": "to"}[i.field], i.message) for i in issues])
    day = values["end"]
    if day < stay.start:
        raise Refused([FieldIssue("on", msg("stay.move_before_start", "{day} is before her current stay started ({start})", day=day, start=stay.start))])
    if values["shelter"] == stay.shelter:
        raise Refused([FieldIssue("to", msg("stay.same_shelter", "she is already at {shelter}", shelter=stay.shelter))])
    closed_text = _update(folder, "stay", path, {"end": day, "end_reason": "moved"})
    data = record_data("stay", {"woman": woman_id, "shelter": values["shelter"], "start": day, "children": stay.children})
    _check_new("stay", {"id": "S-0000-CHECK", **data}, folder, "stays/(new)")
    new_id, new_path = _write_new(folder, "stay", day.year, data, None)
    try:
        atomic_write(path, closed_text)
    except BaseException:
        new_path.unlink(missing_ok=True)
        raise
    message = f"stay move {stay.id} {new_id} (woman {woman_id}; end, end_reason)"
    summary = msg("stay.moved", "Moved {woman} on {day} from {old} to {new}: closed {closed} ({start} to {day}, {nights}), opened {id}",
                  woman=woman_id, day=day, old=_shelter_name(folder, stay.shelter), new=_shelter_name(folder, values["shelter"]),
                  closed=stay.id, start=stay.start, nights=_nights(stay.start, day), id=new_id)
    return Outcome([new_id], commit_records(folder, [path, new_path], message), [path, new_path], summary=summary)


# --- calls -------------------------------------------------------------------------------


@locked
def add_call(folder: RecordsFolder, raw: Dict[str, Any]) -> Outcome:
    raw = {k: v for k, v in raw.items() if v not in (None, "")}
    raw.setdefault("at", "now")
    raw.setdefault("channel", "phone")
    values, issues = convert_inputs("call", raw, folder)
    _required(values, issues, ("caller", "subject"))
    if "woman" in values and folder.record_path("woman", values["woman"]) is None:
        issues.append(FieldIssue("woman", msg("record.unknown", "{id} does not exist", id=values["woman"])))
    if issues:
        raise Refused(issues)
    data = record_data("call", values)
    _check_new("call", {"id": "C-0000-CHECK", **data}, folder, "calls/(new)")
    record_id, path = _write_new(folder, "call", values["at"].year, data, None)
    at = f"{values['at']:%Y-%m-%d %H:%M}"
    if values.get("woman"):
        summary = msg("call.logged_about", "Logged {id}: {channel} {at}, {subject}, about {woman}",
                      id=record_id, channel=_label(folder, "channel", values["channel"]), at=at, subject=_label(folder, "subject", values["subject"]), woman=values["woman"])
    else:
        summary = msg("call.logged", "Logged {id}: {channel} {at}, {subject}", id=record_id,
                      channel=_label(folder, "channel", values["channel"]), at=at, subject=_label(folder, "subject", values["subject"]))
    return Outcome([record_id], commit_records(folder, [path], f"call add {record_id}"), [path], summary=summary)


# --- services, activities, website (docs/services-activities-website.md) --------------------------------------------


@locked
def add_service(folder: RecordsFolder, raw: Dict[str, Any]) -> Outcome:
    """Record a service given to a woman (an interpreter, a course, a doctor's visit).

    The commit names the command and the id only: kind, cost and provider stay out of
    history's messages like every other value.
    """
    raw = {k: v for k, v in raw.items() if v is not None and v != ""}
    values, issues = convert_inputs("service", raw, folder)
    _required(values, issues, ("woman", "kind", "on"))
    if "woman" in values and folder.record_path("woman", values["woman"]) is None:
        issues.append(FieldIssue("woman", msg("record.unknown", "{id} does not exist", id=values["woman"])))
    if values.get("on") and values.get("to") and values["to"] < values["on"]:
        issues.append(FieldIssue("to", msg("service.to_before_on", "{to} is before the first day {on}", to=values["to"], on=values["on"])))
    if issues:
        raise Refused(issues)
    data = record_data("service", values)
    _check_new("service", {"id": "T-0000-CHECK", **data}, folder, "services/(new)")
    record_id, path = _write_new(folder, "service", values["on"].year, data, None)
    summary = msg("service.recorded", "Recorded {id}: {kind} for {woman} on {on}", id=record_id, kind=_label(folder, "service", values["kind"]), woman=values["woman"], on=values["on"])
    return Outcome([record_id], commit_records(folder, [path], f"service add {record_id}"), [path], summary=summary)


@locked
def add_activity(folder: RecordsFolder, raw: Dict[str, Any]) -> Outcome:
    """Record an outreach or network activity (a lecture, a seminar, a meeting)."""
    raw = {k: v for k, v in raw.items() if v is not None and v != ""}
    values, issues = convert_inputs("activity", raw, folder)
    _required(values, issues, ("kind", "on"))
    if issues:
        raise Refused(issues)
    data = record_data("activity", values)
    _check_new("activity", {"id": "A-0000-CHECK", **data}, folder, "activities/(new)")
    record_id, path = _write_new(folder, "activity", values["on"].year, data, None)
    summary = msg("activity.recorded", "Recorded {id}: {kind} on {on}", id=record_id, kind=_label(folder, "activity", values["kind"]), on=values["on"])
    return Outcome([record_id], commit_records(folder, [path], f"activity add {record_id}"), [path], summary=summary)


WEBSITE_FIGURES = ("visits", "pages", "hits", "sites")


@locked
def set_website(folder: RecordsFolder, month: str, figures: Dict[str, Any]) -> Outcome:
    """Set a month's website figures; figures not given keep their value.

    One file per month, so a second ``website set`` for the month changes it in place.
    """
    figures = {k: v for k, v in figures.items() if v is not None and v != ""}
    values, issues = convert_inputs("website", {"month": month, **figures}, folder)
    if not figures:  # the CLI names its flags as the advice (cli/advice.py)
        issues.append(FieldIssue("", msg("website.no_figures", "no figures were given (visits, pages, hits, sites)")))
    if issues:
        raise Refused(issues)
    month = values["month"]
    path = folder.kind_dir("website") / f"{month}.yaml"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise Refused([FieldIssue("MONTH", msg("file.not_regular_write", "{path} is not a regular file; refusing to write it", path=folder.shown(path)))])
    if path.exists():
        text = _update(folder, "website", path, {k: v for k, v in values.items() if k != "month"})
        updated = True
    else:
        text = dump_new(record_data("website", values))
        _validated(folder, "website", text, folder.shown(path), expected_id=month)
        updated = False
    path.parent.mkdir(exist_ok=True, mode=0o700)
    atomic_write(path, text)
    changed = ",".join(k for k in WEBSITE_FIGURES if k in values)
    figures_text = ", ".join(f"{k} {values[k]}" for k in WEBSITE_FIGURES if k in values)
    if updated:
        summary = msg("website.updated", "Updated website {month}: {figures}", month=month, figures=figures_text)
    else:
        summary = msg("website.set", "Set website {month}: {figures}", month=month, figures=figures_text)
    return Outcome([month], commit_records(folder, [path], f"website set {month} ({changed})"), [path], summary=summary)
