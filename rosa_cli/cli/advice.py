"""What the command line adds to the core's words: advice and the outcome in the user's language.

The core says *what* happened, as a message with a stable code (docs/messages.md). What
to do about it names commands and flags (``use rosa stay move``, ``give --replace``),
which only the CLI knows, so the advice lives here, keyed on the code — never on the
words, which change with the language. Outcome lines (the summary a changing command
prints, its notes) are rendered here too, so a coordinator reads them in her language.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable, Dict, Iterable, List

from rosa_cli.core.messages import N_

# code -> advice added after the core's sentence (the message's own values fill {names})
ADVICE: Dict[str, str] = {
    "stay.woman_unknown": N_("add her first with rosa woman add"),
    "stay.already_open": N_("use rosa stay move or rosa stay close"),
    "stay.woman_declined": N_("edit her record (rosa woman edit) to remove declined_on first"),
    "woman.already_declined": N_("give --replace to record this decline instead"),
    "woman.residence_before_latest": N_("To add an earlier entry, put it in its place with rosa woman edit {woman}"),
    "shelter.already_retired": N_("change the date with rosa shelter edit {key}"),
    "website.no_figures": N_("give at least one of --visits, --pages, --hits, --sites"),
    "void.woman_named": N_("void or correct those first (rosa void ID, rosa stay edit, rosa call edit), then her"),
    "void.unreadable_names_her": N_("fix it first (see rosa check)"),
    "undo.synced": N_("correct it with a new change instead (rosa void, or an edit command)"),
    "undo.pending": N_("run rosa check, or git checkout -- FILE to drop it"),
}
# how the advice joins the sentence, when not "{fact}; {advice}"
JOIN = {"woman.residence_before_latest": N_("{fact} {advice}"), "undo.pending": N_("{fact} ({advice})")}


def advised_text(message: Any) -> str:
    """``message`` in the user's language, with the CLI's advice for its code after it."""
    from rosa_cli.i18n import _, render

    text = render(message)
    code = getattr(message, "code", None)
    advice = ADVICE.get(code) if code else None
    if advice is None:
        return text
    params = {k: render(v) for k, v in getattr(message, "params", {}).items()}
    try:
        extra = _(advice).format(**params)
    except (KeyError, IndexError, ValueError):
        extra = _(advice)
    return _(JOIN.get(code or "", N_("{fact}; {advice}"))).format(fact=text, advice=extra)


def advised_issues(issues: Iterable[Any]) -> List[Any]:
    """The refusal's issues with advice added to those whose code has some."""
    out = []
    issue: Any
    for issue in issues:
        code = getattr(issue.message, "code", None)
        if code in ADVICE:  # FieldIssue and Problem are frozen dataclasses with a message
            issue = dataclasses.replace(issue, message=advised_text(issue.message))
        out.append(issue)
    return out


def with_advice(f: Callable) -> Callable:
    """Add the CLI's advice to a :class:`Refused` the command lets through (put it
    under :func:`rosa_cli.cli.common.core_errors`, which renders the refusal)."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from rosa_cli.core.errors import Refused

        try:
            return f(*args, **kwargs)
        except Refused as exc:
            raise Refused(advised_issues(exc.issues)) from None

    return wrapper


def show_outcome(outcome: Any, quiet_ids: bool = False) -> None:
    """:func:`rosa_cli.cli.common.report_outcome`, with the core's summary, notes and
    commit warning first put into the user's language."""
    from rosa_cli.cli.common import report_outcome
    from rosa_cli.i18n import render

    changes: Dict[str, Any] = {"notes": [render(note) for note in outcome.notes]}
    if outcome.summary:
        changes["summary"] = render(outcome.summary)
    commit: Any = outcome.commit
    if getattr(commit, "warning", None):
        changes["commit"] = dataclasses.replace(commit, warning=render(commit.warning))
    report_outcome(dataclasses.replace(outcome, **changes), quiet_ids=quiet_ids)


def reason(exc: BaseException) -> str:
    """Why an exception was raised, in the user's language (its Message when it has one)."""
    from rosa_cli.core.messages import Message
    from rosa_cli.i18n import render

    for value in (getattr(exc, "message", None), exc.args[0] if exc.args else None):
        if isinstance(value, Message):
            return render(value)
    return str(exc)


def notice(message: Any) -> None:
    """Say on stderr which record a typed id or alias was taken to mean (core/naming.py
    gives the message; it is shown in the user's language)."""
    import click

    from rosa_cli.i18n import render

    click.echo(render(message), err=True)
