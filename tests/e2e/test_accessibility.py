"""Accessibility basics, checked directly: titles, heading order, status in words, names for every control.

axe-core is not vendored (it would need an npm install); these are the checks it would make that matter
most here. Titles and headings are read from every built page; names come from Chromium's accessibility tree.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from .conftest import Visitor
from .site import BuiltSite, ParsedPage

pytestmark = pytest.mark.e2e

PAGE_KINDS = {
    "home": "",
    "changelog": "releases/",
    "status": "releases/status/",
    "policy": "policy/",
    "notes": "releases/2.3.0/",
    "checklist": "releases/2.4.0/checklist/",
    "runbook": "releases/2.3.0/rollback/",
    "guide": "guides/support/",
}
INTERACTIVE_ROLES = {"link", "button", "checkbox", "radio", "textbox", "searchbox", "combobox", "switch",
                     "tab", "menuitem", "slider", "spinbutton", "listbox", "option"}
ITEM_WORDS = {"skipped": "Skipped", "in-progress": "In progress", "pending": "Pending", "blocked": "Blocked"}
STATUS_WORDS = ("Planned", "In progress", "Released", "Rolled back")

# Icons that are the only thing in their paragraph, cell, item or link: meaning carried by shape or colour.
ICON_ONLY = """() => [...document.querySelectorAll('article .twemoji')]
  .filter(icon => !/\\p{L}{2,}/u.test(icon.parentElement.innerText))
  .map(icon => icon.parentElement.outerHTML.slice(0, 160))"""


@pytest.fixture
def parsed(parsed_pages: dict[str, ParsedPage]) -> dict[str, ParsedPage]:
    """Every built page, parsed once for the session."""
    return parsed_pages


def test_every_page_has_its_own_title(parsed: dict[str, ParsedPage]) -> None:
    """A non-empty <title> on each page, and no two pages share one (tabs and history stay telling)."""
    titles = {path: page.title for path, page in parsed.items()}
    assert all(title.strip() for title in titles.values()), [p for p, t in titles.items() if not t.strip()]
    repeated = {title for title, count in Counter(titles.values()).items() if count > 1}
    assert not repeated, {path: title for path, title in titles.items() if title in repeated}


def test_kind_of_page_shows_in_the_title(parsed: dict[str, ParsedPage]) -> None:
    """Checklist and runbook titles say what they are, after the release's version."""
    for path, page in parsed.items():
        match = re.fullmatch(r"releases/([^/]+)/(checklist/|rollback/)?", path)
        if match is None or match.group(1) == "status":
            continue
        version, kind = match.groups()
        assert page.title.startswith(version), (path, page.title)
        suffix = {None: "", "checklist/": ": checklist", "rollback/": ": rollback runbook"}[kind]
        assert page.title.endswith(f"{suffix} - OctoAcme Releases"), (path, page.title)


def test_headings_in_order(parsed: dict[str, ParsedPage]) -> None:
    """Exactly one h1 per page, and going down the outline never skips a level (h2 to h4)."""
    problems = []
    for path, page in parsed.items():
        levels = [level for level, _ in page.headings]
        if levels.count(1) != 1 or levels[:1] != [1]:
            problems.append(f"/{path}: {levels.count(1)} h1, first heading h{levels[0] if levels else '-'}")
        for (before, _), (level, text) in zip(page.headings, page.headings[1:], strict=False):
            if level > before + 1:
                problems.append(f"/{path}: h{before} then h{level} ({text!r})")
    assert not problems, "\n".join(problems)


def test_status_is_shown_in_words(visitor: Visitor, built_site: BuiltSite) -> None:
    """Every checklist item that is not done names its status in words (a done item is ticked and names none);
    the dashboard spells out status, readiness and verdict."""
    record, policy = built_site.records()["2.4.0"], built_site.policy()
    page = visitor.open("releases/2.4.0/checklist/")
    items = page.locator("li.task-list-item")
    assert items.count() == 22
    seen = set()
    for key, checklist in policy["checklists"].items():
        for spec in checklist["items"]:
            value = record["checklists"].get(key, {}).get(spec["id"], "pending")
            status = value["status"] if isinstance(value, dict) else value
            item = items.filter(has_text=spec["text"]).first
            words = [word for word in ITEM_WORDS.values() if re.search(rf"\b{word}\b", item.inner_text())]
            assert words == ([] if status == "done" else [ITEM_WORDS[status]]), (spec["id"], words)
            assert item.locator("input[type=checkbox]").is_checked() == (status in ("done", "skipped"))
            seen.add(status)
    assert seen >= {"done", "pending", "blocked"}
    page = visitor.open("releases/status/")
    rows = page.locator("article table tbody tr").all()
    assert rows
    for row in rows:
        cells = row.locator("td").all_inner_texts()
        assert any(word in cells[1] for word in STATUS_WORDS), cells
        assert all(re.search(r"\w{2,}", cell) for cell in cells[-2:]), cells
    for admonition in page.locator("article .admonition-title").all_inner_texts():
        assert re.search(r"\w{3,}", admonition)
    visitor.assert_clean()


def nameless_controls(page: Any) -> list[str]:
    """Interactive elements in Chromium's accessibility tree that have no accessible name."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
        found = []
        for node in nodes:
            role = node.get("role", {}).get("value")
            if node.get("ignored") or role not in INTERACTIVE_ROLES:
                continue
            if not str(node.get("name", {}).get("value", "")).strip():
                described = session.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})
                attributes = described["node"].get("attributes", [])
                found.append(f"{role} <{described['node']['localName']} {' '.join(attributes)[:100]}>")
        return found
    finally:
        session.detach()


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_every_control_has_a_name_and_no_icon_stands_alone(visitor: Visitor, kind: str) -> None:
    """Links, buttons, inputs and checkboxes have an accessible name (text, aria-label or title), and every
    icon stands beside words, so no status is told by shape or colour alone."""
    page = visitor.open(PAGE_KINDS[kind])
    assert nameless_controls(page) == []
    assert page.evaluate(ICON_ONLY) == [], "an icon alone carries meaning"
    visitor.assert_clean()
