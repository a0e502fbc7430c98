"""Schema loading: the declared features as dataclasses, and errors that name file, line and feature."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from skewcheck.errors import SchemaFileError
from skewcheck.schema.load import as_schema, load_schema
from skewcheck.schema.model import Dataset, DriftGate, FeatureType, Role
from skewcheck.schema.registry import METRIC_THRESHOLDS, Kind, Thresholds
from tests.helpers import FIXTURES, write_schema


def schema_error(tmp_path: Path, text: str) -> str:
    path = write_schema(tmp_path / "schema.yaml", text)
    with pytest.raises(SchemaFileError) as caught:
        load_schema(path)
    return str(caught.value)


class TestLoading:
    def test_the_issue_example_loads_with_every_field(self, tmp_path: Path) -> None:
        """The example schema of the issue loads, with every declared field where it belongs."""
        path = write_schema(
            tmp_path / "schema.yaml",
            """
            version: 1
            defaults:
              numeric:     {metric: psi, warn: 0.1, fail: 0.25}
              categorical: {metric: jensen_shannon, warn: 0.1, fail: 0.2}
              max_null_rate_increase: {warn: 0.02, fail: 0.05}
              max_unseen_rate: {warn: 0.01, fail: 0.05}
            features:
              age:
                type: int
                nullable: false
                min: 0
                max: 120
                drift: {metric: psi, warn: 0.1, fail: 0.2}
                serving_path: features.age
              country:
                type: category
                values: [US, CA, GB, DE, FR]
              request_id:
                type: string
                role: key
              label:
                type: int
                environments: [training]
              score:
                type: float
                drift: false
            """,
        )
        schema = load_schema(path)
        age = schema.feature("age")
        assert age.type is FeatureType.INT
        assert age.nullable is False
        assert (age.min, age.max) == (0.0, 120.0)
        assert age.drift == DriftGate("psi", Thresholds(0.1, 0.2))
        assert age.path_in(Dataset.SERVING) == ("features", "age")
        assert age.path_in(Dataset.TRAIN) == ("age",)
        assert schema.feature("country").values == ("US", "CA", "GB", "DE", "FR")
        assert schema.feature("country").drift == DriftGate("jensen_shannon", Thresholds(0.1, 0.2))
        assert schema.feature("request_id").role is Role.KEY
        assert schema.feature("request_id").skip_reason is not None
        label = schema.feature("label")
        assert label.expected_in(Dataset.TRAIN) and not label.expected_in(Dataset.SERVING)
        assert label.skip_reason == "expected only in training"
        assert schema.feature("score").drift is None
        assert len(schema.sha256) == 64

    def test_defaults_apply_when_the_file_gives_none(self, tmp_path: Path) -> None:
        path = write_schema(tmp_path / "s.yaml", "features:\n  x: {type: float}\n  c: {type: bool}\n")
        schema = load_schema(path)
        assert schema.feature("x").drift == DriftGate("psi", Thresholds(0.1, 0.25))
        assert schema.feature("c").drift == DriftGate("jensen_shannon", Thresholds(0.1, 0.2))
        assert schema.feature("x").max_null_rate_increase == Thresholds(0.02, 0.05)
        assert schema.feature("c").max_unseen_rate == Thresholds(0.01, 0.05)
        assert schema.feature("x").max_out_of_range_rate == Thresholds(0.01, 0.05)
        assert schema.feature("x").min_rows == 100
        assert schema.feature("x").nullable is True

    def test_a_metric_named_without_thresholds_brings_its_own(self, tmp_path: Path) -> None:
        """psi's 0.25 means nothing for KS: naming another metric switches to that metric's defaults."""
        path = write_schema(
            tmp_path / "s.yaml",
            """
            features:
              a: {type: float, drift: {metric: ks_statistic}}
              b: {type: float, drift: {metric: wasserstein, fail: 0.5}}
              c: {type: float, drift: {warn: 0.05}}
            """,
        )
        schema = load_schema(path)
        assert schema.feature("a").drift == DriftGate("ks_statistic", METRIC_THRESHOLDS["ks_statistic"])
        assert schema.feature("b").drift == DriftGate(
            "wasserstein", Thresholds(METRIC_THRESHOLDS["wasserstein"].warn, 0.5)
        )
        assert schema.feature("c").drift == DriftGate("psi", Thresholds(0.05, 0.25))

    def test_defaults_section_changes_every_feature_of_its_kind(self, tmp_path: Path) -> None:
        path = write_schema(
            tmp_path / "s.yaml",
            """
            defaults:
              numeric: {metric: jensen_shannon, warn: 0.05, fail: 0.1}
              min_rows: 7
              max_null_rate_increase: {fail: 0.5}
            features:
              a: {type: int}
              b: {type: category}
            """,
        )
        schema = load_schema(path)
        assert schema.feature("a").drift == DriftGate("jensen_shannon", Thresholds(0.05, 0.1))
        assert schema.feature("b").drift == DriftGate("jensen_shannon", Thresholds(0.1, 0.2))
        assert schema.feature("a").min_rows == 7
        assert schema.feature("b").max_null_rate_increase == Thresholds(0.02, 0.5)

    def test_category_values_stay_strings(self, tmp_path: Path) -> None:
        """YAML 1.1 reads NO (Norway) as false and 01 as 1; a category's values keep their text."""
        path = write_schema(tmp_path / "s.yaml", "features:\n  country: {type: category, values: [NO, SE, 01, 'on']}\n")
        assert load_schema(path).feature("country").values == ("NO", "SE", "01", "on")

    def test_json_schema_files_load(self, tmp_path: Path) -> None:
        document = {"version": 1, "features": {"x": {"type": "float", "min": 0}, "d": {"type": "date"}}}
        path = tmp_path / "schema.json"
        path.write_text(json.dumps(document, indent=2))
        schema = load_schema(path)
        assert schema.feature("x").min == 0.0
        assert schema.feature("d").type is FeatureType.DATE

    def test_datetime_bounds(self, tmp_path: Path) -> None:
        path = write_schema(
            tmp_path / "s.yaml", "features:\n  t: {type: datetime, min: 2020-01-01, max: '2030-01-01T00:00:00'}\n"
        )
        feature = load_schema(path).feature("t")
        assert feature.min == dt.datetime(2020, 1, 1)
        assert feature.max == dt.datetime(2030, 1, 1)

    def test_kinds_of_types(self) -> None:
        assert {t for t in FeatureType if t.kind is Kind.CATEGORICAL} == {
            FeatureType.BOOL,
            FeatureType.STRING,
            FeatureType.CATEGORY,
        }

    def test_the_shipped_fixture_schema_loads(self) -> None:
        schema = load_schema(FIXTURES / "schema.yaml")
        assert len(schema.features) >= 12

    def test_a_schema_or_its_path(self) -> None:
        schema = load_schema(FIXTURES / "schema.yaml")
        assert as_schema(schema) is schema
        assert as_schema(FIXTURES / "schema.yaml") == as_schema(str(FIXTURES / "schema.yaml")) == schema


class TestErrors:
    """Each mistake gets a message naming the file, the line and the feature."""

    def test_unknown_type_names_file_line_and_feature(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "version: 1\nfeatures:\n  age:\n    type: integer\n")
        assert message == (
            f"{tmp_path / 'schema.yaml'}:4: feature 'age': unknown type 'integer' "
            "(expected one of int, float, bool, string, category, datetime, date; did you mean 'int'?)"
        )

    def test_unknown_key_suggests_the_close_one(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  age:\n    type: int\n    nulable: false\n")
        assert ":4: feature 'age': unknown key 'nulable' (did you mean 'nullable'?)" in message

    def test_unknown_top_level_key(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "version: 1\nfeature:\n  a: {type: int}\n")
        assert ":2: unknown key 'feature' (did you mean 'features'?)" in message

    def test_warn_above_fail(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    type: float\n    drift: {warn: 0.3, fail: 0.2}\n")
        assert ":4: feature 'a': warn threshold 0.3 is above fail threshold 0.2" in message

    def test_warn_above_an_inherited_fail(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    type: float\n    drift: {warn: 0.3}\n")
        assert "warn threshold 0.3 is above fail threshold 0.25" in message

    def test_negative_threshold(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "defaults:\n  max_unseen_rate: {warn: -0.1}\nfeatures:\n  a: {type: int}\n")
        assert ":2: 'warn' must be at least 0, got -0.1" in message

    def test_threshold_that_is_not_a_number(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    type: float\n    drift: {fail: high}\n")
        assert "feature 'a': 'fail' must be a finite number, got str 'high'" in message

    def test_unknown_metric(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    type: float\n    drift: {metric: psl}\n")
        assert "unknown drift metric 'psl' (did you mean 'psi'?)" in message

    def test_metric_that_does_not_apply_to_the_type(self, tmp_path: Path) -> None:
        """L-infinity on numeric bins is refused instead of silently reporting 0 (the TFDV trap)."""
        message = schema_error(tmp_path, "features:\n  a:\n    type: float\n    drift: {metric: linf}\n")
        assert "metric 'linf' does not apply to numeric features" in message
        message = schema_error(tmp_path, "features:\n  c:\n    type: category\n    drift: {metric: ks_statistic}\n")
        assert "metric 'ks_statistic' does not apply to categorical features" in message

    def test_missing_type(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    nullable: true\n")
        assert ":2: feature 'a': 'type' is required" in message

    def test_min_above_max(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    type: int\n    min: 10\n    max: 1\n")
        assert "feature 'a': min 10 is above max 1" in message

    def test_range_on_a_category(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    type: category\n    min: 1\n")
        assert "'min' applies to int, float, datetime and date features, not category" in message

    def test_duplicate_values(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    type: category\n    values: [x, y, x]\n")
        assert "'values' lists x more than once" in message

    def test_duplicate_feature(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a: {type: int}\n  a: {type: float}\n")
        assert ":3: duplicate key 'a'" in message

    def test_unknown_environment(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    type: int\n    environments: [train]\n")
        assert "unknown environment 'train' (one of: training, serving)" in message

    def test_bad_serving_path(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a:\n    type: int\n    serving_path: features..a\n")
        assert "'serving_path' must be a dotted path" in message

    def test_not_yaml(self, tmp_path: Path) -> None:
        message = schema_error(tmp_path, "features:\n  a: {type: int\n  b: [\n")
        assert message.startswith(f"{tmp_path / 'schema.yaml'}:")
        assert "not valid YAML or JSON" in message

    def test_empty_file(self, tmp_path: Path) -> None:
        assert "schema file is empty" in schema_error(tmp_path, "")

    def test_no_features(self, tmp_path: Path) -> None:
        assert "'features' must be a mapping" in schema_error(tmp_path, "version: 1\n")

    def test_unsupported_version(self, tmp_path: Path) -> None:
        assert "unsupported schema version 2" in schema_error(tmp_path, "version: 2\nfeatures:\n  a: {type: int}\n")

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(SchemaFileError, match="schema file not found"):
            load_schema(tmp_path / "nope.yaml")
