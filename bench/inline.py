"""`skewcheck` with its per-feature thread pool run inline, for a profiler that samples only the main thread.

    .venv/bin/python -m pyinstrument -r text bench/inline.py check TRAIN SERVING -s SCHEMA ...

pyinstrument samples the thread it starts on; `skewcheck check` compares features in a thread pool, so a profile
of it shows that stage as waiting on futures. Here the pool runs each task in the calling thread, one after
another: the profile shows where that work goes (the seconds add up over features instead of overlapping on the
cores, and polars still uses every core inside one task). Used for bench/PROFILES.md; `make bench` does not run it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any

from skewcheck.__main__ import entry
from skewcheck.audit import compare


class InlineExecutor:
    """The part of ThreadPoolExecutor that skewcheck uses (a context manager with `map`), in the caller's thread."""

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers

    def __enter__(self) -> InlineExecutor:
        return self

    def __exit__(self, *exception: type[BaseException] | BaseException | TracebackType | None) -> None:
        return None

    def map(self, function: Callable[..., Any], *iterables: Iterable[Any]) -> Iterator[Any]:
        return iter([function(*arguments) for arguments in zip(*iterables, strict=True)])


if __name__ == "__main__":
    setattr(compare, "ThreadPoolExecutor", InlineExecutor)  # noqa: B010 (a private name of compare's, replaced)
    entry()
