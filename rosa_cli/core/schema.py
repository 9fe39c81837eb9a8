"""The fields of each record kind: one table that validation, prompts, imports and
exports all read, so a field is described once.

Field order here is the order fields are written to a new file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from rosa_cli.core.messages import N_

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
    question: str = ""  # marked with N_ for the catalogue; the prompt shows it translated

    @property
    def free_text(self) -> bool:
        return self.type == "text"


WOMAN_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("first_contact", "date", required=True, question=N_("First contact")),
    Field("born", "born", question=N_("Born (year or date)")),
    Field("born_estimated", "bool", question=N_("Age estimated")),
    Field("nationality", "country", required=True, question=N_("Nationality")),
    Field("referred_by", "vocab", vocab="referrer", question=N_("Referred by")),
    Field("referrer", "text", question=N_("Referring agency")),
    Field("residence", "residence", question=N_("Residence status")),
    Field("interpreter", "language", question=N_("Interpreter language")),
    Field("exploitation", "vocab", vocab="exploitation", question=N_("Exploitation")),
    Field("declined_on", "date", question=N_("Declined on")),
    Field("declined_reason", "vocab", vocab="declined", question=N_("Declined because")),
    Field("note", "text", question=N_("Note")),
)

STAY_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("woman", "woman", required=True, question=N_("Woman")),
    Field("shelter", "shelter", required=True, question=N_("Shelter")),
    Field("start", "date", required=True, question=N_("Arrival")),
    Field("end", "date", question=N_("Departure")),
    Field("end_reason", "vocab", vocab="end_reason", question=N_("Reason for leaving")),
    Field("children", "count", question=N_("Children")),
    Field("note", "text", question=N_("Note")),
)

CALL_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("at", "datetime", required=True, question=N_("When")),
    Field("channel", "vocab", vocab="channel", question=N_("Channel")),
    Field("caller", "vocab", vocab="caller", required=True, question=N_("Caller")),
    Field("subject", "vocab", vocab="subject", required=True, question=N_("Subject")),
    Field("woman", "woman", question=N_("Woman (id)")),
    Field("nationality", "country", question=N_("Nationality")),
    Field("received_by", "text", question=N_("Received by")),
    Field("note", "text", question=N_("Note")),
)

# docs/services-activities-website.md: what the project paid for, the outreach it did, and its website.
SERVICE_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("woman", "woman", required=True, question=N_("Woman (id)")),
    Field("kind", "vocab", vocab="service", required=True, question=N_("Service")),
    Field("on", "date", required=True, question=N_("Date (first day of a course)")),
    Field("to", "date", question=N_("Last day (courses, series)")),
    Field("cost", "cost", question=N_("Cost (NOK)")),
    Field("paid_by", "vocab", vocab="payer", question=N_("Paid by")),
    Field("provider", "text", question=N_("Provider (an organisation)")),
    Field("completed", "bool", question=N_("Completed")),
    Field("note", "text", question=N_("Note")),
)

ACTIVITY_FIELDS: Tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("kind", "vocab", vocab="activity", required=True, question=N_("Activity")),
    Field("on", "date", required=True, question=N_("Date")),
    Field("days", "number", question=N_("Days (0.5 for a half day)")),
    Field("participants", "int", question=N_("Participants")),
    Field("audience", "audience", vocab="audience", question=N_("Audience (keys, comma-separated)")),
    Field("organised_by_us", "bool", question=N_("Organised by us")),
    Field("shelters", "int", question=N_("Shelters served")),
    Field("title", "text", question=N_("Title")),
)

WEBSITE_FIELDS: Tuple[Field, ...] = (
    Field("month", "month", required=True),
    Field("visits", "int", question=N_("Visits")),
    Field("pages", "int", question=N_("Pages")),
    Field("hits", "int", question=N_("Hits")),
    Field("sites", "int", question=N_("Sites")),
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
