"""The tour page (docs/guides/tour.md) shows one small, committed screenshot per page kind, and only those."""

from __future__ import annotations

import struct

import pytest
from mkdocs.config import load_config

from ..helpers import REPO
from .tour import IMAGES, MAX_BYTES, TOUR_PAGES, VIEWPORT, image_path

pytestmark = pytest.mark.e2e

TOUR = REPO / "docs" / "guides" / "tour.md"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("kind", list(TOUR_PAGES))
def test_each_page_kind_has_a_small_desktop_screenshot(kind: str) -> None:
    """tour-<kind>.png exists, is desktop width and stays under the size limit; the tour shows it."""
    data = image_path(kind).read_bytes()
    assert png_size(data) == (VIEWPORT["width"], VIEWPORT["height"])
    assert len(data) <= MAX_BYTES, f"{image_path(kind).name}: {len(data):,} bytes (python -m tests.e2e.tour)"
    assert f"](../images/{image_path(kind).name})" in TOUR.read_text(encoding="utf-8")


def test_no_stale_images_and_the_tour_is_in_the_nav() -> None:
    """Every image in docs/images/ is one of the tour's; the tour is listed under Guides."""
    assert sorted(p.name for p in IMAGES.glob("*.png")) == sorted(image_path(k).name for k in TOUR_PAGES)
    config = load_config(config_file=str(REPO / "mkdocs.yml"))
    guides = next(item["Guides"] for item in config.nav if isinstance(item, dict) and "Guides" in item)
    assert any(isinstance(entry, dict) and "guides/tour.md" in entry.values() for entry in guides)
