"""A coordinator's day in bokmål, end to end (issue: "Norwegian at the desk").

She takes a call, registers a woman, places her at a shelter, closes the stay and runs
the report, answering every question at the prompt the way she would say it, with no
ROSA_LANG set: the folder's ``language: nb`` (what ``rosa init`` writes) decides. Nothing
rosa says to her may contain an English word of its own; the same day in English
(``--lang en``) must read English. Keys, ids and git's own words are not rosa's prose.
"""

from __future__ import annotations

import re

import pytest

from helpers import init_records, invoke

# Words that only English prose uses; each would mean a message escaped the catalogue.
ENGLISH = re.compile(
    r"\b(the|is|was|not|nothing|written|error|warning|usage|options|added|opened|closed|logged|"
    r"recorded|skip|enter to|nights|shelter|woman|call|phone|police|unknown|own housing|"
    r"first contact|nationality|received by|reason|subject|caller|channel|invalid|missing)\b",
    re.IGNORECASE,
)
NORWEGIAN = ("Når", "Kanal", "Tema", "Nasjonalitet", "Første kontakt", "Krisesenter", "Grunn til utflytting", "Avsluttet")


def _day(records, lang_args=()):
    """Every step of the day; returns what rosa said (stdout and stderr) and the ids."""
    said = []

    def run(*args, input=None):
        result = invoke(records, *lang_args, *args, input=input)
        assert result.exit_code == 0, result.output
        said.append(result.output)
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    # a bad answer first ("kanskje" is no channel), then the right one; the time as said
    run("call", "add", "--prompt", input="i går 14:30\nkanskje\ntelefon\npoliti\n1\n\nng\nkl\n\n")
    woman = run("woman", "add", "--prompt",
                input="i går\nnigeria\n1990\npoliti\n\nulovlig opphold\nengelsk\nprostitusjon\n")
    run("stay", "open", woman, "--prompt", input="oslo\ni går\n\n")
    run("stay", "close", woman, "--prompt", input="i dag\negen bolig\n")
    said.append(invoke(records, *lang_args, "report", "--year", "2026").output)
    refused = invoke(records, *lang_args, "stay", "close", woman, "--reason", "egen bolig")
    assert refused.exit_code == 2
    said.append(refused.output)
    return "\n".join(said), woman


def _rosa_words(text: str) -> str:
    """What rosa itself said: ids, file paths and git commit lines left out."""
    text = re.sub(r"\b[WSCTA]-\d{4}-[0-9A-Z]{4,8}\b", "", text)
    text = re.sub(r"\b(stay|woman|call) (open|close|add)\b[^\n]*", "", text)  # commit subjects quoted in a log
    return text


def test_a_day_in_bokmal_meets_no_english_word(tmp_path, monkeypatch):
    monkeypatch.delenv("ROSA_LANG", raising=False)
    records = init_records(tmp_path / "rosa")
    said, woman = _day(records)
    for word in NORWEGIAN:
        assert word in said, word
    english = sorted({m.group(0) for m in ENGLISH.finditer(_rosa_words(said))})
    assert not english, f"English words at the desk: {english}\n{said}"
    helped = invoke(records, "call", "add", "--help").output  # lists keys beside labels, so checked apart
    assert "Bruk:" in helped and "Valg:" in helped
    assert not {"Usage:", "Options:", "Show this message"} & set(re.findall(r"Usage:|Options:|Show this message", helped))
    stay_files = list((records / "stays").glob("*.yaml"))
    assert len(stay_files) == 1
    stored = stay_files[0].read_text(encoding="utf-8")
    assert "end_reason: own-housing" in stored and f"woman: {woman}" in stored  # keys stay English in files


def test_the_same_day_in_english_reads_english(tmp_path, monkeypatch):
    monkeypatch.delenv("ROSA_LANG", raising=False)
    records = init_records(tmp_path / "rosa")
    said, _ = _day(records, ("--lang", "en"))
    for word in ("When", "Channel", "Nationality", "First contact", "Reason for leaving", "Closed"):
        assert word in said, word
    for word in NORWEGIAN[1:]:
        if word != "Krisesenter":
            assert word not in said, word


@pytest.mark.parametrize("answer", ["Egen bolig", "EGEN BOLIG", "egen", "own-housing", "Own housing"])
def test_a_reason_is_taken_in_either_language_and_any_case(tmp_path, monkeypatch, answer):
    monkeypatch.delenv("ROSA_LANG", raising=False)
    records = init_records(tmp_path / "rosa")
    woman = invoke(records, "woman", "add", "--nationality", "norge", "--first-contact", "i går").stdout.strip()
    assert invoke(records, "stay", "open", woman, "--shelter", "oslo", "--on", "i går").exit_code == 0
    closed = invoke(records, "stay", "close", woman, "--reason", answer, "--on", "i dag")
    assert closed.exit_code == 0, closed.output
    assert "Egen bolig" in closed.output
