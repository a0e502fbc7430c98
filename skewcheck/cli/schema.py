"""`skewcheck schema json-schema` and `skewcheck diff-schema OLD NEW`: the schema files themselves."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from skewcheck.cli.options import DebugOption
from skewcheck.schema.diff import render_changes, schema_diff
from skewcheck.schema.json_schema import json_schema


def json_schema_command() -> int:
    """Print a JSON Schema of the schema file format, for editors to autocomplete and validate."""
    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")
    return 0


def diff_schema(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The schema as it was.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The schema as it is proposed.")],
    debug: DebugOption = False,
) -> int:
    """What changed between two schema versions; exit 1 when a change can break serving, else 0."""
    diff = schema_diff(old, new)
    sys.stdout.write(render_changes(diff.changes) + "\n")
    return int(diff.exit_code)
