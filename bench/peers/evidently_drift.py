"""Evidently's data drift preset on a benchmark case, as a user would run it: run by `make bench` in bench/.venv-peers.

    python bench/peers/evidently_drift.py TRAIN.parquet SERVING.parquet META.json OUT.json

Reads both Parquet files with pandas (reading is part of the cost, as it is for skewcheck), declares each feature's
kind from META.json (bench/generate.py's: float and int are numerical, category and bool categorical, datetime
datetime), runs `Report([DataDriftPreset()], include_tests=True)` with serving as current and training as reference,
and writes only the per-column verdicts to OUT.json: {"tool", "version", "checked": [...], "flagged": [...]}.
Evidently's preset drift-checks numerical and categorical columns only; datetime columns are not in "checked".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import evidently
import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset

KINDS = {"float": "numerical", "int": "numerical", "category": "categorical", "bool": "categorical"}


def definition(features: dict[str, str]) -> DataDefinition:
    by_kind: dict[str, list[str]] = {"numerical": [], "categorical": [], "datetime": []}
    for name, kind in features.items():
        by_kind[KINDS.get(kind, "datetime")].append(name)
    return DataDefinition(
        numerical_columns=by_kind["numerical"],
        categorical_columns=by_kind["categorical"],
        datetime_columns=by_kind["datetime"],
    )


def column_verdicts(result: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(checked, flagged) columns from the report's per-column "Value Drift" tests."""
    checked, flagged = [], []
    for test in result["tests"]:
        column = test["metric_config"]["params"].get("column")
        if column is None or "ValueDrift" not in test["metric_config"]["params"]["type"]:
            continue
        checked.append(column)
        if test["status"] != "SUCCESS":
            flagged.append(column)
    return checked, flagged


def main(train: Path, serving: Path, meta: Path, out: Path) -> None:
    features: dict[str, str] = json.loads(meta.read_text())["features"]
    data_definition = definition(features)
    reference = Dataset.from_pandas(pd.read_parquet(train, columns=list(features)), data_definition=data_definition)
    current = Dataset.from_pandas(pd.read_parquet(serving, columns=list(features)), data_definition=data_definition)
    snapshot = Report([DataDriftPreset()], include_tests=True).run(current, reference)
    checked, flagged = column_verdicts(snapshot.dict())
    verdicts = {"tool": "evidently", "version": evidently.__version__, "checked": checked, "flagged": flagged}
    out.write_text(json.dumps(verdicts, indent=1) + "\n")


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:5]))
