"""Allow-list cleaning of generated pages with nh3 (ammonia): what Material renders survives, nothing else.

The Markdown filters in `render_filters` already keep record text from becoming markup. This is the second,
independent guarantee at the HTML level, applied by the plugin to every generated page after Markdown:
scripts, event handlers, `style`, frames and any URL scheme other than http, https and mailto are removed,
however the markup got there (the HTML parser decodes entity-obfuscated schemes before the scheme check).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import nh3

TAGS: frozenset[str] = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul", "var", "wbr",
    # Material's twemoji icons are inline SVG.
    "svg", "path",
})
"""Elements Material and the Markdown extensions produce for the generated pages."""

ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"checked", "disabled", "name"},
    "label": {"for"},
    "details": {"open"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style"},
    "time": {"datetime"},
    "div": {"data-tabs"},
    "span": {"data-linenos"},
    "svg": {"viewBox", "xmlns", "width", "height", "aria-hidden", "focusable"},
    "path": {"d"},
}
"""Attributes kept per element: no event handlers, no `style` except table alignment, no `data-*` but two."""

ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    # Task-list checkboxes and pymdownx.tabbed radio buttons; never a text field, file picker or button.
    "input": {"type": {"checkbox", "radio"}},
}

URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
"""Schemes allowed in `href` and `src`; relative URLs and fragments are always allowed."""

STYLE_PROPERTIES: frozenset[str] = frozenset({"text-align"})
"""The one CSS property kept: Python-Markdown's table column alignment."""


@lru_cache(maxsize=1)
def _cleaner() -> Any:
    """One compiled nh3 cleaner, shared by every page."""
    return nh3.Cleaner(
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values=ATTRIBUTE_VALUES,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=True,
        link_rel=None,
    )


def sanitize_html(html: str) -> str:
    """The page body with everything outside the allow-list removed (script and style with content)."""
    return str(_cleaner().clean(html))


__all__ = ["ATTRIBUTES", "TAGS", "URL_SCHEMES", "sanitize_html"]
