"""The Norwegian interface for women, stays and shelters, and the core's coded refusals.

A coordinator with ROSA_LANG=nb registers a woman at the prompts, places her, is refused
a second placement and closes the stay without meeting an English word of rosa's own
(keys such as ``own-housing`` and field names such as ``first_contact`` stay English:
they are what the files hold). The same steps in English read English. The core says
what happened as a message with a code; the CLI adds the advice that names commands.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from helpers import add_woman, invoke, no_traceback, open_stay, snapshot

# Norwegian answers at woman add's questions: first contact, nationality, born, referred
# by (number), referring agency, residence (label start), interpreter, exploitation (number)
WOMAN_ANSWERS = ["i går", "nigeria", "1990", "1", "", "refleksjon", "", "2"]


def _nb(monkeypatch) -> None:
    monkeypatch.setenv("ROSA_LANG", "nb")


def test_nb_woman_add_prompts_are_norwegian_with_numbered_labels(records: Path, monkeypatch):
    _nb(monkeypatch)
    result = invoke(records, "woman", "add", "--prompt", input="\n".join(WOMAN_ANSWERS) + "\n")
    assert result.exit_code == 0, result.stderr
    woman_id = result.stdout.strip()
    err = result.stderr
    for norwegian in ("Første kontakt [i dag]", "Nasjonalitet", "Født (år eller dato) (Enter for å hoppe over)",
                      "Henvist av", "Oppholdsstatus ved første kontakt", "Utnytting",
                      "1=Politi  2=Krisesenter  3=Offentlig hjelpeinstans",
                      "1=Ulovlig opphold  2=Asylsøker  3=Refleksjonsperiode",
                      "1=Prostitusjon  2=Tvangsarbeid  3=Annet",
                      f"Registrerte {woman_id} (nasjonalitet Nigeria, første kontakt"):
        assert norwegian in err, (norwegian, err)
    for english in ("First contact", "Referred by", "Enter to skip", "Residence status", "Added ", "police", "prostitution"):
        assert english not in err, (english, err)
    data = yaml.safe_load((records / "women" / f"{woman_id}.yaml").read_text())
    # keys are stored, whatever language the labels were shown in
    assert data["referred_by"] == "police" and data["exploitation"] == "labour"
    assert data["residence"][0]["status"] == "reflection-period"


def test_nb_place_refuse_and_close_a_stay(records: Path, monkeypatch):
    _nb(monkeypatch)
    woman_id = add_woman(records, first_contact="2006-01-10")

    opened = invoke(records, "stay", "open", woman_id, "--on", "2006-02-01", "--prompt", input="1\n")
    assert opened.exit_code == 0, opened.stderr
    stay_id = opened.stdout.strip()
    assert "1=oslo (Oslo krisesenter)" in opened.stderr
    assert f"Startet {stay_id}: {woman_id} på Oslo krisesenter fra 2006-02-01" in opened.stderr

    before = snapshot(records)
    again = invoke(records, "stay", "open", woman_id, "--shelter", "bergen", "--on", "2006-02-02")
    no_traceback(again)
    assert again.exit_code == 2
    first = again.stderr.splitlines()[0]
    assert first == (f"feil: KVINNE: {woman_id} bor allerede på oslo (opphold {stay_id}); "
                     "bruk rosa stay move eller rosa stay close"), again.stderr
    assert snapshot(records) == before

    closed = invoke(records, "stay", "close", woman_id, "--on", "2006-03-01", "--prompt", input="hjem-ikke\n2\n")
    assert closed.exit_code == 0, closed.stderr
    err = closed.stderr
    assert "1=Flyttet til annet krisesenter  2=Egen bolig  3=Reist hjem" in err
    assert "Grunn til utflytting:" in err
    assert f"Avsluttet {stay_id} (Oslo krisesenter, 2006-02-01 til 2006-03-01, 28 døgn): Egen bolig" in err
    for english in ("Reason for leaving", "Closed ", "nights", "Moved to another shelter"):
        assert english not in err, (english, err)
    data = yaml.safe_load(next((records / "stays").rglob(f"{stay_id}.yaml")).read_text())
    assert data["end_reason"] == "own-housing"


def test_nb_lists_and_case_headers(records: Path, monkeypatch):
    woman_id = add_woman(records, first_contact="2006-01-10")
    open_stay(records, woman_id)
    _nb(monkeypatch)

    listed = invoke(records, "woman", "list")
    assert listed.exit_code == 0, listed.stderr
    header = listed.stdout.splitlines()[0].split()
    assert header[:4] == ["id", "første", "kontakt", "nasjonalitet"] and "henvist" in header and "takket" in header

    shown = invoke(records, "woman", "show", woman_id)
    assert shown.exit_code == 0, shown.stderr
    for norwegian in ("på krisesenter:", "oslo siden 2006-02-01", "Oppholdsstatus", "(ingen registrert)", "Opphold (1)",
                      "grunn for utflytting", "(pågår)", "Samtaler og besøk om henne (0)", "Siste endringer"):
        assert norwegian in shown.stdout, (norwegian, shown.stdout)
    for english in ("Residence status", "Stays (", "Calls and visits", "Last changes", "(open)", "in shelter:"):
        assert english not in shown.stdout, english

    stays = invoke(records, "stay", "list")
    assert stays.stdout.splitlines()[0].split()[:4] == ["id", "kvinne", "krisesenter", "start"]
    shelters = invoke(records, "shelter", "list")
    assert shelters.stdout.splitlines()[0].split() == ["nøkkel", "navn", "kommune", "status"]


def test_nb_missing_reason_off_a_terminal_lists_norwegian_labels(records: Path, monkeypatch):
    woman_id = add_woman(records, first_contact="2006-01-10")
    open_stay(records, woman_id)
    _nb(monkeypatch)
    result = invoke(records, "stay", "close", woman_id)  # CliRunner's stdin is no terminal
    assert result.exit_code == 2
    assert "--reason må oppgis: en av moved (Flyttet til annet krisesenter), own-housing (Egen bolig)" in result.stderr


def test_nb_shelter_refusals(records: Path, monkeypatch):
    woman_id = add_woman(records, first_contact="2006-01-10")
    open_stay(records, woman_id)
    _nb(monkeypatch)
    before = snapshot(records)
    busy = invoke(records, "shelter", "retire", "oslo")
    assert busy.exit_code == 2
    assert busy.stderr.startswith("feil: NØKKEL: krisesenteret oslo har fortsatt 1 pågående opphold: "), busy.stderr
    assert "avslutt eller flytt dem først" in busy.stderr
    retired = invoke(records, "shelter", "retire", "bergen", "--on", "2006-01-01")
    assert retired.exit_code == 0, retired.stderr
    assert "La ned krisesenteret bergen fra 2006-01-01" in retired.stderr
    twice = invoke(records, "shelter", "retire", "bergen")
    assert twice.exit_code == 2
    assert "krisesenteret bergen er allerede nedlagt (2006-01-01); endre datoen med rosa shelter edit bergen" in twice.stderr
    assert "nedlagt 2006-01-01" in invoke(records, "shelter", "list").stdout
    assert snapshot(records)[0] != before[0]  # the retire that was allowed wrote, the refusals did not
    twice_again = snapshot(records)
    assert invoke(records, "shelter", "retire", "bergen").exit_code == 2 and snapshot(records) == twice_again


def test_en_the_same_steps_read_english(records: Path):
    # ROSA_LANG=en is set for every test by conftest
    result = invoke(records, "woman", "add", "--prompt", input="\n".join(WOMAN_ANSWERS) + "\n")
    assert result.exit_code == 0, result.stderr
    woman_id = result.stdout.strip()
    for english in ("First contact [today]", "Born (year or date) (Enter to skip)", "Referred by",
                    "1=Police  2=Crisis shelter  3=Public agency", "1=Prostitution  2=Forced labour",
                    f"Added {woman_id} (nationality Nigeria, first contact"):
        assert english in result.stderr, (english, result.stderr)
    assert "Henvist av" not in result.stderr and "Krisesenter" not in result.stderr

    opened = invoke(records, "stay", "open", woman_id, "--shelter", "oslo")
    assert opened.exit_code == 0, opened.stderr
    stay_id = opened.stdout.strip()
    again = invoke(records, "stay", "open", woman_id, "--shelter", "bergen")
    assert again.exit_code == 2
    assert again.stderr.splitlines()[0] == (f"error: WOMAN: {woman_id} is already at oslo (stay {stay_id}); "
                                            "use rosa stay move or rosa stay close")
    closed = invoke(records, "stay", "close", stay_id, "--prompt", input="2\n")
    assert closed.exit_code == 0, closed.stderr
    assert "1=Moved to another shelter  2=Own housing" in closed.stderr and "Reason for leaving" in closed.stderr
    assert f"Closed {stay_id} (Oslo krisesenter, " in closed.stderr and "0 nights): Own housing" in closed.stderr
    shown = invoke(records, "woman", "show", woman_id)
    assert "Residence status" in shown.stdout and "Stays (1)" in shown.stdout and "end reason" in shown.stdout
    assert invoke(records, "woman", "list").stdout.splitlines()[0].split()[:3] == ["id", "first", "contact"]


# --- the core says what happened, with a code; the CLI words the advice -----------------------


def _folder(records: Path):
    from rosa_cli.core.folder import RecordsFolder

    return RecordsFolder(records, today=date(2006, 6, 1))


def _refusal(call):
    from rosa_cli.core.errors import Refused

    with pytest.raises(Refused) as caught:
        call()
    return caught.value.issues


def test_core_refusals_carry_codes_and_no_command_words(records: Path):
    from rosa_cli.core import operations

    woman_id = add_woman(records, first_contact="2006-01-10")
    stay_id = open_stay(records, woman_id)

    issues = _refusal(lambda: operations.open_stay(_folder(records), woman_id, "bergen", "2006-02-03"))
    message = issues[0].message
    assert issues[0].field == "woman" and message.code == "stay.already_open"
    assert dict(message.params) == {"woman": woman_id, "shelter": "oslo", "stay": stay_id}
    assert "rosa " not in message and "--" not in message  # advice is the CLI's

    operations.close_stay(_folder(records), stay_id, "2006-03-01", "left")
    issues = _refusal(lambda: operations.close_stay(_folder(records), stay_id, "2006-03-02", "left"))
    assert issues[0].message.code == "stay.already_closed"
    issues = _refusal(lambda: operations.close_stay(_folder(records), woman_id, "2006-03-02", "left"))
    assert issues[0].message.code == "stay.none_open"

    other = add_woman(records, first_contact="2006-01-10")
    operations.woman_decline(_folder(records), other, "distrust", "2006-01-12")
    issues = _refusal(lambda: operations.woman_decline(_folder(records), other, "not-ready", "2006-01-13"))
    assert issues[0].field == "woman" and issues[0].message.code == "woman.already_declined"
    assert "--replace" not in issues[0].message
    issues = _refusal(lambda: operations.open_stay(_folder(records), other, "oslo", "2006-02-01"))
    assert issues[0].message.code == "stay.woman_declined" and "rosa" not in issues[0].message

    issues = _refusal(lambda: operations.retire_shelter(_folder(records), "nowhere"))
    assert issues[0].field == "key" and issues[0].message.code == "shelter.unknown"


def test_an_unchanged_edit_is_told_by_a_flag_not_by_words(records: Path):
    from rosa_cli.core import operations

    woman_id = add_woman(records, first_contact="2006-01-10")
    path = records / "women" / f"{woman_id}.yaml"
    outcome = operations.replace_record(_folder(records), "woman", woman_id, path.read_text(), "woman edit")
    assert outcome.unchanged is True and [note.code for note in outcome.notes] == ["edit.no_changes"]
    changed = path.read_text().replace("2006-01-10", "2006-01-11")
    outcome = operations.replace_record(_folder(records), "woman", woman_id, changed, "woman edit")
    assert outcome.unchanged is False and outcome.summary.code == "edit.saved"


def test_a_comments_only_alias_file_holds_no_aliases(tmp_path: Path, monkeypatch):
    from rosa_cli.core.aliases import AliasError, load_aliases

    aliases = tmp_path / "private" / "aliases.yaml"
    aliases.parent.mkdir()
    aliases.write_text("# my aliases\n\n")
    aliases.chmod(0o600)
    monkeypatch.setenv("ROSA_ALIASES", str(aliases))
    assert load_aliases(tmp_path / "records") == {}
    aliases.chmod(0o644)
    with pytest.raises(AliasError) as caught:
        load_aliases(tmp_path / "records")
    assert caught.value.args[0].code == "alias.file_open"


def test_nb_edit_errors_shown_in_the_editor_are_norwegian(records: Path, monkeypatch):
    """The comments the editor reopens with, and the advice added to a coded refusal."""
    from rosa_cli.cli.advice import advised_issues
    from rosa_cli.cli.editing import strip_header, with_errors
    from rosa_cli.core.errors import FieldIssue
    from rosa_cli.core.messages import msg

    _nb(monkeypatch)
    issues = advised_issues([
        FieldIssue("start", msg("woman.before_first_contact", "{day} is before her first contact {first_contact}",
                                day="2006-01-01", first_contact="2006-01-10")),
        FieldIssue("woman", msg("woman.already_declined", "{woman} already declined on {on} ({reason})",
                                woman="W-2006-AAAAA", on="2006-01-12", reason="distrust")),
    ])
    text = with_errors("id: S-2006-AAAAA\n", issues)
    assert text.startswith("# rosa: denne registreringen ble ikke lagret: rett feilene nedenfor")
    assert "# rosa: start: 2006-01-01 er før hennes første kontakt 2006-01-10\n" in text
    assert "W-2006-AAAAA takket allerede nei 2006-01-12 (distrust); bruk --replace for å registrere dette avslaget i stedet" in text
    assert strip_header(text) == "id: S-2006-AAAAA\n"
    monkeypatch.setenv("ROSA_LANG", "en")
    assert advised_issues(issues[:1])[0].message.startswith("2006-01-01 is before her first contact")
