"""The write side's rules, in one place: where a run may write, checked before any work, and with what mode.

A run's outputs (reports, a schema, a profile, the mismatching rows, the step summary) are refused, with one line
and before anything is read or computed, when one of them
- is an empty path, or a path two outputs share (one would silently replace the other);
- is, or is inside, one of the run's inputs (a file, a directory of files, a saved profile, the schema) or a
  history store (a report dropped among a store's partitions breaks every later `history`);
- cannot be written anyway: a directory, a folder that is missing, a file or unwritable, a name too long.

Paths are strings. A local path is compared by its real path (symlinks and `..` resolved); an object-store URL
(`io.remote`) as `remote.same_object` does (no query, no trailing slash, any case), and shown without its secrets;
the same rules hold for it, only the local probes (`_writable`) are skipped.

`output_mode` is the mode outputs are created with: never more readable than the most private of the inputs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from skewcheck.errors import UsageError
from skewcheck.io import remote
from skewcheck.io.atomic import umask

STDOUT = "-"


@dataclass(frozen=True)
class Output:
    """A path the run will write, and what goes there ("the JSON report", "the profile"); a folder it fills."""

    path: str
    what: str
    folder: bool = False


def check_outputs(outputs: Sequence[Output], inputs: Iterable[str] = (), stores: Iterable[str] = ()) -> None:
    """Refuse, before any work, an output that breaks a rule above (UsageError naming the path and the rule).

    `inputs`: every path the run reads (specs and the files they stand for); `stores`: history store folders.
    """
    seen: dict[str, Output] = {}
    read = [(name, identity(name), _folder(name)) for name in inputs if name and name != STDOUT]
    kept = [(name, identity(name)) for name in stores if name]
    for output in outputs:
        if output.path == STDOUT:
            continue
        if not output.path.strip():
            raise UsageError(f"an empty path is not a file: name a file for {output.what}")
        key = identity(output.path)
        if key in seen:
            first = seen[key]
            raise UsageError(
                f"{_shown(output.path)}: named for both {first.what} and {output.what}; give each its own file"
            )
        seen[key] = output
        _apart(output, key, read, kept)
        if is_url(output.path):
            continue
        if output.folder:
            _fillable(output.path, output.what)
        else:
            _writable(output.path, output.what)


def _apart(output: Output, key: str, read: list[tuple[str, str, bool]], kept: list[tuple[str, str]]) -> None:
    """Neither over nor into an input, nor into a history store (the store itself may be the output)."""
    for name, store_key in kept:
        if not output.folder and (key == store_key or _inside(key, store_key)):
            raise UsageError(
                f"{_shown(output.path)}: refusing to write {output.what} into the history store {_shown(name)}; "
                "write it outside the store"
            )
    for _, input_key, folder in read:
        if key == input_key:
            kind = "" if is_url(output.path) else " folder" if folder else " file"
            raise UsageError(f"{_shown(output.path)}: refusing to write {output.what} over an input{kind}")
    for name, input_key, folder in read:
        if folder and _inside(key, input_key):
            raise UsageError(
                f"{_shown(output.path)}: refusing to write {output.what} into the input folder {_shown(name)}"
            )


def identity(path: str) -> str:
    """What two spellings of one output share: the real path, or a URL's text."""
    if is_url(path):
        return remote.shown(path).rstrip("/").lower()
    return os.path.realpath(path)


def is_url(path: str) -> bool:
    return remote.is_url(path)


def _shown(path: str) -> str:
    return remote.shown(path) if is_url(path) else path


def _folder(path: str) -> bool:
    """Whether an input holds others: a local directory, or any URL (an object store's prefix)."""
    return is_url(path) or os.path.isdir(path)


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip("/") + "/")


def _writable(output: str, what: str) -> None:
    target = os.path.realpath(output)
    parent = os.path.dirname(target)
    if os.path.isdir(target):
        raise UsageError(f"{output}: is a directory; name a file for {what}")
    if os.path.exists(parent) and not os.path.isdir(parent):
        raise UsageError(f"{output}: {parent} is a file, not a folder")
    if not os.path.isdir(parent):
        raise UsageError(f"{output}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{output}: folder {parent} is not writable (permission denied); write elsewhere")
    try:
        limit = os.pathconf(parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        return
    name = os.path.basename(target)
    if len(os.fsencode(name)) > limit:
        raise UsageError(
            f"{output[:60]}...: file name too long ({len(os.fsencode(name))} bytes; the folder's file system "
            f"allows {limit}); use a shorter name"
        )


def _fillable(folder: str, what: str) -> None:
    """A folder the run fills: a folder, or creatable in the nearest folder that exists; writable either way."""
    target = os.path.realpath(folder)
    if os.path.exists(target) and not os.path.isdir(target):
        raise UsageError(f"{folder}: is a file; {what} is a folder")
    existing = target
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise UsageError(f"{folder}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{folder}: folder {existing} is not writable (permission denied); keep {what} elsewhere")


def output_mode(inputs: Iterable[str]) -> int:
    """The mode for a new output: what the umask allows, minus every group/other read bit an input lacks.

    A private input (0600) makes private outputs; a report must not show to others what its inputs hid.
    """
    mode = 0o666 & ~umask()
    for name in inputs:
        if not name or name == STDOUT or is_url(name):
            continue
        try:
            status = os.stat(name)
        except OSError:  # not there (a glob, a URL): the run itself reports what cannot be read
            continue
        if stat.S_ISREG(status.st_mode) or stat.S_ISDIR(status.st_mode):
            mode &= 0o600 | (stat.S_IMODE(status.st_mode) & 0o066)
    return mode
