"""YAML in and out: a fast, strict reader with line numbers, a round-trip editor, atomic writes.

Three jobs, three tools:

* **Reading** every record for ``check`` and ``report`` uses PyYAML's C parser with a
  strict resolver: only ``true``/``false`` are booleans (so Norway's ``NO`` stays a
  country code), only plain decimals are numbers, aliases are refused (a record has
  no business sharing nodes, and aliases are how "billion laughs" files blow up), and
  each mapping remembers the line of each key so problems can say ``file:line``.
* **Editing** an existing record (``woman status``, ``stay close``, ``woman edit``)
  uses ruamel.yaml's round-trip mode, so key order and the coordinator's own comments
  survive.
* **Writing** goes through :func:`atomic_write` only: temp file in the same folder,
  fsync, ``os.replace``, fsync of the folder — a crash leaves the old file or the new
  one, never half of one.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from datetime import date
from typing import Any, Dict, List, Optional, Tuple

import yaml

from rosa_cli.core.model import Problem

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


class _RecordLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's (C) safe loader with a strict resolver, line numbers and no aliases."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects:
            raise YamlProblem(node.start_mark.line + 1, "YAML aliases (*name) are not allowed in records")
        return super().construct_object(node, deep=deep)

    def construct_lenient_timestamp(self, node):
        """A date-shaped value that is no real date (2006-02-30) stays text, so the
        field's own check can say which field and line is wrong."""
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
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(key_node.start_mark.line + 1, "YAML merge keys (<<) are not allowed in records")
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlProblem(key_node.start_mark.line + 1, "a mapping key must be a plain word") from None
            line = key_node.start_mark.line + 1
            if key in data:
                raise YamlProblem(line, f"{key!r} is given twice (first on line {data.key_lines[key]})")
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = line


def _strict_resolvers() -> dict:
    resolvers: dict = {}
    keep = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, regexp) for tag, regexp in entries if tag in keep]
        if kept:
            resolvers[first] = kept
    extra = [
        ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
        ("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), "-+0123456789"),
        ("tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$"), "-+0123456789."),
    ]
    for tag, regexp, firsts in extra:
        for ch in firsts:
            resolvers.setdefault(ch, []).append((tag, regexp))
    return resolvers


_RecordLoader.yaml_implicit_resolvers = _strict_resolvers()
_RecordLoader.add_constructor("tag:yaml.org,2002:map", _RecordLoader.construct_line_mapping)
_RecordLoader.add_constructor("tag:yaml.org,2002:timestamp", _RecordLoader.construct_lenient_timestamp)


def parse_yaml_text(text: str) -> Any:
    """Parse YAML text strictly; raises :class:`YamlProblem` with a 1-based line."""
    marker = CONFLICT_MARKER.search(text)
    if marker:
        line = text.count("\n", 0, marker.start()) + 1
        raise YamlProblem(line, "merge conflict marker: finish the merge (keep one side) and remove the markers")
    try:
        return yaml.load(text, Loader=_RecordLoader)  # noqa: S506 - a safe loader subclass
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = (exc.problem or exc.context or "invalid YAML").strip()
        raise YamlProblem(line, f"YAML syntax error: {message}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"YAML error: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise YamlProblem(None, "YAML nested too deeply") from None


def read_text(path, shown: str) -> Tuple[Optional[str], List[Problem]]:
    """A record file's text, or a problem: too large, not UTF-8, unreadable.

    ``path`` may be a str: the bulk loader passes plain strings to stay fast.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        return None, [Problem(shown, None, f"cannot read file: {exc.strerror}")]
    if len(raw) > MAX_RECORD_BYTES:
        return None, [Problem(shown, None, f"file is too large for a record (over {MAX_RECORD_BYTES} bytes)")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [Problem(shown, line, "file is not valid UTF-8 text")]


def read_mapping(path, shown: str) -> Tuple[Optional[LineDict], List[Problem]]:
    """Read one record file into a :class:`LineDict`, or return why it cannot be read."""
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    return mapping_from_text(text, shown)


# --- the fast path for the files rosa writes ---------------------------------------------------

_KEY_LINE = re.compile(r"^([a-z_][a-z0-9_]*):(?: (.*))?$")
_ITEM_FIRST = re.compile(r"^- ([a-z_][a-z0-9_]*):(?: (.*))?$")
_ITEM_MORE = re.compile(r"^  ([a-z_][a-z0-9_]*):(?: (.*))?$")
_DATE_ONLY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE  # what YAML itself refuses to read


class _NotSimple(Exception):
    """The text uses YAML beyond the plain subset; the full parser must read it."""


def _plain_scalar(value: Optional[str]) -> Any:
    """Resolve one plain scalar exactly as :class:`_RecordLoader` would, or refuse."""
    if value is None or value == "":
        return None
    if value != value.strip() or "\t" in value or "#" in value or ": " in value or value.endswith(":"):
        raise _NotSimple
    first = value[0]
    if not (first.isalnum() or (first in "+-." and len(value) > 1 and value[1].isdigit())):
        raise _NotSimple
    for tag, regexp in _RecordLoader.yaml_implicit_resolvers.get(first, ()):
        if not regexp.match(value):
            continue
        kind = tag.rsplit(":", 1)[1]
        if kind == "null":
            return None
        if kind == "bool":
            return value.lower() == "true"
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "timestamp":
            match = _DATE_ONLY.match(value)
            if not match:
                raise _NotSimple
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return value
    return value


def _new_mapping(line: int) -> LineDict:
    data = LineDict()
    data.line = line
    data.key_lines = {}
    return data


def _put(mapping: LineDict, key: str, value: Any, line: int) -> None:
    if key in mapping:
        raise _NotSimple  # let the full parser name the duplicate
    mapping[key] = value
    mapping.key_lines[key] = line


def fast_mapping(text: str) -> Optional[LineDict]:
    """Read a record in the plain subset rosa itself writes — ``key: value`` lines and a
    list of small mappings — about twenty times faster than a YAML parser; None for
    anything else (quotes, comments after values, flow style, anchors, conflict markers…),
    which then goes to the full parser. A test checks both agree on every file they
    both read."""
    if "\r" in text or "\ufeff" in text or "\t" in text or _NON_PRINTABLE.search(text):
        return None
    result: Optional[LineDict] = None
    current_list: Optional[list] = None
    item: Optional[LineDict] = None
    try:
        for number, line in enumerate(text.split("\n"), 1):
            if not line or line.startswith("#"):
                continue
            match = _KEY_LINE.match(line)
            if match:
                key, value = match.groups()
                if result is None:
                    result = _new_mapping(number)
                current_list, item = None, None
                if value is None or value == "":
                    current_list = []
                    _put(result, key, None, number)
                    continue
                _put(result, key, _plain_scalar(value), number)
                continue
            if current_list is None or result is None:
                return None
            match = _ITEM_FIRST.match(line)
            if match:
                item = _new_mapping(number)
                if not current_list:
                    last_key = list(result)[-1]
                    result[last_key] = current_list
                current_list.append(item)
                _put(item, match.group(1), _plain_scalar(match.group(2)), number)
                continue
            match = _ITEM_MORE.match(line)
            if match and item is not None:
                _put(item, match.group(1), _plain_scalar(match.group(2)), number)
                continue
            return None
    except _NotSimple:
        return None
    return result


def mapping_from_text(text: str, shown: str) -> Tuple[Optional[LineDict], List[Problem]]:
    data = fast_mapping(text)
    if data is not None:
        return data, []
    try:
        data = parse_yaml_text(text)
    except YamlProblem as exc:
        return None, [Problem(shown, exc.line, exc.message)]
    if data is None:
        return None, [Problem(shown, 1, "file is empty")]
    if not isinstance(data, LineDict):
        kind = type(data).__name__.replace("str", "text").replace("list", "a list")
        return None, [Problem(shown, 1, f"a record must be a mapping of field: value, not {kind}")]
    return data, []


# --- writing -----------------------------------------------------------------


class _NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Never write anchors: the same date object used twice is written twice."""

    def ignore_aliases(self, data):
        return True


def dump_new(data: Dict[str, Any]) -> str:
    """Serialise a fresh record (no comments to keep) with PyYAML's fast emitter.

    PyYAML quotes anything a YAML 1.1 reader would misread (``'NO'``), so the files
    read the same in every YAML tool.
    """
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def round_trip_load(text: str):
    """Load with ruamel.yaml's round-trip loader: comments and key order are kept."""
    from ruamel.yaml import YAML

    yml = YAML(typ="rt")
    yml.preserve_quotes = True
    return yml.load(text)


def round_trip_dump(data) -> str:
    import io

    from ruamel.yaml import YAML

    yml = YAML(typ="rt")
    yml.preserve_quotes = True
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


def atomic_write(path: Path, text: str, mode: int = 0o600) -> None:
    """Write text atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new one.

    The single way rosa writes a record: temp file in the same folder (so the rename
    stays on one file system), fsync, ``os.replace``, then fsync of the folder so the
    rename itself is durable. Files are created owner-only whatever the umask.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    fsync_folder(path.parent)
