"""Step one of schema loading: YAML (or JSON) text to plain Python, with line numbers.

PyYAML's `safe_load` forgets where each value came from, and YAML 1.1 turns the
country code `NO` into `False`. We keep both the line of every key and the raw text
of every scalar, so error messages can name a line and category values stay strings.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, cast

import yaml

from skewcheck.errors import SchemaFileError
from skewcheck.schema.yaml_loader import MERGE_TAG, SchemaLoader, printable

KeyPath = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed schema file: its data, and where each part of it stands in the file."""

    path: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    raw: dict[KeyPath, str] = field(default_factory=dict)

    def line(self, key_path: KeyPath) -> int | None:
        """The line of the nearest enclosing key that has one."""
        for end in range(len(key_path), -1, -1):
            if key_path[:end] in self.lines:
                return self.lines[key_path[:end]]
        return None

    def where(self, key_path: KeyPath) -> str:
        line = self.line(key_path)
        return f"{self.path}:{line}" if line is not None else self.path

    def raw_text(self, key_path: KeyPath) -> str | None:
        return self.raw.get(key_path)


def read_document(path: str | Path) -> Document:
    """Read and parse a YAML or JSON schema file; SchemaFileError names file and line."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SchemaFileError(f"{name}: schema file not found") from None
    except IsADirectoryError:
        raise SchemaFileError(f"{name}: is a directory, not a schema file") from None
    except OSError as error:
        raise SchemaFileError(f"{name}: cannot read schema file: {error.strerror or error}") from None
    return parse_document(decoded(data, name), name)


def decoded(data: bytes, name: str) -> str:
    """The file's text; not UTF-8 is refused at the line of its first bad byte (a Latin-1 `é`, say)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise SchemaFileError(f"{name}:1: UTF-16 text, not UTF-8: save the schema file as UTF-8") from None
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise SchemaFileError(
            f"{name}:{line}: not UTF-8 text (byte 0x{byte:02x}: Latin-1 or Windows-1252?); save the file as UTF-8"
        ) from None


def parse_document(text: str, name: str) -> Document:
    """A Document from schema text; SchemaFileError names file and line (see yaml_loader for what is refused)."""
    try:
        loader = SchemaLoader(text, name)
    except yaml.reader.ReaderError as error:  # a control character: located by character, said by line
        line = text[: error.position].count("\n") + 1
        raise SchemaFileError(
            f"{name}:{line}: not valid YAML or JSON: control character U+{error.character:04X}"
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise SchemaFileError(f"{name}: schema file is empty")
        document = Document(path=name, data=None)
        document.data = _to_python(loader, node, (), document)
        return document
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        problem = error.problem or error.context or "invalid syntax"
        raise SchemaFileError(f"{where}: not valid YAML or JSON: {problem}") from None
    except yaml.YAMLError as error:
        raise SchemaFileError(f"{name}: not valid YAML or JSON: {error}") from None
    finally:
        loader.dispose()


def _to_python(loader: SchemaLoader, node: yaml.Node, key_path: KeyPath, document: Document) -> Any:
    if isinstance(node, yaml.MappingNode):
        return _mapping(loader, node, key_path, document)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*key_path, index)
            document.lines[child] = item.start_mark.line + 1
            items.append(_to_python(loader, item, child, document))
        return items
    document.raw[key_path] = str(node.value)
    return _scalar(loader, node)


def _mapping(loader: SchemaLoader, node: yaml.MappingNode, key_path: KeyPath, document: Document) -> dict[str, Any]:
    """A mapping, with YAML merge keys (`<<: *base`) applied: its own keys win, then earlier merged ones."""
    own = [(key, value) for key, value in node.value if key.tag != MERGE_TAG]
    merges = [value for key, value in node.value if key.tag == MERGE_TAG]
    merged: dict[str, Any] = {}
    # Last merged first, so that the earlier ones, then the mapping's own keys, overwrite values and lines.
    for source in reversed([item for merge in merges for item in _merge_sources(loader, merge)]):
        merged.update(_mapping(loader, source, key_path, document))
    mapping: dict[str, Any] = {}
    for key_node, value_node in own:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            loader.fail(line, "a key must be a name, not a list or a mapping")
        key = str(key_node.value)  # its text: `NO:` and `1:` name features too
        if key in mapping:
            loader.fail(line, f"duplicate key '{key}'")
        child = (*key_path, key)
        document.lines[child] = line
        mapping[key] = _to_python(loader, value_node, child, document)
    return mapping | {key: value for key, value in merged.items() if key not in mapping}


def _merge_sources(loader: SchemaLoader, merge: yaml.Node) -> list[yaml.MappingNode]:
    sources: list[yaml.Node] = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
    mappings = [source for source in sources if isinstance(source, yaml.MappingNode)]
    if len(mappings) < len(sources):
        wrong = next(source for source in sources if not isinstance(source, yaml.MappingNode))
        loader.fail(wrong.start_mark.line + 1, "a merge key '<<' takes a mapping or a list of mappings")
    return mappings


def _scalar(loader: SchemaLoader, node: yaml.Node) -> Any:
    if node.tag == MERGE_TAG:  # `<<` where a value stands is text
        return str(node.value)
    try:
        return loader.construct_object(node, deep=True)
    # `2024-02-30`, `!!int x`, `!!int ''`, `!!bool maybe`, `!!timestamp x`, 5,000 digits: PyYAML's constructors
    # fail in Python's words, on bad text under a standard tag (the only tags the loader lets through).
    except (ValueError, KeyError, OverflowError, IndexError, AttributeError, TypeError):
        kind = node.tag.rsplit(":", 1)[-1]
        text = str(node.value)
        shown = text if len(text) <= 40 else f"{text[:40]}..."
        loader.fail(node.start_mark.line + 1, f"'{shown}' is not a valid {kind}")


class Reader:
    """Typed access to a Document; every complaint names the file, the line and the feature."""

    def __init__(self, document: Document) -> None:
        self.document = document

    def fail(self, key_path: KeyPath, message: str) -> NoReturn:
        where = self.document.where(key_path)
        if len(key_path) > 1 and key_path[0] == "features":
            feature = f"feature '{key_path[1]}': "
        elif len(key_path) > 2 and key_path[0] == "datasets":  # inside a dataset's bounds, not the name itself
            feature = f"dataset '{key_path[1]}': "
        else:
            feature = ""
        raise SchemaFileError(printable(f"{where}: {feature}{message}"))

    def value(self, key_path: KeyPath) -> Any:
        data = self.document.data
        for key in key_path:
            data = data[key]
        return data

    def mapping(self, key_path: KeyPath, allowed: set[str], what: str) -> dict[str, Any]:
        data = self.value(key_path)
        if not isinstance(data, dict):
            self.fail(key_path, f"{what} must be a mapping, got {describe(data)}")
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(sorted(allowed))})"
                self.fail((*key_path, key), f"unknown key '{key}'{hint}")
        return cast(dict[str, Any], data)

    def number(self, key_path: KeyPath, *, minimum: float | None = None) -> float:
        value = self.value(key_path)
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
            self.fail(key_path, f"'{key_name(key_path)}' must be a finite number, got {describe(value)}")
        if minimum is not None and value < minimum:
            self.fail(key_path, f"'{key_name(key_path)}' must be at least {minimum:g}, got {value}")
        return float(value)

    def integer(self, key_path: KeyPath, *, minimum: int) -> int:
        value = self.value(key_path)
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)  # `min_rows: 1e6`, and JSON's `100.0`: whole numbers as people write them
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key_path, f"'{key_name(key_path)}' must be a whole number >= {minimum}, got {describe(value)}")
        return int(value)

    def boolean(self, key_path: KeyPath) -> bool:
        value = self.value(key_path)
        if not isinstance(value, bool):
            self.fail(key_path, f"'{key_name(key_path)}' must be true or false, got {describe(value)}")
        return bool(value)


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int past float's range
        return False


def key_name(key_path: KeyPath) -> str:
    """The key a value belongs to: `max` for both `max: 5` and `max: {value: 5, severity: warn}`."""
    names = [str(key) for key in key_path if isinstance(key, str) and key != "value"]
    return names[-1] if names else "schema"


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and value.bit_length() > 64:  # too long to be read, or even written (4,300 digits)
        return f"a whole number of {value.bit_length()} bits"
    return f"{type(value).__name__} {value!r}"
