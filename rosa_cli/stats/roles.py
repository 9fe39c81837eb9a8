"""Vocabulary roles: which key of an organisation's own vocabulary plays a part the figures need.

Two figures of docs/statistics.md depend on the *meaning* of a vocabulary entry, not
just on counting keys: first-time inquiries are calls whose subject means "first
inquiry about trafficking", and office visits are contacts whose channel means "she
came to the office". An organisation may rename or re-label its keys in ``rosa.yaml``
(a key is what its records store), so the statistics must not hard-wire a key. An
entry says it plays a role with a ``role`` line beside its labels
(docs/data-model.md, "Vocabularies")::

    subject:
      first-contact:
        nb: Første henvendelse
        en: First inquiry
        role: first-inquiry

When no entry of the vocabulary carries the role, the key rosa has always used plays
it (``trafficking-first``, ``office``), so a folder written before roles existed keeps
its numbers. When several entries claim one role, the first in vocabulary order plays
it and :func:`role_issues` reports the others, for ``rosa check``.

The role sits in the entry's mapping next to ``nb`` and ``en``; it is not a label and
:func:`labels_only` leaves it out wherever labels are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Tuple

from rosa_cli.core.messages import Message, msg
from rosa_cli.core.model import Settings

ROLE_FIELD = "role"
FIRST_INQUIRY = "first-inquiry"
OFFICE_VISIT = "office-visit"

# role -> (the vocabulary it belongs to, the key that plays it when no entry says so)
ROLES: Dict[str, Tuple[str, str]] = {
    FIRST_INQUIRY: ("subject", "trafficking-first"),
    OFFICE_VISIT: ("channel", "office"),
}


@dataclass(frozen=True)
class Roles:
    """The keys that play each role in one folder's settings."""

    first_inquiry: str  # the subject key of a first-time inquiry
    office_visit: str  # the channel key of an office visit

    @classmethod
    def default(cls) -> Roles:
        """The keys of a folder without ``role`` lines (rosa's own vocabulary)."""
        return cls(first_inquiry=ROLES[FIRST_INQUIRY][1], office_visit=ROLES[OFFICE_VISIT][1])


def _entry_role(labels: object) -> object:
    return labels.get(ROLE_FIELD) if isinstance(labels, Mapping) else None


def role_key(settings: Settings, role: str) -> str:
    """The key of ``settings``' vocabulary that plays ``role`` (the first entry naming it, else the default key)."""
    vocabulary, default = ROLES[role]
    for key, labels in settings.vocabularies.get(vocabulary, {}).items():
        if _entry_role(labels) == role:
            return key
    return default


def roles_of(settings: Settings) -> Roles:
    """Every role's key, read once per report."""
    return Roles(first_inquiry=role_key(settings, FIRST_INQUIRY), office_visit=role_key(settings, OFFICE_VISIT))


def labels_only(labels: Mapping[str, str]) -> Dict[str, str]:
    """An entry's labels without its ``role`` (a role is not a word she types or reads)."""
    return {lang: text for lang, text in labels.items() if lang != ROLE_FIELD}


def role_issues(settings: Settings) -> List[Message]:
    """What is wrong with the ``role`` lines of ``settings``: an unknown role, a role in a
    vocabulary it does not belong to, one role claimed by several entries, or a role no
    entry plays (its default key renamed without a ``role`` line: the figure would be 0).

    Messages for ``rosa check`` (docs/data-model.md); the report itself never refuses.
    """
    issues: List[Message] = []
    for vocabulary, entries in settings.vocabularies.items():
        claimed: Dict[str, str] = {}
        for key, labels in entries.items():
            role = _entry_role(labels)
            if role is None:
                continue
            if role not in ROLES:
                issues.append(msg("vocabulary.role_unknown", "vocabulary {vocabulary}: {key} has an unknown role '{role}' (known roles: {known})",
                                  vocabulary=vocabulary, key=key, role=role, known=", ".join(ROLES)))
            elif ROLES[str(role)][0] != vocabulary:
                issues.append(msg("vocabulary.role_misplaced", "vocabulary {vocabulary}: role {role} belongs in vocabulary {wanted}",
                                  vocabulary=vocabulary, role=role, wanted=ROLES[str(role)][0]))
            elif str(role) in claimed:
                issues.append(msg("vocabulary.role_twice", "vocabulary {vocabulary}: role {role} is claimed by {first} and {key}; {first} plays it",
                                  vocabulary=vocabulary, role=role, first=claimed[str(role)], key=key))
            else:
                claimed[str(role)] = key
    for role, (vocabulary, default) in ROLES.items():
        entries = settings.vocabularies.get(vocabulary, {})
        if entries and default not in entries and not any(_entry_role(labels) == role for labels in entries.values()):
            issues.append(msg("vocabulary.role_missing", "vocabulary {vocabulary}: no entry has role {role} and there is no key {key}, so no contact counts as one",
                              vocabulary=vocabulary, role=role, key=default))
    return issues
