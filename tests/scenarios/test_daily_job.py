"""The daily job on data shaped like a real one (`daily_data`): quiet when nothing changed, loud and specific when
something did, and a one-line summary that agrees with the exit code in every mode, through the real CLI."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import invoke
from tests.scenarios.daily_data import AFTER, HUB_CLOSED, QUIET_DAYS, STORM, label, write_daily


@pytest.fixture(scope="module")
def daily(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return write_daily(tmp_path_factory.mktemp("daily"))


@pytest.fixture(scope="module")
def backfill(daily: tuple[Path, Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """Every day audited in one run with a history, trend gates on (`trend: {rising: 5, rolling: 7}`)."""
    train, exports, schema = daily
    history = tmp_path_factory.mktemp("history")
    outcome = invoke(["check", train, exports, "-s", schema, "--each", "date", "--history", history, "--json", "-"], 1)
    return outcome.json(), history


def statuses(document: dict[str, Any], days: range) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for partition in document["partitions"][days.start - 1 : days.stop - 1]:
        for feature in partition["report"]["features"]:
            found[feature["name"], feature["status"]] += 1
    return found


def test_days_drawn_from_training_never_fail_and_warn_at_most_one_day_in_twenty(backfill: Any) -> None:
    document, _ = backfill
    quiet = statuses(document, range(1, QUIET_DAYS + 1))
    assert not [key for key in quiet if key[1] in ("fail", "error")], quiet
    for feature in ("dest", "carrier", "dep_delay", "distance"):
        assert quiet[feature, "warn"] <= QUIET_DAYS / 20, quiet
    # The trend gates judged every quiet day too: none of them added a gate.
    for partition in document["partitions"][:QUIET_DAYS]:
        for feature in partition["report"]["features"]:
            assert not [gate for gate in feature["gates"] if gate["metric"].startswith("trend of")]


def test_the_report_says_once_where_a_threshold_sits_below_its_noise_level(backfill: Any) -> None:
    document, _ = backfill
    notes = document["partitions"][0]["report"]["notes"]
    assert len(notes) == 1 and notes[0].startswith("dest: jensen_shannon warn 0.1")
    level = float(notes[0].split("its noise level ")[1].split()[0])
    fits = float(notes[0].split("a threshold of ")[1].split()[0])
    assert 0.1 < level <= fits < level + 0.01


def test_the_partition_table_says_it_once(daily: Any, tmp_path: Path) -> None:
    train, exports, schema = daily
    text = invoke(["check", train, exports, "-s", schema, "--each", "date"], 1).stdout
    notes = [line for line in text.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and notes[0].startswith("note: dest: jensen_shannon warn 0.1")


def test_the_shifted_days_fail_with_the_right_reason(backfill: Any) -> None:
    document, _ = backfill
    by_label = {p["partition"]: p["report"] for p in document["partitions"]}
    storm = {f["name"]: f for f in by_label[label(STORM)]["features"]}
    assert storm["dep_delay"]["status"] == "fail"
    assert storm["dep_delay"]["reasons"][0].startswith("null_rate_increase +")
    assert [name for name, f in storm.items() if f["status"] == "fail"] == ["dep_delay"]
    closed = {f["name"]: f for f in by_label[label(HUB_CLOSED)]["features"]}
    assert closed["dest"]["status"] == "fail" and closed["dest"]["reasons"][0].startswith("jensen_shannon ")
    assert by_label[label(AFTER)]["status"] == "pass"
    assert document["exit_code"] == 1
    assert document["summary"] == f"FAIL: 2 of {AFTER} audited partitions failed, latest failing: {label(HUB_CLOSED)}"


def test_a_second_run_with_skip_done_has_nothing_new_and_says_so(daily: Any, backfill: Any) -> None:
    train, exports, schema = daily
    _, history = backfill
    args = ["check", train, exports, "-s", schema, "--each", "date", "--history", history, "--skip-done", "--latest"]
    document = invoke([*args, "--json", "-"], 0).json()
    assert document["summary"] == f"PASS: nothing new: all {AFTER} partitions kept are already in the history"
    assert invoke([*args, "-q"], 0).stdout.strip().splitlines()[-1] == document["summary"]


def test_latest_exits_with_the_newest_day_and_says_so(daily: Any, tmp_path: Path) -> None:
    train, exports, schema = daily
    args = ["check", train, exports, "-s", schema, "--each", "date", "--history", tmp_path, "--latest", "--json", "-"]
    document = invoke(args, 0).json()
    assert document["status"] == "pass"
    assert document["summary"] == (
        f"PASS: the newest partition {label(AFTER)} passed (it alone decides the exit code), "
        f"2 of {AFTER} audited partitions failed, latest failing: {label(HUB_CLOSED)}"
    )


def test_retain_that_skips_every_partition_is_exit_2_with_the_reason(daily: Any, tmp_path: Path) -> None:
    train, exports, schema = daily  # the days are in 2013: all older than 90 days
    args = ["check", train, exports, "-s", schema, "--each", "date", "--history", tmp_path, "--retain", "90"]
    outcome = invoke([*args, "--json", "-"], 2)
    assert outcome.json()["summary"].startswith(f"ERROR: nothing audited: all {AFTER} partitions are older than")


@pytest.mark.parametrize("latest", [[], ["--latest"]])
def test_an_unreadable_day_is_exit_2_and_the_summary_leads_with_it(
    daily: Any, tmp_path: Path, latest: list[str]
) -> None:
    train, exports, schema = daily
    copied = shutil.copytree(exports, tmp_path / "exports")
    broken = copied / label(AFTER + 1)
    broken.mkdir()
    (broken / "part-0.parquet").write_bytes(b"not parquet")
    args = ["check", train, copied, "-s", schema, "--each", "date", *latest, "--json", "-"]
    document = invoke(args, 2).json()
    assert document["status"] == "error"
    assert document["summary"].startswith(f"ERROR: 1 of {AFTER + 1} partitions could not be read ({label(AFTER + 1)})")


def test_a_key_join_that_matched_nothing_is_the_headline(daily: Any) -> None:
    train, exports, schema = daily  # each day's flight ids are its own: none is in training
    outcome = invoke(["check", train, exports / label(1), "-s", schema, "--key", "flight_id"], 1)
    last = outcome.stdout.strip().splitlines()[-1]
    assert last.startswith("FAIL: no rows joined on flight_id (30,000 training keys, ")
    assert "match on every joined row" not in outcome.stdout
    markdown = invoke(["check", train, exports / label(1), "-s", schema, "--key", "flight_id", "--markdown", "-"], 1)
    assert "match on every joined row" not in markdown.stdout


@pytest.mark.parametrize("width", [80, 100, 120, 160, None])
def test_the_history_reads_in_a_log_at_every_width(
    backfill: Any, monkeypatch: pytest.MonkeyPatch, width: int | None
) -> None:
    """Piped (no terminal): COLUMNS when set, else 160; every line within it, names and numbers whole."""
    _, history = backfill
    if width is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", str(width))
    text = invoke(["history", history], 0).stdout
    assert max(len(line) for line in text.splitlines()) <= (width or 160)
    rows = [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]
    assert rows[:2] == ["dest", "dep_delay"]  # the features that failed a day come first
    assert ".…" not in text
    assert f"dep_delay failed on null rate in 1 partition: {label(STORM)}" in text
    summary = "4 drift-checked features over 24 partitions; 2 failed in some partition (dest, dep_delay)"
    assert " ".join(text.split()).endswith(summary)  # at 80 columns it wraps, like any line
    assert invoke(["history", history, "-q"], 0).stdout.strip() == summary


def test_history_suggests_the_feature_it_likely_meant(backfill: Any) -> None:
    _, history = backfill
    outcome = invoke(["history", history, "--feature", "dep_dealy"], 2)
    assert "no history of dep_dealy (did you mean 'dep_delay'?)" in outcome.stderr


def test_older_schema_versions_stay_visible(daily: Any, backfill: Any, tmp_path: Path) -> None:
    """A schema edit that changes dest's metric: the default view shows the new series, --schema-version and --all
    the old one too."""
    train, exports, schema = daily
    history = shutil.copytree(backfill[1], tmp_path / "history")
    edited = tmp_path / "schema.yaml"
    edited.write_text(
        schema.read_text().replace("dest: {type: category}", "dest: {type: category, drift: {metric: linf}}")
    )
    invoke(["check", train, exports / label(AFTER), "-s", edited, "--history", history], 0)
    rows = [line for line in invoke(["history", history], 0).stdout.splitlines() if line.startswith("│ dest ")]
    assert len(rows) == 1 and "linf" in rows[0]
    old = invoke(["check", train, exports / label(1), "-s", schema, "--json", "-"], 0).json()["schema"]["sha256"]
    older = invoke(["history", history, "--schema-version", old[:8], "--feature", "dest"], 0).stdout
    assert "jensen_shannon" in older and "linf" not in older
    every = invoke(["history", history, "--all"], 0).stdout
    assert f"dest @ {old[:12]}" in every and "linf" in every and "jensen_shannon" in every
    missing = invoke(["history", history, "--schema-version", "ffff"], 2)
    new = invoke(["check", train, exports / label(1), "-s", edited, "--json", "-"], 0).json()["schema"]["sha256"]
    held = f"it holds {old[:12]} (2013-12-01 to 2013-12-24), {new[:12]} (2013-12-24 to 2013-12-24)"
    assert f"no schema version ffff in the history; {held}" in missing.stderr
