"""Accessible names for controls the Markdown extensions leave nameless on the generated pages.

pymdownx.tasklist draws each checklist box as `<label class="task-list-control"><input type="checkbox">...`
with the item's text *after* the label, so a screen reader announces "checkbox, checked" with no name. The
plugin runs this on the sanitised HTML of generated pages: each box gets the item's text as its `aria-label`.
The checklist page writes an item's status, owner, evidence and note after the text in a
`<span class="releasebook-details">`; the name stops there, so it is the item's text alone.
"""

from __future__ import annotations

import html
import re

DETAILS_CLASS = "releasebook-details"
"""The class of the span holding an item's details on the checklist page (templates/checklist.md.j2)."""

# nh3 serialises the task-list markup canonically: `<input type="checkbox" disabled="" checked="">`.
_TASK_BOX = re.compile(
    r'(<label class="task-list-control"><input type="checkbox")([^>]*)>'
    r'(<span class="task-list-indicator"></span></label>)'
    rf'(?P<text>.*?)(?=</p>|</li>|<ul|<ol|<p>|<span class="{DETAILS_CLASS}">|$)',
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")
_MAX_NAME = 200


def _name(item_html: str) -> str:
    """The item's visible text, on one line, as an attribute value (escaped, never empty)."""
    text = " ".join(html.unescape(_TAG.sub("", item_html)).split()) or "Checklist item"
    if len(text) > _MAX_NAME:
        text = text[: _MAX_NAME - 1].rstrip() + "…"
    return html.escape(text, quote=True)


def _label(match: re.Match[str]) -> str:
    opening, attributes, closing, text = match.group(1, 2, 3, "text")
    if "aria-label=" in attributes:
        return match.group(0)
    return f'{opening}{attributes} aria-label="{_name(text)}">{closing}{text}'


def name_task_checkboxes(page_html: str) -> str:
    """The page with every task-list checkbox named after the text of its item."""
    if "task-list-control" not in page_html:
        return page_html
    return _TASK_BOX.sub(_label, page_html)


__all__ = ["DETAILS_CLASS", "name_task_checkboxes"]
