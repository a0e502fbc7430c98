"""Normalising a report: what changes from run to run (time, version, paths, salts, seconds) taken out.

The golden files are compared after normalising (tests/scenarios/test_golden.py, which tests these too), and so is
any test that compares two runs' reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from skewcheck.audit.stamps import skewcheck_version
from tests.helpers import REPO

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
SALTED = re.compile(r"hash:[0-9a-f]{12}")
# A history run's id: its start time and a random suffix (history/store.py).
RUN_ID = re.compile(r"\b\d{8}T\d{6}Z-[0-9a-f]{8}\b")
# A number, not part of a word, a hash or a dotted version.
FLOAT = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")


def normalise(text: str) -> str:
    """What every format shares: no path, time, version or salt of this run left in."""
    text = text.replace(str(REPO), "<repo>")
    text = RUN_ID.sub("<run id>", text)
    text = TIMESTAMP.sub("<time>", text)
    text = re.sub(rf"(?<![\w.]){re.escape(skewcheck_version())}(?![\w.])", "<version>", text)
    return SALTED.sub("hash:<salted>", text)


def normalise_json(text: str) -> str:
    text = re.sub(
        r'"timings_seconds": \{[^}]*\}',
        lambda block: re.sub(r"(\": )[-\d.eE+]+", r'\1"<seconds>"', block.group()),
        normalise(text),
    )
    return FLOAT.sub(lambda number: _ten_digits(number.group()), text)


def _ten_digits(number: str) -> str:
    if not any(mark in number for mark in ".eE"):
        return number  # integers (counts, rows) are exact
    return repr(float(f"{float(number):.10g}"))


def normalise_markdown(text: str) -> str:
    # The provenance line ends with the run's elapsed seconds: "- skewcheck <version> · <time> · 0.83 s".
    return re.sub(r"(?m)^(- skewcheck .*· )\d+(?:\.\d+)? s$", r"\1<seconds> s", normalise(text))


def normalise_junit(text: str) -> str:
    return re.sub(r'(<testsuites?\b[^>]*\btime=")[^"]*"', r'\1<seconds>"', normalise(text))


def normalise_html(text: str) -> str:
    # The run line ends with the elapsed seconds: "skewcheck <version>, <time> in 0.83 s".
    return re.sub(r"(, <time>) in \d+(?:\.\d+)? s<", r"\1 in <seconds> s<", normalise(text))


def normalise_table(text: str) -> str:
    # rich pads each line to the terminal width; the padding is not the report.
    return "\n".join(line.rstrip() for line in normalise(text).splitlines()) + "\n"


def normaliser_for(name: str) -> Callable[[str], str]:
    """An expected file's normaliser, by its extension: `.txt` is what a terminal shows."""
    return NORMALISERS.get(Path(name).suffix, normalise)


NORMALISERS: dict[str, Callable[[str], str]] = {
    ".json": normalise_json,
    ".md": normalise_markdown,
    ".xml": normalise_junit,
    ".html": normalise_html,
    ".txt": normalise_table,
}
