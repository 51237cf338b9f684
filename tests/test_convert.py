"""One Markdown converter per process, reset between pages, converts each page as MkDocs' Page.render()."""

from __future__ import annotations

from pathlib import Path

import markdown
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from releasebook.convert import Converter, extension_module, reusable

EXTENSIONS = """\
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.emoji
"""

# Each page has what would leak into the next one if a converter kept state: abbreviations,
# tab sets (numbered per document), headings whose ids must start afresh, raw HTML, links to other pages.
ONE = """# One

## Summary

Text with a note[^1] and HTML.

[^1]: The note.

*[HTML]: Hyper Text

=== "A"

    first

=== "B"

    second

[Two](two.md#summary) and [missing](gone.md)
"""
TWO = """# Two

## Summary

## Summary

Other text[^1], no abbreviation for HTML here.

[^1]: Another note.

=== "C"

    third

<div markdown>
**bold** in HTML
</div>

!!! note "Box"
    - [x] done
    - [ ] not yet

:smile: [back](one.md)
"""
THREE = """Term
: Definition

| a | b |
|---|---|
| 1 | 2 |

??? tip "More"
    hidden
"""
PAGES = {"one.md": ONE, "two.md": TWO, "three.md": THREE}

def project(tmp_path: Path, extensions: str = EXTENSIONS) -> tuple[MkDocsConfig, Files]:
    """A config with many extensions, and the pages above in its docs folder."""
    (tmp_path / "docs").mkdir(exist_ok=True)
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(f"site_name: t\n{extensions}", encoding="utf-8")
    config = load_config(str(config_file))
    for name, text in PAGES.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    files = Files([File(name, config.docs_dir, config.site_dir, config.use_directory_urls) for name in PAGES])
    return config, files


def converted(config: MkDocsConfig, files: Files, render: object) -> list[tuple[object, ...]]:
    """What each page holds after `render(page, config, files)`, in order."""
    results = []
    for file in files.documentation_pages():
        page = Page(None, file, config)
        page.read_source(config)
        render(page, config, files)  # type: ignore[operator]
        results.append((page.content, [(item.id, item.title, [child.id for child in item.children])
                                       for item in page.toc], page._title_from_render,
                        page.present_anchor_ids, page.links_to_anchors))
    return results


def test_one_converter_for_many_pages_converts_each_as_a_fresh_one(tmp_path: Path) -> None:
    config, files = project(tmp_path)
    converter = Converter()

    reused = converted(config, files, converter.render) + converted(config, files, converter.render)
    fresh = converted(config, files, Page.render)

    assert converter._markdown is not None  # really the one converter
    assert reused == fresh + fresh
    assert 'id="summary_1"' in str(fresh[1][0]) and 'id="summary_2"' not in str(fresh[1][0])
    assert "__tabbed_1_1" in str(fresh[1][0]) and "__tabbed_2_1" not in str(fresh[1][0])


def test_a_new_config_gets_a_new_converter(tmp_path: Path) -> None:
    converter = Converter()
    config, files = project(tmp_path)
    converted(config, files, converter.render)
    first = converter._markdown

    other, other_files = project(tmp_path, EXTENSIONS.replace("      permalink: true\n", ""))
    result = converted(other, other_files, converter.render)

    assert converter._markdown is not None and converter._markdown is not first
    assert 'class="headerlink"' not in str(result[0][0])
    assert result == converted(other, other_files, Page.render)


class Unknown(markdown.extensions.Extension):
    """An extension nobody has read: it might keep state from one page to the next."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Nothing."""


def test_an_unknown_extension_leaves_each_page_to_mkdocs(tmp_path: Path) -> None:
    config, files = project(tmp_path)
    config["markdown_extensions"].append(Unknown())
    converter = Converter()

    result = converted(config, files, converter.render)

    assert not reusable(config)
    assert converter._markdown is None
    assert result == converted(config, files, Page.render)


def test_extension_names_resolve_to_their_modules() -> None:
    assert extension_module("toc") == "markdown.extensions.toc"
    assert extension_module("pymdownx.tabbed") == "pymdownx.tabbed"
    assert extension_module("markdown.extensions.toc:TocExtension") == "markdown.extensions.toc"
    assert extension_module(Unknown()) == __name__


def test_footnotes_leave_each_page_to_mkdocs(tmp_path: Path) -> None:
    """With UNIQUE_IDS, footnotes number each converter's documents: a reused one would change the ids."""
    config, files = project(tmp_path, EXTENSIONS + "  - footnotes:\n      UNIQUE_IDS: true\n")
    converter = Converter()

    result = converted(config, files, converter.render) + converted(config, files, converter.render)

    assert not reusable(config)
    assert converter._markdown is None
    assert result == converted(config, files, Page.render) * 2
    assert 'id="fnref:' in str(result[0][0])
