"""The records folder: finding it, its layout, and loading what is in it.

Layout (SPEC section 2)::

    rosa.yaml  shelters.yaml  women/W-….yaml  stays/S-….yaml  calls/YYYY/C-….yaml

Single-record commands (``call add``, ``stay close``) read only the files they need
through :class:`RecordsFolder`; ``check`` and ``report`` load everything with
:func:`load_records`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from rosa_cli.core.model import WARNING, Problem, Records, Settings, Shelter
from rosa_cli.core.schema import PLURAL
from rosa_cli.core.validate import Context, build_record, build_settings, build_shelters, cross_check
from rosa_cli.core.yamlio import read_mapping

SETTINGS_FILE = "rosa.yaml"
SHELTERS_FILE = "shelters.yaml"
CACHE_DIR = ".rosa-cache"
ENV_VAR = "ROSA_RECORDS"


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
        return self.kind_dir(kind) / str(year) if kind == "call" else self.kind_dir(kind)

    def record_path(self, kind: str, record_id: str) -> Optional[Path]:
        """Where an existing record lives, or None. Calls are filed by year."""
        if kind != "call":
            path = self.kind_dir(kind) / f"{record_id}.yaml"
            return path if path.is_file() else None
        parts = record_id.split("-")
        if len(parts) >= 2 and parts[1].isdigit():
            guess = self.kind_dir("call") / parts[1] / f"{record_id}.yaml"
            if guess.is_file():
                return guess
        for path in self.kind_dir("call").glob(f"*/{record_id}.yaml"):
            return path
        return None

    # --- settings ----------------------------------------------------------------------

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
                if data is None and problems and problems[0].message == "file is empty":
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
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError("another rosa command has been changing the records for a minute; try again") from None
                    time.sleep(0.02)
            # settings or shelters may have changed while we waited
            self._settings = None
            self._shelters = None
            yield
        finally:
            os.close(fd)

    # --- records -----------------------------------------------------------------------

    def record_files(self, kind: str) -> Iterator[Path]:
        base = self.kind_dir(kind)
        if not base.is_dir():
            return iter(())
        if kind == "call":
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
    def load_file(kind: str, path: str, shown: str, context: Context):
        """Read and validate a record file known to be safe (the bulk loader's path)."""
        data, problems = read_mapping(path, shown)
        if data is None:
            return None, problems
        stem = shown.rsplit("/", 1)[-1][: -len(".yaml")]
        record, more = build_record(kind, data, shown, context, expected_id=stem)
        return record, problems + more

    def _unsafe_file(self, path: Path, shown: str) -> Optional[Problem]:
        if path.is_symlink():
            target = path.resolve()
            root = self.root.resolve()
            if root not in target.parents:
                return Problem(shown, None, "is a link to a file outside the records folder; refusing to read it")
        return None


def _skip(name: str) -> bool:
    """Editor backups, temp files of atomic writes, dot files: not records."""
    return name.startswith(".") or name.endswith("~")


def _scan(base: Path, nested: bool, root: Path, refused: List[Problem]) -> Iterator[os.DirEntry]:
    """Directory entries of a kind's folder (one level down for calls/YYYY/), sorted.

    A folder that is a link to somewhere outside the records folder is not read: its
    files would be records nobody can see in the folder itself.
    """
    if base.is_symlink() and root.resolve() not in base.resolve().parents:
        refused.append(Problem(base.relative_to(root).as_posix(), None, "is a link to a folder outside the records folder; refusing to read it"))
        return
    try:
        with os.scandir(base) as it:
            entries = sorted(it, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if nested and entry.is_dir() and not _skip(entry.name):
            yield from _scan(Path(entry.path), False, root, refused)
        else:
            yield entry


def load_records(folder: RecordsFolder, kinds: Tuple[str, ...] = ("woman", "stay", "call")) -> Records:
    """Load every record of ``kinds`` with all problems, including cross-record ones.

    Files unchanged since the last run come from the cache (:mod:`rosa_cli.core.cache`);
    only new or changed files are parsed and validated again.
    """
    from rosa_cli.core.cache import open_cache, signature

    settings, problems = folder.settings_and_problems()
    shelters, shelter_problems = folder.shelters_and_problems()
    records = Records(settings=settings, shelters=shelters, problems=list(problems) + list(shelter_problems))
    targets = {"woman": records.women, "stay": records.stays, "call": records.calls}
    cache = open_cache(folder.root, folder.today)
    root_length = len(str(folder.root)) + 1
    seen: Dict[str, str] = {}
    present = set()
    context = folder.context()
    for kind in kinds:
        for entry in _scan(folder.kind_dir(kind), kind == "call", folder.root, records.problems):
            name = entry.name
            if _skip(name):
                continue
            shown = entry.path[root_length:].replace(os.sep, "/")
            if not name.endswith(".yaml") or entry.is_dir():
                records.problems.append(Problem(shown, None, "is not a record file (records are .yaml files); move it out", WARNING))
                continue
            if not entry.is_file():  # a FIFO or device would block or mislead the reader
                records.problems.append(Problem(shown, None, "is not a regular file; refusing to read it"))
                continue
            if entry.is_symlink():
                record, found = folder.load_one(kind, Path(entry.path))
            else:
                present.add(shown)
                try:
                    sig = signature(entry.stat())
                except OSError:
                    sig = None
                cached = cache.get(shown, sig) if sig else None
                if cached is not None:
                    record, found = cached
                else:
                    record, found = folder.load_file(kind, entry.path, shown, context)
                    if sig:
                        cache.put(shown, sig, record, found)
            if found:
                records.problems.extend(found)
            if record is None:
                records.skipped += 1
                continue
            record_id = record.id
            if record_id in seen:
                records.problems.append(Problem(shown, record.line_of("id"), f"duplicate id {record_id} (also in {seen[record_id]})"))
                records.skipped += 1
                continue
            seen[record_id] = shown
            if kind == "call" and shown.split("/", 2)[1] != str(record.at.year):
                records.problems.append(
                    Problem(shown, record.line_of("at"), f"call from {record.at.year} is filed under calls/{shown.split('/', 2)[1]}/", WARNING)
                )
            targets[kind][record_id] = record
    cache.forget_missing(present, tuple(PLURAL[k] for k in kinds))
    cache.save()
    woman_files = {Path(p).stem for p in present if p.startswith("women/")}
    records.problems.extend(cross_check(records, complete=set(kinds) == {"woman", "stay", "call"}, woman_files=woman_files))
    return records
