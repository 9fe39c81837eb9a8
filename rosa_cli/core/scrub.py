"""``rosa scrub``: take a value written by mistake out of the records and all of history.

git keeps every version of every file, so a phone number typed into a note and
committed stays in ``git log -p`` after the note is edited. The only way out is to
rewrite history: every commit from the first one holding the value gets a new id.
That is done by git-filter-repo (the tool git's own manual recommends), with its
``--replace-text`` and ``--replace-message`` expressions written to a private file
inside ``.git`` and removed afterwards; then reflogs are expired and old objects
pruned, so nothing reachable in the repository still holds the value.

The value itself never appears in anything rosa prints, logs or commits: only
counts, file names, field names and commit ids.

Other offices hold the old history. The rewrite is recorded in the tracked file
``history-rewrites.yaml`` (dates and old commit ids only), so that ``rosa sync``
can see, with :func:`history_rewrite_refusal`, that merging would bring the value
back, and say what to do instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

from rosa_cli.core import gitrepo
from rosa_cli.core.errors import FieldIssue, Refused
from rosa_cli.core.folder import SETTINGS_FILE, SHELTERS_FILE, RecordsFolder
from rosa_cli.core.messages import Message, msg

REPLACEMENT = "[fjernet]"
MIN_LENGTH = 4
REWRITES_FILE = "history-rewrites.yaml"
COMMIT_MESSAGE = "scrub (history rewritten)"
RECORD_DIRS = {"women": "woman", "stays": "stay", "calls": "call",
               "services": "service", "activities": "activity", "website": "website"}
_COMMIT_ID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
# old commit ids of every rewritten commit, kept (ids only) for ``rosa scrub --push``
_REWRITTEN_LIST = "rosa-rewritten-commits"


class ScrubFailed(Exception):
    """The rewrite could not run or is not as it should be. ``message`` says what as a
    coded :class:`Message`; the CLI adds what to do, keyed on ``code``."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> str:
        return getattr(self.message, "code", "")


@dataclass
class ScrubPlan:
    """Where the value is, found before anything changes (counts and names, never the value)."""

    commits: List[str]  # commits whose changes or message hold the value (reachable from any ref)
    first_commits: List[str]  # the earliest of them: every commit from these on gets a new id
    rewritten: int  # commits that get a new id
    message_commits: int  # of ``commits``, those naming the value in their message
    files: List[str]  # tracked files (records and others) in the folder holding the value
    loose_files: List[str]  # untracked or ignored files holding it (backups, edit copies)
    reflog_only: int  # commits holding it reachable only from reflogs (dropped by the expiry)

    @property
    def found(self) -> bool:
        return bool(self.commits or self.files or self.loose_files or self.reflog_only)


@dataclass
class ScrubResult:
    plan: ScrubPlan
    commit: Optional[str] = None
    problems: List = field(default_factory=list)  # record problems after the rewrite (expected none)
    remotes: List[str] = field(default_factory=list)  # remotes whose shared history is now stale


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return gitrepo.run_git(root, list(args), check=check)


def _refuse(message: Message, field: str = "") -> None:
    raise Refused([FieldIssue(field, message)])


def check_text(text: str) -> None:
    """Refuse a text that would do more harm than good (too short) or cannot be expressed.

    The issues are about the field ``text`` (the CLI names it by its argument)."""
    if any(ch in text for ch in "\r\n\0"):
        _refuse(msg("scrub.text_multiline", "must be one line (no line breaks)"), "text")
    if len(text.strip()) < MIN_LENGTH:
        _refuse(msg(
            "scrub.text_too_short",
            "is shorter than {n} characters; so short a text would be replaced in many places "
            "it was never meant (dates, ids, other words). Give the whole value",
            n=MIN_LENGTH,
        ), "text")
    if text in REPLACEMENT:
        _refuse(msg(
            "scrub.text_in_replacement", "is part of the replacement {replacement} itself; it would still be there afterwards",
            replacement=REPLACEMENT,
        ), "text")


# --- finding -----------------------------------------------------------------------------


def _log_hits(root: Path, text: str, *selection: str) -> Tuple[Set[str], Set[str]]:
    """Commits whose changes hold ``text`` and commits whose message does."""
    changes = _git(root, "log", *selection, "--format=%H", "-S", text, check=False)
    messages = _git(root, "log", *selection, "--format=%H", "--fixed-strings", "--grep", text, check=False)
    return set(changes.stdout.split()), set(messages.stdout.split())


def _files_holding(root: Path, text: str, *options: str) -> List[str]:
    result = _git(root, "grep", "-l", "-z", "-I", "--fixed-strings", *options, "-e", text, check=False)
    return sorted(p for p in result.stdout.split("\0") if p)


def _loose_files_holding(root: Path, text: str) -> List[str]:
    """Untracked and ignored files under the folder holding the value (``.git`` aside):
    editor backups, temp files, ``rosa woman edit`` copies and the records cache."""
    needle = text.encode("utf-8")
    found = []
    # every file git does not track, ignored ones included (no --exclude-standard)
    for rel in _git(root, "ls-files", "-z", "--others").stdout.split("\0"):
        path = root / rel
        if not rel or path.is_symlink() or not path.is_file():
            continue
        try:
            if needle in path.read_bytes():
                found.append(rel)
        except OSError:
            continue
    return sorted(found)


def _earliest(root: Path, commits: Set[str]) -> List[str]:
    """Those of ``commits`` with no other of them among their ancestors."""
    if not commits:
        return []
    order = _git(root, "rev-list", "--topo-order", "--reverse", *sorted(commits)).stdout.split()
    first: List[str] = []
    for commit in order:
        if commit not in commits:
            continue
        if not any(_is_ancestor(root, earlier, commit) for earlier in first):
            first.append(commit)
    return first


def _is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    return _git(root, "merge-base", "--is-ancestor", ancestor, descendant, check=False).returncode == 0


def find(root: Path, text: str) -> ScrubPlan:
    """Where ``text`` is: commits, working files, loose files. Changes nothing."""
    changes, messages = _log_hits(root, text, "--all")
    commits = changes | messages
    first = _earliest(root, commits)
    rewritten = 0
    if first:
        descendants = set(first)
        for commit in first:
            descendants |= set(_git(root, "rev-list", "--ancestry-path", "--all", f"^{commit}").stdout.split())
        rewritten = len(descendants)
    reflog_changes, reflog_messages = _log_hits(root, text, "--reflog")
    reflog_only = len((reflog_changes | reflog_messages) - commits)
    return ScrubPlan(
        commits=sorted(commits),
        first_commits=first,
        rewritten=rewritten,
        message_commits=len(messages),
        files=_files_holding(root, text),
        loose_files=_loose_files_holding(root, text),
        reflog_only=reflog_only,
    )


# --- will the records stay valid? -------------------------------------------------------


def _fields_holding(data, text: str, prefix: str = "") -> List[str]:
    """Names of the fields (``residence.status`` for nested ones) whose value holds ``text``."""
    found: List[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if text in str(key):
                found.append(name)
            found.extend(_fields_holding(value, text, name))
    elif isinstance(data, list):
        for item in data:
            found.extend(_fields_holding(item, text, prefix))
    elif data is not None and text in str(data):
        found.append(prefix)
    return found


def _structured_fields(folder: RecordsFolder, files: Sequence[str], text: str) -> List[Message]:
    """``FILE: field F`` (code ``scrub.structured_field``) for every non-free-text field holding the value.

    Replacing a date, a country code, an id or a vocabulary word by ``[fjernet]``
    would make the record invalid; such a field must be set right first with the
    normal commands, which validate the new value.
    """
    from rosa_cli.core.schema import FIELDS
    from rosa_cli.core.yamlio import read_mapping

    refused = []
    for rel in files:
        parts = rel.split("/")
        kind = RECORD_DIRS.get(parts[0]) if len(parts) > 1 and rel.endswith(".yaml") else None
        if kind is None:
            continue
        data, _problems = read_mapping(str(folder.root / rel), rel)
        if not isinstance(data, dict):
            continue
        free = {f.name for f in FIELDS[kind] if f.free_text}
        for name in _fields_holding(data, text):
            if name.split(".")[0] not in free:
                refused.append(msg("scrub.structured_field", "{file}: field {field} holds the text", file=rel, field=name or "(top)"))
    return refused


def _problems_after(folder: RecordsFolder, files: Sequence[str], text: str) -> List[Message]:
    """New errors the replacement would bring into the working files, found on copies
    in a private temp folder (the records themselves untouched)."""
    from rosa_cli.core.folder import RecordsFolder as Folder

    new_text = lambda raw: raw.replace(text.encode("utf-8"), REPLACEMENT.encode("utf-8"))  # noqa: E731
    found: List[Message] = []

    def after_problem(problem) -> Message:
        where = f"{problem.path}:{problem.line}" if problem.line else str(problem.path)
        return msg("scrub.problem_after", "after the replacement: {where}: {problem}", where=where, problem=problem.message)

    with tempfile.TemporaryDirectory(prefix="rosa-scrub-check-") as tmp:
        tmp_root = Path(tmp)
        for name in (SETTINGS_FILE, SHELTERS_FILE):
            source = folder.root / name
            if source.is_file():
                raw = source.read_bytes()
                (tmp_root / name).write_bytes(new_text(raw) if name in files else raw)
        copy = Folder(tmp_root, today=folder.today)
        before = {str(p) for p in folder.settings_and_problems()[1] + folder.shelters_and_problems()[1] if p.is_error}
        after_settings = [p for p in copy.settings_and_problems()[1] + copy.shelters_and_problems()[1] if p.is_error]
        found += [after_problem(p) for p in after_settings if str(p) not in before]
        context = copy.context()
        for rel in files:
            parts = rel.split("/")
            kind = RECORD_DIRS.get(parts[0]) if len(parts) > 1 and rel.endswith(".yaml") else None
            if kind is None:
                continue
            path = folder.root / rel
            old = {str(p) for p in folder.load_file(kind, str(path), rel, folder.context())[1] if p.is_error}
            target = tmp_root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(new_text(path.read_bytes()))
            _record, problems = folder.load_file(kind, str(target), rel, context)
            found += [after_problem(p) for p in problems if p.is_error and str(p) not in old]
    return found


def refuse_unless_safe(folder: RecordsFolder, text: str) -> ScrubPlan:
    """Every check before the rewrite; returns where the value is, or raises :class:`Refused`."""
    from rosa_cli.core.operations import refuse_unsafe_folder

    root = folder.root
    check_text(text)
    if not gitrepo.is_own_repository(root):
        _refuse(msg("scrub.not_own_repository", "the records folder is not a git repository of its own; there is no history to scrub"))
    refuse_unsafe_folder(folder)
    status = gitrepo.folder_status(root)
    dirty = status.uncommitted + status.staged_elsewhere
    if dirty:
        _refuse(msg("scrub.uncommitted", "uncommitted changes: {files}; the rewrite would throw them away", files=", ".join(dirty)))
    if gitrepo.head_commit(root) is None:
        _refuse(msg("scrub.no_commits", "the records folder has no commits yet; there is no history to scrub"))
    plan = find(root, text)
    if not plan.found:
        _refuse(msg("scrub.not_found", "the text was found nowhere in the records or their history; nothing to scrub"))
    structured = _structured_fields(folder, plan.files, text)
    if structured:
        raise Refused([FieldIssue("", line) for line in structured])
    after = _problems_after(folder, plan.files, text)
    if after:
        raise Refused([FieldIssue("", line) for line in after])
    return plan


# --- rewriting ---------------------------------------------------------------------------


def filter_repo_command() -> List[str]:
    """How to start git-filter-repo: as a module of this Python (installed with rosa)
    or, failing that, the ``git-filter-repo`` program on PATH."""
    import importlib.util

    if importlib.util.find_spec("git_filter_repo") is not None:
        return [sys.executable, "-m", "git_filter_repo"]
    program = shutil.which("git-filter-repo")
    if program:
        return [program]
    raise ScrubFailed(msg("scrub.filter_repo_missing", "git-filter-repo is not installed"))


def _git_dir(root: Path) -> Path:
    return Path(_git(root, "rev-parse", "--absolute-git-dir").stdout.strip())


def _saved_config(root: Path) -> List[Tuple[str, str]]:
    """The remotes and branch tracking settings, which git-filter-repo removes with origin."""
    result = _git(root, "config", "--local", "-z", "--get-regexp", r"^(remote|branch)\.", check=False)
    pairs = []
    for entry in result.stdout.split("\0"):
        if entry:
            key, _, value = entry.partition("\n")
            pairs.append((key, value))
    return pairs


def _restore_config(root: Path, pairs: List[Tuple[str, str]]) -> None:
    now = set(_saved_config(root))
    if now == set(pairs):
        return
    for key in sorted({k for k, _ in pairs}):
        _git(root, "config", "--local", "--unset-all", key, check=False)
    for key, value in pairs:
        _git(root, "config", "--local", "--add", key, value)


def _expire_and_prune(root: Path) -> None:
    """Drop every reflog entry and every object nothing points to any more."""
    git_dir = _git_dir(root)
    # every reflog but the stash's: its entries are the stash itself (git-filter-repo
    # rewrote them, see _scrub_stash_log), kept as they are
    stash_log = git_dir / "logs" / "refs" / "stash"
    stash = stash_log.read_bytes() if stash_log.is_file() else None
    _git(root, "reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all")
    if stash is not None:
        from rosa_cli.core.yamlio import atomic_write_bytes

        stash_log.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(stash_log, stash)
    _git(root, "gc", "--quiet", "--prune=now")
    for name in ("ORIG_HEAD",):  # the old tip's id, left by the reset; its commit is gone
        (git_dir / name).unlink(missing_ok=True)


def drop_fetched_history(root: Path, tracking_ref: str) -> None:
    """Forget a fetch that brought scrubbed history back into an office that scrubbed.

    ``rosa sync`` has to fetch before it can see that the shared copy still holds the
    old history; when this office is the one that scrubbed, those fetched objects hold
    the removed value again. The remote-tracking ref is deleted and unreachable objects
    pruned, so the folder is as clean as the scrub left it.
    """
    _git(root, "update-ref", "-d", tracking_ref, check=False)
    _expire_and_prune(root)


def _run_filter_repo(root: Path, text: str) -> Dict[str, str]:
    """Rewrite every ref with the value replaced in file contents and commit messages;
    returns git-filter-repo's map of old to new commit ids."""
    git_dir = _git_dir(root)
    metadata = git_dir / "filter-repo"
    # an earlier run's marker would make filter-repo ask on stdin whether to continue it
    shutil.rmtree(metadata, ignore_errors=True)
    fd, expressions = tempfile.mkstemp(prefix="rosa-scrub-", suffix=".txt", dir=git_dir)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(b"literal:" + text.encode("utf-8") + b"==>" + REPLACEMENT.encode("utf-8") + b"\n")
        env = dict(os.environ, LC_ALL="C", GIT_TERMINAL_PROMPT="0")
        result = subprocess.run(
            [
                *filter_repo_command(),
                "--force",
                "--quiet",
                "--replace-text",
                expressions,
                "--replace-message",
                expressions,
                "--replace-refs",
                "delete-no-add",
            ],
            cwd=root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
        )
    finally:
        os.unlink(expressions)
    commit_map: Dict[str, str] = {}
    try:
        for line in (metadata / "commit-map").read_text().splitlines()[1:]:
            old, _, new = line.partition(" ")
            if old != new:
                commit_map[old] = new
    except OSError:
        pass
    shutil.rmtree(metadata, ignore_errors=True)
    if result.returncode != 0:
        # git-filter-repo's own words name refs and paths, never the replaced text
        lines = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        raise ScrubFailed(msg("scrub.filter_repo_failed", "git-filter-repo failed: {reason}", reason=lines[-1] if lines else "exit " + str(result.returncode)))
    return commit_map


def _scrub_loose_files(root: Path, files: Sequence[str], text: str) -> None:
    """Replace the value in untracked files; the records cache is removed (rebuilt on the next run)."""
    from rosa_cli.core.cache import remove_records_cache
    from rosa_cli.core.yamlio import atomic_write_bytes

    removed = set(remove_records_cache(root))
    needle, replacement = text.encode("utf-8"), REPLACEMENT.encode("utf-8")
    for rel in files:
        path = root / rel
        if rel in removed or not path.exists():
            continue
        atomic_write_bytes(path, path.read_bytes().replace(needle, replacement))


def _scrub_stash_log(root: Path, text: str) -> None:
    """The stash's list keeps each entry's message (``WIP on main: <subject>``), which
    git-filter-repo writes back unchanged; replace the value there too."""
    log = _git_dir(root) / "logs" / "refs" / "stash"
    if log.is_file():
        raw = log.read_bytes()
        needle = text.encode("utf-8")
        if needle in raw:
            from rosa_cli.core.yamlio import atomic_write_bytes

            atomic_write_bytes(log, raw.replace(needle, REPLACEMENT.encode("utf-8")))


def read_rewrites(text: Optional[str]) -> List[dict]:
    """The entries of a ``history-rewrites.yaml`` text; malformed parts are left out."""
    if not text:
        return []
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    if not isinstance(data, list):
        return []
    entries = []
    for item in data:
        if not isinstance(item, dict):
            continue
        olds = [str(c) for c in item.get("old_commits") or [] if _COMMIT_ID.match(str(c))]
        head = str(item.get("old_head") or "")
        entries.append({"date": str(item.get("date", "")), "old_commits": olds, "old_head": head if _COMMIT_ID.match(head) else ""})
    return entries


def _rewrite_entry_text(day: date, first: Sequence[str], old_head: Optional[str]) -> str:
    lines = [f"- date: {day.isoformat()}", "  old_commits:"]
    lines += [f"    - {commit}" for commit in first]
    if old_head:
        lines.append(f"  old_head: {old_head}")
    return "\n".join(lines) + "\n"


def _record_rewrite(root: Path, day: date, first: Sequence[str], old_head: Optional[str]) -> Path:
    from rosa_cli.core.yamlio import atomic_write

    path = root / REWRITES_FILE
    header = (
        "# Written by rosa scrub: each entry is one rewrite of this folder's history (a value\n"
        "# taken out of every commit). Old commit ids only, never the value. rosa sync reads\n"
        "# this to refuse bringing the old history back.\n"
    )
    old_text = path.read_text(encoding="utf-8") if path.exists() else header
    if old_text and not old_text.endswith("\n"):
        old_text += "\n"
    atomic_write(path, old_text + _rewrite_entry_text(day, first, old_head))
    return path


def scrub(folder: RecordsFolder, text: str, plan: ScrubPlan) -> ScrubResult:
    """Rewrite history and the working files with the value replaced, record the rewrite,
    expire reflogs and prune. Call under the folder's writer lock, after
    :func:`refuse_unless_safe` gave ``plan`` (and the user agreed)."""
    root = folder.root
    old_head = gitrepo.head_commit(root)
    config = _saved_config(root)
    remotes = _git(root, "remote").stdout.split()
    try:
        commit_map = _run_filter_repo(root, text) if plan.commits else {}
    finally:
        _restore_config(root, config)
    if plan.commits:
        git_dir = _git_dir(root)
        listed = git_dir / _REWRITTEN_LIST
        known = set(listed.read_text().split()) if listed.exists() else set()
        listed.write_text("\n".join(sorted(known | set(commit_map))) + "\n")
    _scrub_stash_log(root, text)
    _scrub_loose_files(root, plan.loose_files, text)
    result = ScrubResult(plan=plan, remotes=remotes)
    if plan.commits:
        path = _record_rewrite(root, folder.today, plan.first_commits, old_head)
        result.commit = gitrepo.commit_change(root, [path], COMMIT_MESSAGE).commit
    _expire_and_prune(root)
    # the proof: nothing reachable and nothing in the folder holds the value any more
    changes, messages = _log_hits(root, text, "--all", "--reflog")
    if changes or messages or _files_holding(root, text) or _loose_files_holding(root, text):
        raise ScrubFailed(msg("scrub.still_found", "the text is still found after the rewrite"))
    from rosa_cli.core.folder import load_records
    from rosa_cli.core.summary import NO_YEARS

    result.problems = [p for p in load_records(folder, years=NO_YEARS).problems if p.is_error]
    return result


# --- sharing the rewrite ----------------------------------------------------------------


@dataclass
class PushPlan:
    remote: str
    branch: str
    remote_tip: Optional[str]  # the remote branch's commit now (None: no such branch)
    unknown_tip: bool  # the remote has commits this folder never rewrote (made elsewhere)
    up_to_date: bool


def plan_push(folder: RecordsFolder, remote: str = "origin") -> PushPlan:
    """What ``rosa scrub --push`` would replace, asked of the remote without fetching
    (a fetch would bring the old history, and the value, back into this folder)."""
    root = folder.root
    if not gitrepo.is_own_repository(root):
        _refuse(msg("scrub.push_not_own_repository", "the records folder is not a git repository of its own; nothing to push"))
    if not read_rewrites(_show(root, "HEAD", REWRITES_FILE)):
        _refuse(msg("scrub.no_rewrite_recorded", "no history rewrite is recorded here ({file})", file=REWRITES_FILE))
    if remote not in _git(root, "remote").stdout.split():
        _refuse(msg("scrub.no_remote", "no git remote '{name}'", name=remote, root=str(root)))
    branch = _git(root, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    listed = _git(root, "ls-remote", remote, f"refs/heads/{branch}")
    tip = listed.stdout.split()[0] if listed.stdout.split() else None
    head = gitrepo.head_commit(root)
    rewritten_file = _git_dir(root) / _REWRITTEN_LIST
    rewritten = set(rewritten_file.read_text().split()) if rewritten_file.exists() else set()
    known = tip is None or tip in rewritten or (head is not None and _is_ancestor(root, tip, head))
    return PushPlan(remote, branch, tip, unknown_tip=not known, up_to_date=tip == head)


def push(folder: RecordsFolder, plan: PushPlan) -> None:
    """Replace the remote branch with this folder's rewritten history (``--force-with-lease``
    on the commit seen by :func:`plan_push`, so nothing pushed since is overwritten unseen)."""
    root = folder.root
    lease = f"--force-with-lease=refs/heads/{plan.branch}:{plan.remote_tip or ''}"
    result = _git(root, "push", "--quiet", lease, plan.remote, f"HEAD:refs/heads/{plan.branch}", check=False)
    if result.returncode != 0:
        if "stale info" in result.stderr or "rejected" in result.stderr:  # git's own words (C locale)
            raise ScrubFailed(msg(
                "scrub.push_stale", "the remote changed since rosa looked at it (another office pushed); nothing was replaced",
            ))
        raise gitrepo.GitError(gitrepo.explain_failure(result.stderr))
    _git(root, "update-ref", f"refs/remotes/{plan.remote}/{plan.branch}", "HEAD")
    _expire_and_prune(root)
    # a shared repository on a path this machine reaches (a network share, a USB disk)
    # is cleaned the same way; a server's old objects go with the server's own gc
    url = remote_url(root, plan.remote)
    shared = Path(url[len("file://"):] if url.startswith("file://") else url)
    if url != "URL" and shared.is_absolute() is False:
        shared = (root / shared)
    if url != "URL" and shared.is_dir() and gitrepo.run_git(shared, ["rev-parse", "--git-dir"], check=False).returncode == 0:
        _expire_and_prune(shared)


def remote_url(root: Path, remote: str) -> str:
    result = _git(root, "remote", "get-url", remote, check=False)
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "URL"


# --- for rosa sync -------------------------------------------------------------------------


def _show(root: Path, ref: str, path: str) -> Optional[str]:
    result = _git(root, "show", f"{ref}:{path}", check=False)
    return result.stdout if result.returncode == 0 else None


def _record_paths(root: Path, ref: str) -> Set[str]:
    listed = _git(root, "ls-tree", "-r", "-z", "--name-only", ref, "--", *RECORD_DIRS, check=False).stdout
    return {p for p in listed.split("\0") if p.endswith(".yaml")}


def _record_id(path: str) -> str:
    return path.rsplit("/", 1)[-1][: -len(".yaml")]


def _made_here(root: Path, local_ref: str, remote_ref: str, old_head: str) -> Tuple[List[str], List[str]]:
    """Record ids this office added (not in the shared copy) and changed since the rewrite."""
    local, shared = _record_paths(root, local_ref), _record_paths(root, remote_ref)
    added = sorted(_record_id(p) for p in local - shared)
    changed: List[str] = []
    if old_head and _git(root, "cat-file", "-e", f"{old_head}^{{commit}}", check=False).returncode == 0:
        diff = _git(root, "diff", "--name-only", "-z", old_head, local_ref, "--", *RECORD_DIRS, check=False).stdout
        changed = sorted(_record_id(p) for p in diff.split("\0") if p.endswith(".yaml") and p in shared)
    return added, changed


def history_rewrite_refusal(root: Path, local_ref: str, remote_ref: str) -> Optional[Message]:
    """Why merging ``remote_ref`` into ``local_ref`` must not happen, or None.

    (a) ``sync.history_rewritten_elsewhere``: the remote's ``history-rewrites.yaml``
    lists an old commit that ``local_ref`` still has: another office took a value out of
    the shared history and this folder holds the old one; merging would bring the value
    back. Its params carry the shared copy's ``url`` and the records ``made`` and
    ``changed`` here since, for the CLI's advice (re-clone, copy those over).
    (b) ``sync.history_rewritten_here``: this folder's file lists an old commit that
    ``remote_ref`` still has: this office scrubbed and has not yet replaced the shared
    history. Call after fetching.
    """
    root = Path(root)
    for entry in read_rewrites(_show(root, remote_ref, REWRITES_FILE)):
        if any(_is_ancestor(root, old, local_ref) for old in entry["old_commits"]):
            short = remote_ref[len("refs/remotes/"):] if remote_ref.startswith("refs/remotes/") else remote_ref
            remote = short.split("/", 1)[0] if "/" in short else "origin"
            added, changed = _made_here(root, local_ref, remote_ref, entry["old_head"])
            made = ", ".join(added) if added else msg("sync.none", "none")
            url = remote_url(root, remote)
            if changed:
                return msg(
                    "sync.history_rewritten_elsewhere",
                    "another office removed a value from the shared history on {date}; this folder still holds the old "
                    "history, and syncing would bring the value back, so nothing was synced. Records made here since: "
                    "{made}; records changed here since: {changed}",
                    date=entry["date"], url=url, made=made, changed=", ".join(changed),
                )
            return msg(
                "sync.history_rewritten_elsewhere",
                "another office removed a value from the shared history on {date}; this folder still holds the old "
                "history, and syncing would bring the value back, so nothing was synced. Records made here since: {made}",
                date=entry["date"], url=url, made=made, changed="",
            )
    for entry in read_rewrites(_show(root, local_ref, REWRITES_FILE)):
        if any(_is_ancestor(root, old, remote_ref) for old in entry["old_commits"]):
            return msg(
                "sync.history_rewritten_here",
                "this folder's history was rewritten on {date} (a value was scrubbed) but the remote still has "
                "the old history, value included; nothing was synced",
                date=entry["date"],
            )
    return None
