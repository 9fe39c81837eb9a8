"""A cache of parsed, validated records, so a warm ``report`` or ``check`` reads only what changed.

Lives in ``.rosa-cache/records/<folder>.marshal`` inside the records folder, one file
per records folder (git-ignored, owner-only like everything there); docs/records-folder.md,
"What the cache keys on". Besides the rows, each file keeps what a command needs of a
folder it does not build: its names and packed stat signatures, compared whole by
:mod:`rosa_cli.core.unchanged`, and a summary (:mod:`rosa_cli.core.summary`).

The cache may make rosa faster, never change an answer, so it keys on everything an
answer depends on:

* each file's entry on its name, size, inode, mtime_ns and ctime_ns, grouped by folder.
  ctime cannot be set back by hand (``touch -d`` sets mtime only), so a same-size edit
  with the old mtime restored is still seen. Git's "racy clean" rule applies: an entry
  whose mtime or ctime is not strictly older than the cache file's own timestamp is
  not stored, because a second edit within the same clock tick would leave its
  signature unchanged (:meth:`RecordCache.save`);
* the whole cache on the rosa code itself (a hash of every ``.py`` file of the installed
  package, :func:`code_fingerprint`), the installed versions of the libraries whose data
  validation reads (pycountry, babel), the Python and marshal versions, and the *content*
  of ``rosa.yaml`` and ``shelters.yaml`` (validation reads vocabularies and shelter keys).

Problems are cached with their records, so a cached run reports the same errors as an
uncached one.

"Dates in the future" depends on the day: when the day has moved on, entries that
had problems are validated again (a date can only stop being in the future); when
the clock went backwards the cache is dropped.

Records are stored as tuples of plain values (:func:`rosa_cli.core.model.to_row`) and
written with :mod:`marshal`, which reads 100,000 of them several times faster than
pickle reads objects; marshal's format is tied to the Python version, which is part of
the key. A missing, corrupt, stale or foreign cache is silently rebuilt; concurrent runs are
safe because the cache is replaced atomically and is only ever a copy of the files.
``ROSA_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import marshal
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from rosa_cli import __version__
from rosa_cli.core.model import Problem, from_row, to_row
from rosa_cli.core.schema import PLURAL
from rosa_cli.core.unchanged import listing_signatures, names_text

SCHEMA_VERSION = 6  # 4: free-text limit and wider privacy detection; strict id grammar; misplaced files; 5: messages as data;
# 6: names and packed signatures apart, folder summaries, problems apart from rows
RECORDS_DIR = "records"  # .rosa-cache/records/<folder>.marshal, one file per records folder
OLD_CACHE_FILE = "records.marshal"  # rosa before issue 16 kept one file; removed when seen
ENV_DISABLE = "ROSA_NO_CACHE"

# One folder's files as they were: ((name, size, inode, mtime_ns, ctime_ns), …), the
# record rows (or None) and the problems, each aligned with the listing.
FolderEntry = Tuple[tuple, tuple, tuple]
VALIDATION_LIBRARIES = ("pycountry", "babel")
KIND_OF_DIR = {plural: kind for kind, plural in PLURAL.items()}


def _kind_of(relpath: str) -> str:
    """The kind of record a folder holds (``calls/2006`` -> ``call``)."""
    return KIND_OF_DIR[relpath.split("/", 1)[0]]


@dataclass
class StoredFolder:
    """One folder's cache file as read: the rows and problems stay marshalled bytes until
    the folder's records are built, so a folder that is only looked at (unchanged, or not
    needed by the command, see :mod:`rosa_cli.core.summary`) costs two comparisons
    (:func:`rosa_cli.core.unchanged.as_cached`)."""

    names: str  # the record files' names, sorted (rosa_cli.core.unchanged.names_text)
    signatures: bytes  # rosa_cli.core.unchanged.listing_signatures of the listing
    loose: Optional[tuple]  # (files readable by others, an example, its mode) or None
    summary: tuple  # rosa_cli.core.summary.Summary of the rows
    problems: Optional[bytes]  # marshalled problem rows aligned with the names; None: no file has any
    rows: bytes  # marshalled rows aligned with the names

    def name_list(self) -> tuple:
        return tuple(self.names.split("\n")) if self.names else ()

    def listing(self) -> tuple:
        from array import array

        names = self.name_list()
        numbers = array("q")
        numbers.frombytes(self.signatures)
        count = len(names)
        if len(numbers) != 4 * count:
            raise ValueError("cache entry does not match its listing")
        return tuple(zip(names, numbers[0:count], numbers[count:2 * count], numbers[2 * count:3 * count], numbers[3 * count:]))

    def problem_rows(self) -> tuple:
        if self.problems is None:
            return ((),) * self.size
        found = marshal.loads(self.problems)
        if len(found) != self.size:
            raise ValueError("cache entry does not match its listing")
        return found

    @property
    def size(self) -> int:
        return len(self.signatures) // 32

    def expand(self) -> FolderEntry:
        rows = marshal.loads(self.rows)
        if len(rows) != self.size:
            raise ValueError("cache entry does not match its listing")
        return self.listing(), rows, self.problem_rows()


def _content_hash(path: Path) -> Optional[str]:
    """A small file's content hash (rosa.yaml, shelters.yaml): immune to racy timestamps."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


_CODE_FINGERPRINT: Optional[str] = None
FINGERPRINT_FILE = "code.marshal"


def code_fingerprint(root: Optional[Path] = None) -> str:
    """A hash of rosa's own code: every ``.py`` file of the installed package, and the
    versions of the libraries validation reads (their dist-info folder names).

    A changed validation rule (a new rosa version, a hot-fixed file, an editable
    install being worked on) therefore rebuilds the cache. Hashing the files takes
    some milliseconds, so the hash is kept in ``.rosa-cache/code.marshal`` with the
    files' stat signatures (size, mtime_ns, ctime_ns) and reused while those match.
    """
    global _CODE_FINGERPRINT
    if _CODE_FINGERPRINT is not None:
        return _CODE_FINGERPRINT
    import rosa_cli

    package = Path(rosa_cli.__file__).resolve().parent
    relative = _python_files(str(package))  # os.scandir: pathlib's rglob cost 0.1 s a run
    files = [package / name for name in relative]
    stats = []
    for name in relative:
        try:
            st = os.stat(os.path.join(package, name))
            stats.append((name, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
        except OSError:
            stats.append((name, -1, -1, -1))
    libraries = tuple(library_version(name) for name in VALIDATION_LIBRARIES)
    signature_now = (str(package), tuple(stats), libraries)
    stored_file = root / ".rosa-cache" / FINGERPRINT_FILE if root is not None else None
    if stored_file is not None:
        try:
            stored_signature, stored_hash = marshal.loads(stored_file.read_bytes())
            if _plain(stored_signature) == _plain(signature_now) and isinstance(stored_hash, str):
                _CODE_FINGERPRINT = stored_hash
                return stored_hash
        except Exception:  # missing or foreign: hash again
            pass
    import hashlib

    digest = hashlib.sha256()
    for name, path in zip(relative, files):
        digest.update(name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")
        digest.update(b"\0")
    for version in libraries:
        digest.update(version.encode() + b"\0")
    _CODE_FINGERPRINT = digest.hexdigest()
    if stored_file is not None and stored_file.parent.is_dir():
        from rosa_cli.core.yamlio import atomic_write_bytes

        try:
            atomic_write_bytes(stored_file, marshal.dumps((signature_now, _CODE_FINGERPRINT)))
        except (OSError, ValueError):
            pass
    return _CODE_FINGERPRINT


def _python_files(package: str) -> List[str]:
    """Every ``.py`` file under ``package``, as sorted relative POSIX paths."""
    found: List[str] = []
    folders = [""]
    while folders:
        relative = folders.pop()
        with os.scandir(os.path.join(package, relative)) as entries:
            for entry in entries:
                name = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(name)
                elif entry.name.endswith(".py"):
                    found.append(name)
    return sorted(found)


def library_version(name: str) -> str:
    """``name``'s installed version, from its dist-info folder's name, without importing it."""
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return f"{name}:missing"
    if spec is None or not spec.origin:
        return f"{name}:missing"
    site = Path(spec.origin).resolve().parent.parent
    try:
        found = sorted(e for e in os.listdir(site) if e.lower().startswith(name.lower() + "-") and e.endswith((".dist-info", ".egg-info")))
    except OSError:
        found = []
    return f"{name}:{','.join(found) or spec.origin}"


@dataclass
class RecordCache:
    """Cached results by folder (``women``, ``stays``, ``calls/2006``), one file each.

    Each folder's entry lives in its own file, ``.rosa-cache/records/<folder>.marshal``
    (``calls__2006.marshal``), read only when that folder is loaded and written only
    when that folder changed: a warm run reads the folders it needs, one new call
    rewrites one year's file, not the whole cache (issue 16). A folder's rows are
    dropped as soon as its records are built, so rows and records of the whole folder
    are never alive together.

    A folder whose files' names and signatures are unchanged is taken whole (the scan
    compares them in two comparisons, :meth:`known`); a folder the command does not
    need built gives only its summary and problems (:meth:`unbuilt`); otherwise each
    unchanged file is taken from the entry and the rest are read again.
    """

    root: Path
    key: tuple
    today: date
    folders: Dict[str, Any] = field(default_factory=dict)  # StoredFolder as read, FolderEntry to write, or None
    extras: Dict[str, Tuple[Optional[tuple], tuple]] = field(default_factory=dict)  # (loose, summary) to write
    changed: set = field(default_factory=set)  # folders whose entry must be written
    gone: set = field(default_factory=set)  # folders whose file must be removed
    dirty: bool = False  # every folder must be written (a new key or a new day)

    @property
    def enabled(self) -> bool:
        return not os.environ.get(ENV_DISABLE)

    @property
    def directory(self) -> Path:
        return self.root / ".rosa-cache" / RECORDS_DIR

    def entry(self, relpath: str) -> Any:
        """The cached entry of one folder (a :class:`StoredFolder`, or a FolderEntry when
        it was stored on an earlier day), read from its file the first time, or None."""
        if relpath in self.folders:
            return self.folders[relpath]
        found = None
        if self.enabled:
            found = _read_entry(self.directory / _file_name(relpath), self.key, self.today)
            if found is not None and found[1]:  # stored on an earlier day: files with problems are read again
                self.changed.add(relpath)
            self.folders[relpath] = found[0] if found is not None else None
        return found[0] if found is not None else None

    def known(self, relpath: str) -> Optional[StoredFolder]:
        """The folder's entry when its files may be compared as a whole with the scan's
        (names, then packed signatures); None when there is none or it must be written."""
        stored = self.entry(relpath)
        if isinstance(stored, StoredFolder) and relpath not in self.changed and not self.dirty:
            return stored
        return None

    def _listing_of(self, relpath: str) -> Optional[tuple]:
        cached = self.entry(relpath)
        if isinstance(cached, StoredFolder):
            try:
                return cached.listing()
            except ValueError:
                return None
        return cached[0] if cached is not None else None

    def missing(self, relpath: str, listing: tuple) -> List[int]:
        """Indices of ``listing``'s files the cache does not hold as they are now."""
        cached = self._listing_of(relpath)
        if cached is None:
            return list(range(len(listing)))
        if cached == listing:
            return []
        known = {tuple(item) for item in cached}
        return [i for i, item in enumerate(listing) if item not in known]

    def unbuilt(self, relpath: str) -> Optional[Tuple[tuple, Optional[List[Optional[List[Problem]]]]]]:
        """``(summary, problems)`` of an unchanged folder whose records are not built;
        its rows are let go unread. ``problems`` as :func:`problems_of` gives them.
        None when the entry's problems cannot be read back (a damaged file): the folder
        is then read as any changed one."""
        stored = self.folders[relpath]
        try:
            problems = _problem_objects(stored.problem_rows()) if stored.problems is not None else None
        except Exception:  # damaged: :meth:`folder_rows` reads the files again
            return None
        del self.folders[relpath]
        return stored.summary, problems

    def folder_rows(self, relpath: str, listing: Optional[tuple], read: Callable[[str], Tuple[Any, tuple]],
                    loose: Optional[tuple] = None) -> Tuple[tuple, tuple, tuple, tuple]:
        """``(names, rows, problem rows, summary)`` of one folder's files, in name order.

        ``listing`` None means the scan found the folder as cached (:meth:`known`).
        ``read(name)`` parses and validates one file and returns it as ``(row or None,
        problem rows)``; it is called only for files the cache does not hold as they
        are now. ``loose`` is the scan's note of files others may read, kept with the
        entry. The summary (:mod:`rosa_cli.core.summary`) comes from the rows, so the
        loader can leave the folder unbuilt without building it first.
        """
        stored = self.entry(relpath) if self.enabled else None
        rows: Optional[tuple] = None
        summary = None
        if listing is None:
            assert isinstance(stored, StoredFolder)
            self.folders.pop(relpath, None)  # nothing to write: let the rows go with this call
            try:
                rows, problem_rows = marshal.loads(stored.rows), stored.problem_rows()
                if len(rows) != stored.size:
                    raise ValueError("cache entry does not match its listing")
                names, summary = stored.name_list(), stored.summary
            except Exception:  # a damaged entry: read the folder's files again
                rows, listing, stored = None, stored.listing(), None
        if rows is None:
            assert listing is not None
            names = tuple(item[0] for item in listing)
            rows, problem_rows = self._rows_for(relpath, stored, listing, read)
        if summary is None:
            from rosa_cli.core.summary import summarise_rows

            summary = summarise_rows(_kind_of(relpath), rows)
        if relpath in self.changed and isinstance(self.folders.get(relpath), tuple):
            self.extras[relpath] = (loose, summary)
            if not self.dirty:
                self.save(only=relpath)
        return names, rows, problem_rows, summary

    def _rows_for(self, relpath: str, stored: Any, listing: tuple, read: Callable[[str], Tuple[Any, tuple]]):
        """The rows and problem rows of ``listing``: from the entry where it holds a file
        as it is now, else by ``read``; the entry is then marked to be written."""
        cached = None
        if stored is not None:
            try:
                cached = stored.expand() if isinstance(stored, StoredFolder) else stored
            except Exception:  # a damaged entry: read the folder's files again
                cached = None
        if cached is not None and cached[0] == listing and relpath not in self.changed and not self.dirty:
            self.folders.pop(relpath, None)
            return cached[1], cached[2]
        known = {}
        if cached is not None:
            known = {tuple(item): (row, probs) for item, row, probs in zip(cached[0], cached[1], cached[2])}
        new_rows, new_problems = [], []
        for item in listing:
            hit = known.get(item)
            if hit is None:
                hit = read(item[0])
            new_rows.append(hit[0])
            new_problems.append(hit[1])
        del known
        rows, problem_rows = tuple(new_rows), tuple(new_problems)
        if self.enabled:
            self.folders[relpath] = (listing, rows, problem_rows)
            self.changed.add(relpath)
        return rows, problem_rows

    def forget_folders_except(self, present: set, kind_dirs: Tuple[str, ...]) -> None:
        """Remove the files of folders of ``kind_dirs`` that no longer exist."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            relpath = _relpath(name)
            if relpath is not None and relpath.split("/", 1)[0] in kind_dirs and relpath not in present:
                self.gone.add(relpath)

    def save(self, only: Optional[str] = None) -> None:
        """Write the changed folders' files atomically, leaving out "racily clean" entries.

        ``only``: write that one folder now and let its rows go (the loader does so as
        soon as a changed folder's records are built, so a cold run never holds every
        folder's rows beside every record).

        A temp file is created first and its own mtime taken as the cache's moment;
        every entry whose file changed at that moment or later (by mtime or ctime) is
        dropped, so it is read again next time. Otherwise an edit made in the same
        clock tick as an earlier read could keep the old signature and be served stale.
        """
        if not self.enabled:
            return
        if only is not None:
            write = [only] if isinstance(self.folders.get(only), tuple) and only in self.extras else []
        else:
            write = [r for r in self.folders if isinstance(self.folders[r], tuple) and r in self.extras
                     and (self.dirty or r in self.changed)]
        if not write and (not self.gone or only is not None):
            return
        folder = self.root / ".rosa-cache"
        try:
            # one level at a time: mkdir(parents=True) would make .rosa-cache with the
            # umask's mode (0755 under a common umask), readable by others
            folder.mkdir(mode=0o700, exist_ok=True)
            self.directory.mkdir(mode=0o700, exist_ok=True)
            if only is None:
                for relpath in self.gone:
                    (self.directory / _file_name(relpath)).unlink(missing_ok=True)
                (folder / OLD_CACHE_FILE).unlink(missing_ok=True)  # the single file of rosa before issue 16
            if not write:
                return
            # named like rosa's temp files, so a crash here leaves nothing the next
            # changing command does not remove
            stamp_dir = folder / "tmp"
            stamp_dir.mkdir(mode=0o700, exist_ok=True)
            stamp_file = stamp_dir / f"{os.getpid()}.{os.urandom(4).hex()}.tmp"
            stamp_file.write_bytes(b"")
            try:
                moment = stamp_file.stat().st_mtime_ns
            finally:
                stamp_file.unlink()
            for relpath in write:
                self._write(relpath, moment, stamp_dir)
                if only is not None:
                    del self.folders[relpath]
                    self.changed.discard(relpath)
        except (OSError, ValueError):
            pass  # a cache that cannot be written is only slower, never wrong

    def _write(self, relpath: str, moment: int, stamp_dir: Path) -> None:
        """One folder's file: names, packed signatures, loose note, summary, then the
        problems and the rows as marshalled bytes of their own (see :class:`StoredFolder`)."""
        listing, rows, problem_rows = self.folders[relpath]
        loose, summary = self.extras.pop(relpath)
        kept = _racy_free(listing, moment)
        if kept is not None:  # files changed at the cache's moment are left out: read again next time
            listing, rows, problem_rows = (tuple(listing[i] for i in kept), tuple(rows[i] for i in kept),
                                           tuple(problem_rows[i] for i in kept))
            from rosa_cli.core.summary import summarise_rows

            summary = summarise_rows(_kind_of(relpath), rows)  # of the files kept
        payload = marshal.dumps((
            self.key, self.today.toordinal(), names_text([item[0] for item in listing]), listing_signatures(listing),
            loose, summary, marshal.dumps(problem_rows) if any(problem_rows) else None, marshal.dumps(rows),
        ))
        # atomic (a temp file, then rename) but not fsynced: after a crash a cache file
        # may be lost or empty, which only means reading again
        temp = stamp_dir / f"{os.getpid()}.{os.urandom(4).hex()}.tmp"
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(payload)
        os.replace(temp, self.directory / _file_name(relpath))


def built(relpath: str, names: tuple, rows: tuple, problem_rows: tuple):
    """``(paths, records, problems)`` from a folder's rows; ``problems`` is None when
    no file has any (the common case, kept cheap)."""
    prefix = relpath + "/"
    paths = [prefix + name for name in names]
    records = [from_row(row, path) if row is not None else None for row, path in zip(rows, paths)]
    return paths, records, problems_of(problem_rows)


def problems_of(problem_rows: tuple) -> Optional[List[Optional[List[Problem]]]]:
    """Each file's problems as objects (None for a file without any), or None when no
    file has any."""
    return _problem_objects(problem_rows) if any(problem_rows) else None


def _problem_objects(problem_rows: tuple) -> List[Optional[List[Problem]]]:
    return [[Problem(p[0], p[1], unpack_message(p[2]), p[3]) for p in probs] if probs else None for probs in problem_rows]


def _file_name(relpath: str) -> str:
    return relpath.replace("/", "__") + ".marshal"


def _relpath(name: str) -> Optional[str]:
    return name[: -len(".marshal")].replace("__", "/") if name.endswith(".marshal") else None


def _read_entry(path: Path, key: tuple, today: date) -> Optional[Tuple[Any, bool]]:
    """``(entry, stale day)`` from one folder's file: a :class:`StoredFolder`, or — when
    it was stored on an earlier day — the expanded FolderEntry without its files that
    had problems (a date may no longer be in the future), to be written again. None
    when missing, corrupt, of another key, or from a later day (the clock went back)."""
    try:
        with open(path, "rb") as handle:
            stored_key, stored_day, names, signatures, loose, summary, problems, rows = marshal.loads(handle.read())
        stored_today = date.fromordinal(stored_day)
        if tuple(_plain(stored_key)) != _plain(key) or stored_today > today:
            return None
        if not (isinstance(names, str) and isinstance(rows, bytes) and isinstance(signatures, bytes)
                and len(signatures) == 32 * (names.count("\n") + 1 if names else 0)
                and (problems is None or isinstance(problems, bytes))):
            return None
        # marshal gives back tuples as tuples: no conversion of the (long) summary
        stored = StoredFolder(names, signatures, loose, summary, problems, rows)
        if stored_today != today:
            return _without_problem_files(stored.expand()), True
    except Exception:  # missing, truncated, foreign: read the files again
        return None
    return stored, False


def _racy_free(listing: tuple, moment: int) -> Optional[List[int]]:
    """Indices of ``listing``'s files changed strictly before ``moment`` (by mtime and
    ctime); None when that is all of them."""
    keep = [i for i, item in enumerate(listing) if item[3] < moment and item[4] < moment]
    return None if len(keep) == len(listing) else keep


def raw_result(record: Any, problems: List[Problem], pool: Dict[Any, Any]) -> Tuple[Any, tuple]:
    """A parsed file as the cache keeps it: ``(row or None, problem rows)``.

    Equal short values ("phone", a line-number tuple) become one shared object via
    ``pool``: marshal writes a repeated object once and refers back to it, which halves
    the cache file and the time to read it, and the rows take less memory meanwhile.
    """
    row = _shared(to_row(record), pool) if record is not None else None
    return row, tuple((p.path, p.line, pack_message(p.message), p.severity) for p in problems)


_MESSAGE, _DATE, _DATETIME = "\x00msg", "\x00date", "\x00datetime"


def pack_message(message: Any) -> Any:
    """A problem's message as marshal can store it, keeping what translates it.

    A :class:`~rosa_cli.core.messages.Message` (a ``str`` subclass, which marshal
    refuses) becomes a tagged tuple of its code, English template, parameters, plural
    and count, so a cached problem is shown in the user's language exactly as a freshly
    found one. Parameters keep their type when it is a plain value, a date or a nested
    Message; anything else is kept as its ``str``, which is what ``{name}`` formats to.
    """
    from datetime import datetime

    if type(message) is str or message is None or type(message) in (int, float, bool):
        return message
    code = getattr(message, "code", None)
    if code is not None and isinstance(message, str):
        params = tuple((k, pack_message(v)) for k, v in sorted(message.params.items()))  # type: ignore[attr-defined]
        return (_MESSAGE, code, message.template, params, message.plural, message.n)  # type: ignore[attr-defined]
    if isinstance(message, datetime):
        return (_DATETIME, message.isoformat())
    if isinstance(message, date):
        return (_DATE, message.toordinal())
    return str(message)


def unpack_message(packed: Any) -> Any:
    """The message :func:`pack_message` stored (marshal may give lists for tuples)."""
    if not isinstance(packed, (tuple, list)) or not packed:
        return packed
    tag = packed[0]
    if tag == _MESSAGE:
        from rosa_cli.core.messages import Message

        _, code, template, params, plural, n = packed
        return Message(code, template, {k: unpack_message(v) for k, v in params}, plural, n)
    if tag == _DATE:
        return date.fromordinal(packed[1])
    if tag == _DATETIME:
        from datetime import datetime

        return datetime.fromisoformat(packed[1])
    return packed


def _shared(value, pool: Dict[Any, Any]):
    if isinstance(value, tuple):
        # (in a loop, recursing only into tuples: once per file of a cold start)
        known = pool.get(value)
        if known is not None:
            return known
        share = pool.setdefault
        items = []
        for item in value:
            if isinstance(item, str):
                if len(item) <= 40:
                    item = share(item, item)
            elif isinstance(item, tuple):
                item = _shared(item, pool)
            items.append(item)
        value = tuple(items)
    elif not isinstance(value, str) or len(value) > 40:
        return value
    return pool.setdefault(value, value)


def _plain(value):
    """Signatures may come back from marshal as tuples or lists alike; compare as tuples."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


def cache_key(root: Path) -> tuple:
    return (
        __version__,
        SCHEMA_VERSION,
        sys.version,
        marshal.version,
        code_fingerprint(root),
        _content_hash(root / "rosa.yaml"),
        _content_hash(root / "shelters.yaml"),
    )


_LOADED_ROOT: Optional[Path] = None


def loaded_cache_dir() -> Optional[Path]:
    """The ``.rosa-cache`` of the records folder this process last loaded records from.

    What is computed from those records afterwards (the HTML report's charts, see
    :mod:`rosa_cli.charts.svgcache`) may be kept beside them without every caller
    passing the folder down; None before any load.
    """
    return _LOADED_ROOT / ".rosa-cache" if _LOADED_ROOT is not None else None


def open_cache(root: Path, today: date) -> RecordCache:
    """The cache of ``root``'s records; folders' files are read as they are asked for."""
    global _LOADED_ROOT
    _LOADED_ROOT = root
    return RecordCache(root, cache_key(root), today)


def remove_records_cache(root: Path) -> List[str]:
    """Delete the records cache of ``root`` (it is rebuilt on the next run); the
    paths removed, relative to ``root``. For ``rosa scrub``: the cache holds values."""
    import shutil

    removed = []
    base = root / ".rosa-cache"
    old = base / OLD_CACHE_FILE
    if old.exists():
        old.unlink()
        removed.append(old.relative_to(root).as_posix())
    directory = base / RECORDS_DIR
    if directory.is_dir():
        removed += sorted(p.relative_to(root).as_posix() for p in directory.iterdir())
        shutil.rmtree(directory, ignore_errors=True)
    return removed


def _without_problem_files(entry: FolderEntry) -> FolderEntry:
    """Drop files that had problems: on a later day a date may no longer be in the future."""
    keep = [i for i, probs in enumerate(entry[2]) if not probs]
    return tuple(entry[0][i] for i in keep), tuple(entry[1][i] for i in keep), tuple(entry[2][i] for i in keep)
