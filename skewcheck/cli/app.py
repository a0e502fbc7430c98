"""The command line: one module per command, each options -> one library call -> render -> exit code, returned.

typer is imported only under cli/. Errors become exit codes and one-line messages in one place, outside every
command: skewcheck.__main__.entry. The payload goes to stdout; messages go to stderr.
"""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperArgument, TyperCommand

from skewcheck.audit.stamps import skewcheck_version
from skewcheck.cli.check import check
from skewcheck.cli.history import history
from skewcheck.cli.infer import infer
from skewcheck.cli.options import EXIT_CODES_HELP
from skewcheck.cli.profile import profile_command
from skewcheck.cli.schema import diff_schema, json_schema_command
from skewcheck.cli.validate import validate

app = typer.Typer(
    name="skewcheck",
    help="Audit training-serving skew: validate a training dataset and a serving log against a schema, "
    "measure per-feature drift, and exit with a code a pipeline can act on.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


class _PlainArgument(TyperArgument):
    """An argument as the help names it: `TRAIN`, not typer's `{TRAIN}` in the usage line and `TRAIN <str>` in the
    list (typer 0.2x's own notation; a reader takes the braces for something to fill in)."""

    def display_type_rich(self, ctx: object) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 and not name.endswith("...") else "")


class _PlainCommand(TyperCommand):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.__class__ = _PlainArgument


def _version(value: bool) -> None:
    if value:
        typer.echo(f"skewcheck {skewcheck_version()}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Training-serving skew auditor."""


app.command(epilog=f"Exit codes:\n\n{EXIT_CODES_HELP}", cls=_PlainCommand)(check)
app.command(cls=_PlainCommand)(infer)
app.command(name="history", cls=_PlainCommand)(history)
app.command(name="profile", cls=_PlainCommand)(profile_command)
app.command(epilog=f"Exit codes:\n\n{EXIT_CODES_HELP}", cls=_PlainCommand)(validate)

schema_app = typer.Typer(help="Work with schema files.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")
schema_app.command("json-schema", cls=_PlainCommand)(json_schema_command)
app.command("diff-schema", cls=_PlainCommand)(diff_schema)


def run(args: list[str]) -> int:
    """Run one command line and return its exit code.

    typer's own entry point turns Ctrl-C into a silent exit 130 and a closed stdout into exit 1 (drift failed!);
    here both reach the caller (skewcheck.__main__, the one error boundary) as KeyboardInterrupt and OSError.
    """
    command = typer.main.get_command(app)
    try:
        with command.make_context("skewcheck", args) as context:
            code = command.invoke(context)
    except typer.Exit as done:  # --version, --help
        return int(done.exit_code)
    return code if isinstance(code, int) else 0
