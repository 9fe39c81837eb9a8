"""``rosa void ID --reason TEXT`` and ``rosa undo``: taking back a mistake, in history.

Both make a new commit rather than rewriting one, so the audit trail shows what was
taken back, when and by whom (see docs/withdrawing.md).
"""

from __future__ import annotations

import sys

import click

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


def _short(commit) -> str:
    return (commit or "")[:7]


@click.command()
@click.argument("record_id", metavar="ID")
@click.option("--reason", help="Why it is withdrawn, one line (no names or numbers); kept in the commit message. Required.")
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Do not ask for confirmation (needed when not on a terminal).")
@records_option
@core_errors()
def void(record_id: str, reason: str | None, assume_yes: bool) -> None:
    """Withdraw a record (W-, S-, C-, T- or A- id) entered by mistake: its file is removed in a
    commit of its own, `void ID`, with the reason in the commit message.

    A woman whom a stay or call still names is not voided; those are listed. History
    keeps the record (rosa log ID shows it and the void); to take text out of history
    too, use rosa scrub.
    """
    from rosa_cli.core.withdraw import check_reason, plan_void, void_record

    folder = get_folder(changing=True)
    record_id = resolve_arg(folder, record_id, ("woman", "stay", "call", "service", "activity"), "ID")
    check_reason(folder, reason)
    plan = plan_void(folder, record_id)
    if not assume_yes:
        if not is_terminal():
            raise Failure(f"--yes: not on a terminal, so rosa cannot ask before voiding {record_id}; give --yes to void it")
        click.echo(f"This removes {plan.summary} in a commit of its own.", err=True)
        try:
            confirmed = click.confirm(f"Void {record_id}?", default=False, err=True)
        except (click.Abort, EOFError, KeyboardInterrupt):
            confirmed = False
        if not confirmed:
            click.echo("Cancelled; nothing was written.", err=True)
            sys.exit(EXIT_USAGE)
    outcome = void_record(folder, record_id, reason)
    where = plan.path.relative_to(folder.root).as_posix()
    if outcome.commit.committed:
        click.echo(f"voided {plan.summary}: {where} removed in commit {_short(outcome.commit.commit)}", err=True)
    else:
        click.echo(f"voided {plan.summary}: {where} removed", err=True)
    report_outcome(outcome, quiet_ids=True)


@click.command()
@records_option
@core_errors()
def undo() -> None:
    """Undo rosa's newest commit, if it has not been synced yet, with a new commit
    `undo …` that puts its files back as they were.

    Only a commit made by a rosa command is undone: not a hand commit, a merge from
    rosa sync, a scrub or the first commit. Running undo again undoes the undo.
    """
    from rosa_cli.core.withdraw import undo_last

    folder = get_folder(changing=True)
    outcome, plan = undo_last(folder)
    if outcome.commit.committed:
        click.echo(
            f"undid {plan.subject!r} ({plan.short}, {plan.date}, {plan.author}) in commit {_short(outcome.commit.commit)}",
            err=True,
        )
    else:
        click.echo(f"undid {plan.subject!r} ({plan.short}, {plan.date}, {plan.author}); the files are put back", err=True)
    report_outcome(outcome, quiet_ids=True)
