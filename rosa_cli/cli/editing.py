"""The edit loop, like ``kubectl edit``.

The record opens in the user's editor. If the saved text is invalid, the editor
reopens with the user's own text and the errors as ``#`` comments at the top, so no
typing is lost. Saving it unchanged (or empty) gives up: the record stays as it was,
and the user's text is kept in the records folder's git-ignored cache, owner-only,
with its path printed.

No lost update: the text the editor opened with is the base of a three-way merge
when the file changed on disk meanwhile (a colleague's ``rosa woman status``):
fields changed only by the colleague are kept alongside the user's; the same field
changed by both reopens the editor with the colleague's values as comments.

The file being edited holds the whole record, so it lives in the records folder's
owner-only cache (never /tmp) and is removed on every exit — also when the terminal
hangs up (SIGHUP) or the process is told to stop (SIGTERM) while the editor runs.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import tempfile
from datetime import datetime
from typing import Optional

import click

from rosa_cli.cli.common import EXIT_INVALID, Failure, problem_line
from rosa_cli.core.messages import msg
from rosa_cli.i18n import _, render

HEADER = "# rosa: "
EDITING_DIR = "editing"


def strip_header(text: str) -> str:
    """``text`` without the ``# rosa:`` comment lines rosa put at its top (errors,
    a colleague's values): what the user saved is the record below them."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(HEADER.rstrip()):
        lines.pop(0)
    return "".join(lines)


def with_errors(text: str, errors) -> str:
    """``text`` under ``# rosa:`` lines naming each error, so the reopened editor shows
    the user her own text and what is wrong with it (in her language)."""
    lines = [HEADER + _("this record was not saved: fix the errors below, or save unchanged to give up") + "\n"]
    for problem in errors:
        where = _("line {n}").format(n=problem.line) + ": " if getattr(problem, "line", None) else ""
        field = getattr(problem, "field", None)
        lines.append(f"{HEADER}{where}{field + ': ' if field else ''}{render(problem.message)}\n")
    return "".join(lines) + text



def _describe(problem) -> str:
    """One error line: a file problem as ``path:line: message``, a field's as ``field: message``."""
    field = getattr(problem, "field", None)
    if hasattr(problem, "field"):
        return f"{field}: {render(problem.message)}" if field else render(problem.message)
    return problem_line(problem)


def with_comments(text: str, comments) -> str:
    """``text`` under ``# rosa:`` comment lines (stripped again when saved)."""
    return "".join(f"{HEADER}{line}\n" for line in comments) + text


def keep_copy(folder, record_id: str, text: str) -> str:
    """Keep an edit that was not saved in the folder's owner-only, git-ignored cache, so
    no typing is lost; returns the path to tell the user."""
    from rosa_cli.core.folder import CACHE_DIR
    from rosa_cli.core.yamlio import atomic_write

    path = folder.root / CACHE_DIR / "edits" / f"{record_id}-{datetime.now():%Y%m%d-%H%M%S}.yaml"
    atomic_write(path, text)
    return str(path)




class _Stopped(BaseException):
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _editor_command() -> str:
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name)
        if value:
            return value
    for candidate in ("sensible-editor", "nano", "vim", "vi"):
        if any(os.access(os.path.join(p, candidate), os.X_OK) for p in os.environ.get("PATH", "").split(os.pathsep) if p):
            return candidate
    return "vi"


def run_editor(folder, text: str) -> Optional[str]:
    """Open ``text`` in the user's editor; the saved text, or None when not saved.

    The file is made owner-only inside ``.rosa-cache/editing/`` and removed however
    this ends: normally, on an error, Ctrl-C, SIGHUP or SIGTERM (the editor is stopped
    too, and rosa exits 128+signal).
    """
    from rosa_cli.core.folder import CACHE_DIR

    cache = folder.root / CACHE_DIR
    cache.mkdir(mode=0o700, exist_ok=True)
    directory = cache / EDITING_DIR
    directory.mkdir(mode=0o700, exist_ok=True)
    os.chmod(directory, 0o700)
    fd, name = tempfile.mkstemp(suffix=".yaml", prefix="edit-", dir=directory)  # 0600
    process = None
    previous = {}

    def stop(signum, _frame):
        raise _Stopped(signum)

    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # an old time stamp, so a save is seen even within the clock's resolution
        stamp = os.stat(name).st_mtime_ns - 2_000_000_000
        os.utime(name, ns=(stamp, stamp))
        for signum in (signal.SIGHUP, signal.SIGTERM):
            try:
                previous[signum] = signal.signal(signum, stop)
            except ValueError:  # not the main thread: no handlers, the finally still cleans up
                pass
        editor = _editor_command()
        try:
            # exec: the editor itself is our child, so a stop signal reaches it, not just a shell
            process = subprocess.Popen(f"exec {editor} {shlex.quote(name)}", shell=True)
            code = process.wait()
        except OSError as exc:
            raise Failure(_("{editor}: could not start the editor ({reason}); set $EDITOR").format(editor=editor, reason=exc.strerror or exc), EXIT_INVALID) from None
        if code != 0:
            raise Failure(_("{editor}: the editor failed (exit {code}); the record is unchanged").format(editor=editor, code=code), EXIT_INVALID)
        if os.stat(name).st_mtime_ns == stamp:
            return None
        with open(name, encoding="utf-8") as handle:
            return handle.read()
    except _Stopped as stopped:
        if process is not None and process.poll() is None:
            try:
                process.send_signal(stopped.signum)
                process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
        raise SystemExit(128 + stopped.signum) from None
    finally:
        try:
            os.unlink(name)
        except OSError:
            pass
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _colleague_comments(record_id: str, conflicts) -> list:
    from rosa_cli.core.merge import WHOLE, shown_value

    lines = [
        _("a colleague changed {id} while you were editing, in the same field(s) as you;").format(id=record_id),
        _("below is your text (with the colleague's other changes); their values are listed here."),
        _("Keep yours or change to theirs, then save (saving as it is keeps yours)."),
    ]
    for conflict in conflicts:
        if conflict.field == WHOLE:
            lines.append(_("the colleague's whole record differs from yours (it may be deleted or unreadable)"))
            continue
        lines.append(_("{field}: yours: {mine}; the colleague's: {theirs}").format(
            field=conflict.field, mine=shown_value(conflict.mine), theirs=shown_value(conflict.theirs)))
    return lines


class Target:
    """What the edit loop edits: a record file, or one shelter's entry in shelters.yaml.

    ``read`` gives the text the editor opens with, ``validate`` raises ``Refused`` with
    what is wrong, ``save(text, base)`` writes and commits (raising ``EditConflict`` when
    a colleague changed the same field meanwhile). ``name`` is what messages call it.
    """

    def __init__(self, name: str, label: str, read, validate, save, ident: Optional[str] = None):
        self.name, self.label, self.ident = name, label, ident or name
        self.read, self.validate, self.save = read, validate, save


def record_target(folder, kind: str, record_id: str, command: str) -> Target:
    """A record file (woman, stay, call) as an edit target."""
    from rosa_cli.core.operations import Refused, replace_record, validate_text

    path = folder.record_path(kind, record_id)
    if path is None:
        raise Refused([_issue(kind, msg("record.unknown", "{id} does not exist", id=record_id))])

    def validate(text: str) -> None:
        record = validate_text(folder, kind, text, path)
        issues = cross_issues(folder, kind, record_id, record)
        if issues:
            raise Refused(issues)

    return Target(
        record_id,
        record_id,
        lambda: path.read_text(encoding="utf-8"),
        validate,
        lambda text, base: replace_record(folder, kind, record_id, text, command, base=base),
    )


def shelter_target(folder, key: str) -> Target:
    """One shelter's entry in shelters.yaml (name, municipality, retired) as an edit target."""
    from rosa_cli.core.operations import edit_shelter, shelter_entry_text, validate_shelter_text

    first = shelter_entry_text(folder, key)  # refuses an unknown key before the editor opens
    return Target(
        _("shelter {key}").format(key=key),
        f"shelter-{key}",
        lambda: first,
        lambda text: validate_shelter_text(folder, key, text, before=first),
        lambda text, base: edit_shelter(folder, key, text, base=base),
        ident=key,
    )


def cross_issues(folder, kind: str, record_id: str, record) -> list:
    """What a single edited record cannot show by itself: the woman it names must exist,
    and an edited stay must still fit her other stays (no overlap, not before her first
    contact), as ``rosa stay open`` would insist."""
    from rosa_cli.core.operations import FieldIssue, Refused, load_existing, stays_of
    from rosa_cli.core.validate import stay_conflicts

    woman_id = getattr(record, "woman", None)
    if kind not in ("stay", "call") or not woman_id:
        return []
    if folder.record_path("woman", woman_id) is None:
        return [FieldIssue("woman", msg("record.unknown", "{id} does not exist", id=woman_id))]
    if kind != "stay":
        return []
    try:
        woman, _ = load_existing(folder, "woman", woman_id)
        others = [s for s, _ in stays_of(folder, woman_id) if s.id != record_id]
    except Refused as exc:
        return list(exc.issues)
    issues = []
    if record.start < woman.first_contact:
        issues.append(FieldIssue("start", msg("woman.before_first_contact", "{day} is before her first contact {first_contact}",
                                              day=record.start, first_contact=woman.first_contact)))
    issues += [FieldIssue("start", p.message) for p in stay_conflicts(woman_id, others + [record])]
    shelter = folder.shelters.get(record.shelter)
    retired = getattr(shelter, "retired", None)
    if retired is not None and (record.end is None or record.end > retired):
        issues.append(FieldIssue("end", msg("stay.after_retired", "shelter {key} was retired on {day}; a stay there must end by then",
                                            key=record.shelter, day=retired)))
    return issues


def edit_record(folder, kind: str, record_id: str, command: str) -> None:
    """``rosa woman|stay|call edit``: the edit loop on one record file."""
    edit_loop(folder, record_target(folder, kind, record_id, command))


def edit_loop(folder, target: Target) -> None:
    """Open, check, reopen with the errors, merge with a colleague's change, save."""
    from rosa_cli.cli.advice import advised_issues, show_outcome
    from rosa_cli.core.merge import EditConflict, merge_texts
    from rosa_cli.core.operations import Refused

    name = target.name
    base = target.read()  # what the user saw: the base of the merge on save
    shown = base
    last_attempt = None
    while True:
        edited = run_editor(folder, shown)
        if edited is None and last_attempt is None:
            click.echo(_("No changes; the record is as it was."), err=True)
            return
        text = strip_header(edited if edited is not None else shown)
        if text == base:
            click.echo(_("No changes; the record is as it was."), err=True)
            return
        if not text.strip() or (last_attempt is not None and text == last_attempt):
            kept = keep_copy(folder, target.label, last_attempt or text)
            click.echo(_("Gave up; {name} is unchanged. Your edit is kept in {path}").format(name=name, path=kept), err=True)
            sys.exit(EXIT_INVALID)
        try:
            target.validate(text)
        except Refused as exc:
            issues = advised_issues(exc.issues)
            for problem in issues:
                click.echo(_("error") + f": {_describe(problem)}", err=True)
            last_attempt = text
            shown = with_errors(text, issues)
            click.echo(_("Reopening the editor with the errors as comments…"), err=True)
            continue
        try:
            outcome = target.save(text, base)
        except EditConflict as conflict:
            merged = merge_texts(base, text, conflict.current, keep="mine")
            base = conflict.current
            shown = with_comments(merged.text if merged.text is not None else text, _colleague_comments(name, conflict.conflicts))
            last_attempt = None
            click.echo(_("A colleague changed the same field(s) of {name} meanwhile; reopening the editor with both…").format(name=name), err=True)
            continue
        except Refused:
            kept = keep_copy(folder, target.label, text)
            click.echo(_("Your edit is kept in {path}").format(path=kept), err=True)
            raise
        moved = [i for i in outcome.ids if i != target.ident]  # a call filed under another year has a new id
        show_outcome(outcome, quiet_ids=not moved)
        if not outcome.unchanged and not outcome.summary:  # show_outcome said it already
            click.echo(_("Saved {name}.").format(name=moved[0] if moved else name), err=True)
        return


def _issue(kind: str, message: str):
    from rosa_cli.core.operations import FieldIssue

    return FieldIssue(kind, message)
