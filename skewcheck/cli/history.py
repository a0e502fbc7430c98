"""`skewcheck history DIR`: each feature's drift metric over the audited partitions, worst first."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated

import typer

from skewcheck.audit.stored import migrate_history, read_history
from skewcheck.cli import outputs, terminal
from skewcheck.cli.options import DebugOption, QuietOption, StorageOption


def history(
    directory: Annotated[
        str,
        typer.Argument(metavar="DIR", help="The history `check --history DIR` writes: a directory or a URL."),
    ],
    feature: Annotated[str | None, typer.Option("--feature", metavar="NAME", help="Only this feature.")] = None,
    since: Annotated[
        dt.datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="Only partitions from this date on.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the series as JSON instead of the table.")] = False,
    schema_version: Annotated[
        str | None,
        typer.Option(
            "--schema-version",
            metavar="SHA",
            help="Show the series an older schema audited (a prefix of its SHA-256, as reports print it).",
        ),
    ] = None,
    every_version: Annotated[
        bool, typer.Option("--all", help="One series per feature and schema version, older ones included.")
    ] = False,
    html_path: Annotated[
        str | None, typer.Option("--html", metavar="PATH", help="Also write a page with a chart per feature.")
    ] = None,
    migrate: Annotated[
        bool, typer.Option("--migrate", help="Move a history of the older Parquet-files layout into a Delta table.")
    ] = False,
    storage_option: StorageOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> int:
    """Each feature's drift metric over the audited partitions, worst first (failed, warned, trend).

    Exit codes: 0 shown, 2 the history could not be read (or holds nothing that matches), 4 internal error.
    """
    # Imported here: their charting library is a fifth of a second of start-up every other command would pay.
    from skewcheck.reporters import history_html, history_json, history_table, history_text

    storage = outputs.use_storage(storage_option)
    inputs = outputs.inputs_of(directory)
    outputs.refuse_unsafe({}, inputs, others={"the --html page": html_path}, stores=(directory,))
    if migrate:
        terminal.note(f"skewcheck: {migrate_history(directory)}")
    day = since.date() if since else None
    view = read_history(
        directory,
        feature=feature,
        since=day,
        schema_version=schema_version,
        every_version=every_version,
        storage_options=storage,
    )
    if html_path is not None:
        outputs.write(html_path, history_html.html(view), inputs, "the --html page")
    if as_json:
        sys.stdout.write(history_json.to_json(view))
    elif quiet:
        terminal.stdout().print(history_text.summary_line(view), markup=False, highlight=False, soft_wrap=True)
    else:
        terminal.stdout().print(history_table.renderable(view))
    return 0
