"""Is a records folder exactly as the cache holds it? Asked of every folder on every run.

A warm ``rosa report`` or ``check`` must look at every record file (a hand edit in a
call of 2009 is an error the report must not miss), and at 100,000 calls that look —
list each folder, stat each file — is nearly all of its time (issue 16: the "stat
floor"). So it is made as cheap as Python allows, and shared between two cores:

* one folder costs two comparisons: its sorted names joined into one string, and every
  file's size, inode, mtime and ctime packed into one bytes string
  (:func:`signatures`), each against the cache's copy; files are stat'ed relative to
  the folder's descriptor, which is less work for the kernel than a full path each;
* when many files are to be looked at and the machine has a second core, a helper
  process (this file run as a script by the same Python, ``-I -S``: no site, no rosa
  import, a few milliseconds to start) checks part of the folders while rosa checks
  the rest. It is given the cache's names and signatures through a private temporary
  file, answers True/False per folder, and is never trusted beyond that: a helper
  that fails or answers oddly only means rosa checks those folders itself.

This module imports nothing but the standard library, so that it can run as that
script. Anything unusual — a new, removed or changed file, a link in place of a file,
an unreadable folder — answers False, and the full scan in
:mod:`rosa_cli.core.folder` decides what it is.
"""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from array import array
from functools import partial
from operator import attrgetter
from typing import List, Sequence, Tuple

_FIELDS = [attrgetter(name) for name in ("st_size", "st_ino", "st_mtime_ns", "st_ctime_ns")]

# (folder path, sorted names joined by "\n", packed signatures)
Job = Tuple[str, str, bytes]

HELPER_MIN_FILES = 20000  # below this, starting a helper process costs more than it saves
_HELPER_START_FILES = 6000  # what the helper's start-up costs, in files checked meanwhile


def signatures(stats: Sequence[os.stat_result]) -> bytes:
    """Every file's size, inode, mtime_ns and ctime_ns as signed 64-bit numbers,
    field by field (all sizes, then all inodes, …): one bytes string to compare."""
    return b"".join(array("q", map(field, stats)).tobytes() for field in _FIELDS)


def listing_signatures(listing: Sequence[tuple]) -> bytes:
    """:func:`signatures` of a listing kept by the records cache, ``(name, size, inode,
    mtime_ns, ctime_ns)`` a file: what the cache stores for :func:`as_cached` to compare."""
    return b"".join(array("q", (item[field] for item in listing)).tobytes() for field in (1, 2, 3, 4))


def names_text(names: Sequence[str]) -> str:
    """A folder's record file names as the cache keeps them: sorted, joined by newlines
    (record names follow the id grammar, so they never hold a newline)."""
    return "\n".join(names)


def as_cached(directory: str, names: str, packed: bytes) -> bool:
    """True when ``directory`` holds exactly the files ``names`` (``.gitkeep`` aside),
    each with the signature packed in ``packed``."""
    try:
        handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        found = os.listdir(handle)
        found.sort()
        if found and found[0] == ".gitkeep":
            del found[0]
        if names_text(found) != names:
            return False
        stats = list(map(partial(os.stat, dir_fd=handle, follow_symlinks=False), found))
    except OSError:
        return False
    finally:
        os.close(handle)
    return signatures(stats) == packed


def check_all(jobs: Sequence[Job], sizes: Sequence[int], scratch: str) -> List[bool]:
    """:func:`as_cached` for every job, a share of them in a helper process when there
    are many files (``sizes``: the number of files of each job) and a second core.

    ``scratch`` is a private folder (owner-only) for the helper's input file.
    """
    total = sum(sizes)
    if total < HELPER_MIN_FILES or _cores() < 2:
        return [as_cached(*job) for job in jobs]
    # the helper takes the first folders up to about half the files, less what its
    # start-up costs; rosa checks the rest meanwhile
    share, taken = (total - _HELPER_START_FILES) // 2, 0
    split = 0
    while split < len(jobs) and taken + sizes[split] <= share:
        taken += sizes[split]
        split += 1
    helper = _start_helper(jobs[:split], scratch) if split else None
    mine = [as_cached(*job) for job in jobs[split:]]
    theirs = _helper_answers(helper, split) if helper is not None else None
    if theirs is None:  # no helper, or it failed: check its folders here
        theirs = [as_cached(*job) for job in jobs[:split]]
    return theirs + mine


def _cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer
    than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _start_helper(jobs: Sequence[Job], scratch: str):
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=scratch) as handle:  # unlinked at once: nothing left behind
            handle.write(marshal.dumps(list(jobs)))
            handle.seek(0)
            return subprocess.Popen([sys.executable, "-I", "-S", __file__], stdin=handle, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, close_fds=True)
    except (OSError, ValueError):
        return None


def _helper_answers(helper, expected: int):
    """The helper's answers, or None when it failed in any way."""
    try:
        output, _ = helper.communicate(timeout=600)
        answers = marshal.loads(output) if helper.returncode == 0 else None
    except Exception:  # a helper that died, hung or wrote nonsense is not trusted
        helper.kill()
        return None
    if not isinstance(answers, list) or len(answers) != expected or not all(type(a) is bool for a in answers):
        return None
    return answers


def _main() -> None:
    jobs = marshal.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(marshal.dumps([as_cached(*job) for job in jobs]))


if __name__ == "__main__":
    _main()
