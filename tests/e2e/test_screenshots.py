"""Screenshots of each page kind at desktop and phone width, for people to look at; plus layout checks.

The PNGs go to test-output/screenshots/ (not committed) and into the JUnit report as `screenshot` properties
(`pytest --junitxml=...`). The assertions check what a screenshot would show broken: the page scrolling
sideways on a phone, or a table whose content is cut off instead of scrolling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, SCREENSHOTS
from .site import HOSTILE_VERSION

pytestmark = pytest.mark.e2e

SHOTS = {
    "index": "releases/",
    "release": "releases/2.3.0/",
    "checklist": "releases/2.4.0/checklist/",
    "runbook": "releases/2.3.0/rollback/",
    "policy": "policy/",
    "status": "releases/status/",
}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

# Layout facts a screenshot would reveal: sideways page scroll, and tables wider than the space they have.
LAYOUT = """() => {
  const doc = document.documentElement;
  const tables = [...document.querySelectorAll('article table')].map(table => {
    const wrap = table.closest('.md-typeset__scrollwrap') || table.parentElement;
    return {head: table.querySelector('tr').innerText.replace(/\\s+/g, ' ').trim(),
            overflow: table.scrollWidth - wrap.clientWidth,
            scrolls: getComputedStyle(wrap).overflowX};
  });
  return {pageOverflow: doc.scrollWidth - window.innerWidth, tables};
}"""

FITS_ON_A_PHONE = ("Criterion Triggers when Recorded Result",)
"""Tables that must fit a phone's width: the runbook's verdict per criterion is the point of the page."""


@pytest.fixture(scope="module", params=list(WIDTHS))
def tab(request: pytest.FixtureRequest, browser: Any, site_url: str) -> Iterator[tuple[str, Any]]:
    """One tab per width: desktop, then phone (touch, mobile viewport), each in light mode."""
    width = request.param
    options: dict[str, Any] = {"viewport": WIDTHS[width], "color_scheme": "light"}
    if width == "phone":
        options.update(is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield width, page
    context.close()


@pytest.mark.parametrize("kind", list(SHOTS))
def test_screenshot(tab: tuple[str, Any], site_url: str, kind: str, screenshot_log: list[str],
                    record_property: Callable[[str, object], None]) -> None:
    """Take the full-page screenshot; the page must not scroll sideways and tables must scroll, not clip."""
    width, page = tab
    response = page.goto(site_url + SHOTS[kind], wait_until="load")
    assert response is not None and response.status == 200
    page.evaluate("document.fonts.ready")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{kind}-{width}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    record_property("screenshot", str(path))
    screenshot_log.append(str(path))
    assert path.stat().st_size > 10_000
    layout = page.evaluate(LAYOUT)
    assert layout["pageOverflow"] <= 0, f"the page scrolls sideways by {layout['pageOverflow']} px"
    for table in layout["tables"]:
        if table["overflow"] > 0:
            assert table["scrolls"] in ("auto", "scroll"), f"table {table['head']!r} is cut off"
            assert table["head"] not in FITS_ON_A_PHONE, f"table {table['head']!r} does not fit"


def test_hostile_release_screenshot(tab: tuple[str, Any], site_url: str, screenshot_log: list[str],
                                    record_property: Callable[[str, object], None]) -> None:
    """The hostile record's page, for a look at how escaped payloads read."""
    width, page = tab
    page.goto(site_url + f"releases/{HOSTILE_VERSION}/", wait_until="load")
    path = SCREENSHOTS / f"hostile-{width}.png"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    record_property("screenshot", str(path))
    screenshot_log.append(str(path))
    assert page.evaluate(LAYOUT)["pageOverflow"] <= 0
