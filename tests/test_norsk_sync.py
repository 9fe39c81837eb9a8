"""sync, conflicts, resolve, scrub and the HTCDS mapping speak the user's language.

With ``ROSA_LANG=nb`` two real offices (clones of one bare remote) change the same
field: ``rosa sync``, ``rosa conflicts`` and ``rosa resolve`` answer in bokmål ("dette
kontoret / det andre kontoret"); an unreachable remote is refused in bokmål; ``rosa
scrub`` asks on a real terminal in bokmål and takes ``ja``. The same flows in English
with ``ROSA_LANG=en``. The core's refusals carry stable codes (called directly), and
the advice ("run rosa sync again later") is the CLI's, added by code.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers import ROSA_BIN, commit_all, git, invoke, no_traceback, run_ok

WORDS = {
    "nb": {
        "not_synced": "Ikke synkronisert: 1 journal(er) ble endret både her og på det andre kontoret",
        "conflict_line": "{woman} nationality: dette kontoret: SE; det andre kontoret: AL",
        "to_settle": "1 å løse: rosa resolve ID --keep mine (dette kontoret)",
        "settled": "Løste {woman}. Kjør rosa sync for å fullføre.",
        "settled_listed": "{woman}: løst (behold verdiene til dette kontoret); rosa sync fullfører det",
        "synced": "Synkronisert: ",
        "none": "Ingen synkroniseringskonflikter.",
        "offline": "ingen forbindelse med fjernlageret (",
        "offline_advice": "journalene dine er trygge her; kjør rosa sync igjen senere",
        "no_remote": "ingen git-fjernlager som heter «origin»; legg til et med: git -C ",
        "bad_choice": "oppgi én av --keep mine, --keep theirs eller --edit",
    },
    "en": {
        "not_synced": "Not synced: 1 record(s) were changed both here and at the other office",
        "conflict_line": "{woman} nationality: this office: SE; the other office: AL",
        "to_settle": "1 to settle: rosa resolve ID --keep mine (this office)",
        "settled": "Settled {woman}. Run rosa sync to finish.",
        "settled_listed": "{woman}: settled (keep this office's values); rosa sync will finish it",
        "synced": "Synced: ",
        "none": "No sync conflicts.",
        "offline": "no connection to the remote (",
        "offline_advice": "your records are safe here; run rosa sync again later",
        "no_remote": "no git remote 'origin'; add one with: git -C ",
        "bad_choice": "give one of --keep mine, --keep theirs or --edit",
    },
}


@pytest.fixture
def shared(folder, tmp_path):
    """A bare remote holding the folder (one woman) and two clones: (a, b, woman)."""
    woman = run_ok(folder, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    git(folder, "remote", "add", "origin", str(remote))
    run_ok(folder, "sync")
    a, b = tmp_path / "office-a", tmp_path / "office-b"
    for clone in (a, b):
        subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True)
    return a, b, woman


def _hand_edit(office: Path, rel: str, old: str, new: str) -> None:
    path = office / rel
    path.write_text(path.read_text().replace(old, new))
    git(office, "commit", "--quiet", "-am", "hand edit")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_same_field_changed_at_two_offices_in_the_users_language(shared, monkeypatch, language):
    monkeypatch.setenv("ROSA_LANG", language)
    words = {key: text for key, text in WORDS[language].items()}
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    _hand_edit(a, rel, "nationality: NG", "nationality: AL")
    _hand_edit(b, rel, "nationality: NG", "nationality: SE")
    run_ok(a, "sync")
    before = git(b, "rev-parse", "HEAD")

    refused = invoke(b, "sync")
    no_traceback(refused)
    assert refused.exit_code == 1
    assert words["not_synced"] in refused.stderr and woman in refused.stderr
    assert git(b, "rev-parse", "HEAD") == before  # nothing moved

    listed = run_ok(b, "conflicts")
    assert words["conflict_line"].format(woman=woman) in listed.stdout
    assert words["to_settle"] in listed.stderr

    wrong = invoke(b, "resolve", woman)
    assert wrong.exit_code == 2 and words["bad_choice"] in wrong.stderr

    settled = run_ok(b, "resolve", woman, "--keep", "mine")
    assert words["settled"].format(woman=woman) in settled.stderr
    assert words["settled_listed"].format(woman=woman) in run_ok(b, "conflicts").stdout

    synced = run_ok(b, "sync")
    assert synced.stderr.startswith(words["synced"])
    assert run_ok(b, "conflicts").stderr.strip() == words["none"]
    run_ok(a, "sync")
    assert "nationality: SE" in (a / rel).read_text()  # this office's value was kept


@pytest.mark.parametrize("language", ["nb", "en"])
def test_sync_offline_and_without_remote_in_the_users_language(shared, folder, tmp_path, monkeypatch, language):
    monkeypatch.setenv("ROSA_LANG", language)
    words = WORDS[language]
    a, _b, _woman = shared
    git(a, "remote", "set-url", "origin", str(tmp_path / "no-such-remote.git"))
    before = git(a, "rev-parse", "HEAD")
    offline = invoke(a, "sync")
    no_traceback(offline)
    assert offline.exit_code == 1
    assert words["offline"] in offline.stderr
    assert words["offline_advice"] in offline.stderr  # the CLI's advice, after the core's facts
    assert "does not appear to be a git repository" in offline.stderr  # git's own reason, kept
    assert git(a, "rev-parse", "HEAD") == before

    alone = tmp_path / "alone"
    subprocess.run(["git", "clone", "--quiet", str(a), str(alone)], check=True)
    git(alone, "remote", "remove", "origin")
    missing = invoke(alone, "sync")
    assert missing.exit_code == 1
    assert words["no_remote"] in missing.stderr and "remote add origin URL" in missing.stderr


def fake_phone() -> str:
    """A made-up phone number, built at run time (no number literal in the code)."""
    return " ".join(f"{d}{d - 1}" for d in (9, 7, 5, 3))


def _on_terminal(records: Path, answer: str, language: str, *args: str) -> subprocess.CompletedProcess:
    """``rosa scrub`` on a real terminal (a pty), answering ``answer`` to its question."""
    import pty

    master, slave = pty.openpty()
    try:
        os.write(master, answer.encode() + b"\n")
        return subprocess.run(
            [str(ROSA_BIN), "--records", str(records), "scrub", *args],
            stdin=slave, capture_output=True, text=True, timeout=60, env=dict(os.environ, ROSA_LANG=language),
        )
    finally:
        os.close(slave)
        os.close(master)


@pytest.fixture
def leaked(records):
    """A woman's note holding a made-up phone number, committed by hand."""
    value = fake_phone()
    woman = run_ok(records, "woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10").stdout.strip()
    path = records / "women" / f"{woman}.yaml"
    path.write_text(path.read_text() + f"note: ring {value}\n")
    commit_all(records, f"hand edit {woman}")
    return records, value, path


@pytest.mark.parametrize(
    "language, no, yes, question, counts, declined",
    [
        ("nb", "nei", "ja", "Skrive om historikken nå? [j/N]", "1 commit inneholder den", "ingenting ble endret"),
        ("nb", "n", "j", "Skrive om historikken nå? [j/N]", "1 fil i mappen inneholder den", "ingenting ble endret"),
        ("en", "no", "yes", "Rewrite history now? [y/N]", "1 commit holds it", "nothing changed"),
        ("en", "n", "ja", "Rewrite history now? [y/N]", "1 file in the folder holds it", "nothing changed"),
    ],
)
def test_scrub_confirms_in_the_users_language(leaked, language, no, yes, question, counts, declined):
    records, value, path = leaked
    head = git(records, "rev-parse", "HEAD")

    refused = _on_terminal(records, no, language, value)
    assert refused.returncode == 2, refused.stderr
    assert question in refused.stderr and counts in refused.stderr and declined in refused.stderr
    assert value not in refused.stdout + refused.stderr
    assert git(records, "rev-parse", "HEAD") == head and value in path.read_text()

    accepted = _on_terminal(records, yes, language, value)
    assert accepted.returncode == 0, accepted.stderr
    assert value not in path.read_text() and "[fjernet]" in path.read_text()
    assert value not in git(records, "log", "-p", "--all")


def test_scrub_refusals_name_the_argument_and_advise_in_bokmal(leaked, monkeypatch):
    records, _value, path = leaked
    monkeypatch.setenv("ROSA_LANG", "nb")
    short = invoke(records, "scrub", "987", "--yes")
    assert short.exit_code == 2
    assert "TEKST: er kortere enn 4 tegn" in short.stderr
    woman = path.stem
    structured = invoke(records, "scrub", "2006-01-10", "--yes")
    assert structured.exit_code == 2
    assert f"women/{woman}.yaml: feltet first_contact inneholder teksten" in structured.stderr
    assert "rett disse feltene først med de vanlige kommandoene (rosa woman edit" in structured.stderr
    nowhere = invoke(records, "scrub", "finnes-ikke-her", "--yes")
    assert nowhere.exit_code == 2 and "ble ikke funnet noe sted" in nowhere.stderr


def test_htcds_mapping_in_bokmal_and_english(folder, monkeypatch):
    monkeypatch.setenv("ROSA_LANG", "nb")
    nb = run_ok(folder, "export", "htcds", "--mapping").stdout
    assert "gender -> prs_Gender" in nb and "(hver kvinne): Feminine" in nb
    assert "  merk: ROSA er et prosjekt for kvinner" in nb
    assert "public-agency: (tom)" in nb
    monkeypatch.setenv("ROSA_LANG", "en")
    en = run_ok(folder, "export", "htcds", "--mapping").stdout
    assert "(every woman): Feminine" in en and "  note: ROSA is a project for women" in en


def test_the_core_says_what_happened_with_codes(shared, folder, tmp_path):
    """Called directly: codes and facts; no command advice in the core's words."""
    from datetime import date

    from rosa_cli.core.errors import Refused
    from rosa_cli.core.folder import RecordsFolder
    from rosa_cli.core.scrub import check_text
    from rosa_cli.core.sync import SyncRefused, sync

    a, _b, _woman = shared
    with pytest.raises(SyncRefused) as no_remote:
        sync(RecordsFolder(folder, today=date(2006, 5, 1)), remote="nowhere")
    assert no_remote.value.code == "sync.no_remote"
    assert no_remote.value.message.params["name"] == "nowhere"
    assert "remote add" not in str(no_remote.value)  # the advice is the CLI's

    git(a, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    with pytest.raises(SyncRefused) as offline:
        sync(RecordsFolder(a, today=date(2006, 5, 1)))
    assert offline.value.code == "sync.offline" and "rosa sync" not in str(offline.value)

    git(a, "checkout", "--quiet", "--detach")
    with pytest.raises(SyncRefused) as detached:
        sync(RecordsFolder(a, today=date(2006, 5, 1)))
    assert detached.value.code == "sync.detached_head" and "switch" not in str(detached.value)

    for text, code in (("987", "scrub.text_too_short"), ("two\nlines", "scrub.text_multiline"), ("fjernet", "scrub.text_in_replacement")):
        with pytest.raises(Refused) as refused:
            check_text(text)
        issue = refused.value.issues[0]
        assert issue.field == "text" and issue.message.code == code
        assert "TEXT" not in str(issue.message)  # the CLI names the argument


def test_yes_and_no_words():
    from rosa_cli.cli.scrub import answer_is_yes

    assert [answer_is_yes(w) for w in ("ja", "J", " yes ", "y")] == [True] * 4
    assert [answer_is_yes(w) for w in ("nei", "N", "no", "")] == [False] * 4
    assert answer_is_yes("kanskje") is None


def test_a_merge_works_with_a_relative_records_path(shared, monkeypatch):
    """``--records b`` given relative: the merge's scratch index is found all the same."""
    a, b, woman = shared
    rel = f"women/{woman}.yaml"
    _hand_edit(a, rel, "nationality: NG", "nationality: AL")
    (b / rel).write_text((b / rel).read_text() + "born: 1984\n")
    git(b, "commit", "--quiet", "-am", "hand edit")
    run_ok(a, "sync")
    monkeypatch.chdir(b.parent)
    merged = run_ok(Path(b.name), "sync")
    assert woman in merged.stderr
    text = (b / rel).read_text()
    assert "nationality: AL" in text and "born: 1984" in text
