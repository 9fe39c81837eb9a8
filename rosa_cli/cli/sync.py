"""``rosa sync``: bring in colleagues' records and send yours, never breaking the folder.

The core (core/sync.py) says why a sync did nothing as a coded message of facts; this
module words it in the user's language and adds what to do next, keyed on the code
(docs/sync.md, "Messages"): commands and flags are the CLI's words, never the core's.
"""

from __future__ import annotations

import sys
from typing import Dict, Mapping, Optional, Tuple

import click

from rosa_cli.cli.common import EXIT_INVALID, Failure, core_errors, get_folder, problem_line, records_option
from rosa_cli.core.messages import N_

# code -> (separator, advice template); the template may use the message's params
ADVICE: Dict[str, Tuple[str, str]] = {
    "sync.offline": ("; ", N_("run rosa sync again later")),
    "sync.detached_head": ("; ", N_("go back to your branch first: git -C {root} switch main (or the branch your office uses)")),
    "sync.no_remote": ("; ", N_("add one with: git -C {root} remote add {name} URL")),
    "sync.unfinished_merge": ("; ", N_("resolve it and run git rebase --continue (or git rebase --abort), then try again")),
    "sync.uncommitted": ("; ", N_(
        "run rosa check, then commit them (the next rosa command that changes records commits them if they are valid, "
        "or use git commit) and sync again"
    )),
    "sync.remote_kept_changing": ("; ", N_("run rosa sync again")),
    "sync.push_refused": ("; ", N_("ask whoever looks after the remote, then run rosa sync again")),
    "sync.history_rewritten_here": (". ", N_(
        "Run rosa scrub --push to replace the shared history, then have every other office re-clone"
    )),
    "sync.history_rewritten_elsewhere": (". ", N_(
        "Re-clone: git clone {url} NEWDIR, then re-enter or copy the records made here since into the new folder. "
        "Then delete this folder."
    )),
}
# the same advice when records were also changed here since the rewrite
CHANGED_TOO = N_(
    "Re-clone: git clone {url} NEWDIR, then re-enter or copy the records made here since into the new folder "
    "and check the records changed here since. Then delete this folder."
)


def advised(message, advice: Mapping[str, Tuple[str, str]] = ADVICE) -> str:
    """A core message in the user's language, followed by what to do about it (looked
    up by its code in ``advice``, filled from its params)."""
    from rosa_cli.i18n import _, render

    text = render(message)
    code = getattr(message, "code", "")
    if code in advice:
        separator, template = advice[code]
        params = {key: render(value) for key, value in getattr(message, "params", {}).items()}
        if code == "sync.history_rewritten_elsewhere" and params.get("changed"):
            template = CHANGED_TOO
        try:
            text += separator + _(template).format(**params)
        except (KeyError, IndexError, ValueError):
            text += separator + _(template)
    return text


@click.command(help=N_(
    "Bring in colleagues' records and send yours.\n\n"
    "Works out the merge itself and checks it before anything in the folder moves. "
    "A record changed at both offices is merged field by field; a field both changed "
    "differently is listed by rosa conflicts and settled with rosa resolve, while all "
    "other commands keep working. A merge with problems is not sent."
))
@click.option("--remote", default=None, help=N_("The git remote to sync with (default: the branch's upstream, else origin)."))
@records_option
@core_errors()
def sync(remote: Optional[str]) -> None:
    """Why a command of its own: ``git pull`` can stop half-way with conflict markers
    and a detached HEAD; rosa's sync merges field by field and moves nothing until the
    result is whole and valid (core/sync.py)."""
    from rosa_cli.core.sync import SyncRefused
    from rosa_cli.core.sync import sync as run_sync
    from rosa_cli.i18n import _

    folder = get_folder()
    try:
        result = run_sync(folder, remote)
    except SyncRefused as exc:
        raise Failure(advised(exc.message), EXIT_INVALID) from None
    except TimeoutError as exc:
        raise Failure(str(exc), EXIT_INVALID) from None
    say = lambda line: click.echo(line, err=True)  # noqa: E731
    if result.conflicts:
        say(_(
            "Not synced: {n} record(s) were changed both here and at the other office in the same field(s); "
            "nothing was brought in or sent, and your records are as they were."
        ).format(n=len(result.conflicts)))
        for conflict in result.conflicts:
            fields = ", ".join(_("the whole record") if f["field"] == "*" else f["field"] for f in conflict.fields)
            say(f"  {conflict.record_id}: {fields}")
        say(_("See them with: rosa conflicts; settle each with: rosa resolve ID --keep mine|theirs (or --edit); then rosa sync again."))
        sys.exit(EXIT_INVALID)
    say(_("Synced: {pulled} commit(s) in, {pushed} out.").format(pulled=result.pulled, pushed=result.pushed))
    if result.merged:
        say(_("Merged field by field (changed at both offices): {ids}").format(ids=", ".join(sorted(set(result.merged)))))
    if result.held_back:
        say(_(
            "NOT sent: the records here have problems the other office's copy does not have "
            "(the merge is kept here so you can fix it):"
        ))
        for problem in result.held_back:
            click.echo(problem_line(problem))
        say(_("Fix them with the usual rosa commands (rosa check lists them), then run rosa sync again."))
        sys.exit(EXIT_INVALID)
    if result.problems:
        say(_("The records have problems (run rosa check for all of them):"))
        for problem in result.problems:
            click.echo(problem_line(problem))
        sys.exit(EXIT_INVALID)
