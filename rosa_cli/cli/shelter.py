"""``rosa shelter add|list``: the crisis shelters stays refer to."""

from __future__ import annotations

import click

from rosa_cli.cli.common import core_errors, get_folder, records_option, report_outcome


@click.group()
@records_option
def shelter() -> None:
    """The crisis shelters (krisesentre) women stay at, kept in shelters.yaml."""


@shelter.command("add")
@click.argument("key")
@click.option("--name", required=True, help="The shelter's name, e.g. 'Oslo krisesenter'.")
@click.option("--municipality", help="Municipality (kommune).")
@records_option
@core_errors({"KEY": "KEY"})
def shelter_add(key: str, name: str, municipality: str | None) -> None:
    """Add shelter KEY (a short lowercase key such as oslo or bergen)."""
    from rosa_cli.core.operations import add_shelter

    report_outcome(add_shelter(get_folder(changing=True), key, name, municipality))


@shelter.command("list")
@records_option
@core_errors()
def shelter_list() -> None:
    """List the shelters."""
    from rosa_cli.cli.render import print_table

    folder = get_folder()
    shelters, problems = folder.shelters_and_problems()
    for problem in problems:
        click.echo(str(problem), err=True)
    print_table(["key", "name", "municipality"], [[s.key, s.name, s.municipality or ""] for s in shelters.values()])
