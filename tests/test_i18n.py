"""Issue 12 part 1: the whole interface in the folder's language, from a real catalogue.

Through the real CLI (click's CliRunner): help, click's own usage errors, rosa's refusals
and notes in bokmål or English, the order that decides the language, ``--lang`` on every
command; and the catalogue itself: every message in the source has a bokmål and an English
entry (the gate ``scripts/catalogue.py check`` runs), and the build compiles it into the
package (docs/messages.md).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from helpers import commit_all, init_records, invoke, no_traceback, run_ok

ROOT = Path(__file__).resolve().parent.parent
CLICK_ENGLISH = ("Usage:", "Options:", "Show this message and exit.", "Commands:")


def load_catalogue_tool():
    spec = importlib.util.spec_from_file_location("rosa_catalogue_tool", ROOT / "scripts" / "catalogue.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def set_folder_language(records: Path, language: str) -> None:
    path = records / "rosa.yaml"
    text = path.read_text()
    assert "language: nb" in text
    path.write_text(text.replace("language: nb", f"language: {language}"))
    commit_all(records, "language")


def user_config(tmp_path: Path, monkeypatch, language: str) -> None:
    config = tmp_path / "user-config.toml"
    config.write_text(f'language = "{language}"\n')
    monkeypatch.setenv("ROSA_CONFIG", str(config))


# --- (a) the catalogue: every message in both languages ----------------------------------


def test_every_message_has_both_languages():
    """The gate: each msgid extracted from rosa_cli (msg, msgn, _, N_, ngettext) has a
    non-empty, non-fuzzy bokmål msgstr keeping its {placeholders}, and an English entry.
    It names each missing message with its file and line."""
    tool = load_catalogue_tool()
    ids = tool.source_ids()
    assert len(ids) > 80  # the extraction really found the messages (click's alone are ~60)
    assert ("Usage:",) in ids and ("Nothing was written.",) in ids
    found = tool.problems()
    assert found == [], f"{len(found)} message(s) lack a translation:\n" + "\n".join(found[:60])


def test_the_check_finds_missing_fuzzy_changed_and_conflicting_translations(tmp_path):
    """``check`` is not a rubber stamp: each kind of mistake is reported."""
    tool = load_catalogue_tool()
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "words.py").write_text(
        "from rosa_cli.core.messages import N_, msg, msgn\n"
        "def _(t):\n    return t\n"
        "A = _('kept {one}')\n"
        "B = N_('never translated')\n"
        "C = msg('x.fuzzy', 'fuzzy {two}', two=2)\n"
        "D = msg('x.changed', 'changed {three}', three=3)\n"
        "E = msgn('x.count', '{n} woman', '{n} women', 2)\n"
        "F = _('twice')\n"
    )
    locale = tmp_path / "locale"
    nb = locale / "nb" / "LC_MESSAGES"
    nb.mkdir(parents=True)
    (nb / "rosa.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "kept {one}"\nmsgstr "beholdt {one}"\n\n'
        '#, fuzzy\nmsgid "fuzzy {two}"\nmsgstr "uklar {two}"\n\n'
        'msgid "changed {three}"\nmsgstr "endret {tre}"\n\n'
        'msgid "{n} woman"\nmsgid_plural "{n} women"\nmsgstr[0] "{n} kvinne"\nmsgstr[1] "{n} kvinner"\n\n'
        'msgid "twice"\nmsgstr "to ganger"\n\n'
        'msgid "twice"\nmsgstr "dobbelt"\n'
    )
    found = tool.problems(package, ("nb",), locale)
    text = "\n".join(found)
    assert "no translation: 'never translated'" in text
    assert "fuzzy translation: 'fuzzy {two}'" in text
    assert "placeholders differ" in text and "changed {three}" in text
    assert "translated more than once, differently: 'twice'" in text
    assert "kept {one}" not in text and "{n} woman" not in text
    assert "words.py:5" in text  # where the untranslated message is
    # English: `update` writes msgstr = msgid for every message, keeping nothing stale
    tool.update(package, ("en",), locale)
    assert tool.problems(package, ("en",), locale) == []
    english = (locale / "en" / "LC_MESSAGES" / "rosa.po").read_text()
    assert 'msgid "never translated"\nmsgstr "never translated"' in english


def test_the_catalogue_tool_runs_as_a_command(tmp_path):
    """``scripts/catalogue.py check`` exits 0 or 1 with one line per problem (here: the
    real catalogue), never a traceback; an unknown subcommand is a usage error."""
    checked = subprocess.run([sys.executable, str(ROOT / "scripts" / "catalogue.py"), "check"], capture_output=True, text=True)
    assert checked.returncode in (0, 1), checked.stderr
    assert "Traceback" not in checked.stderr
    if checked.returncode == 1:
        assert checked.stdout.startswith(("nb: ", "en: "))
    wrong = subprocess.run([sys.executable, str(ROOT / "scripts" / "catalogue.py"), "nonsense"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "extract" in wrong.stderr


# --- (b) --help in the language --------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("call",), ("call", "add")])
def test_help_in_bokmal(args, monkeypatch):
    monkeypatch.setenv("ROSA_LANG", "nb")
    result = invoke(None, *args, "--help")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Bruk: ") and "[VALG]" in out  # CliRunner names the program after the function
    assert "Valg:" in out and "Vis denne hjelpeteksten og avslutt." in out
    assert "Journalmappen (ellers $ROSA_RECORDS" in out  # --records, in every command's help
    for english in CLICK_ENGLISH + ("[OPTIONS]", "The records folder"):
        assert english not in out, english
    if not args:
        assert "Kommandoer:" in out and "Vis versjonen og avslutt." in out
        assert "Legg inn og list krisesentre." in out  # the command table
        assert "rosa — journaler og årsstatistikk for arbeid mot menneskehandel." in out
    if args == ("call",):
        assert "KOMMANDO [ARGUMENTER]..." in out and "Kommandoer:" in out


@pytest.mark.parametrize("args", [(), ("call",), ("call", "add")])
def test_help_in_english(args, monkeypatch):
    monkeypatch.setenv("ROSA_LANG", "en")
    result = invoke(None, *args, "--help")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Usage: ") and "Options:" in out and "Show this message and exit." in out
    assert "The records folder (else $ROSA_RECORDS" in out
    for bokmal in ("Bruk:", "Valg:", "Vis denne", "Journalmappen"):
        assert bokmal not in out, bokmal
    if not args:
        assert "Add and list crisis shelters." in out and "Commands:" in out


def test_one_process_shows_both_languages_in_turn(monkeypatch):
    """Help is translated when it is shown, not when a command is imported, and the
    language is chosen afresh at every run."""
    outputs = []
    for language in ("nb", "en", "nb"):
        monkeypatch.setenv("ROSA_LANG", language)
        outputs.append(invoke(None, "init", "--help").stdout)
    assert outputs[0] == outputs[2]
    assert "MAPPE" in outputs[0] and "Navnet som vises på rapportene." in outputs[0]
    assert "DIR" in outputs[1] and "Name shown on reports." in outputs[1]


# --- (c) click's usage errors ------------------------------------------------------------


def test_click_usage_errors_in_bokmal(tmp_path, monkeypatch):
    monkeypatch.setenv("ROSA_LANG", "nb")
    missing = invoke(None, "init")
    assert missing.exit_code == 2
    assert missing.stderr.startswith("Bruk: ") and " init [VALG] MAPPE\n" in missing.stderr
    assert "Prøv '" in missing.stderr and " init --help' for hjelp." in missing.stderr
    assert "Feil: Mangler argument 'MAPPE'." in missing.stderr
    choice = invoke(None, "report", "--format", "nope")
    assert choice.exit_code == 2
    assert "Feil: Ugyldig verdi for '--format': 'nope' er ikke en av" in choice.stderr
    unknown = invoke(None, "check", "--nope")
    assert unknown.exit_code == 2 and "Feil: Valget '--nope' finnes ikke." in unknown.stderr
    no_command = invoke(None, "nosuchcommand")
    assert no_command.exit_code == 2 and "Kommandoen 'nosuchcommand' finnes ikke." in no_command.stderr
    for result in (missing, choice, unknown, no_command):
        no_traceback(result)
        assert "Usage:" not in result.stderr and "Error:" not in result.stderr and "Try '" not in result.stderr


def test_click_usage_errors_in_english(monkeypatch):
    monkeypatch.setenv("ROSA_LANG", "en")
    missing = invoke(None, "init")
    assert missing.exit_code == 2
    assert " init [OPTIONS] DIR\n" in missing.stderr and "Error: Missing argument 'DIR'." in missing.stderr


def test_bad_lang_value_is_a_usage_error(monkeypatch):
    monkeypatch.setenv("ROSA_LANG", "nb")
    result = invoke(None, "--lang", "fr", "check")
    assert result.exit_code == 2
    assert "Ugyldig verdi for '--lang': 'fr' er ikke en av 'nb', 'en'." in result.stderr
    no_traceback(result)


# --- rosa's own words from the machinery ----------------------------------------------------


def test_rosa_words_in_bokmal(tmp_path, monkeypatch):
    """init's next step, no folder found, '(ingen)' for an empty list, a refusal's
    closing line — the words of common.py, init and render in bokmål."""
    monkeypatch.setenv("ROSA_LANG", "nb")
    made = invoke(None, "init", str(tmp_path / "records"))
    assert made.exit_code == 0, made.output
    assert f"Laget journalmappen {tmp_path / 'records'}. Neste steg: rosa --records" in made.stderr
    assert "NØKKEL --name NAVN" in made.stderr
    records = tmp_path / "records"
    empty = invoke(records, "stay", "list")
    assert empty.exit_code == 0 and "(ingen)" in empty.stderr
    monkeypatch.chdir(tmp_path)
    lost = invoke(None, "check")
    assert lost.exit_code == 2
    assert lost.stderr.startswith("feil: fant ingen journalmappe (ingen rosa.yaml her eller over)")
    named = invoke(tmp_path / "nowhere", "check")
    assert f"feil: --records {tmp_path / 'nowhere'}: ingen rosa.yaml der" in named.stderr
    run_ok(records, "shelter", "add", "oslo", "--name", "Oslo krisesenter")
    twice = invoke(records, "shelter", "add", "oslo", "--name", "Oslo krisesenter")
    assert twice.exit_code == 2
    assert twice.stderr.splitlines()[-1] == "Ingenting ble skrevet."
    assert twice.stderr.startswith("feil: ")


def test_rosa_words_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("ROSA_LANG", "en")
    monkeypatch.chdir(tmp_path)
    lost = invoke(None, "check")
    assert lost.stderr.startswith("error: no records folder found (no rosa.yaml here or above)")
    records = init_records(tmp_path / "records")
    twice = invoke(records, "shelter", "add", "oslo", "--name", "Oslo krisesenter")
    assert twice.stderr.splitlines()[-1] == "Nothing was written."


# --- (d) which language is in force ------------------------------------------------------


def language_of(result) -> str:
    text = result.stdout + result.stderr
    if "Bruk:" in text:
        return "nb"
    if "Usage:" in text:
        return "en"
    raise AssertionError(text)


def test_language_order(tmp_path, monkeypatch):
    """--lang beats $ROSA_LANG beats the user's config.toml beats rosa.yaml beats bokmål."""
    records = init_records(tmp_path / "records")
    set_folder_language(records, "en")
    monkeypatch.delenv("ROSA_LANG", raising=False)

    def shown(*args, env=None):
        return language_of(invoke(records, *args, "check", "--help", env=env))

    assert shown() == "en"  # rosa.yaml
    user_config(tmp_path, monkeypatch, "nb")
    assert shown() == "nb"  # the user's config beats the folder
    assert shown(env={"ROSA_LANG": "en"}) == "en"  # $ROSA_LANG beats the user's config
    assert shown("--lang", "nb", env={"ROSA_LANG": "en"}) == "nb"  # --lang beats $ROSA_LANG
    monkeypatch.delenv("ROSA_CONFIG")
    assert shown("--lang", "nb") == "nb"  # --lang beats the folder
    # no folder anywhere, nothing set: bokmål
    monkeypatch.chdir(tmp_path)
    assert language_of(invoke(None, "check", "--help")) == "nb"
    # values that are not languages are skipped
    assert language_of(invoke(None, "check", "--help", env={"ROSA_LANG": "klingon"})) == "nb"
    user_config(tmp_path, monkeypatch, "xx")
    assert language_of(invoke(records, "check", "--help")) == "en"


def test_folder_language_en_gives_english_without_rosa_lang(tmp_path, monkeypatch):
    """language: en in rosa.yaml, ROSA_LANG unset: the folder's commands speak English,
    found through --records, $ROSA_RECORDS or the current folder."""
    records = init_records(tmp_path / "records")
    set_folder_language(records, "en")
    monkeypatch.delenv("ROSA_LANG", raising=False)
    assert language_of(invoke(records, "stay", "list", "--help")) == "en"
    monkeypatch.setenv("ROSA_RECORDS", str(records))
    result = invoke(None, "shelter", "add", "bergen", "--name", "Bergen krisesenter", "--nope")
    assert "Error: No such option" in result.stderr
    monkeypatch.delenv("ROSA_RECORDS")
    monkeypatch.chdir(records / "women")
    assert language_of(invoke(None, "woman", "list", "--help")) == "en"
    # and a folder left at the default speaks bokmål
    other = init_records(tmp_path / "other")
    assert language_of(invoke(other, "woman", "list", "--help")) == "nb"


# --- (e) --lang after the command, on every command ----------------------------------------


def test_lang_after_the_command(tmp_path, monkeypatch):
    monkeypatch.setenv("ROSA_LANG", "nb")
    missing = tmp_path / "nowhere"
    english = invoke(None, "--records", str(missing), "check", "--lang", "en")
    assert english.exit_code == 2 and english.stderr.startswith(f"error: --records {missing}: no rosa.yaml there")
    assert language_of(invoke(None, "check", "--help", "--lang", "en")) == "en"
    assert language_of(invoke(None, "check", "--lang=en", "--help")) == "en"
    monkeypatch.setenv("ROSA_LANG", "en")
    bokmal = invoke(None, "check", "--records", str(missing), "--lang", "nb")
    assert bokmal.stderr.startswith("feil: --records")


def test_every_command_accepts_lang():
    from rosa_cli.cli.main import main

    context = click.Context(main)
    missing = []

    def walk(command, path):
        options = {name for parameter in command.params for name in getattr(parameter, "opts", [])}
        if "--lang" not in options:
            missing.append(path)
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                walk(command.get_command(context, name), f"{path} {name}")

    walk(main, "rosa")
    assert missing == []


def test_report_labels_follow_lang_not_rosa_lang(tmp_path, monkeypatch):
    """$ROSA_LANG changes the interface only: the report a folder publishes keeps the
    folder's language unless --lang asks for another."""
    records = init_records(tmp_path / "records")
    monkeypatch.setenv("ROSA_LANG", "en")
    folders = run_ok(records, "report", "--year", "2006")
    assert "Telefonhenvendelser" in folders.stdout and "Organisasjon:" in folders.stdout
    english = run_ok(records, "report", "--year", "2006", "--lang", "en")
    assert "Organisation:" in english.stdout and "Telefonhenvendelser" not in english.stdout
    before = run_ok(records, "--lang", "en", "report", "--year", "2006")
    assert "Organisation:" in before.stdout


# --- (f) the catalogue is compiled in the build --------------------------------------------


def test_build_compiles_the_catalogues_into_the_package(tmp_path):
    """setup.py's build_py makes rosa.mo beside each rosa.po in the built package (what the
    wheel ships), from a source tree without any .mo; gettext reads it."""
    import gettext

    source = tmp_path / "src"
    source.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "rosa_cli", source / "rosa_cli", ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.pot"))
    build = tmp_path / "build"
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(build)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    locale = build / "rosa_cli" / "locale"
    for language in ("nb", "en"):
        assert (locale / language / "LC_MESSAGES" / "rosa.po").is_file()
        assert (locale / language / "LC_MESSAGES" / "rosa.mo").is_file()
    with open(locale / "nb" / "LC_MESSAGES" / "rosa.mo", "rb") as handle:
        bokmal = gettext.GNUTranslations(handle)
    assert bokmal.gettext("Usage:") == "Bruk:"
    assert bokmal.gettext("Nothing was written.") == "Ingenting ble skrevet."
    assert not list((source / "rosa_cli").rglob("*.mo"))  # the source tree is left as it was


def test_a_checkout_without_mo_compiles_the_po_and_notices_changes(tmp_path, monkeypatch):
    """Editable installs have no build step: the .po is compiled on first use (kept as
    .mo beside it), and compiled again when the .po is newer."""
    from rosa_cli import i18n

    locale = tmp_path / "locale"
    folder = locale / "nb" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "rosa.po"
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    po.write_text(header + 'msgid "Usage:"\nmsgstr "Bruk:"\n')
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setattr(i18n, "_catalogues", {})
    i18n.set_language("nb")
    try:
        assert i18n._("Usage:") == "Bruk:"
        assert (folder / "rosa.mo").is_file()
        po.write_text(header + 'msgid "Usage:"\nmsgstr "Bruk av rosa:"\n')
        later = time.time() + 5
        os.utime(po, (later, later))
        monkeypatch.setattr(i18n, "_catalogues", {})
        assert i18n._("Usage:") == "Bruk av rosa:"
    finally:
        i18n.set_language(None)


def test_installed_command_speaks_bokmal_by_default(tmp_path):
    """The real ``rosa`` program, in a folder with nothing set: bokmål, named rosa."""
    from helpers import ROSA_BIN

    env = {key: value for key, value in os.environ.items() if key not in ("ROSA_LANG", "ROSA_RECORDS", "ROSA_CONFIG")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    done = subprocess.run([str(ROSA_BIN), "init"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("Bruk: rosa init [VALG] MAPPE\nPrøv 'rosa init --help' for hjelp.\n")
    assert done.stderr.rstrip().endswith("Feil: Mangler argument 'MAPPE'.")


def test_show_gives_vocabulary_labels_in_the_interface_language(tmp_path, monkeypatch):
    """``call show`` prints each key with its rosa.yaml label in the language she reads;
    the key itself stays English (it is what the file holds)."""
    records = init_records(tmp_path / "records")
    made = run_ok(records, "call", "add", "--no-prompt", "--at", "2006-03-14 14:10", "--channel", "phone", "--caller", "police",
                  "--subject", "trafficking-first", "--received-by", "ab", "--nationality", "NG")
    call_id = made.stdout.strip()
    english = run_ok(records, "call", "show", call_id, "--lang", "en").stdout
    assert "police (Police)" in english
    monkeypatch.setenv("ROSA_LANG", "nb")
    bokmal = run_ok(records, "call", "show", call_id).stdout
    assert "police (Politi)" in bokmal and "NG (Nigeria)" in bokmal


def test_yes_no_questions_in_bokmal(monkeypatch):
    """click.confirm (void, scrub) asks [j/N] in bokmål and understands j/ja/y/yes and
    n/nei/no; a wrong answer is asked again with a bokmål error."""
    from click.testing import CliRunner

    from rosa_cli import i18n

    @click.command()
    def ask():
        click.echo("YES" if click.confirm("Trekke tilbake?", default=False, err=True) else "NO")

    i18n.install_click()
    runner = CliRunner()
    try:
        i18n.set_language("nb")
        for answer, expected in (("j", "YES"), ("ja", "YES"), ("y", "YES"), ("nei", "NO"), ("", "NO"), ("kanskje\nn", "NO")):
            result = runner.invoke(ask, input=answer + "\n")
            assert result.stdout.strip() == expected, (answer, result.output)
            assert "Trekke tilbake? [j/N]: " in result.stderr
        assert "Feil: ugyldig svar" in runner.invoke(ask, input="kanskje\nn\n").stderr
        i18n.set_language("en")
        english = runner.invoke(ask, input="yes\n")
        assert english.stdout.strip() == "YES" and "Trekke tilbake? [y/N]: " in english.stderr
    finally:
        i18n.set_language(None)
