"""An inferred schema: the features inferred from one dataset, and the schema file written for them.

`render` writes the file; before it, `with_serving_paths` points features at the fields a nested
serving log holds them in, and `without_constraints` keeps only what an unreviewed schema may assert.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

import polars as pl

from skewcheck.io.diagnose import diagnose_unreadable
from skewcheck.io.nested import walk
from skewcheck.io.read import scan_source
from skewcheck.io.sources import Source
from skewcheck.schema.model import Dataset, Feature
from skewcheck.schema.write import schema_text, today


@dataclass(frozen=True)
class Inferred:
    source: Source
    rows: int
    features: tuple[Feature, ...]
    skipped: tuple[str, ...]
    """Columns no schema type fits, as `name (dtype)`."""
    notes: tuple[str, ...] = ()
    """The judgement calls made, one line each (`profiling.judgements`): comments in the file, lines on stderr."""


REVIEW_NOTE = "Inferred, not decided: review bounds, domains and nullability before a pipeline gates on them."


def render(inferred: Inferred, command: str = "skewcheck infer", note: str = REVIEW_NOTE) -> str:
    """The schema file: a header comment naming source, rows, date and command, then the features."""
    source = inferred.source
    header = [
        f"Schema inferred by skewcheck from {source.spec} ({source.format}, {inferred.rows:,} rows) on {today()}.",
        f"Command: {command}",
        note,
    ]
    if any(f.training_path for f in inferred.features):
        header.append("From a serving log: training_path repeats serving_path so the log checks against itself;")
        header.append("delete the training_path lines when the training data has these features as flat columns.")
    if inferred.skipped:
        header.append(f"Not inferred (no schema type fits): {', '.join(inferred.skipped)}")
    if inferred.notes:
        header.append("Judgement calls:")
        header += [f"- {' '.join(note.splitlines())}" for note in inferred.notes]  # a name's newline ends no comment
    return schema_text(inferred.features, header)


def without_constraints(inferred: Inferred) -> Inferred:
    """Types, keys, paths and environments only: what an unreviewed schema may assert about other data.

    Bounds, domains and nullability read off one sample would flag the next sample's tails (a value
    just past the training maximum, a category too rare to have been seen): with no one to review
    them, the drift gates (null-rate increase, unseen rate, distribution) judge those instead.
    """
    loose = (replace(f, nullable=True, min=None, max=None, values=None, rules={}) for f in inferred.features)
    return replace(inferred, features=tuple(loose))


def with_serving_paths(inferred: Inferred, serving: Source) -> Inferred:
    """Point features the serving log nests (`features.age`) at their place there.

    For `check TRAIN SERVING` with no schema: the schema comes from flat training data, and a
    feature missing from the log's top level is looked for in its nested objects, where a field
    of that name in exactly one place gives the feature's serving_path.
    """
    try:
        # Every line: a field first seen after line 100 is still a field of the log.
        serving_schema = scan_source(serving, infer_all_rows=True).collect_schema()
    except (pl.exceptions.PolarsError, OSError) as error:
        raise diagnose_unreadable(serving.files, serving.format, error) from None
    nested: dict[str, list[tuple[str, ...]]] = {}
    for path, _ in walk(serving_schema):
        if len(path) > 1:
            nested.setdefault(path[-1], []).append(path)
    placed = tuple(_placed(f, serving_schema, nested) for f in inferred.features)
    fields = sorted({path[-1] for path, _ in walk(serving_schema)})
    notes = [
        _training_only_note(before.name, fields)
        for before, after in zip(inferred.features, placed, strict=True)
        if after.environments != before.environments
    ]
    return replace(inferred, features=placed, notes=(*inferred.notes, *notes))


def _training_only_note(name: str, fields: list[str]) -> str:
    """Why a feature is training-only, and the serving field it may be logged as."""
    close = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
    hint = f"; if it is logged as '{close[0]}', set serving_path: {close[0]}" if close else ""
    return f"{name}: training-only: the serving log has no field of that name, at its top level or nested{hint}"


def _placed(feature: Feature, serving_schema: pl.Schema, nested: dict[str, list[tuple[str, ...]]]) -> Feature:
    if feature.name in serving_schema or feature.serving_path:
        return feature
    places = nested.get(feature.name, [])
    if len(places) == 1:
        return replace(feature, serving_path=places[0])
    if not places:
        # Training has it and the log does not: a label, or a column computed offline only.
        return replace(feature, environments=frozenset({Dataset.TRAIN}))
    return feature
