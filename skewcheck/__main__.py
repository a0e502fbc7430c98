"""`python -m skewcheck`, and the `skewcheck` console script: the one place errors become exit codes."""

from __future__ import annotations

import sys
import traceback
import warnings
from collections.abc import Sequence
from typing import NoReturn

from skewcheck.cli import terminal
from skewcheck.cli.app import app
from skewcheck.cli.options import spelling_for
from skewcheck.errors import ExitCode, SkewcheckError


def entry(argv: Sequence[str] | None = None) -> NoReturn:
    """The console script: exit with the code the command returned, or the one its error maps to."""
    sys.exit(int(main(list(sys.argv[1:] if argv is None else argv))))


def main(args: list[str]) -> int:
    """Run `skewcheck ARGS`; every error ends here as one stderr line and an exit code, never a traceback.

    Ours exit 2 (the user can act on them), anything else 4 (a bug), with its traceback under --debug. Library
    warnings (numpy overflow on extreme values, say) stay out of the user's stderr unless --debug.
    """
    debug = "--debug" in args  # an option of each command, read here: this boundary is outside them all
    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.simplefilter("ignore")
            code = app(args=args, prog_name="skewcheck", standalone_mode=False)
    except SkewcheckError as error:  # the library names its parameters; the command line names its flags
        command = next((arg for arg in args if not arg.startswith("-")), None)
        if debug and error.__cause__ is not None:  # another engine's error made one line (Spark's JVM trace)
            traceback.print_exception(error.__cause__)
        return _fail(f"error: {error.render(spelling_for(command))}", error.exit_code)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as error:  # polars panics derive from BaseException: bugs too, exit 4 (never 1)
        if _is_usage_error(error):
            return _usage_error(error)
        if type(error).__name__ == "Abort":  # Ctrl-C, as typer reports it: not a bug
            raise
        if debug:
            traceback.print_exception(error)
        message = f"internal error: {type(error).__name__}: {error}".splitlines()[0]
        return _fail(f"{message} (a bug in skewcheck; rerun with --debug for the traceback)", ExitCode.INTERNAL_ERROR)
    return code if isinstance(code, int) else 0


def _is_usage_error(error: BaseException) -> bool:
    # typer's usage errors (click's) carry format_message() and exit code 2; they are not exported.
    return getattr(error, "exit_code", None) == ExitCode.COULD_NOT_RUN and hasattr(error, "format_message")


def _usage_error(error: BaseException) -> int:
    message = str(error.format_message())  # type: ignore[attr-defined]
    if type(error).__name__ == "NoArgsIsHelpError":  # `skewcheck` alone: the help, as typer shows it
        sys.stderr.write(message + "\n")
        return int(ExitCode.COULD_NOT_RUN)
    command = getattr(getattr(error, "ctx", None), "command_path", "skewcheck")
    return _fail(f"error: {' '.join(message.split())} (see {command} --help)", ExitCode.COULD_NOT_RUN)


def _fail(message: str, code: ExitCode) -> int:
    terminal.note(f"skewcheck: {message}")
    return int(code)


if __name__ == "__main__":
    entry()
