"""A staff member's private alias list: id -> the name she uses for a woman.

Names never enter the records folder or its git history. A coordinator who needs
to know who W-2006-K7Q2X is keeps that on her own machine, in her user data folder
(``$XDG_DATA_HOME/rosa/aliases.yaml``, or ``$ROSA_ALIASES``), readable by her alone.
rosa reads it in three places, all on her own screen: ``rosa woman show`` displays
it, ``rosa woman find TEXT`` searches it, and wherever a command takes a woman's id
(``woman show Blessing``, ``stay open``, ``call add --woman``, the "Woman (id)"
prompt) the alias may stand for the id (see :mod:`rosa_cli.core.naming`). The alias is
turned into the id before anything else happens, so it never reaches a record, a file
name or a commit message. rosa refuses an alias file that sits inside a records
folder, where the next commit could publish it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Dict, Optional

from rosa_cli.core.yamlio import atomic_write, dump_new, mapping_from_text

ENV_VAR = "ROSA_ALIASES"


class AliasError(Exception):
    """The alias file is unsafe or unreadable; the message says what to do."""


def alias_file() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "rosa" / "aliases.yaml"


def _refuse_inside(path: Path, records_root: Path) -> None:
    resolved = path.resolve()
    root = records_root.resolve()
    if resolved == root or root in resolved.parents:
        raise AliasError(
            f"the alias file {path} is inside the records folder, where it could be committed; "
            f"move it out (default: your user data folder) or set {ENV_VAR}"
        )


def load_aliases(records_root: Path) -> Dict[str, str]:
    path = alias_file()
    _refuse_inside(path, records_root)
    if not path.exists():
        return {}
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise AliasError(f"the alias file {path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
    data, problems = mapping_from_text(path.read_text(encoding="utf-8"), str(path))
    if data is None:
        if problems and getattr(problems[0].message, "code", None) == "yaml.empty":
            return {}
        raise AliasError(str(problems[0]))
    return {str(k): str(v) for k, v in data.items()}


def alias_for(records_root: Path, record_id: str) -> Optional[str]:
    return load_aliases(records_root).get(record_id)


def set_alias(records_root: Path, record_id: str, alias: Optional[str]) -> Path:
    """Set (or with ``alias=None`` remove) one alias; the file is written owner-only.

    Only a valid woman id is a key: the alias file is never a place for a path or a name.
    """
    from rosa_cli.core.ids import id_problem

    problem = id_problem("woman", record_id)
    if problem:
        raise AliasError(problem)
    aliases = load_aliases(records_root)
    if alias:
        aliases[record_id] = alias
    else:
        aliases.pop(record_id, None)
    path = alias_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write(path, dump_new(dict(sorted(aliases.items()))) if aliases else "{}\n", mode=0o600)
    return path


def fold(text: str) -> str:
    """An alias as compared: case and spacing do not matter (``blessing`` = ``Blessing``)."""
    return " ".join(str(text).split()).casefold()


def women_named(aliases: Dict[str, str], text: str, how: str = "exact") -> list:
    """Ids whose alias is ``text`` (``how="exact"``), starts with it (``"start"``) or
    holds it anywhere (``"part"``); compared after :func:`fold`. Sorted by id."""
    wanted = fold(text)
    tests = {
        "exact": lambda alias: alias == wanted,
        "start": lambda alias: alias.startswith(wanted),
        "part": lambda alias: wanted in alias,
    }[how]
    return sorted(woman_id for woman_id, alias in aliases.items() if tests(fold(alias)))
