#!/usr/bin/env python3
"""rosa's message catalogue tool (docs/messages.md), built on Babel's API.

    python scripts/catalogue.py extract   # messages in rosa_cli -> rosa_cli/locale/rosa.pot
    python scripts/catalogue.py update [LANG...]  # merge the source's messages into the .po files
    python scripts/catalogue.py check     # exit 1 when a message lacks a bokmål translation
    python scripts/catalogue.py compile   # .po -> .mo beside it (the build does this too)

Why a script and not ``pybabel``: the keywords (``msg:2``, ``msgn:2,3``) and the rules of
``check`` (placeholders kept, no fuzzy, no conflicting duplicates left by a union merge)
are rosa's, and the tests use the same functions.
"""

from __future__ import annotations

import io
import string
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "rosa_cli"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "rosa.pot"
DOMAIN = "rosa"
LANGUAGES = ("nb", "en")
SOURCE_LANGUAGE = "en"  # the msgids are English: its catalogue is msgstr = msgid
# the message functions and their arguments holding the literal English text
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "msg": (2,), "msgn": (2, 3)}

MsgId = Tuple[str, ...]  # (singular,) or (singular, plural)


def po_path(language: str, locale: Path = LOCALE) -> Path:
    return locale / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(package: Path = PACKAGE):
    """Every message in the source, as a Babel ``Catalog`` with file:line locations."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="rosa", charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("NOTE:",), strip_comment_tags=True
    ):
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        path = (Path("rosa_cli") / filename).as_posix()
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


def source_ids(package: Path = PACKAGE) -> Dict[MsgId, List[str]]:
    """``{msgid: [file:line, ...]}`` for every message in the source."""
    ids: Dict[MsgId, List[str]] = {}
    for message in extract(package):
        if not message.id:
            continue
        key = _key(message.id)
        ids.setdefault(key, []).extend(f"{path}:{line}" for path, line in message.locations)
    return ids


def _key(message_id) -> MsgId:
    return tuple(message_id) if isinstance(message_id, (list, tuple)) else (message_id,)


class _Reader:
    """A .po read with Babel, remembering msgids that occur more than once (a union merge
    of two blocks that translated the same text) with their translations. Babel keeps
    the first translation of a duplicate; ``check`` reports the ones that differ."""

    def __init__(self, path: Path):
        from babel.messages.pofile import PoFileParser, read_po

        self.duplicates: Dict[MsgId, List[object]] = {}
        seen: Dict[MsgId, object] = {}
        duplicates = self.duplicates

        class Parser(PoFileParser):
            def _add_message(self):  # type: ignore[no-untyped-def]
                if not self.obsolete and self.messages:
                    key = tuple(part.denormalize() for part in self.messages)
                    strings = tuple(text.denormalize() for _index, text in sorted(self.translations))
                    if key != ("",):
                        if key in seen and seen[key] != strings:
                            duplicates.setdefault(key, [seen[key]]).append(strings)
                        seen.setdefault(key, strings)
                super()._add_message()

        data = path.read_bytes() if path.is_file() else b""
        self.catalog = read_po(io.BytesIO(b""), locale=None)  # an empty catalogue to fill
        parser = Parser(self.catalog)
        parser.parse(io.BytesIO(data))


def read(language: str, locale: Path = LOCALE):
    """``(catalog, duplicates)`` of one language's .po (an empty catalogue when absent)."""
    reader = _Reader(po_path(language, locale))
    return reader.catalog, reader.duplicates


def placeholders(text: str) -> Set[str]:
    """The ``{name}`` fields of a template (``{{`` is a brace, not a field)."""
    names: Set[str] = set()
    try:
        for _literal, field, _spec, _conversion in string.Formatter().parse(text):
            if field is not None:
                names.add(field)
    except ValueError:
        names.add("<unbalanced braces>")
    return names


def problems(package: Path = PACKAGE, languages: Iterable[str] = LANGUAGES, locale: Path = LOCALE) -> List[str]:
    """What ``check`` reports: one line per message missing, fuzzy, empty, with changed
    placeholders, or translated twice differently, for every language."""
    ids = source_ids(package)
    found: List[str] = []
    for language in languages:
        catalog, duplicates = read(language, locale)
        for key, where in sorted(ids.items()):
            shown = key[0].replace("\n", "\\n")
            at = where[0] if where else "?"
            message = catalog.get(key[0])
            if message is None:
                found.append(f"{language}: {at}: no translation: {shown!r}")
                continue
            if message.fuzzy:
                found.append(f"{language}: {at}: fuzzy translation: {shown!r}")
            strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
            if len(key) == 2 and not isinstance(message.string, (list, tuple)):
                found.append(f"{language}: {at}: plural message translated without plural forms: {shown!r}")
                continue
            if not all(strings):
                found.append(f"{language}: {at}: empty translation: {shown!r}")
                continue
            expected = set().union(*(placeholders(part) for part in key))
            for text in strings:
                if placeholders(text) - expected or (len(key) == 1 and placeholders(text) != expected):
                    found.append(f"{language}: {at}: placeholders differ ({sorted(placeholders(text))} for {sorted(expected)}): {shown!r}")
                    break
        for key in sorted(duplicates):
            if key in ids:
                found.append(f"{language}: translated more than once, differently: {key[0]!r}")
    return found


def update(package: Path = PACKAGE, languages: Iterable[str] = LANGUAGES, locale: Path = LOCALE) -> None:
    """Merge the source's messages into each .po: translations kept, new messages added
    (English: msgstr = msgid), gone ones dropped, duplicates settled (the first wins), sorted
    by msgid and without source line numbers, so that later merges are small."""
    from babel.messages.pofile import write_po

    template = extract(package)
    for language in languages:
        catalog, _duplicates = read(language, locale)
        catalog.locale = language  # type: ignore[assignment]
        catalog.project = "rosa"
        catalog.fuzzy = False
        catalog.header_comment = f"# rosa's messages in {language}. English msgids; see docs/messages.md."
        created = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = created  # an unchanged catalogue is an unchanged file
        catalog.obsolete.clear()
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id:
                    message.string = tuple(message.id) if message.pluralizable else message.id
                    message.flags.discard("fuzzy")
        path = po_path(language, locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_po(buffer, catalog, sort_output=True, width=100, no_location=True, include_previous=False)
        path.write_bytes(buffer.getvalue())


def write_template(package: Path = PACKAGE, target: Path = TEMPLATE) -> None:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, extract(package), sort_output=True, width=100)
    target.write_bytes(buffer.getvalue())


def compile_po(po: Path, mo: Optional[Path] = None) -> Path:
    """One .po compiled to .mo (beside it unless ``mo`` is given)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as handle:
        catalog = read_po(handle)
    target = mo or po.with_suffix(".mo")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    target.write_bytes(buffer.getvalue())
    return target


def compile_all(locale: Path = LOCALE) -> List[Path]:
    return [compile_po(po) for po in sorted(locale.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))]


def main(argv: List[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "extract":
        write_template()
        print(f"wrote {TEMPLATE.relative_to(ROOT)}")
        return 0
    if command == "update":
        chosen = tuple(argv[2:]) or LANGUAGES
        unknown = [language for language in chosen if language not in LANGUAGES]
        if unknown:
            print(f"update: unknown language {', '.join(unknown)} (known: {', '.join(LANGUAGES)})", file=sys.stderr)
            return 2
        update(languages=chosen)
        print("updated " + ", ".join(str(po_path(language).relative_to(ROOT)) for language in chosen))
        return 0
    if command == "check":
        found = problems()
        for line in found:
            print(line)
        if found:
            print(f"{len(found)} message(s) to translate or fix", file=sys.stderr)
            return 1
        print("every message has its translations")
        return 0
    if command == "compile":
        for path in compile_all():
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
