"""A cache of parsed, validated records, so a warm ``report`` or ``check`` reads only what changed.

Lives in ``.rosa-cache/records.marshal`` inside the records folder (git-ignored,
owner-only like everything there). Each file's entry is keyed by its path, size,
inode and mtime_ns; the whole cache by rosa's version, the schema version and the
signatures of ``rosa.yaml`` and ``shelters.yaml`` (validation reads vocabularies and
shelter keys). Problems are cached with their records, so a cached run reports the
same errors as an uncached one.

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
from typing import Any, Dict, List, Optional, Tuple

from rosa_cli import __version__
from rosa_cli.core.model import Problem, from_row, to_row

SCHEMA_VERSION = 2
CACHE_FILE = "records.marshal"
ENV_DISABLE = "ROSA_NO_CACHE"

Signature = Tuple[int, int, int]  # size, inode, mtime_ns
Entry = Tuple[Signature, Any, tuple]  # signature, record row or None, problems as tuples


def signature(stat: os.stat_result) -> Signature:
    return (stat.st_size, stat.st_ino, stat.st_mtime_ns)


def _file_signature(path: Path) -> Optional[Signature]:
    try:
        return signature(path.stat())
    except OSError:
        return None


@dataclass
class RecordCache:
    """Entries by path relative to the records folder."""

    root: Path
    key: tuple
    today: date
    entries: Dict[str, Entry] = field(default_factory=dict)
    dirty: bool = False

    @property
    def enabled(self) -> bool:
        return not os.environ.get(ENV_DISABLE)

    def get(self, relpath: str, sig: Signature) -> Optional[Tuple[Any, List[Problem]]]:
        """``(record or None, problems)`` for an unchanged file, else None."""
        entry = self.entries.get(relpath)
        if entry is None or tuple(entry[0]) != sig:
            return None
        row, problems = entry[1], entry[2]
        record = from_row(row, relpath) if row is not None else None
        return record, [Problem(*p) for p in problems] if problems else []

    def put(self, relpath: str, sig: Signature, record: Any, problems: List[Problem]) -> None:
        row = to_row(record) if record is not None else None
        self.entries[relpath] = (sig, row, tuple((p.path, p.line, p.message, p.severity) for p in problems))
        self.dirty = True

    def forget_missing(self, present: set, kinds_dirs: Tuple[str, ...]) -> None:
        for relpath in list(self.entries):
            if relpath.split("/", 1)[0] in kinds_dirs and relpath not in present:
                del self.entries[relpath]
                self.dirty = True

    def save(self) -> None:
        if not self.enabled or not self.dirty:
            return
        from rosa_cli.core.yamlio import atomic_write_bytes

        folder = self.root / ".rosa-cache"
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            payload = marshal.dumps((self.key, self.today.toordinal(), self.entries))
            atomic_write_bytes(folder / CACHE_FILE, payload)
        except OSError:
            pass  # a cache that cannot be written is only slower, never wrong


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
        _file_signature(root / "rosa.yaml"),
        _file_signature(root / "shelters.yaml"),
    )


def open_cache(root: Path, today: date) -> RecordCache:
    key = cache_key(root)
    fresh = RecordCache(root, key, today)
    if os.environ.get(ENV_DISABLE):
        return fresh
    try:
        with open(root / ".rosa-cache" / CACHE_FILE, "rb") as handle:
            stored_key, stored_day, entries = marshal.loads(handle.read())
        stored_today = date.fromordinal(stored_day)
    except Exception:  # missing, truncated, from another Python: rebuild
        return fresh
    if tuple(_plain(stored_key)) != _plain(key) or not isinstance(entries, dict) or stored_today > today:
        fresh.dirty = True
        return fresh
    if stored_today != today:
        entries = {path: entry for path, entry in entries.items() if not entry[2]}
        fresh.dirty = True
    fresh.entries = entries
    return fresh
