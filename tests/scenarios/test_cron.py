"""The cron use, end to end: 30 daily exports audited day by day and in one catch-up run, with a history.

One feature slides slowly (the same sample shifted a little more each day), one breaks on a single day,
one stays put. The trend gate must fail the slide days before the absolute threshold does, the one-day
break must fail that day only, and the history must hold each partition once, whatever the schedule.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skewcheck.history import kept
from skewcheck.history import store as history
from tests.helpers import REPO, invoke, write_schema

DAYS = 30
START = dt.date(2026, 11, 1)
BREAK_DAY = 15


def day_label(day: int) -> str:
    return f"date={START + dt.timedelta(days=day - 1)}"


def write_exports(root: Path, days: range) -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(50, 10, 3_000)
    for day in days:
        folder = root / day_label(day)
        folder.mkdir(parents=True, exist_ok=True)
        pl.DataFrame(
            {
                "slide": base + 0.5 * day,  # 0.05 sigma more each day
                "spiky": base + (25.0 if day == BREAK_DAY else 0.0),
                "steady": base,
            }
        ).write_parquet(folder / "part-0.parquet")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cron")
    rng = np.random.default_rng(3)
    base = rng.normal(50, 10, 3_000)
    pl.DataFrame({"slide": base, "spiky": base, "steady": base}).write_parquet(folder / "train.parquet")
    write_schema(
        folder / "schema.yaml",
        """
        defaults:
          trend: {rising: 3}
        features:
          slide: {type: float}
          spiky: {type: float}
          steady: {type: float}
        """,
    )
    invoke(["profile", folder / "train.parquet", "-s", folder / "schema.yaml", "-o", folder / "baseline.skprofile"], 0)
    return folder


def audit(setup: Path, data: object, *options: object) -> list[object]:
    """`skewcheck check` of DATA against the setup's baseline profile and schema, with these options."""
    return ["check", setup / "baseline.skprofile", data, "-s", setup / "schema.yaml", *options]


def cron(setup: Path, exports: Path, store: Path, code: int | None = None) -> tuple[int, dict[str, object]]:
    """The README's cron command: every new day audited, older days skipped, the exit code the newest day's."""
    args = audit(setup, exports, "--each", "date", "--history", store, "--skip-done", "--latest", "--json", "-")
    result = invoke(args, code)
    return result.exit_code, json.loads(result.stdout)


def statuses(store: Path, feature: str) -> list[str]:
    rows = history.latest(kept.read(store, feature=feature))
    return rows.get_column("status").to_list()


def test_day_by_day_and_catch_up_agree(setup: Path, tmp_path: Path) -> None:
    exports, daily = tmp_path / "exports", tmp_path / "daily"
    codes = []
    for day in range(1, DAYS + 1):
        write_exports(exports, range(day, day + 1))
        code, document = cron(setup, exports, daily)
        partitions = document["partitions"]
        assert isinstance(partitions, list)
        audited = [p for p in partitions if not p["skipped"]]
        assert [p["partition"] for p in audited] == [day_label(day)]  # yesterday's are skipped
        codes.append(code)
    rows = kept.read(daily)
    assert rows.height == DAYS * 3
    assert rows.select("partition", "feature").is_duplicated().sum() == 0

    # Catch-up: a job that was down the whole month runs once.
    caught_up = tmp_path / "caught-up"
    _, document = cron(setup, exports, caught_up)
    assert sum(not p["skipped"] for p in document["partitions"]) == DAYS  # type: ignore[union-attr]
    for feature in ("slide", "spiky", "steady"):
        assert statuses(caught_up, feature) == statuses(daily, feature)
    again = kept.read(caught_up)
    assert again.height == DAYS * 3

    slide = statuses(daily, "slide")
    values = history.latest(kept.read(daily, feature="slide")).get_column("gate_value").to_list()
    first_absolute_fail = next(i for i, v in enumerate(values) if v > 0.25)
    first_fail = slide.index("fail")
    # The slide fails on its trend days before the metric itself crosses the fail threshold.
    assert first_fail < first_absolute_fail - 2, (first_fail, first_absolute_fail, values)
    gates = history.latest(kept.read(daily, feature="slide"))
    assert gates.row(first_fail, named=True)["gate_value"] < 0.1  # not even at warn yet
    # The one-day break fails that day, and only that day; the steady feature never fails.
    spiky = statuses(daily, "spiky")
    assert spiky[BREAK_DAY - 1] == "fail" and spiky.count("fail") == 1
    assert set(statuses(daily, "steady")) == {"pass"}
    # Each day's exit code is that day's verdict.
    assert codes[BREAK_DAY - 1] == 1 and codes[first_fail] == 1 and codes[0] == 0


def test_reauditing_replaces_and_two_writers_lose_nothing(setup: Path, tmp_path: Path) -> None:
    first, second, store = tmp_path / "first", tmp_path / "second", tmp_path / "store"
    write_exports(first, range(1, 11))
    write_exports(second, range(11, 21))
    each = ("--each", "date", "--history", store, "-q")
    python = [sys.executable, "-m", "skewcheck"]
    writers = [subprocess.Popen([*python, *map(str, audit(setup, data, *each))], cwd=REPO) for data in (first, second)]
    assert [writer.wait(timeout=300) for writer in writers] == [1, 1]  # the slide fails both ranges
    rows = kept.read(store)
    assert rows.height == 20 * 3 and rows.get_column("partition").n_unique() == 20
    # Auditing the same days again (no --skip-done) replaces their rows: still 20 partitions, once each.
    invoke(audit(setup, first, *each), 1)
    rows = kept.read(store)
    assert rows.height == 20 * 3
    assert rows.select("partition", "feature").is_duplicated().sum() == 0


def test_options_that_need_a_history_or_partitions(setup: Path, tmp_path: Path) -> None:
    write_exports(tmp_path / "exports", range(1, 3))
    base = ["check", setup / "baseline.skprofile", tmp_path / "exports", "-s", setup / "schema.yaml"]
    for extra, words in (
        (["--skip-done"], "--history"),
        (["--retain", "3"], "--history"),
        (["--latest"], "--each"),
        (["--each", "date", "--html", tmp_path / "r.html"], "--json"),
    ):
        outcome = invoke([*base, *extra], 2)
        assert words in outcome.stderr, outcome.stderr
    outcome = invoke([*base, "--each", "region"], 2)
    assert "no 'region=' folders" in outcome.stderr and "date" in outcome.stderr


def test_retain_prunes_old_partitions(setup: Path, tmp_path: Path) -> None:
    exports, store = tmp_path / "exports", tmp_path / "store"
    write_exports(exports, range(1, 6))
    invoke(
        audit(setup, exports, "--each", "date", "--history", store, "-q"),
        1,
    )
    assert kept.read(store).get_column("partition").n_unique() == 5
    # Everything is older than a day: --retain 1 keeps nothing of November 2026's first days.
    days_since = (dt.datetime.now(dt.UTC).date() - START).days
    invoke(
        audit(setup, exports / day_label(5), "--history", store, "--retain", str(days_since - 2), "-q"),
        1,
    )
    # Removed: partitions dated more than that many days ago (days 1 and 2). Kept: the rest, day 5 re-audited.
    remaining = set(kept.read(store).get_column("partition"))
    assert remaining == {day_label(3), day_label(4), day_label(5)}


def test_the_history_command_shows_what_the_runs_stored(setup: Path, tmp_path: Path) -> None:
    exports, store = tmp_path / "exports", tmp_path / "store"
    write_exports(exports, range(1, 7))
    invoke(
        audit(setup, exports, "--each", "date", "--history", store, "-q"),
        1,
    )
    shown = invoke(["history", store], 0).stdout
    assert "Drift over 6 partitions" in shown
    # Worst trend first: the slide, then the others.
    assert shown.index("slide") < shown.index("spiky") and shown.index("slide") < shown.index("steady")
    document = json.loads(invoke(["history", store, "--json"], 0).stdout)
    slide = next(f for f in document["features"] if f["feature"] == "slide")
    stored = history.latest(kept.read(store, feature="slide")).get_column("gate_value").to_list()
    assert [p["value"] for p in slide["partitions"]] == pytest.approx(stored)
    assert len(slide["partitions"]) == 6 and slide["slope"] > 0
    since = json.loads(invoke(["history", store, "--json", "--since", "2026-11-04", "--feature", "slide"], 0).stdout)
    assert [p["partition"] for p in since["features"][0]["partitions"]] == [day_label(d) for d in (4, 5, 6)]
    invoke(["history", store, "--html", tmp_path / "trends.html"], 0)
    page = (tmp_path / "trends.html").read_text()
    assert page.count("<svg") == 3 and "Content-Security-Policy" in page
    missing = invoke(["history", tmp_path / "nowhere"], 2)
    assert "no such history directory" in missing.stderr
    assert "no history of nothing" in invoke(["history", store, "--feature", "nothing"], 2).stderr


def test_a_bad_partition_does_not_stop_the_others(setup: Path, tmp_path: Path) -> None:
    exports, store = tmp_path / "exports", tmp_path / "store"
    write_exports(exports, range(1, 4))
    empty = exports / day_label(2) / "part-0.parquet"
    pl.DataFrame(
        {"slide": [], "spiky": [], "steady": []}, schema=dict.fromkeys(("slide", "spiky", "steady"), pl.Float64)
    ).write_parquet(empty)
    code, document = cron(setup, exports, store)
    assert code == 2  # could not run on one partition: the worst code, and the newest is fine
    by_label = {p["partition"]: p for p in document["partitions"]}  # type: ignore[union-attr]
    assert by_label[day_label(2)]["error"] and by_label[day_label(3)]["report"] is not None
    assert document["status"] == "error" and document["summary"].startswith("ERROR: ")  # type: ignore[union-attr]
    assert set(kept.read(store).get_column("partition")) == {day_label(1), day_label(3)}
    # Fixed the next day: --skip-done retries it, since a failed partition was never stored.
    write_exports(exports, range(2, 3))
    _, document = cron(setup, exports, store, 0)
    assert [p["partition"] for p in document["partitions"] if not p["skipped"]] == [day_label(2)]  # type: ignore[union-attr]


def test_retain_does_not_reaudit_what_it_prunes(setup: Path, tmp_path: Path) -> None:
    exports, store = tmp_path / "exports", tmp_path / "store"
    write_exports(exports, range(1, 4))
    days_since = (dt.datetime.now(dt.UTC).date() - START).days
    keep = ("--history", store, "--skip-done", "--retain", str(days_since - 1))
    args = audit(setup, exports, "--each", "date", *keep, "--json", "-")
    for _ in range(2):
        document = json.loads(invoke(args, 0).stdout)
        skipped = {p["partition"]: p["skipped"] for p in document["partitions"]}
        # Day 1 is older than --retain keeps: never audited, never stored, never re-audited.
        assert skipped[day_label(1)].startswith("older than --retain")
    assert day_label(1) not in set(kept.read(store).get_column("partition"))


def test_a_copied_baseline_is_the_same_baseline(setup: Path, tmp_path: Path) -> None:
    import shutil

    exports, store = tmp_path / "exports", tmp_path / "store"
    write_exports(exports, range(1, 3))
    copy = tmp_path / "copy" / "baseline.skprofile"
    copy.parent.mkdir()
    shutil.copy(setup / "baseline.skprofile", copy)  # a fresh checkout: new times, same bytes
    invoke(
        audit(setup, exports, "--each", "date", "--history", store, "-q"),
        0,
    )
    document = json.loads(
        invoke(
            [
                "check",
                copy,
                exports,
                "-s",
                setup / "schema.yaml",
                "--each",
                "date",
                "--history",
                store,
                "--skip-done",
                "--json",
                "-",
            ],
            0,
        ).stdout
    )
    assert all(p["skipped"] == "already in the history" for p in document["partitions"])


def test_partitions_come_in_natural_order(setup: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    for hour in (8, 9, 10, 11):
        folder = tmp_path / "exports" / f"hour={hour}"
        folder.mkdir(parents=True)
        pl.DataFrame({name: rng.normal(50, 10, 500) for name in ("slide", "spiky", "steady")}).write_parquet(
            folder / "p.parquet"
        )
    document = json.loads(
        invoke(
            audit(setup, tmp_path / "exports", "--each", "hour", "--json", "-"),
            0,
        ).stdout
    )
    assert [p["partition"] for p in document["partitions"]] == ["hour=8", "hour=9", "hour=10", "hour=11"]


def test_each_appends_the_partition_table_to_the_github_step_summary(
    setup: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_exports(tmp_path / "exports", range(14, 17))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    invoke(
        audit(setup, tmp_path / "exports", "--each", "date", "-q"),
        1,
    )
    text = summary.read_text()
    assert text.startswith("**FAIL**") and "| partition | serving rows | status | summary |" in text
    assert f"| {day_label(BREAK_DAY)} | 3,000 | fail |" in text and f"| {day_label(14)} | 3,000 |" in text
