"""``rosa init`` and ``rosa shelter add|list`` on a real folder with a real git."""

from __future__ import annotations

import stat

import pytest
import yaml

from helpers import git_messages, git_state, invoke, no_traceback, run_ok, snapshot


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_makes_owner_only_git_folder_with_first_commit(tmp_path):
    root = tmp_path / "new" / "records"
    result = invoke(None, "init", str(root), "--organisation", "Test organisation")
    assert result.exit_code == 0, result.stderr
    no_traceback(result)
    assert result.stdout == ""  # nothing but ids may go to stdout, and init makes none
    for name in ("rosa.yaml", "shelters.yaml", ".gitignore"):
        assert (root / name).is_file(), name
        assert mode(root / name) == 0o600, name
    for sub in ("women", "stays", "calls"):
        assert (root / sub).is_dir()
        assert mode(root / sub) == 0o700, sub
    assert mode(root) == 0o700
    assert (root / ".git").is_dir()
    assert mode(root / ".git") == 0o700
    log, status = git_state(root)
    assert log == ["init"]
    assert status == ""
    settings = yaml.safe_load((root / "rosa.yaml").read_text())
    assert settings["organisation"] == "Test organisation"
    assert settings["language"] in ("nb", "en")
    assert settings["age_groups"] == [18, 20, 25, 30, 40]
    assert settings["duration_groups"] == [31, 91, 181, 366]
    assert settings["suppress_below"] == 3
    assert set(settings["vocabularies"]["subject"]) == {"trafficking-first", "trafficking-followup", "project-info", "other"}
    assert set(settings["vocabularies"]["residence"]) >= {"irregular", "asylum-seeker", "reflection-period", "eu-eea", "residence-permit"}
    # the fresh folder is valid
    check = invoke(root, "check")
    assert check.exit_code == 0, check.stdout + check.stderr


def test_init_tells_how_to_go_on(tmp_path):
    result = invoke(None, "init", str(tmp_path / "r"))
    assert "shelter add" in result.stderr


def test_init_refuses_an_existing_records_folder(records):
    before = snapshot(records)
    result = invoke(None, "init", str(records))
    assert result.exit_code == 2
    no_traceback(result)
    assert "already" in result.stderr
    assert snapshot(records) == before


def test_init_refuses_a_file(tmp_path):
    target = tmp_path / "afile"
    target.write_text("x")
    result = invoke(None, "init", str(target))
    assert result.exit_code == 2
    no_traceback(result)
    assert target.read_text() == "x"


def test_shelter_add_writes_shelters_yaml_and_commits_once(records):
    log_before, _ = git_state(records)
    result = run_ok(records, "shelter", "add", "trondheim", "--name", "Trondheim krisesenter", "--municipality", "Trondheim")
    assert result.stdout == "trondheim\n"
    data = yaml.safe_load((records / "shelters.yaml").read_text())
    assert data["trondheim"] == {"name": "Trondheim krisesenter", "municipality": "Trondheim"}
    assert data["oslo"]["name"] == "Oslo krisesenter"
    log, status = git_state(records)
    assert log == ["shelter add trondheim"] + log_before
    assert status == ""


def test_shelter_add_keeps_comments_in_shelters_yaml(records):
    path = records / "shelters.yaml"
    path.write_text(path.read_text().replace("oslo:", "# the capital's shelter\noslo:", 1))
    run_ok(records, "shelter", "add", "tromso", "--name", "Tromsø krisesenter")
    assert "# the capital's shelter" in path.read_text()


def test_shelter_list_shows_key_name_and_municipality(records):
    run_ok(records, "shelter", "add", "trondheim", "--name", "Trondheim krisesenter", "--municipality", "Trondheim")
    result = run_ok(records, "shelter", "list")
    for text in ("oslo", "Oslo krisesenter", "bergen", "Bergen krisesenter", "trondheim", "Trondheim"):
        assert text in result.stdout


@pytest.mark.parametrize(
    "args, expected",
    [
        (["Bad Key", "--name", "X krisesenter"], "lowercase"),
        (["oslo", "--name", "Another"], "already exists"),
        (["tromso", "--name", "  "], "empty"),
    ],
)
def test_shelter_add_refusals_change_nothing(records, args, expected):
    before = snapshot(records)
    result = invoke(records, "shelter", "add", *args)
    assert result.exit_code == 2
    no_traceback(result)
    assert expected in result.stderr
    assert result.stdout == ""
    assert snapshot(records) == before


def test_shelter_add_needs_name(records):
    before = snapshot(records)
    result = invoke(records, "shelter", "add", "tromso")
    assert result.exit_code == 2
    assert "--name" in result.stderr
    assert snapshot(records) == before


def test_version_and_help(records):
    result = invoke(None, "--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("rosa ")
    for command in (
        ["init"],
        ["shelter"],
        ["shelter", "add"],
        ["shelter", "list"],
        ["woman", "add"],
        ["woman", "show"],
        ["woman", "list"],
        ["woman", "edit"],
        ["woman", "status"],
        ["woman", "decline"],
        ["stay", "open"],
        ["stay", "close"],
        ["stay", "move"],
        ["stay", "list"],
        ["call", "add"],
        ["call", "list"],
        ["check"],
        ["log"],
    ):
        result = invoke(None, *command, "--help")
        assert result.exit_code == 0, command
        assert "Usage:" in result.stdout, command


def test_records_option_is_accepted_after_the_command(records):
    result = invoke(None, "shelter", "list", "--records", str(records))
    assert result.exit_code == 0, result.stderr
    assert "oslo" in result.stdout


def test_init_commit_message_names_no_organisation_value(tmp_path):
    root = tmp_path / "r"
    invoke(None, "init", str(root), "--organisation", "Hemmelig senter")
    assert not any("Hemmelig" in m for m in git_messages(root))
