"""name_task_checkboxes: every checklist box on a generated page gets its item's text as accessible name."""

from __future__ import annotations

import re

from releasebook.accessible import name_task_checkboxes
from releasebook.sanitize import sanitize_html

from .render_helpers import to_html


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
    """A checklist item with a status line below: the name is the item's text, not the status line."""
    page = sanitize_html(to_html("- [ ] Performance impact assessed\n\n    **Blocked** · `performance`\n"))
    assert boxes(name_task_checkboxes(page)) == [
        '<input type="checkbox" disabled="" aria-label="Performance impact assessed">']


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
