"""Check one dataset against the schema, whole or in batches, collecting every problem as a Finding.

Validation also hands on the columns read as their declared types, which is what the profiles are
computed from.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from skewcheck.io.coerce import coerce
from skewcheck.io.read import Table
from skewcheck.schema.model import Dataset, Schema, Severity
from skewcheck.validation.findings import Check, Finding, Validation
from skewcheck.validation.rules import CHECK_ORDER, Evidence, FeatureCheck, dataset_findings


def validate(table: Table, schema: Schema) -> Validation:
    """Every schema problem of one dataset, and its features read as their declared types."""
    tally = Tally(schema, table.dataset)
    typed = tally.add(table)
    return Validation(table.dataset, table.rows, tally.findings(table), typed)


class Tally:
    """Validation of one dataset, whole or in batches: each batch's evidence added up.

    Memory stays with the batch, except for features declared unique: their values' 64-bit hashes
    are kept (8 bytes a row) so that a value repeating one of an earlier batch is counted.
    """

    def __init__(self, schema: Schema, dataset: Dataset) -> None:
        self.schema = schema
        self.dataset = dataset
        self.rows = 0
        self.batches = 0
        self._evidence: dict[tuple[str, Check, str, str], Evidence] = {}
        self._non_null: dict[str, int] = {}
        self._hashes: dict[str, list[pl.Series]] = {}

    def add(self, table: Table) -> pl.DataFrame:
        """Validate one batch (or the whole table); returns its features read as their declared types."""
        self.rows += table.rows
        self.batches += 1
        typed_columns = []
        present = set(table.frame.columns)  # once: a frame's column list is built anew on every call
        for feature in self.schema.features:
            if feature.name not in present:
                continue
            raw = table.frame.get_column(feature.name)
            coerced = coerce(raw, feature.type)
            typed_columns.append(coerced.values)
            self._non_null[feature.name] = self._non_null.get(feature.name, 0) + coerced.values.len()
            self._non_null[feature.name] -= coerced.values.null_count()
            if feature.unique:
                self._hashes.setdefault(feature.name, []).append(coerced.values.drop_nulls().hash(seed=0))
            check = FeatureCheck(table, feature, raw, coerced.values)
            stored_as = None if feature.name in table.untyped else coerced.stored_as
            for evidence in [*check.type_evidence(coerced.unreadable, stored_as), *check.constraints()]:
                known = self._evidence.get(evidence.slot)
                self._evidence[evidence.slot] = evidence if known is None else known.plus(evidence)
        return pl.DataFrame(typed_columns)

    def absorb(self, other: Tally) -> None:
        """Add another part's tally (another engine's partition of the same dataset, read after this one's)."""
        self.rows += other.rows
        self.batches += other.batches
        for slot, evidence in other._evidence.items():
            known = self._evidence.get(slot)
            self._evidence[slot] = evidence if known is None else known.plus(evidence)
        for name, count in other._non_null.items():
            self._non_null[name] = self._non_null.get(name, 0) + count
        for name, hashes in other._hashes.items():
            self._hashes.setdefault(name, []).extend(hashes)

    def findings(self, table: Table) -> tuple[Finding, ...]:
        """The dataset's findings; `table` describes the whole of it (its rows, missing and unexpected columns)."""
        findings = dataset_findings(table, self.schema)
        # Unreadable values say more than values stored as another type: one type finding per feature.
        unreadable = {
            e.feature for e in self._evidence.values() if e.check is Check.TYPE and not e.severity and e.count
        }
        # In the order a whole read finds them: by feature, then by check, whichever batch saw one first.
        position = {feature.name: i for i, feature in enumerate(self.schema.features)}
        ordered = sorted(self._evidence.values(), key=lambda e: (position[e.feature], CHECK_ORDER.index(e.check)))
        for evidence in ordered:
            if evidence.check is Check.TYPE and evidence.severity is not None and evidence.feature in unreadable:
                continue
            total = evidence
            if evidence.check is Check.UNIQUE and self.batches > 1:
                total = replace(evidence, count=self._repeats(evidence.feature))
            finding = self._finding(total)
            if finding is not None:
                findings.append(finding)
        return tuple(findings)

    def _repeats(self, name: str) -> int:
        hashes = pl.concat(self._hashes[name])
        return hashes.len() - hashes.n_unique()

    def _finding(self, evidence: Evidence) -> Finding | None:
        count = evidence.count
        if count == 0 or (evidence.above_rate is not None and count / self.rows <= evidence.above_rate):
            return None
        rule = self.schema.feature(evidence.feature).rule(evidence.key)
        checked = self.rows if evidence.per_row else self._non_null.get(evidence.feature, 0)
        severity = rule.severity
        text = evidence.message(count, self.rows)
        if rule.mostly < 1 and checked and (checked - count) / checked >= rule.mostly - 1e-12:
            severity = Severity.INFO
            text += f" (within mostly: {rule.mostly:g})"
        return Finding(
            dataset=self.dataset,
            feature=evidence.feature,
            check=evidence.check,
            severity=evidence.severity or severity,
            count=count,
            rate=count / self.rows,
            examples=evidence.examples,
            message=text,
        )
