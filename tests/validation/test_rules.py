"""The schema's rules on data: each feature check's findings, and the dataset's own (missing, unexpected columns)."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl

from skewcheck.io.coerce import coerce
from skewcheck.io.read import read_table
from skewcheck.io.sources import resolve_source
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Dataset, Severity
from skewcheck.validation.findings import Check
from skewcheck.validation.rules import CHECK_ORDER, FEATURE_RULES, Evidence, FeatureCheck
from tests.helpers import write_schema
from tests.validation.helpers import checks_of, only, run_validation


class TestFindings:
    def test_every_problem_is_collected_with_counts_rates_and_examples(self, tmp_path: Path) -> None:
        rows: list[dict[str, object]] = [
            {"age": 30, "score": 1.0, "country": "US", "ts": "2026-01-01T00:00:00Z"},
            {"age": -1, "score": "abc", "country": "FR", "ts": "2026-01-01T00:00:00Z"},
            {"age": 150, "score": 2.0, "country": "FR", "ts": "2026-01-01T00:00:00Z"},
            {"age": None, "score": 3.0, "country": "GB", "ts": "not a time"},
        ]
        validation = run_validation(tmp_path, "serving.jsonl", rows, Dataset.SERVING)
        assert checks_of(validation) == {
            ("age", "min"),
            ("age", "max"),
            ("age", "null"),
            ("score", "type"),
            ("country", "domain"),
            ("ts", "type"),
        }
        domain = only(validation, Check.DOMAIN, "country")
        assert (domain.count, domain.rate, domain.severity) == (3, 0.75, Severity.FAIL)
        assert domain.examples == ("FR", "GB")
        assert domain.dataset is Dataset.SERVING
        minimum = only(validation, Check.MIN, "age")
        assert (minimum.count, minimum.examples) == (1, ("-1",))
        assert only(validation, Check.MAX, "age").examples == ("150",)
        null = only(validation, Check.NULL, "age")
        assert (null.count, null.rate) == (1, 0.25)
        score = only(validation, Check.TYPE, "score")
        assert (score.count, score.severity, score.examples) == (1, Severity.FAIL, ("abc",))
        assert "cannot be read as float" in score.message
        assert only(validation, Check.TYPE, "ts").examples == ("not a time",)

    def test_label_absent_from_serving_is_fine_absent_from_training_is_not(self, tmp_path: Path) -> None:
        rows = [{"age": 1, "score": 1.0, "country": "US", "ts": "2026-01-01T00:00:00"}]
        serving = run_validation(tmp_path, "serving.jsonl", rows, Dataset.SERVING)
        assert ("label", "missing_column") not in checks_of(serving)
        train = run_validation(tmp_path, "train.jsonl", rows, Dataset.TRAIN)
        missing = only(train, Check.MISSING_COLUMN, "label")
        assert (missing.severity, missing.count, missing.rate) == (Severity.FAIL, 1, 1.0)

    def test_unexpected_columns_are_info(self, tmp_path: Path) -> None:
        rows = [{"age": 1, "score": 1.0, "country": "US", "ts": "2026-01-01", "label": 0, "extra": 5}]
        validation = run_validation(tmp_path, "train.jsonl", rows, Dataset.TRAIN)
        extra = only(validation, Check.UNEXPECTED_COLUMN, "extra")
        assert extra.severity is Severity.INFO

    def test_numbers_stored_as_strings_in_a_typed_log_warn(self, tmp_path: Path) -> None:
        """The model saw strings: every value converts, so it is a warning, not a failure."""
        rows = [{"age": 1, "score": "12.5", "country": "US", "ts": "2026-01-01"}] * 2
        validation = run_validation(tmp_path, "serving.jsonl", rows, Dataset.SERVING)
        finding = only(validation, Check.TYPE, "score")
        assert finding.severity is Severity.WARN
        assert finding.count == 2
        assert "stored as string" in finding.message
        assert validation.typed.get_column("score").to_list() == [12.5, 12.5]

    def test_iso_strings_in_json_are_simply_datetimes(self, tmp_path: Path) -> None:
        rows = [{"age": 1, "score": 1.0, "country": "US", "ts": "2026-01-01T10:00:00Z"}]
        validation = run_validation(tmp_path, "serving.jsonl", rows, Dataset.SERVING)
        assert ("ts", "type") not in checks_of(validation)

    def test_csv_text_is_not_a_stored_type(self, tmp_path: Path) -> None:
        """CSV has no types: numbers in it are not 'stored as string'."""
        frame = pl.DataFrame({"age": [1, 2], "score": [0.5, 1.5], "country": ["US", "DE"], "ts": ["2026-01-01"] * 2})
        validation = run_validation(tmp_path, "serving.csv", frame, Dataset.SERVING)
        assert validation.findings == ()
        assert validation.typed.get_column("age").to_list() == [1, 2]

    def test_float_where_int_is_declared(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"age": [34.0, 34.57, 20.0], "score": [1.0] * 3, "country": ["US"] * 3})
        validation = run_validation(tmp_path, "serving.parquet", frame, Dataset.SERVING)
        finding = only(validation, Check.TYPE, "age")
        assert (finding.severity, finding.count, finding.examples) == (Severity.FAIL, 1, ("34.57",))

    def test_whole_floats_where_int_is_declared_warn(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"age": [34.0, 20.0], "score": [1.0] * 2, "country": ["US"] * 2})
        validation = run_validation(tmp_path, "serving.parquet", frame, Dataset.SERVING)
        finding = only(validation, Check.TYPE, "age")
        assert finding.severity is Severity.WARN
        assert "stored as float" in finding.message

    def test_declared_values_that_yaml_would_turn_into_booleans(self, tmp_path: Path) -> None:
        rows = [{"age": 1, "score": 1.0, "country": "NO", "ts": "2026-01-01"}]
        validation = run_validation(tmp_path, "serving.jsonl", rows, Dataset.SERVING)
        assert ("country", "domain") not in checks_of(validation)


def test_a_feature_nested_elsewhere_gets_a_hint(tmp_path: Path) -> None:
    """A flat schema against a nested log points at where the feature is."""
    rows = [{"features": {"age": 1, "score": 1.0, "country": "US"}, "ts": "2026-01-01"}]
    validation = run_validation(tmp_path, "serving.jsonl", rows, Dataset.SERVING)
    missing = only(validation, Check.MISSING_COLUMN, "age")
    assert missing.message == (
        "'age' is not in the serving data; the data has 'features.age' (set serving_path: features.age if that is it)"
    )
    unexpected = {f.feature for f in validation.findings if f.check is Check.UNEXPECTED_COLUMN}
    assert unexpected == {"features.age", "features.score", "features.country"}


def test_a_column_serving_lacks_may_be_the_label(tmp_path: Path) -> None:
    """Missing from serving with nothing of its name anywhere: the hint names the label's declaration too."""
    rows = [{"age": 1, "score": 1.0, "ts": "2026-01-01", "county": "US"}]
    validation = run_validation(tmp_path, "serving.jsonl", rows, Dataset.SERVING)
    label = "declare environments: [training] if it is the label or another training-only column"
    look_alike = "the data has 'county' (set serving_path: county if that is it)"
    assert only(validation, Check.MISSING_COLUMN, "country").message == (
        f"'country' is not in the serving data; {look_alike}, or {label}"
    )
    alone = run_validation(tmp_path, "serving.jsonl", [{"age": 1, "score": 1.0, "ts": "2026-01-01"}], Dataset.SERVING)
    assert only(alone, Check.MISSING_COLUMN, "country").message == f"'country' is not in the serving data; {label}"


def test_a_json_field_mixing_numbers_and_strings_counts_only_the_strings(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [{"age": 1, "score": 1.5, "country": "US", "ts": "2026-01-01"} for _ in range(5)]
    rows[3]["score"] = "41.5"
    validation = run_validation(tmp_path, "serving.jsonl", rows, Dataset.SERVING)
    finding = only(validation, Check.TYPE, "score")
    assert (finding.severity, finding.count, finding.examples) == (Severity.WARN, 1, ("41.5",))
    assert finding.message == "1 value stored as string: each reads as float, but the model saw strings"


class TestCheckOrder:
    def test_each_rule_names_only_the_checks_it_declares(self, tmp_path: Path) -> None:
        """FEATURE_RULES pairs each check with the Checks of its evidence: CHECK_ORDER is read off those pairs."""
        schema = load_schema(write_schema(tmp_path / "schema.yaml", EVERY_RULE))
        frame = pl.DataFrame(
            {"x": [1.5, None, math.nan, math.inf], "y": [1, None, None, 2], "s": ["a", "bb", "a", None]}
        )
        frame.write_parquet(tmp_path / "serving.parquet")
        table = read_table(resolve_source(str(tmp_path / "serving.parquet")), schema, Dataset.SERVING)
        seen = set()
        for feature in schema.features:
            column = table.frame.get_column(feature.name)
            check = FeatureCheck(table, feature, column, coerce(column, feature.type).values)
            for rule, checks in FEATURE_RULES:
                named = {evidence.check for evidence in rule(check)}
                assert named <= set(checks), rule
                seen |= named
        assert seen == set(CHECK_ORDER) - {Check.TYPE}
        assert len(CHECK_ORDER) == len(set(CHECK_ORDER))


EVERY_RULE = """
version: 1
features:
  x: {type: float, nullable: false, min: 0, max: 1}
  y: {type: int, max_null_rate: 0.1}
  s: {type: string, values: [a, bb], pattern: "^a", min_length: 1, max_length: 1, unique: true}
"""


class TestEvidenceMessage:
    def evidence(self, template: str) -> Evidence:
        return Evidence("x", Check.PATTERN, "pattern", template, 0, ())

    def test_count_and_rate_filled_in_and_one_is_singular(self) -> None:
        assert self.evidence("{count} values below min 0").message(1, 4) == "1 value below min 0"
        assert self.evidence("{count} nulls: a null rate of {rate}").message(1, 4) == "1 null: a null rate of 25.00%"
        assert self.evidence("{count} NaN values").message(1_234, 5_000) == "1,234 NaN values"

    def test_braces_of_a_pattern_are_kept(self) -> None:
        template = "{count} values do not match pattern '^[a-z]{2}$'"
        assert self.evidence(template).message(3, 9) == "3 values do not match pattern '^[a-z]{2}$'"
