"""Errors: one message, its parameters spelled as Python by str() and as the caller likes by render()."""

from __future__ import annotations

import pytest

from skewcheck.errors import ExitCode, InputError, SchemaFileError, SkewcheckError, UsageError


def flag(name: str, value: object) -> str:
    """How a command line might spell a parameter."""
    spelled = "--" + name.replace("_", "-")
    return spelled if value is True else f"{spelled} COLUMN" if value is None else f"{spelled} {value}"


def test_str_spells_parameters_as_python() -> None:
    error = UsageError("{latest} picks the newest of the partitions {each} makes", latest=True, each=None)
    assert str(error) == "latest=True picks the newest of the partitions each=... makes"
    assert str(UsageError("bad {keys}", keys=("a", "b"))) == "bad keys=('a', 'b')"


def test_render_spells_parameters_the_callers_way() -> None:
    error = UsageError("{rows_only} needs {keys}; {rows_only} again", rows_only=True, keys=None)
    assert error.render(flag) == "--rows-only needs --keys COLUMN; --rows-only again"
    assert error.message == "{rows_only} needs {keys}; {rows_only} again"  # kept for any other spelling
    assert error.parameters == {"rows_only": True, "keys": None}


def test_a_message_without_parameters_is_itself() -> None:
    error = InputError("train.parquet: no rows")
    assert str(error) == error.render(flag) == "train.parquet: no rows"
    assert str(UsageError("a {brace} that is not a parameter")) == "a {brace} that is not a parameter"


@pytest.mark.parametrize("kind", [SchemaFileError, InputError, UsageError])
def test_every_kind_is_a_skewcheck_error_that_could_not_run(kind: type[SkewcheckError]) -> None:
    error = kind("x")
    assert isinstance(error, SkewcheckError) and isinstance(error, Exception)
    assert error.exit_code is ExitCode.COULD_NOT_RUN and int(error.exit_code) == 2
    with pytest.raises(SkewcheckError, match=r"^x$"):
        raise error


def test_exit_codes_are_the_documented_numbers_with_a_meaning_each() -> None:
    assert [(code.name, int(code)) for code in ExitCode] == [
        ("PASS", 0),
        ("DRIFT_FAILED", 1),
        ("COULD_NOT_RUN", 2),
        ("SCHEMA_FAILED", 3),
        ("INTERNAL_ERROR", 4),
    ]
    assert ExitCode.SCHEMA_FAILED.meaning == "schema validation failed"
    assert ExitCode.INTERNAL_ERROR.explanation == "a bug in skewcheck: rerun with --debug for the traceback"
    assert len({code.meaning for code in ExitCode}) == len({code.explanation for code in ExitCode}) == 5


def test_an_os_error_is_one_line_naming_the_path_and_what_to_do() -> None:
    import errno

    from skewcheck.errors import os_error_line

    denied = PermissionError(errno.EACCES, "Permission denied", "data/b.parquet")
    assert (
        os_error_line(denied) == "data/b.parquet: permission denied; check the permissions of the file and its folder"
    )
    full = OSError(errno.ENOSPC, "No space left on device")
    assert os_error_line(full, "stdout") == "stdout: no space left on the device; free some space or write elsewhere"
    assert os_error_line(OSError(errno.ENOSPC, "x")).startswith("a file: no space left")
    moved = OSError(errno.EXDEV, "Invalid cross-device link", "a.tmp", None, "b.json")
    assert os_error_line(moved) == "a.tmp -> b.json: Invalid cross-device link"
