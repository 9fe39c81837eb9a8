"""Messages as data: a stable code, an English template and its values.

The core never translates and never words advice for the command line. It says
*what* happened as a :class:`Message`; the CLI (``rosa_cli/i18n.py``) turns it into
words in the user's language through the gettext catalogue (docs/messages.md).

A :class:`Message` is also a ``str`` — its English rendering — so code and tests
that treat a message as text keep working, and ``print`` shows something sensible.
Keep it a Message until the CLI renders it: formatting it into an f-string freezes
it in English.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional


class Message(str):
    """``code``: stable identifier (``"call.future"``); ``template``: the English
    msgid with ``{named}`` fields; ``params``: the values. For plurals, ``plural``
    is the English plural template and ``n`` the count that chooses."""

    code: str
    template: str
    params: Mapping[str, Any]
    plural: Optional[str]
    n: Optional[int]

    def __new__(
        cls,
        code: str,
        template: str,
        params: Optional[Mapping[str, Any]] = None,
        plural: Optional[str] = None,
        n: Optional[int] = None,
    ) -> Message:
        values = dict(params or {})
        chosen = plural if plural is not None and n != 1 else template
        try:
            english = chosen.format(**values)
        except (KeyError, IndexError, ValueError):  # a template/params mismatch must never crash a refusal
            english = chosen
        self = super().__new__(cls, english)
        self.code = code
        self.template = template
        self.params = values
        self.plural = plural
        self.n = n
        return self

    def __reduce__(self):  # pickling/copying keeps the structure
        return (Message, (self.code, self.template, dict(self.params), self.plural, self.n))


def msg(code: str, template: str, **params: Any) -> Message:
    """A message: ``msg("call.future", "the call time {when} is in the future", when=...)``.

    The template is extracted into the catalogue (keyword ``msg:2``), so it must be a
    literal string, never an f-string."""
    return Message(code, template, params)


def msgn(code: str, singular: str, plural: str, n: int, **params: Any) -> Message:
    """A message whose words depend on a count ``n`` (keyword ``msgn:2,3``); ``{n}`` is
    available in the templates."""
    params.setdefault("n", n)
    return Message(code, singular, params, plural=plural, n=n)


def N_(text: str) -> str:
    """Mark a literal for the catalogue without translating it here (help texts,
    table headers kept as module constants); the CLI translates it when it shows it."""
    return text
