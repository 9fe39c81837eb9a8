"""``rosa call add|list|show|edit``: the phone line's log, one file per call or office visit."""

from __future__ import annotations

import sys
from typing import Optional

import click

from rosa_cli.cli.common import (
    EXIT_USAGE,
    Failure,
    core_errors,
    get_folder,
    is_terminal,
    records_option,
    report_outcome,
    resolve_arg,
)
from rosa_cli.i18n import N_, _, render

CALL_PLAN = (
    ("at", "now", True),
    ("channel", "phone", True),
    ("caller", None, True),
    ("subject", None, True),
    ("woman", None, False),
    ("nationality", None, False),
    ("received_by", None, False),
    ("note", None, False),
)


@click.group(help=N_("Calls and office visits (henvendelser)."))
@records_option
@click.pass_context
def call(ctx: click.Context) -> None:
    """Calls and office visits (henvendelser).

    Before ``call add`` is parsed, git starts reading the folder's status (see
    :func:`_early_status`)."""
    # add's own options are not parsed yet (click keeps them from the group): a help
    # request on the command line needs no git
    if ctx.invoked_subcommand == "add" and not ctx.resilient_parsing and not {"--help", "-h"} & set(sys.argv[1:]):
        ctx.ensure_object(dict)[_EARLY] = _early_status(ctx)


_EARLY = "call add: early git status"


def _early_status(ctx: click.Context):
    """``(folder, waiting status)`` for the records folder the command will most likely
    use, or None: its ``git status``, the slow part of ``call add`` in a large folder
    (docs/history.md), started before the modules that validate and write are loaded.

    The folder is guessed as ``get_folder`` finds it (``--records`` given so far,
    ``$ROSA_RECORDS``, the nearest folder holding rosa.yaml) without loading the records
    modules; ``call_add`` uses the status only when the folder it really uses is the same.
    """
    import os
    from pathlib import Path

    from rosa_cli.core import gitrepo

    chosen = None
    level: Optional[click.Context] = ctx
    while level is not None and chosen is None:
        chosen = (level.obj or {}).get("records") if isinstance(level.obj, dict) else None
        level = level.parent
    chosen = chosen or os.environ.get("ROSA_RECORDS")
    try:
        here = Path.cwd().resolve() if not chosen else None
    except OSError:
        return None
    candidates = [Path(chosen).expanduser()] if chosen else [here, *here.parents] if here else []
    root = next((folder for folder in candidates if (folder / "rosa.yaml").is_file()), None)
    if root is None:
        return None
    return root, gitrepo.in_background(gitrepo.head_and_status, root)


def _take_early_status(folder) -> None:
    """Give ``folder`` the status started by :func:`_early_status` when it is of the same
    folder, else start one now (as ``get_folder(changing=True)`` does)."""
    import os

    early = None
    level: Optional[click.Context] = click.get_current_context()
    while level is not None and early is None:
        early = level.obj.pop(_EARLY, None) if isinstance(level.obj, dict) else None
        level = level.parent
    if early is not None and os.path.realpath(early[0]) == os.path.realpath(folder.root):
        folder.early_git_status = early[1]
    else:
        folder.prefetch_git_status()


@call.command("add", help=N_("Log a call. On a terminal, asks for what the flags did not give; prints the new id."))
@click.option("--at", help=N_("When: 'i går 14:30', 'kl 14.30' (today), '14.3 10:00', '14.03.2026 kl 10:00', nå, or ISO 2026-03-14 14:30 (default now)."))
@click.option("--channel", help=N_("phone (default), office, email, other — the key or its label (telefon, kontor …)."))
@click.option("--caller", help=N_("Who called: shelter, public-agency, police, immigration, ngo, woman, private-person, other — or the label (politi …), any case, or its start."))
@click.option("--subject", help=N_("trafficking-first, trafficking-followup, project-info, other — or the label (første …)."))
@click.option("--woman", help=N_("The woman it concerns (W-… id), if she has a record."))
@click.option("--nationality", help=N_("Nationality of the woman it concerns: code in any case (ng), or the name (Nigeria, norge), or unknown."))
@click.option("--received-by", help=N_("Staff initials, or the after-hours shelter; stored upper-case (default: receiver in ~/.config/rosa/config.toml, or $ROSA_USER)."))
@click.option("--note", help=N_("Free text: no names, phone numbers or addresses."))
@click.option("--prompt/--no-prompt", "prompt", default=None, help=N_("Ask for missing fields (default: when on a terminal)."))
@records_option
@core_errors()
def call_add(prompt, **raw) -> None:
    """Log a call; the prompts ask only for what the flags left out, so a script and a
    coordinator at the phone use the same command."""
    folder = get_folder()
    _take_early_status(folder)  # git has been reading the folder's status since the group started
    from rosa_cli.core.naming import resolve_id
    from rosa_cli.core.operations import add_call

    if raw.get("woman"):
        raw["woman"] = resolve_id(folder, raw["woman"], ("woman",), "woman", notice=lambda m: click.echo(render(m), err=True))
    if prompt is None:
        prompt = is_terminal()
    from rosa_cli.core.userconfig import default_receiver, receiver_key

    receiver, problem = default_receiver()
    if problem:
        click.echo(_("warning: {problem}").format(problem=render(problem)), err=True)
    if prompt:
        from rosa_cli.cli.prompts import ask_missing

        plan = tuple((name, receiver if name == "received_by" else default, required) for name, default, required in CALL_PLAN)
        try:
            resolvers = {"woman": lambda text: resolve_id(
                folder, text, ("woman",), "Woman", notice=lambda m: click.echo(f"  {render(m)}", err=True)
            )}
            raw = ask_missing("call", raw, plan, folder.context(), resolvers=resolvers)
        except (click.Abort, EOFError, KeyboardInterrupt):
            click.echo("\n" + _("Cancelled; nothing was written."), err=True)
            sys.exit(EXIT_USAGE)
    elif not raw.get("received_by") and receiver:
        raw["received_by"] = receiver
    if raw.get("received_by"):
        raw["received_by"] = receiver_key(raw["received_by"])  # kl and KL are one person
    report_outcome(add_call(folder, raw))


@call.command("list", help=N_("List calls, oldest first; the filters combine (all must hold)."))
@click.option("--woman", help=N_("Only calls about this woman (W-… id)."))
@click.option("--from", "start", help=N_("Only calls on or after this date."))
@click.option("--to", "end", help=N_("Only calls on or before this date."))
@click.option("--today", is_flag=True, help=N_("Only today's calls."))
@click.option("--week", is_flag=True, help=N_("Only this week's calls (Monday to Sunday)."))
@click.option("--year", type=int, help=N_("Only calls in this year."))
@click.option("--subject", help=N_("Only calls with this subject."))
@click.option("--caller", help=N_("Only calls from this kind of caller."))
@click.option("--channel", help=N_("Only calls by this channel (phone, office, …)."))
@click.option("--received-by", help=N_("Only calls received by these initials (any letter case)."))
@click.option("--notes", is_flag=True, help=N_("Show each call's note too."))
@records_option
@core_errors()
def call_list(woman, start, end, today, week, year, subject, caller, channel, received_by, notes) -> None:
    """List calls; every filter must hold, so a coordinator narrows the list step by step."""
    from rosa_cli.cli.render import label_cell, nationality_cell, print_table
    from rosa_cli.core.folder import load_records

    folder = get_folder()
    if woman:
        woman = resolve_arg(folder, woman, ("woman",), "woman")
    first, last = _date_range(folder.today, start, end, today, week)
    wanted = {
        name: _vocab_choice(folder.settings, name, flag, value)
        for name, flag, value in (("subject", "--subject", subject), ("caller", "--caller", caller), ("channel", "--channel", channel))
        if value
    }
    initials = received_by.strip().casefold() if received_by else None
    records = load_records(folder, kinds=("call",))
    rows = []
    for c in sorted(records.calls.values(), key=lambda c: (c.at, c.id)):
        day = c.at.date()
        if (year is not None and c.at.year != year) or (first and day < first) or (last and day > last):
            continue
        if (woman and c.woman != woman) or any(getattr(c, name) != key for name, key in wanted.items()):
            continue
        if initials is not None and (c.received_by or "").strip().casefold() != initials:
            continue
        st = records.settings
        row = [c.id, c.at, label_cell(st, "channel", c.channel), label_cell(st, "caller", c.caller), label_cell(st, "subject", c.subject),
               c.woman, nationality_cell(c.nationality), c.received_by]
        rows.append(row + [c.note] if notes else row)
    headers = [_(h) for h in CALL_HEADERS]
    print_table(headers + [_(NOTE_HEADER)] if notes else headers, rows)
    if records.skipped:
        click.echo(_("warning: {n} invalid call file(s) left out; run rosa check").format(n=records.skipped), err=True)


# the columns of ``call list``, translated when shown
CALL_HEADERS = (N_("id"), N_("at"), N_("channel"), N_("caller"), N_("subject"), N_("woman"), N_("nationality"), N_("received by"))
NOTE_HEADER = N_("note")


def _date_range(today, start, end, only_today: bool, week: bool):
    """The first and last day asked for (either may be None), or a clean usage error."""
    from datetime import timedelta

    from rosa_cli.core.dates import DateError, parse_date

    if sum(bool(x) for x in (only_today, week, start or end)) > 1:
        raise Failure(_("give only one of --today, --week, or --from/--to"))
    if only_today:
        return today, today
    if week:
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    days = []
    for flag, value in (("--from", start), ("--to", end)):
        try:
            days.append(parse_date(value, today) if value else None)
        except DateError as exc:
            raise Failure(f"{flag}: {render(exc.message)}") from None
    if days[0] and days[1] and days[0] > days[1]:
        raise Failure(_("--from {start} is after --to {end}").format(start=days[0], end=days[1]))
    return days[0], days[1]


def _vocab_choice(settings, vocabulary: str, flag: str, value: str) -> str:
    """The vocabulary key ``value`` names — the key or a label in either language, any
    letter case, or a unique start (core/validate.vocab_answer); else a usage error listing them."""
    from rosa_cli.core.validate import FieldError, vocab_answer

    keys = settings.keys(vocabulary)
    try:
        found = vocab_answer(settings, vocabulary, value.strip())
    except FieldError as exc:
        raise Failure(f"{flag}: {render(exc.args[0] if exc.args else exc)}") from None
    if found in keys:
        return found
    raise Failure(_("{flag}: {value!r} is not one of: {keys}").format(flag=flag, value=value, keys=", ".join(keys)))


@call.command("show", help=N_("Show every field of one call, with the labels from rosa.yaml."))
@click.argument("call_id", metavar="ID")
@records_option
@core_errors({"call": "ID"})
def call_show(call_id: str) -> None:
    """Show every field of one call, with the labels from rosa.yaml."""
    from rosa_cli.cli.render import field_text
    from rosa_cli.core.operations import load_existing
    from rosa_cli.core.schema import CALL_FIELDS

    folder = get_folder()
    call_id = resolve_arg(folder, call_id, ("call",), "ID")
    record, _path = load_existing(folder, "call", call_id, "ID")
    settings = folder.settings
    click.echo(f"{'id:':13} {record.id}")
    for spec in CALL_FIELDS:
        if spec.name == "id":
            continue
        value = getattr(record, spec.name)
        if value in (None, ""):
            continue
        click.echo(f"{spec.name + ':':13} {field_text(spec, value, settings)}")


@call.command("edit", help=N_("Correct a call in $VISUAL or $EDITOR; an invalid save reopens with the errors. Moving its time to another year files it under that year, with the id's year changed to match (printed on stdout)."))
@click.argument("call_id", metavar="ID")
@records_option
@core_errors({"call": "ID"})
def call_edit(call_id: str) -> None:
    """Correct a call in $VISUAL or $EDITOR; an invalid save reopens with the errors.

    Moving its time to another year files it under that year, with the id's year
    changed to match (printed on stdout).
    """
    from rosa_cli.cli.editing import edit_record

    folder = get_folder()
    edit_record(folder, "call", resolve_arg(folder, call_id, ("call",), "ID"), "call edit")
