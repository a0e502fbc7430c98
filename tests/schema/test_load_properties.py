"""Any text at all, given as a schema file, becomes a Schema or one SchemaFileError: never another exception.

Three kinds of text: schema-shaped data (the real keys, with values of every kind in the wrong places) written as
YAML and as JSON; that text cut or with a YAML fragment spliced in (anchors, aliases, tags, merge keys, flow
collections); and arbitrary characters.
"""

from __future__ import annotations

import json
import string
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skewcheck.errors import SchemaFileError
from skewcheck.schema.constraints import CONSTRAINT_KEYS, RULE_KEYS
from skewcheck.schema.document import decoded, parse_document
from skewcheck.schema.load import DEFAULT_KEYS, FEATURE_KEYS, TOP_LEVEL_KEYS, build_schema
from skewcheck.schema.model import FeatureType, Schema

KEYS = [
    *sorted(TOP_LEVEL_KEYS | FEATURE_KEYS | DEFAULT_KEYS | RULE_KEYS | set(CONSTRAINT_KEYS)),
    "warn",
    "fail",
    "metric",
    "abs",
    "rel",
    "rising",
    "rolling",
    "training",
    "serving",
    "min_rows",
    "max_rows",
]
WORDS = [
    *KEYS,
    *(str(t) for t in FeatureType),
    "psi",
    "ks_statistic",
    "linf",
    "warn",
    "fail",
    "key",
    "label",
    "NO",
    "1e-9",
    "~",
    "<<",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.dates().map(str),
)


def _values(depth: int) -> st.SearchStrategy[Any]:
    if depth == 0:
        return SCALARS
    inner = _values(depth - 1)
    return st.one_of(
        SCALARS,
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=5),
    )


FEATURE = st.dictionaries(st.sampled_from(sorted(FEATURE_KEYS)), _values(2), max_size=6).map(
    lambda feature: {"type": "int", **feature} if len(feature) % 3 else feature
)
SCHEMA = st.fixed_dictionaries(
    {"features": st.dictionaries(st.text(min_size=1, max_size=6), FEATURE | _values(1), max_size=3)},
    optional={"version": SCALARS, "defaults": _values(3), "datasets": _values(3)},
)
FRAGMENTS = st.sampled_from(
    [
        "&a ",
        "*a",
        "<<: *a\n",
        "!!python/tuple ",
        "!!set ",
        "!!binary ",
        "!!int ",
        "!!timestamp ",
        "!custom ",
        "? [a]\n: b\n",
        "[",
        "{",
        '"\\ud83d"',
        '"\\ud83d\\ude00"',
        "\t",
        "\x00",
        "- ",
        ": ",
        "\n  ",
        "2024-02-30",
        "0x" + "f" * 5000,
        "1e-9",
        "%YAML 1.1\n---\n",
    ]
)


def _text(data: Any, as_json: bool) -> str:
    return json.dumps(data, default=str) if as_json else yaml.safe_dump(data, allow_unicode=True)


def _load(text: str) -> Schema | None:
    try:
        return build_schema(parse_document(text, "schema.yaml"))
    except SchemaFileError as error:
        line = str(error)
        assert line.startswith("schema.yaml") and "\n" not in line, line
        return None


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(SCHEMA, st.booleans())
def test_schema_shaped_data_loads_or_says_why(data: dict[str, Any], as_json: bool) -> None:
    _load(_text(data, as_json))


@SETTINGS
@given(SCHEMA, st.booleans(), st.lists(st.tuples(st.integers(min_value=0), FRAGMENTS), max_size=4))
def test_spliced_text_loads_or_says_why(data: dict[str, Any], as_json: bool, splices: list[tuple[int, str]]) -> None:
    text = _text(data, as_json)
    for position, fragment in splices:
        at = position % (len(text) + 1)
        text = text[:at] + fragment + text[at:]
    _load(text)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(string.printable + "&*!<>{}[]-:,?|'\"é😀\x00\ufeff"), max_size=200))
def test_any_text_loads_or_says_why(text: str) -> None:
    _load(text)


@SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_say_why(data: bytes) -> None:
    try:
        _load(decoded(data, "schema.yaml"))
    except SchemaFileError as error:
        assert str(error).startswith("schema.yaml")
