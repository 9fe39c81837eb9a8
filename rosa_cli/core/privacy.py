"""Spotting identifying details in free text before they settle in git history.

The women in the records may be searched for by the people who exploited them. A
note that holds a Norwegian national identity number (fødselsnummer), a D-number, a
phone number or an e-mail address would stay in git history for good, so every
command refuses such text at the door (see :func:`rosa_cli.core.validate.convert`
with ``entry=True``) and ``rosa check`` warns about it in hand-edited files.

How it is found, in time linear in the text's length (a hand-edited note may be a
megabyte; a regular expression with nested quantifiers would take minutes):

* The text is cut into *number runs*: digit groups joined by single spaces, dots or
  dashes, not touching letters (so ids like ``W-2006-K7Q2X`` are not runs). One
  simple regular expression finds them; each digit is looked at a bounded number of
  times.
* Identity numbers: 11 digits, or 6 + 5 with a separator, with both control digits
  right and a possible birth date. Ordinary 11-digit numbers do not match.
* Norwegian phone numbers: 8 digits written as 8, 4+4, 3+2+3, 2+2+2+2 or 3+3+2 with
  one kind of separator, starting with 2–9. Dates (``20060314``) and year ranges
  (``2006-2007``) are not phone numbers. After ``tlf``/``tel``/``mob`` any grouping
  of 8 to 15 digits is.
* International numbers: ``+`` followed by 8 to 15 digits, or 10 to 15 digits
  starting with ``0`` (``0047 …``, ``0803 123 4567``).
* E-mail addresses: each ``@`` is looked at once, with a word character before it
  and a dotted domain after it ending in letters.

Descriptions never repeat the value: a refusal or warning must not echo it into a
terminal log.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import islice
from typing import Any, Iterable, List, Optional, Sequence, Tuple

from rosa_cli.core.messages import Message, msg

# Digit groups joined by one separator. No lookahead: a lookahead after an unbounded
# run would make the engine retry every shorter run (quadratic on a long digit run).
_RUN = re.compile(r"(?<!\w)\d+(?:[ .\-]\d+)*")
_GROUP_SEP = re.compile(r"[ .\-]")
_KEYWORD_BEFORE = re.compile(r"\b(?:tlf|tel|telefon|mob|mobil|phone|ph)\.?:?\s*(?:nr\.?:?\s*)?$")
_CURRENCY_AFTER = re.compile(r"\s?(?:kr\b|nok\b|,-)", re.IGNORECASE)
_DOMAIN = re.compile(r"[\w\-]+(?:\.[\w\-]+)+")
_LOCAL_CHARS = frozenset(".+-_")
# A quick first test: every number pattern needs at least eight digits (a phone number
# eight, an identity number eleven, an international one eight to fifteen) and an
# e-mail address an "@"; text with neither is not scanned further. ``\D*\d`` cannot
# backtrack into itself (the two classes do not overlap), so this is linear too.
_EIGHT_DIGITS = re.compile(r"(?:\D*\d){8}")

NORWEGIAN_GROUPINGS = {(8,), (4, 4), (3, 2, 3), (2, 2, 2, 2), (3, 3, 2)}
# how many groups a grouping that starts with a group of this length spans
_WIDTHS = {8: 1, 4: 2, 3: 3, 2: 4}

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

IDENTITY = "fødselsnummer"
D_NUMBER = "D-number"
PHONE = "phone number"
EMAIL = "e-mail address"


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
    kind = IDENTITY
    if day > 40:
        day -= 40
        kind = D_NUMBER
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


def _is_date(digits: str) -> bool:
    """``20060314`` or ``14032006``: a compact date, not a phone number."""
    for year, month, day in ((digits[0:4], digits[4:6], digits[6:8]), (digits[4:8], digits[2:4], digits[0:2])):
        if year[:2] in ("19", "20"):
            try:
                date(int(year), int(month), int(day))
                return True
            except ValueError:
                pass
    return False


def _is_year(group: str) -> bool:
    return len(group) == 4 and group[:2] in ("19", "20")


def _norwegian_phone(groups: Sequence[str], seps: Sequence[str]) -> bool:
    """``groups`` (with the ``seps`` between them) written as a Norwegian number."""
    if tuple(len(g) for g in groups) not in NORWEGIAN_GROUPINGS:
        return False
    if len(set(seps)) > 1 or groups[0][0] not in "23456789":
        return False
    if len(groups) == 1 and _is_date(groups[0]):
        return False
    return not (len(groups) == 2 and _is_year(groups[0]) and _is_year(groups[1]))


def _leading_digits(groups: Iterable[str], low: int, high: int) -> bool:
    """Whether the first groups hold between ``low`` and ``high`` digits together."""
    total = 0
    for group in groups:
        total += len(group)
        if total > high:
            return False
        if total >= low:
            return True
    return False


class _Findings:
    def __init__(self) -> None:
        self.identity: Optional[str] = None
        self.phone = False


def _judge_run(text: str, start: int, end: int, found: _Findings) -> None:
    """Look at one number run; every group is looked at a bounded number of times.

    Loops run over candidate groups picked by list comprehensions, so a megabyte-long
    run of tiny groups costs a fraction of a second.
    """
    run = text[start:end]
    groups = _GROUP_SEP.split(run)
    seps = _GROUP_SEP.findall(run)
    # identity numbers first; their groups are then left out of the phone checks
    pieces: List[Tuple[int, int]] = []
    piece_start = 0
    for i in [i for i, g in enumerate(groups) if len(g) in (6, 11)]:
        if i < piece_start:
            continue
        taken = 1 if len(groups[i]) == 11 else 2
        if taken == 2 and not (i + 1 < len(groups) and len(groups[i + 1]) == 5):
            continue
        kind = identity_number_kind("".join(groups[i : i + taken]))
        if kind:
            found.identity = found.identity or kind
            pieces.append((piece_start, i))
            piece_start = i + taken
    pieces.append((piece_start, len(groups)))
    if found.phone:
        return
    whole = len(pieces) == 1
    for first, last in pieces:
        if first < last and _phone_in(text, start, end, groups, seps, first, last, whole):
            found.phone = True
            return


def _phone_in(text: str, start: int, end: int, groups, seps, first: int, last: int, whole: bool) -> bool:
    at_start = first == 0
    before = text[start - 1] if at_start and start else ""
    keyword = at_start and bool(_KEYWORD_BEFORE.search(text[max(0, start - 14) : start].lower()))
    if keyword and _leading_digits(islice(groups, first, last), 8, 15):
        return True
    if before == "+" and _leading_digits(islice(groups, first, last), 8, 15):
        if not (whole and _CURRENCY_AFTER.match(text, end)):
            return True
    lens = list(map(len, groups))
    candidates = [i for i in range(first, last) if groups[i][0] == "0" or (lens[i] in _WIDTHS and groups[i][0] in "23456789")]
    for i in candidates:
        group = groups[i]
        if group[0] == "0":
            if (i == 0 or seps[i - 1] == " ") and _leading_digits(islice(groups, i, last), 10, 15):
                return True
            continue
        width = _WIDTHS[lens[i]]
        if i + width > last or tuple(lens[i : i + width]) not in NORWEGIAN_GROUPINGS:
            continue
        if _norwegian_phone(groups[i : i + width], seps[i : i + width - 1]):
            return True
    return False


def _has_email(text: str) -> bool:
    position = text.find("@")
    while position != -1:
        before = text[position - 1] if position else ""
        if before and (before.isalnum() or before in _LOCAL_CHARS):
            match = _DOMAIN.match(text, position + 1)
            if match:
                tld = match.group().rsplit(".", 1)[-1]
                if len(tld) >= 2 and tld.isalpha():
                    return True
        position = text.find("@", position + 1)
    return False


def identifying_details(text: str) -> List[Message]:
    """Plain descriptions (never the value itself) of what in ``text`` looks identifying,
    as messages (``privacy.phone``, …); each is also its English text."""
    if "@" not in text and not _EIGHT_DIGITS.match(text):
        return []  # the common note: nothing here can hold any pattern (see _EIGHT_DIGITS)
    found = _Findings()
    for match in _RUN.finditer(text):
        start, end = match.span()
        if end - start < 8:  # every pattern needs 8 digits or more
            continue
        if end < len(text) and text[end].isalpha():
            # the last group touches a letter (an id like W-2006-K7Q2X): not a number
            cut = max(text.rfind(c, start, end) for c in " .-")
            if cut <= start:
                continue
            end = cut
        _judge_run(text, start, end, found)
        if found.identity and found.phone:
            break
    descriptions: List[Message] = []
    if found.identity == IDENTITY:
        descriptions.append(msg("privacy.identity_number", "what looks like a fødselsnummer"))
    elif found.identity:
        descriptions.append(msg("privacy.d_number", "what looks like a D-number"))
    if _has_email(text):
        descriptions.append(msg("privacy.email", "what looks like an e-mail address"))
    if found.phone:
        descriptions.append(msg("privacy.phone", "what looks like a phone number"))
    return descriptions


def describe_findings(found: Sequence[Any]) -> Any:
    """Several findings as one message: ``A and B and C`` (each part still translates)."""
    if not found:
        return ""
    if len(found) == 1:
        return found[0]
    return msg("privacy.and", "{first} and {rest}", first=found[0], rest=describe_findings(found[1:]))
