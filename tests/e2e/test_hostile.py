"""Hostile text in a record reaches the reader as text: no script runs, no dialog opens, nothing is lost."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Visitor
from .site import HOSTILE_VERSION, PAYLOADS, BuiltSite

pytestmark = pytest.mark.e2e

NAME = "Hostile <script>alert(1)</script> | pipe"

SHOWN = {
    # Pages that print the hostile record's text, and text a reader must see on each, exactly as written.
    "": [NAME],
    "releases/": [NAME, *PAYLOADS],
    "releases/status/": [HOSTILE_VERSION],
    f"releases/{HOSTILE_VERSION}/": [
        f"{HOSTILE_VERSION} — {NAME}", *PAYLOADS, "# heading in the summary", "# heading in a description",
        "Feature | with a pipe <script>alert(1)</script>", 'Issue | pipe {: onclick="alert(1)"}',
        "Hostile fix {{ config }} <img src=x onerror=alert(1)>",
    ],
    f"releases/{HOSTILE_VERSION}/checklist/": [
        "<script>alert(1)</script> Owner", '{: onclick="alert(1)"} note with {{ config }}',
        "<img src=x onerror=alert(1)> blocked",
    ],
    f"releases/{HOSTILE_VERSION}/rollback/": [
        "Plan with <script>alert(1)</script> and [click](javascript:alert(1)) and {{ config }}",
        "# heading as a step", "<img src=x onerror=alert(1)> step", "On-call <script>alert(1)</script>",
        "Name | pipe",
    ],
}

# Anything on the page that could run code: handler attributes, javascript: URLs, script-like elements in the
# content, images (the record's `<img src=x>` must not become one).
ACTIVE_CONTENT = """() => {
  const handlers = [];
  for (const el of document.querySelectorAll('*'))
    for (const attr of el.attributes)
      if (attr.name.toLowerCase().startsWith('on'))
        handlers.push(`<${el.tagName.toLowerCase()} ${attr.name}>`);
  const urls = [...document.querySelectorAll('[href], [src], [action], [formaction]')]
    .filter(el => ['href', 'src', 'action', 'formaction'].some(name =>
      /^\\s*javascript:/i.test(el.getAttribute(name) || '')) || el.protocol === 'javascript:')
    .map(el => el.outerHTML.slice(0, 120));
  const content = [...document.querySelectorAll('article, .md-search-result')];
  const elements = content
    .flatMap(root => [...root.querySelectorAll('script, iframe, object, embed, img, style')])
    .map(el => el.outerHTML.slice(0, 120));
  return {handlers, urls, elements};
}"""


def active_content(page: Any) -> dict[str, list[str]]:
    """What the page would run if the record's text had become markup."""
    found: dict[str, list[str]] = page.evaluate(ACTIVE_CONTENT)
    return found


@pytest.mark.parametrize("path", list(SHOWN))
def test_hostile_text_shows_as_text_and_runs_nothing(visitor: Visitor, built_site: BuiltSite,
                                                     path: str) -> None:
    """Every payload is visible verbatim; no handler, javascript: URL, script or image exists; no dialog."""
    assert (built_site.project / "releases" / f"{HOSTILE_VERSION}.yml").is_file()
    page = visitor.open(path)
    text = page.locator("article").inner_text()
    missing = [shown for shown in SHOWN[path] if shown not in text]
    assert not missing, f"not shown as text on /{path}: {missing}"
    assert active_content(page) == {"handlers": [], "urls": [], "elements": []}
    assert page.locator("h1").count() == 1
    visitor.assert_clean()


def test_hostile_title_is_text_in_the_browser_tab(visitor: Visitor) -> None:
    """The page title (tab, history, bookmarks) shows the record's name literally."""
    page = visitor.open(f"releases/{HOSTILE_VERSION}/")
    assert page.title() == f"{HOSTILE_VERSION} — {NAME} - OctoAcme Releases"
    visitor.assert_clean()


def test_search_results_show_hostile_text_as_text(visitor: Visitor) -> None:
    """Searching for "onerror" lists the hostile release; its snippet is text, and nothing runs."""
    page = visitor.open("")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("onerror", delay=20)
    results = page.locator(".md-search-result__list")
    results.locator(".md-search-result__item").first.wait_for(state="visible")
    assert f"releases/{HOSTILE_VERSION}/" in " ".join(
        str(link.get_attribute("href")) for link in results.locator("a").all())
    assert "<img src=x onerror=alert(1)>" in results.inner_text()
    assert active_content(page) == {"handlers": [], "urls": [], "elements": []}
    visitor.assert_clean()
