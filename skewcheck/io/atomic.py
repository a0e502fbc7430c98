"""Write files so that a reader sees the old content or the new, never half of either, and nothing else is touched.

Every file skewcheck writes (reports, schemas, profiles, the mismatching rows, the history store) comes through
`write_atomic`: a temporary file created beside the path (O_EXCL, mode 0600 until it is complete), flushed to disk,
given its final mode, then renamed over the path. A rename replaces the name itself: a symlink planted at the
path (`report.json -> ~/.bashrc` in a shared CI folder or /tmp), dangling or not, is replaced by the new file,
and its target is never opened for writing. A hard link is split the same way.

Two kinds of path are written into instead, because renaming over them would destroy what they name: the
system's own device paths (/dev/stdout, /dev/fd/63 from a shell's `>(...)`, /dev/null), and a FIFO or device
that is itself at the path (not a link to it; opened with O_NOFOLLOW, so a link swapped in meanwhile fails).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

_SYSTEM_PATHS = ("/dev/", "/proc/")
_MAX_PREFIX = 100  # the temporary file's name is .<name>.<random>.tmp: kept short enough for any file system


def write_atomic(path: str | Path, data: str | bytes, mode: int | None = None) -> None:
    """Write `data` (text as UTF-8) to `path` atomically; the new file gets `mode` (default: what the umask allows).

    A regular file already there never becomes more readable than it was.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if _written_into(target):
        _write_into(target, payload)
        return
    final_mode = (0o666 & ~umask() if mode is None else mode) & _existing_mode(target)
    prefix = f".{target.name[:_MAX_PREFIX]}."
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise _named(error, target) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
            os.fchmod(stream.fileno(), final_mode)
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _named(error, target) from None
        raise


def _named(error: OSError, target: Path) -> OSError:
    """The error as the user's path's, not the temporary file's they never named (ENOSPC names neither)."""
    return type(error)(error.errno, error.strerror, str(target)) if error.errno else error


def _written_into(target: Path) -> bool:
    if os.path.abspath(target).startswith(_SYSTEM_PATHS):
        return True
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return False
    return not (stat.S_ISREG(status.st_mode) or stat.S_ISLNK(status.st_mode) or stat.S_ISDIR(status.st_mode))


def _write_into(target: Path, payload: bytes) -> None:
    if os.path.abspath(target).startswith(_SYSTEM_PATHS):  # the shell's own redirections: follow them, as `>` does
        flags = os.O_WRONLY | os.O_TRUNC | os.O_CREAT
    else:  # a FIFO or device standing at the path; O_TRUNC is meaningless there and O_CREAT must not happen
        flags = os.O_WRONLY | os.O_NOFOLLOW
    descriptor = os.open(target, flags, 0o666)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(payload)


def _existing_mode(target: Path) -> int:
    try:
        status = os.lstat(target)
    except OSError:
        return 0o777
    return stat.S_IMODE(status.st_mode) if stat.S_ISREG(status.st_mode) else 0o777


def umask() -> int:
    """The process's umask (reading it means setting it: set back at once; no other thread creates files meanwhile)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
