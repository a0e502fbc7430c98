"""write_atomic: a reader sees the old file or the new one, never half; links, FIFOs and devices are written into."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from skewcheck.io.atomic import write_atomic


def test_text_is_written_as_utf8_and_bytes_as_they_are(tmp_path: Path) -> None:
    write_atomic(tmp_path / "text.md", "naïve ✓\n")
    write_atomic(tmp_path / "raw.bin", b"\x00\xff")
    assert (tmp_path / "text.md").read_bytes() == "naïve ✓\n".encode()
    assert (tmp_path / "raw.bin").read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw.bin", "text.md"]


def test_the_new_file_has_the_mode_the_umask_allows(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_atomic(tmp_path / "report.json", "{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o640  # not mkstemp's 0o600


def test_an_old_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("x" * 10_000)
    write_atomic(target, "short")
    assert target.read_text() == "short"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_the_report_replaces_an_old_one_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash while writing leaves the previous report whole, and no temporary file."""
    target = tmp_path / "report.json"
    target.write_text('{"old": true}')

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "{}")
    assert target.read_text() == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.parametrize("interrupt", [OSError("no space left"), KeyboardInterrupt()])
def test_a_crash_before_the_rename_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interrupt: BaseException
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def crash(_descriptor: int) -> None:  # the data is in the temporary file, not yet on disk
        raise interrupt

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(type(interrupt)):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_report_into_a_symlink_writes_through_it(tmp_path: Path) -> None:
    """/dev/stdout is a symlink: renaming a temporary file over it would replace the link itself."""
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, '{"new": true}')
    assert link.is_symlink()
    assert json.loads(real.read_text()) == {"new": True}


def test_a_report_into_a_fifo_keeps_the_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, "payload")
        assert os.read(reader, 100) == b"payload"
    finally:
        os.close(reader)
    assert not fifo.is_file() and fifo.exists()


def test_a_dangling_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "missing.json")
    write_atomic(link, "new")
    assert link.is_symlink() and (tmp_path / "missing.json").read_text() == "new"
