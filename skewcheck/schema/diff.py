"""What changed between two versions of a schema, and which changes break serving.

The schema is the contract between whoever sends serving data and the model. A change is
**breaking** when serving data that passed the old schema may fail the new one, or when
whoever sends or reads serving data must change:

- a feature removed (whatever read it against this schema loses it; we cannot tell who);
- a feature added, or `environments` gaining `serving`: serving must now send it;
- the `serving_path` of a feature expected in serving moved;
- a constraint tightened on a feature expected in serving: a type no longer reading every value the old one read
  without a finding (only int -> float, date -> datetime and string <-> category do), nullable true -> false,
  `min` raised or `max` lowered (or added), `values` losing a value (or a domain declared where there was none),
  a pattern added or changed, a length bound tightened, `unique` or `max_null_rate` added or tightened, NaN or
  infinity no longer allowed, a rule going from warn to fail or its `mostly` raised; whatever the severity, since
  `--fail-on warn` turns warnings into failures;
- the serving dataset's row-count bounds tightened.

Everything else is not breaking: widening (values added, bounds widened or removed, nullable false -> true),
drift gates and thresholds (they change the audit's verdict on drift, not what serving must send), roles,
`training_path`, training-only features and training row counts. A per-feature gate that merely follows a changed
`defaults` entry is reported once, as the defaults change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from skewcheck.errors import ExitCode
from skewcheck.schema.diff_text import as_text, domain_delta
from skewcheck.schema.load import as_schema
from skewcheck.schema.model import (
    ENVIRONMENTS,
    STRICT,
    Dataset,
    Defaults,
    Feature,
    FeatureType,
    RowCount,
    Rule,
    Schema,
    Severity,
)


class ChangeKind(StrEnum):
    FEATURE_ADDED = "feature_added"
    FEATURE_REMOVED = "feature_removed"
    TYPE_CHANGED = "type_changed"
    NULLABLE_CHANGED = "nullable_changed"
    RANGE_CHANGED = "range_changed"
    DOMAIN_CHANGED = "domain_changed"
    DRIFT_CHANGED = "drift_changed"
    THRESHOLD_CHANGED = "threshold_changed"
    PATH_CHANGED = "path_changed"
    ROLE_CHANGED = "role_changed"
    ENVIRONMENTS_CHANGED = "environments_changed"
    CONSTRAINT_CHANGED = "constraint_changed"
    ROW_COUNT_CHANGED = "row_count_changed"
    DEFAULTS_CHANGED = "defaults_changed"


@dataclass(frozen=True)
class Change:
    feature: str
    """The feature's name; "" for a schema-wide change (defaults, dataset row counts)."""
    kind: ChangeKind
    old: str
    new: str
    """The old and new values as text ("" where there is none, e.g. the old side of an added feature)."""
    breaking: bool
    message: str


# Old type -> new types that read every value the old one read, with no new finding (see coerce: an int column
# is natural for a float feature, a date column for a datetime one; string and category read alike).
_WIDENINGS = {
    FeatureType.INT: {FeatureType.FLOAT},
    FeatureType.DATE: {FeatureType.DATETIME},
    FeatureType.STRING: {FeatureType.CATEGORY},
    FeatureType.CATEGORY: {FeatureType.STRING},
}
_NAMES = {dataset: name for name, dataset in ENVIRONMENTS.items()}


def _raised(old: Any, new: Any) -> bool:
    """A lower bound tightened: added, or moved up. Bounds of different kinds cannot be compared: assume so."""
    if new is None:
        return False
    return old is None or _ordered(old, new) is not False


def _lowered(old: Any, new: Any) -> bool:
    """An upper bound tightened: added, or moved down."""
    if new is None:
        return False
    return old is None or _ordered(new, old) is not False


def _ordered(low: Any, high: Any) -> bool | None:
    """low < high, with dates read as midnight; None when they cannot be compared (a number and a date)."""
    low, high = (dt.datetime.combine(v, dt.time()) if type(v) is dt.date else v for v in (low, high))
    try:
        return bool(low < high)
    except TypeError:
        return None


def _shrunk(old: Any, new: Any) -> bool:
    # Compared as text: category values are text, and an int feature's 1 is a category's "1".
    return new is not None and (old is None or bool({str(v) for v in old} - {str(v) for v in new}))


def _revoked(old: Any, new: Any) -> bool:
    """A permission (nullable, allow_nan, allow_inf) taken away."""
    return bool(old) and not new


# Every constraint key: which kind of change it is, and when a change tightens it.
_CONSTRAINTS: dict[str, tuple[ChangeKind, Callable[[Any, Any], bool]]] = {
    "nullable": (ChangeKind.NULLABLE_CHANGED, _revoked),
    "min": (ChangeKind.RANGE_CHANGED, _raised),
    "max": (ChangeKind.RANGE_CHANGED, _lowered),
    "values": (ChangeKind.DOMAIN_CHANGED, _shrunk),
    "pattern": (ChangeKind.CONSTRAINT_CHANGED, lambda old, new: new is not None),
    "min_length": (ChangeKind.CONSTRAINT_CHANGED, _raised),
    "max_length": (ChangeKind.CONSTRAINT_CHANGED, _lowered),
    "unique": (ChangeKind.CONSTRAINT_CHANGED, lambda old, new: new and not old),
    "max_null_rate": (ChangeKind.CONSTRAINT_CHANGED, _lowered),
    "allow_nan": (ChangeKind.CONSTRAINT_CHANGED, _revoked),
    "allow_inf": (ChangeKind.CONSTRAINT_CHANGED, _revoked),
}


def diff_schemas(old: Schema, new: Schema) -> list[Change]:
    """Every difference between two schemas: schema-wide ones first, then features in the old file's order."""
    changes = [*_defaults(old.defaults, new.defaults), *_row_counts(old, new)]
    new_names = {f.name for f in new.features}
    for feature in old.features:
        if feature.name not in new_names:
            serves = feature.expected_in(Dataset.SERVING)
            changes.append(_change(feature.name, ChangeKind.FEATURE_REMOVED, "removed", feature.type, "", serves))
        else:
            changes += _feature(feature, new.feature(feature.name), old.defaults, new.defaults)
    old_names = {f.name for f in old.features}
    for feature in new.features:
        if feature.name not in old_names:
            serves = feature.expected_in(Dataset.SERVING)
            verb = "added, required in serving" if serves else "added, training only"
            changes.append(_change(feature.name, ChangeKind.FEATURE_ADDED, verb, None, feature.type, serves))
    return changes


@dataclass(frozen=True)
class SchemaDiff:
    """Every change from one schema version to the next, and the verdict: exit 1 when one can break serving."""

    changes: tuple[Change, ...]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.DRIFT_FAILED if any(change.breaking for change in self.changes) else ExitCode.PASS


def schema_diff(old: str | Path | Schema, new: str | Path | Schema) -> SchemaDiff:
    """What changed from OLD to NEW (schemas, or their files)."""
    return SchemaDiff(tuple(diff_schemas(as_schema(old), as_schema(new))))


def render_changes(changes: Sequence[Change]) -> str:
    """One line per change, breaking ones marked, then a summary line."""
    lines = [f"{'BREAKING' if c.breaking else '        '}  {c.kind:<20}  {c.message}" for c in changes]
    breaking = sum(c.breaking for c in changes)
    noun = "change" if len(changes) == 1 else "changes"
    lines.append(f"{len(changes)} {noun}, {breaking} breaking" if changes else "no changes")
    return "\n".join(lines)


def _feature(old: Feature, new: Feature, old_defaults: Defaults, new_defaults: Defaults) -> Iterator[Change]:
    name, serves = new.name, new.expected_in(Dataset.SERVING)
    if old.type != new.type:
        narrowed = new.type not in _WIDENINGS.get(old.type, set())
        yield _change(name, ChangeKind.TYPE_CHANGED, "type", old.type, new.type, serves and narrowed)
    if old.environments != new.environments:
        gained = serves and not old.expected_in(Dataset.SERVING)
        yield _change(name, ChangeKind.ENVIRONMENTS_CHANGED, "environments", old.environments, new.environments, gained)
    for dataset, key in ((Dataset.SERVING, "serving_path"), (Dataset.TRAIN, "training_path")):
        # Compared where the feature is read from: no path and a path equal to the name are the same place.
        before, after = ".".join(old.path_in(dataset)), ".".join(new.path_in(dataset))
        if before != after:
            moved = serves and dataset is Dataset.SERVING
            yield _change(name, ChangeKind.PATH_CHANGED, key, before, after, moved)
    if old.role != new.role:
        yield _change(name, ChangeKind.ROLE_CHANGED, "role", old.role, new.role, False)
    yield from _constraints(old, new, serves)
    yield from _gates(old, new, old_defaults, new_defaults)


def _constraints(old: Feature, new: Feature, serves: bool) -> Iterator[Change]:
    for key, (kind, tightens) in _CONSTRAINTS.items():
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            yield _change(new.name, kind, key, before, after, serves and tightens(before, after))
        rule_before, rule_after = old.rule(key), new.rule(key)
        if rule_before != rule_after:
            stricter = serves and _stricter(rule_before, rule_after)
            yield _change(new.name, ChangeKind.CONSTRAINT_CHANGED, f"{key} rule", rule_before, rule_after, stricter)


def _stricter(old: Rule, new: Rule) -> bool:
    return (old.severity is Severity.WARN and new.severity is Severity.FAIL) or new.mostly > old.mostly


def _gates(old: Feature, new: Feature, old_defaults: Defaults, new_defaults: Defaults) -> Iterator[Change]:
    """Drift gates and thresholds; never breaking. One that follows its `defaults` entry on both sides is skipped."""
    old_drift, new_drift = old.drift, new.drift
    if old_drift != new_drift and not _inherited(
        old_drift, new_drift, old_defaults.gate_for(old.kind), new_defaults.gate_for(new.kind)
    ):
        same_metric = old_drift is not None and new_drift is not None and old_drift.metric == new_drift.metric
        kind = ChangeKind.THRESHOLD_CHANGED if same_metric else ChangeKind.DRIFT_CHANGED
        # `drift: false` in the file is no gate here.
        yield _change(new.name, kind, "drift", old_drift or "false", new_drift or "false", False)
    for key in ("max_null_rate_increase", "max_unseen_rate", "max_out_of_range_rate", "min_rows"):
        before, after = getattr(old, key), getattr(new, key)
        if before != after and not _inherited(before, after, getattr(old_defaults, key), getattr(new_defaults, key)):
            # A gate turned off (`false` in the file) is None here.
            yield _change(new.name, ChangeKind.THRESHOLD_CHANGED, key, _or_false(before), _or_false(after), False)


def _or_false(value: object) -> object:
    return "false" if value is None else value


def _inherited(old: object, new: object, old_default: object, new_default: object) -> bool:
    return old == old_default and new == new_default


def _defaults(old: Defaults, new: Defaults) -> Iterator[Change]:
    for field in fields(Defaults):
        before, after = getattr(old, field.name), getattr(new, field.name)
        if before != after:
            what = f"defaults.{field.name}"
            yield _change("", ChangeKind.DEFAULTS_CHANGED, what, _or_false(before), _or_false(after), False)


def _row_counts(old: Schema, new: Schema) -> Iterator[Change]:
    for dataset in Dataset:
        before, after = old.row_counts.get(dataset, RowCount()), new.row_counts.get(dataset, RowCount())
        serving = dataset is Dataset.SERVING
        for key, tightens in (("min_rows", _raised), ("max_rows", _lowered)):
            what, low, high = f"datasets.{_NAMES[dataset]}.{key}", getattr(before, key), getattr(after, key)
            if low != high:
                yield _change("", ChangeKind.ROW_COUNT_CHANGED, what, low, high, serving and tightens(low, high))
            rule_before, rule_after = before.rules.get(key, STRICT), after.rules.get(key, STRICT)
            if rule_before != rule_after:
                stricter = serving and _stricter(rule_before, rule_after)
                yield _change("", ChangeKind.ROW_COUNT_CHANGED, f"{what} rule", rule_before, rule_after, stricter)


def _change(feature: str, kind: ChangeKind, what: str, old: Any, new: Any, breaking: bool) -> Change:
    old_text, new_text = as_text(old), as_text(new)
    subject = f"{feature}: {what}" if feature else what
    if kind is ChangeKind.FEATURE_ADDED or kind is ChangeKind.FEATURE_REMOVED:
        message = f"{subject} ({new_text or old_text})"
    elif kind is ChangeKind.DOMAIN_CHANGED and old is not None and new is not None:
        message = f"{subject}: {domain_delta(old, new)}"
    else:
        message = f"{subject} {old_text or 'none'} → {new_text or 'none'}"
    return Change(feature, kind, old_text, new_text, breaking, message)
