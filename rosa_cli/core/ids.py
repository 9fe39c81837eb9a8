"""Record ids: prefix, year and a random Crockford base32 part (``W-2006-K7Q2X``).

Ids are random rather than sequential so that two offline clones practically never
make the same one (25 random bits each), and they are claimed by creating the
record's file with ``O_EXCL`` so that two commands on one machine never can.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Tuple

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARS = 5  # 25 bits: SPEC asks at least 20 for women and stays, 25 for calls
PREFIXES = {"woman": "W", "stay": "S", "call": "C"}
_ID_SHAPE = re.compile(r"^[A-Za-z0-9-]+$")


def random_part(chars: int = RANDOM_CHARS) -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(chars))


def make_id(kind: str, year: int) -> str:
    return f"{PREFIXES[kind]}-{year}-{random_part()}"


def id_problem(kind: str, record_id: object) -> str | None:
    """Why ``record_id`` is not a valid id for ``kind``, or None when it is.

    Imports may keep legacy codes, so only the prefix and the character set are
    required, not the random part.
    """
    prefix = PREFIXES[kind] + "-"
    text = str(record_id)
    if not text.startswith(prefix) or len(text) <= len(prefix):
        return f"id {text!r} must start with {prefix}"
    if not _ID_SHAPE.match(text):
        return f"id {text!r} may only hold letters, digits and '-'"
    return None


def claim_new_id(folder: Path, kind: str, year: int, attempts: int = 50) -> Tuple[str, Path]:
    """Create an empty, owner-only file for a fresh id and return ``(id, path)``.

    ``O_EXCL`` makes the claim atomic: if another process took the same id a moment
    ago, we draw again. The caller fills the file (atomically) or removes it.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for _ in range(attempts):
        record_id = make_id(kind, year)
        path = folder / f"{record_id}.yaml"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return record_id, path
    raise RuntimeError(f"could not find a free id in {folder} after {attempts} attempts")


def claim_given_id(folder: Path, record_id: str) -> Path:
    """Claim a caller-chosen id (``--id``, imports); FileExistsError if it is taken."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{record_id}.yaml"
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    return path
