"""``rosa scrub TEXT`` and ``rosa scrub --push``: a value written by mistake out of history.

The CLI asks for confirmation with the counts (never the value), runs the core under
the folder's writer lock, and says what the other offices must do.
"""

from __future__ import annotations

import sys
from typing import Optional

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
from rosa_cli.core.messages import N_

# code -> (separator, advice): what to do, added by the CLI to the core's facts
ADVICE = {
    "scrub.uncommitted": (". ", N_(
        "Commit them first (the next rosa command that changes records commits them if they are valid, "
        "or use git commit) and run rosa scrub again"
    )),
    "scrub.no_rewrite_recorded": ("; ", N_("run rosa scrub TEXT first")),
    "scrub.no_remote": ("; ", N_("add one with: git -C {root} remote add {name} URL")),
    "scrub.filter_repo_missing": ("; ", N_("install it (pip install git-filter-repo) and run rosa scrub again")),
    "scrub.still_found": ("; ", N_("run rosa scrub again and report this")),
    "scrub.push_stale": (". ", N_("Run rosa scrub --push again")),
}
SET_FIELDS_FIRST = N_(
    "set these fields right first with the normal commands (rosa woman edit, rosa stay edit, …), "
    "then run rosa scrub again to clear the old versions from history"
)
YES_WORDS = ("y", "yes", "j", "ja")  # English and bokmål, whatever the language in force
NO_WORDS = ("n", "no", "nei")
YES_NO_HINT = N_("[y/N]")  # bokmål shows [j/N]; both answers are taken in either language


def _read_text(text):
    """TEXT from the argument, else asked without echo (so it stays out of the shell's
    history and off the screen), else one line of stdin."""
    from rosa_cli.i18n import _

    if text is not None:
        return text
    if is_terminal():
        return click.prompt(_("Text to remove"), hide_input=True, err=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _describe(plan) -> None:
    from rosa_cli.i18n import _, ngettext

    say = lambda line: click.echo(line, err=True)  # noqa: E731
    say(_("rosa scrub replaces the text with [fjernet] everywhere:"))
    if plan.commits:
        n = len(plan.commits)
        line = ngettext("{n} commit holds it", "{n} commits hold it", n).format(n=n)
        if plan.message_commits:
            line += " " + _("({n} of them in the commit message)").format(n=plan.message_commits)
        line += "; " + ngettext(
            "history is rewritten and {n} commit gets a new id", "history is rewritten and {n} commits get new ids", plan.rewritten
        ).format(n=plan.rewritten)
        say("  " + line)
    else:
        say("  " + _("no commit holds it"))
    n = len(plan.files)
    line = ngettext("{n} file in the folder holds it", "{n} files in the folder hold it", n).format(n=n)
    say("  " + line + (": " + ", ".join(plan.files) if plan.files else ""))
    if plan.loose_files:
        n = len(plan.loose_files)
        say("  " + ngettext(
            "{n} untracked file (backups, edit copies, cache) with it", "{n} untracked files (backups, edit copies, cache) with it", n
        ).format(n=n) + ": " + ", ".join(plan.loose_files))
    if plan.reflog_only:
        say("  " + ngettext(
            "{n} older commit only in git's reflog with it: deleted", "{n} older commits only in git's reflog with it: deleted",
            plan.reflog_only,
        ).format(n=plan.reflog_only))
    if plan.commits:
        say(_("Other offices must re-clone afterwards (rosa scrub --push replaces the shared history)."))


def _after(result, folder) -> None:
    from rosa_cli.core.scrub import remote_url
    from rosa_cli.i18n import _, ngettext

    say = lambda line: click.echo(line, err=True)  # noqa: E731
    plan = result.plan
    files, commits = len(plan.files), len(plan.commits)
    say(_(
        "Removed: {files} in the folder, {commits} in history ({rewritten} rewritten); reflogs expired and old objects pruned."
    ).format(
        files=ngettext("{n} file", "{n} files", files).format(n=files),
        commits=ngettext("{n} commit", "{n} commits", commits).format(n=commits),
        rewritten=ngettext("{n} commit", "{n} commits", plan.rewritten).format(n=plan.rewritten),
    ))
    if result.commit:
        say(_("Recorded in history-rewrites.yaml ({commit}).").format(commit=result.commit[:12]))
        if result.remotes:
            remote = "origin" if "origin" in result.remotes else result.remotes[0]
            say(_(
                "What the other offices must do:\n"
                "  1. Here: run rosa scrub --push to replace the shared history (until then rosa sync refuses).\n"
                "  2. Every other office: re-clone (git clone {url} NEWDIR) and work in the new folder.\n"
                "     Records they made and did not sync before the rewrite are not in the new copy; rosa sync in the old\n"
                "     folder refuses and lists them by id, to be re-entered or copied into the new folder.\n"
                "  Any other copy of the old folder (backups, USB sticks) still holds the value; delete it."
            ).format(url=remote_url(folder.root, remote)))
        else:
            say(_(
                "This folder has no git remote; any other copy of the old folder (backups, clones) still holds the value: "
                "delete or re-make it."
            ))
    if result.problems:
        say(_("The records now have problems (run rosa check for all of them):"))
        for problem in result.problems:
            click.echo(problem_line(problem))
        sys.exit(EXIT_INVALID)


def answer_is_yes(answer: str) -> Optional[bool]:
    """True for y/yes/j/ja, False for n/no/nei or nothing (the default is no), None otherwise."""
    word = answer.strip().lower()
    if not word or word in NO_WORDS:
        return False
    if word in YES_WORDS:
        return True
    return None


def confirm(question: str) -> bool:
    """Ask ``question`` (already in the user's language) on the terminal; ``j``/``ja``
    count as yes in any language, as ``y``/``yes`` do, and anything unclear is asked again
    (three times at most, then it is no)."""
    from rosa_cli.i18n import _

    for _attempt in range(3):
        answer = click.prompt(question + " " + _(YES_NO_HINT), default="", show_default=False, prompt_suffix=" ", err=True)
        decided = answer_is_yes(answer)
        if decided is not None:
            return decided
        click.echo(_("Answer y (yes) or n (no)."), err=True)
    return False


def _confirm(yes: bool, question: str) -> None:
    from rosa_cli.i18n import _

    if yes:
        return
    if not is_terminal():
        raise Failure(_("no terminal to confirm; nothing changed. Run again with --yes"), EXIT_USAGE)
    if not confirm(question):
        raise Failure(_("nothing changed"), EXIT_USAGE)


def _with_advice(exc):
    """The core's refusal with what to do added, keyed on the issues' codes."""
    from rosa_cli.cli.sync import advised
    from rosa_cli.core.errors import FieldIssue, Refused
    from rosa_cli.i18n import _

    issues = []
    for issue in exc.issues:
        if isinstance(issue, FieldIssue) and not issue.field and getattr(issue.message, "code", "") in ADVICE:
            issue = FieldIssue("", advised(issue.message, ADVICE))
        issues.append(issue)
    if any(getattr(issue.message, "code", "") == "scrub.structured_field" for issue in exc.issues):
        issues.append(FieldIssue("", _(SET_FIELDS_FIRST)))
    return Refused(issues)


@click.command(help=N_(
    "Remove TEXT from the records and from every commit in history.\n\n"
    "TEXT is replaced by [fjernet] in record files and in all old versions and commit "
    "messages; history is rewritten. Without TEXT it is asked for without echo (it "
    "then stays out of the shell's history). Refuses a TEXT shorter than 4 characters, "
    "one found nowhere, or one in a field that is not free text (set that field right "
    "first). Then run rosa scrub --push so the other offices can re-clone."
))
@click.argument("text", required=False)
@click.option("--yes", is_flag=True, help=N_("Do not ask for confirmation."))
@click.option("--push", "push_", is_flag=True, help=N_("Replace the shared (remote) history with this folder's rewritten one."))
@click.option("--remote", default="origin", show_default=True, help=N_("The git remote for --push."))
@records_option
@core_errors(flags={"text": "TEXT"})
def scrub(text, yes: bool, push_: bool, remote: str) -> None:
    """Why: git keeps every version, so a value typed by mistake stays in history until
    history is rewritten (core/scrub.py). The CLI asks with counts, never the value."""
    from rosa_cli.cli.sync import advised
    from rosa_cli.core import scrub as core
    from rosa_cli.core.errors import Refused
    from rosa_cli.i18n import _

    folder = get_folder()
    try:
        with folder.write_lock():
            if push_:
                if text is not None:
                    raise Failure(_("give either TEXT or --push, not both"), EXIT_USAGE)
                plan = core.plan_push(folder, remote)
                if plan.up_to_date:
                    click.echo(_("The shared history at {remote} is already the rewritten one; nothing to push.").format(remote=remote), err=True)
                    return
                click.echo(_(
                    "rosa scrub --push replaces branch {branch} at {remote} with this folder's rewritten history."
                ).format(branch=plan.branch, remote=remote), err=True)
                if plan.unknown_tip:
                    click.echo(_(
                        "warning: the remote has commits this folder does not know (pushed by an office with the old history). "
                        "They leave the shared copy; that office keeps them, and rosa sync there lists its records to copy into a fresh clone."
                    ), err=True)
                _confirm(yes, _("Replace the shared history?"))
                core.push(folder, plan)
                click.echo(_(
                    "Replaced the shared history at {remote}. Every other office must now re-clone "
                    "(git clone {url} NEWDIR); rosa sync in an old copy refuses and "
                    "lists the records made there that are not in the shared copy."
                ).format(remote=remote, url=core.remote_url(folder.root, remote)), err=True)
                return
            text = _read_text(text)
            scrub_plan = core.refuse_unless_safe(folder, text)
            if not yes and not is_terminal():
                raise Failure(_("no terminal to confirm the rewrite; nothing changed. Run again with --yes"), EXIT_USAGE)
            _describe(scrub_plan)
            _confirm(yes, _("Rewrite history now?"))
            result = core.scrub(folder, text, scrub_plan)
            _after(result, folder)
    except Refused as exc:
        raise _with_advice(exc) from None
    except core.ScrubFailed as exc:
        raise Failure(advised(exc.message, ADVICE), EXIT_INVALID) from None
    except TimeoutError as exc:
        raise Failure(str(exc), EXIT_INVALID) from None
