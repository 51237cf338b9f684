"""Regenerate the screenshots of docs/guides/tour.md: `python -m tests.e2e.tour` (needs /usr/bin/chromium).

Builds the example site (without the hostile record) into a temporary folder, serves it, and saves the top of
each page kind at desktop width as docs/images/tour-<kind>.png. Commit the PNGs after looking at them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ..helpers import REPO
from .site import CHROMIUM, CHROMIUM_ARGS, SiteServer, build_example

TOUR_PAGES = {
    "home": "",
    "changelog": "releases/",
    "notes": "releases/2.3.0/",
    "checklist": "releases/2.4.0/checklist/",
    "runbook": "releases/2.3.0/rollback/",
    "status": "releases/status/",
    "policy": "policy/",
}
"""Page kind → path in the example site; the image of each is docs/images/tour-<kind>.png."""

IMAGES = REPO / "docs" / "images"
VIEWPORT = {"width": 1280, "height": 720}
MAX_BYTES = 150_000
"""Largest tour image committed: small enough to keep the repository and the page light."""


def image_path(kind: str) -> Path:
    """Where the tour's screenshot of a page kind lives."""
    return IMAGES / f"tour-{kind}.png"


def main() -> int:
    """Build, serve and photograph each page kind; report each file's size."""
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tour-") as temporary:
        built = build_example(Path(temporary), hostile=False)
        with SiteServer(built.site) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT, color_scheme="light")
            for kind, path in TOUR_PAGES.items():
                page.goto(server.url + path, wait_until="load")
                page.screenshot(path=str(image_path(kind)), animations="disabled")
                size = image_path(kind).stat().st_size
                print(f"{image_path(kind).relative_to(REPO)}: {size:,} bytes")
            browser.close()
    too_big = [kind for kind in TOUR_PAGES if image_path(kind).stat().st_size > MAX_BYTES]
    if too_big:
        print(f"larger than {MAX_BYTES:,} bytes: {', '.join(too_big)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
