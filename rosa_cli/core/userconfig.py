"""The user's own settings, outside the records: ``~/.config/rosa/config.toml``.

What belongs to the person at the keyboard rather than to the organisation — ``receiver``,
the initials that "received by" defaults to, and ``language``, the interface language
she prefers — lives here and never
in the records folder, so it is not shared through git. ``$ROSA_USER`` gives the same
default without a file (a shared desk machine, a script). ``$ROSA_CONFIG`` points at
another file; ``$XDG_CONFIG_HOME`` is honoured. A missing or unreadable file is the
same as an empty one: a default must never stop a call from being logged, but a
broken file is reported once on stderr by the caller through :func:`problem`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from rosa_cli.core.messages import msg

ENV_FILE = "ROSA_CONFIG"
ENV_USER = "ROSA_USER"


def config_file() -> Path:
    if os.environ.get(ENV_FILE):
        return Path(os.environ[ENV_FILE]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "rosa" / "config.toml"


def _toml():
    try:
        import tomllib  # Python 3.11+

        return tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        try:
            import tomli

            return tomli
        except ModuleNotFoundError:
            return None


def read_config() -> Tuple[Dict[str, Any], Optional[str]]:
    """``(settings, problem)``: the file's table (empty when absent) and what was wrong with it."""
    path = config_file()
    if not path.is_file():
        return {}, None
    toml = _toml()
    if toml is None:
        return {}, msg("config.needs_toml", "{path}: needs Python 3.11 or the tomli package to be read; using ${env}", path=str(path), env=ENV_USER)
    try:
        with path.open("rb") as handle:
            data = toml.load(handle)
    except (OSError, ValueError) as exc:
        return {}, msg("config.unreadable", "{path}: not readable ({reason}); ignored", path=str(path), reason=str(exc).splitlines()[0])
    return data, None


def default_receiver() -> Tuple[Optional[str], Optional[str]]:
    """``(initials or None, problem or None)``: ``receiver`` from config.toml, else ``$ROSA_USER``.

    Stored upper-case, as :func:`receiver_key` makes every answer: ``kl`` and ``KL`` are
    one person in the statistics.
    """
    data, problem = read_config()
    value = data.get("receiver")
    if isinstance(value, str) and value.strip():
        return receiver_key(value), problem
    if value is not None and not isinstance(value, str):
        problem = msg("config.receiver_not_text", "{path}: receiver must be text, like receiver = \"KL\"; ignored", path=str(config_file()))
    env = os.environ.get(ENV_USER, "").strip()
    return (receiver_key(env) if env else None), problem


def receiver_key(text: str) -> str:
    """Initials as stored: upper case, inner spaces kept single."""
    return " ".join(str(text).split()).upper()


def user_language() -> Optional[str]:
    """``language`` in config.toml (``nb`` or ``en``): the interface language this person
    prefers, over the folder's but under ``$ROSA_LANG`` and ``--lang`` (docs/messages.md).
    Anything else (missing, unreadable, another language) is no preference."""
    data, _problem = read_config()
    value = data.get("language")
    if isinstance(value, str) and value.strip().lower() in ("nb", "en"):
        return value.strip().lower()
    return None
