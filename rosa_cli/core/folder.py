"""The records folder: finding it, its layout, and loading what is in it.

Layout (docs/data-model.md)::

    rosa.yaml  shelters.yaml  women/W-….yaml  stays/S-….yaml  calls/YYYY/C-….yaml

Single-record commands (``call add``, ``stay close``) read only the files they need
through :class:`RecordsFolder`; ``check`` and ``report`` load everything with
:func:`load_records`.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple

from rosa_cli.core.messages import Message, msg
from rosa_cli.core.model import WARNING, Problem, Records, Settings, Shelter
from rosa_cli.core.schema import KINDS, PLURAL, YEARLY
from rosa_cli.core.validate import Context, build_record, build_settings, build_shelters, cross_check, references_hold
from rosa_cli.core.yamlio import read_mapping

SETTINGS_FILE = "rosa.yaml"
SHELTERS_FILE = "shelters.yaml"
CACHE_DIR = ".rosa-cache"
ENV_VAR = "ROSA_RECORDS"

if TYPE_CHECKING:  # gitrepo is imported lazily at run time: it is only needed when git is asked
    from rosa_cli.core import gitrepo
    from rosa_cli.core.summary import YearSpan


class RecordsNotFound(Exception):
    """No records folder could be found; the message says how to make one."""


def find_records_root(explicit: Optional[str] = None, cwd: Optional[Path] = None) -> Path:
    """``--records DIR``, else ``$ROSA_RECORDS``, else the nearest parent holding rosa.yaml.

    Never falls back to the sample folder on its own: keeping a real case in the
    fictional sample would be a privacy accident.
    """
    for source, value in (("--records", explicit), (f"${ENV_VAR}", os.environ.get(ENV_VAR))):
        if value:
            root = Path(value).expanduser()
            if not (root / SETTINGS_FILE).is_file():
                raise RecordsNotFound(
                    f"{source} {value}: no {SETTINGS_FILE} there; make a records folder with: rosa init {value}"
                )
            return root
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise RecordsNotFound(
        "no records folder found (no rosa.yaml here or above); make one with: rosa init DIR, "
        f"then use --records DIR or set {ENV_VAR}=DIR"
    )


@dataclass
class RecordsFolder:
    root: Path
    today: date = field(default_factory=date.today)
    _settings: Optional[Tuple[Settings, List[Problem]]] = field(default=None, repr=False)
    _shelters: Optional[Tuple[Dict[str, Shelter], List[Problem]]] = field(default=None, repr=False)
    # while a changing command holds the writer lock: a call giving the folder's
    # `git status`, computed in the background (see operations.locked)
    git_status: Optional[Callable[[], gitrepo.FolderStatus]] = field(default=None, repr=False)
    # `git status` asked for as soon as a changing command starts (see prefetch_git_status)
    early_git_status: Optional[Callable[[], Tuple[Optional[str], gitrepo.FolderStatus]]] = field(default=None, repr=False)
    lock_waited: bool = False
    # record files readable by group or others, found by the last load (see loose_permissions)
    loose_files: Dict[str, Tuple[int, str, int]] = field(default_factory=dict, repr=False)

    # --- paths -------------------------------------------------------------------------

    def shown(self, path: Path) -> str:
        """A path as problems print it: relative to the records folder."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def kind_dir(self, kind: str) -> Path:
        return self.root / PLURAL[kind]

    def new_record_dir(self, kind: str, year: int) -> Path:
        return self.kind_dir(kind) / str(year) if kind in YEARLY else self.kind_dir(kind)

    def record_path(self, kind: str, record_id: str, argument: Optional[str] = None) -> Optional[Path]:
        """Where an existing record lives, or None: the one way from an id to a file.

        The id must match the id grammar (:func:`rosa_cli.core.ids.id_problem`), so it can
        name no other file than ``women/ID.yaml``, ``stays/ID.yaml`` or
        ``calls/YEAR/ID.yaml``; anything else (``../rosa``, a path, a name) is refused with
        :class:`Refused` naming ``argument``, before any file is looked at. A record file
        that is a link to somewhere outside the records folder is refused too.
        """
        from rosa_cli.core import ids
        from rosa_cli.core.errors import FieldIssue, Refused

        if kind == "website":
            problem = None if _WEBSITE_NAME.match(f"{record_id}.yaml") else f"{str(record_id)[:40]!r} is not a month like 2006-03"
        else:
            problem = ids.id_problem(kind, record_id)
        if problem:
            raise Refused([FieldIssue(argument or kind, problem)])
        name = f"{record_id}.yaml"
        if kind in YEARLY:
            path = self.kind_dir(kind) / str(ids.year_of(record_id)) / name
        else:
            path = self.kind_dir(kind) / name
        if not path.is_file():
            return None
        root = self.root.resolve()
        if root not in path.resolve().parents:
            raise Refused([FieldIssue(argument or kind, f"{self.shown(path)} is a link to a file outside the records folder; refusing to use it")])
        return path

    # --- permissions and leftovers -------------------------------------------------------

    def private_folders(self) -> List[Path]:
        """The folders that must be owner-only: the root, each kind and year folder, .git and the cache."""
        folders = [self.root]
        for kind in KINDS:
            base = self.kind_dir(kind)
            if kind in ("woman", "stay", "call") or base.is_dir():
                folders.append(base)
        for kind in YEARLY:
            try:
                with os.scandir(self.kind_dir(kind)) as it:
                    folders.extend(Path(e.path) for e in it if e.is_dir(follow_symlinks=False))
            except OSError:
                pass
        folders += [self.root / ".git", self.root / CACHE_DIR]
        return folders

    def make_private(self, notice: Optional[Callable[[str], None]] = None) -> int:
        """Tighten the records folder to owner-only (0700 folders, 0600 files) and remove
        temp files that crashed rosa commands left behind. Returns how many entries
        were fixed; says so once, on stderr, when there was something to fix.

        Called by every changing command, so it must stay cheap at 100,000 files: it
        looks at the few folders every time, and at the files inside a folder only when
        that folder itself was loose (a plain ``git clone`` or ``cp`` makes 0755/0644
        everything; a folder that is 0700 keeps others out of its files anyway).
        """
        from rosa_cli.core.yamlio import remove_dead_temps

        remove_dead_temps(self.root)
        fixed = 0
        for directory in self.private_folders():
            try:
                st = os.lstat(directory)
            except OSError:
                continue
            if not stat.S_ISDIR(st.st_mode) or not st.st_mode & 0o077:
                continue
            fixed += _tighten(directory, recursive=directory.name in (".git", CACHE_DIR))
        if fixed:
            message = msg(
                "folder.made_private",
                "rosa: made the records folder private (owner-only): {count} file(s) or folder(s) "
                "were readable or writable by group or others", count=fixed)
            (notice or _say)(message)
        return fixed

    # --- settings    # --- settings ----------------------------------------------------------------------

    def settings_and_problems(self) -> Tuple[Settings, List[Problem]]:
        if self._settings is None:
            data, problems = read_mapping(self.root / SETTINGS_FILE, SETTINGS_FILE)
            settings, more = build_settings(data if data is not None else {}, SETTINGS_FILE, self.today)
            if data is None:
                settings.organisation = settings.organisation or "?"
            self._settings = (settings, problems + (more if data is not None else []))
        return self._settings

    @property
    def settings(self) -> Settings:
        return self.settings_and_problems()[0]

    def shelters_and_problems(self) -> Tuple[Dict[str, Shelter], List[Problem]]:
        if self._shelters is None:
            path = self.root / SHELTERS_FILE
            if not path.exists():
                self._shelters = ({}, [])
            else:
                data, problems = read_mapping(path, SHELTERS_FILE)
                if data is None and problems and getattr(problems[0].message, "code", None) == "yaml.empty":
                    problems = []
                shelters, more = build_shelters(data, SHELTERS_FILE)
                self._shelters = (shelters, problems + more)
        return self._shelters

    @property
    def shelters(self) -> Dict[str, Shelter]:
        return self.shelters_and_problems()[0]

    def context(self) -> Context:
        return Context(self.settings, self.shelters, self.today)

    @contextmanager
    def write_lock(self, timeout: float = 60.0):
        """Hold the folder's writer lock: one changing command at a time validates,
        writes and commits, so no command commits another's half-finished files.

        An ``flock`` on ``.rosa-cache/write.lock``: the kernel releases it when a
        process dies, so a crash never leaves a stale lock behind.
        """
        import fcntl
        import time

        lock_dir = self.root / CACHE_DIR
        lock_dir.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(lock_dir / "write.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            deadline = time.monotonic() + timeout
            self.lock_waited = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    self.lock_waited = True
                    if time.monotonic() > deadline:
                        raise TimeoutError("another rosa command has been changing the records for a minute; try again") from None
                    time.sleep(0.02)
            # settings or shelters may have changed while we waited
            self._settings = None
            self._shelters = None
            yield
        finally:
            os.close(fd)

    def prefetch_git_status(self) -> None:
        """Start asking git for the folder's status now, while Python loads and checks.

        In a folder of 100,000 files ``git status`` takes a good part of a second;
        started at once it runs beside the command's own work. The answer is used only
        if nobody committed in between (see :func:`rosa_cli.core.operations.locked`).
        """
        from rosa_cli.core import gitrepo

        self.early_git_status = gitrepo.in_background(gitrepo.head_and_status, self.root)

    # --- records -----------------------------------------------------------------------

    def record_files(self, kind: str) -> Iterator[Path]:
        base = self.kind_dir(kind)
        if not base.is_dir():
            return iter(())
        if kind in YEARLY:
            return (p for year in sorted(base.iterdir()) if year.is_dir() for p in sorted(year.iterdir()))
        return iter(sorted(base.iterdir()))

    def load_one(self, kind: str, path: Path):
        """Read and validate one record file: ``(record or None, problems)``."""
        shown = self.shown(path)
        problem = self._unsafe_file(path, shown)
        if problem:
            return None, [problem]
        return self.load_file(kind, str(path), shown, self.context())

    @staticmethod
    def load_file(kind: str, path: str, shown: str, context: Context) -> Tuple[Any, List[Problem]]:
        """Read and validate a record file known to be safe (the bulk loader's path).

        Turns on ``context``'s memo of values read (:meth:`Context.remember_values`):
        the contexts passed here live for one load, with settings and shelters fixed."""
        if context.memo is None:
            context.memo = {}
        data, problems = read_mapping(path, shown)
        if data is None:
            return None, problems
        stem = shown.rsplit("/", 1)[-1][: -len(".yaml")]
        record, more = build_record(kind, data, shown, context, expected_id=stem)
        if kind in YEARLY and record is not None:
            filed_under = shown.split("/")[-2]
            field_name = "at" if kind == "call" else "on"
            year = getattr(record, field_name).year
            if filed_under != str(year):
                more.append(Problem(shown, record.line_of(field_name), msg(
                    "record.wrong_year_folder", "{kind} from {year} is filed under {folder}/",
                    kind=kind_word(kind), year=year, folder="/".join((PLURAL[kind], str(filed_under)))), WARNING))
        return record, problems + more

    def _unsafe_file(self, path: Path, shown: str) -> Optional[Problem]:
        if path.is_symlink():
            target = path.resolve()
            root = self.root.resolve()
            if root not in target.parents:
                return Problem(shown, None, msg("file.link_outside", "is a link to a file outside the records folder; refusing to read it"))
        return None


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _tighten(directory: Path, recursive: bool = False) -> int:
    """chmod go-rwx on ``directory`` and the entries in it (all levels if ``recursive``)."""
    fixed = 0
    pending = [directory]
    while pending:
        current = pending.pop()
        try:
            st = os.lstat(current)
            if st.st_mode & 0o077:
                os.chmod(current, stat.S_IMODE(st.st_mode) & 0o700)
                fixed += 1
            with os.scandir(current) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir():
                    if recursive:
                        pending.append(Path(entry.path))
                    continue
                mode = entry.stat().st_mode
                if mode & 0o077:
                    os.chmod(entry.path, stat.S_IMODE(mode) & 0o700)
                    fixed += 1
            except OSError:
                continue
    return fixed


def loose_permissions(folder: RecordsFolder, loose_files: Dict[str, Tuple[int, str, int]]) -> List[Problem]:
    """Problems for folders and record files readable or writable by group or others.

    ``loose_files`` comes from the scan loading already did (folder -> (count, an
    example name, its mode)), so checking file modes costs no extra ``stat``.
    """
    problems = []
    for directory in folder.private_folders():
        try:
            st = os.lstat(directory)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_mode & 0o077:
            shown = folder.shown(directory) if directory != folder.root else "."
            fix = str(directory)
            problems.append(Problem(shown, None, msg(
                "folder.loose_permissions",
                "folder is readable or writable by group or others (mode {mode}); "
                "fix: chmod -R go-rwx {path} (any changing rosa command also does it)",
                mode=format(stat.S_IMODE(st.st_mode), "o"), path=fix)))
    for name in ("rosa.yaml", "shelters.yaml"):
        try:
            st = os.stat(folder.root / name)
        except OSError:
            continue
        if st.st_mode & 0o077:
            problems.append(Problem(name, None, msg(
                "file.loose_permissions", "file is readable or writable by group or others (mode {mode}); fix: chmod go-rwx {path}",
                mode=format(stat.S_IMODE(st.st_mode), "o"), path=str(folder.root / name))))
    for relpath, (count, example, mode) in sorted(loose_files.items()):
        problems.append(Problem(relpath, None, msg(
            "records.loose_permissions",
            "{count} record file(s) readable or writable by group or others (e.g. {example}, mode {mode}); "
            "fix: chmod -R go-rwx {path}",
            count=count, example=example, mode=format(mode, "o"), path=str(folder.root / relpath))))
    return problems


_KIND_OF_PREFIX = {"W": "woman", "S": "stay", "C": "call", "T": "service", "A": "activity"}
NOT_A_RECORD = msg("file.not_a_record", "not a record; move it out of the records folder")
_CROCKFORD = "[0-9A-HJKMNP-TV-Z]"
_PREFIX = {"woman": "W", "stay": "S", "call": "C", "service": "T", "activity": "A"}
_HOME = {"woman": "women/", "stay": "stays/", "call": "calls/YYYY/", "service": "services/YYYY/", "activity": "activities/YYYY/"}
_WEBSITE_NAME = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])\.yaml$")
_RECORDISH = re.compile(r"^([WSCTA])-(.*)\.(yaml|yml|YAML|YML)$")


@lru_cache(maxsize=16)
def _record_name(kind: str) -> re.Pattern[str]:
    """The file names a folder of ``kind`` may hold: ``<id>.yaml`` in the id grammar.

    One pattern per kind, whatever the year: a year folder checks the year itself
    (``name[2:6]``), since compiling a pattern per year folder cost more than reading
    a warm cache (about 1 ms each, 2 per folder).
    """
    if kind == "website":
        return _WEBSITE_NAME
    return re.compile(rf"^{_PREFIX[kind]}-[0-9]{{4}}-(?!{_CROCKFORD}{{0,2}}[0-9]{{6}}){_CROCKFORD}{{4,8}}\.yaml$")


@lru_cache(maxsize=16)
def _usual_name(kind: str) -> re.Pattern[str]:
    """The names rosa itself makes (five random characters), matched without look-ahead."""
    if kind == "website":
        return _WEBSITE_NAME
    return re.compile(rf"^{_PREFIX[kind]}-[0-9]{{4}}-{_CROCKFORD}{{4,5}}\.yaml$")


def _name_test(kind: str, year: Optional[str]) -> Tuple[Callable[[str], bool], Callable[[str], bool]]:
    """``(usual, record)``: is a name one rosa makes / any record name of this folder."""
    record, usual = _record_name(kind).match, _usual_name(kind).match
    if year is None:
        return (lambda name: usual(name) is not None), (lambda name: record(name) is not None)
    return ((lambda name: name[2:6] == year and usual(name) is not None),
            (lambda name: name[2:6] == year and record(name) is not None))


def kind_word(kind: str) -> Message:
    """The word for a kind of record inside a message (translated with it)."""
    words = {
        "woman": msg("kind.woman", "woman"), "stay": msg("kind.stay", "stay"), "call": msg("kind.call", "call"),
        "service": msg("kind.service", "service"), "activity": msg("kind.activity", "activity"),
        "website": msg("kind.website", "website month"),
    }
    return words.get(kind) or msg("kind.record", "record")


def _misplaced(kind: str, relpath: str, name: str) -> Message:
    """Why a file in a records folder is not read as a record there (every one is reported)."""
    match = _RECORDISH.match(name)
    if kind == "website":
        if not match:
            return msg("file.not_website_month", "not a website month; website/ holds only YYYY-MM.yaml files")
        other = _KIND_OF_PREFIX.get(match.group(1), "")
        if other in _HOME:
            return msg("file.kind_in_website", "a {kind} file in website/, where it is not read; it belongs in {home}",
                       kind=kind_word(other), home=_HOME[other])
        return msg("file.record_in_website", "a record file in website/, where it is not read; it belongs in no folder rosa reads")
    if not match:
        return NOT_A_RECORD
    prefix, extension = match.group(1), match.group(3)
    if extension != "yaml":
        return msg("file.wrong_extension", "record files end in .yaml, not .{extension}; rename it (or move it out of the records folder)",
                   extension=extension)
    if prefix != _PREFIX[kind]:
        owner = _KIND_OF_PREFIX.get(prefix)
        if owner:
            return msg("file.other_kind_here", "a {kind} file in {folder}/, where it is not read; it belongs in {home}",
                       kind=kind_word(owner), folder=relpath, home=_HOME[owner])
        return msg("file.record_elsewhere", "a record file in {folder}/, where it is not read; it belongs in no folder rosa reads", folder=relpath)
    if kind in YEARLY:
        year = name[2:6]
        base = PLURAL[kind]
        if year.isdigit() and name[6:7] == "-" and relpath != f"{base}/{year}":
            return msg("file.wrong_year_folder", "a {kind} of {year} filed in {folder}/, where it is not read; move it to {home}/",
                       kind=kind_word(kind), year=year, folder=relpath, home="/".join((str(base), str(year))))
    return msg("file.name_not_an_id",
               "file name is not a record id ({prefix}-YEAR- and a random part of A-Z and 0-9 without I, L, O, U); it is not read",
               prefix=_PREFIX[kind])


def _kind_folders(folder: RecordsFolder, kind: str, refused: List[Problem]) -> List[Path]:
    """The folders holding ``kind``'s files: women/, stays/, or each calls/YYYY/.

    Anything else directly in calls/ — a call file at the wrong depth, a folder that is
    not a year, a stray file — is reported, never silently skipped. A folder that is a
    link to somewhere outside the records folder is not read: its files would be
    records nobody can see in the folder itself.
    """
    from rosa_cli.core.yamlio import is_live_temp

    base = folder.kind_dir(kind)
    candidates = [base]
    top = PLURAL[kind]
    if kind in YEARLY:
        try:
            with os.scandir(base) as it:
                entries = sorted(it, key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return []
        candidates = []
        for entry in entries:
            name = entry.name
            if entry.is_dir() and len(name) == 4 and name.isdigit():
                candidates.append(Path(entry.path))
            elif name == ".gitkeep" or is_live_temp(name):
                continue
            elif entry.is_dir():
                refused.append(Problem(f"{top}/{name}", None, msg(
                    "folder.not_a_year", "is not a year folder: the records in it are not read; move it out of the records folder")))
            elif _RECORDISH.match(name) and name.startswith(_PREFIX[kind] + "-") and name.endswith(".yaml"):
                refused.append(Problem(f"{top}/{name}", None, msg(
                    "file.not_in_year_folder", "a {kind} directly in {folder}/, where it is not read; they are filed by year: move it to {home}/",
                    kind=kind_word(kind), folder=top, home="/".join((str(top), name[2:6])))))
            else:
                refused.append(Problem(f"{top}/{name}", None, _misplaced(kind, top, name) if _RECORDISH.match(name) else NOT_A_RECORD))
    root = folder.root.resolve()
    safe = []
    for path in candidates:
        if path.is_symlink() and root not in path.resolve().parents:
            refused.append(Problem(folder.shown(path), None, msg(
                "folder.link_outside", "is a link to a folder outside the records folder; refusing to read it")))
        else:
            safe.append(path)
    return safe


@dataclass
class _FolderScan:
    kind: str
    relpath: str
    base: str  # the folder's path; a file's is base + "/" + its name (listing[i][0])
    listing: Optional[tuple]  # None: exactly as the cache holds it (``stored``)
    linked: list  # links to files inside the folder: read, never cached
    stored: Any = None  # the cache's StoredFolder when the folder is as cached
    loose: Optional[tuple] = None  # (files others may read, an example, its mode), kept with the entry


def _scan_folder(kind: str, directory: Path, relpath: str, problems: List[Problem], loose: Optional[dict] = None) -> Optional[_FolderScan]:
    """List one record folder: the record files to read, and a problem for every other entry.

    Only ``<id>.yaml`` names in the id grammar (of this kind, and for calls of this
    folder's year) are records. ``.gitkeep`` and the temp file of a rosa command still
    running are passed over; anything else — a PDF, an editor's swap file, a record in
    the wrong folder, a ``.yml`` — is an error, so ``check`` and ``report`` name it.
    ``loose`` collects files readable by group or others from the stat done anyway.

    A folder found exactly as the cache holds it never comes here (:func:`_scan_all`).
    """
    from rosa_cli.core.yamlio import is_live_temp

    try:
        with os.scandir(directory) as it:
            entries = list(it)
    except (FileNotFoundError, NotADirectoryError):
        return None
    year = relpath.rsplit("/", 1)[-1] if kind in YEARLY else None
    usual, any_id = _usual_name(kind).match, _record_name(kind).match
    # the common case in one pass: regular files named <id>.yaml with a 4-5 character
    # random part (no room for six digits), of this folder's year, not links
    if year is None:
        plain = [e for e in entries if (usual(e.name) or any_id(e.name)) and e.is_file(follow_symlinks=False)]
    else:
        plain = [e for e in entries if e.name[2:6] == year and (usual(e.name) or any_id(e.name)) and e.is_file(follow_symlinks=False)]
    linked = []
    if len(plain) != len(entries):
        _, record_name = _name_test(kind, year)
        regular = {e.name for e in plain}
        for entry in sorted((e for e in entries if e.name not in regular), key=lambda e: e.name):
            name = entry.name
            if name == ".gitkeep" or is_live_temp(name):
                continue
            shown = f"{relpath}/{name}"
            if entry.is_dir():
                problems.append(Problem(shown, None, msg(
                    "folder.inside_record_folder", "is a folder inside a record folder: the files in it are not read; move it out of the records folder")))
            elif not record_name(name):
                problems.append(Problem(shown, None, _misplaced(kind, relpath, name)))
            elif not entry.is_file():  # a FIFO or device would block or mislead the reader
                problems.append(Problem(shown, None, msg("file.not_regular", "is not a regular file; refusing to read it")))
            else:
                linked.append(entry)
    # only names and stat numbers are kept (DirEntry objects of 100,000 files would
    # hold ~100 MB until the end of loading); sorted by name after the stat, as plain
    # tuples (names are unique, so only names are compared)
    items = []
    loose_modes = {}
    for entry in plain:
        try:
            st = entry.stat()
        except OSError:
            continue
        items.append((entry.name, st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns))
        if st.st_mode & 0o077:
            loose_modes[entry.name] = st.st_mode & 0o777
    items.sort()
    note = None
    if loose_modes:
        example = min(loose_modes)
        note = (len(loose_modes), example, loose_modes[example])
        if loose is not None:
            loose[relpath] = note
    del plain, entries
    return _FolderScan(kind, relpath, str(directory), tuple(items), linked, None, note)


PARALLEL_MIN_FILES = 2000  # below this, starting worker processes costs more than it saves


class _ParsedChunks:
    """The workers' results, ``shown -> (row, problem rows)``, kept as each chunk's
    marshalled bytes until a file of it is asked for, and let go when all its files
    were taken: a cold load holds about one chunk of rows as objects, not all of them
    beside all records (issue 16's memory target).

    Results are taken from the workers as they are asked for (``pop`` waits for the
    chunk holding the file), so the loader builds the records of the first folders
    while the workers still parse the later ones, instead of waiting for them all.
    The pool is shut down once the last chunk is in (or when this object goes).
    """

    def __init__(self, pool: Any = None, results: Optional[Iterator[Tuple[Tuple[str, ...], Any]]] = None) -> None:
        self.where: Dict[str, int] = {}
        self.blobs: List[Any] = []
        self.opened: Dict[int, dict] = {}
        self.left: List[int] = []
        self.pool = pool
        self.results = results

    def add(self, names: Tuple[str, ...], blob: Any) -> None:
        index = len(self.blobs)
        self.blobs.append(blob)
        self.left.append(len(names))
        for name in names:
            self.where[name] = index

    def _receive(self, shown: str) -> None:
        """Take chunks from the workers until the one holding ``shown`` is in, or all are."""
        while self.results is not None and shown not in self.where:
            try:
                names, blob = next(self.results)
            except StopIteration:
                self.close()
            except (OSError, ImportError):  # the workers failed: the loader parses the rest itself
                self.close()
            else:
                self.add(names, blob)

    def close(self) -> None:
        self.results = None
        if self.pool is not None:
            pool, self.pool = self.pool, None
            pool.terminate()

    def __del__(self) -> None:
        self.close()

    def pop(self, shown: str, default: Any = None) -> Any:
        if shown not in self.where:
            self._receive(shown)
        index = self.where.pop(shown, None)
        if index is None:
            return default
        chunk = self.opened.get(index)
        if chunk is None:
            import marshal

            blob = self.blobs[index]
            chunk = self.opened[index] = marshal.loads(blob) if isinstance(blob, bytes) else blob
            self.blobs[index] = None
        value = chunk.pop(shown)
        self.left[index] -= 1
        if not self.left[index]:
            del self.opened[index]
        return value


# Files per task of a worker: small enough that the first results come back (and the
# loader starts building records) within a fraction of a second, large enough that
# sending tasks and results costs next to nothing beside parsing them.
CHUNK_FILES = 1500


def _parse_in_workers(folder: RecordsFolder, jobs: List[Tuple[str, str, str]]) -> _ParsedChunks:
    """Parse and validate many files on every core: ``shown -> (row, problem rows)``.

    A cold start on a big folder (a first run, a new rosa version) is dominated by
    parsing, which is independent per file. Workers come from a fresh forkserver,
    never a fork of this process (which may have threads running). The forkserver
    preloads nothing: on Python 3.11 and older it imports a preload list with the
    current folder first on ``sys.path`` (it ignores the ``sys_path`` it is given), so
    preloaded rosa modules came from any folder that merely holds a ``rosa_cli`` (a
    source checkout of another version) and the workers parsed with that code. Each
    worker imports what it needs itself, with this process's ``sys.path``; on two
    cores that costs no more time than preloading. (multiprocessing's default preload,
    ``__main__``, does nothing here: 3.11's forkserver is never given the main path.)
    Results are taken as the loader asks for them (see :class:`_ParsedChunks`), in
    the order of ``jobs``.
    """
    import multiprocessing

    workers = min(os.cpu_count() or 1, 8)
    size = max(200, min(CHUNK_FILES, len(jobs) // (workers * 4)))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([])
    pool = context.Pool(workers)
    try:
        return _ParsedChunks(pool, pool.imap(_parse_chunk, _tasks(str(folder.root), folder.today.toordinal(), jobs, size)))
    except BaseException:
        pool.terminate()
        raise


def _tasks(root: str, today: int, jobs: List[Tuple[str, str, str]], size: int) -> Iterator[tuple]:
    """The workers' tasks, each chunk let go once it is sent: the pool sends tasks as
    workers take them, while the loader is already building records, so the job
    list must not stay alive beside them (~10 MB at 100,000 calls)."""
    from collections import deque

    chunks = deque(jobs[i : i + size] for i in range(0, len(jobs), size))
    del jobs
    while chunks:
        yield (root, today, chunks.popleft())


def _parse_chunk(arg) -> Tuple[Tuple[str, ...], Any]:
    """One chunk's results: the names, and the results marshalled (as the cache keeps
    them, so they are marshal's plain values), else as they are."""
    import marshal

    from rosa_cli.core.cache import raw_result

    root, today, chunk = arg
    folder = RecordsFolder(Path(root), today=date.fromordinal(today))
    context = folder.context()
    pool: dict = {}
    load_file = folder.load_file
    results = {shown: raw_result(*load_file(kind, path, shown, context), pool) for kind, path, shown in chunk}
    try:
        return tuple(results), marshal.dumps(results)
    except ValueError:  # something marshal cannot write: pickle takes it as it is
        return tuple(results), results


def load_records(folder: RecordsFolder, kinds: Tuple[str, ...] = KINDS, years: Optional[YearSpan] = None) -> Records:
    """Load every record of ``kinds`` with all problems, including cross-record ones.

    Files unchanged since the last run come from the cache (:mod:`rosa_cli.core.cache`);
    only new or changed files are parsed and validated again — on every core when
    there are many of them.

    ``years`` (first, last): build the records of year folders (calls, services,
    activities) only where they may count in those years; every other year folder gives
    its problems and counts from the cache's summary (:mod:`rosa_cli.core.summary`) and
    its records are not in the result (``Records.unbuilt`` counts them). ``report``
    passes its period's years, ``check`` :data:`~rosa_cli.core.summary.NO_YEARS`; None
    (the default) builds everything.
    """
    import gc

    # Loading makes hundreds of thousands of small objects and no reference cycles;
    # the cyclic collector would walk them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_records(folder, kinds, years)
    finally:
        if collecting:
            gc.enable()


def _load_records(folder: RecordsFolder, kinds: Tuple[str, ...], years: Optional[YearSpan]) -> Records:
    from rosa_cli.core.cache import built, open_cache, problems_of
    from rosa_cli.core.summary import overlaps

    settings, problems = folder.settings_and_problems()
    shelters, shelter_problems = folder.shelters_and_problems()
    records = Records(settings=settings, shelters=shelters, problems=list(problems) + list(shelter_problems))
    targets: Dict[str, Dict[str, Any]] = {"woman": records.women, "stay": records.stays, "call": records.calls,
               "service": records.services, "activity": records.activities, "website": records.website}
    cache = open_cache(folder.root, folder.today)
    if not cache.enabled:
        years = None  # ROSA_NO_CACHE=1: everything read and built, the answer the cache is held to
    context = folder.context()
    scans = _scan_all(folder, kinds, records.problems, cache)
    parsed = _parse_changed(folder, cache, scans)

    seen: Dict[str, str] = {}
    woman_files: set = set()
    pool: dict = {}
    unbuilt_references: List[tuple] = []
    for scan in scans:
        taken = cache.unbuilt(scan.relpath) if _may_stay_unbuilt(scan, years) else None
        if taken is not None:  # as cached: its rows are not even unpacked
            _take_unbuilt(records, *taken, unbuilt_references)
            continue
        kind, relpath, base = scan.kind, scan.relpath, scan.base

        def read(name: str, base=base, relpath=relpath, kind=kind):
            from rosa_cli.core.cache import raw_result

            shown = f"{relpath}/{name}"
            done = parsed.pop(shown, None)
            if done is not None:
                return done
            return raw_result(*folder.load_file(kind, f"{base}/{name}", shown, context), pool)

        names, rows, problem_rows, summary = cache.folder_rows(relpath, scan.listing, read, scan.loose)
        if years is not None and kind in YEARLY and not scan.linked and not overlaps(summary, years):
            _take_unbuilt(records, summary, problems_of(problem_rows), unbuilt_references)  # read, not built
            continue
        paths, loaded, problems_found = built(relpath, names, rows, problem_rows)
        del rows
        for entry in scan.linked:
            record, found = folder.load_one(kind, Path(entry.path))
            paths.append(f"{relpath}/{entry.name}")
            loaded.append(record)
            problems_found = (problems_found or [None] * (len(loaded) - 1)) + [found]
        if kind == "woman":
            woman_files.update(shown.rsplit("/", 1)[1][:-5] for shown in paths)
        _place(records, targets[kind], seen, paths, loaded, problems_found)
    cache.forget_folders_except({scan.relpath for scan in scans}, tuple(PLURAL[k] for k in kinds))
    cache.save()
    if cache.enabled and kinds == KINDS:
        records.fingerprint = _fingerprint(scans)
    complete = {"woman", "stay", "call"} <= set(kinds)
    if unbuilt_references and not references_hold(records, set(chain.from_iterable(unbuilt_references)), complete, woman_files):
        # a folder left unbuilt names a woman who is not there (or not so): build
        # everything, so the problem is found record by record, where it is
        return _load_records(folder, kinds, None)
    records.problems.extend(cross_check(records, complete=complete, woman_files=woman_files, today=folder.today))
    return records


def _fingerprint(scans: List[_FolderScan]) -> Optional[Tuple[str, bool]]:
    """Every folder's names and packed stat signatures, hashed, as the cache keeps them;
    and whether every folder was found as cached. None when a file is a link (read,
    never cached)."""
    import hashlib

    from rosa_cli.core.unchanged import listing_signatures, names_text

    digest = hashlib.blake2b(digest_size=20)
    for scan in scans:
        if scan.linked:
            return None
        if scan.stored is not None:
            names, signatures = scan.stored.names, scan.stored.signatures
        else:
            assert scan.listing is not None
            names, signatures = names_text([item[0] for item in scan.listing]), listing_signatures(scan.listing)
        digest.update(f"{scan.relpath}\0{len(signatures)}\0{names}\0".encode())
        digest.update(signatures)
    return digest.hexdigest(), all(scan.stored is not None for scan in scans)


def _take_unbuilt(records: Records, summary: tuple, problems: Optional[list], references: List[tuple]) -> None:
    """A year folder left unbuilt: its files' problems (in file order, as building would
    add them), its counts, and its references for the cross-record check."""
    for found in problems or ():
        records.problems.extend(found or ())
    records.skipped += summary[1]
    records.unbuilt += summary[0]
    references.append(summary[4])


def _may_stay_unbuilt(scan: _FolderScan, years: Optional[YearSpan]) -> bool:
    """A year folder found as cached, with a usable summary, holding no record counted
    in ``years``: its records need not be built."""
    from rosa_cli.core.summary import overlaps

    stored = scan.stored
    return years is not None and scan.kind in YEARLY and stored is not None and not scan.linked and not overlaps(stored.summary, years)


def _scan_all(folder: RecordsFolder, kinds: Tuple[str, ...], problems: List[Problem], cache: Any = None) -> List[_FolderScan]:
    """Every record folder of ``kinds``, listed and stat'ed (one pass, no file read);
    a folder exactly as ``cache`` holds it is recognised without a tuple per file."""
    folder.loose_files.clear()
    found = [(kind, directory, folder.shown(directory)) for kind in kinds for directory in _kind_folders(folder, kind, problems)]
    as_cached = _found_as_cached(folder, cache, [relpath for _, _, relpath in found], [str(d) for _, d, _ in found])
    scans: List[_FolderScan] = []
    for kind, directory, relpath in found:
        known = as_cached.get(relpath)
        if known is not None:  # every name and stat number was checked when the entry was written
            if known.loose:
                folder.loose_files[relpath] = known.loose
            scans.append(_FolderScan(kind, relpath, str(directory), None, [], known, known.loose))
            continue
        scan = _scan_folder(kind, directory, relpath, problems, folder.loose_files)
        if scan is not None:
            scans.append(scan)
    return scans


def _found_as_cached(folder: RecordsFolder, cache: Any, relpaths: List[str], directories: List[str]) -> Dict[str, Any]:
    """``relpath -> cache entry`` of the folders that hold exactly what the cache holds."""
    from rosa_cli.core.unchanged import check_all

    if cache is None or not cache.enabled:
        return {}
    entries = [(relpath, directory, cache.known(relpath)) for relpath, directory in zip(relpaths, directories)]
    entries = [(relpath, directory, known) for relpath, directory, known in entries if known is not None]
    if not entries:
        return {}
    scratch = folder.root / CACHE_DIR / "tmp"  # private, like every file rosa keeps there
    try:
        scratch.mkdir(mode=0o700, parents=False, exist_ok=True)
    except OSError:
        scratch = folder.root / CACHE_DIR
    answers = check_all([(directory, known.names, known.signatures) for _, directory, known in entries],
                        [known.size for _, _, known in entries], str(scratch))
    return {relpath: known for (relpath, _, known), same in zip(entries, answers) if same}


def _parse_changed(folder: RecordsFolder, cache, scans: List[_FolderScan]) -> Any:
    """The files the cache does not hold as they are now, parsed on every core when
    there are many (a cold start), with ``pop(shown, default)``; ``{}`` when there are
    few: they are read in line."""
    jobs: List[Tuple[str, str, str]] = []
    for scan in scans:
        if scan.listing is None:  # as cached
            continue
        indices = cache.missing(scan.relpath, scan.listing) if cache.enabled else range(len(scan.listing))
        jobs.extend((scan.kind, f"{scan.base}/{scan.listing[i][0]}", f"{scan.relpath}/{scan.listing[i][0]}") for i in indices)
    minimum = int(os.environ.get("ROSA_PARALLEL_MIN_FILES", PARALLEL_MIN_FILES))
    if len(jobs) >= minimum and (os.cpu_count() or 1) > 1:
        try:
            return _parse_in_workers(folder, jobs)
        except (OSError, ImportError):  # no worker processes here: parse in this one
            return {}
    return {}


def _place(records: Records, target: Dict[str, Any], seen: Dict[str, str], paths: List[str], loaded: list,
           problems_of: Optional[list]) -> None:
    """Put one folder's records into ``target``, with their problems and duplicate ids."""
    if problems_of is None and None not in loaded:
        # the common case, in bulk: valid records, no problems, no duplicate ids
        record_ids = [record.id for record in loaded]
        if len(set(record_ids)) == len(record_ids) and not seen.keys() & set(record_ids):
            seen.update(zip(record_ids, paths))
            target.update(zip(record_ids, loaded))
            return
    for index, (shown, record) in enumerate(zip(paths, loaded)):
        found = problems_of[index] if problems_of else None
        if found:
            records.problems.extend(found)
        if record is None:
            records.skipped += 1
            continue
        record_id = record.id
        if record_id in seen:
            records.problems.append(Problem(shown, record.line_of("id"), msg(
                "record.duplicate_id", "duplicate id {id} (also in {other})", id=record_id, other=seen[record_id])))
            records.skipped += 1
            continue
        seen[record_id] = shown
        target[record_id] = record


def file_names_woman(path: Path, woman_id: str) -> bool:
    """True when the record file at ``path`` — typically one that failed to load — has
    a line ``woman: <woman_id>`` (quoted or not, a comment after it allowed).

    A broken stay or call file cannot be parsed, yet it may be her open stay: the
    commands that must not act on top of it find it by its ``woman:`` line, never by the
    id appearing anywhere (a note may mention another woman's id)."""
    wanted = re.compile(r"^\s*woman\s*:\s*([\"']?)" + re.escape(woman_id) + r"\1\s*(#.*)?$", re.MULTILINE)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return wanted.search(text) is not None

