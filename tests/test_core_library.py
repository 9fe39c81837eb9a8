"""The core library on its own: dates, ids, privacy checks, strict YAML, atomic writes."""

from __future__ import annotations

import os
import stat
from datetime import date, datetime, timedelta

import pytest

from conftest import fodselsnummer_like
from rosa_cli.core import ids
from rosa_cli.core.countries import normalise_nationality
from rosa_cli.core.dates import DateError, format_datetime, parse_date, parse_datetime
from rosa_cli.core.privacy import identifying_details, identity_number_kind
from rosa_cli.core.yamlio import atomic_write, mapping_from_text, parse_yaml_text, YamlProblem

TODAY = date(2007, 3, 1)

# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2006-03-14", date(2006, 3, 14)),
        ("14.03.2006", date(2006, 3, 14)),
        ("14.3.2006", date(2006, 3, 14)),
        ("14.3.06", date(2006, 3, 14)),
        ("1.1.99", date(1999, 1, 1)),  # two digits: the latest such year not after today
        ("1.1.07", date(2007, 1, 1)),
        ("1.1.08", date(1908, 1, 1)),
        (" 14.03.2006 ", date(2006, 3, 14)),
        ("today", TODAY),
        ("Today", TODAY),
        ("i dag", TODAY),
        ("yesterday", TODAY - timedelta(days=1)),
        ("i går", TODAY - timedelta(days=1)),
    ],
)
def test_parse_date_accepts_iso_norwegian_and_words(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["31.02.2006", "14/03/2006", "2006-13-01", "32.03", "march 14", "", "14.03.206", "14..2006"])
def test_parse_date_rejects_with_a_hint(text):
    with pytest.raises(DateError) as info:
        parse_date(text, TODAY)
    assert "date" in str(info.value)


def test_parse_date_passes_yaml_dates_through():
    assert parse_date(date(2006, 3, 14)) == date(2006, 3, 14)
    assert parse_date(datetime(2006, 3, 14, 10, 0)) == date(2006, 3, 14)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2006-03-14 14:10", datetime(2006, 3, 14, 14, 10)),
        ("2006-03-14T14:10", datetime(2006, 3, 14, 14, 10)),
        ("14.03.2006 14:10", datetime(2006, 3, 14, 14, 10)),
        ("14.3.06 9.05", datetime(2006, 3, 14, 9, 5)),
        ("2006-03-14 14:10:30", datetime(2006, 3, 14, 14, 10, 30)),
    ],
)
def test_parse_datetime(text, expected):
    assert parse_datetime(text, datetime(2007, 3, 1, 12, 0)) == expected


def test_parse_datetime_now_and_missing_time():
    now = datetime(2007, 3, 1, 12, 0)
    assert parse_datetime("now", now) == now
    assert parse_datetime("nå", now) == now
    for bad in ("2006-03-14", date(2006, 3, 14), "2006-03-14 25:00", "2006-03-14 noon"):
        with pytest.raises(DateError):
            parse_datetime(bad, now)


def test_format_datetime():
    assert format_datetime(datetime(2006, 3, 14, 14, 10)) == "2006-03-14 14:10"
    assert format_datetime(datetime(2006, 3, 14, 14, 10, 5)) == "2006-03-14 14:10:05"


# --- ids -----------------------------------------------------------------------------------


def test_new_ids_have_prefix_year_and_crockford_part(tmp_path):
    seen = set()
    for kind, prefix in (("woman", "W"), ("stay", "S"), ("call", "C")):
        for _ in range(30):
            record_id, path = ids.create_new(tmp_path / kind, kind, 2006, lambda i: f"id: {i}\n")
            assert record_id.startswith(f"{prefix}-2006-")
            assert ids.id_problem(kind, record_id) is None
            assert path.read_text() == f"id: {record_id}\n"  # claimed and written in one step
            random_part = record_id.split("-")[2]
            assert len(random_part) * 5 >= (25 if kind == "call" else 20)
            assert set(random_part) <= set(ids.CROCKFORD)
            assert not set(random_part) & set("ILOU")
            assert path.name == f"{record_id}.yaml" and path.exists()
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            seen.add(record_id)
    assert len(seen) == 90


def test_create_given_is_exclusive_and_keeps_the_first(tmp_path):
    ids.create_given(tmp_path, "W-2006-0LDA1".replace("L", "1"), "id: first\n")
    with pytest.raises(FileExistsError):
        ids.create_given(tmp_path, "W-2006-01DA1", "id: second\n")
    assert (tmp_path / "W-2006-01DA1.yaml").read_text() == "id: first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["W-2006-01DA1.yaml"]  # no temp file left


@pytest.mark.parametrize(
    "kind, value, ok",
    [
        ("woman", "W-2006-K7Q2X", True),
        ("woman", "W-LEGACY-17", False),  # legacy import codes: only the id grammar now
        ("woman", "W-2006-K7Q2", True),
        ("woman", "W-2006-K7Q2XAB", True),
        ("woman", "W-2006-K7Q", False),  # under 20 random bits
        ("woman", "W-2006-k7q2x", False),
        ("woman", "W-2006-K7IOX", False),  # I, L, O, U are not Crockford base32
        ("woman", "W-2006-" + "123456", False),  # six digits: a date or number could hide
        ("woman", "W-2006-A" + "123456", False),
        ("woman", "W-2006-12345", True),
        ("woman", "W-2006-K7Q2X.yaml", False),
        ("woman", "W-2006-K7Q2X/", False),
        ("woman", "../rosa", False),
        ("woman", "W-06-K7Q2X", False),
        ("stay", "T-2006-K7Q2X", False),
        ("woman", "S-2006-K7Q2X", False),
        ("woman", "W-", False),
        ("woman", "W-2006/../x", False),
        ("woman", "W-2006 K7Q2X", False),
        ("stay", "S-2006-K7Q2X", True),
        ("call", "C-2006-K7Q2X", True),
        ("call", "c-2006-K7Q2X", False),
    ],
)
def test_id_problem(kind, value, ok):
    assert (ids.id_problem(kind, value) is None) == ok


# --- countries -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code, hint",
    [
        ("NG", "NG", None),
        ("unknown", "unknown", None),
        ("stateless", "stateless", None),
        ("NGA", None, "did you mean NG?"),
        ("Nigeria", None, "did you mean NG?"),
        ("Albania", None, "did you mean AL?"),
        ("XX", None, "not a country code"),
    ],
)
def test_normalise_nationality(text, code, hint):
    found, message = normalise_nationality(text)
    assert found == code
    if hint:
        assert hint in message


# --- privacy -------------------------------------------------------------------------------


def test_valid_fodselsnummer_is_recognised_without_echoing_it():
    number = fodselsnummer_like()
    assert identity_number_kind(number) == "fødselsnummer"
    found = identifying_details(f"she gave {number} at intake")
    assert found == ["what looks like a fødselsnummer"]
    assert all(number not in f for f in found)
    spaced = number[:6] + " " + number[6:]
    assert identifying_details(f"ref {spaced}") == ["what looks like a fødselsnummer"]


def test_d_number_is_recognised():
    number = fodselsnummer_like("410190")  # day + 40
    assert identity_number_kind(number) == "D-number"


def test_eleven_digits_with_wrong_control_digits_are_not_flagged_as_identity_numbers():
    number = fodselsnummer_like()
    broken = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert identity_number_kind(broken) is None
    assert not any("fødselsnummer" in f for f in identifying_details(f"case {broken}"))


def test_email_and_phone_are_flagged():
    assert "what looks like an e-mail address" in identifying_details("write to a.b@example.org")
    assert "what looks like a phone number" in identifying_details("call +47 " + "9" * 8)
    assert identifying_details("came in 2006, stayed 12 nights") == []


# --- strict YAML ---------------------------------------------------------------------------


def test_norway_stays_a_country_code_and_yes_stays_text():
    data = parse_yaml_text("nationality: NO\nnote: yes\nborn_estimated: true\nborn: 1984\n")
    assert data["nationality"] == "NO"
    assert data["note"] == "yes"
    assert data["born_estimated"] is True
    assert data["born"] == 1984


def test_yaml_remembers_key_lines():
    data = parse_yaml_text("id: W-1\n\n# c\nnationality: NG\n")
    assert data.key_lines == {"id": 1, "nationality": 4}


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("a: &x 1\nb: *x\n", None, "aliases"),
        ("id: W-1\nid: W-2\n", 2, "given twice"),
        ("id: W-1\n<<<<<<< HEAD\n", 2, "merge conflict"),
        ("id: W-1\nnote: [unclosed\n", None, "YAML syntax error"),
    ],
)
def test_yaml_problems_have_lines(text, line, message):
    with pytest.raises(YamlProblem) as info:
        parse_yaml_text(text)
    assert message in info.value.message
    if line is not None:
        assert info.value.line == line


def test_mapping_from_text_rejects_non_mappings():
    assert mapping_from_text("", "x.yaml")[0] is None
    data, problems = mapping_from_text("- a\n- b\n", "x.yaml")
    assert data is None and "mapping" in problems[0].message


def test_atomic_write_is_owner_only_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "sub" / "r.yaml"
    path.parent.mkdir()
    atomic_write(path, "id: W-1\n")
    atomic_write(path, "id: W-2\n")
    assert path.read_text() == "id: W-2\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ["r.yaml"]
