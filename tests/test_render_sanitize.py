"""sanitize_html: Material's markup on the generated pages survives; scripts, handlers, bad URLs do not."""

from __future__ import annotations

import re

import pytest
from releasebook.sanitize import sanitize_html

from .render_helpers import FIXTURE, Elements, live_markup, render_project, to_html

MATERIAL = """
!!! danger "Rolled back"
    Body with an icon :material-undo-variant: and `code`.

??? note "Details"
    Hidden text.

- [x] done item
- [ ] open item

| Left | Right |
|:-----|------:|
| a    | b     |

## A heading

=== "One"
    first
=== "Two"
    second

```python
print("hi")
```

[link](https://example.test/a?b=1&c=2 "Title") and [mail](mailto:a@example.test) and [rel](../x/index.md)
"""


def test_material_markup_survives() -> None:
    """Admonitions, details, task lists, twemoji SVG, aligned tables, headings, tabs and code survive."""
    html = to_html(MATERIAL)
    clean = sanitize_html(html)
    before, after = Elements(html), Elements(clean)
    assert [tag for tag, _ in before.tags] == [tag for tag, _ in after.tags]
    for (tag, attrs), (_, kept) in zip(before.tags, after.tags, strict=True):
        assert set(kept) == set(attrs), (tag, attrs, kept)
    assert before.plain == after.plain
    assert '<div class="admonition danger">' in clean
    assert '<details class="note">' in clean
    assert 'class="task-list-item"' in clean
    assert re.search(r'<input type="checkbox" disabled=""( checked="")?>', clean)
    assert ('<span class="twemoji"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
            '<path d="') in clean
    assert 'style="text-align:right"' in clean
    assert '<h2 id="a-heading">' in clean and 'class="headerlink"' in clean
    assert 'type="radio"' in clean and '<label for="__tabbed_1_1">' in clean
    assert '<div class="highlight">' in clean and '<span class="nb">print</span>' in clean
    assert 'href="https://example.test/a?b=1&amp;c=2" title="Title"' in clean


@pytest.mark.parametrize("dirty, gone", [
    ("<script>alert(1)</script><p>x</p>", "alert"),
    ('<p onclick="alert(1)">x</p>', "onclick"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ('<iframe src="https://evil.example"></iframe>', "iframe"),
    ("<style>body{display:none}</style>", "display"),
    ('<a href="javascript:alert(1)">x</a>', "javascript"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "avascript"),
    ('<a href="&#x6A;&#x61;vascript:alert(1)">x</a>', "vascript"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "script"),
    ('<a href=" javascript:alert(1)">x</a>', "javascript"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ('<img src="data:image/svg+xml,x">', "data:"),
    ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
    ('<svg onload="alert(1)"><path d="M0"/></svg>', "onload"),
    ('<p style="position:fixed;top:0">x</p>', "position"),
    ('<td style="text-align:left;background:url(javascript:x)">x</td>', "background"),
    ('<form action="https://evil.example"><input type="text" name="q"></form>', "form"),
    ('<input type="text" value="x">', "text"),
    ('<object data="x.swf"></object><embed src="x.swf">', "swf"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
    ('<base href="https://evil.example/">', "base"),
    ('<a href="https://x.example" target="_blank" data-md-x="1">x</a>', "target"),
    ("<!-- a comment -->", "comment"),
])
def test_dangerous_markup_is_removed(dirty: str, gone: str) -> None:
    """Each dangerous construct is removed, however it is spelled."""
    clean = sanitize_html(dirty)
    assert gone not in clean.lower()
    assert live_markup(clean, allowed=frozenset({"img"})) == []


def test_text_inside_removed_tags_is_kept_except_scripts_and_styles() -> None:
    """Unknown wrappers are unwrapped (their text stays); script and style content goes with them."""
    assert sanitize_html("<blink>hello</blink>") == "hello"
    assert sanitize_html("<script>evil()</script>after") == "after"


def test_generated_pages_pass_through_unchanged_in_content() -> None:
    """On the fixture's pages the sanitiser changes serialisation only: same elements, attributes and text."""
    rendered = render_project(FIXTURE)
    for page in rendered.pages:
        html = to_html(page.content)
        before, after = Elements(html), Elements(sanitize_html(html))
        assert [tag for tag, _ in before.tags] == [tag for tag, _ in after.tags], page.path
        assert before.plain == after.plain, page.path
        assert live_markup(html) == [], page.path
