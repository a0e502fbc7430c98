"""The saved profile (`.skprofile`): a dataset's per-feature summaries and schema findings, in one file.

A daily job compares each day's serving log with the same training data; a saved profile lets it
read training once, ever. The file is Parquet, one row per feature, so any Parquet reader can open
it; the run's facts (inputs, schema hash, findings) are JSON in the file's key-value metadata under
"skewcheck". Numeric features keep their sorted values up to EXACT_VALUES_LIMIT, and beyond that a
Sketch; categorical features keep every category's count. Profiles of parts merge into the profile
of the whole.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from skewcheck.errors import InputError, UsageError
from skewcheck.profiling.profiles import (
    EDGE_QUANTILES,
    CategoricalProfile,
    NumericProfile,
    Profile,
    bin_counts,
    numeric_edges,
    profile_columns,
)
from skewcheck.schema.model import Dataset, Kind, Schema
from skewcheck.stats.sketch import Sketch
from skewcheck.validation.findings import Finding, Validation

SUFFIX = ".skprofile"
FORMAT = "skprofile"
FORMAT_VERSION = 1
_METADATA_KEY = b"skewcheck"


@dataclass(frozen=True)
class Source:
    spec: str
    format: str
    paths: tuple[str, ...]
    rows: int


@dataclass(frozen=True)
class SavedProfile:
    source: Source
    schema_path: str
    schema_sha256: str
    environment: Dataset
    findings: list[Finding]
    features: dict[str, Profile]
    skewcheck_version: str
    created_at: str
    parts: int = 1
    """How many profiles were merged into this one."""


def is_saved_profile(spec: str) -> bool:
    return spec.endswith(SUFFIX)


def profile_dataset(validation: Validation, schema: Schema) -> dict[str, Profile]:
    """Every drift-checked feature present in the data, summarised; values kept exactly."""
    present = [f for f in schema.features if f.skip_reason is None and f.name in validation.typed.columns]
    return profile_columns(validation.typed, present)


def to_bytes(profile: SavedProfile) -> bytes:
    rows = [_feature_row(name, feature) for name, feature in profile.features.items()]
    table = pa.Table.from_pylist(rows, schema=_ARROW_SCHEMA)
    table = table.replace_schema_metadata({_METADATA_KEY: json.dumps(_metadata(profile)).encode()})
    buffer = io.BytesIO()
    # Page checksums: a flipped byte in a compressed page fails the read instead of decoding into other numbers.
    pq.write_table(table, buffer, compression="zstd", write_page_checksum=True)
    return buffer.getvalue()


def read(path: str | Path) -> SavedProfile:
    """A saved profile; an unreadable, damaged or foreign file is an InputError naming it."""
    try:
        table = pq.read_table(path, page_checksum_verification=True)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{path}: not a skewcheck profile (cannot read it as Parquet: {error})") from None
    raw = (table.schema.metadata or {}).get(_METADATA_KEY)
    if raw is None:
        raise InputError(f"{path}: not a skewcheck profile (a Parquet file without skewcheck's metadata)")
    try:
        metadata = json.loads(raw)
        if metadata.get("format") != FORMAT or metadata.get("version") != FORMAT_VERSION:
            raise InputError(
                f"{path}: a profile in format {metadata.get('format')} version {metadata.get('version')}; "
                f"this skewcheck reads {FORMAT} version {FORMAT_VERSION}: profile the data again"
            )
        features = {row["feature"]: _checked(_profile_from_row(row)) for row in table.to_pylist()}
        return SavedProfile(
            source=Source(**{**metadata["source"], "paths": tuple(metadata["source"]["paths"])}),
            schema_path=metadata["schema"]["path"],
            schema_sha256=metadata["schema"]["sha256"],
            environment=Dataset(metadata["environment"]),
            findings=[Finding.from_record(record) for record in metadata["findings"]],
            features=features,
            skewcheck_version=metadata["skewcheck_version"],
            created_at=metadata["created_at"],
            parts=metadata.get("parts", 1),
        )
    except (KeyError, TypeError, ValueError, IndexError, RuntimeError, AttributeError) as error:
        raise InputError(f"{path}: a damaged profile ({type(error).__name__}: {error})") from None


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


def merge(profiles: Sequence[SavedProfile], *, created_at: str, skewcheck_version: str) -> SavedProfile:
    """The profile of all the parts' data together: counts exact; quantiles within the sketches' bounds."""
    first = profiles[0]
    for other in profiles[1:]:
        if other.schema_sha256 != first.schema_sha256:
            raise UsageError(
                f"cannot merge profiles made with different schemas: {first.source.spec} "
                f"(sha256 {first.schema_sha256[:12]}) and {other.source.spec} (sha256 {other.schema_sha256[:12]})"
            )
    names = list(dict.fromkeys(name for profile in profiles for name in profile.features))
    features = {name: merge_feature([p.features[name] for p in profiles if name in p.features]) for name in names}
    return SavedProfile(
        source=Source(
            spec=" + ".join(profile.source.spec for profile in profiles),
            format="+".join(sorted({profile.source.format for profile in profiles})),
            paths=tuple(path for profile in profiles for path in profile.source.paths),
            rows=sum(profile.source.rows for profile in profiles),
        ),
        schema_path=first.schema_path,
        schema_sha256=first.schema_sha256,
        environment=first.environment,
        # Each part's findings, named by its part: their counts and rates are the part's.
        findings=[
            replace(finding, message=f"{profile.source.spec}: {finding.message}")
            for profile in profiles
            for finding in profile.findings
        ],
        features=features,
        skewcheck_version=skewcheck_version,
        created_at=created_at,
        parts=sum(profile.parts for profile in profiles),
    )


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


def merge_feature(parts: list[Profile]) -> Profile:
    """One feature's profile of all the parts' data: counts exact, a sketch's quantiles within its bound."""
    if all(isinstance(part, CategoricalProfile) for part in parts):
        counts: dict[str, int] = {}
        for part in parts:
            assert isinstance(part, CategoricalProfile)
            for value, count in part.counts.items():
                counts[value] = counts.get(value, 0) + count
        ordered = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))  # as a whole read orders them
        return CategoricalProfile(sum(p.rows for p in parts), sum(p.nulls for p in parts), ordered)
    numeric = [part for part in parts if isinstance(part, NumericProfile)]
    if len(numeric) != len(parts):
        raise UsageError("cannot merge profiles where one feature is numeric in one and categorical in another")
    return _merge_numeric(numeric)


def _merge_numeric(parts: list[NumericProfile]) -> NumericProfile:
    rows, nulls, nonfinite = (sum(getattr(p, name) for p in parts) for name in ("rows", "nulls", "nonfinite"))
    present = [part for part in parts if part.count]
    same_edges = all(np.array_equal(part.edges, present[0].edges) for part in present) if present else True
    if all(part.values is not None for part in present):
        arrays = [part.values for part in present if part.values is not None]
        values = np.sort(np.concatenate(arrays)) if arrays else np.array([], dtype=np.float64)
        edges = present[0].edges if same_edges and present else numeric_edges(values)
        merged = NumericProfile(rows, nulls, nonfinite, values, edges, bin_counts(values, edges))
        return merged.compacted()
    sketches = [_saved_sketch(part) for part in present]
    sketch = sketches[0]
    for other in sketches[1:]:
        sketch = sketch.merged(other)
    if same_edges:
        edges, counts = present[0].edges, np.sum([part.bin_counts for part in present], axis=0)
        exact = all(part.bins_exact for part in present)
    else:
        # The parts were binned on their own deciles: bin the whole on its deciles, estimated from the sketch.
        edges = sketch.quantile_edges(EDGE_QUANTILES[1:-1])
        counts, exact = sketch.pmf_counts(edges), False
    return NumericProfile(rows, nulls, nonfinite, None, edges, counts, sketch=sketch, bins_exact=exact)


def _saved_sketch(part: NumericProfile) -> Sketch:
    """A part's sketch, or one of its values. Never a Grid: data read in batches is compared, not saved."""
    if part.sketch is None:
        assert part.values is not None
        return Sketch.of(part.values)
    assert isinstance(part.sketch, Sketch)
    return part.sketch


_ARROW_SCHEMA = pa.schema(
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
    assert isinstance(sketch, Sketch)
    return row | {
        "sketch_count": sketch.count,
        "sketch_mean": sketch.mean,
        "sketch_m2": sketch.m2,
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
    sketch = None
    values = None if row["values"] is None else np.asarray(row["values"], dtype=floats)
    if values is None:
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
        },
        "parts": profile.parts,
        "findings": [finding.to_record() for finding in profile.findings],
    }
