"""``rosa stay …``: shelter stays. Bed-nights are counted from these, so dates matter."""

from __future__ import annotations

import click

from rosa_cli.cli.common import core_errors, get_folder, records_option, report_outcome, resolve_arg

PROMPT_OPTION = click.option("--prompt/--no-prompt", "prompt", default=None, help="Ask for what is missing (default: when on a terminal).")


@click.group()
@records_option
def stay() -> None:
    """Stays at crisis shelters (stays/S-….yaml): open, close, move, list, edit."""


@stay.command("open")
@click.argument("woman_id", metavar="WOMAN")
@click.option("--shelter", help="Shelter key (see rosa shelter list); asked for with numbered choices on a terminal.")
@click.option("--on", help="Arrival date: i dag, i går, mandag, 14.3, 14.03.2026 or 2026-03-14 (default today).")
@click.option("--children", help="Children staying with her (default 0).")
@click.option("--note", help="Free text: no names, phone numbers or addresses.")
@PROMPT_OPTION
@records_option
@core_errors({"woman": "WOMAN", "start": "--on"})
def stay_open(woman_id, shelter, on, children, note, prompt) -> None:
    """Place WOMAN at a shelter; prints the new stay's id."""
    from rosa_cli.cli.prompts import ask_or_fail
    from rosa_cli.core.ids import require_shelter_key
    from rosa_cli.core.naming import resolve_id

    folder = get_folder(changing=True)
    woman_id = resolve_id(folder, woman_id, ("woman",), "WOMAN", notice=lambda m: click.echo(m, err=True))
    shelter = ask_or_fail(folder, "stay", "shelter", shelter, "--shelter", prompt)
    require_shelter_key(shelter, "shelter")
    from rosa_cli.core.operations import open_stay

    report_outcome(open_stay(folder, woman_id, shelter, on, children, note))


@stay.command("close")
@click.argument("target", metavar="STAY|WOMAN")
@click.option("--on", help="Departure date: i dag, i går, 14.3, 2026-03-14 (default today).")
@click.option("--reason", help="moved, own-housing, returned-home, asylum-reception, left, other — or the label (egen bolig …); asked for on a terminal.")
@PROMPT_OPTION
@records_option
@core_errors()
def stay_close(target, on, reason, prompt) -> None:
    """End a stay (give the stay's id, or the woman's id for her open stay)."""
    from rosa_cli.cli.prompts import ask_or_fail
    from rosa_cli.core.naming import resolve_id

    folder = get_folder(changing=True)
    target = resolve_id(folder, target, ("stay", "woman"), "STAY|WOMAN", notice=lambda m: click.echo(m, err=True))
    reason = ask_or_fail(folder, "stay", "end_reason", reason, "--reason", prompt)
    from rosa_cli.core.operations import close_stay

    report_outcome(close_stay(folder, target, on, reason), quiet_ids=True)


@stay.command("move")
@click.argument("woman_id", metavar="WOMAN")
@click.option("--to", help="The shelter she moves to; asked for with numbered choices on a terminal.")
@click.option("--on", help="Date of the move: i dag, i går, 14.3, 2026-03-14 (default today).")
@PROMPT_OPTION
@records_option
@core_errors()
def stay_move(woman_id, to, on, prompt) -> None:
    """Move WOMAN to another shelter: her stay closes as moved, a new one opens the same day."""
    from rosa_cli.cli.prompts import ask_or_fail
    from rosa_cli.core.ids import require_shelter_key
    from rosa_cli.core.naming import resolve_id

    folder = get_folder(changing=True)
    woman_id = resolve_id(folder, woman_id, ("woman",), "WOMAN", notice=lambda m: click.echo(m, err=True))
    to = ask_or_fail(folder, "stay", "shelter", to, "--to", prompt)
    require_shelter_key(to, "to")
    from rosa_cli.core.operations import move_stay

    report_outcome(move_stay(folder, woman_id, to, on))


@stay.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only stays still open.")
@click.option("--shelter", help="Only stays at this shelter.")
@records_option
@core_errors()
def stay_list(only_open: bool, shelter: str | None) -> None:
    """List stays, by arrival."""
    from rosa_cli.cli.common import Failure
    from rosa_cli.cli.render import print_table
    from rosa_cli.core.folder import load_records

    folder = get_folder()
    if shelter and shelter not in folder.shelters:
        raise Failure(f"--shelter: {shelter!r} is not a shelter (known: {', '.join(folder.shelters)})")
    records = load_records(folder, kinds=("stay",))
    today = folder.today
    rows = []
    for s in sorted(records.stays.values(), key=lambda s: (s.start, s.id)):
        if (only_open and not s.is_open) or (shelter and s.shelter != shelter):
            continue
        nights = ((s.end or today) - s.start).days
        rows.append([s.id, s.woman, s.shelter, s.start, s.end, s.end_reason, nights, s.children or ""])
    print_table(["id", "woman", "shelter", "start", "end", "end reason", "nights", "children"], rows)
    if records.skipped:
        click.echo(f"warning: {records.skipped} invalid stay file(s) left out; run rosa check", err=True)


@stay.command("edit")
@click.argument("stay_id", metavar="ID")
@records_option
@core_errors({"stay": "ID"})
def stay_edit(stay_id: str) -> None:
    """Correct a stay in $VISUAL or $EDITOR; an invalid save reopens with the errors.

    Checked like ``rosa stay open``: her record must exist, the stay must not start
    before her first contact nor overlap her other stays.
    """
    from rosa_cli.cli.editing import edit_record

    folder = get_folder()
    edit_record(folder, "stay", resolve_arg(folder, stay_id, ("stay",), "ID"), "stay edit")
