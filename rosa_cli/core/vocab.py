"""Default vocabularies and settings written by ``rosa init``.

Each vocabulary maps a stable key (what records store and JSON reports use) to
labels in Norwegian bokmål (``nb``) and English (``en``). An organisation may add
keys in its own ``rosa.yaml``; labels always come from there, so the defaults here
only seed a new records folder.
"""

from __future__ import annotations

from typing import Dict

Labels = Dict[str, str]
Vocabulary = Dict[str, Labels]

DEFAULT_VOCABULARIES: Dict[str, Vocabulary] = {
    "caller": {
        "shelter": {"nb": "Krisesenter", "en": "Crisis shelter"},
        "public-agency": {"nb": "Offentlige hjelpeinstanser", "en": "Public agency"},
        "police": {"nb": "Politi", "en": "Police"},
        "immigration": {"nb": "Utlendingsmyndigheter", "en": "Immigration authorities"},
        "ngo": {"nb": "Frivillige organisasjoner", "en": "NGO"},
        "woman": {"nb": "Kvinnen selv", "en": "The woman herself"},
        "private-person": {"nb": "Privatperson", "en": "Private person"},
        "other": {"nb": "Annet", "en": "Other"},
    },
    "subject": {
        # role: which entry the statistics count as a first-time inquiry (docs/data-model.md, Vocabularies)
        "trafficking-first": {"nb": "Menneskehandel 1. gang", "en": "Trafficking, first inquiry", "role": "first-inquiry"},
        "trafficking-followup": {"nb": "Menneskehandel oppfølging", "en": "Trafficking, follow-up"},
        "project-info": {"nb": "Informasjon om prosjektet", "en": "Project information"},
        "other": {"nb": "Annet", "en": "Other"},
    },
    "channel": {
        "phone": {"nb": "Telefon", "en": "Phone"},
        "office": {"nb": "Samtale på kontoret", "en": "Office visit", "role": "office-visit"},  # an office visit, not a call
        "email": {"nb": "E-post", "en": "E-mail"},
        "other": {"nb": "Annet", "en": "Other"},
    },
    "referrer": {
        "police": {"nb": "Politi", "en": "Police"},
        "shelter": {"nb": "Krisesenter", "en": "Crisis shelter"},
        "public-agency": {"nb": "Offentlig hjelpeinstans", "en": "Public agency"},
        "immigration": {"nb": "Utlendingsmyndigheter", "en": "Immigration authorities"},
        "ngo": {"nb": "Frivillig organisasjon", "en": "NGO"},
        "self": {"nb": "Kvinnen selv", "en": "Self-referred"},
        "private-person": {"nb": "Privatperson", "en": "Private person"},
        "other": {"nb": "Annet", "en": "Other"},
    },
    "residence": {
        "irregular": {"nb": "Ulovlig opphold", "en": "Irregular stay"},
        "asylum-seeker": {"nb": "Asylsøker", "en": "Asylum seeker"},
        "reflection-period": {"nb": "Refleksjonsperiode", "en": "Reflection period"},
        "eu-eea": {"nb": "EU/EØS-borger", "en": "EU/EEA citizen"},
        "residence-permit": {"nb": "Oppholdstillatelse", "en": "Residence permit"},
        "other": {"nb": "Annet", "en": "Other"},
        "unknown": {"nb": "Ukjent", "en": "Unknown"},
    },
    "end_reason": {
        "moved": {"nb": "Flyttet til annet krisesenter", "en": "Moved to another shelter"},
        "own-housing": {"nb": "Egen bolig", "en": "Own housing"},
        "returned-home": {"nb": "Reist hjem", "en": "Returned home"},
        "asylum-reception": {"nb": "Asylmottak", "en": "Asylum reception centre"},
        "left": {"nb": "Forlot krisesenteret", "en": "Left the shelter"},
        "other": {"nb": "Annet", "en": "Other"},
    },
    "declined": {
        "fear-for-family": {"nb": "Frykt for familien", "en": "Fear for her family"},
        "economy-debt": {"nb": "Økonomi og gjeld", "en": "Money and debt"},
        "distrust": {"nb": "Mistillit", "en": "Distrust"},
        "not-ready": {"nb": "Ikke klar", "en": "Not ready"},
        "other": {"nb": "Annet", "en": "Other"},
        "unknown": {"nb": "Ukjent", "en": "Unknown"},
    },
    "exploitation": {
        "prostitution": {"nb": "Prostitusjon", "en": "Prostitution"},
        "labour": {"nb": "Tvangsarbeid", "en": "Forced labour"},
        "other": {"nb": "Annet", "en": "Other"},
    },
    # docs/services-activities-website.md: services given to women, who paid, outreach activities, audiences
    "service": {
        "interpreter": {"nb": "Tolk", "en": "Interpreter"},
        "doctor": {"nb": "Lege", "en": "Doctor"},
        "medicine": {"nb": "Medisiner", "en": "Medicine"},
        "dental": {"nb": "Tannlege", "en": "Dentist"},
        "psychologist": {"nb": "Psykolog", "en": "Psychologist"},
        "norwegian-course": {"nb": "Norskkurs", "en": "Norwegian course"},
        "fitness": {"nb": "Trening", "en": "Fitness"},
        "hobby-course": {"nb": "Hobbykurs", "en": "Hobby course"},
        "vocational-training": {"nb": "Yrkesopplæring", "en": "Vocational training"},
        "legal-aid": {"nb": "Rettshjelp", "en": "Legal aid"},
        "travel": {"nb": "Reise", "en": "Travel"},
        "other": {"nb": "Annet", "en": "Other"},
    },
    "payer": {
        "project": {"nb": "Prosjektet", "en": "The project"},
        "municipality": {"nb": "Kommunen", "en": "Municipality"},
        "state": {"nb": "Staten", "en": "The state"},
        "shelter": {"nb": "Krisesenteret", "en": "The shelter"},
        "ngo": {"nb": "Frivillig organisasjon", "en": "NGO"},
        "free": {"nb": "Gratis", "en": "Free of charge"},
        "other": {"nb": "Annet", "en": "Other"},
        "unknown": {"nb": "Ukjent", "en": "Unknown"},
    },
    "activity": {
        "seminar": {"nb": "Seminar", "en": "Seminar"},
        "conference": {"nb": "Konferanse", "en": "Conference"},
        "network-meeting": {"nb": "Nettverksmøte", "en": "Network meeting"},
        "lecture": {"nb": "Foredrag", "en": "Lecture"},
        "course": {"nb": "Kurs", "en": "Course"},
        "meeting": {"nb": "Møte", "en": "Meeting"},
        "visit": {"nb": "Besøk", "en": "Visit"},
        "media": {"nb": "Media", "en": "Media"},
        "other": {"nb": "Annet", "en": "Other"},
    },
    "audience": {
        "shelter": {"nb": "Krisesentre", "en": "Crisis shelters"},
        "police": {"nb": "Politi", "en": "Police"},
        "public-agency": {"nb": "Offentlige instanser", "en": "Public agencies"},
        "immigration": {"nb": "Utlendingsmyndigheter", "en": "Immigration authorities"},
        "ngo": {"nb": "Frivillige organisasjoner", "en": "NGOs"},
        "health": {"nb": "Helsevesen", "en": "Health services"},
        "education": {"nb": "Utdanning", "en": "Education"},
        "union": {"nb": "Fagforeninger", "en": "Trade unions"},
        "international": {"nb": "Internasjonalt", "en": "International"},
        "public": {"nb": "Allmennheten", "en": "The public"},
        "other": {"nb": "Annet", "en": "Other"},
    },
}
# activities the project organises itself unless a record says otherwise
ORGANISED_BY_DEFAULT = ("seminar", "conference", "network-meeting", "course")

DEFAULT_AGE_GROUPS = [18, 20, 25, 30, 40]
DEFAULT_DURATION_GROUPS = [31, 91, 181, 366]
DEFAULT_SUPPRESS_BELOW = 3
# Longest free text (a note, a referrer) a record may hold. A note is a few lines; a
# 50 MB paste would slow every report, and long prose invites identifying details.
DEFAULT_MAX_TEXT_CHARS = 2000
LANGUAGES = ("nb", "en")
# What `rosa agenda` and `rosa check` call a long stay, how long a reflection period
# lasts (counted from the residence entry that starts it) and how long a woman in a
# shelter may go without a call or visit about her before she is on the agenda.
DEFAULT_LONG_STAY_DAYS = 365
DEFAULT_REFLECTION_DAYS = 180
DEFAULT_FOLLOWUP_DAYS = 30
DAY_SETTINGS = {
    "long_stay_days": DEFAULT_LONG_STAY_DAYS,
    "reflection_days": DEFAULT_REFLECTION_DAYS,
    "followup_days": DEFAULT_FOLLOWUP_DAYS,
}


def default_settings(organisation: str = "ROSA", started: str | None = None) -> dict:
    """The content of a new ``rosa.yaml``, as plain data in the order it is written."""
    settings: dict = {
        "organisation": organisation,
        "language": "nb",
    }
    if started:
        settings["started"] = started
    settings.update(
        {
            "age_groups": list(DEFAULT_AGE_GROUPS),
            "duration_groups": list(DEFAULT_DURATION_GROUPS),
            "suppress_below": DEFAULT_SUPPRESS_BELOW,
            "max_text_chars": DEFAULT_MAX_TEXT_CHARS,
            **DAY_SETTINGS,
            "vocabularies": {
                name: {key: dict(labels) for key, labels in vocab.items()}
                for name, vocab in DEFAULT_VOCABULARIES.items()
            },
        }
    )
    return settings
