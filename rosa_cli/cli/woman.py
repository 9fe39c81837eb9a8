"""``rosa woman …``: one pseudonymous case file per woman. There is no name field."""

from __future__ import annotations

import sys

import click

from rosa_cli.cli.common import EXIT_USAGE, Failure, core_errors, get_folder, is_terminal, records_option, report_outcome

WOMAN_PLAN = (
    ("first_contact", "today", True),
    ("nationality", "unknown", True),
    ("born", None, False),
    ("referred_by", None, False),
    ("interpreter", None, False),
)


@click.group()
@records_option
def woman() -> None:
    """Women's case records (women/W-….yaml), known only by their codes."""


@woman.command("add")
@click.option("--nationality", help="ISO country code (NG, AL …), unknown or stateless. Required.")
@click.option("--born", help="Birth year (preferred) or date.")
@click.option("--born-estimated", is_flag=True, default=None, help="The age is an estimate (no papers).")
@click.option("--first-contact", help="First contact with the project (default today).")
@click.option("--referred-by", help="Who referred her: police, shelter, public-agency, immigration, ngo, self, private-person, other.")
@click.option("--referrer", help="The referring agency, e.g. 'Oslo politidistrikt' (never a person).")
@click.option("--residence", help="Residence status from first contact: irregular, asylum-seeker, reflection-period, eu-eea, …")
@click.option("--interpreter", help="Language she needs an interpreter for (en, ro, ru …).")
@click.option("--exploitation", help="prostitution, labour, other.")
@click.option("--note", help="Free text: no names, phone numbers or addresses.")
@click.option("--id", "given_id", help="Keep an existing code (W-…) instead of making one.")
@click.option("--prompt/--no-prompt", "prompt", default=None, help="Ask for missing fields (default: when on a terminal).")
@records_option
@core_errors({"given_id": "--id"})
def woman_add(residence, given_id, prompt, **raw) -> None:
    """Add a woman's record; prints her new id."""
    from rosa_cli.core.operations import add_woman

    folder = get_folder(changing=True)
    if prompt is None:
        prompt = is_terminal() and not raw.get("nationality")
    if prompt:
        from rosa_cli.cli.prompts import ask_missing

        try:
            raw = ask_missing("woman", raw, WOMAN_PLAN, folder.context())
        except (click.Abort, EOFError, KeyboardInterrupt):
            click.echo("\nCancelled; nothing was written.", err=True)
            sys.exit(EXIT_USAGE)
    report_outcome(add_woman(folder, raw, residence=residence, given_id=given_id))


@woman.command("show")
@click.argument("woman_id", metavar="ID")
@records_option
@core_errors({"woman": "ID"})
def woman_show(woman_id: str) -> None:
    """Show one woman's record, her stays, and your private alias for her if you keep one."""
    from rosa_cli.core.ids import require_id

    require_id(("woman",), woman_id, "ID")
    from rosa_cli.cli.render import cell, print_table
    from rosa_cli.core.countries import country_name
    from rosa_cli.core.errors import Refused
    from rosa_cli.core.operations import load_existing, stays_of
    from rosa_cli.core.schema import WOMAN_FIELDS

    folder = get_folder()
    record, _path = load_existing(folder, "woman", woman_id)
    settings = folder.settings
    lang = settings.language
    alias = _alias_for(folder, woman_id)
    if alias:
        click.echo(f"alias (private, not in the records): {alias}")
    for spec in WOMAN_FIELDS:
        value = getattr(record, spec.name)
        if value in (None, [], False):
            continue
        if spec.name == "residence":
            text = "; ".join(f"{e.start} {settings.label('residence', e.status, lang)}" for e in value)
        elif spec.type == "vocab":
            text = f"{value} ({settings.label(spec.vocab, value, lang)})"
        elif spec.type == "country":
            text = f"{value} ({country_name(value, lang)})"
        else:
            text = cell(value)
        click.echo(f"{spec.name + ':':17} {text}")
    try:
        stays = [s for s, _ in stays_of(folder, woman_id)]
    except Refused as exc:  # a broken stay file of hers: show what can be shown
        stays = []
        for issue in exc.issues:
            click.echo(f"warning: {issue}", err=True)
    if stays:
        click.echo("")
        print_table(
            ["stay", "shelter", "start", "end", "end reason", "children"],
            [[s.id, s.shelter, s.start, s.end, s.end_reason, s.children or ""] for s in stays],
        )


def _alias_for(folder, woman_id: str):
    from rosa_cli.core.aliases import AliasError, alias_for

    try:
        return alias_for(folder.root, woman_id)
    except AliasError as exc:  # an unsafe alias file must not hide the record
        click.echo(f"warning: {exc}", err=True)
        return None


@woman.command("list")
@click.option("--in-shelter", is_flag=True, help="Only women with an open stay.")
@click.option("--nationality", help="Only women of this nationality (country code).")
@records_option
@core_errors()
def woman_list(in_shelter: bool, nationality: str | None) -> None:
    """List women, by first contact."""
    from rosa_cli.cli.render import print_table
    from rosa_cli.core.countries import normalise_nationality
    from rosa_cli.core.folder import load_records

    if nationality:
        code, message = normalise_nationality(nationality)
        if code is None:
            raise Failure(f"--nationality: {message}")
        nationality = code
    folder = get_folder()
    records = load_records(folder, kinds=("woman", "stay"))
    open_at = {s.woman: s.shelter for s in records.stays.values() if s.is_open}
    rows = []
    for w in sorted(records.women.values(), key=lambda w: (w.first_contact, w.id)):
        if in_shelter and w.id not in open_at:
            continue
        if nationality and w.nationality != nationality:
            continue
        rows.append([w.id, w.first_contact, w.nationality, w.birth_year, w.referred_by, open_at.get(w.id, ""), w.declined_on])
    print_table(["id", "first contact", "nationality", "born", "referred by", "in shelter", "declined"], rows)
    if records.skipped:
        click.echo(f"warning: {records.skipped} invalid record file(s) left out; run rosa check", err=True)


@woman.command("status")
@click.argument("woman_id", metavar="ID")
@click.argument("status", metavar="STATUS")
@click.option("--from", "start", required=True, help="Date the status applies from.")
@records_option
@core_errors({"woman": "ID"})
def woman_status(woman_id: str, status: str, start: str) -> None:
    """Record a change of residence status (e.g. reflection-period) from a date."""
    from rosa_cli.core.ids import require_id

    require_id(("woman",), woman_id, "ID")
    from rosa_cli.core.operations import woman_status as change_status

    report_outcome(change_status(get_folder(changing=True), woman_id, status, start), quiet_ids=True)


@woman.command("decline")
@click.argument("woman_id", metavar="ID")
@click.option("--reason", required=True, help="fear-for-family, economy-debt, distrust, not-ready, other, unknown.")
@click.option("--on", help="Date she declined (default today).")
@click.option("--replace", is_flag=True, help="She declined before: record this decline instead of the earlier one.")
@records_option
@core_errors({"woman": "ID"})
def woman_decline(woman_id: str, reason: str, on: str | None, replace: bool) -> None:
    """Record that she declined the offer of a safe place (a second time: --replace)."""
    from rosa_cli.core.ids import require_id

    require_id(("woman",), woman_id, "ID")
    from rosa_cli.core.operations import woman_decline as decline

    report_outcome(decline(get_folder(changing=True), woman_id, reason, on, replace=replace), quiet_ids=True)


@woman.command("edit")
@click.argument("woman_id", metavar="ID")
@records_option
@core_errors({"woman": "ID"})
def woman_edit(woman_id: str) -> None:
    """Edit her record in $VISUAL or $EDITOR; an invalid save reopens with the errors."""
    from rosa_cli.core.ids import require_id

    require_id(("woman",), woman_id, "ID")
    from rosa_cli.cli.editing import edit_record

    edit_record(get_folder(), "woman", woman_id, "woman edit")


@woman.command("alias")
@click.argument("woman_id", metavar="ID")
@click.argument("alias", required=False)
@click.option("--clear", is_flag=True, help="Forget the alias for ID.")
@records_option
@core_errors({"woman": "ID"})
def woman_alias(woman_id: str, alias: str | None, clear: bool) -> None:
    """Keep a private alias for ID on this machine only (never in the records or git).

    The alias file lives in your user data folder (or $ROSA_ALIASES), readable by
    you alone; `rosa woman show` displays it. Nothing else reads it.
    """
    from rosa_cli.core.ids import require_id

    require_id(("woman",), woman_id, "ID")
    from rosa_cli.core.aliases import AliasError, set_alias
    from rosa_cli.core.operations import load_existing

    folder = get_folder()
    load_existing(folder, "woman", woman_id)
    if not clear and not alias:
        raise Failure("give an ALIAS, or --clear to forget it")
    try:
        path = set_alias(folder.root, woman_id, None if clear else alias)
    except AliasError as exc:
        raise Failure(str(exc)) from None
    click.echo(f"{'Forgot' if clear else 'Saved'} the alias for {woman_id} in {path} (private; not committed).", err=True)
