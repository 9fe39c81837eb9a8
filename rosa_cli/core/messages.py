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


class Label(str):
    """A vocabulary key (or country code) inside a message: its value is the key, and
    ``labels`` maps a language to what the folder calls it (``rosa.yaml``; country
    names from CLDR). The CLI shows the label in the interface language, so a summary
    reads "Egen bolig" in bokmål and "Own housing" in English, while logs keep the key."""

    labels: Mapping[str, str]

    def __new__(cls, key: str, labels: Optional[Mapping[str, str]] = None) -> Label:
        self = super().__new__(cls, key)
        self.labels = dict(labels or {})
        return self

    def __reduce__(self):
        return (Label, (str(self), dict(self.labels)))

    def in_language(self, language: str) -> str:
        return self.labels.get(language) or str(self)


def vocabulary_label(settings: Any, vocabulary: str, key: Any) -> Any:
    """``key`` of ``vocabulary`` as a :class:`Label` carrying the folder's labels
    (``None`` and unknown keys pass through unchanged)."""
    if not isinstance(key, str):
        return key
    labels = (getattr(settings, "vocabularies", {}) or {}).get(vocabulary, {}).get(key)
    if not isinstance(labels, Mapping):
        return key
    return Label(key, {lang: text for lang, text in labels.items() if lang in ("nb", "en") and isinstance(text, str)})


def country_label(code: Any) -> Any:
    """A nationality code as a :class:`Label` with its country name in bokmål and English."""
    from rosa_cli.core.countries import SPECIAL_NATIONALITIES, country_name

    if not isinstance(code, str) or (len(code) != 2 and code not in SPECIAL_NATIONALITIES):
        return code

    try:
        return Label(code, {"nb": country_name(code, "nb"), "en": country_name(code, "en")})
    except Exception:  # a name we cannot look up: the code itself is shown
        return code
