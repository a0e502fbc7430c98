"""`python -m skewcheck`, and the `skewcheck` console script: the one place errors become exit codes.

Only the standard library is imported before `entry` runs: the command line (typer, polars, rich) is imported
inside it, so that Ctrl-C during those imports ends the same way as Ctrl-C anywhere else.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from skewcheck.errors import ExitCode, SkewcheckError, os_error_line

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a program Ctrl-C stopped
_PROCESS = False
"""Whether `entry` runs as the process itself (the console script), not called in-process by a test."""


def entry(argv: Sequence[str] | None = None) -> NoReturn:
    """The console script: exit with the code the command returned, or the one its error maps to."""
    _tolerant_streams()
    try:
        try:
            code = _flushed(main(list(sys.argv[1:] if argv is None else argv)))
        except KeyboardInterrupt:
            code = INTERRUPTED
            _settled()  # a second Ctrl-C already pending is raised here, inside this try, not as a traceback below
    except KeyboardInterrupt:
        code = INTERRUPTED
    if code == INTERRUPTED:
        _interrupted()
    elif _PROCESS:  # the run is over and said so: a Ctrl-C while Python shuts down just ends it, with no traceback
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(code)


def _settled() -> None:
    """Nothing: calling a function is where Python raises a pending signal's exception."""


def main(args: list[str]) -> int:
    """Run `skewcheck ARGS`; every error ends here as one stderr line and an exit code, never a traceback.

    Ours exit 2 (the user can act on them), and so do the operating system's (a permission, a full disk, a name
    too long, a closed pipe) and the limits of the machine (recursion, memory); anything else exits 4 (a bug),
    with its traceback under --debug. Library warnings (numpy overflow on extreme values, say) stay out of the
    user's stderr unless --debug.
    """
    debug = "--debug" in args  # an option of each command, read here: this boundary is outside them all
    try:
        command_line = _imported_quietly()
        with warnings.catch_warnings():
            if not debug:
                warnings.simplefilter("ignore")
            return command_line(args)
    except SkewcheckError as error:  # the library names its parameters; the command line names its flags
        from skewcheck.cli.options import spelling_for

        command = next((arg for arg in args if not arg.startswith("-")), None)
        if debug and error.__cause__ is not None:  # another engine's error made one line (Spark's JVM trace)
            traceback.print_exception(error.__cause__)
        return _fail(f"error: {error.render(spelling_for(command))}", error.exit_code)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except OSError as error:  # the machine's answer about a path: the user's to fix, not a bug
        _show(error, debug)
        if error.filename == _Stdout.NAME:
            _silence_stdout()  # what it still buffers would fail again, with a second line
        return _fail(f"error: {os_error_line(error)}", ExitCode.COULD_NOT_RUN)
    except RecursionError as error:
        _show(error, debug)
        return _fail("error: the input is nested too deeply to read (Python's recursion limit)", ExitCode.COULD_NOT_RUN)
    except MemoryError as error:
        _show(error, debug)
        advice = "read less at once (--approx or --sample), or run on a larger machine"
        return _fail(f"error: out of memory; {advice}", ExitCode.COULD_NOT_RUN)
    except BaseException as error:  # polars panics derive from BaseException: bugs too, exit 4 (never 1)
        if _is_usage_error(error):
            return _usage_error(error)
        if type(error).__name__ == "Abort" or _interrupted_inside_polars(error):  # Ctrl-C: not a bug
            raise KeyboardInterrupt from error
        _show(error, debug)
        message = f"internal error: {type(error).__name__}: {error}".splitlines()[0]
        return _fail(f"{message} (a bug in skewcheck; rerun with --debug for the traceback)", ExitCode.INTERNAL_ERROR)


def _imported_quietly() -> Callable[[list[str]], int]:
    """The command line, imported with SIGINT held back: a Ctrl-C meanwhile arrives once the imports are done.

    Interrupted halfway, polars' start-up panics (a Rust panic and its backtrace, then "a bug" at exit 4).
    """
    hold = hasattr(signal, "pthread_sigmask")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if hold else set()
    try:
        from skewcheck.cli import app

        # polars installs a SIGINT handler of its own at import, to abort its queries. Two things break under
        # it: a query aborted while one of its threads runs Python code panics (a Rust backtrace, then exit 4),
        # and interrupted system calls are restarted, so a Ctrl-C while Python waits in one (a FIFO, a slow
        # disk) is never seen. Python's own again: Ctrl-C is a KeyboardInterrupt in the main thread, raised as
        # soon as polars hands control back (a query's end, or the next batch under --approx).
        signal.signal(signal.SIGINT, signal.default_int_handler)
    finally:
        if hold:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return app.run


def _interrupted_inside_polars(error: BaseException) -> bool:
    """Ctrl-C while polars ran Python code from Rust (a data type's constructor): polars panics on the
    KeyboardInterrupt instead of passing it on, and prints the panic itself."""
    return type(error).__name__ == "PanicException" and "KeyboardInterrupt" in str(error)


def _tolerant_streams() -> None:
    # A terminal or log that cannot show a character (PYTHONIOENCODING=ascii, a C locale) gets \u escapes
    # instead of a UnicodeEncodeError in the middle of a report.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    if sys.stdout is sys.__stdout__ and isinstance(sys.stdout, io.TextIOWrapper):
        # The process's own stdout, written through a file that names itself in its errors ("stdout: no space
        # left on the device"), since the operating system's error carries no name.
        global _PROCESS  # noqa: PLW0603 - set once, by the console script's own run
        _PROCESS = True
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            raw = _Stdout(sys.stdout.fileno(), "w", closefd=False)
            sys.stdout.flush()
            sys.stdout = io.TextIOWrapper(
                io.BufferedWriter(raw),
                encoding=sys.stdout.encoding,
                errors="backslashreplace",
                line_buffering=sys.stdout.line_buffering,
            )


class _Stdout(io.FileIO):
    NAME = "stdout"

    def write(self, data: ReadableBuffer, /) -> int:
        try:
            return super().write(data)
        except OSError as error:
            error.filename = error.filename or self.NAME
            raise


def _flushed(code: int) -> int:
    """The payload's last bytes reach stdout here: a full disk or a closed pipe is the run's failure (exit 2)."""
    try:
        sys.stdout.flush()
    except OSError as error:
        _silence_stdout()
        return _fail(f"error: {os_error_line(error, 'stdout')}", ExitCode.COULD_NOT_RUN)
    return code


def _silence_stdout() -> None:
    # What stdout still buffers would fail again when Python exits, with a message of its own: drop it.
    try:
        descriptor = os.open(os.devnull, os.O_WRONLY)
        os.dup2(descriptor, sys.stdout.fileno())
        os.close(descriptor)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _interrupted() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the goodbye
    _silence_stdout()
    with contextlib.suppress(OSError):
        sys.stderr.write("skewcheck: interrupted; no output was left half-written\n")
        sys.stderr.flush()


def _show(error: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exception(error)


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
    from skewcheck.cli import terminal

    terminal.note(f"skewcheck: {message}")
    return int(code)


if __name__ == "__main__":
    entry()
