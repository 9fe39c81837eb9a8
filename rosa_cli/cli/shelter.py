"""``rosa shelter add|list|edit|retire``: the crisis shelters stays refer to."""

from __future__ import annotations

import click

from rosa_cli.cli.advice import show_outcome, with_advice
from rosa_cli.cli.common import core_errors, get_folder, problem_line, records_option
from rosa_cli.core.messages import N_

SHELTER_HEADERS = (N_("key"), N_("name"), N_("municipality"), N_("status"))


@click.group(help=N_("The crisis shelters (krisesentre) women stay at, kept in shelters.yaml."))
@records_option
def shelter() -> None:
    """The crisis shelters (krisesentre) women stay at, kept in shelters.yaml."""


@shelter.command("add", help=N_("Add shelter KEY (a short lowercase key such as oslo or bergen)."))
@click.argument("key")
@click.option("--name", required=True, help=N_("The shelter's name, e.g. 'Oslo krisesenter'."))
@click.option("--municipality", help=N_("Municipality (kommune)."))
@records_option
@core_errors({"key": "KEY", "KEY": "KEY"})
@with_advice
def shelter_add(key: str, name: str, municipality: str | None) -> None:
    """Add shelter KEY (a short lowercase key such as oslo or bergen)."""
    from rosa_cli.core.operations import add_shelter

    show_outcome(add_shelter(get_folder(changing=True), key, name, municipality))


@shelter.command("list", help=N_("List the shelters; retired ones are marked with the day they closed."))
@records_option
@core_errors()
def shelter_list() -> None:
    """List the shelters; retired ones are marked with the day they closed."""
    from rosa_cli.cli.render import print_table
    from rosa_cli.i18n import _

    folder = get_folder()
    shelters, problems = folder.shelters_and_problems()
    for problem in problems:
        click.echo(problem_line(problem), err=True)
    rows = [[s.key, s.name, s.municipality or "", _("retired {day}").format(day=s.retired) if s.retired else ""] for s in shelters.values()]
    print_table([_(h) for h in SHELTER_HEADERS], rows)


@shelter.command("edit", help=N_(
    "Correct shelter KEY's entry (name, municipality, retired) in $VISUAL or $EDITOR.\n\n"
    "The key itself stays: stays name it. Removing the retired: line takes a "
    "retired shelter back into use."
))
@click.argument("key", metavar="KEY")
@records_option
@core_errors({"key": "KEY", "KEY": "KEY"})
@with_advice
def shelter_edit(key: str) -> None:
    """Correct shelter KEY's entry (name, municipality, retired) in $VISUAL or $EDITOR.

    The key itself stays: stays name it. Removing the ``retired:`` line takes a
    retired shelter back into use.
    """
    from rosa_cli.core.ids import require_shelter_key

    require_shelter_key(key, "KEY")
    from rosa_cli.cli.editing import edit_loop, shelter_target

    folder = get_folder()
    edit_loop(folder, shelter_target(folder, key))


@shelter.command("retire", help=N_(
    "Mark shelter KEY closed: no new stays there, and reports list it only for "
    "periods it had nights in. Refused while a woman still has an open stay there."
))
@click.argument("key", metavar="KEY")
@click.option("--on", help=N_("The day it closed (default today)."))
@records_option
@core_errors({"key": "KEY", "KEY": "KEY"})
@with_advice
def shelter_retire(key: str, on: str | None) -> None:
    """Mark shelter KEY closed: no new stays there, and reports list it only for
    periods it had nights in. Refused while a woman still has an open stay there."""
    from rosa_cli.core.ids import require_shelter_key

    require_shelter_key(key, "KEY")
    from rosa_cli.core.operations import retire_shelter

    show_outcome(retire_shelter(get_folder(changing=True), key, on), quiet_ids=True)
