"""schema_text: features written as a schema file load back as the same features, in the same bytes every time."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skewcheck.errors import UsageError
from skewcheck.schema.load import load_schema
from skewcheck.schema.model import Dataset, FeatureType, Role
from skewcheck.schema.write import schema_text, today
from tests.helpers import FIXTURES, write_schema

EVERY_KEY = """\
version: 1
features:
  order_id: {type: string, role: key, nullable: false}
  items: {type: int, min: 1, max: 40}
  price: {type: float, min: -0.5, max: 1.0e+12, allow_nan: true, allow_inf: true}
  answer: {type: category, values: ['yes', 'NO', '1e3', '0o17', 'y', '~', "a\\nb", 'plain', '+1', '.inf']}
  rate: {type: float, nullable: {value: false, mostly: 0.99}}
  seen_at: {type: datetime, drift: false, environments: [serving]}
  city: {type: string, serving_path: request.address.city, training_path: address.city}
  flag: {type: bool, environments: [training]}
"""


def test_every_key_the_writer_knows_round_trips(tmp_path: Path) -> None:
    original = load_schema(write_schema(tmp_path / "original.yaml", EVERY_KEY))
    text = schema_text(original.features, ["written by a test"])
    again = load_schema(write_schema(tmp_path / "again.yaml", text))
    assert again.features == original.features
    by_name = {feature.name: feature for feature in again.features}
    assert by_name["order_id"].role is Role.KEY and not by_name["order_id"].nullable
    assert (by_name["items"].min, by_name["items"].max, by_name["items"].type) == (1.0, 40.0, FeatureType.INT)
    assert by_name["answer"].values == ("yes", "NO", "1e3", "0o17", "y", "~", "a\nb", "plain", "+1", ".inf")
    assert by_name["seen_at"].drift is None and by_name["seen_at"].environments == frozenset({Dataset.SERVING})
    assert by_name["city"].serving_path == ("request", "address", "city")
    assert by_name["rate"].rules["nullable"].mostly == 0.99


def test_the_demo_schema_round_trips(tmp_path: Path) -> None:
    original = load_schema(FIXTURES / "schema.yaml")
    again = load_schema(write_schema(tmp_path / "again.yaml", schema_text(original.features, [])))
    # The writer keeps what a feature is (type, rules, paths), not gate settings it does not write.
    keep = ("name", "type", "nullable", "min", "max", "values", "role", "environments", "serving_path")
    for before, after in zip(original.features, again.features, strict=True):
        assert [getattr(after, key) for key in keep] == [getattr(before, key) for key in keep], before.name


def test_only_keys_that_differ_from_the_defaults_are_written_in_a_fixed_order(tmp_path: Path) -> None:
    schema = load_schema(write_schema(tmp_path / "s.yaml", EVERY_KEY))
    document = yaml.safe_load(schema_text(schema.features, []))
    assert document["version"] == 1
    assert document["features"]["flag"] == {"type": "bool", "environments": ["training"]}
    assert list(document["features"]["order_id"]) == ["type", "role", "nullable"]
    assert list(document["features"]["price"]) == ["type", "min", "max", "allow_nan", "allow_inf"]
    assert schema_text(schema.features, ["x"]) == schema_text(schema.features, ["x"])


def test_every_reader_sees_ambiguous_values_as_strings(tmp_path: Path) -> None:
    schema = load_schema(write_schema(tmp_path / "s.yaml", EVERY_KEY))
    text = schema_text(schema.features, [])
    line = next(line for line in text.splitlines() if "plain" in line)
    for quoted in ("'yes'", "'NO'", "'1e3'", "'0o17'", "'y'", "'~'", '"a\\nb"', "'+1'", "'.inf'"):
        assert quoted in line, quoted
    assert line.strip().startswith("values: [") and " plain," in line  # one line; a plain word stays plain


def test_a_header_cannot_break_out_of_its_comment(tmp_path: Path) -> None:
    text = schema_text([], ["first", "evil\nversion: 2\x07"])
    assert text.splitlines()[:2] == ["# first", "# evil\\nversion: 2\\x07"]
    assert yaml.safe_load(text) == {"version": 1, "features": {}}


@pytest.mark.parametrize(("epoch", "expected"), [("0", "1970-01-01"), ("1767225600", "2026-01-01")])
def test_today_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch, epoch: str, expected: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert today() == expected


def test_a_source_date_epoch_that_is_not_seconds_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH must be a whole number of seconds, got 'yesterday'"):
        today()
