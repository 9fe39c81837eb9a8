"""Spotting identifying details in free text before they settle in git history.

The women in the records may be searched for by the people who exploited them, so
``rosa check`` warns when a note looks like it holds a Norwegian national identity
number (fødselsnummer), a D-number, a phone number or an e-mail address. Identity
numbers are checked with their two control digits, so ordinary 11-digit numbers do
not raise false alarms.
"""

from __future__ import annotations

import re
from datetime import date
from typing import List

_ELEVEN_DIGITS = re.compile(r"(?<!\d)(\d{6})[ ]?(\d{5})(?!\d)")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:(?:\+|00)47[ ]?)?(?:[2-9]\d{7}|[2-9]\d \d{2} \d{2} \d{2}|[2-9]\d{2} \d{2} \d{3})"  # Norwegian: 8 digits
    r"|(?:\+|00)\d{1,3}[ ]?\d(?:[ ]?\d){5,11}"  # international, with its country code
    r")(?![\d])"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _control_digits_ok(digits: str) -> bool:
    numbers = [int(c) for c in digits]
    k1 = 11 - sum(w * n for w, n in zip(_W1, numbers)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10 or k1 != numbers[9]:
        return False
    k2 = 11 - sum(w * n for w, n in zip(_W2, numbers)) % 11
    k2 = 0 if k2 == 11 else k2
    return k2 != 10 and k2 == numbers[10]


def identity_number_kind(digits: str) -> str | None:
    """``'fødselsnummer'`` or ``'D-number'`` when ``digits`` is a valid one, else None."""
    if len(digits) != 11 or not digits.isdigit() or not _control_digits_ok(digits):
        return None
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    kind = "fødselsnummer"
    if day > 40:
        day -= 40
        kind = "D-number"
    if month > 40:  # H-numbers (help numbers) use month + 40
        month -= 40
    try:
        date(2000 + year, month, day)
    except ValueError:
        try:
            date(1900 + year, month, day)
        except ValueError:
            return None
    return kind


def identifying_details(text: str) -> List[str]:
    """Plain descriptions (never the value itself) of what in ``text`` looks identifying."""
    found: List[str] = []
    for match in _ELEVEN_DIGITS.finditer(text):
        kind = identity_number_kind(match.group(1) + match.group(2))
        if kind:
            found.append(f"what looks like a {kind}")
            break
    scrubbed = _ELEVEN_DIGITS.sub(" ", text)
    if _EMAIL.search(scrubbed):
        found.append("what looks like an e-mail address")
    if _PHONE.search(_EMAIL.sub(" ", scrubbed)):
        found.append("what looks like a phone number")
    return found
