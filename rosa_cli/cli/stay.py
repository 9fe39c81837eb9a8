"""``rosa stay …``: shelter stays. Bed-nights are counted from these, so dates matter."""

from __future__ import annotations

import click

from rosa_cli.cli.advice import notice, show_outcome, with_advice
from rosa_cli.cli.common import core_errors, get_folder, records_option, resolve_arg
from rosa_cli.core.messages import N_

PROMPT_OPTION = click.option("--prompt/--no-prompt", "prompt", default=None, help=N_("Ask for what is missing (default: when on a terminal)."))


@click.group(help=N_("Stays at crisis shelters (stays/S-….yaml): open, close, move, list, edit."))
@records_option
def stay() -> None:
    """Stays at crisis shelters (stays/S-….yaml): open, close, move, list, edit."""


@stay.command("open", help=N_("Place WOMAN at a shelter; prints the new stay's id."))
@click.argument("woman_id", metavar="WOMAN")
@click.option("--shelter", help=N_("Shelter key (see rosa shelter list); asked for with numbered choices on a terminal."))
@click.option("--on", help=N_("Arrival date: i dag, i går, mandag, 14.3, 14.03.2026 or 2026-03-14 (default today)."))
@click.option("--children", help=N_("Children staying with her (default 0)."))
@click.option("--note", help=N_("Free text: no names, phone numbers or addresses."))
@PROMPT_OPTION
@records_option
@core_errors({"woman": "WOMAN", "start": "--on"})
@with_advice
def stay_open(woman_id, shelter, on, children, note, prompt) -> None:
    """Place WOMAN at a shelter; prints the new stay's id."""
    from rosa_cli.cli.prompts import ask_or_fail
    from rosa_cli.core.ids import require_shelter_key
    from rosa_cli.core.naming import resolve_id

    folder = get_folder(changing=True)
    woman_id = resolve_id(folder, woman_id, ("woman",), "WOMAN", notice=notice)
    shelter = ask_or_fail(folder, "stay", "shelter", shelter, "--shelter", prompt)
    require_shelter_key(shelter, "shelter")
    from rosa_cli.core.operations import open_stay

    show_outcome(open_stay(folder, woman_id, shelter, on, children, note))


@stay.command("close", help=N_("End a stay (give the stay's id, or the woman's id for her open stay)."))
@click.argument("target", metavar="STAY|WOMAN")
@click.option("--on", help=N_("Departure date: i dag, i går, 14.3, 2026-03-14 (default today)."))
@click.option("--reason", help=N_("moved, own-housing, returned-home, asylum-reception, left, other — or the label (egen bolig …); asked for on a terminal."))
@PROMPT_OPTION
@records_option
@core_errors({"stay": "STAY"})
@with_advice
def stay_close(target, on, reason, prompt) -> None:
    """End a stay (give the stay's id, or the woman's id for her open stay)."""
    from rosa_cli.cli.prompts import ask_or_fail
    from rosa_cli.core.naming import resolve_id

    folder = get_folder(changing=True)
    target = resolve_id(folder, target, ("stay", "woman"), "STAY|WOMAN", notice=notice)
    reason = ask_or_fail(folder, "stay", "end_reason", reason, "--reason", prompt)
    from rosa_cli.core.operations import close_stay

    show_outcome(close_stay(folder, target, on, reason), quiet_ids=True)


@stay.command("move", help=N_("Move WOMAN to another shelter: her stay closes as moved, a new one opens the same day."))
@click.argument("woman_id", metavar="WOMAN")
@click.option("--to", help=N_("The shelter she moves to; asked for with numbered choices on a terminal."))
@click.option("--on", help=N_("Date of the move: i dag, i går, 14.3, 2026-03-14 (default today)."))
@PROMPT_OPTION
@records_option
@core_errors({"woman": "WOMAN", "stay": "WOMAN"})
@with_advice
def stay_move(woman_id, to, on, prompt) -> None:
    """Move WOMAN to another shelter: her stay closes as moved, a new one opens the same day."""
    from rosa_cli.cli.prompts import ask_or_fail
    from rosa_cli.core.ids import require_shelter_key
    from rosa_cli.core.naming import resolve_id

    folder = get_folder(changing=True)
    woman_id = resolve_id(folder, woman_id, ("woman",), "WOMAN", notice=notice)
    to = ask_or_fail(folder, "stay", "shelter", to, "--to", prompt)
    require_shelter_key(to, "to")
    from rosa_cli.core.operations import move_stay

    show_outcome(move_stay(folder, woman_id, to, on))


STAY_HEADERS = (N_("id"), N_("woman"), N_("shelter"), N_("start"), N_("end"), N_("end reason"), N_("nights"), N_("children"))


@stay.command("list", help=N_("List stays, by arrival."))
@click.option("--open", "only_open", is_flag=True, help=N_("Only stays still open."))
@click.option("--shelter", help=N_("Only stays at this shelter."))
@records_option
@core_errors()
def stay_list(only_open: bool, shelter: str | None) -> None:
    """List stays, by arrival."""
    from rosa_cli.cli.common import Failure
    from rosa_cli.cli.render import label_cell, print_table
    from rosa_cli.core.folder import load_records
    from rosa_cli.i18n import _

    folder = get_folder()
    if shelter and shelter not in folder.shelters:
        raise Failure("--shelter: " + _("{key} is not a shelter (known: {known})").format(key=repr(shelter), known=", ".join(folder.shelters)))
    records = load_records(folder, kinds=("stay",))
    today = folder.today
    rows = []
    for s in sorted(records.stays.values(), key=lambda s: (s.start, s.id)):
        if (only_open and not s.is_open) or (shelter and s.shelter != shelter):
            continue
        nights = ((s.end or today) - s.start).days
        rows.append([s.id, s.woman, s.shelter, s.start, s.end, label_cell(records.settings, "end_reason", s.end_reason), nights, s.children or ""])
    print_table([_(h) for h in STAY_HEADERS], rows)
    if records.skipped:
        click.echo(_("warning") + ": " + _("{n} invalid stay file(s) left out; run rosa check").format(n=records.skipped), err=True)


@stay.command("edit", help=N_(
    "Correct a stay in $VISUAL or $EDITOR; an invalid save reopens with the errors.\n\n"
    "Checked like rosa stay open: her record must exist, the stay must not start "
    "before her first contact nor overlap her other stays."
))
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
