"""Browser-test fixtures: one build, one local server and one headless Chromium for the whole session.

The browser is Debian's Chromium at /usr/bin/chromium (or $RELEASEBOOK_CHROMIUM); Playwright never downloads
one. Every host but 127.0.0.1 resolves to nothing inside the browser, so the tests stay offline and see
exactly what the local site does. When Chromium is missing, the browser tests skip and say how to install it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from ..helpers import REPO
from .site import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING_CHROMIUM,
    BuiltSite,
    ParsedPage,
    SiteServer,
    build_example,
    html_pages,
    parse_page,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Page, Request, Response

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
OUTPUT = REPO / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The example project plus the hostile record, built once with `mkdocs build --strict`."""
    return build_example(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="session")
def parsed_pages(built_site: BuiltSite) -> dict[str, ParsedPage]:
    """Every built page (404.html aside), parsed once, by URL path: for the crawl and the static checks."""
    return {path: parse_page(built_site.site, path) for path in html_pages(built_site.site)}


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    """The built site served on 127.0.0.1 and a free port, e.g. `http://127.0.0.1:41234/`."""
    with SiteServer(built_site.site) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, shared by every browser test; skips when it is not installed."""
    if not CHROMIUM.is_file():
        pytest.skip(MISSING_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras: "
                                   "pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    """A 1280 px wide browser context in light mode, shared so the cache keeps page loads fast."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="light", locale="en-US")
    yield context
    context.close()


class Visitor:
    """One tab that records what a person would notice went wrong: console errors, failed loads, dialogs."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.visited: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("dialog", self._dialog)

    def local(self, url: str) -> bool:
        """True for the site under test."""
        return url.startswith(self.origin)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = str(message.location.get("url", ""))
        if message.text.startswith("Failed to load resource") and source and not self.local(source):
            return  # an external resource (fonts, GitHub facts) the offline browser cannot resolve
        self.problems.append(f"{self.page.url}: console error: {message.text} ({source})")

    def _failed(self, request: Request) -> None:
        # ERR_ABORTED is the browser cancelling a page's late requests when the test navigates on.
        if self.local(request.url) and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"{self.page.url}: request failed: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if self.local(response.url) and response.status >= 400:
            self.problems.append(f"{self.page.url}: HTTP {response.status} for {response.url}")

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{self.page.url}: {dialog.type} dialog: {dialog.message}")
        dialog.dismiss()

    def open(self, path: str) -> Page:
        """Load a page of the site by its path (`releases/2.3.0/`) and check it answered 200."""
        response = self.page.goto(self.origin + path, wait_until="load")
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        self.visited.append(path)
        return self.page

    def path(self) -> str:
        """The current page's path below the site root, without query (search highlights) and fragment."""
        return urlsplit(self.page.url.removeprefix(self.origin)).path

    def assert_clean(self) -> None:
        """No dialog opened, and no console error or failed local request on any page this tab visited."""
        assert not self.dialogs, "a script ran: " + "; ".join(self.dialogs)
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def visitor(desktop: BrowserContext, site_url: str) -> Iterator[Visitor]:
    """A fresh desktop tab on the shared context, watched for errors and dialogs."""
    page = desktop.new_page()
    yield Visitor(page, site_url)
    page.close()


SCREENSHOTS_TAKEN = pytest.StashKey[list[str]]()


@pytest.fixture
def screenshot_log(request: pytest.FixtureRequest) -> list[str]:
    """Paths of the screenshots this run took, for the summary line at the end."""
    return request.config.stash.setdefault(SCREENSHOTS_TAKEN, [])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Point at the screenshots when this run took any."""
    taken = config.stash.get(SCREENSHOTS_TAKEN, [])
    if taken:
        terminalreporter.write_line(f"e2e screenshots: {len(taken)} in {SCREENSHOTS.relative_to(REPO)}/")
