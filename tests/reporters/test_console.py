"""Control characters from data are escaped on the way to a terminal; rich's own styles and layout are not."""

from __future__ import annotations

import io
import re

import pytest
from rich.table import Table
from rich.text import Text

from skewcheck.reporters.console import EscapingConsole, printable


def test_printable_escapes_every_control_character_as_python_writes_it() -> None:
    assert printable("a\x1b]0;T\x07b\x00c\x7fd\x9be") == "a\\x1b]0;T\\x07b\\x00c\\x7fd\\x9be"
    assert printable("two\nlines\r\tand a tab") == "two\\nlines\\r\\tand a tab"
    assert printable("two\nlines\tkept", one_line=False) == "two\nlines\tkept"
    assert printable("naïve ✓ 日本") == "naïve ✓ 日本"  # printable text, however far from ASCII, stays


def render(renderable: object, color: bool) -> str:
    console = EscapingConsole(
        file=io.StringIO(), width=80, color_system="standard" if color else None, force_terminal=color
    )
    console.print(renderable)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def test_data_in_a_table_is_escaped_and_rich_colours_survive(monkeypatch: pytest.MonkeyPatch) -> None:
    """The column is as wide as the raw name: the escaped one may be cut with an ellipsis, never shown raw."""
    table = Table("feature", min_width=30)
    table.add_row(Text("evil\x1b[2J", style="red"))
    table.add_row(Text.assemble(("bold\x1b]0;T", "bold"), ("plain", "")))
    plain = render(table, color=False)
    assert "evil\\x1b[2J" in plain and "bold\\x1b]0;Tplain" in plain and "\x1b" not in plain
    monkeypatch.delenv("NO_COLOR")
    coloured = render(table, color=True)
    assert "evil\\x1b[2J" in re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert "\x1b[31m" in coloured and "\x1b[1m" in coloured  # the styles rich adds are still real escapes
    assert "\x1b[2J" not in coloured and "\x1b]0" not in coloured


def test_a_narrow_cell_cuts_the_escaped_text_but_never_lets_a_control_through() -> None:
    table = Table("f")
    table.add_row(Text("evil\x1b[2J"))
    shown = render(table, color=False)
    assert "evil\\x" in shown and "\x1b" not in shown


def test_plain_strings_and_texts_are_escaped_too() -> None:
    assert render("title\x1b]0;PWNED\x07 end", color=False) == "title\\x1b]0;PWNED\\x07 end\n"
    assert render(Text("a\x1b[2Jb"), color=False) == "a\\x1b[2Jb\n"
