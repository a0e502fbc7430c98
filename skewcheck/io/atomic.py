"""Write files so that a reader sees the old content or the new, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`.

    A path that exists and is not a regular file (/dev/stdout, a FIFO, a symlink) is written into,
    not replaced: renaming over it would destroy the thing it names.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if target.is_symlink() or (target.exists() and not target.is_file()):
        with target.open("wb") as stream:
            stream.write(payload)
        return
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
