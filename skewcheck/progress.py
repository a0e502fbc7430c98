"""How a long run tells its caller what it is doing, without knowing who is watching.

The library reports stages through this protocol; the CLI draws them on a terminal, and everyone
else gets SILENT. Nothing here prints.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, description: str, total: int | None = None) -> None:
        """A new step begins and the previous one is done; `total` counts its steps when known."""

    def advance(self, steps: int = 1) -> None:
        """Steps of the current stage are done."""


class _Silent:
    def stage(self, description: str, total: int | None = None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


SILENT: Progress = _Silent()
