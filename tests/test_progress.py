"""Progress: a run names its stages, and every feature as one step, to the Progress it is given."""

from __future__ import annotations

from skewcheck.audit import run as runner
from skewcheck.audit.validate import validate_dataset
from tests.helpers import FIXTURES

DEMO = [str(FIXTURES / "train.parquet"), str(FIXTURES / "serving.jsonl.gz"), "--schema", str(FIXTURES / "schema.yaml")]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str | int | None]] = []

    def stage(self, description: str, total: int | None = None) -> None:
        self.events.append((description, total))

    def advance(self, steps: int = 1) -> None:
        self.events.append(("advance", steps))


def test_the_runner_reports_each_stage_and_every_feature() -> None:
    recorder = Recorder()
    report = runner.run(DEMO[0], DEMO[1], DEMO[3], progress=recorder)
    stages = [description for description, _ in recorder.events if description != "advance"]
    assert stages == [
        f"reading training data {DEMO[0]}",
        "validating 14,000 training rows",
        "profiling 14,000 training rows",
        f"reading serving data {DEMO[1]}",
        "validating 20,000 serving rows",
        "comparing features",
    ]
    assert ("comparing features", len(report.features)) in recorder.events
    # Every feature is one step, whether compared, skipped or missing.
    assert sum(int(steps or 0) for description, steps in recorder.events if description == "advance") == len(
        report.features
    )


def test_validate_reports_its_stages() -> None:
    recorder = Recorder()
    validate_dataset(DEMO[1], DEMO[3], progress=recorder)
    assert [d for d, _ in recorder.events] == [f"reading {DEMO[1]}", "validating 20,000 rows"]
