"""What reaches a terminal or a log: rich's Console, with every control character that came from data escaped.

A column named `evil\x1b]0;PWNED\x07\x1b[2J`, a file name holding a newline, a category value with a carriage
return: printed raw, they retitle or clear the user's terminal, or forge lines in a CI log. Every name and value
the command line shows passes through here, in one of two ways:
- `Console.render`, which every `print` of every renderable (tables, texts, the progress display) goes through,
  escapes control characters in the segments it yields; rich's own control segments (cursor moves) and the
  styles it adds afterwards (colours) are left alone. Newlines and tabs stay: rich lays text out with them.
- `printable` escapes a plain string, newlines too, for what must stay one line (an error, a note).

Escaped characters read as Python writes them (`\x1b`, `\n`), so the name stays recognisable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Console as RichConsole
from rich.console import ConsoleOptions, RenderableType
from rich.segment import Segment

_IN_LAYOUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but tab and newline, DEL, C1
_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, *, one_line: bool = True) -> str:
    """`text` with its control characters escaped; newlines and tabs too when it must stay `one_line`."""
    return (_IN_LINE if one_line else _IN_LAYOUT).sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    return _NAMED.get(character, f"\\x{ord(character):02x}")


class EscapingConsole(RichConsole):
    """rich's Console, escaping control characters in what it renders (not in its own control codes)."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not _IN_LAYOUT.search(segment.text):
                yield segment
            else:
                yield Segment(printable(segment.text, one_line=False), segment.style, segment.control)
