"""A history writer in a process of its own, for the concurrency and kill tests.

`python -m tests.history.lake_writer LOCATION NAME COUNT` stores COUNT audits, partitions NAME-0 ... NAME-(COUNT-1)
(two features each), one commit each, then prints "done".
"""

from __future__ import annotations

import sys

from skewcheck.history import lake
from tests.history_data import rows


def main(location: str, name: str, count: int) -> None:
    for index in range(count):
        lake.write(location, rows(index % 28, {"a": 0.1, "b": 0.2}, partition=f"{name}-{index}"))
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
