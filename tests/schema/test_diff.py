"""diff_schemas: every kind of change between two schema files, and which of them break serving."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

from skewcheck.errors import ExitCode
from skewcheck.schema.constraints import CONSTRAINT_KEYS
from skewcheck.schema.diff import Change, ChangeKind, diff_schemas, render_changes, schema_diff
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Schema
from tests.helpers import FIXTURES, write_schema

_counter = itertools.count()


def load(tmp_path: Path, features: dict[str, str], extra: str = "") -> Schema:
    """A schema file with these feature declarations (YAML flow mappings) and any top-level extra."""
    lines = [f"  {name}: {declaration}" for name, declaration in features.items()]
    path = tmp_path / f"schema{next(_counter)}.yaml"
    path.write_text(f"version: 1\n{extra}features:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return load_schema(path)


def diff(tmp_path: Path, old: str, new: str) -> list[Change]:
    """The changes when feature x's declaration goes from `old` to `new` (feature id stays the same)."""
    keep = {"id": "{type: string, role: key}"}
    return diff_schemas(load(tmp_path, {**keep, "x": old}), load(tmp_path, {**keep, "x": new}))


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_schemas_have_no_changes(tmp_path: Path) -> None:
    fixture = load_schema(FIXTURES / "schema.yaml")
    copy = tmp_path / "copy.yaml"
    copy.write_text((FIXTURES / "schema.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert diff_schemas(fixture, fixture) == []
    assert diff_schemas(fixture, load_schema(copy)) == []  # another path is no change
    assert render_changes([]) == "no changes"


def test_spelling_out_what_is_implied_is_no_change(tmp_path: Path) -> None:
    """A path equal to the name, the default gate, nullable true: the same schema written longer."""
    plain = "{type: float}"
    explicit = "{type: float, nullable: true, serving_path: x, drift: {metric: psi, warn: 0.1, fail: 0.25}}"
    assert diff(tmp_path, plain, explicit) == []


def test_features_added_and_removed(tmp_path: Path) -> None:
    old = load(tmp_path, {"a": "{type: int}", "gone": "{type: float}"})
    new = load(
        tmp_path, {"a": "{type: int}", "served": "{type: int}", "label": "{type: int, environments: [training]}"}
    )
    changes = {c.feature: c for c in diff_schemas(old, new)}
    assert set(changes) == {"gone", "served", "label"}
    assert (changes["gone"].kind, changes["gone"].breaking, changes["gone"].old) == (
        ChangeKind.FEATURE_REMOVED,
        True,
        "float",
    )
    assert (changes["served"].kind, changes["served"].breaking) == (ChangeKind.FEATURE_ADDED, True)
    assert "required in serving" in changes["served"].message
    assert (changes["label"].kind, changes["label"].breaking) == (ChangeKind.FEATURE_ADDED, False)


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [
        ("float", "int", True),
        ("string", "int", True),
        ("int", "bool", True),
        ("category", "bool", True),
        ("int", "string", True),  # an int column read as string is a `type` warning
        ("datetime", "date", True),
        ("int", "float", False),
        ("date", "datetime", False),
        ("string", "category", False),
        ("category", "string", False),
    ],
)
def test_type_changes(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    change = only(diff(tmp_path, f"{{type: {old}, drift: false}}", f"{{type: {new}, drift: false}}"))
    assert (change.kind, change.old, change.new, change.breaking) == (ChangeKind.TYPE_CHANGED, old, new, breaking)


def test_a_type_narrowed_on_a_training_only_feature_is_not_breaking(tmp_path: Path) -> None:
    change = only(diff(tmp_path, "{type: float, environments: [training]}", "{type: int, environments: [training]}"))
    assert change.kind is ChangeKind.TYPE_CHANGED
    assert not change.breaking


@pytest.mark.parametrize(("old", "new", "breaking"), [("true", "false", True), ("false", "true", False)])
def test_nullable(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    change = only(diff(tmp_path, f"{{type: int, nullable: {old}}}", f"{{type: int, nullable: {new}}}"))
    assert (change.kind, change.old, change.new, change.breaking) == (ChangeKind.NULLABLE_CHANGED, old, new, breaking)


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [
        ("min: 0", "min: 1", True),
        ("min: 1", "min: 0", False),
        ("max: 100", "max: 80", True),
        ("max: 80", "max: 100", False),
        ("max: 1.5", "max: 1500", False),
        ("nullable: true", "min: 0", True),  # a bound where there was none
        ("max: 5", "nullable: true", False),  # a bound dropped
    ],
)
def test_range(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    change = only(diff(tmp_path, f"{{type: float, {old}}}", f"{{type: float, {new}}}"))
    assert (change.kind, change.breaking) == (ChangeKind.RANGE_CHANGED, breaking)


def test_range_of_dates(tmp_path: Path) -> None:
    change = only(diff(tmp_path, "{type: datetime, max: 2026-01-01}", "{type: datetime, max: 2025-06-30T12:00:00}"))
    assert (change.kind, change.old, change.new, change.breaking) == (
        ChangeKind.RANGE_CHANGED,
        "2026-01-01T00:00:00",
        "2025-06-30T12:00:00",
        True,
    )


def test_range_message_names_both_values(tmp_path: Path) -> None:
    change = only(diff(tmp_path, "{type: float, max: 100}", "{type: float, max: 80}"))
    assert (change.old, change.new, change.message) == ("100", "80", "x: max 100 → 80")


@pytest.mark.parametrize(
    ("old", "new", "breaking", "message"),
    [
        ("[a, b, c]", "[a, b]", True, "removed c"),
        ("[a, b]", "[a, b, c]", False, "added c"),
        ("[a, b]", "[a, c]", True, "added c; removed b"),
        ("[a, b]", "[b, a]", False, "reordered b, a"),
    ],
)
def test_domain(tmp_path: Path, old: str, new: str, breaking: bool, message: str) -> None:
    change = only(diff(tmp_path, f"{{type: category, values: {old}}}", f"{{type: category, values: {new}}}"))
    assert (change.kind, change.breaking) == (ChangeKind.DOMAIN_CHANGED, breaking)
    assert change.message.endswith(message)


@pytest.mark.parametrize(("old", "new", "breaking"), [("", ", values: [a]", True), (", values: [a]", "", False)])
def test_a_domain_declared_or_dropped(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    change = only(diff(tmp_path, f"{{type: category{old}}}", f"{{type: category{new}}}"))
    assert (change.kind, change.breaking) == (ChangeKind.DOMAIN_CHANGED, breaking)


@pytest.mark.parametrize(
    ("old", "new"),
    [("true", "false"), ("false", "true"), ("{metric: psi}", "{metric: ks_statistic}")],
)
def test_drift_switched_or_its_metric_changed(tmp_path: Path, old: str, new: str) -> None:
    change = only(diff(tmp_path, f"{{type: float, drift: {old}}}", f"{{type: float, drift: {new}}}"))
    assert (change.kind, change.breaking) == (ChangeKind.DRIFT_CHANGED, False)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("drift: {fail: 0.25}", "drift: {fail: 0.5}"),
        ("max_unseen_rate: {fail: 0.05}", "max_unseen_rate: {fail: 0.1}"),
        ("max_null_rate_increase: {warn: 0.02}", "max_null_rate_increase: {warn: 0.01}"),
        ("min_rows: 100", "min_rows: 1000"),
    ],
)
def test_thresholds(tmp_path: Path, old: str, new: str) -> None:
    change = only(diff(tmp_path, f"{{type: category, {old}}}", f"{{type: category, {new}}}"))
    assert (change.kind, change.breaking) == (ChangeKind.THRESHOLD_CHANGED, False)


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [
        ("serving_path: features.x", "serving_path: features.x_v2", True),
        ("", "serving_path: features.x", True),
        ("training_path: a.x", "training_path: b.x", False),
        ("environments: [training], serving_path: a.x", "environments: [training], serving_path: b.x", False),
    ],
)
def test_paths(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    change = only(diff(tmp_path, f"{{type: int, {old}}}".replace(", }", "}"), f"{{type: int, {new}}}"))
    assert (change.kind, change.breaking) == (ChangeKind.PATH_CHANGED, breaking)


def test_role(tmp_path: Path) -> None:
    change = only(diff(tmp_path, "{type: string, role: key}", "{type: string}"))
    assert (change.kind, change.old, change.new, change.breaking) == (ChangeKind.ROLE_CHANGED, "key", "feature", False)


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [("[training]", "[training, serving]", True), ("[training, serving]", "[training]", False)],
)
def test_environments(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    change = only(diff(tmp_path, f"{{type: int, environments: {old}}}", f"{{type: int, environments: {new}}}"))
    assert (change.kind, change.breaking) == (ChangeKind.ENVIRONMENTS_CHANGED, breaking)


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [
        ("", "pattern: '^[a-z]+$'", True),
        ("pattern: '^[a-z]+$'", "pattern: '^[a-z]*$'", True),  # any new regex may refuse old values
        ("pattern: '^[a-z]+$'", "", False),
        ("min_length: 1", "min_length: 2", True),
        ("max_length: 10", "max_length: 20", False),
        ("max_length: 20", "max_length: 10", True),
        ("unique: false", "unique: true", True),
        ("unique: true", "unique: false", False),
        ("max_null_rate: 0.1", "max_null_rate: 0.05", True),
        ("max_null_rate: 0.05", "max_null_rate: 0.1", False),
    ],
)
def test_text_constraints(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    decl = "{{type: string, {}}}"
    change = only(diff(tmp_path, decl.format(old).replace(", }", "}"), decl.format(new).replace(", }", "}")))
    assert (change.kind, change.breaking) == (ChangeKind.CONSTRAINT_CHANGED, breaking)


@pytest.mark.parametrize(("old", "new", "breaking"), [("true", "false", True), ("false", "true", False)])
def test_nan_and_inf(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    changes = diff(
        tmp_path,
        f"{{type: float, allow_nan: {old}, allow_inf: {old}}}",
        f"{{type: float, allow_nan: {new}, allow_inf: {new}}}",
    )
    assert [(c.kind, c.breaking) for c in changes] == [(ChangeKind.CONSTRAINT_CHANGED, breaking)] * 2


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [
        ("{value: 120, severity: warn}", "120", True),
        ("120", "{value: 120, severity: warn}", False),
        ("{value: 120, mostly: 0.99}", "{value: 120, mostly: 0.999}", True),
        ("{value: 120, mostly: 0.999}", "{value: 120, mostly: 0.99}", False),
    ],
)
def test_severity_and_mostly(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    change = only(diff(tmp_path, f"{{type: int, max: {old}}}", f"{{type: int, max: {new}}}"))
    assert (change.kind, change.breaking) == (ChangeKind.CONSTRAINT_CHANGED, breaking)
    assert change.message.startswith("x: max rule ")


SAMPLES: dict[str, tuple[str, str | None, str]] = {
    "nullable": ("float", "true", "false"),
    "min": ("float", "0", "1"),
    "max": ("float", "1", "0"),
    "values": ("category", "[a, b]", "[a]"),
    "pattern": ("string", None, "'b'"),  # any other pattern may refuse what passed: only dropping one loosens
    "min_length": ("string", "1", "2"),
    "max_length": ("string", "2", "1"),
    "unique": ("string", "false", "true"),
    "max_null_rate": ("float", "0.5", "0.1"),
    "allow_nan": ("float", "true", "false"),
    "allow_inf": ("float", "true", "false"),
}


def test_a_sample_for_every_constraint() -> None:
    assert set(SAMPLES) == set(CONSTRAINT_KEYS)


@pytest.mark.parametrize("key", CONSTRAINT_KEYS)
def test_every_constraint_tightened_is_breaking_and_loosened_is_not(tmp_path: Path, key: str) -> None:
    type_, loose, tight = SAMPLES[key]
    loose_decl = f"{{type: {type_}, {key}: {loose}}}" if loose is not None else f"{{type: {type_}}}"
    tight_decl = f"{{type: {type_}, {key}: {tight}}}"
    tightened = only(diff(tmp_path, loose_decl, tight_decl))
    loosened = only(diff(tmp_path, tight_decl, loose_decl))
    assert (tightened.breaking, loosened.breaking) == (True, False)


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [
        ("serving: {min_rows: 10}", "serving: {min_rows: 100}", True),
        ("serving: {max_rows: 100}", "serving: {max_rows: 1000}", False),
        ("training: {min_rows: 10}", "training: {min_rows: 100}", False),
        ("serving: {min_rows: {value: 10, severity: warn}}", "serving: {min_rows: 10}", True),
    ],
)
def test_row_counts(tmp_path: Path, old: str, new: str, breaking: bool) -> None:
    features = {"x": "{type: int}"}
    old_schema = load(tmp_path, features, f"datasets:\n  {old}\n")
    change = only(diff_schemas(old_schema, load(tmp_path, features, f"datasets:\n  {new}\n")))
    assert (change.feature, change.kind, change.breaking) == ("", ChangeKind.ROW_COUNT_CHANGED, breaking)


def test_a_defaults_change_is_reported_once_not_per_feature(tmp_path: Path) -> None:
    features = {"a": "{type: float}", "b": "{type: int}", "own": "{type: float, drift: {fail: 0.9}}"}
    old = load(tmp_path, features)
    new = load(tmp_path, features, "defaults:\n  numeric: {metric: psi, warn: 0.1, fail: 0.3}\n  min_rows: 50\n")
    changes = diff_schemas(old, new)
    assert [(c.feature, c.kind, c.breaking) for c in changes] == [("", ChangeKind.DEFAULTS_CHANGED, False)] * 2
    assert changes[0].message == "defaults.numeric psi warn 0.1 / fail 0.25 → psi warn 0.1 / fail 0.3"


def test_render_marks_breaking_changes_and_sums_up(tmp_path: Path) -> None:
    old = load(tmp_path, {"a": "{type: int, max: 10}", "gone": "{type: int}"})
    new = load(tmp_path, {"a": "{type: int, max: 20, drift: false}"})
    text = render_changes(diff_schemas(old, new))
    lines = text.splitlines()
    assert lines[-1] == "3 changes, 1 breaking"
    assert [line.startswith("BREAKING") for line in lines[:-1]] == [False, False, True]
    assert "gone: removed (int)" in lines[2]
    assert render_changes(diff_schemas(old, new)[-1:]).endswith("1 change, 1 breaking")


def test_a_change_is_frozen(tmp_path: Path) -> None:
    change = only(diff(tmp_path, "{type: int}", "{type: float}"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.breaking = True  # type: ignore[misc]


def test_new_settings_read_as_the_schema_writes_them(tmp_path: Path) -> None:
    old = write_schema(tmp_path / "old.yaml", "features:\n  x: {type: float, max: 401762.99}\n")
    new = write_schema(
        tmp_path / "new.yaml",
        "defaults:\n  trend: {rising: 5, rolling: 7}\nfeatures:\n"
        "  x: {type: float, max: 2000000, tolerance: {abs: 0.01}}\n",
    )
    text = render_changes(diff_schemas(load_schema(old), load_schema(new)))
    assert "401762.99 → 2000000" in text and "{rising 5, rolling 7}" in text
    assert "TrendSettings" not in text and "Tolerance(" not in text


def test_a_schema_diff_owns_its_exit_code(tmp_path: Path) -> None:
    """1 when a change can break serving, else 0: the verdict `skewcheck diff-schema` exits with."""
    old = load(tmp_path, {"x": "{type: float}"})
    assert schema_diff(old, old).exit_code is ExitCode.PASS
    assert schema_diff(old, load(tmp_path, {"y": "{type: float}"})).exit_code is ExitCode.DRIFT_FAILED
