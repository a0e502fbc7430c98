"""Keep raw values of personal data out of every report.

Serving logs hold personal data and reports travel (CI logs, PR comments, artifacts). Values of
features marked `pii: true` are replaced by salted hashes wherever a report would show one
(finding examples, top categories); `--no-examples` drops every example and top category from
every report. Counts, metrics and histogram shares stay. Done once, on the finished result, before any reporter
sees it: no reporter can forget.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import replace

import polars as pl

from skewcheck.drift.features import FeatureResult, Histogram
from skewcheck.drift.rows import RowSkew
from skewcheck.schema.model import Dataset, Schema
from skewcheck.validation.findings import Finding


def new_salt() -> bytes:
    """A salt drawn per run: hashes tell values apart within a report, never across reports, and a
    dictionary of likely values (countries, first names) cannot be hashed to look them up."""
    return secrets.token_bytes(16)


def redact(
    findings: list[Finding],
    features: list[FeatureResult],
    schema: Schema,
    *,
    keep_examples: bool = True,
    salt: bytes | None = None,
) -> tuple[list[Finding], list[FeatureResult]]:
    """Findings and features with personal values hashed (or every value dropped without keep_examples)."""
    salt = salt or new_salt()
    personal = {feature.name for feature in schema.features if feature.pii}
    return (
        [_finding(f, f.feature in personal, keep_examples, salt) for f in findings],
        [_feature(f, f.name in personal, keep_examples, salt) for f in features],
    )


def hashed(value: str, salt: bytes) -> str:
    return "hash:" + hashlib.sha256(salt + value.encode("utf-8")).hexdigest()[:12]


def _finding(finding: Finding, personal: bool, keep_examples: bool, salt: bytes) -> Finding:
    if not keep_examples:
        return replace(finding, examples=())
    if personal:
        return replace(finding, examples=tuple(hashed(example, salt) for example in finding.examples))
    return finding


def _feature(feature: FeatureResult, personal: bool, keep_examples: bool, salt: bytes) -> FeatureResult:
    if keep_examples and not personal:
        return feature
    summary: dict[Dataset, Mapping[str, object]] = {}
    for dataset, original in feature.summary.items():
        side = dict(original)
        if personal:
            # Extremes and quantiles are some person's actual value; means and spreads are not.
            for key in ("min", "p01", "p50", "p99", "max"):
                side.pop(key, None)
        top = side.pop("top", None)
        if isinstance(top, list) and keep_examples:
            side["top"] = [{**entry, "value": hashed(str(entry["value"]), salt)} for entry in top]
        summary[dataset] = side
    return replace(feature, summary=summary, histogram=_histogram(feature.histogram, personal, keep_examples, salt))


def _histogram(histogram: Histogram | None, personal: bool, keep_examples: bool, salt: bytes) -> Histogram | None:
    """Personal numbers lose their bin bounds (quantiles: someone's value); category names are hashed or numbered."""
    if histogram is None:
        return None
    if histogram.categories is None or histogram.unseen is None:
        return replace(histogram, edges=None, bounds=None) if personal else histogram
    if keep_examples:
        return replace(
            histogram,
            categories=[hashed(value, salt) for value in histogram.categories],
            unseen=[hashed(value, salt) for value in histogram.unseen],
        )
    return replace(
        histogram,
        categories=[f"value {i}" for i in range(1, len(histogram.categories) + 1)],
        unseen=[f"unseen value {i}" for i in range(1, len(histogram.unseen) + 1)],
    )


def redact_row_skew(rows: RowSkew, schema: Schema, *, keep_examples: bool, salt: bytes) -> RowSkew:
    """Row-level examples and confusion pairs: personal values (and personal keys) hashed, or all dropped."""
    personal = {feature.name for feature in schema.features if feature.pii}
    hidden_keys = [key for key in rows.keys if key in personal]
    features = []
    for feature in rows.features:
        secret = feature.name in personal
        if not keep_examples:
            features.append(replace(feature, examples=[], pairs=[]))
            continue
        hidden = {*hidden_keys, *(("train", "serving") if secret else ())}
        examples = [_hidden(example, hidden, salt) for example in feature.examples]
        pairs = [(hashed(t, salt), hashed(s, salt), n) for t, s, n in feature.pairs] if secret else feature.pairs
        differences = dict(feature.differences)
        if secret:  # a personal feature's most common serving value is someone's value
            differences.pop("serving_mode", None)
        features.append(replace(feature, examples=examples, pairs=pairs, differences=differences))
    return replace(rows, features=features)


def redact_rows(frame: pl.DataFrame, schema: Schema, *, salt: bytes) -> pl.DataFrame:
    """The --mismatches rows with personal values and keys hashed, as in the reports."""
    personal = {feature.name for feature in schema.features if feature.pii}
    if not personal:
        return frame
    secret = pl.col("feature").is_in(list(personal))

    def hash_column(column: pl.Expr) -> pl.Expr:
        return column.map_elements(lambda v: hashed(v, salt), return_dtype=pl.String)

    hashed_values = [
        pl.when(secret).then(hash_column(pl.col(name))).otherwise(pl.col(name)).alias(name)
        for name in ("train", "serving")
    ]
    keys = [hash_column(pl.col(name).cast(pl.String)) for name in frame.columns if name in personal]
    return frame.with_columns(*hashed_values, *keys)


def _hidden(example: dict[str, str | None], hidden: set[str], salt: bytes) -> dict[str, str | None]:
    return {name: _hash_text(value, salt) if name in hidden else value for name, value in example.items()}


def _hash_text(value: str | None, salt: bytes) -> str | None:
    return None if value is None else hashed(value, salt)
