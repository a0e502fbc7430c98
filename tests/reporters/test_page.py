"""The HTML shell: a policy that forbids fetching anything, a head every page shares, and values made inert."""

from __future__ import annotations

import html.parser

from skewcheck.reporters.page import STYLESHEET, document, escape, policy


def directives(text: str) -> dict[str, str]:
    return dict(part.split(" ", 1) for part in text.split("; "))


def test_the_policy_forbids_every_fetch() -> None:
    assert directives(policy(script=False)) == {
        "default-src": "'none'",  # no scripts, fonts, frames, fetches or connections from anywhere
        "style-src": "'unsafe-inline'",
        "img-src": "data:",
    }
    assert directives(policy(script=True))["script-src"] == "'unsafe-inline'"
    assert "http" not in policy(script=True) and "'self'" not in policy(script=True)


class Head(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def parsed(page: str) -> Head:
    head = Head()
    head.feed(page)
    return head


def test_the_page_carries_its_policy_and_escapes_title_and_generator() -> None:
    page = document('<b>"x"</b>', "<p>body</p>\n", styles=[".extra { color: red; }"], generator="skewcheck <1.0>")
    head = parsed(page)
    metas = [attrs for tag, attrs in head.tags if tag == "meta"]
    assert {"http-equiv": "Content-Security-Policy", "content": policy(script=False)} in metas
    assert {"name": "generator", "content": "skewcheck <1.0>"} in metas
    assert head.title == '<b>"x"</b>' and "<b>" not in page.split("<main>")[0].split("<title>")[1]
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")
    assert "<main>\n<p>body</p>\n</main>" in page and "<script>" not in page
    assert page.index(STYLESHEET) < page.index(".extra { color: red; }")


def test_a_page_with_a_script_allows_inline_script_and_nothing_else() -> None:
    page = document("t", "", styles=[], script="console.log(1);")
    assert f'content="{policy(script=True)}"' in page
    assert "<script>\nconsole.log(1);\n</script>\n</body>" in page
    assert 'name="generator"' not in page


def test_escape_makes_text_inert_in_elements_and_attributes() -> None:
    assert escape("<a href='x'>\"&\"</a>") == "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&quot;&lt;/a&gt;"
    assert escape(0.5) == "0.5" and escape(None) == "None"
