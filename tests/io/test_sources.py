"""Sources: names, suffixes, globs and directories resolved to data files of one format."""

from __future__ import annotations

from pathlib import Path

import pytest

from skewcheck.cli.options import flag_spelling
from skewcheck.errors import InputError, UsageError
from skewcheck.io.sources import InputFormat, InputSummary, Source, format_of, partitions_of, resolve_source
from tests.io.helpers import AGES, CITIES, FRAME, as_text, read, schema_of


class TestFormats:
    def test_unknown_extension_is_refused_without_a_format(self, tmp_path: Path) -> None:
        path = tmp_path / "data.dat"
        FRAME.write_parquet(path)
        with pytest.raises(InputError) as caught:
            resolve_source(str(path))
        message = str(caught.value)
        assert message.startswith(f"{path}: cannot tell the format")
        assert message.endswith(".zstd)")  # no parameter to suggest: the caller has none
        with pytest.raises(InputError) as caught:
            resolve_source(str(path), format_parameter="train_format")
        assert str(caught.value).endswith("; or give train_format=...)")  # the library's words
        assert caught.value.render(flag_spelling).endswith("; or give --train-format)")

    @pytest.mark.parametrize(
        ("name", "format"),
        [("data.dat", InputFormat.PARQUET), ("data.txt", InputFormat.CSV), ("events.log", InputFormat.JSONL)],
    )
    def test_format_override_reads_an_unknown_extension(self, tmp_path: Path, name: str, format: InputFormat) -> None:
        path = tmp_path / name
        {
            InputFormat.PARQUET: FRAME.write_parquet,
            InputFormat.CSV: FRAME.write_csv,
            InputFormat.JSONL: FRAME.write_ndjson,
        }[format](path)
        table = read(path, schema_of(tmp_path), format=format)
        assert table.source.format is format
        assert as_text(table, "age") == AGES
        assert as_text(table, "city") == CITIES


class TestGlobsAndDirectories:
    @staticmethod
    def tree(root: Path) -> Path:
        """root/a.parquet, root/b.parquet, root/c.csv, root/sub/d.parquet: 3 rows each."""
        (root / "sub").mkdir(parents=True)
        for name in ("a.parquet", "b.parquet", "sub/d.parquet"):
            FRAME.write_parquet(root / name)
        FRAME.write_csv(root / "c.csv")
        return root

    def test_glob_reads_every_matching_file(self, tmp_path: Path) -> None:
        root = self.tree(tmp_path / "data")
        table = read(root / "*.parquet", schema_of(tmp_path))
        assert table.source.format is InputFormat.PARQUET
        assert table.source.files == (root / "a.parquet", root / "b.parquet")
        assert table.rows == 6
        assert as_text(table, "age") == AGES * 2

    def test_recursive_glob_descends_into_folders(self, tmp_path: Path) -> None:
        root = self.tree(tmp_path / "data")
        table = read(f"{root}/**/*.parquet", schema_of(tmp_path))
        assert table.source.files == (root / "a.parquet", root / "b.parquet", root / "sub" / "d.parquet")
        assert table.rows == 9

    def test_a_glob_matching_folders_reads_the_files_in_them(self, tmp_path: Path) -> None:
        """'exports/date=2013-12-2*' names day folders: their files, side files (_SUCCESS, _temporary/) left out."""
        for day in ("date=2013-12-19", "date=2013-12-20", "date=2013-12-21"):
            (tmp_path / "exports" / day / "_temporary").mkdir(parents=True)
            FRAME.write_parquet(tmp_path / "exports" / day / "part-0.parquet")
            (tmp_path / "exports" / day / "_SUCCESS").write_text("")
            FRAME.write_parquet(tmp_path / "exports" / day / "_temporary" / "part-1.parquet")
        table = read(tmp_path / "exports" / "date=2013-12-2*", schema_of(tmp_path))
        days = [path.parent.name for path in table.source.files]
        assert days == ["date=2013-12-20", "date=2013-12-21"] and table.rows == 6
        (tmp_path / "empty=1").mkdir()
        with pytest.raises(InputError, match=r"no files match this pattern"):
            read(tmp_path / "empty=*", schema_of(tmp_path))

    def test_glob_with_csv_reads_only_csv(self, tmp_path: Path) -> None:
        root = self.tree(tmp_path / "data")
        table = read(f"{root}/**/*.csv", schema_of(tmp_path))
        assert table.source.format is InputFormat.CSV
        assert table.source.files == (root / "c.csv",)

    @pytest.mark.parametrize("format", [None, InputFormat.PARQUET])
    def test_directory_ignores_spark_and_hadoop_side_files(self, tmp_path: Path, format: InputFormat | None) -> None:
        root = tmp_path / "spark_out"
        (root / "_temporary" / "0").mkdir(parents=True)
        FRAME.write_parquet(root / "part-00000.parquet")
        FRAME.write_parquet(root / "part-00001.parquet")
        (root / "_SUCCESS").write_text("")
        (root / ".part-00000.parquet.crc").write_bytes(b"\x00crc\x01")
        (root / ".hidden.parquet").write_bytes(b"not parquet at all")
        (root / "_temporary" / "0" / "part-00002.parquet").write_bytes(b"half-written")
        # With --train-format the names are not filtered by suffix: hidden files must still be skipped.
        table = read(root, schema_of(tmp_path), format=format)
        assert table.source.files == (root / "part-00000.parquet", root / "part-00001.parquet")
        assert table.rows == 6

    def test_directory_mixing_formats_is_refused(self, tmp_path: Path) -> None:
        root = self.tree(tmp_path / "data")
        with pytest.raises(InputError) as caught:
            resolve_source(str(root))
        message = str(caught.value)
        assert message.startswith(f"{root}: mixes file formats")
        assert "csv, parquet" in message

    def test_a_file_whose_name_looks_like_a_glob_is_read_as_that_file(self, tmp_path: Path) -> None:
        path = tmp_path / "train[1].parquet"
        FRAME.write_parquet(path)
        table = read(path, schema_of(tmp_path))
        assert table.source.files == (path,)
        assert table.rows == 3


class TestFormatOf:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("data.PARQUET", InputFormat.PARQUET),
            ("events.ndjson", InputFormat.JSONL),
            ("data.csv.gz", InputFormat.CSV),
            ("data.tsv.zstd", InputFormat.TSV),
            ("data.parquet.gz", None),  # Parquet compresses inside: a gzip around it cannot be read
            ("data.dat", None),
            ("README", None),
        ],
    )
    def test_the_name_says_the_format_through_a_compression_suffix(
        self, name: str, expected: InputFormat | None
    ) -> None:
        assert format_of(Path(name)) is expected


class TestPartitionsOf:
    @staticmethod
    def hours(root: Path, *hours: int) -> Source:
        for hour in hours:
            (root / f"hour={hour}").mkdir(parents=True)
            FRAME.write_parquet(root / f"hour={hour}" / "part-0.parquet")
        return resolve_source(str(root))

    def test_one_part_per_hive_value_in_natural_order(self, tmp_path: Path) -> None:
        source = self.hours(tmp_path / "logs", 10, 9)
        parts = partitions_of(source, "hour")
        assert [label for label, _ in parts] == ["hour=9", "hour=10"]
        assert [part.spec for _, part in parts] == [f"{source.spec} [hour=9]", f"{source.spec} [hour=10]"]
        assert parts[0][1].files == (tmp_path / "logs" / "hour=9" / "part-0.parquet",)
        assert parts[0][1].partitions == {parts[0][1].files[0]: {"hour": "9"}}

    def test_one_part_per_file(self, tmp_path: Path) -> None:
        source = self.hours(tmp_path / "logs", 1, 2)
        assert [(label, part.files) for label, part in partitions_of(source, "file")] == [
            (str(path), (path,)) for path in source.files
        ]

    def test_a_key_with_no_folders_is_refused(self, tmp_path: Path) -> None:
        source = self.hours(tmp_path / "logs", 1)
        with pytest.raises(UsageError, match=r"no 'day=' folders to split by \(hive keys found: hour\)"):
            partitions_of(source, "day")


def test_a_source_read_is_summarised_once_for_reports_and_profiles(tmp_path: Path) -> None:
    """The one input description of a report and a saved profile: paths as text, rows, and any sample."""
    for day in ("a", "b"):
        FRAME.write_parquet(tmp_path / f"{day}.parquet")
    summary = resolve_source(str(tmp_path)).summary(rows=6, sampled_rows=4)
    paths = (str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet"))
    assert summary == InputSummary(str(tmp_path), "parquet", paths, 6, 4)
