"""MkDocs glue: where the generated policy page goes in a navigation MkDocs made up itself."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page


def move_into_releases(nav: Navigation, policy: File | None, releases: File | None) -> None:
    """Move the auto-nav's top-level "Policy" section into the section that holds the releases index."""
    if policy is None or releases is None or policy.page is None or releases.page is None:
        return
    section = releases.page.parent
    holder = policy.page.parent
    if section is None or holder is section:
        return
    if holder is not None and holder in nav.items and holder.children == [policy.page]:
        nav.items.remove(holder)
    elif policy.page in nav.items:
        nav.items.remove(policy.page)
    else:
        return
    section.children.append(policy.page)
    policy.page.parent = section
    nav.pages = nav_pages(nav.items)
    for previous, current in zip([None, *nav.pages], nav.pages, strict=False):
        current.previous_page = previous
        if previous is not None:
            previous.next_page = current
    if nav.pages:
        nav.pages[-1].next_page = None


def nav_pages(items: list[Any]) -> list[Page]:
    """The pages of a navigation tree, in order."""
    found: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            found.append(item)
        elif isinstance(item, Section):
            found.extend(nav_pages(item.children))
    return found
