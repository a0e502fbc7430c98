"""The descriptions an editor shows: only for keys the loader reads."""

from __future__ import annotations

from skewcheck.schema import json_descriptions
from skewcheck.schema.constraints import RULE_KEYS
from skewcheck.schema.load import DEFAULT_KEYS, FEATURE_KEYS


def test_descriptions_name_only_keys_the_loader_accepts() -> None:
    """A key dropped from the loader leaves no dead description behind."""
    assert set(json_descriptions.FEATURE_DOCS) <= FEATURE_KEYS
    assert set(json_descriptions.DEFAULT_DOCS) <= DEFAULT_KEYS
    assert set(json_descriptions.RULE_DOCS) <= RULE_KEYS
