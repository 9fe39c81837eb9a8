"""The interface's language: gettext catalogues (``rosa_cli/locale``) and rendering of
the core's :class:`~rosa_cli.core.messages.Message` values. See docs/messages.md.

Only the CLI layer imports this module; the core produces messages and never words.
The catalogues are compiled to ``.mo`` when the package is built; a source checkout
without them compiles the ``.po`` files in memory on first use.
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path
from typing import Any, Dict, Optional

from rosa_cli.core.messages import N_, Message  # noqa: F401  (N_ re-exported for the CLI)

LANGUAGES = ("nb", "en")
DEFAULT_LANGUAGE = "nb"
DOMAIN = "rosa"
LOCALE_DIR = Path(__file__).parent / "locale"

_language: Optional[str] = None
_catalogues: Dict[str, Any] = {}


def set_language(language: Optional[str]) -> None:
    """Use ``language`` (``nb`` or ``en``) from now on; ``None`` goes back to the default."""
    global _language
    _language = language if language in LANGUAGES else None


def current_language() -> str:
    """The language in force: the one set by the CLI, else ``$ROSA_LANG``, else bokmål."""
    if _language:
        return _language
    env = os.environ.get("ROSA_LANG", "").strip().lower()
    return env if env in LANGUAGES else DEFAULT_LANGUAGE


def _load(language: str):
    catalogue = _catalogues.get(language)
    if catalogue is not None:
        return catalogue
    mo = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = mo.with_suffix(".po")
    catalogue = _gettext.NullTranslations()
    try:
        if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
            with open(mo, "rb") as handle:
                catalogue = _gettext.GNUTranslations(handle)
        elif po.is_file():
            catalogue = _compile_in_memory(po, mo)
    except Exception:  # a broken catalogue must never stop a command: English it is
        catalogue = _gettext.NullTranslations()
    _catalogues[language] = catalogue
    return catalogue


def _compile_in_memory(po: Path, mo: Path):
    """A source checkout without compiled catalogues (an editable install): compile the
    ``.po`` with Babel, and keep the result as ``.mo`` beside it when the folder is
    writable, so the next command starts without Babel. The ``.mo`` is older than a
    changed ``.po`` (a merge, an edit) and is then compiled again."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    data = buffer.getvalue()
    try:
        temporary = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, mo)
    except OSError:  # an installed package's folder is read-only: in memory is enough
        pass
    return _gettext.GNUTranslations(io.BytesIO(data))


def _(text: str) -> str:
    """``text`` (an English msgid) in the current language."""
    if not text:
        return text
    return _load(current_language()).gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _load(current_language()).ngettext(singular, plural, n)


def _param(value: Any) -> Any:
    """A message's value as shown: nested messages rendered, vocabulary keys as labels."""
    from rosa_cli.core.messages import Label

    if isinstance(value, Message):
        return render(value)
    if isinstance(value, Label):
        return value.in_language(current_language())
    return value


def render(message: Any) -> str:
    """A core :class:`Message` (or any value) as words in the current language.

    Message values inside the params are rendered too; anything else is ``str()``."""
    if not isinstance(message, Message):
        return str(message)
    if message.plural is not None:
        template = ngettext(message.template, message.plural, message.n if message.n is not None else 1)
    else:
        template = _(message.template)
    params = {key: _param(value) for key, value in message.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return str(message)


# --- click in the interface language -------------------------------------------------------
#
# click words its own texts ("Usage:", "Missing option", "Show this message and exit.") with
# ``gettext.gettext`` imported into each of its modules. :func:`install_click` points those
# names at this module once, so click speaks the language in force at the moment it formats a
# text; and it translates rosa's help texts (marked ``N_``) and word metavars when help is
# formatted, not when commands are imported, so one process can show both languages.

# click's own texts that rosa can show, listed so the catalogue extraction finds them
# (docs/messages.md). The msgids are click's, word for word.
CLICK_MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("env var: {var}"),
    N_("default: {default}"),
    N_("(dynamic)"),
    N_("deprecated"),
    N_("Show the version and exit."),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("unknown error"),
    N_("Could not open file {filename!r}: {message}"),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Option {name!r} does not take a value."),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Error: invalid input"),
    N_("Choose from:\n\t{choices}"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("{name} {filename!r} is not executable."),
    # click's type metavars, shown in --help and in "Missing argument 'TEXT'"
    N_("TEXT"),
    N_("INTEGER"),
    N_("FLOAT"),
    N_("PATH"),
    N_("FILENAME"),
    N_("DIRECTORY"),
    N_("FILE"),
    N_("BOOLEAN"),
    # the usage line's words: `rosa [OPTIONS] COMMAND [ARGS]...`
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    # rosa's word metavars (the arguments' names in --help and in refusals)
    N_("DIR"),
    N_("DATE"),
    N_("KEY"),
    N_("KIND"),
    N_("WOMAN"),
    N_("STAY"),
    N_("STATUS"),
    N_("NAME"),
    # the answers a yes/no question shows: [y/N]
    N_("y"),
    N_("n"),
)


def _click_plural_messages() -> None:  # pragma: no cover - never called: lists click's plurals for extraction
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
    ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1)
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)
    ngettext("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}.", 1)
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)
    ngettext("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given.", 1)


# click modules whose texts are made at run time. click.decorators is left alone on purpose:
# it words the --help/--version option help when a command is *defined*, and that English
# msgid is translated when help is formatted (a word frozen at import would stay in the
# language of the first invocation).
_CLICK_MODULES = ("core", "exceptions", "parser", "types", "formatting", "termui", "utils", "shell_completion")
_click_installed = False


def _translated(text: str) -> str:
    """A help text in the current language: its msgid as written, or as click cleans it."""
    translated = _(text)
    if translated == text:
        import inspect

        cleaned = inspect.cleandoc(text)
        if cleaned != text:
            translated_cleaned = _(cleaned)
            if translated_cleaned != cleaned:
                return translated_cleaned
    return translated


def _with_translated(attribute: str, function):
    """``function`` (a click method) run with ``self.<attribute>`` translated for its duration."""
    import functools

    @functools.wraps(function)
    def wrapper(self, *args, **kwargs):
        original = getattr(self, attribute, None)
        if not isinstance(original, str) or not original:
            return function(self, *args, **kwargs)
        setattr(self, attribute, _translated(original))
        try:
            return function(self, *args, **kwargs)
        finally:
            setattr(self, attribute, original)

    wrapper.__rosa_translated__ = True  # type: ignore[attr-defined]
    return wrapper


def _translated_metavar(function):
    """A parameter's metavar in the current language: rosa's word metavars (``WOMAN``,
    ``STAY|WOMAN``, ``FILE.csv``) and click's type names (``TEXT``, ``[INTEGER]``); choices
    (lower case, ``[nb|en]``) stay as they are because they are what she types."""
    import functools
    import re

    @functools.wraps(function)
    def wrapper(self, *args, **kwargs):
        text = function(self, *args, **kwargs)
        if not isinstance(text, str) or not text:
            return text
        return re.sub(r"\b[A-Z][A-Z_]+\b", lambda match: _(match.group(0)), text)

    wrapper.__rosa_translated__ = True  # type: ignore[attr-defined]
    return wrapper


def install_click() -> None:
    """Make click speak the language in force (idempotent; the CLI calls it at every start)."""
    global _click_installed
    if _click_installed:
        return
    import importlib

    import click

    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    click.Command.format_help_text = _with_translated("help", click.Command.format_help_text)  # type: ignore[method-assign]
    short_help = _with_translated("short_help", click.Command.get_short_help_str)
    click.Command.get_short_help_str = _with_translated("help", short_help)  # type: ignore[method-assign]
    click.Command.format_epilog = _with_translated("epilog", click.Command.format_epilog)  # type: ignore[method-assign]
    usage = _with_translated("options_metavar", click.Command.collect_usage_pieces)
    click.Command.collect_usage_pieces = usage  # type: ignore[method-assign]
    group_usage = _with_translated("subcommand_metavar", click.Group.collect_usage_pieces)
    click.Group.collect_usage_pieces = _with_translated("options_metavar", group_usage)  # type: ignore[method-assign]
    click.Option.get_help_record = _with_translated("help", click.Option.get_help_record)  # type: ignore[method-assign]
    click.Option.make_metavar = _translated_metavar(click.Option.make_metavar)  # type: ignore[method-assign]
    click.Argument.make_metavar = _translated_metavar(click.Argument.make_metavar)  # type: ignore[method-assign]
    _install_click_path()
    import click.termui

    click.confirm = confirm  # type: ignore[assignment]
    click.termui.confirm = confirm  # type: ignore[assignment]
    _click_installed = True


YES = ("y", "yes", "j", "ja")
NO = ("n", "no", "nei")


def confirm(
    text: str,
    default: Optional[bool] = False,
    abort: bool = False,
    prompt_suffix: str = ": ",
    show_default: bool = True,
    err: bool = False,
) -> bool:
    """click's yes/no question in the interface language: ``[j/N]`` in bokmål, ``[y/N]`` in
    English; either language's answer is understood (``j``, ``ja``, ``y``, ``yes``; ``n``,
    ``nei``, ``no``), because a coordinator types what her fingers know."""
    import click

    yes, no = _("y"), _("n")
    choices = f"{yes}/{no}" if default is None else (f"{yes.upper()}/{no}" if default else f"{yes}/{no.upper()}")
    question = f"{text} [{choices}]" if show_default else text
    while True:
        value = click.prompt(question, default="", show_default=False, prompt_suffix=prompt_suffix, err=err, type=str)
        value = value.strip().lower()
        if value in YES:
            answer = True
        elif value in NO:
            answer = False
        elif default is not None and value == "":
            answer = default
        else:
            click.echo(_("Error: invalid input"), err=err)
            continue
        break
    if abort and not answer:
        raise click.Abort()
    return answer


def _install_click_path() -> None:
    """click's Path type words itself ("file", "directory", "path") when a command is
    defined; keep that name English (the metavar is derived from it and translated when
    shown) and translate it only while a value is being checked ("Filen 'x' finnes ikke.")."""
    import functools

    import click

    path_type = click.types.Path
    original_init = path_type.__init__
    original_convert = path_type.convert

    def english_name(self) -> str:
        if self.file_okay and not self.dir_okay:
            return "file"
        if self.dir_okay and not self.file_okay:
            return "directory"
        return "path"

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.name = english_name(self)

    @functools.wraps(original_convert)
    def convert(self, *args, **kwargs):
        english = english_name(self)
        self.name = _(english)
        try:
            return original_convert(self, *args, **kwargs)
        finally:
            self.name = english

    path_type.__init__ = init  # type: ignore[method-assign]
    path_type.convert = convert  # type: ignore[method-assign]
