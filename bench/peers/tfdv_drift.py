"""TFDV's drift check on a benchmark case, as its guide shows it: run by `make bench` in bench/.venv-tfdv.

    python bench/peers/tfdv_drift.py TRAIN.parquet SERVING.parquet META.json OUT.json

Reads both Parquet files with pandas (reading is part of the cost, as for skewcheck), turns datetime columns into
epoch seconds (TFDV has no datetime type), computes statistics of both with `generate_statistics_from_dataframe`,
infers a schema from training's statistics, sets a drift comparator on every feature (Jensen-Shannon divergence
above 0.01 for numeric features, about skewcheck's 0.1 warn on the Jensen-Shannon distance; L-infinity distance above
0.1 for categorical ones) and validates serving's statistics against training's. A feature with any anomaly (drift,
an unexpected category, a null rate the schema does not allow) is flagged. Writes only the verdicts to OUT.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import tensorflow_data_validation as tfdv

NUMERIC = {"float", "int", "datetime"}
JS_DIVERGENCE = 0.01
LINF = 0.1


def load(path: Path, features: dict[str, str]) -> pd.DataFrame:
    frame = pd.read_parquet(path, columns=list(features))
    for name, kind in features.items():
        if kind == "datetime":
            frame[name] = frame[name].astype("int64") // 10**9
        elif kind == "bool":
            frame[name] = frame[name].astype("object").map({True: "true", False: "false"})
    return frame


def main(train: Path, serving: Path, meta: Path, out: Path) -> None:
    features: dict[str, str] = json.loads(meta.read_text())["features"]
    train_stats = tfdv.generate_statistics_from_dataframe(load(train, features))
    serving_stats = tfdv.generate_statistics_from_dataframe(load(serving, features))
    schema = tfdv.infer_schema(train_stats)
    for name, kind in features.items():
        comparator = tfdv.get_feature(schema, name).drift_comparator
        if kind in NUMERIC:
            comparator.jensen_shannon_divergence.threshold = JS_DIVERGENCE
        else:
            comparator.infinity_norm.threshold = LINF
    anomalies = tfdv.validate_statistics(serving_stats, schema, previous_statistics=train_stats)
    verdicts = {"tool": "tfdv", "version": tfdv.__version__, "checked": list(features),
                "flagged": sorted(anomalies.anomaly_info.keys())}  # fmt: skip
    out.write_text(json.dumps(verdicts, indent=1) + "\n")


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:5]))
