"""``rosa init DIR``: a new records folder, owner-only, as a git repository."""

from __future__ import annotations

from pathlib import Path

import click

from rosa_cli.cli.common import core_errors, lang_option, report_outcome
from rosa_cli.core.messages import N_


@click.command(
    help=N_(
        "Make DIR a records folder: rosa.yaml, shelters.yaml, women/, stays/, calls/, and git.\n\n"
        "The folder and its files are readable by you only. Next: add shelters with "
        "`rosa shelter add`, then use `--records DIR` or set ROSA_RECORDS=DIR."
    )
)
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--organisation", default="ROSA", show_default=True, help=N_("Name shown on reports."))
@lang_option
@core_errors({"DIR": "DIR"})
def init(directory: Path, organisation: str) -> None:
    """Make DIR a records folder (the help above says what it holds).

    The folder and its files are readable by you only, because they hold case records.
    """
    from rosa_cli.core.gitrepo import CommitResult
    from rosa_cli.core.operations import Outcome, init_folder
    from rosa_cli.i18n import _

    commit = init_folder(directory, organisation)
    report_outcome(Outcome([], commit if isinstance(commit, CommitResult) else CommitResult(False)))
    click.echo(
        _("Made records folder {folder}. Next: rosa --records {folder} shelter add KEY --name NAME").format(folder=directory),
        err=True,
    )
