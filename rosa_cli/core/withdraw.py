"""Taking things back: ``rosa void`` (a record entered by mistake) and ``rosa undo``
(rosa's newest commit, while it is still only here).

Both change the records only forwards: a void is a commit that deletes one record file,
an undo is a commit that puts back the files as they were before the commit it undoes.
Nothing is erased from history (that is ``rosa scrub``'s job, for text that should never
have been written); ``rosa log ID`` shows the void or the undo like any other change.

Why the refusals:

- A woman whom a stay or a call still names is not voided: the stay would count
  bed-nights for nobody and the call would point at a missing record. Void those first
  (or correct them), then her.
- The void's reason is free text going into a commit body, which every office receives
  on ``rosa sync`` and which only ``rosa scrub`` can remove: it passes the same door
  check as a note (no names, phone numbers, identity numbers, addresses) or nothing is done.
- Undo takes back only a commit rosa made for one of its commands. A hand commit, a
  merge made by ``rosa sync``, a scrub or the folder's first commit are not rosa's to
  take back; a commit another office already has (it is in a remote-tracking branch)
  would come back with the next sync, so it is corrected with a new change instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rosa_cli.core import gitrepo, ids
from rosa_cli.core.errors import FieldIssue, Refused
from rosa_cli.core.folder import RecordsFolder, file_names_woman
from rosa_cli.core.messages import msg
from rosa_cli.core.operations import Outcome, commit_records, locked

# --- void --------------------------------------------------------------------------------


@dataclass
class VoidPlan:
    """What ``rosa void ID`` would remove, for the confirmation question and the notes."""

    kind: str
    record_id: str
    path: Path
    summary: str  # a Message: one line: what the record is (dates, codes; never free text)
    woman: Optional[str] = None  # the woman a stay or call is about
    notes: List[str] = field(default_factory=list)  # Messages: what else changes (stays: her history)
    tracked: bool = True  # in the last commit (else it was never committed)


def normalise_id(value: str) -> str:
    """An id as typed, in any letter case, with surrounding spaces dropped."""
    return str(value).strip().upper()


VOIDABLE = ("woman", "stay", "call", "service", "activity")


def kind_of(record_id: str, argument: str = "ID") -> str:
    """The record kind an id names (W woman, S stay, C call); :class:`Refused` otherwise."""
    ids.require_id(VOIDABLE, record_id, argument)
    return ids.KINDS_BY_PREFIX[record_id[0]]


def plan_void(folder: RecordsFolder, record_id: str, argument: str = "ID") -> VoidPlan:
    """Everything ``rosa void`` checks before it asks or writes: :class:`Refused` when the
    record does not exist or cannot go (a woman still named by stays or calls)."""
    kind = kind_of(record_id, argument)
    path = folder.record_path(kind, record_id, argument)
    if path is None:
        raise Refused([FieldIssue(argument, msg("record.missing", "{id} does not exist", id=record_id))])
    record, _problems = folder.load_one(kind, path)
    plan = VoidPlan(kind, record_id, path, msg("void.summary", "{kind} {id}", kind=ids.kind_noun(kind), id=record_id))
    plan.tracked = _tracked(folder, path)
    if kind == "woman":
        _refuse_if_named(folder, record_id, argument)
        if record is not None:
            plan.summary = msg(
                "void.summary_woman", "woman {id} (first contact {first_contact}, nationality {nationality})",
                id=record_id, first_contact=record.first_contact, nationality=record.nationality,
            )
    elif kind == "stay" and record is not None:
        plan.woman = record.woman
        if record.end:
            plan.summary = msg(
                "void.summary_stay", "stay {id} (woman {woman} at {shelter} from {start} to {end})",
                id=record_id, woman=record.woman, shelter=record.shelter, start=record.start, end=record.end,
            )
        else:
            plan.summary = msg(
                "void.summary_open_stay", "stay {id} (woman {woman} at {shelter} from {start}, still open)",
                id=record_id, woman=record.woman, shelter=record.shelter, start=record.start,
            )
        plan.notes = _stay_notes(folder, record)
    elif kind == "call" and record is not None:
        plan.woman = record.woman
        at = f"{record.at:%Y-%m-%d %H:%M}"
        if record.woman:
            plan.summary = msg(
                "void.summary_call_woman", "call {id} ({at}, {channel}, {subject}, woman {woman})",
                id=record_id, at=at, channel=record.channel, subject=record.subject, woman=record.woman,
            )
        else:
            plan.summary = msg(
                "void.summary_call", "call {id} ({at}, {channel}, {subject})",
                id=record_id, at=at, channel=record.channel, subject=record.subject,
            )
    elif kind == "service" and record is not None:
        plan.woman = record.woman
        plan.summary = msg(
            "void.summary_service", "service {id} ({kind} for woman {woman} on {on})",
            id=record_id, kind=record.kind, woman=record.woman, on=record.on,
        )
    elif kind == "activity" and record is not None:
        plan.summary = msg("void.summary_activity", "activity {id} ({kind} on {on})", id=record_id, kind=record.kind, on=record.on)
    return plan


def _tracked(folder: RecordsFolder, path: Path) -> bool:
    if not gitrepo.is_own_repository(folder.root):
        return True  # nothing is committed there anyway; commit_change says so
    rel = folder.shown(path)
    return gitrepo.run_git(folder.root, ["cat-file", "-e", f"HEAD:{rel}"], check=False).returncode == 0


def _refuse_if_named(folder: RecordsFolder, woman_id: str, argument: str) -> None:
    """Refuse to void a woman while any stay or call (or a file rosa cannot read that
    holds her id, which may be one) still names her; list them all."""
    from rosa_cli.core.folder import load_records

    records = load_records(folder, kinds=("stay", "call", "service"))
    named = sorted(s.id for s in records.stays.values() if s.woman == woman_id)
    named += sorted(c.id for c in records.calls.values() if c.woman == woman_id)
    for service in getattr(records, "services", {}).values():  # once services exist
        if getattr(service, "woman", None) == woman_id:
            named.append(service.id)
    unreadable = []
    for problem in records.errors:
        where = folder.root / str(problem.path)
        if where.is_file() and file_names_woman(where, woman_id):
            unreadable.append(str(problem.path))
    issues = []
    if named:
        # the CLI adds how to void or correct them (code void.woman_named)
        issues.append(FieldIssue(argument, msg(
            "void.woman_named", "{woman} is named by {n} record(s): {ids}", woman=woman_id, n=len(named), ids=", ".join(named),
        )))
    for shown in sorted(set(unreadable)):
        issues.append(FieldIssue(argument, msg(
            "void.unreadable_names_her", "{path} cannot be read and holds {woman}", path=shown, woman=woman_id,
        )))
    if issues:
        raise Refused(issues)


def _stay_notes(folder: RecordsFolder, stay) -> List[str]:
    """What voiding this stay changes in her history, as messages (``void.note_*``)."""
    from rosa_cli.core.operations import stays_of

    others = [s for s, _ in stays_of(folder, stay.woman) if s.id != stay.id]
    notes: List[str] = []
    if stay.is_open:
        notes.append(msg(
            "void.note_left_shelter", "note: {woman} is no longer recorded as staying at {shelter} (the stay was open since {start})",
            woman=stay.woman, shelter=stay.shelter, start=stay.start,
        ))
    if not others:
        notes.append(msg("void.note_no_stay_left", "note: {woman} has no stay left: she counts as not admitted", woman=stay.woman))
    for other in others:
        if other.end == stay.start and other.end_reason == "moved":
            # the CLI adds how to correct it (code void.note_still_moved, param stay)
            notes.append(msg("void.note_still_moved", "note: {stay} still ends as moved on {end}", stay=other.id, end=other.end))
        if stay.end is not None and stay.end_reason == "moved" and other.start == stay.end:
            notes.append(msg(
                "void.note_moved_from", "note: {stay} from {start} stays as it is; it started with the move out of this stay",
                stay=other.id, start=other.start,
            ))
    return notes


def check_reason(folder: RecordsFolder, reason: Optional[str]) -> str:
    """The void's reason, if it may go into a commit body (the free-text door check)."""
    from rosa_cli.core.validate import FieldError, check_free_text

    text = (reason or "").strip()
    if not text:
        raise Refused([FieldIssue("reason", msg(
            "void.reason_missing", "is required: say briefly why the record is withdrawn (no names or numbers)",
        ))])
    if "\n" in text or "\r" in text:
        raise Refused([FieldIssue("reason", msg("void.reason_lines", "must be one line"))])
    try:
        check_free_text(text, folder.context(), entry=True)
    except FieldError as exc:  # the door check's own message (a coded Message once validate gives one)
        raise Refused([FieldIssue("reason", exc.args[0] if exc.args else str(exc))]) from None
    return text


def void_message(plan: VoidPlan) -> str:
    """``void C-2026-AB12C (woman W-2026-XY7Z9)``: ids only; naming her puts the void in
    her ``rosa log`` too."""
    return f"void {plan.record_id}" + (f" (woman {plan.woman})" if plan.woman else "")


@locked
def void_record(folder: RecordsFolder, record_id: str, reason: str, argument: str = "ID") -> Outcome:
    """Remove one record entered by mistake, in a commit of its own; the reason in the body.

    Everything is checked again under the writer lock (a colleague may have added a call
    about her since the question was asked).
    """
    text = check_reason(folder, reason)
    plan = plan_void(folder, record_id, argument)
    plan.path.unlink()
    if not plan.tracked:
        # never committed (a failed commit left it): there is nothing for history to hold
        return Outcome([record_id], gitrepo.CommitResult(False), [plan.path], notes=list(plan.notes) + [
            msg("void.note_never_committed", "note: {id} was never committed, so its file was removed without a commit", id=record_id)
        ])
    outcome = Outcome([record_id], commit_records(folder, [plan.path], void_message(plan), f"Reason: {text}"), [plan.path])
    outcome.notes = plan.notes
    return outcome


# --- undo --------------------------------------------------------------------------------

# Subjects of the commits rosa makes for its commands (see operations.py and transfer.py);
# ``init``, ``hand edit: …``, ``sync: merge …`` and ``scrub (history rewritten)`` are not
# among them on purpose.
_ROSA_SUBJECT = re.compile(
    r"^(?:(?:woman|stay|call|service|activity) [a-z][a-z-]* [WSCTA]-\d{4}-[0-9A-Z]+(?: .*)?"
    r"|shelter (?:add|edit|retire) [a-z0-9][a-z0-9-]*(?: .*)?"
    r"|website set(?: .*)?"
    r"|import (?:women|stays|calls|services|activities|website) \(\d+ records?\)"
    r"|void [WSCTA]-\d{4}-[0-9A-Z]+(?: .*)?)$"
)


def is_rosa_subject(subject: str) -> bool:
    """True for the subject of a commit a rosa command makes (``undo`` of one included)."""
    while subject.startswith("undo "):
        subject = subject[len("undo "):]
    return bool(_ROSA_SUBJECT.match(subject))
_NOT_ROSA = {
    "init": msg("undo.not_rosa_init", "it is the folder's first commit (rosa init); there is nothing before it"),
    "hand edit:": msg(
        "undo.not_rosa_hand_edit", "it is a commit of hand edits (rosa committed files changed outside rosa); correct them with another edit"
    ),
    "sync:": msg("undo.not_rosa_sync", "it is a merge made by rosa sync; it brings another office's changes and is not undone"),
    "scrub": msg("undo.not_rosa_scrub", "it is rosa scrub's commit; history was rewritten and cannot be put back"),
}


@dataclass
class UndoPlan:
    commit: str
    short: str
    subject: str
    author: str
    date: str
    changes: List[Tuple[str, Optional[bytes]]]  # (path, bytes before the commit, or None: it did not exist)


def _git(folder: RecordsFolder, *args: str, check: bool = True):
    return gitrepo.run_git(folder.root, list(args), check=check)


def plan_undo(folder: RecordsFolder) -> UndoPlan:
    """The newest commit and what undoing it writes, or :class:`Refused` saying why not."""
    root = folder.root
    if not gitrepo.is_own_repository(root):
        raise Refused([FieldIssue("", msg(
            "undo.no_repository", "the records folder is not a git repository of its own; there is no commit to undo",
        ))])
    head = gitrepo.head_commit(root)
    if head is None:
        raise Refused([FieldIssue("", msg("undo.no_commit", "there is no commit yet; nothing to undo"))])
    sep = "\x1f"
    info = _git(folder, "log", "-1", f"--format=%H{sep}%h{sep}%P{sep}%an{sep}%ad{sep}%s", "--date=format:%Y-%m-%d %H:%M", head).stdout.strip()
    full, short, parents, author, when, subject = info.split(sep, 5)
    parents = parents.split()
    said = msg("undo.newest", "the newest commit ({short} {subject!r})", short=short, subject=subject)
    if len(parents) > 1:
        raise Refused([FieldIssue("", msg(
            "undo.merge", "{commit} is a merge (from rosa sync); undo only takes back rosa's own commands", commit=said,
        ))])
    for start, why in _NOT_ROSA.items():
        if subject == start or subject.startswith(start if start.endswith(":") else start + " "):
            raise Refused([FieldIssue("", msg("undo.not_rosa", "{commit} cannot be undone: {why}", commit=said, why=why))])
    if not parents:
        raise Refused([FieldIssue("", msg("undo.first_commit", "{commit} is the first commit of the folder; there is nothing before it", commit=said))])
    if not is_rosa_subject(subject):
        raise Refused([FieldIssue("", msg(
            "undo.hand_commit",
            "{commit} was not made by a rosa command (a commit made with git by hand?); undo takes back only rosa's commands",
            commit=said,
        ))])
    remote = _git(folder, "branch", "--remotes", "--contains", full, check=False).stdout.split()
    remote = [r for r in remote if r != "->"]
    if remote:
        # the CLI adds how to correct it instead (code undo.synced)
        raise Refused([FieldIssue("", msg(
            "undo.synced", "{commit} was already synced ({branch} has it), so other offices may have it too",
            commit=said, branch=remote[0],
        ))])
    listed = _git(folder, "diff-tree", "--no-commit-id", "--name-only", "-r", "-z", "--no-renames", parents[0], full).stdout
    paths = sorted(p for p in listed.split("\0") if p)
    foreign = [p for p in paths if not gitrepo.is_record_file(p)]
    if foreign or not paths:
        what = ", ".join(foreign[:3]) if foreign else msg("undo.no_files", "no files")
        raise Refused([FieldIssue("", msg(
            "undo.foreign_files", "{commit} changed {what}, which rosa does not manage; it is not undone", commit=said, what=what,
        ))])
    pending = set(gitrepo.folder_status(root).uncommitted) & set(paths)
    if pending:
        # the CLI adds what to do about it (code undo.pending)
        raise Refused([FieldIssue("", msg(
            "undo.pending", "{paths} changed since {short} and the change is not committed; undo would lose it",
            paths=", ".join(sorted(pending)), short=short,
        ))])
    changes = [(path, _blob(folder, parents[0], path)) for path in paths]
    plan = UndoPlan(full, short, subject, author, when, changes)
    if all(p.startswith(gitrepo.RECORD_DIRS) for p in paths):
        _refuse_invalid_records(folder, changes)
    else:  # rosa.yaml or shelters.yaml: every record may read differently
        _refuse_invalid(folder, parents[0], full)
    return plan


def _blob(folder: RecordsFolder, commit: str, path: str) -> Optional[bytes]:
    """The bytes of ``path`` as of ``commit`` (exactly, line endings and all), or None."""
    import os
    import subprocess

    done = subprocess.run(
        ["git", "cat-file", "blob", f"{commit}:{path}"], cwd=folder.root, capture_output=True,
        env=dict(os.environ, LC_ALL="C"), check=False,
    )
    return done.stdout if done.returncode == 0 else None


def _refuse_invalid_records(folder: RecordsFolder, changes: List[Tuple[str, Optional[bytes]]]) -> None:
    """Refuse when the record files as the undo would leave them, with the rest of the
    folder as it is now (hand edits not yet committed included), have errors they do not
    have now: a restored record rosa's rules no longer accept, a stay that would overlap
    another, a call or stay left pointing at a woman the undo removes. Checked in
    memory, from the records rosa already keeps cached, before anything is written."""
    import copy

    from rosa_cli.core.folder import load_records
    from rosa_cli.core.validate import build_record, cross_check
    from rosa_cli.core.yamlio import mapping_from_text

    now = load_records(folder)
    after = copy.copy(now)
    after.women, after.stays, after.calls = dict(now.women), dict(now.stays), dict(now.calls)
    after.services, after.activities, after.website = dict(now.services), dict(now.activities), dict(now.website)
    targets: Dict[str, Dict[str, Any]] = {"women": after.women, "stays": after.stays, "calls": after.calls,
               "services": after.services, "activities": after.activities, "website": after.website}
    ctx = folder.context()
    found = []
    for rel, data in changes:
        stem = rel.rsplit("/", 1)[-1][: -len(".yaml")]
        target = targets[rel.split("/", 1)[0]]
        target.pop(stem, None)
        if data is None:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            found.append(f"{rel}: is not UTF-8 text")
            continue
        mapping, problems = mapping_from_text(text, rel)
        record = None
        if mapping is not None:
            kind = "website" if rel.startswith("website/") else ids.KINDS_BY_PREFIX.get(stem[:1], "")
            record, more = build_record(kind, mapping, rel, ctx, expected_id=stem)
            problems = problems + more
        was = {(str(p.path), p.message) for p in now.errors}
        found += [str(p) for p in problems if p.is_error and (str(p.path), p.message) not in was]
        if record is not None:
            target[stem] = record
    was = {(str(p.path), p.message) for p in cross_check(now) if p.is_error}
    found += [str(p) for p in cross_check(after) if p.is_error and (str(p.path), p.message) not in was]
    if found:
        raise Refused([FieldIssue("", msg("undo.invalid", "undoing it would leave the records invalid: {problems}", problems="; ".join(found)))])


def _refuse_invalid(folder: RecordsFolder, before: str, head: str) -> None:
    """Refuse when the records as they were before the commit have errors that they do
    not have now (a rule added since, a record that now points at nothing): the undo
    would write invalid records. The check reads both commits' files in a scratch
    folder, so nothing is written first."""
    from rosa_cli.core.sync import errors_of_commit

    now = {(str(p.path), p.message) for p in errors_of_commit(folder, head)}
    new = [p for p in errors_of_commit(folder, before) if (str(p.path), p.message) not in now]
    if new:
        raise Refused([FieldIssue("", msg("undo.invalid_below", "undoing it would leave the records invalid:")), *new])


def undo_message(plan: UndoPlan) -> str:
    return f"undo {plan.subject}"


@locked
def undo_last(folder: RecordsFolder) -> Tuple[Outcome, UndoPlan]:
    """Put back the files of rosa's newest commit as they were before it, as a new
    commit ``undo <its subject>`` (the organisation's hooks run as for any commit)."""
    from rosa_cli.core.yamlio import atomic_write_bytes

    plan = plan_undo(folder)
    written: List[Path] = []
    for rel, text in plan.changes:
        path = folder.root / rel
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write_bytes(path, text)
        written.append(path)
    commit = commit_records(folder, written, undo_message(plan), f"Undoes commit {plan.short}.")
    if not commit.committed:
        # a hook said no, the disk is full...: put the files back as they are in the
        # commit, so the undo did not half happen (the next command would commit it as
        # a hand edit, without saying what it undid)
        for rel, _ in plan.changes:
            now = _blob(folder, plan.commit, rel)
            path = folder.root / rel
            if now is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write_bytes(path, now)
        _git(folder, "reset", "--quiet", "--", *[rel for rel, _ in plan.changes], check=False)  # unstage them
        # commit.warning is shown whole (never cut up by its words): it says why git refused
        raise gitrepo.GitError(f"git did not commit the undo ({commit.warning or 'no reason given'}); the files are put back, nothing was undone")
    return Outcome([], commit, written), plan
