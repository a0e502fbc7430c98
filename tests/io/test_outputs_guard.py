"""The write rules: refused outputs name the path and the rule; the mode follows the most private input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skewcheck.errors import UsageError
from skewcheck.io.outputs_guard import Output, check_outputs, identity, output_mode


def refused(outputs: list[Output], inputs: list[str] = [], stores: list[str] = []) -> str:  # noqa: B006
    with pytest.raises(UsageError) as raised:
        check_outputs(outputs, inputs, stores)
    return str(raised.value)


def test_an_empty_path_is_not_a_file() -> None:
    assert (
        refused([Output("", "the --json report")]) == "an empty path is not a file: name a file for the --json report"
    )


def test_two_spellings_of_one_path_are_one_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    message = refused([Output("r.json", "the --json report"), Output("sub/../r.json", "the --markdown report")])
    assert (
        message == "sub/../r.json: named for both the --json report and the --markdown report; give each its own file"
    )


def test_stdout_may_be_named_twice_here_since_requested_refuses_that() -> None:
    check_outputs([Output("-", "the --json report"), Output("-", "the --html report")])


def test_over_an_input_through_a_link_or_into_an_input_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "part.parquet").write_bytes(b"x")
    (tmp_path / "alias.parquet").symlink_to(data / "part.parquet")
    inputs = [str(data), str(data / "part.parquet")]
    over = refused([Output(str(tmp_path / "alias.parquet"), "the profile")], inputs)
    assert over.endswith("alias.parquet: refusing to write the profile over an input file")
    into = refused([Output(str(data / "report.json"), "the --json report")], inputs)
    assert into.endswith(f"refusing to write the --json report into the input folder {data}")
    check_outputs([Output(str(tmp_path / "data.json"), "the --json report")], inputs)  # a sibling named alike


def test_a_file_input_is_not_a_folder_to_write_into(tmp_path: Path) -> None:
    train = tmp_path / "train.parquet"
    train.write_bytes(b"x")
    message = refused([Output(f"{train}/x.json", "the --json report")], [str(train)])
    assert message.endswith("is a file, not a folder")


def test_into_a_history_store_is_refused_and_the_store_itself_is_not(tmp_path: Path) -> None:
    store = tmp_path / "history"
    (store / "partition=2026-11-20").mkdir(parents=True)
    message = refused([Output(str(store / "partition=2026-11-20" / "x.parquet"), "the --html page")], [], [str(store)])
    assert "refusing to write the --html page into the history store" in message
    assert "write it outside the store" in message
    check_outputs([Output(str(store), "the --history store", folder=True)], [], [str(store)])


def test_a_folder_output_is_checked_where_it_would_be_made(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    assert refused([Output(str(file), "the --history store", folder=True)]).endswith(
        "is a file; the --history store is a folder"
    )
    check_outputs([Output(str(tmp_path / "new" / "deeper"), "the --history store", folder=True)])


def test_a_name_too_long_for_the_file_system_is_refused_before_work(tmp_path: Path) -> None:
    message = refused([Output(str(tmp_path / ("a" * 300)), "the --json report")])
    assert "file name too long (300 bytes; the folder's file system allows 255); use a shorter name" in message


def test_urls_are_compared_by_their_text_and_never_probed() -> None:
    assert identity("s3://bucket/reports/") == "s3://bucket/reports"
    check_outputs([Output("s3://bucket/out/report.json", "the --json report")], ["s3://bucket/data/"])
    message = refused([Output("s3://bucket/data/report.json", "the --json report")], ["s3://bucket/data/"])
    assert (
        message
        == "s3://bucket/data/report.json: refusing to write the --json report into the input folder s3://bucket/data/"
    )
    message = refused([Output("gs://b/x.json", "the --json report"), Output("gs://b/x.json/", "the --html report")])
    assert "named for both" in message


@pytest.mark.parametrize(
    ("modes", "expected"),
    [
        ((0o644, 0o644), 0o644),  # nothing private: what the umask allows
        ((0o644, 0o600), 0o600),  # one private input makes private outputs
        ((0o640,), 0o640),  # readable by the group only: so is the output
        ((0o604,), 0o604),
    ],
)
def test_the_output_mode_is_the_most_private_inputs(tmp_path: Path, modes: tuple[int, ...], expected: int) -> None:
    inputs = []
    for number, mode in enumerate(modes):
        path = tmp_path / f"input-{number}"
        path.write_text("x")
        path.chmod(mode)
        inputs.append(str(path))
    previous = os.umask(0o022)
    try:
        assert output_mode([*inputs, str(tmp_path / "missing"), "-", "s3://bucket/x"]) == expected & 0o644
    finally:
        os.umask(previous)


def test_the_umask_still_applies(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        assert output_mode([]) == 0o600
    finally:
        os.umask(previous)
