"""The YAML loader schema files are composed with: PyYAML's safe loader, bounded and strict.

A schema file may come from anyone who can open a pull request, so what a file can make the loader do is bounded,
and every refusal is one SchemaFileError naming the file and line:

- `MAX_DEPTH` levels of nesting (a schema needs five). PyYAML composes recursively: 10,000 nested lists would
  exhaust Python's stack.
- `MAX_VALUES` values (keys, list items, scalars) once aliases are expanded: each alias counts as the size of
  what it names, counted while the file is composed, so an alias bomb ("billion laughs": nine aliases of nine
  aliases of ...) is refused before anything is expanded.
- Tags: only the standard ones plain data has (str, int, float, bool, null, timestamp, seq, map) and the merge key
  `<<`. Anything else (`!!python/tuple`, `!!set`, `!!binary`, `!custom`) is refused: it would otherwise be dropped
  silently (a tag on a list) or constructed into something a schema cannot hold.

Numbers follow JSON and YAML 1.2: YAML 1.1 reads `1e-9` (no dot) and `1E5` as strings, but the README writes
`tolerance: {abs: 1e-9}` and a JSON schema writes exponents so. A `\\u` surrogate pair in a double-quoted string
(what `json.dump` writes for an emoji) is joined into its character.
"""

from __future__ import annotations

import re
from typing import NoReturn

import yaml

from skewcheck.errors import SchemaFileError

MAX_DEPTH = 32
MAX_VALUES = 1_000_000

_STANDARD = "tag:yaml.org,2002:"
FLOAT_TAG, MERGE_TAG = f"{_STANDARD}float", f"{_STANDARD}merge"
_SCALAR_TAGS = {f"{_STANDARD}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "merge")}
_ALLOWED_TAGS = {
    yaml.ScalarNode: _SCALAR_TAGS,
    yaml.SequenceNode: {f"{_STANDARD}seq"},
    yaml.MappingNode: {f"{_STANDARD}map"},
}
# YAML 1.2 core floats (an exponent with or without a dot, or a dot without digits before it), YAML 1.1's
# sexagesimal and underscore forms, and the infinities and NaN (which the schema then refuses as not finite).
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)
_SURROGATES = re.compile("[\ud800-\udfff]")


class SchemaLoader(yaml.SafeLoader):
    """A SafeLoader that refuses what a schema file must not do, naming `name` and the line."""

    yaml_implicit_resolvers = {  # noqa: RUF012 -- PyYAML's own class-level table, copied without floats
        first: [(tag, regexp) for tag, regexp in resolvers if tag != FLOAT_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name
        self._depth = 0
        self._values = 0  # values so far, each alias counted as the size of what it names
        self._sizes: dict[int, int] = {}  # id(node) -> its size once expanded; the nodes live as long as self

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        alias = self.check_event(yaml.AliasEvent)
        line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
        self._depth += 1
        if self._depth > MAX_DEPTH:
            self.fail(line, f"nested more than {MAX_DEPTH} levels deep (a schema needs five)")
        before = self._values
        node = super().compose_node(parent, index)
        self._depth -= 1
        assert node is not None  # None only at a stream's end, which compose_document does not compose
        if alias:
            size = self._sizes.get(id(node))
            if size is None:
                self.fail(line, "an alias is used inside the very value it names (a loop)")
        else:
            self._check_tag(node, line)
            size = self._values - before + 1
            self._sizes[id(node)] = size
            if isinstance(node, yaml.ScalarNode):
                node.value = _joined_surrogates(node.value, self, line)
        self._values = before + size
        if self._values > MAX_VALUES:
            self.fail(
                line,
                f"the schema holds more than {MAX_VALUES:,} values once its aliases are expanded (the limit; "
                "each alias counts as what it names, each time it is used)",
            )
        return node

    def _check_tag(self, node: yaml.Node, line: int) -> None:
        if node.tag not in _ALLOWED_TAGS[type(node)]:
            tag = node.tag.replace(_STANDARD, "!!")
            self.fail(line, f"YAML tag '{tag}' is not allowed in a schema file (only plain values, lists, mappings)")

    def fail(self, line: int, message: str) -> NoReturn:
        raise SchemaFileError(f"{self.name}:{line}: {printable(message)}")


SchemaLoader.add_implicit_resolver(FLOAT_TAG, _FLOAT, list("-+0123456789."))


def printable(text: str) -> str:
    """One line whatever a message names: control characters as Python escapes them (a newline as `\\n`)."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _joined_surrogates(text: str, loader: SchemaLoader, line: int) -> str:
    """`\\ud83d\\ude00` (UTF-16, as JSON escapes an emoji) as the one character it encodes."""
    if not _SURROGATES.search(text):
        return text
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        lone = _SURROGATES.search(text)
        assert lone is not None
        loader.fail(line, f"'\\u{ord(lone.group()):04x}' is half of a UTF-16 surrogate pair, not a character")
