"""No raw value of a `pii: true` feature reaches any report, in any format."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import invoke, write_schema

# Values that must never appear in a report: names, emails, an ID number.
NAMES = ["Alice Zimmermann", "Bob Quartermaine", "Carla Vuković"]
EMAILS = ["alice.z@example.org", "bob.q@example.org"]
SECRET_AGE = 117


@pytest.fixture
def pii_data(tmp_path: Path) -> list[str]:
    rows = 300
    train = pl.DataFrame(
        {
            "name": [NAMES[i % 3] for i in range(rows)],
            "email": [EMAILS[i % 2] for i in range(rows)],
            "age": [20 + i % 40 for i in range(rows)],
            "amount": [float(i) for i in range(rows)],
        }
    )
    serving = train.with_columns(
        pl.when(pl.int_range(rows) < 30).then(pl.lit("bad-email-value")).otherwise(pl.col("email")).alias("email"),
        pl.when(pl.int_range(rows) == 0).then(SECRET_AGE).otherwise(pl.col("age")).alias("age"),
    )
    train.write_parquet(tmp_path / "train.parquet")
    serving.write_parquet(tmp_path / "serving.parquet")
    schema = write_schema(
        tmp_path / "schema.yaml",
        """
        features:
          name: {type: category, pii: true, values: [Alice Zimmermann, Bob Quartermaine]}
          email: {type: string, pii: true, pattern: '^[^@]+@[^@]+$'}
          age: {type: int, pii: true, max: 100}
          amount: {type: float}
        """,
    )
    return [str(tmp_path / "train.parquet"), str(tmp_path / "serving.parquet"), "--schema", str(schema)]


def every_report(args: list[str], tmp_path: Path, *extra: str) -> str:
    """The text of every format skewcheck writes for one audit, stdout and stderr included."""
    files = {name: tmp_path / f"r.{name}" for name in ("json", "markdown", "junit", "html")}
    table = invoke(["check", *args, *extra, *(f"--{name}={path}" for name, path in files.items())], 3)
    github = invoke(["check", *args, *extra, "--format", "github"], 3)
    validate = invoke(["validate", args[1], *args[2:], *extra, "--format", "json"], 3)
    outputs = [table.stdout, table.stderr, github.stdout, github.stderr, validate.stdout]
    return "\n".join(outputs + [path.read_text() for path in files.values()])


def test_no_raw_pii_value_in_any_format(pii_data: list[str], tmp_path: Path) -> None:
    text = every_report(pii_data, tmp_path)
    assert "<svg" in (tmp_path / "r.html").read_text()  # the HTML report, charts included, is searched too
    for raw in [*NAMES, *EMAILS, "bad-email-value", "Carla", "Vukovi"]:
        assert raw not in text, raw
    assert f"'{SECRET_AGE}'" not in text and f'"{SECRET_AGE}"' not in text
    # The findings are still there, with hashed examples and exact counts.
    report = json.loads((tmp_path / "r.json").read_text())
    pattern = next(f for f in report["schema_findings"] if f["check"] == "pattern")
    assert pattern["count"] == 30 and pattern["examples"][0].startswith("hash:")
    domain = next(f for f in report["schema_findings"] if f["check"] == "domain")
    assert domain["count"] == 100
    name = next(f for f in report["features"] if f["name"] == "name")
    assert all(entry["value"].startswith("hash:") for entry in name["summary"]["train"]["top"])
    age = next(f for f in report["features"] if f["name"] == "age")
    assert "max" not in age["summary"]["serving"] and "mean" in age["summary"]["serving"]
    # Histogram bin bounds are quantiles, someone's age: gone. Category names are hashed, shares stay.
    assert age["histogram"]["edges"] is None and sum(age["histogram"]["train"]) == pytest.approx(1.0)
    assert name["histogram"]["categories"] and all(c.startswith("hash:") for c in name["histogram"]["categories"])
    assert all(c.startswith("hash:") for c in name["histogram"]["unseen"])
    amount = next(f for f in report["features"] if f["name"] == "amount")
    assert amount["histogram"]["edges"][0] == pytest.approx(29.9)  # not personal: bounds (deciles) stay


def test_the_same_value_hashes_alike_within_a_report(pii_data: list[str], tmp_path: Path) -> None:
    report = json.loads(invoke(["check", *pii_data, "--json", "-"], 3).stdout)
    name = next(f for f in report["features"] if f["name"] == "name")
    train_top = {entry["value"] for entry in name["summary"]["train"]["top"]}
    serving_top = {entry["value"] for entry in name["summary"]["serving"]["top"]}
    assert train_top == serving_top and len(train_top) == 3


def test_no_examples_drops_every_value(pii_data: list[str], tmp_path: Path) -> None:
    report = json.loads(invoke(["check", *pii_data, "--no-examples", "--json", "-"], 3).stdout)
    assert all(f["examples"] == [] for f in report["schema_findings"])
    assert all("top" not in side for f in report["features"] for side in f["summary"].values())
    amount = next(f for f in report["features"] if f["name"] == "amount")
    assert "max" in amount["summary"]["train"]  # not personal: numbers stay
    name = next(f for f in report["features"] if f["name"] == "name")
    assert name["histogram"]["categories"] == ["value 1", "value 2"]
    assert name["histogram"]["unseen"] == ["unseen value 1"]
