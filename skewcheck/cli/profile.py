"""`skewcheck profile DATA -o PROFILE`: a dataset's profile saved (on this machine or on Spark), or profiles merged."""

from __future__ import annotations

from typing import Annotated

import typer

from skewcheck.audit.options import Options
from skewcheck.audit.profile import merge_profiles, profile
from skewcheck.cli import outputs, terminal
from skewcheck.cli.options import DataFormatOption, DebugOption, QuietOption, StorageOption
from skewcheck.errors import UsageError
from skewcheck.profiling import saved as profile_file
from skewcheck.schema.model import Dataset


def profile_command(
    data: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="DATA...",
            help="The data: a file, a quoted glob or a directory (with --spark, any path Spark reads). "
            "With --merge: the profiles to merge.",
        ),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="PATH", help="The profile to write (.skprofile).")
    ] = "",
    schema: Annotated[
        str | None,
        typer.Option("--schema", "-s", metavar="PATH", help="The schema file (YAML or JSON); not with --merge."),
    ] = None,
    dataset: Annotated[
        Dataset, typer.Option("--dataset", help="training, or serving (counted on --baseline's points).")
    ] = Dataset.TRAIN,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", metavar="PROFILE", help="With --dataset serving: the training profile."),
    ] = None,
    merge: Annotated[
        bool, typer.Option("--merge", help="Merge saved profiles of parts into the profile of the whole.")
    ] = False,
    spark: Annotated[
        bool, typer.Option("--spark", help="Profile on Spark, each partition where it lies (skewcheck[spark]).")
    ] = False,
    master: Annotated[
        str | None, typer.Option("--master", metavar="URL", help="With --spark: the Spark master (local[4], yarn).")
    ] = None,
    conf: Annotated[
        list[str] | None,
        typer.Option("--conf", metavar="KEY=VALUE", help="With --spark: a Spark setting; repeat for more."),
    ] = None,
    table: Annotated[
        str | None, typer.Option("--table", metavar="NAME", help="With --spark: a metastore table instead of DATA.")
    ] = None,
    data_format: DataFormatOption = None,
    data_version: Annotated[
        int | None, typer.Option("--data-version", min=0, metavar="N", help="Read this version of a Delta table.")
    ] = None,
    storage_option: StorageOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> int:
    """Save a dataset's profile, for `skewcheck check PROFILE SERVING` without reading it again.

    Exit codes: 0 written, 2 could not (bad input, a bad option, a file that cannot be written), 4 internal error.
    """
    data = data or []
    if not output:
        raise UsageError("profile needs --output PATH: the profile to write")
    if not output.endswith(profile_file.SUFFIX):
        raise UsageError(f"{output}: a profile's name ends in {profile_file.SUFFIX} (that is how `check` knows it)")
    if not spark and (master or conf or table):
        raise UsageError("--master, --conf and --table set how Spark reads the data: add --spark")
    storage = outputs.use_storage(storage_option)
    inputs = [name for spec in data for name in outputs.inputs_of(spec, data_format)] + outputs.inputs_of(schema)
    inputs += outputs.inputs_of(baseline)
    outputs.refuse_unsafe({}, inputs, others={"the profile": output})
    if merge:
        if schema is not None or spark:
            raise UsageError("--merge combines saved profiles, which carry their schema: drop --schema and --spark")
        if len(data) < 2:
            raise UsageError("--merge needs two or more profiles")
        saved = merge_profiles(data, storage)
    else:
        if schema is None:
            raise UsageError("profile needs --schema: it decides which columns are features and how to read them")
        if len(data) != (0 if table else 1):
            raise UsageError(
                "profile reads one DATA (a file, a quoted glob or a directory; with --spark, or --table NAME); "
                "to combine profiles of parts, profile each, then use --merge"
            )
        if spark:
            saved = _on_spark(data[0] if data else None, schema, dataset, baseline, master, conf, table, data_format)
        else:
            options = Options(
                train_format=data_format,
                serving_format=data_format,
                train_version=data_version,
                serving_version=data_version,
                storage_options=storage,
            )
            with terminal.progress(quiet) as progress:
                saved = profile(data[0], schema, options, dataset=dataset, baseline=baseline, progress=progress)
    outputs.write(output, profile_file.to_bytes(saved), inputs, what="the profile")
    findings = len(saved.findings)
    noted = (
        f"; {terminal.plural(findings, 'schema finding')} in {saved.environment}, shown in every check against it"
        if findings
        else ""
    )
    features = terminal.plural(len(saved.features), "feature")
    terminal.note(f"wrote {output}: {features} from {saved.source.rows:,} rows{noted}")
    return 0


def _on_spark(
    data: str | None,
    schema: str,
    dataset: Dataset,
    baseline: str | None,
    master: str | None,
    conf: list[str] | None,
    table: str | None,
    data_format: DataFormatOption,
) -> profile_file.SavedProfile:
    settings = []
    for item in conf or []:
        key, equals, value = item.partition("=")
        if not equals or not key:
            raise UsageError(f"--conf {item}: a Spark setting is KEY=VALUE")
        settings.append((key, value))
    try:
        from skewcheck.spark.read import profile_data
    except ImportError as error:
        raise UsageError(
            f"--spark needs pyspark ({error.name} is not installed): pip install 'skewcheck[spark]'"
        ) from None
    return profile_data(
        data,
        schema,
        table=table,
        dataset=dataset,
        baseline=baseline,
        data_format=data_format,
        master=master,
        conf=settings,
    )
