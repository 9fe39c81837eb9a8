"""``rosa init DIR``: a new records folder, owner-only, as a git repository."""

from __future__ import annotations

from pathlib import Path

import click

from rosa_cli.cli.common import core_errors, report_outcome


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--organisation", default="ROSA", show_default=True, help="Name shown on reports.")
@core_errors({"DIR": "DIR"})
def init(directory: Path, organisation: str) -> None:
    """Make DIR a records folder: rosa.yaml, shelters.yaml, women/, stays/, calls/, and git.

    The folder and its files are readable by you only. Next: add shelters with
    `rosa shelter add`, then use `--records DIR` or set ROSA_RECORDS=DIR.
    """
    from rosa_cli.core.gitrepo import CommitResult
    from rosa_cli.core.operations import Outcome, init_folder

    commit = init_folder(directory, organisation)
    report_outcome(Outcome([], commit if isinstance(commit, CommitResult) else CommitResult(False)))
    click.echo(f"Made records folder {directory}. Next: rosa --records {directory} shelter add KEY --name NAME", err=True)
