"""Finding's JSON round trip: the report's schema_findings and a saved profile's findings are these records."""

from __future__ import annotations

import json

from skewcheck.schema.model import Dataset, Severity
from skewcheck.validation.findings import Check, Finding


def test_a_finding_survives_its_json_record() -> None:
    finding = Finding(Dataset.SERVING, "age", Check.MIN, Severity.WARN, 2, 0.5, ("-1", "-7"), "2 values below min 0")
    record = json.loads(json.dumps(finding.to_record()))
    assert record == {
        "dataset": "serving",
        "feature": "age",
        "check": "min",
        "severity": "warn",
        "count": 2,
        "rate": 0.5,
        "examples": ["-1", "-7"],
        "message": "2 values below min 0",
    }
    assert Finding.from_record(record) == finding


def test_a_dataset_finding_without_count_or_rate_round_trips() -> None:
    finding = Finding(Dataset.TRAIN, "extra", Check.UNEXPECTED_COLUMN, Severity.INFO, None, None, (), "not in schema")
    assert Finding.from_record(finding.to_record()) == finding
