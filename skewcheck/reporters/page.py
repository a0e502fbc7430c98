"""The shell of skewcheck's HTML pages (the report, the history): head, Content-Security-Policy, stylesheet, escape.

Everything is inline and the policy forbids loading anything, so an archived page opens the same way offline,
years later. Every value from the data or the command line goes through `escape`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence


def escape(text: object) -> str:
    """Text made inert in an element or an attribute value."""
    return html.escape(str(text), quote=True)


def policy(*, script: bool) -> str:
    """The Content-Security-Policy: nothing from outside; inline styles and images, and the page's script if any."""
    sources = ["default-src 'none'", "style-src 'unsafe-inline'", *(["script-src 'unsafe-inline'"] * script)]
    return "; ".join([*sources, "img-src data:"])


def document(title: str, main: str, *, styles: Sequence[str], script: str = "", generator: str = "") -> str:
    """A whole page: `main` (ending in a newline) in <main>, the stylesheet then `styles`, then `script`."""
    head = [
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy(script=bool(script))}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        *([f'<meta name="generator" content="{escape(generator)}">'] if generator else []),
        f"<title>{escape(title)}</title>",
        "<style>\n" + "\n".join([STYLESHEET, *styles]) + "\n</style>",
    ]
    tail = f"<script>\n{script}\n</script>\n" if script else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n'
        + "\n".join(head)
        + f"\n</head>\n<body>\n<main>\n{main}</main>\n{tail}</body>\n</html>\n"
    )


STYLESHEET = """
:root { --fail: #b42318; --warn: #b54708; --pass: #067647; --error: #6941c6; --skipped: #667085;
  --line: #e4e7ec; --dim: #667085; --ink: #101828; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  background: #f9fafb; }
main { max-width: 1240px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; display: flex; gap: 10px; align-items: center; }
h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 0 0 6px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
header .summary { font-size: 16px; margin: 4px 0; }
.dim, .exit { color: var(--dim); }
code { font: 12px ui-monospace, Menlo, Consolas, monospace; background: #f2f4f7; padding: 1px 4px;
  border-radius: 4px; overflow-wrap: anywhere; }
.badge { display: inline-block; font: 600 11px/1 system-ui, sans-serif; letter-spacing: .04em; color: #fff;
  padding: 4px 7px; border-radius: 999px; background: var(--skipped); }
.badge.fail { background: var(--fail); } .badge.warn { background: var(--warn); }
.badge.pass { background: var(--pass); } .badge.error { background: var(--error); }
.badge.info { background: var(--skipped); }
.inputs dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 16px 0 0;
  background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.inputs dt { color: var(--dim); } .inputs dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.nowrap { white-space: nowrap; }
td.text { overflow-wrap: anywhere; min-width: 12em; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort=ascending] button::after { content: " ▲"; } th[aria-sort=descending] button::after { content: " ▼"; }
tbody tr:hover { background: #f9fafb; }
a { color: #175cd3; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px;
  align-items: start; }
.card { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--skipped);
  border-radius: 8px; padding: 14px 16px; }
.card.fail { border-left-color: var(--fail); } .card.warn { border-left-color: var(--warn); }
.card.pass { border-left-color: var(--pass); } .card.error { border-left-color: var(--error); }
.card .gate, .card .reason, .card .note { margin: 2px 0; }
.card .reason, .card .note { color: var(--dim); }
.card .reason.fail, .card .reason.error { color: var(--fail); }
.card .reason.warn { color: var(--warn); }
.card .note { font-size: 12px; margin-top: 8px; }
figure.chart { margin: 8px 0 0; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--dim); font-size: 12px; }
.definitions dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
.definitions dd { margin: 0; }
@media (max-width: 640px) { .cards { grid-template-columns: 1fr; } main { padding: 12px; } }
""".strip()
