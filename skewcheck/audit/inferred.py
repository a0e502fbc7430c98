"""A schema inferred from training for `check` without one: types, keys and paths, no constraints."""

from __future__ import annotations

import hashlib

from skewcheck.audit.options import DEFAULT_OPTIONS, Options
from skewcheck.io.sources import resolve_source
from skewcheck.profiling.infer import InferOptions, infer
from skewcheck.profiling.inferred import render, with_serving_paths, without_constraints
from skewcheck.schema.document import parse_document
from skewcheck.schema.load import build_schema
from skewcheck.schema.model import Schema


def infer_for_audit(train: str, serving: str, options: Options = DEFAULT_OPTIONS) -> tuple[str, Schema]:
    """A schema inferred from TRAIN for `check` without one: its YAML text, and the schema itself.

    Types, keys and timestamps only (see infer.without_constraints). Features the serving log nests
    under an object get their serving_path from the log; features it lacks are training-only.
    """
    # serving=True: when TRAIN is itself a nested log, its objects' fields are the features. Under --approx the
    # types come from the first batch's worth of rows: memory stays bounded by the batch.
    head = options.batch_rows if options.approx else None
    inferred = without_constraints(
        infer(
            train,
            InferOptions(
                source_format=options.train_format,
                serving=True,
                max_rows=head,
                storage_options=options.storage_options,
            ),
        )
    )
    inferred = with_serving_paths(
        inferred,
        resolve_source(
            serving,
            options.serving_format,
            format_parameter="serving_format",
            storage_options=options.storage_options,
        ),
    )
    note = "Inferred for one audit: types, keys, paths and training-only columns; no bounds, domains or nullability."
    text = render(inferred, command=f"skewcheck check {train} {serving} (no --schema given)", note=note)
    name = f"<schema inferred from {train}>"
    return text, build_schema(parse_document(text, name), hashlib.sha256(text.encode()).hexdigest())
