"""What a run is asked to do, apart from its inputs: the options of one audit and of a history of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from skewcheck.audit.report import FailOn
from skewcheck.drift.join import KeepDuplicates
from skewcheck.errors import UsageError
from skewcheck.io.remote import StorageOptions
from skewcheck.io.sources import InputFormat, Source, resolve_source
from skewcheck.profiling.streaming import BATCH_ROWS
from skewcheck.schema.model import Dataset


@dataclass(frozen=True)
class Options:
    """Everything about a run that is not an input path."""

    train_format: InputFormat | None = None
    serving_format: InputFormat | None = None
    sample: int | None = None
    """KS, Wasserstein and numeric bins on at most this many values per feature and side; null rates,
    categories and validation still see every row."""
    seed: int = 0
    fail_on: FailOn = FailOn.FAIL
    examples: bool = True
    """False drops every example value and top category from the report (pii features are always hashed)."""
    keys: tuple[str, ...] = ()
    """Join training and serving on these columns and compare values row by row (--key)."""
    rows: bool = False
    """Join on the schema's `role: key` features (--rows). Off by default: a join only means something when
    training rows are recomputations of served requests, and otherwise every row is 'only on one side'."""
    rows_only: bool = False
    """Only the row-by-row comparison: no distribution checks."""
    keep_duplicates: KeepDuplicates | None = None
    mismatched_rows: bool = False
    """Collect every differing row (for --mismatches); only the counts and a few examples otherwise."""
    approx: bool = False
    """Read both sides in batches, numbers counted on a grid (--approx): memory bounded by the batch, KS and
    Wasserstein within the grid's stated bounds. Serving checked against a saved profile is always read so."""
    batch_rows: int = BATCH_ROWS
    train_version: int | None = None
    """The version of a Delta table to read as training (--train-version); its latest when None."""
    serving_version: int | None = None
    storage_options: StorageOptions = field(default_factory=dict, repr=False, compare=False)
    """Keys, endpoint and settings for inputs and outputs in object stores (`--storage-option`): never shown."""
    exact: bool = True
    """KS and Wasserstein from every value, sorted (scipy's values). False (--no-exact): a numeric column of more
    than EXACT_VALUES_LIMIT values is counted on fine cells instead, and the report states each bound. Not yet the
    default: placing values with numpy measured slower than polars' sort (bench/PROFILES.md, issue 16)."""

    def __post_init__(self) -> None:
        joined = bool(self.keys) or self.rows
        if self.approx and joined:
            raise UsageError(
                "{approx} reads the data in batches, and the row-by-row join needs it whole: drop one", approx=True
            )
        if self.rows_only and not joined:
            raise UsageError(_GIVE_KEYS.format(what="{rows_only} compares rows"), rows_only=True, keys=None, rows=True)
        if self.mismatched_rows and not joined:
            what = "{mismatched_rows} keeps the rows a join finds different"
            raise UsageError(_GIVE_KEYS.format(what=what), mismatched_rows=True, keys=None, rows=True)

    def source(self, data: str, dataset: Dataset) -> Source:
        """`data` resolved as this run reads `dataset`: its format (named by its parameter in errors), storage
        options and version pin. The one place a run turns a name into files."""
        train = dataset is Dataset.TRAIN
        return resolve_source(
            data,
            self.train_format if train else self.serving_format,
            format_parameter="train_format" if train else "serving_format",
            storage_options=self.storage_options,
            version=self.train_version if train else self.serving_version,
        )


_GIVE_KEYS = "{what}: give {{keys}} (or {{rows}} to join on the schema's keys)"


@dataclass(frozen=True)
class HistoryOptions:
    directory: str | Path
    """A local directory, or a URL in an object store (always a Delta table there)."""
    skip_done: bool = False
    """Leave out partitions the history already holds for this baseline and schema (a catch-up run)."""
    retain_days: int | None = None
    """Remove history older than this many days after the run."""


DEFAULT_OPTIONS = Options()
"""The options of a run given none (a default argument: one shared, immutable instance)."""
