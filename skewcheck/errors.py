"""Errors the user can act on, and the exit codes they map to.

A leaf module: it imports nothing from skewcheck, so every other module can use it.
"""

from __future__ import annotations

from enum import IntEnum, unique


@unique
class ExitCode(IntEnum):
    """What a `skewcheck` process tells the pipeline that ran it."""

    PASS = 0
    """Every check passed (warnings allowed unless `--fail-on warn`)."""
    DRIFT_FAILED = 1
    """At least one feature drifted past its fail threshold; the schema held."""
    COULD_NOT_RUN = 2
    """Bad usage, missing/unreadable/corrupt input, invalid schema file, no rows."""
    SCHEMA_FAILED = 3
    """At least one dataset broke the schema (drift may have failed too)."""
    INTERNAL_ERROR = 4
    """A bug in skewcheck: rerun with --debug for the traceback."""

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.PASS: "pass",
    ExitCode.DRIFT_FAILED: "drift failed (schema fine)",
    ExitCode.COULD_NOT_RUN: "could not run",
    ExitCode.SCHEMA_FAILED: "schema validation failed",
    ExitCode.INTERNAL_ERROR: "internal error",
}


class SkewcheckError(Exception):
    """A problem with what the user gave us; its message is one user-ready line."""

    exit_code = ExitCode.COULD_NOT_RUN


class SchemaFileError(SkewcheckError):
    """The schema file itself is wrong (not the data it describes)."""


class InputError(SkewcheckError):
    """An input dataset is missing, unreadable, corrupt or empty."""


class UsageError(SkewcheckError):
    """Options that contradict each other or name something that does not exist."""
