"""A Report made from what an audit found: findings in order, personal values hashed, stamped."""

from __future__ import annotations

import polars as pl

from skewcheck.audit.options import Options
from skewcheck.audit.privacy import new_salt, redact, redact_row_skew, redact_rows
from skewcheck.audit.report import Report
from skewcheck.audit.stamps import now, skewcheck_version
from skewcheck.drift.features import FeatureResult
from skewcheck.drift.rows import RowSkew
from skewcheck.io.sources import InputSummary
from skewcheck.schema.model import Dataset, Schema
from skewcheck.validation.findings import Finding


def assemble(
    schema: Schema,
    options: Options,
    timings: dict[str, float],
    findings: list[Finding],
    features: list[FeatureResult],
    *,
    train: InputSummary | None,
    serving: InputSummary | None,
    rows: RowSkew | None = None,
    differing: pl.DataFrame | None = None,
) -> Report:
    findings = ordered(findings)
    # One salt for everything this report shows: a value hashes alike in the findings, the row examples and
    # the --mismatches file.
    salt = new_salt()
    findings, features = redact(findings, features, schema, keep_examples=options.examples, salt=salt)
    return Report(
        rows=None if rows is None else redact_row_skew(rows, schema, keep_examples=options.examples, salt=salt),
        differing_rows=None if differing is None else redact_rows(differing, schema, salt=salt),
        train=train,
        serving=serving,
        schema_path=schema.path,
        schema_sha256=schema.sha256,
        findings=findings,
        features=features,
        fail_on=options.fail_on,
        skewcheck_version=skewcheck_version(),
        created_at=now(),
        timings=timings,
    )


def ordered(findings: list[Finding]) -> list[Finding]:
    # Failures first, training before serving; sorted() is stable, so schema order holds within.
    return sorted(findings, key=lambda f: (f.severity.order, f.dataset != Dataset.TRAIN))
