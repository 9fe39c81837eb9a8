"""The edit loop, like ``kubectl edit``.

The record opens in the user's editor. If the saved text is invalid, the editor
reopens with the user's own text and the errors as ``#`` comments at the top, so no
typing is lost. Saving it unchanged (or empty) gives up: the record stays as it was,
and the user's text is kept in the records folder's git-ignored cache, owner-only,
with its path printed.
"""

from __future__ import annotations

import sys
from datetime import datetime

import click

from rosa_cli.cli.common import EXIT_INVALID

HEADER = "# rosa: "


def _strip_header(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(HEADER.rstrip()):
        lines.pop(0)
    return "".join(lines)


def _with_errors(text: str, errors) -> str:
    lines = [f"{HEADER}this record was not saved: fix the errors below, or save unchanged to give up\n"]
    for problem in errors:
        where = f"line {problem.line}: " if getattr(problem, "line", None) else ""
        lines.append(f"{HEADER}{where}{problem.message}\n")
    return "".join(lines) + text


def _keep_copy(folder, record_id: str, text: str) -> str:
    from rosa_cli.core.folder import CACHE_DIR
    from rosa_cli.core.yamlio import atomic_write

    path = folder.root / CACHE_DIR / "edits" / f"{record_id}-{datetime.now():%Y%m%d-%H%M%S}.yaml"
    atomic_write(path, text)
    return str(path)


def edit_record(folder, kind: str, record_id: str, command: str) -> None:
    from rosa_cli.cli.common import report_outcome
    from rosa_cli.core.operations import Refused, replace_record, validate_text

    path = folder.record_path(kind, record_id)
    if path is None:
        raise Refused([_issue(kind, f"{record_id} does not exist")])
    original = path.read_text(encoding="utf-8")
    shown = original
    last_attempt = None
    while True:
        edited = click.edit(shown, extension=".yaml", require_save=True)
        if edited is None and last_attempt is None:
            click.echo("No changes; the record is as it was.", err=True)
            return
        text = _strip_header(edited if edited is not None else shown)
        if text == original:
            click.echo("No changes; the record is as it was.", err=True)
            return
        if not text.strip() or (last_attempt is not None and text == last_attempt):
            kept = _keep_copy(folder, record_id, last_attempt or text)
            click.echo(f"Gave up; {record_id} is unchanged. Your edit is kept in {kept}", err=True)
            sys.exit(EXIT_INVALID)
        try:
            validate_text(folder, kind, text, path)
        except Refused as exc:
            for problem in exc.issues:
                click.echo(f"error: {problem}", err=True)
            last_attempt = text
            shown = _with_errors(text, exc.issues)
            click.echo("Reopening the editor with the errors as comments…", err=True)
            continue
        report_outcome(replace_record(folder, kind, record_id, text, command), quiet_ids=True)
        return


def _issue(kind: str, message: str):
    from rosa_cli.core.operations import FieldIssue

    return FieldIssue(kind, message)
