"""Questions in the style of ``hledger add``: one short question per missing field,
choices visible, a default in brackets, a bad answer asked again on the spot.

Answers are checked with the same :func:`rosa_cli.core.validate.convert` as flags and
files, so a prompt accepts exactly what a record may hold; free text is checked as it
comes in (too long, or holding an identity number, a phone number or an e-mail
address), and the question is asked again with the reason. Prompts go to stderr so
stdout stays the new id alone.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence

import click

from rosa_cli.core.messages import N_
from rosa_cli.core.schema import Field, field_map
from rosa_cli.core.validate import Context, FieldError, convert
from rosa_cli.i18n import _, current_language, render

SKIP_HINT = N_("Enter to skip")


def _choice_line(keys: Sequence[str], labels: Optional[Sequence[str]] = None) -> str:
    """``1=Krisesenter  2=Offentlige hjelpeinstanser …`` — the labels in the
    interface's language (the keys stay what is stored and are still accepted)."""
    shown = labels if labels is not None else keys
    return "  ".join(f"{n}={k}" for n, k in enumerate(shown, 1))


def choice_labels(spec: Field, ctx: Context, keys: Sequence[str]) -> Optional[List[str]]:
    """What to show for ``keys``: a vocabulary's labels in the interface's language
    (rosa.yaml's ``nb``/``en`` label; the key only when it has no label), a shelter's
    key with its name, since the key is what is typed. None for other fields."""
    if spec.type == "shelter":
        return [f"{key} ({getattr(ctx.shelters[key], 'name', '') or key})" for key in keys]
    if spec.type != "vocab":
        return None
    vocab = spec.vocab or spec.name  # a vocab field names its vocabulary; the field name is its fallback
    return [ctx.settings.label(vocab, key, current_language()) for key in keys]


def question_text(spec: Field) -> str:
    """The question for a field, in the interface's language."""
    return _(spec.question) if spec.question else spec.name


# defaults that are words: shown (and accepted back) in the interface's language
WORD_DEFAULTS = {"today": N_("today"), "now": N_("now")}


def shown_default(spec: Field, default: str, ctx: Context) -> str:
    """The default as the question shows it in brackets: a vocabulary key as its label
    (``[Telefon]``), ``today``/``now`` as ``i dag``/``nå`` in bokmål. Each is read back
    by :func:`convert` exactly as the default itself would be."""
    if spec.type == "vocab":
        return ctx.settings.label(spec.vocab or spec.name, default, current_language())
    if default in WORD_DEFAULTS:
        return _(WORD_DEFAULTS[default])
    if spec.type == "country":
        from rosa_cli.core.countries import SPECIAL_NATIONALITIES

        if default in SPECIAL_NATIONALITIES:  # [Ukjent], read back by its name
            return SPECIAL_NATIONALITIES[default].get(current_language(), default)
    return default


def _reason(exc: BaseException) -> str:
    from rosa_cli.cli.advice import reason

    return reason(exc)


def cancelled() -> NoReturn:
    """Ctrl-C or end of input at a question: say nothing was written, exit 2."""
    import sys

    from rosa_cli.cli.common import EXIT_USAGE

    click.echo("\n" + _("Cancelled; nothing was written."), err=True)
    sys.exit(EXIT_USAGE)


def _resolve_choice(answer: str, keys: Sequence[str]) -> str:
    """A number, a key, or an unambiguous start of a key (labels are read by convert)."""
    text = answer.strip()
    if text.isdigit() and 1 <= int(text) <= len(keys):
        return keys[int(text) - 1]
    if text in keys:
        return text
    starts = [k for k in keys if k.startswith(text.lower())] if text else []
    return starts[0] if len(starts) == 1 else text


def _with_time(answer: str, ctx: Context) -> str:
    """A moment answer that named only a day (``i går``, ``29.11.2026``): ask the time
    of day and give back ``YYYY-MM-DD HH:MM``; the answer unchanged when it needs no
    time or is wrong in another way (convert then says why)."""
    from datetime import datetime

    from rosa_cli.core.dates import DateError, NeedsTime, parse_datetime, parse_time_of_day

    now = datetime.combine(ctx.today, datetime.now().time()).replace(second=0, microsecond=0)
    try:
        parse_datetime(answer, now)
        return answer
    except NeedsTime as exc:
        day = exc.day
    except DateError:
        return answer
    while True:
        text = str(click.prompt("  " + _("Time of day on {day} (kl, like 14:30)").format(day=f"{day:%d.%m.%Y}"), err=True)).strip()
        try:
            hour, minute = parse_time_of_day(text)
        except DateError as exc:
            click.echo(f"  {_reason(exc)}", err=True)
            continue
        return f"{day.isoformat()} {hour:02d}:{minute:02d}"


def ask(
    spec: Field,
    ctx: Context,
    default: Optional[str] = None,
    required: bool = True,
    check: Optional[Callable[[str], Optional[str]]] = None,
    resolve: Optional[Callable[[str], str]] = None,
) -> Optional[str]:
    """Ask for one field until the answer fits; return the raw accepted answer or None.

    ``check`` may refuse an answer that fits the field but not the folder (a woman id
    with no record): it returns the reason, or None to accept. ``resolve`` turns what
    was typed into the value to keep before anything else looks at it (a woman's id
    from its start or an alias, :func:`rosa_cli.core.naming.resolve_id`); when it
    refuses (no match, or several, listed), its reason is shown and the question asked
    again, so the coordinator can type more of the id.
    """
    keys: List[str] = ctx.settings.keys(spec.vocab or spec.name) if spec.type == "vocab" else []
    if spec.type == "shelter":
        keys = list(ctx.shelters)
    if keys:
        click.echo(f"  {_choice_line(keys, choice_labels(spec, ctx, keys))}", err=True)
    question = question_text(spec)
    if not required and default is None:
        question += f" ({_(SKIP_HINT)})"
    while True:
        shown = shown_default(spec, default, ctx) if default is not None else ""
        answer = click.prompt(question, default=shown, show_default=default is not None, err=True)
        answer = str(answer).strip()
        if not answer:
            if required:
                click.echo("  " + _("an answer is needed"), err=True)
                continue
            return None
        if keys:
            answer = _resolve_choice(answer, keys)
        if spec.type == "datetime":
            answer = _with_time(answer, ctx)
        if resolve is not None:
            from rosa_cli.core.errors import Refused

            try:
                answer = resolve(answer)
            except Refused as exc:
                for issue in exc.issues:
                    click.echo("  " + render(issue.message).replace("\n", "\n  "), err=True)
                continue
        try:
            value = convert(spec, answer, ctx, entry=True)
        except FieldError as exc:
            click.echo(f"  {_reason(exc)}", err=True)
            continue
        reason = check(value) if check else None
        if reason:
            click.echo(f"  {render(reason)}", err=True)
            continue
        return value if spec.type in ("vocab", "country") else answer


def ask_missing(
    kind: str,
    raw: Dict[str, Any],
    plan: Sequence[tuple],
    ctx: Context,
    checks: Optional[Dict[str, Callable]] = None,
    resolvers: Optional[Dict[str, Callable[[str], str]]] = None,
    specs: Optional[Dict[str, Field]] = None,
) -> Dict[str, Any]:
    """Fill ``raw`` by asking, in ``plan`` order, for each field the flags left out.

    ``plan`` rows are ``(field name, default or None, required)``; ``checks`` maps a
    field to an extra check of the answer against the folder; ``resolvers`` maps a
    field to a function from the typed text to the value kept (see :func:`ask`);
    ``specs`` adds or replaces fields asked differently from the record's own.
    """
    specs = dict(field_map(kind), **(specs or {}))
    filled = dict(raw)
    for name, default, required in plan:
        if filled.get(name) not in (None, ""):
            continue
        answer = ask(specs[name], ctx, default, required, (checks or {}).get(name), (resolvers or {}).get(name))
        if answer is not None:
            filled[name] = answer
    return filled


def ask_or_fail(folder, kind: str, name: str, given: Optional[str], flag: str, prompt: Optional[bool]) -> str:
    """The value of a required option: ``given``, or asked for on a terminal (numbered
    choices, labels in the folder's language), or a usage error that lists the choices
    — never click's bare "Missing option"."""
    from rosa_cli.cli.common import Failure, is_terminal

    if given not in (None, ""):
        return given
    ctx = folder.context()
    spec = field_map(kind)[name]
    if prompt is None:
        prompt = is_terminal()
    if not prompt:
        if spec.type == "shelter":
            keys = list(ctx.shelters)
            shown = ", ".join(keys) or _("none yet; add one with rosa shelter add")
        else:
            keys = ctx.settings.keys(spec.vocab)
            labels = choice_labels(spec, ctx, keys)
            shown = ", ".join(f"{k} ({lab})" if lab != k else k for k, lab in zip(keys, labels)) if labels else ", ".join(keys)
        raise Failure(_("{flag} is needed: one of {choices}").format(flag=flag, choices=shown))
    try:
        answer = ask(spec, ctx, None, True)
    except (click.Abort, EOFError, KeyboardInterrupt):
        cancelled()
    return answer or ""  # required: ask() only returns None when an answer may be left out
