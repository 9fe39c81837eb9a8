"""Promise: nothing in the records folder identifies a woman who must not be found.

``rosa check`` warns (exit 0) when free text looks like a Norwegian fødselsnummer or
D-number (control digits checked), a phone number or an e-mail address, without
repeating the value; ordinary numbers and dates do not raise false alarms. A private
alias list lives outside the records folder (mode 0600), is shown by ``rosa woman
show`` and never reaches the records or git history; an alias file inside the records
folder is refused. The records folder is 0700 and its files 0600 whatever the umask.

No identity number is written literally here: valid ones are computed at run time.
"""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from helpers import ROSA_BIN, git
from helpers import fodselsnummer_like as identity_number
from helpers import invoke as rosa
from helpers import run_ok as ok


def wrong_control_digits(number: str) -> str:
    """The same number with its last control digit changed: no longer valid."""
    return number[:10] + str((int(number[10]) + 1) % 10)


@pytest.fixture(autouse=True)
def identity(git_identity, monkeypatch):
    """conftest's git identity and empty HOME, and no alias list but this test's own:
    ROSA_ALIASES unset and XDG_DATA_HOME inside the empty HOME."""
    monkeypatch.delenv("ROSA_ALIASES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(git_identity / "xdg-data"))
    return git_identity


def write_committed(folder: Path, rel: str, text: str) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    git(folder, "add", rel)
    git(folder, "commit", "--quiet", "-m", "hand-written record")


def check_note(folder: Path, note: str, field: str = "note"):
    """A committed call whose ``field`` holds ``note``; returns (rosa check result, lines about it)."""
    rel = "calls/2006/C-2006-PR1V1.yaml"
    text = f"id: C-2006-PR1V1\nat: 2006-03-01 10:00\nchannel: phone\ncaller: police\nsubject: other\n{field}: '{note}'\n"
    write_committed(folder, rel, text)
    result = rosa(folder, "check")
    lines = [l for l in result.stdout.splitlines() if l.startswith(rel)]
    return result, lines


# --- rosa check warns about identifying details -------------------------------------------

FNR = identity_number("150385")
DNR = identity_number("550385")  # day 15 + 40: a D-number


@pytest.mark.parametrize(
    "note, kind",
    [
        (f"she showed a paper with {FNR}", "fødselsnummer"),
        (f"number {FNR[:6]} {FNR[6:]} on a letter", "fødselsnummer"),
        (f"D-number {DNR} from the tax office", "D-number"),
        ("call her on 91234567", "phone"),
        ("call her on 912 34 567", "phone"),
        ("call her on +47 912 34 567", "phone"),
        ("call her on +4791234567", "phone"),
        ("call her on 0047 91234567", "phone"),
        ("wrote to someone.name@example.org", "e-mail"),
    ],
)
def test_privacy_check_warns_on_identifying_details(folder, note, kind):
    result, lines = check_note(folder, note)
    assert result.exit_code == 0, result.output  # a warning, not an error
    assert len(lines) == 1, lines
    assert "warning:" in lines[0] and kind in lines[0], lines[0]
    assert ":6: " in lines[0]  # points at the note's line
    for secret in (FNR, DNR, "91234567", "912 34 567", "someone.name@example.org"):
        assert secret not in result.output  # the warning never repeats the value


@pytest.mark.parametrize("field", ["note", "received_by"])
def test_privacy_check_warns_in_every_free_text_field(folder, field):
    result, lines = check_note(folder, f"see {FNR}", field=field)
    assert result.exit_code == 0
    assert lines and field in lines[0] and "fødselsnummer" in lines[0], lines


@pytest.mark.parametrize(
    "note",
    [
        f"case number {wrong_control_digits(FNR)}",
        f"case number {wrong_control_digits(DNR)}",
        "arrived 2006-03-14, left 2006-04-01",
        "arrived 14.03.2006 and met police 2006-03-14 14:10",
        "meeting 2006-03-14 14:10 to 15:30",
        "3 children, 2 nights",
        "report 2006/123",
    ],
)
def test_privacy_check_does_not_warn_on_ordinary_numbers_and_dates(folder, note):
    result, lines = check_note(folder, note)
    assert result.exit_code == 0, result.output
    assert lines == [], lines


def test_privacy_call_add_note_with_phone_is_refused_at_the_door(folder):
    """Before: accepted and only flagged by a later ``rosa check``, with the number
    already in history. Now refused, naming the flag and what was found."""
    before = git(folder, "log", "--format=%H")
    result = rosa(folder, "call", "add", "--caller", "police", "--subject", "other", "--note", "her number 91234567", "--no-prompt")
    assert result.exit_code == 2
    assert "--note" in result.stderr and "phone number" in result.stderr
    assert "91234567" not in result.output  # never echoes the value
    assert git(folder, "log", "--format=%H") == before
    assert not list(folder.glob("calls/**/*.yaml"))


# --- the private alias list ------------------------------------------------------------------

ALIAS = "Pseudonym Kari Testdatter"


def assert_nowhere_in_records(folder: Path, text: str) -> None:
    for path in folder.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(folder).parts[:1]:
            assert text.encode() not in path.read_bytes(), path
    history = git(folder, "log", "--all", "-p", "--format=%B")
    assert text not in history


def test_privacy_alias_lives_in_rosa_aliases_file_0600_and_is_shown(folder, tmp_path, monkeypatch):
    private = tmp_path / "private" / "aliases.yaml"
    monkeypatch.setenv("ROSA_ALIASES", str(private))
    woman = ok(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    result = ok(folder, "woman", "alias", woman, ALIAS)
    assert str(private) in result.stderr
    assert private.is_file()
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert ALIAS in private.read_text()
    assert ALIAS in ok(folder, "woman", "show", woman).stdout
    ok(folder, "call", "add", "--caller", "police", "--subject", "other", "--woman", woman, "--no-prompt")
    assert_nowhere_in_records(folder, ALIAS)
    assert ALIAS not in ok(folder, "woman", "list").stdout  # nothing else reads it
    assert ALIAS not in ok(folder, "export", "women").stdout
    assert ALIAS not in ok(folder, "log").output


def test_privacy_alias_defaults_to_xdg_data_home(folder, identity):
    woman = ok(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    ok(folder, "woman", "alias", woman, ALIAS)
    expected = identity / "xdg-data" / "rosa" / "aliases.yaml"
    assert expected.is_file()
    assert stat.S_IMODE(expected.stat().st_mode) == 0o600
    assert stat.S_IMODE(expected.parent.stat().st_mode) & 0o077 == 0
    assert ALIAS in ok(folder, "woman", "show", woman).stdout
    assert_nowhere_in_records(folder, ALIAS)


@pytest.mark.parametrize("where", ["rosa-aliases", "xdg-data-home", "link-into-folder"])
def test_privacy_alias_file_inside_records_folder_is_refused(folder, tmp_path, monkeypatch, where):
    inside = folder / "aliases.yaml"
    if where == "rosa-aliases":
        monkeypatch.setenv("ROSA_ALIASES", str(inside))
    elif where == "xdg-data-home":
        monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data"))
        inside = folder / "data" / "rosa" / "aliases.yaml"
    else:  # a path outside that is a link to a file inside
        inside.write_text("{}\n")
        link = tmp_path / "alias-link.yaml"
        link.symlink_to(inside)
        monkeypatch.setenv("ROSA_ALIASES", str(link))
    woman = ok(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    result = rosa(folder, "woman", "alias", woman, ALIAS)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    assert "inside the records folder" in result.stderr
    assert not inside.exists() or ALIAS not in inside.read_text()
    # show still shows the record, warns, and shows no alias
    show = ok(folder, "woman", "show", woman)
    assert woman in show.stdout or "nationality" in show.stdout
    assert "inside the records folder" in show.stderr
    assert_nowhere_in_records(folder, ALIAS)


def test_privacy_alias_file_readable_by_others_is_not_used(folder, tmp_path, monkeypatch):
    private = tmp_path / "private" / "aliases.yaml"
    monkeypatch.setenv("ROSA_ALIASES", str(private))
    woman = ok(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    ok(folder, "woman", "alias", woman, ALIAS)
    private.chmod(0o644)
    show = ok(folder, "woman", "show", woman)
    assert "chmod 600" in show.stderr
    assert ALIAS not in show.stdout


# --- owner-only folder and files whatever the umask -------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o002])
def test_privacy_records_folder_0700_files_0600_whatever_the_umask(tmp_path, identity, umask):
    root = tmp_path / "records"

    def run(*args):
        result = subprocess.run([str(ROSA_BIN), *args], capture_output=True, text=True, umask=umask)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    run("init", str(root))
    run("--records", str(root), "shelter", "add", "oslo", "--name", "Oslo krisesenter")
    woman = run("--records", str(root), "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10")
    run("--records", str(root), "stay", "open", woman, "--shelter", "oslo", "--on", "2006-02-01")
    run("--records", str(root), "call", "add", "--caller", "police", "--subject", "other", "--at", "2006-03-01 10:00", "--no-prompt")
    run("--records", str(root), "check")
    csv_file = tmp_path / "calls.csv"
    csv_file.write_text("at,caller,subject\n2007-03-01 10:00,ngo,other\n")
    run("--records", str(root), "import", "calls", str(csv_file))
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    checked = 0
    for path in root.rglob("*"):
        mode = stat.S_IMODE(path.lstat().st_mode)
        rel = path.relative_to(root)
        assert mode & 0o077 == 0, f"{rel} is mode {mode:o} (umask {umask:o})"
        if rel.parts[0] != ".git":
            expected = 0o700 if path.is_dir() else 0o600
            assert mode == expected, f"{rel} is mode {mode:o}, expected {expected:o} (umask {umask:o})"
        checked += 1
    assert checked > 10
    assert list((root / "calls").glob("2007/C-*.yaml"))  # the import's new year folder was checked too


def test_privacy_shelter_name_and_organisation_are_checked_at_the_door(tmp_path):
    """A shelter's name and municipality and the organisation's name are free text too:
    a phone number there is refused before anything is written."""
    from helpers import init_records, snapshot

    phone = " ".join(["41", "23", "45", "67"])  # made up, assembled here
    records = init_records(tmp_path / "records")
    before = snapshot(records)
    for args in (("shelter", "add", "lofoten", "--name", f"Lofoten tlf {phone}"),
                 ("shelter", "add", "lofoten", "--name", "Lofoten", "--municipality", f"ring {phone}")):
        refused = rosa(records, *args)
        assert refused.exit_code == 2, refused.output
        assert "phone number" in refused.stderr and phone not in refused.output
    assert snapshot(records) == before
    made = rosa(None, "init", str(tmp_path / "other"), "--organisation", f"ROSA {phone}")
    assert made.exit_code == 2 and "phone number" in made.stderr
    assert not (tmp_path / "other" / "rosa.yaml").exists()
