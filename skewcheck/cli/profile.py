"""`skewcheck profile DATA -o PROFILE`: a training dataset's profile saved, or saved profiles merged."""

from __future__ import annotations

from typing import Annotated

import typer

from skewcheck.audit.options import Options
from skewcheck.audit.profile import merge_profiles, profile
from skewcheck.cli import outputs, terminal
from skewcheck.cli.options import DataFormatOption, DebugOption, QuietOption, StorageOption
from skewcheck.errors import UsageError
from skewcheck.profiling import saved as profile_file


def profile_command(
    data: Annotated[
        list[str],
        typer.Argument(
            metavar="DATA...",
            help="Training data: a file, a quoted glob or a directory. With --merge: the profiles to merge.",
        ),
    ],
    output: Annotated[str, typer.Option("--output", "-o", metavar="PATH", help="The profile to write (.skprofile).")],
    schema: Annotated[
        str | None,
        typer.Option("--schema", "-s", metavar="PATH", help="The schema file (YAML or JSON); not with --merge."),
    ] = None,
    merge: Annotated[
        bool, typer.Option("--merge", help="Merge saved profiles of parts into the profile of the whole.")
    ] = False,
    data_format: DataFormatOption = None,
    data_version: Annotated[
        int | None, typer.Option("--data-version", min=0, metavar="N", help="Read this version of a Delta table.")
    ] = None,
    storage_option: StorageOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> int:
    """Save a training dataset's profile, for `skewcheck check PROFILE SERVING` without reading it again.

    Exit codes: 0 written, 2 could not (bad input, a bad option, a file that cannot be written), 4 internal error.
    """
    if not output.endswith(profile_file.SUFFIX):
        raise UsageError(f"{output}: a profile's name ends in {profile_file.SUFFIX} (that is how `check` knows it)")
    storage = outputs.use_storage(storage_option)
    inputs = [name for spec in data for name in outputs.inputs_of(spec, data_format)] + outputs.inputs_of(schema)
    outputs.refuse_unsafe({}, inputs, others={"the profile": output})
    if merge:
        if schema is not None:
            raise UsageError("--merge combines saved profiles, which carry their schema: drop --schema")
        if len(data) < 2:
            raise UsageError("--merge needs two or more profiles")
        saved = merge_profiles(data, storage)
    else:
        if schema is None:
            raise UsageError("profile needs --schema: it decides which columns are features and how to read them")
        if len(data) != 1:
            raise UsageError(
                "profile reads one DATA (a file, a quoted glob or a directory); to combine profiles "
                "of parts, profile each, then use --merge"
            )
        with terminal.progress(quiet) as progress:
            saved = profile(
                data[0],
                schema,
                Options(train_format=data_format, train_version=data_version, storage_options=storage),
                progress=progress,
            )
    outputs.write(output, profile_file.to_bytes(saved), inputs, what="the profile")
    findings = len(saved.findings)
    noted = (
        f"; {terminal.plural(findings, 'schema finding')} in training, shown in every check against it"
        if findings
        else ""
    )
    features = terminal.plural(len(saved.features), "feature")
    terminal.note(f"wrote {output}: {features} from {saved.source.rows:,} rows{noted}")
    return 0
