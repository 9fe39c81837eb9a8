"""``rosa woman …``: one pseudonymous case file per woman. There is no name field."""

from __future__ import annotations

import sys

import click

from rosa_cli.cli.common import EXIT_USAGE, Failure, core_errors, get_folder, is_terminal, records_option, report_outcome

# Every field the report counts, in the order a coordinator learns them; each
# but the first two can be skipped with Enter ("Ukjent" in the report then).
WOMAN_PLAN = (
    ("first_contact", "today", True),
    ("nationality", "unknown", True),
    ("born", None, False),
    ("referred_by", None, False),
    ("referrer", None, False),
    ("residence", None, False),
    ("interpreter", None, False),
    ("exploitation", None, False),
)


@click.group()
@records_option
def woman() -> None:
    """Women's case records (women/W-….yaml), known only by their codes."""


@woman.command("add")
@click.option("--nationality", help="Country code in any case (ng, AL …), or its name in Norwegian or English (norge, Nigeria), unknown or stateless. Required.")
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
        from rosa_cli.core.schema import Field

        # residence is a dated list in the record; at intake it is one status, from first contact
        status = Field("residence", "vocab", vocab="residence", question="Residence status at first contact")
        try:
            raw["residence"] = residence
            raw = ask_missing("woman", raw, WOMAN_PLAN, folder.context(), specs={"residence": status})
            residence = raw.pop("residence", None)
        except (click.Abort, EOFError, KeyboardInterrupt):
            click.echo("\nCancelled; nothing was written.", err=True)
            sys.exit(EXIT_USAGE)
    if residence:
        from rosa_cli.core.validate import FieldError, vocab_answer

        try:  # the flag takes the label too (refleksjonsperiode), like every vocabulary answer
            residence = vocab_answer(folder.settings, "residence", residence)
        except FieldError as exc:
            raise Failure(f"--residence: {exc}") from None
    report_outcome(add_woman(folder, raw, residence=residence, given_id=given_id))


def _resolve_woman(folder, text: str, argument: str = "ID") -> str:
    """Her id from what was typed: the id in any case, its start, or your alias (core/naming)."""
    from rosa_cli.core.naming import resolve_id

    return resolve_id(folder, text, ("woman",), argument, notice=_notice)


def _notice(message: str) -> None:
    click.echo(message, err=True)


@woman.command("show")
@click.argument("woman_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help="json: the same case as data (without your alias).")
@records_option
@core_errors({"woman": "ID"})
def woman_show(woman_id: str, fmt: str) -> None:
    """Her whole case on one screen: record, residence history, stays, every call or
    visit about her, a declined offer, and the last changes from git.

    ID may be her id in any letter case, a unique start of it (W-2026-CR, or CR), or
    your private alias for her.
    """
    from rosa_cli.core.case import gather_case

    folder = get_folder()
    woman_id = _resolve_woman(folder, woman_id)
    case = gather_case(folder, woman_id)
    if fmt == "json":
        import json

        click.echo(json.dumps(case.as_json(), ensure_ascii=False, indent=2))
        return
    _print_case(folder, case, _alias_for(folder, woman_id))


def _print_case(folder, case, alias) -> None:
    """Her case as sections a coordinator reads top to bottom; empty sections say so."""
    from rosa_cli.cli.render import cell, field_text
    from rosa_cli.core.schema import WOMAN_FIELDS

    settings = folder.settings
    lang = settings.language
    w = case.woman
    click.echo(f"{w.id}" + (f"    alias (private, not in the records): {alias}" if alias else ""))
    skip = {"id", "residence", "declined_on", "declined_reason"}
    for spec in WOMAN_FIELDS:
        value = getattr(w, spec.name)
        if spec.name in skip or value in (None, [], False):
            continue
        click.echo(f"  {spec.name + ':':17} {field_text(spec, value, settings)}")
    current = case.open_stay
    if current is not None:
        click.echo(f"  {'in shelter:':17} {current.shelter} since {current.start} ({case.nights(current)} nights so far)")
    if w.declined_on or w.declined_reason:
        reason = f"{w.declined_reason} ({settings.label('declined', w.declined_reason, lang)})" if w.declined_reason else "reason not given"
        click.echo(f"  {'declined offer:':17} {cell(w.declined_on) or 'date not given'}: {reason}")

    click.echo("\nResidence status")
    if w.residence:
        for entry in sorted(w.residence, key=lambda e: e.start):
            click.echo(f"  from {entry.start}  {entry.status} ({settings.label('residence', entry.status, lang)})")
    else:
        click.echo("  (none recorded)")

    click.echo(f"\nStays ({len(case.stays)})")
    if case.stays:
        _table(
            ["stay", "shelter", "start", "end", "nights", "end reason", "children"],
            [[s.id, s.shelter, s.start, s.end or "(open)", case.nights(s), s.end_reason, s.children or ""] for s in case.stays],
        )
    click.echo(f"\nCalls and visits about her ({len(case.calls)})")
    if case.calls:
        _table(
            ["call", "at", "channel", "caller", "subject", "received by", "note"],
            [[c.id, c.at, c.channel, c.caller, c.subject, c.received_by, c.note] for c in case.calls],
        )
    if case.services:
        click.echo(f"\nServices ({len(case.services)})")
        from rosa_cli.core.case import plain_record

        _table(["service", "details"], [
            [s.id, ", ".join(f"{k}={cell(v)}" for k, v in plain_record(s).items() if k not in ("id", "woman") and v)] for s in case.services
        ])
    click.echo("\nLast changes (git; rosa log for all)")
    if case.history:
        _table(["date", "who", "change"], [[e.date, e.author, e.message] for e in case.history])
    else:
        click.echo(f"  ({case.history_note or 'none'})")
    for warning in case.warnings:
        click.echo(f"warning: {warning}", err=True)


def _table(headers, rows) -> None:
    """An indented table under a section heading (print_table says "(none)" on stderr)."""
    from tabulate import tabulate

    from rosa_cli.cli.render import cell

    text = tabulate([[cell(v) for v in row] for row in rows], headers=list(headers), tablefmt="simple")
    click.echo("\n".join("  " + line for line in text.splitlines()))


def _alias_for(folder, woman_id: str):
    from rosa_cli.core.aliases import AliasError, alias_for

    try:
        return alias_for(folder.root, woman_id)
    except AliasError as exc:  # an unsafe alias file must not hide the record
        click.echo(f"warning: {exc}", err=True)
        return None


@woman.command("find")
@click.argument("text", required=False)
@click.option("--nationality", help="Only women of this nationality (country code).")
@click.option("--born", "born", help="Born this year, give or take one (ages are often estimates).")
@click.option("--shelter", help="Only women staying at this shelter now.")
@click.option("--in-shelter", is_flag=True, help="Only women with an open stay.")
@click.option("--from", "first_from", help="First contact on or after this date.")
@click.option("--to", "first_to", help="First contact on or before this date.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True, help="json and csv leave your aliases out.")
@records_option
@core_errors()
def woman_find(text, nationality, born, shelter, in_shelter, first_from, first_to, fmt) -> None:
    """Find women: TEXT is part of your alias for her or the start of her id; the
    options narrow by nationality, birth year (±1), current shelter and first contact."""
    from rosa_cli.core.case import find_women

    folder = get_folder()
    warnings: list = []
    rows = find_women(
        folder, text=text, nationality=nationality, born=born, shelter=shelter,
        in_shelter=in_shelter, first_from=first_from, first_to=first_to, with_aliases=(fmt == "table"),
        warnings=warnings,
    )
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if fmt == "json":
        import json

        from rosa_cli.core.case import found_row

        click.echo(json.dumps([found_row(r) for r in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(_found_csv(rows), nl=False)
    else:
        _print_found(rows)


def _found_csv(rows) -> str:
    """CSV for a spreadsheet: every cell through spreadsheet_safe, so none is a formula."""
    import csv
    import io

    from rosa_cli.core.case import FOUND_COLUMNS, found_row
    from rosa_cli.core.outputsafety import spreadsheet_safe

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FOUND_COLUMNS)
    for item in rows:
        data = found_row(item)
        writer.writerow([spreadsheet_safe("" if data[c] is None else data[c]) for c in FOUND_COLUMNS])
    return out.getvalue()


def _print_found(rows) -> None:
    from rosa_cli.cli.render import print_table

    with_alias = any(item.alias for item in rows)
    headers = ["id"] + (["alias (private)"] if with_alias else []) + [
        "nationality", "born", "first contact", "referred by", "shelter now", "since", "nights", "declined"]
    table = []
    for item in rows:
        w = item.woman
        born = f"~{w.birth_year}" if w.birth_year and w.born_estimated else w.birth_year
        table.append([w.id] + ([item.alias or ""] if with_alias else []) + [
            w.nationality, born, w.first_contact, w.referred_by, item.shelter, item.since, item.nights, w.declined_on])
    print_table(headers, table)
    if rows:
        click.echo(f"{len(rows)} found", err=True)


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
    from rosa_cli.core.operations import woman_status as change_status

    folder = get_folder(changing=True)
    woman_id = _resolve_woman(folder, woman_id)
    report_outcome(change_status(folder, woman_id, status, start), quiet_ids=True)


@woman.command("decline")
@click.argument("woman_id", metavar="ID")
@click.option("--reason", help="fear-for-family, economy-debt, distrust, not-ready, other, unknown — or the label (asked for on a terminal).")
@click.option("--on", help="Date she declined: i dag, i går, 14.3, 2026-03-14 (default today).")
@click.option("--replace", is_flag=True, help="She declined before: record this decline instead of the earlier one.")
@click.option("--prompt/--no-prompt", "prompt", default=None, help="Ask for a missing reason (default: when on a terminal).")
@records_option
@core_errors({"woman": "ID"})
def woman_decline(woman_id: str, reason: str | None, on: str | None, replace: bool, prompt) -> None:
    """Record that she declined the offer of a safe place (a second time: --replace)."""
    from rosa_cli.cli.prompts import ask_or_fail
    from rosa_cli.core.operations import woman_decline as decline

    folder = get_folder(changing=True)
    woman_id = _resolve_woman(folder, woman_id)
    reason = ask_or_fail(folder, "woman", "declined_reason", reason, "--reason", prompt)
    report_outcome(decline(folder, woman_id, reason, on, replace=replace), quiet_ids=True)


@woman.command("edit")
@click.argument("woman_id", metavar="ID")
@records_option
@core_errors({"woman": "ID"})
def woman_edit(woman_id: str) -> None:
    """Edit her record in $VISUAL or $EDITOR; an invalid save reopens with the errors."""
    from rosa_cli.cli.editing import edit_record

    folder = get_folder()
    woman_id = _resolve_woman(folder, woman_id)
    edit_record(folder, "woman", woman_id, "woman edit")


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
    from rosa_cli.core.aliases import AliasError, set_alias
    from rosa_cli.core.operations import load_existing

    folder = get_folder()
    woman_id = _resolve_woman(folder, woman_id)
    load_existing(folder, "woman", woman_id)
    if not clear and not alias:
        raise Failure("give an ALIAS, or --clear to forget it")
    try:
        path = set_alias(folder.root, woman_id, None if clear else alias)
    except AliasError as exc:
        raise Failure(str(exc)) from None
    click.echo(f"{'Forgot' if clear else 'Saved'} the alias for {woman_id} in {path} (private; not committed).", err=True)
