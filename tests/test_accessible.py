"""name_task_checkboxes: every checklist box on a generated page gets its item's text as accessible name."""

from __future__ import annotations

import html
import re

from releasebook.accessible import name_task_checkboxes
from releasebook.sanitize import sanitize_html

from .render_helpers import FIXTURE, render_project, to_html


def boxes(page_html: str) -> list[str]:
    """Every checkbox tag in the page."""
    return re.findall(r"<input[^>]*>", page_html)


def test_each_box_is_named_after_its_item_and_keeps_its_state() -> None:
    """A done and an open item, as the checklist and policy pages write them."""
    page = sanitize_html(to_html("- [x] Passing CI · `ci-security-scans`\n- [ ] Backup created\n"))
    named = boxes(name_task_checkboxes(page))
    assert named == [
        '<input type="checkbox" disabled="" checked="" aria-label="Passing CI · ci-security-scans">',
        '<input type="checkbox" disabled="" aria-label="Backup created">',
    ]


def test_loose_items_take_the_first_paragraph_only() -> None:
    """An item with paragraphs below (a note of several paragraphs): the name is the item's text only."""
    page = sanitize_html(to_html("- [ ] Performance impact assessed\n\n    **Blocked** · `performance`\n"))
    assert boxes(name_task_checkboxes(page)) == [
        '<input type="checkbox" disabled="" aria-label="Performance impact assessed">']


def test_the_name_stops_before_the_item_details() -> None:
    """Status, owner and note follow the text in a details span on the checklist page: not in the name."""
    page = sanitize_html(to_html(
        '- [ ] Performance impact assessed <span class="releasebook-details">— **Blocked** · '
        "Owner: Lars · `performance`</span>\n- [x] Backup created\n"))
    named = name_task_checkboxes(page)
    assert boxes(named) == [
        '<input type="checkbox" disabled="" aria-label="Performance impact assessed">',
        '<input type="checkbox" disabled="" checked="" aria-label="Backup created">',
    ]
    assert '<span class="releasebook-details">— <strong>Blocked</strong>' in named


def test_every_box_on_a_checklist_page_is_named_after_its_policy_text() -> None:
    """A rendered checklist with every kind of item: the names are exactly the policy texts."""
    rendered = render_project(FIXTURE)
    release = next(r for r in rendered.history.releases if r.slug == "2.1.1")
    texts = [item.text for checklist in release.checklists for item in checklist.items]
    statuses = {item.status for checklist in release.checklists for item in checklist.items}
    assert statuses == {"done", "skipped", "in-progress", "pending", "blocked"}
    page = name_task_checkboxes(sanitize_html(to_html(rendered.page("releases/2.1.1/checklist.md").content)))
    names = [html.unescape(name) for name in re.findall(r'<input [^>]*aria-label="([^"]*)">', page)]
    assert names == texts


def test_record_text_stays_inside_the_attribute() -> None:
    """Escaped markup and quotes in an item become attribute text, never a new attribute or element."""
    page = sanitize_html(to_html('- [ ] Owner &lt;img src=x onerror="alert(1)"&gt; & "quotes"\n'))
    named = name_task_checkboxes(page)
    assert boxes(named) == ['<input type="checkbox" disabled="" aria-label="Owner &lt;img src=x '
                            'onerror=&quot;alert(1)&quot;&gt; &amp; &quot;quotes&quot;">']
    assert "<img" not in named


def test_pages_without_task_lists_and_named_boxes_are_unchanged() -> None:
    """Nothing to do leaves the HTML byte for byte; a box that has a name keeps it."""
    plain = sanitize_html(to_html("- a list\n- of items\n"))
    assert name_task_checkboxes(plain) == plain
    named = ('<label class="task-list-control"><input type="checkbox" disabled="" aria-label="Kept">'
             '<span class="task-list-indicator"></span></label> Text')
    assert name_task_checkboxes(named) == named
