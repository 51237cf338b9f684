"""The Markdown filters: record text shows exactly as written and never becomes markup."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from releasebook.render_filters import (
    first_paragraph,
    is_safe_url,
    md_block,
    md_code,
    md_inline,
    md_item,
    md_link,
    md_text,
    md_url,
    one_line,
    split_code,
    yaml_str,
)

from .render_helpers import Elements, live_markup, to_html


def block_html(text: str) -> str:
    """A record text placed as a paragraph block between two template paragraphs."""
    return to_html(f"Before.\n\n{md_block(text)}\n\nAFTER\n")


def text_of(html: str) -> str:
    """Visible text with blanks collapsed."""
    return re.sub(r"\s+", " ", Elements(html).plain).strip()


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    "<div>\nswallow the rest?",
    "<!-- hide the rest",
    '<a href="javascript:alert(1)">x</a>',
])
def test_raw_html_shows_as_text(hostile: str) -> None:
    """Raw HTML from a record is text on the page, and what follows it still renders."""
    html = block_html(hostile)
    assert live_markup(html) == []
    assert " ".join(hostile.split()) in text_of(html)
    assert "<p>AFTER</p>" in html


def test_a_leading_div_does_not_swallow_following_content() -> None:
    """The classic raw-HTML-block trap: a `<div>` line would eat Markdown until a blank line."""
    html = to_html("- **A**: " + md_item("<div>\nStill *here*.") + "\n- **B**: next item\n")
    assert "<em>here</em>" in html
    assert re.search(r"<li>\s*(<p>)?<strong>B</strong>: next item", html)


@pytest.mark.parametrize("text", ["# heading", "## two\nmore", "text\n# inline heading", "- # in a list",
                                  "> # in a quote", "title\n===", "title\n---", "#no-space"])
def test_headings_cannot_be_injected(text: str) -> None:
    """Hash and setext headings stay text, so a record cannot change the page outline."""
    html = block_html(text)
    assert not re.search(r"<h[1-6]", html)
    assert "#" in text_of(html) or "=" in text_of(html) or "-" in text_of(html)


@pytest.mark.parametrize("text", ['Fast {: onclick="alert(1)"}', '{: onclick="alert(1)"}',
                                  "para\n{: .admonition #x }", "{onclick=alert(1)}", "{#id .cls}"])
def test_attribute_lists_stay_text(text: str) -> None:
    """attr_list syntax is escaped: no attribute reaches the element, and the braces stay visible."""
    html = block_html(text)
    assert not re.search(r"<p[^>]*(onclick|id=|class=)", html)
    assert "{" in text_of(html)


@pytest.mark.parametrize("link, visible", [
    ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
    ("[x](JavaScript:alert(1))", "[x](JavaScript:alert(1))"),
    ("[x](&#106;avascript:alert(1))", "[x](&#106;avascript:alert(1))"),
    ("[x](java\tscript:alert(1))", "[x](java script:alert(1))"),
    ("[x]( javascript:alert(1))", "[x]( javascript:alert(1))"),
    ("[x](<javascript:alert(1)>)", "[x](<javascript:alert(1)>)"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](data:text/html;base64,PHNjcmlwdD4=)"),
    ("![x](data:image/svg+xml,<svg onload=alert(1)>)", "![x](data:image/svg+xml,<svg onload=alert(1)>)"),
    ("[x](vbscript:msgbox)", "[x](vbscript:msgbox)"),
    ("[x][r]\n\n[r]: javascript:alert(1)", "[x][r] [r]: javascript:alert(1)"),
])
def test_unsafe_links_show_as_text(link: str, visible: str) -> None:
    """Links with a scheme other than http, https or mailto (however obfuscated) are shown, not linked."""
    html = block_html(link)
    assert live_markup(html) == []
    assert "<a " not in html
    assert visible in text_of(html)


def test_safe_links_stay_links() -> None:
    """http(s), mailto and relative links work, and `&` in a query survives once."""
    html = block_html("[a](https://x.example/?a=1&b=2) [m](mailto:ops@example.test) [r](../other/) [f](#top)")
    hrefs = [attrs["href"] for tag, attrs in Elements(html).tags if tag == "a"]
    assert hrefs == ["https://x.example/?a=1&b=2", "mailto:ops@example.test", "../other/", "#top"]


def test_macros_syntax_stays_text() -> None:
    """`{{ ... }}` and `{% ... %}` are shown as typed (the pages also disable mkdocs-macros)."""
    text = "{{ config }} and {% for x in y %}{% endfor %}"
    assert text in text_of(block_html(text))


def test_code_spans_and_fences_are_untouched() -> None:
    """Code keeps `<`, `&` and braces exactly; Markdown escapes code content itself."""
    text = "Use `a < b && {c}` here.\n\n```python\nif a < b: print('<b>')\n```\n\nAfter <b>."
    out = md_block(text)
    assert "`a < b && {c}`" in out
    assert "if a < b: print('<b>')" in out
    html = block_html(text)
    assert "<code>a &lt; b &amp;&amp; {c}</code>" in html
    assert "After &lt;b&gt;." in html
    assert live_markup(html) == []


@pytest.mark.parametrize("fence", [
    "```\n<b>open\n\nrest",                     # never closed
    "```{.python onclick=x}\n<b>x</b>\n```",    # attribute list on the fence
    '``` title="x" linenums="1"\n<b>x</b>\n```',  # options
    "> ```\n> <b>x</b>\n> ```",                  # quoted fence
    "```\n<b>x</b>\n  ```\n",                   # closing fence indented differently
    "~~~\n<b>x</b>\n````",                      # wrong closing fence
])
def test_fences_the_filter_does_not_accept_are_text(fence: str) -> None:
    """A fence is code only when superfences is certain to treat it so; otherwise it is escaped text."""
    html = block_html(fence)
    assert live_markup(html) == []
    assert "<p>AFTER</p>" in html


def test_fence_at_the_start_of_a_list_item_starts_its_own_block() -> None:
    """A description that opens with a fence still renders as code inside the list item."""
    html = to_html("- **T**: " + md_item("```sh\nrm -rf <dir>\n```") + "\n- **U**: next\n")
    assert 'class="highlight"' in html
    assert "&lt;dir&gt;" in html
    assert re.search(r"<strong>U</strong>: next", html)


def test_multi_line_item_does_not_swallow_the_next_item() -> None:
    """A record that ends inside a nested list or fence cannot absorb the template's next list item."""
    for text in ("five\n\n- a\n- b", "two:\n\n```\ncode\n```", "x\n\n| a | b |\n|---|---|\n| 1 | 2 |"):
        html = to_html("1. " + md_item(text) + "\n2. SENTINEL\n\nafter\n")
        assert re.search(r"<li>\s*(<p>)?SENTINEL(</p>)?\s*</li>", html), html
        assert "<p>after</p>" in html


def test_admonition_details_and_tab_syntax_stay_text() -> None:
    """A record cannot forge a banner or a collapsible block."""
    html = block_html('!!! danger "Rolled back"\n    fake\n\n??? note "x"\n    y\n\n=== "Tab"\n    z')
    assert "admonition" not in html and "<details" not in html and "tabbed" not in html
    assert '!!! danger "Rolled back"' in text_of(html)


def test_toc_marker_stays_text() -> None:
    """`[TOC]` anywhere would be replaced by the table of contents and drop what follows."""
    html = block_html("see [[TOC]](https://x.example) and [TOC] then more")
    assert "toc" not in html
    assert "then more" in text_of(html)


def test_control_characters_and_placeholders_become_visible() -> None:
    """NUL and Python-Markdown's STX/ETX placeholder markers cannot reach the renderer."""
    out = md_block("a\x00b\x02wzxhzdk:0\x03c")
    assert "\x00" not in out and "\x02" not in out and "\x03" not in out
    assert out.count("\ufffd") == 3


def test_md_inline_keeps_a_table_cell_whole() -> None:
    """`|` and line breaks inside a cell neither split the row nor end it."""
    cell = md_inline("a | b\nc\u2028d `x|y`")
    html = to_html(f"| h | k |\n|---|---|\n| {cell} | END |\n")
    assert "<td>a | b c d <code>x|y</code></td>" in html
    assert "<td>END</td>" in html


@pytest.mark.parametrize("text, expected", [
    ("- not a list", r"\- not a list"),
    ("1. not a list", r"1\. not a list"),
    ("C#", r"C\#"),
    ("ends with \\", "ends with \\\\"),
    ("*emphasis* stays", "*emphasis* stays"),
    ("> no quote", "&gt; no quote"),
])
def test_md_inline_neutralises_line_start_syntax(text: str, expected: str) -> None:
    """Inline text can be placed at a line start or in a heading without changing structure."""
    assert md_inline(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Platform 2.0 | GA", r"Platform 2.0 \| GA"),
    ("*not emphasis* and _this_", r"\*not emphasis\* and \_this\_"),
    ("[not](a link)", r"\[not\](a link)"),
    ("`code` stays", "`code` stays"),
    ("<b>x</b> & co", "&lt;b&gt;x&lt;/b&gt; &amp; co"),
    ("a\\b", "a\\\\b"),
    ("Plain title — with dash", "Plain title — with dash"),
])
def test_md_text_escapes_every_markdown_special(text: str, expected: str) -> None:
    """Titles, names and owners are plain text: Markdown punctuation is escaped, code spans kept."""
    assert md_text(text) == expected
    assert text_of(to_html(f"## {md_text(text)}")).replace("¶", "").strip() == text.replace("`", "")


def test_md_code_uses_a_longer_fence() -> None:
    """Backticks inside a ref cannot end its code span."""
    assert md_code("OPS-1") == "`OPS-1`"
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("  ") == ""
    assert "<code>a`b</code>" in to_html(md_code("a`b"))


def test_md_url_and_md_link() -> None:
    """URLs are encoded for link syntax; unsafe ones are shown next to the label as code."""
    assert md_url("https://x.example/a b(c)<d>") == "https://x.example/a%20b%28c%29%3Cd%3E"
    assert md_url("https://x.example/?a=1&b=2") == "https://x.example/?a=1&amp;b=2"
    assert md_link("https://x.example/(draft)", "Docs") == "[Docs](https://x.example/%28draft%29)"
    assert md_link("javascript:alert(1)", "Docs") == "Docs (`javascript:alert(1)`)"
    assert md_link("", "Docs") == "Docs"
    html = to_html(md_link("https://x.example/a b", "Docs"))
    assert 'href="https://x.example/a%20b"' in html


@pytest.mark.parametrize("url, safe", [
    ("https://x", True), ("HTTP://x", True), ("mailto:a@b", True), ("../x", True), ("#a", True),
    ("javascript:x", False), (" javascript:x", False), ("java\nscript:x", False),
    ("&#106;avascript:x", False), ("&#x6A;avascript:x", False), ("data:text/html,x", False),
    ("vbscript:x", False), ("<javascript:x>", False),
])
def test_is_safe_url(url: str, safe: bool) -> None:
    """Only http, https, mailto and relative URLs pass, after decoding entities and dropping blanks."""
    assert is_safe_url(url) is safe


def test_split_code_pairs_backticks_like_markdown() -> None:
    """Code spans need a closing run of the same length on the same line; escaped backticks do not open."""
    assert list(split_code("a `b` c")) == [(False, "a "), (True, "`b`"), (False, " c")]
    assert list(split_code("``a`b`` c")) == [(True, "``a`b``"), (False, " c")]
    assert list(split_code(r"\`a` b")) == [(False, r"\`a` b")]
    assert list(split_code("`open only")) == [(False, "`open only")]


def test_first_paragraph() -> None:
    """The summary's first paragraph, for the index."""
    assert first_paragraph("One\ntwo.\n\nThree.") == "One\ntwo."
    assert first_paragraph("  Only.  ") == "Only."


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_yaml_str_round_trips(text: str) -> None:
    """Front-matter titles read back, with either YAML loader, as the text on one line."""
    expected = one_line(text)
    assert not re.search("[\n\r\x85\u2028\u2029\x00-\x08]", expected)
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):
        assert yaml.load(f"title: {yaml_str(text)}\n", Loader=loader) == {"title": expected}


TOKENS = ["<b>", "</b>", "<script>", "<div>", "<!--", "-->", ' onclick="x"', "javascript:alert(1)",
          "java\tscript:", "&#106;", "&amp;", "{", "}", "{: onclick=x}", "{#id}", "{.cls}", "`", "``", "```",
          "~~~", "\\", "#", "##", "\n", "\n\n", "- ", "* ", "1. ", "> ", "|", "[a](", ")", "](javascript:x)",
          "](https://ok)", "](data:x)", "[", "]", "]:", "===", "---", "!!! note", "??? note", "    ", "\t",
          " ", "a", "word", "*", "_", "<", ">",
          "&", "\u2028", "[TOC]", "*[A]:", "--8<--", "python", "{{", "}}", "{%", "%}", "<http://x>", "\x02",
          "[x]:", "[]:", "- [", "![", "1) ", "+ ", "&#9;"]


def _allowed(tag: str, attrs: dict[str, str | None]) -> bool:
    """Elements the placements below may legitimately produce from Markdown written in a record."""
    plain = {"p", "ul", "ol", "li", "strong", "em", "code", "table", "thead", "tbody", "tr", "th", "td",
             "pre", "blockquote", "hr", "br", "span"}
    if tag in plain:
        return not any(name in ("id", "onclick", "style") for name in attrs) or tag == "span"
    if tag == "a":
        return set(attrs) <= {"href", "title", "class"}
    if tag == "img":  # Markdown images from http(s) URLs are allowed; live_markup checks the URL
        return set(attrs) <= {"src", "alt", "title"}
    return tag == "div" and attrs.get("class") == "highlight"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14).map("".join))
def test_any_text_renders_inert_and_nothing_follows_it_into_it(text: str) -> None:
    """Property: in every placement, record text yields no foreign markup, loses no word, swallows nothing."""
    if not text.strip():
        return
    placements = {
        "block": ("Intro.\n\n" + md_block(text) + "\n\nSENTINEL\n", r"<p>SENTINEL</p>"),
        "item": ("- **T**: " + md_item(text) + "\n- SENTINEL\n", r"<li>(<p>)?SENTINEL(</p>)?</li>"),
        "cell": ("| h | k |\n|---|---|\n| " + md_inline(text) + " | SENTINEL |\n", r"<td>SENTINEL</td>"),
        "text": ("| h | k |\n|---|---|\n| " + md_text(text) + " | SENTINEL |\n", r"<td>SENTINEL</td>"),
    }
    for name, (document, sentinel) in placements.items():
        html = to_html(document)
        elements = Elements(html)
        foreign = [(tag, attrs) for tag, attrs in elements.tags if not _allowed(tag, attrs)]
        assert not foreign, (name, document, html)
        assert live_markup(html, allowed=frozenset({"img"})) == [], (name, document, html)
        assert re.search(sentinel, html.replace("\n", "")), (name, document, html)
        linked = " ".join(str(attrs.get("href", "")) for tag, attrs in elements.tags if tag == "a")
        assert (elements.plain + linked).count("word") == text.count("word"), (name, document, html)
