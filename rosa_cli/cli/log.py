"""``rosa log [ID]``: the audit trail, read from git history."""

from __future__ import annotations

import click

from rosa_cli.cli.common import Failure, core_errors, get_folder, records_option, resolve_arg
from rosa_cli.i18n import N_, _, render

LOG_HEADERS = (N_("date"), N_("author"), N_("commit"), N_("change"))


@click.command(help=N_(
    "Show who changed what and when: the whole folder, or one record (W-, S-, C- id or shelter key). For a woman, "
    "commits that name her (a stay opened for her, say) are shown too, and so are the commits of the calls and stays "
    "about her; so is the commit that deleted a record (rosa void, with its reason)."
))
@click.argument("record_id", metavar="[ID]", required=False)
@records_option
@core_errors()
def log(record_id: str | None) -> None:
    """The audit trail is git's history, read rather than kept twice. A shallow copy
    of the history is warned about, because its oldest commit would look like the
    start of every record."""
    from rosa_cli.cli.render import print_table
    from rosa_cli.core.audit import record_history, shallow_warning, void_reasons

    folder = get_folder()
    record_id = _named_record(folder, record_id)
    try:
        entries = record_history(folder, record_id)
    except LookupError as exc:
        raise Failure(f"ID: {render(exc.args[0] if exc.args else exc)}") from None
    warning = shallow_warning(folder)
    if warning:
        click.echo(_("warning: {problem}").format(problem=render(warning)), err=True)
    reasons = void_reasons(folder, entries)
    reason = _(" - reason: {reason}")
    rows = [[e.date, e.author, e.commit, e.message + (reason.format(reason=reasons[e.commit]) if e.commit in reasons else "")] for e in entries]
    print_table([_(h) for h in LOG_HEADERS], rows)


def _named_record(folder, text):
    """The record ``text`` names, by the usual resolver (core/naming.py); a whole id
    whose file is gone (voided, deleted) is taken as it is, in any letter case, since
    its history is exactly what ``rosa log`` is asked for. Shelter keys pass through."""
    from rosa_cli.core import ids
    from rosa_cli.core.errors import Refused

    if not text or ids.shelter_key_problem(text) is None and text in folder.shelters:
        return text
    try:
        return resolve_arg(folder, text, ("woman", "stay", "call"), "ID")
    except Refused:
        whole = text.strip().upper()
        if ids.ID_GRAMMAR.match(whole):
            return whole
        raise
