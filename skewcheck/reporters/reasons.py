"""A feature's reasons as every report writes them: the unseen-values gate names the values.

"unseen_rate 9.1% > fail 5.0%: serving values outside the training values ('ZZ', 'YY', …)". The names are the
histogram's unseen categories, most frequent first, so they are what `audit.privacy` left of them: hashed for a
personal feature, and none named under `--no-examples` (where privacy numbers them).
"""

from __future__ import annotations

import re

from skewcheck.drift.features import FeatureResult

_NUMBERED = re.compile(r"unseen value \d+")
"""How privacy replaces unseen values when no example may be shown: nothing to name."""


def reasons(feature: FeatureResult) -> list[str]:
    named = _unseen_names(feature)
    return [
        f"{reason} ({named})" if named and reason.startswith("unseen_rate ") else reason for reason in feature.reasons
    ]


def _unseen_names(feature: FeatureResult) -> str:
    histogram = feature.histogram
    if histogram is None or not histogram.unseen or all(_NUMBERED.fullmatch(name) for name in histogram.unseen):
        return ""
    more = histogram.serving[-1] > 0  # the share of other unseen values: more than the ones named
    return ", ".join(repr(name) for name in histogram.unseen) + (", …" if more else "")
