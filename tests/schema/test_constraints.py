"""Constraints beyond types and ranges: pattern, length, unique, null rate, NaN/inf, row counts, severity, mostly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from skewcheck.errors import SchemaFileError
from skewcheck.io.read import read_table
from skewcheck.io.sources import resolve_source
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Dataset, Rule, Severity
from skewcheck.validation.findings import Check, Finding
from skewcheck.validation.tally import validate
from tests.helpers import write_schema


def findings_for(tmp_path: Path, schema_text: str, frame: pl.DataFrame) -> list[Finding]:
    schema = load_schema(write_schema(tmp_path / "schema.yaml", schema_text))
    path = tmp_path / "serving.parquet"
    frame.write_parquet(path)
    return list(validate(read_table(resolve_source(str(path)), schema, Dataset.SERVING), schema).findings)


def one(findings: list[Finding], check: Check) -> Finding:
    matching = [f for f in findings if f.check is check]
    assert len(matching) == 1, findings
    return matching[0]


class TestChecks:
    def test_pattern(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"code": ["AB", "CD", "abc", None, "E1"]})
        finding = one(
            findings_for(tmp_path, "features:\n  code: {type: string, pattern: '^[A-Z]{2}$'}\n", frame), Check.PATTERN
        )
        assert (finding.count, finding.examples, finding.severity) == (2, ("abc", "E1"), Severity.FAIL)
        assert finding.rate == pytest.approx(2 / 5)

    def test_lengths(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"name": ["a", "abcd", "abcdefgh", "abc"]})
        findings = findings_for(tmp_path, "features:\n  name: {type: string, min_length: 2, max_length: 5}\n", frame)
        lengths = [f for f in findings if f.check is Check.LENGTH]
        assert {(f.count, f.examples) for f in lengths} == {(1, ("a",)), (1, ("abcdefgh",))}
        assert {f.message for f in lengths} == {
            "1 value shorter than min_length 2",
            "1 value longer than max_length 5",
        }

    def test_length_counts_characters_not_bytes(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"name": ["äöü", "日本語"]})
        assert findings_for(tmp_path, "features:\n  name: {type: string, max_length: 3}\n", frame) == []

    def test_unique_counts_the_repeats(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"id": ["a", "b", "a", "a", "c", None, None]})
        finding = one(findings_for(tmp_path, "features:\n  id: {type: string, unique: true}\n", frame), Check.UNIQUE)
        assert (finding.count, finding.examples) == (2, ("a",))

    def test_max_null_rate(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"x": [1.0, None, None, 4.0]})
        finding = one(
            findings_for(tmp_path, "features:\n  x: {type: float, max_null_rate: 0.25}\n", frame), Check.NULL_RATE
        )
        assert (finding.count, finding.rate) == (2, 0.5)
        assert "above max_null_rate 25.00%" in finding.message
        assert findings_for(tmp_path, "features:\n  x: {type: float, max_null_rate: 0.5}\n", frame) == []

    def test_nan_and_inf_are_not_allowed_by_default(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"x": [1.0, float("nan"), float("inf"), float("-inf"), None]})
        findings = findings_for(tmp_path, "features:\n  x: {type: float}\n", frame)
        assert (one(findings, Check.NAN).count, one(findings, Check.INF).count) == (1, 2)
        allowed = "features:\n  x: {type: float, allow_nan: true, allow_inf: true}\n"
        assert findings_for(tmp_path, allowed, frame) == []

    def test_row_counts(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"x": [1.0, 2.0, 3.0]})
        text = "datasets:\n  serving: {min_rows: 5}\n  training: {max_rows: 1}\nfeatures:\n  x: {type: float}\n"
        finding = one(findings_for(tmp_path, text, frame), Check.ROW_COUNT)
        assert (finding.dataset, finding.severity, finding.count) == (Dataset.SERVING, Severity.FAIL, 3)
        assert finding.message == "3 rows; the schema asks for at least 5"
        too_many = "datasets:\n  serving: {max_rows: {value: 2, severity: warn}}\nfeatures:\n  x: {type: float}\n"
        finding = one(findings_for(tmp_path, too_many, frame), Check.ROW_COUNT)
        assert (finding.severity, finding.message) == (Severity.WARN, "3 rows; the schema asks for at most 2")


class TestSeverityAndMostly:
    def test_severity_warn_turns_a_violation_into_a_warning(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"age": [10, 200]})
        text = "features:\n  age: {type: int, max: {value: 120, severity: warn}}\n"
        finding = one(findings_for(tmp_path, text, frame), Check.MAX)
        assert (finding.severity, finding.count) == (Severity.WARN, 1)

    def test_within_mostly_is_info(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"age": [*range(999), None]})
        text = "features:\n  age: {type: int, nullable: {value: false, mostly: 0.999}}\n"
        finding = one(findings_for(tmp_path, text, frame), Check.NULL)
        assert finding.severity is Severity.INFO
        assert finding.message.endswith("(within mostly: 0.999)")

    def test_beyond_mostly_fails(self, tmp_path: Path) -> None:
        frame = pl.DataFrame({"age": [*range(998), None, None]})
        text = "features:\n  age: {type: int, nullable: {value: false, mostly: 0.999}}\n"
        assert one(findings_for(tmp_path, text, frame), Check.NULL).severity is Severity.FAIL

    def test_mostly_is_judged_on_non_null_values_for_value_checks(self, tmp_path: Path) -> None:
        """1 of 10 non-null values is out of range: 10% of what was checked, though only 1% of the 100 rows."""
        frame = pl.DataFrame({"age": [1] * 9 + [500] + [None] * 90})
        text = "features:\n  age: {type: int, max: {value: 120, mostly: 0.95}}\n"
        assert one(findings_for(tmp_path, text, frame), Check.MAX).severity is Severity.FAIL
        text = "features:\n  age: {type: int, max: {value: 120, mostly: 0.9}}\n"
        assert one(findings_for(tmp_path, text, frame), Check.MAX).severity is Severity.INFO

    def test_rules_are_loaded(self, tmp_path: Path) -> None:
        path = write_schema(
            tmp_path / "s.yaml", "features:\n  c: {type: category, values: {value: [a], severity: warn, mostly: 0.9}}\n"
        )
        feature = load_schema(path).feature("c")
        assert feature.values == ("a",)
        assert feature.rule("values") == Rule(Severity.WARN, 0.9)
        assert feature.rule("min") == Rule()


class TestSchemaMistakes:
    """Each mistake named word for word, with file, line and feature."""

    @pytest.mark.parametrize(
        ("declaration", "message"),
        [
            (
                "{type: int, pattern: '^a'}",
                ":2: feature 'x': 'pattern' applies to string and category features, not int",
            ),
            ("{type: string, pattern: '(unclosed'}", ":2: feature 'x': 'pattern' is not a valid regular expression"),
            ("{type: string, min_length: 5, max_length: 2}", ":2: feature 'x': min_length 5 is above max_length 2"),
            ("{type: string, min_length: -1}", ":2: feature 'x': 'min_length' must be a whole number >= 0, got int -1"),
            (
                "{type: float, max_null_rate: 2}",
                ":2: feature 'x': 'max_null_rate' is a share of rows, at most 1, got 2",
            ),
            (
                "{type: float, nullable: false, max_null_rate: 0.1}",
                ":2: feature 'x': 'max_null_rate' needs a nullable feature",
            ),
            ("{type: int, allow_nan: true}", ":2: feature 'x': 'allow_nan' applies to float features, not int"),
            (
                "{type: float, unique: yes please}",
                ":2: feature 'x': 'unique' must be true or false, got str 'yes please'",
            ),
            (
                "{type: int, max: {value: 3, severity: error}}",
                ":2: feature 'x': severity must be fail or warn, got str 'error'",
            ),
            (
                "{type: int, max: {value: 3, mostly: 1.5}}",
                ":2: feature 'x': 'mostly' is the share of values that must comply",
            ),
            ("{type: int, max: {severity: warn}}", ":2: feature 'x': 'max' as a mapping needs 'value'"),
            (
                "{type: int, max: {value: 3, sevrity: warn}}",
                ":2: feature 'x': unknown key 'sevrity' (did you mean 'severity'?)",
            ),
            ("{type: int, max: {value: high}}", ":2: feature 'x': 'max' must be a finite number, got str 'high'"),
        ],
    )
    def test_constraint_mistakes(self, tmp_path: Path, declaration: str, message: str) -> None:
        path = write_schema(tmp_path / "schema.yaml", f"features:\n  x: {declaration}\n")
        with pytest.raises(SchemaFileError) as caught:
            load_schema(path)
        assert str(caught.value).startswith(f"{path}{message}")

    def test_dataset_bounds_mistakes(self, tmp_path: Path) -> None:
        path = write_schema(
            tmp_path / "s.yaml", "datasets:\n  serving: {min_rows: 10, max_rows: 5}\nfeatures:\n  x: {type: int}\n"
        )
        with pytest.raises(SchemaFileError, match=r":2: dataset 'serving': min_rows 10 is above max_rows 5"):
            load_schema(path)
        path = write_schema(tmp_path / "s.yaml", "datasets:\n  serve: {min_rows: 10}\nfeatures:\n  x: {type: int}\n")
        with pytest.raises(SchemaFileError, match=r":2: unknown key 'serve' \(did you mean 'serving'\?\)"):
            load_schema(path)
