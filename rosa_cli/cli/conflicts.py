"""``rosa conflicts`` and ``rosa resolve``: sync conflicts settled by people, in plain words.

A sync that finds a field changed differently here and at another office moves
nothing and remembers the conflict outside the working folder (see
:mod:`rosa_cli.core.conflicts`); all other commands keep working meanwhile. These two
commands show what differs and record the person's choice; the next ``rosa sync``
does the merge with it.
"""

from __future__ import annotations

import sys
from typing import Optional

import click

from rosa_cli.cli.common import EXIT_INVALID, EXIT_USAGE, Failure, core_errors, get_folder, records_option, refusal_lines
from rosa_cli.core.messages import N_

KINDS = {"W": "woman", "S": "stay", "C": "call", "T": "service", "A": "activity"}
SETTINGS_NAMES = ("rosa.yaml", "shelters.yaml")
# how a settled conflict was settled, by the resolution's ``keep``
SETTLED_HOW = {"mine": N_("keep this office's values"), "theirs": N_("keep the other office's values")}
SETTLED_EDITED = N_("edited")
DELETED, CHANGED = N_("deleted"), N_("changed")


def _side_text(value) -> str:
    """One side's value in the user's language ("(not set)" is a core message)."""
    from rosa_cli.core.merge import shown_value
    from rosa_cli.i18n import render

    return render(shown_value(value))


def field_line(record_id: str, field: str, mine, theirs) -> str:
    """``W-… field: this office: X; the other office: Y`` in the user's language."""
    from rosa_cli.i18n import _

    return _("{id} {field}: this office: {mine}; the other office: {theirs}").format(
        id=record_id, field=field, mine=_side_text(mine), theirs=_side_text(theirs)
    )


@click.command(help=N_("List records changed both here and at another office, field by field."))
@records_option
@core_errors()
def conflicts() -> None:
    """Why: a sync that met the same field changed at two offices moved nothing; this
    shows what differs so a person can choose (core/conflicts.py)."""
    from rosa_cli.core import conflicts as store
    from rosa_cli.core.merge import WHOLE
    from rosa_cli.i18n import _

    folder = get_folder()
    pending = store.load(folder.root)
    if not pending.conflicts:
        click.echo(_("No sync conflicts."), err=True)
        return
    unsettled = 0
    for conflict in pending.conflicts:
        resolution = pending.resolution_for(conflict)
        for item in conflict.fields:
            if item["field"] == WHOLE:
                mine = _(DELETED if conflict.mine_blob is None else CHANGED)
                theirs = _(DELETED if conflict.theirs_blob is None else CHANGED)
                click.echo(_("{id} (the whole record): this office: {mine}; the other office: {theirs}").format(
                    id=conflict.record_id, mine=mine, theirs=theirs))
            else:
                click.echo(field_line(conflict.record_id, item["field"], item["mine"], item["theirs"]))
        if resolution is None:
            unsettled += 1
        else:
            how = _(SETTLED_HOW.get(resolution.keep or "", SETTLED_EDITED))
            click.echo(_("{id}: settled ({how}); rosa sync will finish it").format(id=conflict.record_id, how=how))
    if unsettled:
        click.echo(
            _(
                "{n} to settle: rosa resolve ID --keep mine (this office) | --keep theirs (the other office) | --edit; "
                "then rosa sync. Everything else works as usual meanwhile."
            ).format(n=unsettled),
            err=True,
        )
    else:
        click.echo(_("All settled: run rosa sync to finish."), err=True)


def _checked_id(record_id: str) -> str:
    """The id as typed, when it is a well-formed id (never used to build a path)."""
    if record_id in SETTINGS_NAMES:
        return record_id
    from rosa_cli.core.ids import id_problem
    from rosa_cli.i18n import _, render

    kind = KINDS.get(record_id[:1])
    problem = id_problem(kind, record_id) if kind else _("id '{id}' must start with W-, S-, C-, T- or A-").format(id=record_id)
    if problem:
        raise Failure(f"ID: {render(problem)}", EXIT_USAGE)
    return record_id


@click.command(help=N_("Settle one sync conflict: keep mine, keep theirs, or edit; then run rosa sync."))
@click.argument("record_id", metavar="ID")
@click.option("--keep", type=click.Choice(["mine", "theirs"]), help=N_("mine = this office's values, theirs = the other office's."))
@click.option("--edit", "edit", is_flag=True, help=N_("Write the settled record yourself; both versions are shown as comments."))
@records_option
@core_errors()
def resolve(record_id: str, keep: Optional[str], edit: bool) -> None:
    """Why: the person, not git, chooses which office's value stands; the choice is
    remembered for the two versions she saw, and the next sync uses it."""
    from rosa_cli.core import conflicts as store
    from rosa_cli.i18n import _

    if bool(keep) == bool(edit):
        raise Failure(_("give one of --keep mine, --keep theirs or --edit"), EXIT_USAGE)
    record_id = _checked_id(record_id)
    folder = get_folder()
    pending = store.load(folder.root)
    conflict = pending.find(record_id)
    if conflict is None:
        raise Failure(_("ID: no sync conflict for {id} (rosa conflicts lists them)").format(id=record_id), EXIT_USAGE)
    text = None
    if edit:
        if record_id in SETTINGS_NAMES:
            raise Failure(
                _("{id}: use --keep mine or --keep theirs, then change it with the usual commands").format(id=record_id), EXIT_USAGE
            )
        text = _edit_settled_text(folder, conflict)
        if text is None:
            click.echo(_("Not saved; {id} is not settled.").format(id=record_id), err=True)
            sys.exit(EXIT_INVALID)
    with folder.write_lock():
        pending = store.load(folder.root)  # a sync may have run while the editor was open
        current = pending.find(record_id)
        if current is None or (current.mine_blob, current.theirs_blob) != (conflict.mine_blob, conflict.theirs_blob):
            raise Failure(
                _("{id} changed while you were settling it; run rosa conflicts and settle it again").format(id=record_id), EXIT_INVALID
            )
        pending.resolutions[record_id] = store.Resolution(conflict.mine_blob, conflict.theirs_blob, keep=keep, text=text)
        store.save(folder.root, pending)
    left = len(pending.unsettled())
    if left:
        click.echo(_("Settled {id}. {n} conflict(s) left to settle.").format(id=record_id, n=left), err=True)
    else:
        click.echo(_("Settled {id}. Run rosa sync to finish.").format(id=record_id), err=True)


def _blob(folder, blob: Optional[str]) -> Optional[str]:
    from rosa_cli.core import gitrepo

    if blob is None:
        return None
    return gitrepo.run_git(folder.root, ["cat-file", "blob", blob]).stdout


def _edit_settled_text(folder, conflict) -> Optional[str]:
    """The edit loop over the record with both offices' values as comments."""
    from rosa_cli.cli.editing import keep_copy, run_editor, strip_header, with_comments, with_errors
    from rosa_cli.core import gitrepo
    from rosa_cli.core.merge import WHOLE, merge_texts
    from rosa_cli.core.operations import Refused, validate_text
    from rosa_cli.i18n import _

    local = gitrepo.run_git(folder.root, ["rev-parse", "HEAD"]).stdout.strip()
    pending_remote = _pending_remote_commit(folder)
    base_commit = gitrepo.run_git(folder.root, ["merge-base", local, pending_remote], check=False).stdout.strip()
    base = None
    if base_commit:
        found = gitrepo.run_git(folder.root, ["rev-parse", "--verify", "--quiet", f"{base_commit}:{conflict.path}"], check=False)
        base = _blob(folder, found.stdout.strip()) if found.returncode == 0 else None
    mine, theirs = _blob(folder, conflict.mine_blob), _blob(folder, conflict.theirs_blob)
    start = merge_texts(base, mine, theirs, keep="mine").text or mine or theirs or ""
    comments = [_("settling {id}: this office and the other office changed the same field(s);").format(id=conflict.record_id),
                _("write the values to keep below and save (quit without saving to settle nothing).")]
    for item in conflict.fields:
        if item["field"] == WHOLE:
            comments.append(_("this office: {mine} the record; the other office: {theirs} it").format(
                mine=_(DELETED if mine is None else CHANGED), theirs=_(DELETED if theirs is None else CHANGED)))
            if theirs:
                comments.append(_("the other office's version:"))
                comments.extend(f"  {line}" for line in theirs.splitlines())
        else:
            comments.append(_("{field}: this office: {mine}; the other office: {theirs}").format(
                field=item["field"], mine=_side_text(item["mine"]), theirs=_side_text(item["theirs"])))
    path = folder.root / conflict.path
    shown = with_comments(start, comments)
    last_attempt = None
    while True:
        edited = run_editor(folder, shown)
        if edited is None:
            return None
        text = strip_header(edited)
        if not text.strip() or (last_attempt is not None and text == last_attempt):
            kept = keep_copy(folder, conflict.record_id, last_attempt or text)
            click.echo(_("Gave up; {id} is not settled. Your text is kept in {path}").format(id=conflict.record_id, path=kept), err=True)
            return None
        try:
            validate_text(folder, KINDS[conflict.record_id[:1]], text, path)
        except Refused as exc:
            for line in refusal_lines(exc.issues):
                click.echo(line, err=True)
            last_attempt = text
            shown = with_errors(with_comments(text, comments), exc.issues)
            click.echo(_("Reopening the editor with the errors as comments…"), err=True)
            continue
        return text


def _pending_remote_commit(folder) -> str:
    from rosa_cli.core import conflicts as store

    return store.load(folder.root).remote_commit or "HEAD"
