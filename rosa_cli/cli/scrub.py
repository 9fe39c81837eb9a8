"""``rosa scrub TEXT`` and ``rosa scrub --push``: a value written by mistake out of history.

The CLI asks for confirmation with the counts (never the value), runs the core under
the folder's writer lock, and says what the other offices must do.
"""

from __future__ import annotations

import sys

import click

from rosa_cli.cli.common import (
    EXIT_INVALID,
    EXIT_USAGE,
    Failure,
    core_errors,
    get_folder,
    is_terminal,
    problem_line,
    records_option,
)


def _plural(count: int, word: str, verb: str = "") -> str:
    """``1 commit holds`` / ``3 commits hold``."""
    if verb:
        return f"{count} {word}{'' if count == 1 else 's'} {verb + 's' if count == 1 else verb}"
    return f"{count} {word}{'' if count == 1 else 's'}"


def _read_text(text):
    """TEXT from the argument, else asked without echo (so it stays out of the shell's
    history and off the screen), else one line of stdin."""
    if text is not None:
        return text
    if is_terminal():
        return click.prompt("Text to remove", hide_input=True, err=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _describe(plan) -> None:
    say = lambda line: click.echo(line, err=True)  # noqa: E731
    say("rosa scrub replaces the text with [fjernet] everywhere:")
    if plan.commits:
        detail = f" ({plan.message_commits} of them in the commit message)" if plan.message_commits else ""
        say(f"  {_plural(len(plan.commits), 'commit', 'hold')} it{detail}; history is rewritten and "
            f"{_plural(plan.rewritten, 'commit', 'get')} new ids")
    else:
        say("  no commit holds it")
    say(f"  {_plural(len(plan.files), 'file')} in the folder " + ("holds" if len(plan.files) == 1 else "hold") + " it" + (": " + ", ".join(plan.files) if plan.files else ""))
    if plan.loose_files:
        say(f"  {_plural(len(plan.loose_files), 'untracked file')} (backups, edit copies, cache) with it: " + ", ".join(plan.loose_files))
    if plan.reflog_only:
        say(f"  {_plural(plan.reflog_only, 'older commit')} only in git's reflog with it: deleted")
    if plan.commits:
        say("Other offices must re-clone afterwards (rosa scrub --push replaces the shared history).")


def _after(result, folder) -> None:
    from rosa_cli.core.scrub import remote_url

    say = lambda line: click.echo(line, err=True)  # noqa: E731
    plan = result.plan
    say(
        f"Removed: {_plural(len(plan.files), 'file')} in the folder, {_plural(len(plan.commits), 'commit')} in history "
        f"({_plural(plan.rewritten, 'commit')} rewritten); reflogs expired and old objects pruned."
    )
    if result.commit:
        say(f"Recorded in history-rewrites.yaml ({result.commit[:12]}).")
        if result.remotes:
            remote = "origin" if "origin" in result.remotes else result.remotes[0]
            say(
                "What the other offices must do:\n"
                "  1. Here: run rosa scrub --push to replace the shared history (until then rosa sync refuses).\n"
                f"  2. Every other office: re-clone (git clone {remote_url(folder.root, remote)} NEWDIR) and work in the new folder.\n"
                "     Records they made and did not sync before the rewrite are not in the new copy; rosa sync in the old\n"
                "     folder refuses and lists them by id, to be re-entered or copied into the new folder.\n"
                "  Any other copy of the old folder (backups, USB sticks) still holds the value; delete it."
            )
        else:
            say("This folder has no git remote; any other copy of the old folder (backups, clones) still holds the value: delete or re-make it.")
    if result.problems:
        say("The records now have problems (run rosa check for all of them):")
        for problem in result.problems:
            click.echo(problem_line(problem))
        sys.exit(EXIT_INVALID)


def _confirm(yes: bool, question: str) -> None:
    if yes:
        return
    if not is_terminal():
        raise Failure("no terminal to confirm; nothing changed. Run again with --yes", EXIT_USAGE)
    if not click.confirm(question, default=False, err=True):
        raise Failure("nothing changed", EXIT_USAGE)


@click.command()
@click.argument("text", required=False)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--push", "push_", is_flag=True, help="Replace the shared (remote) history with this folder's rewritten one.")
@click.option("--remote", default="origin", show_default=True, help="The git remote for --push.")
@records_option
@core_errors()
def scrub(text, yes: bool, push_: bool, remote: str) -> None:
    """Remove TEXT from the records and from every commit in history.

    TEXT is replaced by [fjernet] in record files and in all old versions and commit
    messages; history is rewritten. Without TEXT it is asked for without echo (it
    then stays out of the shell's history). Refuses a TEXT shorter than 4 characters,
    one found nowhere, or one in a field that is not free text (set that field right
    first). Then run rosa scrub --push so the other offices can re-clone.
    """
    from rosa_cli.core import scrub as core

    folder = get_folder()
    try:
        with folder.write_lock():
            if push_:
                if text is not None:
                    raise Failure("give either TEXT or --push, not both", EXIT_USAGE)
                plan = core.plan_push(folder, remote)
                if plan.up_to_date:
                    click.echo(f"The shared history at {remote} is already the rewritten one; nothing to push.", err=True)
                    return
                click.echo(f"rosa scrub --push replaces branch {plan.branch} at {remote} with this folder's rewritten history.", err=True)
                if plan.unknown_tip:
                    click.echo(
                        "warning: the remote has commits this folder does not know (pushed by an office with the old history). "
                        "They leave the shared copy; that office keeps them, and rosa sync there lists its records to copy into a fresh clone.",
                        err=True,
                    )
                _confirm(yes, "Replace the shared history?")
                core.push(folder, plan)
                click.echo(
                    f"Replaced the shared history at {remote}. Every other office must now re-clone "
                    f"(git clone {core.remote_url(folder.root, remote)} NEWDIR); rosa sync in an old copy refuses and "
                    "lists the records made there that are not in the shared copy.",
                    err=True,
                )
                return
            text = _read_text(text)
            scrub_plan = core.refuse_unless_safe(folder, text)
            if not yes and not is_terminal():
                raise Failure("no terminal to confirm the rewrite; nothing changed. Run again with --yes", EXIT_USAGE)
            _describe(scrub_plan)
            _confirm(yes, "Rewrite history now?")
            result = core.scrub(folder, text, scrub_plan)
            _after(result, folder)
    except core.ScrubFailed as exc:
        raise Failure(str(exc), EXIT_INVALID) from None
    except TimeoutError as exc:
        raise Failure(str(exc), EXIT_INVALID) from None
