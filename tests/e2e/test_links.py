"""Link integrity of the built site, read from the HTML files: no broken link or anchor, no orphan page."""

from __future__ import annotations

import pytest

from .site import BuiltSite, ParsedPage, internal_target, parse_page, served_file, walk

pytestmark = pytest.mark.e2e

SITE_URL = "https://releases.octoacme.example/"
"""The example's `site_url`: absolute links to it are internal links too."""


@pytest.fixture
def pages(parsed_pages: dict[str, ParsedPage]) -> dict[str, ParsedPage]:
    """Every page of the built site (404.html aside), by URL path."""
    return parsed_pages


def test_the_site_has_every_page_kind(pages: dict[str, ParsedPage]) -> None:
    """The crawl covers the generated pages, not an empty or partial build."""
    for path in ("", "releases/", "releases/status/", "policy/", "releases/2.3.0/",
                 "releases/2.3.0/checklist/", "releases/2.3.0/rollback/", "releases/2.6.0/"):
        assert path in pages
    assert sum(1 for path in pages if path.endswith("/checklist/")) >= 15


def test_every_internal_link_and_anchor_resolves(built_site: BuiltSite, pages: dict[str, ParsedPage]) -> None:
    """Each `<a href>` to this site opens a file, and its `#fragment` is an id on the target page."""
    broken = []
    checked = 0
    for path, page in pages.items():
        for href in page.links:
            target = internal_target(path, href, SITE_URL)
            if target is None:
                continue
            checked += 1
            file = served_file(built_site.site, target.path)
            if file is None:
                broken.append(f"/{path}: {href} -> no file for /{target.path}")
                continue
            if not target.fragment:
                continue
            key = file.relative_to(built_site.site).as_posix().removesuffix("index.html")
            ids = pages[key].ids if key in pages else parse_page(built_site.site, key).ids
            if target.fragment not in ids:
                broken.append(f"/{path}: {href} -> no id {target.fragment!r} on /{key}")
    assert checked > 1000, "the crawl found suspiciously few links"
    assert not broken, "\n".join(broken)


def test_every_local_resource_exists(built_site: BuiltSite, pages: dict[str, ParsedPage]) -> None:
    """Stylesheets, scripts, icons and images the pages load are all in the build (no 404 in the browser)."""
    missing = sorted({
        f"/{path}: {src}"
        for path, page in pages.items()
        for src in page.resources
        if (target := internal_target(path, src, SITE_URL)) is not None
        and served_file(built_site.site, target.path) is None
    })
    assert not missing, "\n".join(missing)


def test_every_page_is_reachable_from_the_home_page(built_site: BuiltSite,
                                                    pages: dict[str, ParsedPage]) -> None:
    """Following links from the home page reaches every page: no orphans (404.html and assets aside)."""
    reachable = set(walk(built_site.site, "", SITE_URL, pages))
    orphans = sorted(set(pages) - reachable)
    assert not orphans, f"pages no link leads to: {orphans}"
