"""Errors the user can act on, and the exit codes they map to.

A leaf module: it imports nothing from skewcheck, so every other module can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum, unique


@unique
class ExitCode(IntEnum):
    """What a `skewcheck` process tells the pipeline that ran it."""

    PASS = 0
    DRIFT_FAILED = 1
    COULD_NOT_RUN = 2
    SCHEMA_FAILED = 3
    INTERNAL_ERROR = 4

    @property
    def meaning(self) -> str:
        return _MEANINGS[self][0]

    @property
    def explanation(self) -> str:
        return _MEANINGS[self][1]


_MEANINGS = {
    ExitCode.PASS: ("pass", "every gate passed (warnings allowed unless --fail-on warn)"),
    ExitCode.DRIFT_FAILED: ("drift failed (schema fine)", "a feature drifted past its fail threshold"),
    ExitCode.COULD_NOT_RUN: ("could not run", "bad usage, missing/unreadable/corrupt input, invalid schema, no rows"),
    ExitCode.SCHEMA_FAILED: ("schema validation failed", "a dataset broke the schema (drift may have failed too)"),
    ExitCode.INTERNAL_ERROR: ("internal error", "a bug in skewcheck: rerun with --debug for the traceback"),
}


class SkewcheckError(Exception):
    """A problem with what the user gave us; its message is one user-ready line.

    Where the message names one of the library's parameters, it holds a placeholder, `{rows_only}`, given as a
    keyword with its value (None: whatever value). str() spells them as Python does (`rows_only=True`,
    `keys=...`); the command line spells them as its flags (`--rows-only`, `--key COLUMN`) with `render`.
    """

    exit_code = ExitCode.COULD_NOT_RUN

    def __init__(self, message: str, **parameters: object) -> None:
        self.message, self.parameters = message, parameters
        super().__init__(self.render(_python_spelling))

    def render(self, spell: Callable[[str, object], str]) -> str:
        """The message with each parameter spelled by `spell(name, value)`."""
        text = self.message
        for name, value in self.parameters.items():
            text = text.replace("{" + name + "}", spell(name, value))
        return text


class SchemaFileError(SkewcheckError):
    """The schema file itself is wrong (not the data it describes)."""


class InputError(SkewcheckError):
    """An input dataset is missing, unreadable, corrupt or empty."""


class UsageError(SkewcheckError):
    """Options that contradict each other or name something that does not exist."""


def _python_spelling(name: str, value: object) -> str:
    return f"{name}=..." if value is None else f"{name}={value!r}"
