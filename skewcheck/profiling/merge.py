"""Profiles of parts merged into the profile of the whole: one feature's (batches of a stream), or saved files'.

Counts add up exactly. Values kept exactly stay exact while few; otherwise the parts' sketches merge,
and the quantiles are within the sketches' bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from skewcheck.errors import UsageError
from skewcheck.io.sources import InputSummary
from skewcheck.profiling.bins import EDGE_QUANTILES, bin_counts, numeric_edges
from skewcheck.profiling.profiles import CategoricalProfile, NumericProfile, Profile
from skewcheck.profiling.saved import SavedProfile
from skewcheck.stats.sketch import Sketch


def merge_saved(
    profiles: Sequence[SavedProfile], *, created_at: str, skewcheck_version: str, names: Sequence[str] = ()
) -> SavedProfile:
    """The profile of all the parts' data together: counts exact; quantiles within the sketches' bounds.

    `names` are the profiles' files, for messages (by default, the data each was made from)."""
    names = list(names) or [profile.source.spec for profile in profiles]
    first = profiles[0]
    for name, other in zip(names[1:], profiles[1:], strict=True):
        if other.schema_sha256 != first.schema_sha256:
            raise UsageError(
                f"cannot merge profiles made with different schemas: {names[0]} (made with {first.schema_path}, "
                f"sha256 {first.schema_sha256[:12]}) and {name} (made with {other.schema_path}, "
                f"sha256 {other.schema_sha256[:12]}); profile every part with one schema"
            )
    names = list(dict.fromkeys(name for profile in profiles for name in profile.features))
    features = {name: merge_feature([p.features[name] for p in profiles if name in p.features]) for name in names}
    return SavedProfile(
        source=InputSummary(
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
        edges = sketch.quantile_edges(EDGE_QUANTILES)
        counts, exact = sketch.pmf_counts(edges), False
    return NumericProfile(rows, nulls, nonfinite, None, edges, counts, sketch=sketch, bins_exact=exact)


def _saved_sketch(part: NumericProfile) -> Sketch:
    """A part's sketch, or one of its values. Never a Grid: data read in batches is compared, not saved."""
    if part.sketch is None:
        assert part.values is not None
        return Sketch.of(part.values)
    assert isinstance(part.sketch, Sketch)
    return part.sketch
