"""Golden Markdown for every page of the fixed fixture history; `pytest --update-goldens` rewrites them."""

from __future__ import annotations

from pathlib import Path

import pytest

from .render_helpers import FIXTURE, GOLDENS, Rendered, render_project


@pytest.fixture(scope="module")
def rendered() -> Rendered:
    """The fixture history, rendered once for the module."""
    return render_project(FIXTURE)


def golden_paths() -> list[str]:
    """Every golden file, as a page path."""
    return sorted(path.relative_to(GOLDENS).as_posix() for path in GOLDENS.rglob("*.md"))


def test_every_page_has_a_golden_and_every_golden_a_page(rendered: Rendered, update_goldens: bool) -> None:
    """No page goes unchecked, and no golden outlives its page."""
    pages = sorted(page.path for page in rendered.pages)
    if update_goldens:
        for stale in set(golden_paths()) - set(pages):
            (GOLDENS / stale).unlink()
    assert golden_paths() == pages or update_goldens


@pytest.mark.parametrize("kind", ["releases/index.md", "releases/status.md", "policy/index.md",
                                  "releases/2.0.0/index.md", "releases/2.1.0/checklist.md",
                                  "releases/2.1.0/rollback.md"])
def test_each_page_kind_is_covered(kind: str) -> None:
    """The goldens include the index, status board, policy, notes, checklist and runbook."""
    assert (GOLDENS / kind).is_file()


def test_pages_match_goldens(rendered: Rendered, update_goldens: bool) -> None:
    """Each page equals its golden file exactly."""
    mismatched = []
    for page in rendered.pages:
        golden: Path = GOLDENS / page.path
        if update_goldens:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(page.content, encoding="utf-8", newline="\n")
            continue
        expected = golden.read_text(encoding="utf-8") if golden.is_file() else None
        if expected != page.content:
            mismatched.append(page.path)
    assert not mismatched, f"pages differ from tests/goldens (update with --update-goldens): {mismatched}"
