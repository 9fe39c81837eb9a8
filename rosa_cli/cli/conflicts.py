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

from rosa_cli.cli.common import EXIT_INVALID, EXIT_USAGE, Failure, core_errors, get_folder, records_option

KINDS = {"W": "woman", "S": "stay", "C": "call", "T": "service", "A": "activity"}
SETTINGS_NAMES = ("rosa.yaml", "shelters.yaml")


def _side_text(value) -> str:
    from rosa_cli.core.merge import shown_value

    return shown_value(value)


@click.command()
@records_option
@core_errors()
def conflicts() -> None:
    """List records changed both here and at another office, field by field."""
    from rosa_cli.core import conflicts as store
    from rosa_cli.core.merge import WHOLE

    folder = get_folder()
    pending = store.load(folder.root)
    if not pending.conflicts:
        click.echo("No sync conflicts.", err=True)
        return
    unsettled = 0
    for conflict in pending.conflicts:
        resolution = pending.resolution_for(conflict)
        for item in conflict.fields:
            if item["field"] == WHOLE:
                mine = "deleted" if conflict.mine_blob is None else "changed"
                theirs = "deleted" if conflict.theirs_blob is None else "changed"
                click.echo(f"{conflict.record_id} (the whole record): this office: {mine}; the other office: {theirs}")
            else:
                click.echo(
                    f"{conflict.record_id} {item['field']}: this office: {_side_text(item['mine'])}; "
                    f"the other office: {_side_text(item['theirs'])}"
                )
        if resolution is None:
            unsettled += 1
        else:
            how = {"mine": "keep this office's values", "theirs": "keep the other office's values"}.get(resolution.keep or "", "edited")
            click.echo(f"{conflict.record_id}: settled ({how}); rosa sync will finish it")
    if unsettled:
        click.echo(
            f"{unsettled} to settle: rosa resolve ID --keep mine (this office) | --keep theirs (the other office) | --edit; "
            "then rosa sync. Everything else works as usual meanwhile.",
            err=True,
        )
    else:
        click.echo("All settled: run rosa sync to finish.", err=True)


def _checked_id(record_id: str) -> str:
    """The id as typed, when it is a well-formed id (never used to build a path)."""
    if record_id in SETTINGS_NAMES:
        return record_id
    from rosa_cli.core.ids import id_problem

    kind = KINDS.get(record_id[:1])
    problem = id_problem(kind, record_id) if kind else f"id {record_id!r} must start with W-, S-, C-, T- or A-"
    if problem:
        raise Failure(f"ID: {problem}", EXIT_USAGE)
    return record_id


@click.command()
@click.argument("record_id", metavar="ID")
@click.option("--keep", type=click.Choice(["mine", "theirs"]), help="mine = this office's values, theirs = the other office's.")
@click.option("--edit", "edit", is_flag=True, help="Write the settled record yourself; both versions are shown as comments.")
@records_option
@core_errors()
def resolve(record_id: str, keep: Optional[str], edit: bool) -> None:
    """Settle one sync conflict: keep mine, keep theirs, or edit; then run rosa sync."""
    from rosa_cli.core import conflicts as store

    if bool(keep) == bool(edit):
        raise Failure("give one of --keep mine, --keep theirs or --edit", EXIT_USAGE)
    record_id = _checked_id(record_id)
    folder = get_folder()
    pending = store.load(folder.root)
    conflict = pending.find(record_id)
    if conflict is None:
        raise Failure(f"ID: no sync conflict for {record_id} (rosa conflicts lists them)", EXIT_USAGE)
    text = None
    if edit:
        if record_id in SETTINGS_NAMES:
            raise Failure(f"{record_id}: use --keep mine or --keep theirs, then change it with the usual commands", EXIT_USAGE)
        text = _edit_settled_text(folder, conflict)
        if text is None:
            click.echo(f"Not saved; {record_id} is not settled.", err=True)
            sys.exit(EXIT_INVALID)
    with folder.write_lock():
        pending = store.load(folder.root)  # a sync may have run while the editor was open
        current = pending.find(record_id)
        if current is None or (current.mine_blob, current.theirs_blob) != (conflict.mine_blob, conflict.theirs_blob):
            raise Failure(f"{record_id} changed while you were settling it; run rosa conflicts and settle it again", EXIT_INVALID)
        pending.resolutions[record_id] = store.Resolution(conflict.mine_blob, conflict.theirs_blob, keep=keep, text=text)
        store.save(folder.root, pending)
    left = len(pending.unsettled())
    click.echo(f"Settled {record_id}." + (f" {left} conflict(s) left to settle." if left else " Run rosa sync to finish."), err=True)


def _blob(folder, blob: Optional[str]) -> Optional[str]:
    from rosa_cli.core import gitrepo

    if blob is None:
        return None
    return gitrepo._run(folder.root, ["cat-file", "blob", blob]).stdout


def _edit_settled_text(folder, conflict) -> Optional[str]:
    """The edit loop over the record with both offices' values as comments."""
    from rosa_cli.cli.editing import _keep_copy, _strip_header, _with_errors, run_editor, with_comments
    from rosa_cli.core import gitrepo
    from rosa_cli.core.merge import WHOLE, merge_texts
    from rosa_cli.core.operations import Refused, validate_text

    local = gitrepo._run(folder.root, ["rev-parse", "HEAD"]).stdout.strip()
    pending_remote = _pending_remote_commit(folder)
    base_commit = gitrepo._run(folder.root, ["merge-base", local, pending_remote], check=False).stdout.strip()
    base = None
    if base_commit:
        found = gitrepo._run(folder.root, ["rev-parse", "--verify", "--quiet", f"{base_commit}:{conflict.path}"], check=False)
        base = _blob(folder, found.stdout.strip()) if found.returncode == 0 else None
    mine, theirs = _blob(folder, conflict.mine_blob), _blob(folder, conflict.theirs_blob)
    start = merge_texts(base, mine, theirs, keep="mine").text or mine or theirs or ""
    comments = [f"settling {conflict.record_id}: this office and the other office changed the same field(s);",
                "write the values to keep below and save (quit without saving to settle nothing)."]
    for item in conflict.fields:
        if item["field"] == WHOLE:
            comments.append(f"this office: {'deleted' if mine is None else 'changed'} the record; the other office: {'deleted' if theirs is None else 'changed'} it")
            if theirs:
                comments.append("the other office's version:")
                comments.extend(f"  {line}" for line in theirs.splitlines())
        else:
            comments.append(f"{item['field']}: this office: {_side_text(item['mine'])}; the other office: {_side_text(item['theirs'])}")
    path = folder.root / conflict.path
    shown = with_comments(start, comments)
    last_attempt = None
    while True:
        edited = run_editor(folder, shown)
        if edited is None:
            return None
        text = _strip_header(edited)
        if not text.strip() or (last_attempt is not None and text == last_attempt):
            kept = _keep_copy(folder, conflict.record_id, last_attempt or text)
            click.echo(f"Gave up; {conflict.record_id} is not settled. Your text is kept in {kept}", err=True)
            return None
        try:
            validate_text(folder, KINDS[conflict.record_id[:1]], text, path)
        except Refused as exc:
            for problem in exc.issues:
                click.echo(f"error: {problem}", err=True)
            last_attempt = text
            shown = _with_errors(with_comments(text, comments), exc.issues)
            click.echo("Reopening the editor with the errors as comments…", err=True)
            continue
        return text


def _pending_remote_commit(folder) -> str:
    from rosa_cli.core import conflicts as store

    return store.load(folder.root).remote_commit or "HEAD"
