"""What reaches a terminal or a log: rich's Console, with every control character that came from data escaped.

A column named `evil\x1b]0;PWNED\x07\x1b[2J`, a file name holding a newline, a category value with a carriage
return: printed raw, they retitle or clear the user's terminal, or forge lines in a CI log. Every name and value
the command line shows passes through here, in one of two ways:
- `EscapingConsole`, which every console of the command line is: every `print` of every renderable (tables,
  texts, the progress display) goes through its `render`, which escapes a text before rich lays it out (a table
  cell measured on the raw name may then wrap, never crop) and, as a last guard, the segments it yields; rich's
  own control segments (cursor moves) and the styles it adds afterwards (colours) are left alone. Newlines and
  tabs in a text stay: rich lays text out with them.
- `printable` escapes a plain string, newlines too, for what must stay one line (an error, a note).

Escaped characters read as Python writes them (`\x1b`, `\n`), so the name stays recognisable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console as RichConsole
from rich.console import ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

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
        if isinstance(renderable, Text):  # escaped before it is laid out, so that its lines wrap, not crop, it
            renderable = _escaped_text(renderable)
        for segment in super().render(renderable, options):
            if segment.control or not _IN_LAYOUT.search(segment.text):
                yield segment
            else:  # the last guard, for text that reached rich in some other shape
                yield Segment(printable(segment.text, one_line=False), segment.style, segment.control)

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(printable(text, one_line=False), **options)


def _escaped_text(text: Text) -> Text:
    """A copy of `text` with its control characters escaped, each piece keeping its styles."""
    plain = text.plain
    if not _IN_LAYOUT.search(plain):
        return text
    cuts = sorted({offset for match in _IN_LAYOUT.finditer(plain) for offset in (match.start(), match.end())})
    escaped = text.blank_copy()
    for piece in text.divide(cuts):
        escaped.append_text(_escaped_piece(piece) if _IN_LAYOUT.fullmatch(piece.plain) else piece)
    return escaped


def _escaped_piece(piece: Text) -> Text:
    shown = Text(printable(piece.plain, one_line=False), style=piece.style)
    for span in piece.spans:
        shown.stylize(span.style, 0, len(shown))
    return shown
