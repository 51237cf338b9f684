"""The quick inline processor converts exactly as Python-Markdown's own, with fewer pattern attempts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.treeprocessors import InlineProcessor
from releasebook import inline
from releasebook.inline import QuickInlineProcessor, install, start_characters

from tests.render_helpers import EXTENSION_CONFIGS, EXTENSIONS, ROOT, render_project, split_front_matter

# Every extension the converter trusts that adds inline patterns, on top of the site's own.
MORE_EXTENSIONS = ["abbr", "def_list", "footnotes", "smarty", "pymdownx.betterem", "pymdownx.caret",
                   "pymdownx.mark", "pymdownx.tilde", "pymdownx.keys", "pymdownx.magiclink",
                   "pymdownx.inlinehilite", "pymdownx.smartsymbols", "pymdownx.critic"]

TRICKY = r"""# Heading with `code` and *em*

Plain sentence with nothing to match at all.

A \*escaped\* star, a \\ backslash, ``code with ` tick``, \`not code\`, and `a\` b`.

[link](https://example.com "title") ![image](img.png) [ref][r] ![iref][r] [r] <https://auto.link/x?a=b>
<mail@example.com> <span class="x">raw *em* html</span> &amp; &copy; &#35; &#x41; & alone.

**strong _em_ inside** __strong__ *a **b** c* ***both*** _a_b_ 2*3*4 :smile: :not an emoji: :+1:

Line with two trailing spaces~SPACES~
next line. ==mark== ^^sup^^ ~~del~~ ++ctrl+alt+del++ H~2~O x^2^ (c) (tm) --> <-- 1/2 "quotes" 'single'...

[![nested image](a.png)](b.md) [**bold link**](c.md) [`code link`](d.md) [link with <span>html</span>](e.md)

{++added++} {--removed--} {~~old~>new~~} `#!python print("x")` https://bare.example.com/path www.example.com

Footnote[^1] and the HTML abbreviation.

*[HTML]: Hyper Text Markup Language
[^1]: The note with [a link](f.md).
[r]: https://example.com/ref

- [x] done with `code`
- [ ] not yet with **bold**

| a | *b* |
|---|---|
| `1` | [2](g.md) |

!!! note "Note *title*"
    Body with <b>bold</b> and \_underscores\_.
""".replace("~SPACES~", "  ")


def converters(extensions: list[str]) -> tuple[markdown.Markdown, markdown.Markdown]:
    """Python-Markdown with its own inline processor, and the same with the quick one."""
    configs = {name: config for name, config in EXTENSION_CONFIGS.items() if name in extensions}
    plain = markdown.Markdown(extensions=extensions, extension_configs=configs)
    quick = markdown.Markdown(extensions=extensions, extension_configs=configs)
    assert install(quick)
    assert type(quick.treeprocessors["inline"]) is QuickInlineProcessor
    return plain, quick


def convert(md: markdown.Markdown, text: str) -> str:
    """One document, as a reused converter does it."""
    md.reset()
    return str(md.convert(text))


def corpus() -> list[str]:
    """The hand-written docs, every page the example records make, and the tricky text above."""
    docs = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").rglob("*.md"))]
    pages = [split_front_matter(page.content)[1] for page in render_project(ROOT).pages]
    assert len(docs) > 5 and len(pages) > 30
    return [*docs, *pages, TRICKY]


@pytest.mark.parametrize("extensions", [EXTENSIONS, EXTENSIONS + MORE_EXTENSIONS], ids=["site", "more"])
def test_every_page_converts_to_the_same_html(extensions: list[str]) -> None:
    plain, quick = converters(extensions)
    for text in corpus():
        assert convert(quick, text) == convert(plain, text)


def test_the_tricky_text_exercises_the_patterns() -> None:
    html = convert(converters(EXTENSIONS + MORE_EXTENSIONS)[1], TRICKY)
    for expected in ("<code>code with ` tick</code>", "*escaped*", '<a href="https://auto.link/x?a=b">',
                     "<strong>strong <em>em</em> inside</strong>", "<br />", 'class="twemoji"',
                     "<mark>mark</mark>", "<kbd", "<sup>2</sup>", '<abbr title="Hyper Text Markup Language">',
                     'class="footnote-ref"', "<ins", "&copy;"):
        assert expected in html


INLINE_ALPHABET = st.sampled_from([*"ab \n\\`*_[]()!<>&;:#+-=^~{}\"'|/.@", "  \n", "http://x.y", "&amp;",
                                   ":smile:", "<b>", "</b>", "[x](y.md)", "**", "__", "``", "<a@b.c>"])


@settings(max_examples=300, deadline=None)
@given(st.lists(INLINE_ALPHABET, max_size=40).map("".join))
def test_any_text_converts_to_the_same_html(text: str) -> None:
    plain, quick = _CONVERTERS
    assert convert(quick, text) == convert(plain, text)


_CONVERTERS = converters(EXTENSIONS + MORE_EXTENSIONS)


def test_a_pattern_is_tried_only_where_its_first_character_is_in_the_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []
    real = InlineProcessor._InlineProcessor__applyPattern  # type: ignore[attr-defined]

    def counting(self: Any, pattern: Any, *args: Any) -> Any:
        attempts.append(type(pattern).__name__)
        return real(self, pattern, *args)

    monkeypatch.setattr(InlineProcessor, "_InlineProcessor__applyPattern", counting)
    plain, quick = converters(EXTENSIONS)
    convert(plain, "A plain sentence, nothing to match.")
    tried_by_python_markdown = len(attempts)
    attempts.clear()
    convert(quick, "A plain sentence, nothing to match.")
    assert tried_by_python_markdown >= 10
    assert attempts == []
    convert(quick, "A `code` span.")
    # the match; after it only what the stashed code's placeholder (`\x02klzzwxh:0\x03`) holds is tried
    assert attempts == ["BacktickInlineProcessor", "EmojiPattern"]


@pytest.mark.parametrize(("pattern", "characters"), [
    (r"\\(.)", "\\"),
    (r"(?<!\!)\[", "["),
    (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", "\\`"),
    (r"\*|_", "*_"),
    (r"(:[+\-\w]+:)", ":"),
    (r"[<&]x", "<&"),
    (r"(?>ab)c", "a"),
    (r"a?b", None),  # may begin with b
    (r"x*", None),  # may match nothing
    (r"(?i)a", None),  # A too
    (r"(?i:a)b", None),
    (r"[a-z]", None),
    (r"[^a]", None),
    (r".a", None),
    (r"(a|.)", None),
    (r"(?=a)", None),
])
def test_first_characters_are_read_from_the_pattern(pattern: str, characters: str | None) -> None:
    found = start_characters(re.compile(pattern))
    if characters is None:
        assert found is None
    else:
        assert found is not None
        assert {character for character in map(chr, range(128)) if found.fullmatch(character)} \
            == set(characters)


@pytest.mark.parametrize(("pattern", "text"), [
    (r"  \n", "  \n"),
    (r"(?<!\!)\!\[", "!["),
    (r"\bab(?=c)d", "ab"),
    (r"\bword\b", "word"),
])
def test_a_literal_start_is_searched_for_whole(pattern: str, text: str) -> None:
    found = start_characters(re.compile(pattern))
    assert found is not None and found.pattern == re.escape(text)


def test_install_leaves_a_replaced_inline_processor_alone() -> None:
    class Other(InlineProcessor):  # type: ignore[misc]
        pass

    md = markdown.Markdown()
    other = Other(md)
    md.treeprocessors.register(other, "inline", 20)
    assert not install(md)
    assert md.treeprocessors["inline"] is other


def test_install_refuses_an_unchecked_python_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inline, "CHECKED_VERSIONS", ((2, 0), (3, 0)))
    md = markdown.Markdown()
    assert not install(md)
    assert type(md.treeprocessors["inline"]) is InlineProcessor


def test_install_keeps_the_order_of_the_tree_processors() -> None:
    md = markdown.Markdown(extensions=EXTENSIONS)
    order = [type(processor).__name__ for processor in md.treeprocessors]
    assert install(md)
    assert [type(processor).__name__ for processor in md.treeprocessors] \
        == [name.replace("InlineProcessor", "QuickInlineProcessor") for name in order]


def test_install_refuses_when_another_processor_has_the_same_priority() -> None:
    md = markdown.Markdown()
    md.treeprocessors.register(InlineProcessor(md), "twin", 20)  # Python-Markdown gives "inline" 20
    order = list(md.treeprocessors)
    assert not install(md)
    assert list(md.treeprocessors) == order


def test_example_pages_use_the_quick_processor(tmp_path: Path) -> None:
    # the converter the build uses for pages converted ahead installs it
    from mkdocs.config import load_config
    from releasebook.convert import Converter

    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("site_name: t\nmarkdown_extensions: [admonition]\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    config = load_config(str(config_file))
    md = Converter()._converter(config)
    assert md is not None and type(md.treeprocessors["inline"]) is QuickInlineProcessor
