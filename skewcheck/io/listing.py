"""A local directory's entries, every level down; a folder that cannot be listed is an error, not an empty folder."""

from __future__ import annotations

import os
from pathlib import Path

from skewcheck.errors import InputError


def entries_under(root: Path) -> list[Path]:
    """Every file and folder under `root` (Path.rglob's order), after checking that each folder can be listed.

    rglob skips a folder it may not read, silently: a chmod 000 directory would read as "no data files".
    """
    entries = list(root.rglob("*"))
    for folder in [root, *(entry for entry in entries if entry.is_dir())]:
        if not os.access(folder, os.R_OK | os.X_OK):
            raise InputError(f"{folder}: permission denied: the folder cannot be listed; check its permissions")
    return entries
