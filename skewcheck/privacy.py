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

from skewcheck.checks import FeatureResult, Histogram
from skewcheck.schema import Dataset, Schema
from skewcheck.validate import Finding


def redact(
    findings: list[Finding], features: list[FeatureResult], schema: Schema, *, keep_examples: bool = True
) -> tuple[list[Finding], list[FeatureResult]]:
    """Findings and features with personal values hashed (or every value dropped without keep_examples)."""
    # A salt drawn per run: hashes tell values apart within a report, never across reports, and a
    # dictionary of likely values (countries, first names) cannot be hashed to look them up.
    salt = secrets.token_bytes(16)
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
        return replace(histogram, edges=None) if personal else histogram
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
