"""The ``rosa`` command group. Subcommands are imported only when called, so
``rosa --version`` and the first prompt of ``rosa call add`` appear at once."""

from __future__ import annotations

import importlib
import importlib.util

import click

from rosa_cli import __version__
from rosa_cli.cli.common import records_option
from rosa_cli.core.messages import N_

COMMANDS = {
    "init": ("rosa_cli.cli.init_cmd", "init", N_("Make a new records folder (a git repository).")),
    "shelter": ("rosa_cli.cli.shelter", "shelter", N_("Add and list crisis shelters.")),
    "woman": ("rosa_cli.cli.woman", "woman", N_("Add, show, list and edit women's records.")),
    "stay": ("rosa_cli.cli.stay", "stay", N_("Open, close, move and list shelter stays.")),
    "call": ("rosa_cli.cli.call", "call", N_("Log and list calls and office visits.")),
    "service": ("rosa_cli.cli.services", "service", N_("Record and list services given to women, and their costs.")),
    "activity": ("rosa_cli.cli.services", "activity", N_("Record and list lectures, seminars and network meetings.")),
    "website": ("rosa_cli.cli.services", "website", N_("Set the website's monthly statistics.")),
    "import": ("rosa_cli.cli.transfer", "import_cmd", N_("Import women, stays, calls, services, activities or website months from CSV.")),
    "export": ("rosa_cli.cli.transfer", "export_cmd", N_("Export any kind of record as CSV or JSON.")),
    "check": ("rosa_cli.cli.check", "check", N_("Find every problem in the records, with file and line.")),
    "report": ("rosa_cli.cli.report", "report", N_("The year's statistics, as in the annual report.")),
    "chart": ("rosa_cli.cli.chart", "chart", N_("Draw one chart of the report as PNG or SVG.")),
    "log": ("rosa_cli.cli.log", "log", N_("Who changed what and when (the git history).")),
    "sync": ("rosa_cli.cli.sync", "sync", N_("Share the records with other offices through the git remote.")),
    "conflicts": ("rosa_cli.cli.conflicts", "conflicts", N_("List records changed both here and at another office.")),
    "resolve": ("rosa_cli.cli.conflicts", "resolve", N_("Settle one sync conflict: keep mine, theirs, or edit.")),
    "agenda": ("rosa_cli.cli.agenda", "agenda", N_("Who needs attention today: in shelter, long stays, reflection ending, no contact.")),
    "void": ("rosa_cli.cli.void", "void", N_("Withdraw a record entered by mistake (its own commit).")),
    "undo": ("rosa_cli.cli.void", "undo", N_("Undo rosa's newest commit if it has not been synced yet.")),
    "scrub": ("rosa_cli.cli.scrub", "scrub", N_("Remove a value that should never have been written, from history too.")),
}


class LazyGroup(click.Group):
    """A group whose subcommands live in their own modules, imported on use."""

    def list_commands(self, ctx):
        return [name for name in COMMANDS if self._available(name)]

    @staticmethod
    def _available(name: str) -> bool:
        return importlib.util.find_spec(COMMANDS[name][0]) is not None

    def get_command(self, ctx, name):
        if name not in COMMANDS or not self._available(name):
            return None
        module_name, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx, formatter):
        from rosa_cli.i18n import _

        rows = [(name, _(COMMANDS[name][2])) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)

    def main(self, args=None, *rest, **kwargs):
        """Every run starts by choosing its language (docs/messages.md) and making click
        speak it; the choice is reset afterwards, because tests run many commands in one
        process."""
        import sys

        from rosa_cli import i18n
        from rosa_cli.cli.common import choose_language

        arguments = list(sys.argv[1:] if args is None else args)
        i18n.install_click()
        i18n.set_language(choose_language(arguments))
        try:
            return super().main(arguments, *rest, **kwargs)
        finally:
            i18n.set_language(None)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    help=N_(
        "rosa — case records and yearly statistics for work against human trafficking.\n\n"
        "Records are plain YAML files in a git repository: one file per woman, stay and call. "
        "Every change is one commit; `rosa report` prints the year's tables."
    ),
)
@click.version_option(__version__, "--version", prog_name="rosa", message="%(prog)s %(version)s")
@records_option
def main() -> None:
    """The root group; its help is the ``help=`` above, translated when shown.

    Records are plain YAML files in a git repository: one file per woman, stay and
    call. Every change is one commit; `rosa report` prints the year's tables.
    """
