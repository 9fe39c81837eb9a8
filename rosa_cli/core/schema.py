"""The fields of each record kind: one table that validation, prompts, imports and
exports all read, so a field is described once.

Field order here is the order fields are written to a new file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

KINDS = ("woman", "stay", "call", "service", "activity", "website")
PLURAL = {"woman": "women", "stay": "stays", "call": "calls",
          "service": "services", "activity": "activities", "website": "website"}
# kinds filed by year (calls/2006/C-….yaml); a website month is website/2006-03.yaml
YEARLY = ("call", "service", "activity")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # id, date, cost, number, int, audience, month, born, bool, country, vocab, text, woman, shelter, count, datetime, language, residence
    vocab: Optional[str] = None
    required: bool = False
    question: str = ""

    @property
    def free_text(self) -> bool:
        return self.type == "text"


WOMAN_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("first_contact", "date", required=True, question="First contact"),
    Field("born", "born", question="Born (year or date)"),
    Field("born_estimated", "bool", question="Age estimated"),
    Field("nationality", "country", required=True, question="Nationality"),
    Field("referred_by", "vocab", vocab="referrer", question="Referred by"),
    Field("referrer", "text", question="Referring agency"),
    Field("residence", "residence", question="Residence status"),
    Field("interpreter", "language", question="Interpreter language"),
    Field("exploitation", "vocab", vocab="exploitation", question="Exploitation"),
    Field("declined_on", "date", question="Declined on"),
    Field("declined_reason", "vocab", vocab="declined", question="Declined because"),
    Field("note", "text", question="Note"),
)

STAY_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("woman", "woman", required=True, question="Woman"),
    Field("shelter", "shelter", required=True, question="Shelter"),
    Field("start", "date", required=True, question="Arrival"),
    Field("end", "date", question="Departure"),
    Field("end_reason", "vocab", vocab="end_reason", question="Reason for leaving"),
    Field("children", "count", question="Children"),
    Field("note", "text", question="Note"),
)

CALL_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("at", "datetime", required=True, question="When"),
    Field("channel", "vocab", vocab="channel", question="Channel"),
    Field("caller", "vocab", vocab="caller", required=True, question="Caller"),
    Field("subject", "vocab", vocab="subject", required=True, question="Subject"),
    Field("woman", "woman", question="Woman (id)"),
    Field("nationality", "country", question="Nationality"),
    Field("received_by", "text", question="Received by"),
    Field("note", "text", question="Note"),
)

# docs/services-activities-website.md: what the project paid for, the outreach it did, and its website.
SERVICE_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("woman", "woman", required=True, question="Woman (id)"),
    Field("kind", "vocab", vocab="service", required=True, question="Service"),
    Field("on", "date", required=True, question="Date (first day of a course)"),
    Field("to", "date", question="Last day (courses, series)"),
    Field("cost", "cost", question="Cost (NOK)"),
    Field("paid_by", "vocab", vocab="payer", question="Paid by"),
    Field("provider", "text", question="Provider (an organisation)"),
    Field("completed", "bool", question="Completed"),
    Field("note", "text", question="Note"),
)

ACTIVITY_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("kind", "vocab", vocab="activity", required=True, question="Activity"),
    Field("on", "date", required=True, question="Date"),
    Field("days", "number", question="Days (0.5 for a half day)"),
    Field("participants", "int", question="Participants"),
    Field("audience", "audience", vocab="audience", question="Audience (keys, comma-separated)"),
    Field("organised_by_us", "bool", question="Organised by us"),
    Field("shelters", "int", question="Shelters served"),
    Field("title", "text", question="Title"),
)

WEBSITE_FIELDS: Tuple[Field, ...] = (
    Field("month", "month", required=True),
    Field("visits", "int", question="Visits"),
    Field("pages", "int", question="Pages"),
    Field("hits", "int", question="Hits"),
    Field("sites", "int", question="Sites"),
)

FIELDS: Dict[str, Tuple[Field, ...]] = {"woman": WOMAN_FIELDS, "stay": STAY_FIELDS, "call": CALL_FIELDS,
                                        "service": SERVICE_FIELDS, "activity": ACTIVITY_FIELDS,
                                        "website": WEBSITE_FIELDS}
RESIDENCE_KEYS = ("from", "status")


_NAMES = {kind: [f.name for f in fields] for kind, fields in FIELDS.items()}
_MAPS = {kind: {f.name: f for f in fields} for kind, fields in FIELDS.items()}


def field_names(kind: str) -> List[str]:
    return list(_NAMES[kind])


def field_map(kind: str) -> Dict[str, Field]:
    """Fields of ``kind`` by name (a shared mapping: do not change it)."""
    return _MAPS[kind]
