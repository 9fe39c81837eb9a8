"""YAML in and out: a fast, strict reader with line numbers, a round-trip editor, atomic writes.

Three jobs, three tools — and one set of rules for all of them (``core/yamlrules.py``,
docs/data-model.md "YAML rules"): keys are always text, only ``true``/``false`` are
booleans (so Norway's ``NO`` stays a country code), only plain decimals without
leading zeros are numbers, and every writer quotes a string some reader would take for
something else. Without one rule set the same file read differently depending on
which path touched it.

* **Reading** every record for ``check`` and ``report`` uses the fast line reader for
  the plain form rosa writes and PyYAML's C parser with rosa's resolver for the rest:
  aliases are refused (a record has no business sharing nodes, and aliases are how
  "billion laughs" files blow up), and each mapping remembers the line of each key so
  problems can say ``file:line``.
* **Editing** an existing record (``woman status``, ``stay close``, ``woman edit``)
  uses ruamel.yaml's round-trip mode, so key order and the coordinator's own comments
  survive; it too reads and quotes by the shared rules.
* **Writing** goes through :func:`atomic_write` (replace a file) or :func:`link_new`
  (create a new record): a complete, fsynced temp file named after its process, then
  ``os.replace`` or ``os.link``, then fsync of the folder — a crash leaves the old file
  or the new one, never half of one, and never an empty claimed record.
"""

from __future__ import annotations

import os
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rosa_cli.core.messages import msg
from rosa_cli.core.model import Problem
from rosa_cli.core.yamlrules import (
    BOOL,
    FLOAT,
    INT,
    NULL,
    STR,
    TIMESTAMP,
    NotPlain,
    key_must_quote,
    must_quote,
    plain_tag,
    plain_value,
)

MAX_RECORD_BYTES = 1_000_000
CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(\s|$)", re.MULTILINE)


class LineDict(dict):
    """A mapping that remembers where it and each of its keys stood in the file."""

    line: int = 0
    key_lines: Dict[Any, int]


class YamlProblem(ValueError):
    def __init__(self, line: Optional[int], message: str):
        super().__init__(message)
        self.line = line
        self.message = message


# what YAML itself refuses to read (PyYAML's reader)
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _record_loader():
    """PyYAML's (C) safe loader with rosa's YAML rules (core/yamlrules.py: plain scalars
    resolved by ``plain_tag``, keys always text), line numbers and no aliases.

    Built on first use: PyYAML is only needed for files outside the plain subset the
    fast reader handles, and importing it would slow every command's start.
    """
    import yaml
    from yaml.nodes import ScalarNode

    base = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader

    class RecordLoader(base):  # type: ignore[misc,valid-type]  # base is picked at run time (C loader when built)
        def resolve(self, kind, value, implicit):
            """Every plain scalar by rosa's one rule set (the C parser calls this too)."""
            if kind is ScalarNode and implicit[0]:
                return plain_tag(value)
            return super().resolve(kind, value, implicit)

        def construct_object(self, node, deep=False):
            if node in self.constructed_objects:
                raise YamlProblem(node.start_mark.line + 1, msg("yaml.alias", "YAML aliases (*name) are not allowed in records"))
            return super().construct_object(node, deep=deep)

        def construct_lenient_timestamp(self, node):
            """A date-shaped value that is no real date (``!!timestamp 2006-02-30``) stays
            text, so the field's own check can say which field and line is wrong."""
            try:
                return self.construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                return self.construct_scalar(node)

        def construct_line_mapping(self, node):
            data = LineDict()
            data.line = node.start_mark.line + 1
            data.key_lines = {}
            yield data
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YamlProblem(line, msg("yaml.merge_key", "YAML merge keys (<<) are not allowed in records"))
                key = self.construct_object(key_node, deep=True)  # (refuses an alias as a key too)
                if isinstance(key_node, ScalarNode):
                    key = key_node.value  # a key is always text: `null:` is "null", `1:` is "1"
                else:
                    raise YamlProblem(line, msg("yaml.key_not_word", "a mapping key must be a plain word"))
                if key in data:
                    raise YamlProblem(line, msg("yaml.duplicate_key", "{key!r} is given twice (first on line {first})", key=key, first=data.key_lines[key]))
                data[key] = self.construct_object(value_node, deep=True)
                data.key_lines[key] = line

    RecordLoader.add_constructor("tag:yaml.org,2002:map", RecordLoader.construct_line_mapping)
    RecordLoader.add_constructor("tag:yaml.org,2002:timestamp", RecordLoader.construct_lenient_timestamp)
    return RecordLoader


def parse_yaml_text(text: str) -> Any:
    """Parse YAML text strictly; raises :class:`YamlProblem` with a 1-based line."""
    marker = CONFLICT_MARKER.search(text)
    if marker:
        line: Optional[int] = text.count("\n", 0, marker.start()) + 1
        raise YamlProblem(line, msg("yaml.conflict_marker", "merge conflict marker: finish the merge (keep one side) and remove the markers"))
    import yaml

    try:
        return yaml.load(text, Loader=_record_loader())  # noqa: S506 - a safe loader subclass
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = (exc.problem or exc.context or "invalid YAML").strip()
        if "nesting depth" in message:  # newer PyYAML's own limit: the same problem as a RecursionError
            raise YamlProblem(None, msg("yaml.too_deep", "YAML nested too deeply")) from None
        raise YamlProblem(line, msg("yaml.syntax", "YAML syntax error: {problem}", problem=message)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, msg("yaml.error", "YAML error: {problem}", problem=str(exc).splitlines()[0])) from None
    except RecursionError:
        raise YamlProblem(None, msg("yaml.too_deep", "YAML nested too deeply")) from None


def read_text(path, shown: str) -> Tuple[Optional[str], List[Problem]]:
    """A record file's text, or a problem: too large, not UTF-8, unreadable.

    ``path`` may be a str: the bulk loader passes plain strings to stay fast. Read
    with ``os.open``/``os.read`` and decoded once: a cold report reads ~123,000 small
    files, and a buffered file object (its allocation, its buffer, its ``close``)
    cost more than the read itself. The first read asks for 64 KB (every record
    rosa writes fits); only a larger file is read on, up to just over the limit.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
        try:
            raw = os.read(fd, _FIRST_READ)
            if len(raw) == _FIRST_READ:
                raw = _read_rest(fd, raw)
        finally:
            os.close(fd)
    except OSError as exc:
        return None, [Problem(shown, None, msg("file.unreadable", "cannot read file: {reason}", reason=exc.strerror))]
    if len(raw) > MAX_RECORD_BYTES:
        return None, [Problem(shown, None, msg("file.too_large", "file is too large for a record (over {limit} bytes)", limit=MAX_RECORD_BYTES))]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [Problem(shown, line, msg("file.not_utf8", "file is not valid UTF-8 text"))]


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
_FIRST_READ = 65536


def _read_rest(fd: int, first: bytes) -> bytes:
    """The rest of a file whose first read filled the buffer, up to one byte over
    :data:`MAX_RECORD_BYTES` (enough to know it is too large)."""
    parts = [first]
    size = len(first)
    while size <= MAX_RECORD_BYTES:
        more = os.read(fd, min(1 << 20, MAX_RECORD_BYTES + 1 - size))
        if not more:
            break
        parts.append(more)
        size += len(more)
    return b"".join(parts)


def read_mapping(path, shown: str) -> Tuple[Optional[LineDict], List[Problem]]:
    """Read one record file into a :class:`LineDict`, or return why it cannot be read."""
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    return mapping_from_text(text, shown)


# --- the fast path for the files rosa writes ---------------------------------------------------

# the three line forms in one pattern: no lead (``key: value``, a key of the record),
# "- " (the first key of a list item) or two spaces (a further key of that item)
_PLAIN_LINE = re.compile(r"(- |  )?([a-z_][a-z0-9_]*):(?: (.*))?$")
# Any character the fast reader leaves to the full parser, in one search: what YAML
# refuses (everything outside _NON_PRINTABLE's set), and of what it reads, tab, CR,
# the byte-order mark and the line breaks str.split("\n") does not see (U+0085,
# U+2028, U+2029).
_NOT_FAST = re.compile(
    "[^\x0A\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\U00010000-\U0010ffff]"
)


def _new_mapping(line: int) -> LineDict:
    data = LineDict()
    data.line = line
    data.key_lines = {}
    return data


def fast_mapping(text: str) -> Optional[LineDict]:
    """Read a record in the plain subset rosa itself writes — ``key: value`` lines and a
    list of small mappings — about twenty times faster than a YAML parser; None for
    anything else (quotes, comments after values, flow style, anchors, conflict markers…),
    which then goes to the full parser. A test checks both agree on every file they
    both read.

    The hot loop of a cold report (once per record file): one search for characters
    it leaves to the parser, then one match per line; values seen lately are resolved
    from :data:`_RESOLVED` instead of by :func:`plain_value` again."""
    if _NOT_FAST.search(text):
        return None
    if _FLAT_TEXT.fullmatch(text):
        return _flat_mapping(text)
    return _line_mapping(text)


def _line_mapping(text: str) -> Optional[LineDict]:
    """:func:`fast_mapping` line by line: top-level keys, list items, blank lines and
    whole-line comments."""
    result: Optional[LineDict] = None
    lines: Dict[str, int] = {}
    current_list: Optional[list] = None
    item: Optional[LineDict] = None
    item_lines: Dict[str, int] = {}
    match_line = _PLAIN_LINE.match
    resolved = _RESOLVED
    try:
        for number, line in enumerate(text.split("\n"), 1):
            if not line or line[0] == "#":
                continue
            match = match_line(line)
            if match is None:
                return None
            lead, key, value = match.groups()
            if value:
                resolved_value = resolved.get(value, resolved)
                if resolved_value is resolved:
                    resolved_value = _resolve(value)
            else:
                resolved_value = None
            if lead is None:
                if result is None:
                    result = _new_mapping(number)
                    lines = result.key_lines
                item = None
                if key in result:
                    return None  # let the full parser name the duplicate
                result[key] = resolved_value
                lines[key] = number
                current_list = [] if not value else None
            elif current_list is None or result is None:
                return None
            else:
                if lead == "- ":
                    item = _new_mapping(number)
                    item_lines = item.key_lines
                    if not current_list:
                        result[next(reversed(result))] = current_list
                    current_list.append(item)
                if item is None or key in item:
                    return None
                item[key] = resolved_value
                item_lines[key] = number
    except NotPlain:
        return None
    return result


# The commonest record (a call, a stay, a service): only ``key: value`` lines, each
# ending in a newline — no list, no blank line, no comment. Checked whole in one
# match and cut into lines by one search, so line i is the file's line i.
_FLAT_TEXT = re.compile(r"(?:[a-z_][a-z0-9_]*:(?: [^\n]*)?\n)+")
_FLAT_LINE = re.compile(r"([a-z_][a-z0-9_]*):(?: ([^\n]*))?\n")


def _flat_mapping(text: str) -> Optional[LineDict]:
    """:func:`fast_mapping` of a text :data:`_FLAT_TEXT` matches: the same mapping,
    the same lines (a key with no value is None, as a list that never came)."""
    result = _new_mapping(1)
    lines = result.key_lines
    resolved = _RESOLVED
    try:
        for number, (key, value) in enumerate(_FLAT_LINE.findall(text), 1):
            if key in result:
                return None  # let the full parser name the duplicate
            if value:
                resolved_value = resolved.get(value, resolved)
                if resolved_value is resolved:
                    resolved_value = _resolve(value)
            else:
                resolved_value = None
            result[key] = resolved_value
            lines[key] = number
    except NotPlain:
        return None
    return result


# plain scalars read lately and what they resolve to (vocabulary keys, dates, shelters
# repeat across records): every value plain_value gives is immutable, so one object
# may stand for all. Emptied when full, which keeps it small and the frequent values in.
_RESOLVED: Dict[str, Any] = {}
_RESOLVED_MAX = 4096


def _resolve(value: str) -> Any:
    resolved = plain_value(value)  # (raises NotPlain: nothing is remembered)
    if len(_RESOLVED) >= _RESOLVED_MAX:
        _RESOLVED.clear()
    _RESOLVED[value] = resolved
    return resolved


def mapping_from_text(text: str, shown: str) -> Tuple[Optional[LineDict], List[Problem]]:
    data = fast_mapping(text)
    if data is not None:
        return data, []
    try:
        data = parse_yaml_text(text)
    except YamlProblem as exc:
        return None, [Problem(shown, exc.line, exc.message)]
    if data is None:
        return None, [Problem(shown, 1, msg("yaml.empty", "file is empty"))]
    if not isinstance(data, LineDict):
        if isinstance(data, list):
            return None, [Problem(shown, 1, msg("yaml.not_mapping_list", "a record must be a mapping of field: value, not a list"))]
        if isinstance(data, str):
            return None, [Problem(shown, 1, msg("yaml.not_mapping_text", "a record must be a mapping of field: value, not text"))]
        return None, [Problem(shown, 1, msg("yaml.not_mapping", "a record must be a mapping of field: value, not {kind}", kind=type(data).__name__))]
    return data, []


# --- writing -----------------------------------------------------------------


def dump_new(data: Dict[str, Any]) -> str:
    """Serialise a fresh record (no comments to keep).

    Records that fit the plain subset are written directly (``key: value`` lines, the
    form :func:`fast_mapping` reads); anything else — a value some YAML reader would
    misread unquoted, like Norway's ``NO``, ``no`` or ``007``, or a note starting with a
    quote — goes through PyYAML's emitter, quoting by the same rule
    (``yamlrules.must_quote``). Either way every reader reads back ``data``.
    """
    text = _plain_dump(data)
    if text is not None:
        return text
    import yaml

    return yaml.dump(data, Dumper=_record_dumper(), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


@lru_cache(maxsize=1)
def _record_dumper():
    import yaml
    from yaml.nodes import MappingNode, ScalarNode

    class RecordDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]  # base is picked at run time (C dumper when built)
        """Never write anchors (the same date object used twice is written twice), and
        quote every string :func:`must_quote` names — PyYAML's own YAML 1.1 resolver
        would write ``1e3`` or ``0o17`` plain, which YAML 1.2 tools read as numbers."""

        def ignore_aliases(self, data):
            return True

        writing_key = False

        def descend_resolver(self, parent, index):
            """Called before each node is written (by the C emitter too): a node under a
            mapping with no index is a key, quoted by the key rule."""
            self.writing_key = index is None and isinstance(parent, MappingNode)
            return super().descend_resolver(parent, index)

        def resolve(self, kind, value, implicit):
            if kind is ScalarNode and implicit[0]:
                return writer_tag(value, self.writing_key)
            return super().resolve(kind, value, implicit)

    return RecordDumper


def writer_tag(value: str, is_key: bool) -> str:
    """What a writer's resolver answers for the plain form of ``value``: its tag by the
    reading rules, or :data:`QUOTE_TAG` for a string that must be quoted. An emitter
    writes a string plain only when this is the string tag."""
    if is_key:
        return QUOTE_TAG if key_must_quote(value) else STR
    tag = plain_tag(value)
    return QUOTE_TAG if tag == STR and must_quote(value) else tag


# a tag no value carries: a resolver answers it for a string that must be quoted, so the
# emitter, seeing that the plain form would not read back as a string, quotes it
QUOTE_TAG = "tag:rosa,2006:quote"
_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
_LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")  # what YAML reads as the end of a line


def _plain_value(value: Any) -> Optional[str]:
    """``value`` as a plain scalar that every reader reads back as itself, or None."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date) and type(value) is date:
        return value.isoformat()
    if isinstance(value, str) and not _LINE_BREAKS.search(value) and not _NON_PRINTABLE.search(value) and not must_quote(value):
        try:
            return value if plain_value(value) == value else None
        except NotPlain:
            return None
    return None


def _plain_key(key: Any) -> bool:
    """A key the plain writer writes: a field name's shape (then never quoted, see
    ``key_must_quote``)."""
    return isinstance(key, str) and _KEY.match(key) is not None


def _plain_dump(data: Dict[str, Any]) -> Optional[str]:
    lines: List[str] = []
    for key, value in data.items():
        if not _plain_key(key):
            return None
        if isinstance(value, list):
            if not value:
                return None
            lines.append(f"{key}:")
            for item in value:
                if not isinstance(item, dict) or not item:
                    return None
                lead = "- "
                for sub_key, sub_value in item.items():
                    text = _plain_value(sub_value)
                    if text is None or not _plain_key(sub_key):
                        return None
                    lines.append(f"{lead}{sub_key}: {text}")
                    lead = "  "
            continue
        text = _plain_value(value)
        if text is None:
            return None
        lines.append(f"{key}: {text}")
    return "\n".join(lines) + "\n" if lines else None


# --- ruamel round trip (edits keep key order and comments) -----------------------------------
#
# ruamel reads YAML 1.2 by its own resolver; rosa gives it the shared rules instead
# (a resolver answering by ``plain_tag`` when reading, and by ``must_quote`` when
# writing, so an edit that sets ``declined_reason: no`` writes ``'no'``), and reads
# mapping keys as text by retagging key nodes between ``compose`` and construction.
# ruamel.yaml is pinned below 0.20 in pyproject.toml; tests/test_yaml_rules.py checks
# that all three readers agree, so a ruamel change that breaks this fails there.


@lru_cache(maxsize=2)
def _ruamel_resolver(writing: bool):
    from ruamel.yaml.nodes import MappingNode, ScalarNode
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.tag import Tag

    tags = {tag: Tag(suffix=tag) for tag in (STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, QUOTE_TAG)}

    class RosaResolver(VersionedResolver):
        writing_key = False

        def descend_resolver(self, parent, index):
            self.writing_key = index is None and isinstance(parent, MappingNode)
            return super().descend_resolver(parent, index)

        def resolve(self, kind, value, implicit):
            if kind is ScalarNode and implicit[0]:
                return tags[writer_tag(value, self.writing_key) if writing else plain_tag(value)]
            return super().resolve(kind, value, implicit)

    return RosaResolver


def _ruamel(writing: bool):
    from ruamel.yaml import YAML

    yml = YAML(typ="rt")
    yml.Resolver = _ruamel_resolver(writing)
    yml.preserve_quotes = True
    return yml


def _keys_as_text(node) -> None:
    """Tag every scalar mapping key as a string, so ``null:`` loads as ``"null"``."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    stack = [node]
    seen = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, MappingNode):
            for key, value in current.value:
                if isinstance(key, ScalarNode):
                    key.tag = STR
                else:
                    stack.append(key)
                stack.append(value)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)


def round_trip_load(text: str):
    """Load with ruamel.yaml's round-trip loader: comments and key order are kept;
    scalars and keys read by the shared rules (core/yamlrules.py)."""
    yml = _ruamel(writing=False)
    node = yml.compose(text)
    if node is None:
        return None
    _keys_as_text(node)
    return yml.constructor.construct_document(node)


def _escape_next_lines(data) -> None:
    """Double-quote every string holding U+0085 (NEXT LINE): ruamel writes it raw
    inside single quotes, where YAML reads it as a line break and folds it into a
    space; in double quotes it is written as the escape ``\\N`` and reads back."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    stack = [data]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            slots = list(current.items())
        elif isinstance(current, list):
            slots = list(enumerate(current))
        else:
            continue
        for slot, value in slots:
            if isinstance(value, str) and "\x85" in value and not isinstance(value, DoubleQuotedScalarString):
                current[slot] = DoubleQuotedScalarString(value)
            elif isinstance(value, (dict, list)):
                stack.append(value)


def round_trip_dump(data) -> str:
    import io

    _escape_next_lines(data)
    yml = _ruamel(writing=True)
    yml.width = 100
    yml.indent(mapping=2, sequence=2, offset=0)
    out = io.StringIO()
    yml.dump(data, out)
    return out.getvalue()


def fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- temp files ----------------------------------------------------------------------------
#
# Every write starts as a temp file that names its process: ``<pid>.<random>.tmp`` in the
# records folder's ``.rosa-cache/tmp/`` (the same file system, so ``link`` and ``rename``
# work, and never inside women/, stays/ or calls/, where it would look like a stray
# file), or ``.<name>.rosa-<pid>.<random>.tmp`` beside a file outside any records folder.
# A process killed mid-write leaves its temp file behind; the next changing command
# removes the leftovers of dead processes only (:func:`remove_dead_temps`), never those
# of a command still running.

TEMP_DIR = (".rosa-cache", "tmp")
_TEMP_NAME = re.compile(r"(?:^|\.rosa-)([0-9]+)\.[0-9a-f]+\.tmp$")
_KIND_DIRS = ("women", "stays", "calls", "services", "activities", "website", ".rosa-cache")
_YEAR_DIRS = ("calls", "services", "activities", ".rosa-cache")


def _records_root_of(directory: Path) -> Optional[Path]:
    """The records folder ``directory`` belongs to (it, a kind folder or a year folder), or None."""
    candidates = [directory]
    if directory.name in _KIND_DIRS:
        candidates.append(directory.parent)
    if directory.parent.name in _YEAR_DIRS:
        candidates.append(directory.parent.parent)
    for candidate in candidates:
        if (candidate / "rosa.yaml").is_file():
            return candidate
    return None


def temp_pid(name: str) -> Optional[int]:
    """The process id a rosa temp file's name carries, or None if it is no rosa temp file."""
    match = _TEMP_NAME.search(name)
    return int(match.group(1)) if match else None


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but is someone else's
        return True
    return True


def is_live_temp(name: str) -> bool:
    """True for a temp file of a rosa process that is still running (not to be reported)."""
    pid = temp_pid(name)
    return pid is not None and pid_alive(pid)


def _write_temp(path: Path, data: bytes, mode: int, beside: bool = False) -> Path:
    """A complete, fsynced, owner-only temp copy of ``data``, named after this process."""
    import secrets

    root = None if beside else _records_root_of(path.parent)
    token = f"{os.getpid()}.{secrets.token_hex(4)}.tmp"
    if root is not None:
        directory = root.joinpath(*TEMP_DIR)
        if not directory.is_dir():
            directory.parent.mkdir(exist_ok=True, mode=0o700)  # (parents=True would make it 0755)
            directory.mkdir(exist_ok=True, mode=0o700)
        temp = directory / token
    else:
        temp = path.parent / f".{path.name}.rosa-{token}"
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        _unlink(temp)
        raise
    return temp


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def remove_dead_temps(root: Path) -> int:
    """Remove temp files left in ``root``'s ``.rosa-cache/tmp`` by processes that died.

    A temp file of a live process (another rosa command writing right now) is kept.
    Returns how many were removed.
    """
    directory = Path(root).joinpath(*TEMP_DIR)
    removed = 0
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    for name in names:
        pid = temp_pid(name)
        if pid is not None and not pid_alive(pid):
            _unlink(directory / name)
            removed += 1
    return removed


def link_new(path: Path, data: bytes, mode: int = 0o600) -> bool:
    """Create ``path`` holding ``data`` in one atomic step; False if ``path`` exists.

    Write and fsync a temp file, then ``link`` it to the record's name: the name
    appears with its whole content or not at all, and ``link`` refuses a name that is
    taken (EEXIST), which is how a new id is claimed. A crash before the link leaves
    only a temp file (removed by the next command), never an empty record.
    """
    import errno

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = _write_temp(path, data, mode)
    try:
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno == errno.EXDEV:  # .rosa-cache on another file system: link from beside
                _unlink(temp)
                temp = _write_temp(path, data, mode, beside=True)
                try:
                    os.link(temp, path)
                except FileExistsError:
                    return False
            else:
                raise
    finally:
        _unlink(temp)
    fsync_folder(path.parent)
    return True


def atomic_write(path: Path, text: str, mode: int = 0o600) -> None:
    """Write text atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new one.

    The single way rosa replaces a file: a complete, fsynced temp file on the same file
    system (see the temp files note above), ``os.replace``, then fsync of the folder so
    the rename itself is durable. Files are created owner-only whatever the umask.
    """
    import errno

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = _write_temp(path, data, mode)
    try:
        try:
            os.replace(temp, path)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            _unlink(temp)
            temp = _write_temp(path, data, mode, beside=True)
            os.replace(temp, path)
    except BaseException:
        _unlink(temp)
        raise
    fsync_folder(path.parent)
