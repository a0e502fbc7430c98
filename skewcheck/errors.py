"""Errors the user can act on, and the exit codes they map to.

A leaf module: it imports nothing from skewcheck, so every other module can use it.
"""

from __future__ import annotations

import errno
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


_OS_ADVICE = {
    errno.EACCES: ("permission denied", "check the permissions of the file and its folder"),
    errno.EPERM: ("operation not permitted", "check the permissions of the file and its folder"),
    errno.ENOSPC: ("no space left on the device", "free some space or write elsewhere"),
    errno.EDQUOT: ("disk quota exceeded", "free some space or write elsewhere"),
    errno.EROFS: ("read-only file system", "write elsewhere"),
    errno.ENAMETOOLONG: ("file name too long", "use a shorter name"),
    errno.EPIPE: ("the reader closed the pipe", "keep the reading end open until skewcheck is done"),
    errno.EISDIR: ("is a directory", "name a file"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.ENOENT: ("no such file or directory", "check the path"),
    errno.ELOOP: ("too many levels of symbolic links", "check the links on the path"),
    errno.EIO: ("input/output error", "the disk or network share failed: check it and retry"),
    errno.EMFILE: ("too many open files", "raise the limit (ulimit -n) or read fewer files at once"),
    errno.ENFILE: ("too many open files in the system", "retry when fewer files are open"),
}


def os_error_line(error: OSError, path: str | None = None) -> str:
    """An operating system's error as one line: the path, what happened, what to do ("x.json: permission denied; ...").

    `path` names the file when the error does not (a write to stdout carries no name).
    """
    name = path or (str(error.filename) if error.filename is not None else "a file")
    if error.filename2 is not None and path is None:
        name = f"{error.filename} -> {error.filename2}"
    what, todo = _OS_ADVICE.get(error.errno or -1, (error.strerror or str(error) or type(error).__name__, ""))
    return f"{name}: {what}{f'; {todo}' if todo else ''}"
