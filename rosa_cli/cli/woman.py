"""``rosa woman …``: one pseudonymous case file per woman. There is no name field."""

from __future__ import annotations

import click

from rosa_cli.cli.advice import reason as reason_text
from rosa_cli.cli.advice import show_outcome, with_advice
from rosa_cli.cli.common import Failure, core_errors, get_folder, is_terminal, records_option
from rosa_cli.core.messages import N_

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


@click.group(help=N_("Women's case records (women/W-….yaml), known only by their codes."))
@records_option
def woman() -> None:
    """Women's case records (women/W-….yaml), known only by their codes."""


@woman.command("add", help=N_("Add a woman's record; prints her new id."))
@click.option("--nationality", help=N_("Country code in any case (ng, AL …), or its name in Norwegian or English (norge, Nigeria), unknown or stateless. Required."))
@click.option("--born", help=N_("Birth year (preferred) or date."))
@click.option("--born-estimated", is_flag=True, default=None, help=N_("The age is an estimate (no papers)."))
@click.option("--first-contact", help=N_("First contact with the project (default today)."))
@click.option("--referred-by", help=N_("Who referred her: police, shelter, public-agency, immigration, ngo, self, private-person, other."))
@click.option("--referrer", help=N_("The referring agency, e.g. 'Oslo politidistrikt' (never a person)."))
@click.option("--residence", help=N_("Residence status from first contact: irregular, asylum-seeker, reflection-period, eu-eea, …"))
@click.option("--interpreter", help=N_("Language she needs an interpreter for (en, ro, ru …)."))
@click.option("--exploitation", help=N_("prostitution, labour, other."))
@click.option("--note", help=N_("Free text: no names, phone numbers or addresses."))
@click.option("--id", "given_id", help=N_("Keep an existing code (W-…) instead of making one."))
@click.option("--prompt/--no-prompt", "prompt", default=None, help=N_("Ask for missing fields (default: when on a terminal)."))
@records_option
@core_errors({"given_id": "--id"})
@with_advice
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
        status = Field("residence", "vocab", vocab="residence", question=N_("Residence status at first contact"))
        try:
            raw["residence"] = residence
            raw = ask_missing("woman", raw, WOMAN_PLAN, folder.context(), specs={"residence": status})
            residence = raw.pop("residence", None)
        except (click.Abort, EOFError, KeyboardInterrupt):
            from rosa_cli.cli.prompts import cancelled

            cancelled()
    if residence:
        from rosa_cli.core.validate import FieldError, vocab_answer

        try:  # the flag takes the label too (refleksjonsperiode), like every vocabulary answer
            residence = vocab_answer(folder.settings, "residence", residence)
        except FieldError as exc:
            raise Failure(f"--residence: {reason_text(exc)}") from None
    show_outcome(add_woman(folder, raw, residence=residence, given_id=given_id))


def _resolve_woman(folder, text: str, argument: str = "ID") -> str:
    """Her id from what was typed: the id in any case, its start, or your alias (core/naming)."""
    from rosa_cli.core.naming import resolve_id

    return resolve_id(folder, text, ("woman",), argument, notice=_notice)


def _notice(message: str) -> None:
    from rosa_cli.cli.advice import notice

    notice(message)


@woman.command("show", help=N_(
    "Her whole case on one screen: record, residence history, stays, every call or "
    "visit about her, a declined offer, and the last changes from git.\n\n"
    "ID may be her id in any letter case, a unique start of it (W-2026-CR, or CR), or "
    "your private alias for her."
))
@click.argument("woman_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help=N_("json: the same case as data (without your alias)."))
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
    from rosa_cli.cli.render import cell, field_text, label_cell
    from rosa_cli.core.schema import WOMAN_FIELDS
    from rosa_cli.i18n import _, current_language, render

    settings = folder.settings
    lang = current_language()
    w = case.woman
    click.echo(f"{w.id}" + (("    " + _("alias (private, not in the records): {alias}").format(alias=alias)) if alias else ""))
    skip = {"id", "residence", "declined_on", "declined_reason"}
    for spec in WOMAN_FIELDS:
        value = getattr(w, spec.name)
        if spec.name in skip or value in (None, [], False):
            continue
        click.echo(f"  {spec.name + ':':17} {field_text(spec, value, settings)}")
    current = case.open_stay
    if current is not None:
        since = _("{shelter} since {start} ({nights} nights so far)").format(shelter=current.shelter, start=current.start, nights=case.nights(current))
        label = _("in shelter:")
        click.echo(f"  {label:17} {since}")
    if w.declined_on or w.declined_reason:
        reason = f"{w.declined_reason} ({settings.label('declined', w.declined_reason, lang)})" if w.declined_reason else _("reason not given")
        label, day = _("declined offer:"), cell(w.declined_on) or _("date not given")
        click.echo(f"  {label:17} {day}: {reason}")

    click.echo("\n" + _("Residence status"))
    if w.residence:
        for entry in sorted(w.residence, key=lambda e: e.start):
            shown = _("from {start}  {status} ({label})").format(start=entry.start, status=entry.status, label=settings.label("residence", entry.status, lang))
            click.echo(f"  {shown}")
    else:
        click.echo("  " + _("(none recorded)"))

    click.echo("\n" + _("Stays ({n})").format(n=len(case.stays)))
    if case.stays:
        _table(
            [_(h) for h in CASE_STAY_HEADERS],
            [[s.id, s.shelter, s.start, s.end or _("(open)"), case.nights(s), label_cell(settings, "end_reason", s.end_reason), s.children or ""] for s in case.stays],
        )
    click.echo("\n" + _("Calls and visits about her ({n})").format(n=len(case.calls)))
    if case.calls:
        _table(
            [_(h) for h in CASE_CALL_HEADERS],
            [[c.id, c.at, label_cell(settings, "channel", c.channel), label_cell(settings, "caller", c.caller), label_cell(settings, "subject", c.subject),
              c.received_by, c.note] for c in case.calls],
        )
    if case.services:
        click.echo("\n" + _("Services ({n})").format(n=len(case.services)))
        from rosa_cli.core.case import plain_record

        _table([_("service"), _("details")], [
            [s.id, ", ".join(f"{k}={cell(v)}" for k, v in plain_record(s).items() if k not in ("id", "woman") and v)] for s in case.services
        ])
    click.echo("\n" + _("Last changes (git; rosa log for all)"))
    if case.history:
        _table([_("date"), _("who"), _("change")], [[e.date, e.author, e.message] for e in case.history])
    else:
        note = render(case.history_note) if case.history_note else _("none")
        click.echo(f"  ({note})")
    for warning in case.warnings:
        click.echo(_("warning") + ": " + _case_warning(warning), err=True)


CASE_STAY_HEADERS = (N_("stay"), N_("shelter"), N_("start"), N_("end"), N_("nights"), N_("end reason"), N_("children"))
CASE_CALL_HEADERS = (N_("call"), N_("at"), N_("channel"), N_("caller"), N_("subject"), N_("received by"), N_("note"))


def _case_warning(warning) -> str:
    """A warning from :func:`rosa_cli.core.case.gather_case`, with the CLI's advice by code."""
    from rosa_cli.cli.common import problem_line
    from rosa_cli.core.model import Problem
    from rosa_cli.i18n import _, render

    if isinstance(warning, Problem):
        return problem_line(warning)
    if getattr(warning, "code", None) == "case.files_left_out":
        return render(warning) + "; " + _("run rosa check")
    return render(warning)


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
        from rosa_cli.i18n import _

        click.echo(_("warning") + ": " + alias_problem(exc), err=True)
        return None


@woman.command("find", help=N_(
    "Find women: TEXT is part of your alias for her or the start of her id; the "
    "options narrow by nationality, birth year (±1), current shelter and first contact."
))
@click.argument("text", required=False)
@click.option("--nationality", help=N_("Only women of this nationality (country code)."))
@click.option("--born", "born", help=N_("Born this year, give or take one (ages are often estimates)."))
@click.option("--shelter", help=N_("Only women staying at this shelter now."))
@click.option("--in-shelter", is_flag=True, help=N_("Only women with an open stay."))
@click.option("--from", "first_from", help=N_("First contact on or after this date."))
@click.option("--to", "first_to", help=N_("First contact on or before this date."))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True, help=N_("json and csv leave your aliases out."))
@records_option
@core_errors({"text": "TEXT"})
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
    from rosa_cli.i18n import _, render

    for warning in warnings:
        click.echo(_("warning") + ": " + render(warning), err=True)
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
    from rosa_cli.i18n import _

    with_alias = any(item.alias for item in rows)
    headers = [_("id")] + ([_("alias (private)")] if with_alias else []) + [_(h) for h in FOUND_HEADERS]
    table = []
    for item in rows:
        w = item.woman
        born = f"~{w.birth_year}" if w.birth_year and w.born_estimated else w.birth_year
        table.append([w.id] + ([item.alias or ""] if with_alias else []) + [
            w.nationality, born, w.first_contact, w.referred_by, item.shelter, item.since, item.nights, w.declined_on])
    print_table(headers, table)
    if rows:
        click.echo(_("{n} found").format(n=len(rows)), err=True)


FOUND_HEADERS = (N_("nationality"), N_("born"), N_("first contact"), N_("referred by"), N_("shelter now"), N_("since"), N_("nights"), N_("declined"))


@woman.command("list", help=N_("List women, by first contact."))
@click.option("--in-shelter", is_flag=True, help=N_("Only women with an open stay."))
@click.option("--nationality", help=N_("Only women of this nationality (country code)."))
@records_option
@core_errors()
def woman_list(in_shelter: bool, nationality: str | None) -> None:
    """List women, by first contact."""
    from rosa_cli.cli.render import label_cell, nationality_cell, print_table
    from rosa_cli.core.countries import normalise_nationality
    from rosa_cli.core.folder import load_records
    from rosa_cli.i18n import _, render

    if nationality:
        code, message = normalise_nationality(nationality)
        if code is None:
            raise Failure(f"--nationality: {render(message)}")
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
        rows.append([w.id, w.first_contact, nationality_cell(w.nationality), w.birth_year, label_cell(records.settings, "referrer", w.referred_by),
                     open_at.get(w.id, ""), w.declined_on])
    print_table([_(h) for h in LIST_HEADERS], rows)
    if records.skipped:
        click.echo(_("warning") + ": " + _("{n} invalid record file(s) left out; run rosa check").format(n=records.skipped), err=True)


LIST_HEADERS = (N_("id"), N_("first contact"), N_("nationality"), N_("born"), N_("referred by"), N_("in shelter"), N_("declined"))


@woman.command("status", help=N_("Record a change of residence status (e.g. reflection-period) from a date."))
@click.argument("woman_id", metavar="ID")
@click.argument("status", metavar="STATUS")
@click.option("--from", "start", required=True, help=N_("Date the status applies from."))
@records_option
@core_errors({"woman": "ID", "status": "STATUS"})
@with_advice
def woman_status(woman_id: str, status: str, start: str) -> None:
    """Record a change of residence status (e.g. reflection-period) from a date."""
    from rosa_cli.core.operations import woman_status as change_status

    folder = get_folder(changing=True)
    woman_id = _resolve_woman(folder, woman_id)
    show_outcome(change_status(folder, woman_id, status, start), quiet_ids=True)


@woman.command("decline", help=N_("Record that she declined the offer of a safe place (a second time: --replace)."))
@click.argument("woman_id", metavar="ID")
@click.option("--reason", help=N_("fear-for-family, economy-debt, distrust, not-ready, other, unknown — or the label (asked for on a terminal)."))
@click.option("--on", help=N_("Date she declined: i dag, i går, 14.3, 2026-03-14 (default today)."))
@click.option("--replace", is_flag=True, help=N_("She declined before: record this decline instead of the earlier one."))
@click.option("--prompt/--no-prompt", "prompt", default=None, help=N_("Ask for a missing reason (default: when on a terminal)."))
@records_option
@core_errors({"woman": "ID", "ID": "ID"})
@with_advice
def woman_decline(woman_id: str, reason: str | None, on: str | None, replace: bool, prompt) -> None:
    """Record that she declined the offer of a safe place (a second time: --replace)."""
    from rosa_cli.cli.prompts import ask_or_fail
    from rosa_cli.core.operations import woman_decline as decline

    folder = get_folder(changing=True)
    woman_id = _resolve_woman(folder, woman_id)
    reason = ask_or_fail(folder, "woman", "declined_reason", reason, "--reason", prompt)
    show_outcome(decline(folder, woman_id, reason, on, replace=replace), quiet_ids=True)


@woman.command("edit", help=N_("Edit her record in $VISUAL or $EDITOR; an invalid save reopens with the errors."))
@click.argument("woman_id", metavar="ID")
@records_option
@core_errors({"woman": "ID"})
def woman_edit(woman_id: str) -> None:
    """Edit her record in $VISUAL or $EDITOR; an invalid save reopens with the errors."""
    from rosa_cli.cli.editing import edit_record

    folder = get_folder()
    woman_id = _resolve_woman(folder, woman_id)
    edit_record(folder, "woman", woman_id, "woman edit")


@woman.command("alias", help=N_(
    "Keep a private alias for ID on this machine only (never in the records or git).\n\n"
    "The alias file lives in your user data folder (or $ROSA_ALIASES), readable by "
    "you alone; rosa woman show displays it. Nothing else reads it."
))
@click.argument("woman_id", metavar="ID")
@click.argument("alias", required=False)
@click.option("--clear", is_flag=True, help=N_("Forget the alias for ID."))
@records_option
@core_errors({"woman": "ID"})
def woman_alias(woman_id: str, alias: str | None, clear: bool) -> None:
    """Keep a private alias for ID on this machine only (never in the records or git).

    The alias file lives in your user data folder (or $ROSA_ALIASES), readable by
    you alone; `rosa woman show` displays it. Nothing else reads it.
    """
    from rosa_cli.core.aliases import AliasError, set_alias
    from rosa_cli.core.operations import load_existing
    from rosa_cli.i18n import _

    folder = get_folder()
    woman_id = _resolve_woman(folder, woman_id)
    load_existing(folder, "woman", woman_id)
    if not clear and not alias:
        raise Failure(_("give an ALIAS, or --clear to forget it"))
    try:
        path = set_alias(folder.root, woman_id, None if clear else alias)
    except AliasError as exc:
        raise Failure(alias_problem(exc)) from None
    if clear:
        done = _("Forgot the alias for {id} in {path} (private; not committed).")
    else:
        done = _("Saved the alias for {id} in {path} (private; not committed).")
    click.echo(done.format(id=woman_id, path=path), err=True)


def alias_problem(exc: Exception) -> str:
    """What is wrong with the alias file, in the user's language, with what to do."""
    from rosa_cli.cli.advice import advised_text
    from rosa_cli.core.messages import Message

    message = exc.args[0] if exc.args else str(exc)
    return advised_text(message) if isinstance(message, Message) else str(message)
