"""Schema dataclasses back to a schema file: YAML the loader reads back to the same features.

Only the keys that differ from the loader's defaults are written, in a fixed order, so the
same features always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from typing import Any

import yaml

from skewcheck.errors import UsageError
from skewcheck.schema.model import ENVIRONMENTS, Bound, Dataset, Feature, FeatureType, Role


def schema_text(features: Iterable[Feature], header: list[str]) -> str:
    """A version 1 schema file: the header lines as comments, then the features in the order given."""
    # A comment ends at any line break, and YAML refuses control characters anywhere: escape them.
    comment = "".join(f"# {''.join(c if c.isprintable() else ascii(c)[1:-1] for c in line)}\n" for line in header)
    document = {"version": 1, "features": {f.name: _declaration(f) for f in features}}
    # No line folding: the loader reads each category value back from its scalar's text.
    return comment + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=2**31 - 1)


def _declaration(feature: Feature) -> dict[str, Any]:
    """The keys that differ from the loader's defaults, in a fixed order."""
    rule = feature.rules.get("nullable")
    declaration = {
        "type": str(feature.type),
        "role": str(feature.role) if feature.role is Role.KEY else None,
        "nullable": None if feature.nullable else _FlowMapping(value=False, mostly=rule.mostly) if rule else False,
        "min": _number(feature.type, feature.min),
        "max": _number(feature.type, feature.max),
        "allow_nan": feature.allow_nan or None,
        "allow_inf": feature.allow_inf or None,
        "values": None if feature.values is None else list(feature.values),
        "drift": False if feature.drift is None else None,
        "environments": [name for name, dataset in ENVIRONMENTS.items() if dataset in feature.environments]
        if feature.environments != frozenset(Dataset)
        else None,
        "serving_path": ".".join(feature.serving_path) or None,
        "training_path": ".".join(feature.training_path) or None,
    }
    return {key: value for key, value in declaration.items() if value is not None}


def _number(type_: FeatureType, bound: Bound | None) -> int | float | None:
    # An int feature's bound is a whole float (see _as_float): written as an int, read back as that float.
    return None if not isinstance(bound, float) else int(bound) if type_ is FeatureType.INT else bound


class _FlowMapping(dict[str, Any]):
    """Written on one line: `nullable: {value: false, mostly: 0.99}`."""


class _Dumper(yaml.SafeDumper):
    pass


# Besides what PyYAML quotes itself (NO, yes, null, 01, 1.5): what a YAML 1.2 reader or a person
# could take for a number or a boolean (1e3, 0o17, +1, y, n), so that every reader sees a string.
_AMBIGUOUS = re.compile(r"[-+]?\.?[0-9].*|[-+]?\.(inf|nan)|[yn]|[=~]|<<", re.IGNORECASE | re.DOTALL)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # Double quotes escape line breaks and control characters, which single quotes would fold away.
    style = '"' if not text.isprintable() else "'" if _AMBIGUOUS.fullmatch(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)
# The only lists are category values, one line each: `values: [a, b]`.
_Dumper.add_representer(list, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, True))
_Dumper.add_representer(
    _FlowMapping, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)
)


def today() -> str:
    """Today in UTC, or the date of SOURCE_DATE_EPOCH (reproducible-builds.org) so that output can be pinned."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.datetime.now(dt.UTC).date().isoformat()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}") from None
