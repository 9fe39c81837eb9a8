"""``rosa void ID --reason TEXT`` and ``rosa undo``: taking back a mistake, in history.

Both make a new commit rather than rewriting one, so the audit trail shows what was
taken back, when and by whom (see docs/withdrawing.md).
"""

from __future__ import annotations

import sys

import click

from rosa_cli.cli.advice import with_advice
from rosa_cli.cli.common import (
    EXIT_USAGE,
    Failure,
    core_errors,
    get_folder,
    is_terminal,
    records_option,
    report_outcome,
    resolve_arg,
)
from rosa_cli.i18n import N_, _, current_language, render


def _short(commit) -> str:
    return (commit or "")[:7]


def confirm(question: str) -> bool:
    """Ask a yes/no question on stderr, default no. In bokmål ``j``/``ja`` mean yes
    (a coordinator answers in her language), ``y``/``yes`` always do; ``n``, ``nei``,
    ``no`` or an empty answer mean no. Anything else is asked again."""
    yes = {"y", "yes"} | ({"j", "ja"} if current_language() == "nb" else set())
    no = {"n", "no", "nei"}
    while True:
        answer = click.prompt(question + " " + _("[y/N]"), default="", show_default=False, err=True)
        said = str(answer).strip().casefold()
        if not said or said in no:
            return False
        if said in yes:
            return True
        click.echo(_("  answer y (yes) or n (no)"), err=True)


def shown_notes(notes):
    """The core's notes in the user's language, with the CLI's advice where a note's
    code calls for it."""
    from rosa_cli.core.messages import msg

    shown = []
    for note in notes:
        if getattr(note, "code", None) == "void.note_still_moved":
            advice = msg("void.advice_still_moved", "correct it (rosa stay edit {stay}) if she did not move then", stay=note.params["stay"])
            note = msg("advice.then", "{fact}; {advice}", fact=note, advice=advice)
        shown.append(render(note))
    return shown


@click.command(help=N_(
    "Withdraw a record (W-, S-, C-, T- or A- id) entered by mistake: its file is removed in a commit of its own, "
    "`void ID`, with the reason in the commit message. A woman whom a stay or call still names is not voided; "
    "those are listed. History keeps the record (rosa log ID shows it and the void); to take text out of history "
    "too, use rosa scrub."
))
@click.argument("record_id", metavar="ID")
@click.option("--reason", help=N_("Why it is withdrawn, one line (no names or numbers); kept in the commit message. Required."))
@click.option("--yes", "-y", "assume_yes", is_flag=True, help=N_("Do not ask for confirmation (needed when not on a terminal)."))
@records_option
@core_errors()
@with_advice
def void(record_id: str, reason: str | None, assume_yes: bool) -> None:
    """A void is a new commit, never a rewrite, so the audit trail keeps what was
    taken back, when, by whom and why (docs/withdrawing.md)."""
    from rosa_cli.core.withdraw import check_reason, plan_void, void_record

    folder = get_folder(changing=True)
    record_id = resolve_arg(folder, record_id, ("woman", "stay", "call", "service", "activity"), "ID")
    check_reason(folder, reason)
    plan = plan_void(folder, record_id)
    if not assume_yes:
        if not is_terminal():
            raise Failure(_("--yes: not on a terminal, so rosa cannot ask before voiding {id}; give --yes to void it").format(id=record_id))
        click.echo(_("This removes {summary} in a commit of its own.").format(summary=render(plan.summary)), err=True)
        try:
            confirmed = confirm(_("Void {id}?").format(id=record_id))
        except (click.Abort, EOFError, KeyboardInterrupt):
            confirmed = False
        if not confirmed:
            click.echo(_("Cancelled; nothing was written."), err=True)
            sys.exit(EXIT_USAGE)
    outcome = void_record(folder, record_id, reason)
    where = plan.path.relative_to(folder.root).as_posix()
    if outcome.commit.committed:
        click.echo(_("voided {summary}: {path} removed in commit {commit}").format(
            summary=render(plan.summary), path=where, commit=_short(outcome.commit.commit)), err=True)
    else:
        click.echo(_("voided {summary}: {path} removed").format(summary=render(plan.summary), path=where), err=True)
    outcome.notes = shown_notes(outcome.notes)
    report_outcome(outcome, quiet_ids=True)


@click.command(help=N_(
    "Undo rosa's newest commit, if it has not been synced yet, with a new commit `undo …` that puts its files back "
    "as they were. Only a commit made by a rosa command is undone: not a hand commit, a merge from rosa sync, a scrub "
    "or the first commit. Running undo again undoes the undo."
))
@records_option
@core_errors()
@with_advice
def undo() -> None:
    """An undo is a new commit too, so it can itself be undone and history shows it."""
    from rosa_cli.core.withdraw import undo_last

    folder = get_folder(changing=True)
    outcome, plan = undo_last(folder)
    said = {"subject": plan.subject, "short": plan.short, "date": plan.date, "author": plan.author}
    if outcome.commit.committed:
        click.echo(
            _("undid {subject!r} ({short}, {date}, {author}) in commit {commit}").format(commit=_short(outcome.commit.commit), **said),
            err=True,
        )
    else:
        click.echo(_("undid {subject!r} ({short}, {date}, {author}); the files are put back").format(**said), err=True)
    outcome.notes = shown_notes(outcome.notes)
    report_outcome(outcome, quiet_ids=True)
