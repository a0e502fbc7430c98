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
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaFileError(f"{name}: schema file not found") from None
    except IsADirectoryError:
        raise SchemaFileError(f"{name}: is a directory, not a schema file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SchemaFileError(f"{name}: cannot read schema file: {error}") from None
    return parse_document(text, name)


def parse_document(text: str, name: str) -> Document:
    loader = yaml.SafeLoader(text)
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


def _to_python(loader: yaml.SafeLoader, node: yaml.Node, key_path: KeyPath, document: Document) -> Any:
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        # Merge keys (`<<: *anchor`) arrive as a key named '<<' and are rejected as unknown.
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key_node.value)
            child = (*key_path, key)
            document.lines[child] = key_node.start_mark.line + 1
            if key in mapping:
                raise SchemaFileError(f"{document.path}:{key_node.start_mark.line + 1}: duplicate key '{key}'")
            mapping[key] = _to_python(loader, value_node, child, document)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*key_path, index)
            document.lines[child] = item.start_mark.line + 1
            items.append(_to_python(loader, item, child, document))
        return items
    document.raw[key_path] = str(node.value)
    return loader.construct_object(node, deep=True)


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
        raise SchemaFileError(f"{where}: {feature}{message}")

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
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(key_path, f"'{key_name(key_path)}' must be a finite number, got {describe(value)}")
        if minimum is not None and value < minimum:
            self.fail(key_path, f"'{key_name(key_path)}' must be at least {minimum:g}, got {value}")
        return float(value)

    def integer(self, key_path: KeyPath, *, minimum: int) -> int:
        value = self.value(key_path)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key_path, f"'{key_name(key_path)}' must be a whole number >= {minimum}, got {describe(value)}")
        return int(value)

    def boolean(self, key_path: KeyPath) -> bool:
        value = self.value(key_path)
        if not isinstance(value, bool):
            self.fail(key_path, f"'{key_name(key_path)}' must be true or false, got {describe(value)}")
        return bool(value)


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
    return f"{type(value).__name__} {value!r}"
