"""`python -m skewcheck`, and the `skewcheck` console script."""

from __future__ import annotations

import sys

from skewcheck.cli import terminal
from skewcheck.cli.app import app
from skewcheck.errors import ExitCode


def entry() -> None:
    """The console script: typer parses, but a mistake on the command line is one line, like every other error."""
    try:
        code = app(prog_name="skewcheck", standalone_mode=False)
    except Exception as error:
        # typer's usage errors (click's, vendored) carry format_message() and exit code 2; they are not exported.
        if getattr(error, "exit_code", None) != ExitCode.COULD_NOT_RUN or not hasattr(error, "format_message"):
            raise
        message = str(error.format_message())
        if type(error).__name__ == "NoArgsIsHelpError":  # `skewcheck` alone: the help, as typer shows it
            sys.stderr.write(message + "\n")
        else:
            command = getattr(getattr(error, "ctx", None), "command_path", "skewcheck")
            line = f"skewcheck: error: {' '.join(message.split())} (see {command} --help)"
            terminal.stderr().print(line, markup=False, highlight=False, soft_wrap=True)
        code = int(ExitCode.COULD_NOT_RUN)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    entry()
