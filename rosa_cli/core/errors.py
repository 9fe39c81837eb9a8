"""How the core says no: refusals are values the CLI renders, never tracebacks.

Kept in a module of its own with no heavy imports, so every command can catch a
refusal without loading the code that writes records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Union

from rosa_cli.core.model import Problem


@dataclass(frozen=True)
class FieldIssue:
    """A bad input value for a field (from a flag, a prompt or a CSV cell).

    ``field`` is the record's key (``first_contact``) or an argument's name in capitals
    (``WOMAN``); the CLI turns it into the flag or the translated metavar she typed
    (``flag_name``). ``message`` is a core Message, rendered in her language."""

    field: str
    message: str


Issue = Union[FieldIssue, Problem]


class Refused(Exception):
    """The operation wrote nothing; ``issues`` says every reason."""

    def __init__(self, issues: Sequence[Issue]):
        super().__init__("; ".join(str(i.message) for i in issues))
        self.issues = list(issues)


