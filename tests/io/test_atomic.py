"""write_atomic: a reader sees the old file or the new one, never half; a link is replaced, never followed."""

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


def test_a_planted_symlink_is_replaced_and_its_target_never_touched(tmp_path: Path) -> None:
    """report.json -> victim in a shared folder: the rename replaces the link; the victim keeps every byte."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    link = tmp_path / "report.json"
    link.symlink_to(victim)
    write_atomic(link, '{"new": true}')
    assert not link.is_symlink() and json.loads(link.read_text()) == {"new": True}
    assert victim.read_text() == "precious"


def test_a_system_device_path_is_written_into(tmp_path: Path) -> None:
    """/dev/stdout (a shell's `>` redirection) is a link the system owns: written through, never replaced."""
    write_atomic("/dev/null", "discarded")
    assert Path("/dev/null").is_char_device()


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


def test_a_dangling_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "missing.json")
    write_atomic(link, "new")
    assert not link.is_symlink() and link.read_text() == "new"
    assert not (tmp_path / "missing.json").exists()


def test_the_mode_asked_for_is_the_new_files_and_an_old_files_tighter_mode_stays(tmp_path: Path) -> None:
    write_atomic(tmp_path / "private.json", "{}", mode=0o600)
    assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o600
    kept = tmp_path / "kept.json"
    kept.write_text("old")
    kept.chmod(0o640)
    write_atomic(kept, "new", mode=0o644)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_a_name_near_the_file_systems_limit_still_gets_a_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / ("r" * 250)
    write_atomic(target, "x")
    assert target.read_text() == "x"
