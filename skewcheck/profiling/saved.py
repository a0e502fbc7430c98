"""The saved profile (`.skprofile`): a dataset's per-feature summaries and schema findings, in one file.

A daily job compares each day's serving log with the same training data; a saved profile lets it
read training once, ever. The file is Parquet, one row per feature, so any Parquet reader can open
it; the run's facts (inputs, schema hash, findings) are JSON in the file's key-value metadata under
"skewcheck". Numeric features keep their sorted values up to EXACT_VALUES_LIMIT, and beyond that a
Sketch; categorical features keep every category's count. Profiles of parts merge into the profile
of the whole (see merge).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from skewcheck.errors import InputError
from skewcheck.io import remote
from skewcheck.io.sources import InputSummary
from skewcheck.profiling import saved_check
from skewcheck.profiling.profiles import CategoricalProfile, NumericProfile, Profile
from skewcheck.schema.model import Dataset, Schema
from skewcheck.schema.registry import Kind
from skewcheck.stats.grid import Grid
from skewcheck.stats.sketch import Sketch
from skewcheck.validation.findings import Finding

SUFFIX = ".skprofile"
FORMAT = "skprofile"
FORMAT_VERSION = 2
# Version 1 kept bins with training's minimum and maximum as edges, which PSI no longer uses.
_NUMERIC_BINS_CHANGED = 1
_METADATA_KEY = b"skewcheck"


@dataclass(frozen=True)
class SavedProfile:
    source: InputSummary
    schema_path: str
    schema_sha256: str
    environment: Dataset
    findings: list[Finding]
    features: dict[str, Profile]
    skewcheck_version: str
    created_at: str
    parts: int = 1
    """How many profiles were merged into this one."""
    columns: tuple[str, ...] | None = None
    """The schema's features the data has: what a check against a serving profile compares (None: a training
    profile, whose features say it)."""


def is_saved_profile(spec: str) -> bool:
    return spec.endswith(SUFFIX)


def to_bytes(profile: SavedProfile) -> bytes:
    import pyarrow as pa  # here, not at the top: a check of data never reads or writes a profile
    import pyarrow.parquet as pq

    rows = [_feature_row(name, feature) for name, feature in profile.features.items()]
    table = pa.Table.from_pylist(rows, schema=_arrow_schema())
    table = table.replace_schema_metadata({_METADATA_KEY: json.dumps(_metadata(profile)).encode()})
    buffer = io.BytesIO()
    # Page checksums: a flipped byte in a compressed page fails the read instead of decoding into other numbers.
    pq.write_table(table, buffer, compression="zstd", write_page_checksum=True)
    return buffer.getvalue()


def read(path: str | Path, storage_options: remote.StorageOptions = remote.NO_OPTIONS) -> SavedProfile:
    """A saved profile (a file, or an object in a store); an unreadable, damaged or foreign one is an InputError."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    where: str | Path | pa.BufferReader = path
    if remote.is_url(path):
        where = pa.BufferReader(remote.read_bytes(str(path), storage_options))
        path = remote.shown(str(path))
    try:
        table = pq.read_table(where, page_checksum_verification=True)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, pa.ArrowException) as error:
        raise saved_check.unreadable(path, error) from None
    raw = (table.schema.metadata or {}).get(_METADATA_KEY)
    if raw is None:
        raise InputError(f"{path}: not a skewcheck profile (a Parquet file without skewcheck's metadata)")
    metadata = saved_check.metadata(raw, path)
    if metadata.get("format") == FORMAT and metadata.get("version") == _NUMERIC_BINS_CHANGED:
        raise InputError(
            f"{path}: a profile saved by an older skewcheck, on numeric bins this one no longer uses: "
            "re-run `skewcheck profile` to save it again"
        )
    if metadata.get("format") != FORMAT or metadata.get("version") != FORMAT_VERSION:
        raise InputError(
            f"{path}: a profile in format {metadata.get('format')} version {metadata.get('version')}; "
            f"this skewcheck reads {FORMAT} version {FORMAT_VERSION}: profile the data again"
        )
    saved_check.check_metadata(metadata, path)
    rows = saved_check.check_columns(table, _arrow_schema(), path)
    try:
        features = {row["feature"]: _checked(_profile_from_row(row)) for row in rows}
    except (ValueError, TypeError, RuntimeError) as error:  # decoded but not believable: counts, order, a sketch
        raise InputError(f"{path}: a damaged profile: {error}") from None
    return SavedProfile(
        source=InputSummary(**{**metadata["source"], "paths": tuple(metadata["source"]["paths"])}),
        schema_path=metadata["schema"]["path"],
        schema_sha256=metadata["schema"]["sha256"],
        environment=Dataset(metadata["environment"]),
        findings=[Finding.from_record(record) for record in metadata["findings"]],
        features=features,
        skewcheck_version=metadata["skewcheck_version"],
        created_at=metadata["created_at"],
        parts=metadata.get("parts", 1),
        columns=None if metadata.get("columns") is None else tuple(metadata["columns"]),
    )


def _checked(profile: Profile) -> Profile:
    """What a profile must hold to be believed: a damaged file can decode into plausible garbage."""
    if isinstance(profile, CategoricalProfile):
        if any(count < 0 for count in profile.counts.values()) or profile.count + profile.nulls > profile.rows:
            raise ValueError("category counts do not add up to the rows")
        return profile
    if profile.values is not None:
        values = profile.values
        if not np.isfinite(values).all() or (len(values) > 1 and (np.diff(values) < 0).any()):
            raise ValueError("the kept values are not sorted finite numbers")
    if profile.count + profile.nulls + profile.nonfinite != profile.rows or profile.bin_counts.sum() != profile.count:
        raise ValueError("the counts do not add up to the rows")
    return profile


def check_fits(profile: SavedProfile, schema: Schema, path: str) -> None:
    """A baseline compared under a schema must summarise its features the way that schema reads them."""
    for feature in schema.features:
        saved = profile.features.get(feature.name)
        if feature.skip_reason is not None:
            continue
        if saved is None:
            if profile.schema_sha256 != schema.sha256:
                raise InputError(
                    f"{path}: feature '{feature.name}' is compared by {schema.path} but not in the profile, which "
                    "was made with another schema; profile the training data again with this one"
                )
            continue  # the same schema: training itself lacked the feature, and the report says so
        saved_kind = Kind.NUMERIC if isinstance(saved, NumericProfile) else Kind.CATEGORICAL
        if saved_kind is not feature.kind:
            raise InputError(
                f"{path}: feature '{feature.name}' was profiled as {saved_kind} but {schema.path} declares it "
                f"{feature.type}; profile the training data again with this schema"
            )


def _arrow_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("feature", pa.string()),
            ("kind", pa.string()),
            ("rows", pa.int64()),
            ("nulls", pa.int64()),
            ("nonfinite", pa.int64()),
            ("edges", pa.list_(pa.float64())),
            ("bin_counts", pa.list_(pa.int64())),
            ("bins_exact", pa.bool_()),
            ("values", pa.list_(pa.float64())),
            ("sketch_count", pa.int64()),
            ("sketch_mean", pa.float64()),
            ("sketch_m2", pa.float64()),
            ("sketch_low", pa.list_(pa.float64())),
            ("sketch_high", pa.list_(pa.float64())),
            ("sketch_kll", pa.binary()),
            ("grid_points", pa.list_(pa.float64())),
            ("grid_counts", pa.list_(pa.int64())),
            ("grid_sums", pa.list_(pa.float64())),
            ("grid_minimum", pa.float64()),
            ("grid_maximum", pa.float64()),
            ("categories", pa.list_(pa.string())),
            ("category_counts", pa.list_(pa.int64())),
        ]
    )


def _feature_row(name: str, profile: Profile) -> dict[str, Any]:
    row: dict[str, Any] = {"feature": name, "rows": profile.rows, "nulls": profile.nulls}
    if isinstance(profile, CategoricalProfile):
        return row | {
            "kind": "categorical",
            "categories": list(profile.counts),
            "category_counts": list(profile.counts.values()),
        }
    row |= {
        "kind": "numeric",
        "nonfinite": profile.nonfinite,
        "edges": profile.edges.tolist(),
        "bin_counts": profile.bin_counts.tolist(),
        "bins_exact": profile.bins_exact,
    }
    if profile.values is not None:
        return row | {"values": profile.values.tolist()}
    sketch = profile.sketch
    assert isinstance(sketch, Sketch | Grid)  # a saved profile keeps a sketch, or (serving) a grid
    row |= {"sketch_count": sketch.count, "sketch_mean": sketch.mean, "sketch_m2": sketch.m2}
    if isinstance(sketch, Grid):  # a serving profile, counted on its baseline's points
        return row | {
            "grid_points": sketch.points.tolist(),
            "grid_counts": sketch.counts.tolist(),
            "grid_sums": sketch.sums.tolist(),
            "grid_minimum": sketch.minimum,
            "grid_maximum": sketch.maximum,
        }
    return row | {
        "sketch_low": sketch.low.tolist(),
        "sketch_high": sketch.high.tolist(),
        "sketch_kll": sketch.kll,
    }


def _profile_from_row(row: Mapping[str, Any]) -> Profile:
    if row["kind"] == "categorical":
        counts = dict(zip(row["categories"], (int(c) for c in row["category_counts"]), strict=True))
        return CategoricalProfile(int(row["rows"]), int(row["nulls"]), counts)
    if row["kind"] != "numeric":
        raise ValueError(f"feature {row['feature']!r} has unknown kind {row['kind']!r}")
    floats = np.float64
    sketch: Sketch | Grid | None = None
    values = None if row["values"] is None else np.asarray(row["values"], dtype=floats)
    if values is None and row.get("grid_points") is not None:
        sketch = Grid(
            points=np.asarray(row["grid_points"], dtype=floats),
            counts=np.asarray(row["grid_counts"], dtype=np.int64),
            sums=np.asarray(row["grid_sums"], dtype=floats),
            count=int(row["sketch_count"]),
            mean=float(row["sketch_mean"]),
            m2=float(row["sketch_m2"]),
            minimum=float(row["grid_minimum"]),
            maximum=float(row["grid_maximum"]),
        )
        if len(sketch.counts) != 2 * len(sketch.points) + 1 or sketch.counts.sum() != sketch.count:
            raise ValueError("the grid's counts do not fit its points")
    elif values is None:
        sketch = Sketch(
            kll=row["sketch_kll"],
            low=np.asarray(row["sketch_low"], dtype=floats),
            high=np.asarray(row["sketch_high"], dtype=floats),
            count=int(row["sketch_count"]),
            mean=float(row["sketch_mean"]),
            m2=float(row["sketch_m2"]),
        )
        sketch.rank_error  # noqa: B018 -- deserialises the KLL bytes now, so a damaged one fails here
    return NumericProfile(
        rows=int(row["rows"]),
        nulls=int(row["nulls"]),
        nonfinite=int(row["nonfinite"]),
        values=values,
        edges=np.asarray(row["edges"], dtype=floats),
        bin_counts=np.asarray(row["bin_counts"], dtype=np.int64),
        sketch=sketch,
        bins_exact=bool(row["bins_exact"]),
    )


def _metadata(profile: SavedProfile) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "skewcheck_version": profile.skewcheck_version,
        "created_at": profile.created_at,
        "schema": {"path": profile.schema_path, "sha256": profile.schema_sha256},
        "environment": str(profile.environment),
        "source": {
            "spec": profile.source.spec,
            "format": profile.source.format,
            "paths": list(profile.source.paths),
            "rows": profile.source.rows,
            **({"version": profile.source.version} if profile.source.version is not None else {}),
        },
        "parts": profile.parts,
        **({} if profile.columns is None else {"columns": list(profile.columns)}),
        "findings": [finding.to_record() for finding in profile.findings],
    }
