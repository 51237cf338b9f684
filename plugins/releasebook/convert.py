"""MkDocs glue: MkDocs' own `Page.render()`, with one Markdown converter per process, reset between pages.

MkDocs builds a new `markdown.Markdown` for every page: it imports and configures every extension again,
about a tenth of a record page's conversion. Python-Markdown's documented way to convert many documents is
one instance and `reset()` between them, which every extension with state between documents implements.
Here a process keeps one converter for a given set of markdown settings, and each page gets MkDocs' own
per-page processors, exactly as `Page.render()` registers them. Only extensions known to keep no state
across `reset()` are trusted to this; with any other extension the page goes to MkDocs' `Page.render()`.
"""

from __future__ import annotations

import logging
from typing import Any

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import inline

KNOWN_EXTENSIONS = frozenset({
    *(f"markdown.extensions.{name}" for name in (
        "abbr", "admonition", "attr_list", "codehilite", "def_list", "fenced_code", "legacy_attrs",
        "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks")),
    *(f"pymdownx.{name}" for name in (
        "arithmatex", "betterem", "caret", "critic", "details", "emoji", "highlight", "inlinehilite", "keys",
        "magiclink", "mark", "smartsymbols", "snippets", "superfences", "tabbed", "tasklist", "tilde")),
})
"""Extensions that keep nothing from one document to the next after `Markdown.reset()` (their code read:
either no state between documents, or a `reset` registered with the converter).

Not `footnotes` (nor `extra`, which includes it): its `reset()` counts documents, and with `UNIQUE_IDS` the
count is in every footnote id, so a reused converter would number the same page differently."""

_PER_PAGE = ("_RawHTMLPreprocessor", "_ExtractAnchorsTreeprocessor", "_RelativePathTreeprocessor",
             "_ExtractTitleTreeprocessor")
"""MkDocs' own per-page processors, which `Page.render()` registers on each page's converter."""


def extension_module(extension: Any) -> str:
    """The module an entry of `markdown_extensions` names: `toc` is `markdown.extensions.toc`."""
    if isinstance(extension, markdown.extensions.Extension):
        return type(extension).__module__
    name = str(extension).partition(":")[0]
    return name if "." in name else f"markdown.extensions.{name}"


def reusable(config: MkDocsConfig) -> bool:
    """Whether one converter, reset between pages, converts every page as a fresh one would."""
    return (all(hasattr(pages, name) for name in _PER_PAGE)
            and all(extension_module(extension) in KNOWN_EXTENSIONS
                    for extension in config["markdown_extensions"]))


class Converter:
    """Converts pages as `Page.render()` does, with one Markdown instance for the same markdown settings."""

    def __init__(self) -> None:
        self._settings: tuple[Any, Any] | None = None
        self._markdown: markdown.Markdown | None = None

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """Set the page's HTML, table of contents, title and anchors from its Markdown."""
        md = self._converter(config)
        if md is None:
            Page.render(page, config, files)
            return
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        md.reset()
        # The very steps of Page.render() after it makes its converter (mkdocs 1.6).
        raw_html_ext = pages._RawHTMLPreprocessor()
        raw_html_ext._register(md)
        extract_anchors_ext = pages._ExtractAnchorsTreeprocessor(page.file, files, config)
        extract_anchors_ext._register(md)
        relative_path_ext = pages._RelativePathTreeprocessor(page.file, files, config)
        relative_path_ext._register(md)
        extract_title_ext = pages._ExtractTitleTreeprocessor()
        extract_title_ext._register(md)
        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = extract_title_ext.title
        page.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
        if pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative_path_ext.links_to_anchors

    def _converter(self, config: MkDocsConfig) -> markdown.Markdown | None:
        """This process's converter for the config's markdown settings, or None when it cannot be reused."""
        extensions, configs = config["markdown_extensions"], config["mdx_configs"]
        # the very objects, held: a later config's settings never pass for these
        if self._settings is None or self._settings[0] is not extensions or self._settings[1] is not configs:
            self._settings, self._markdown = (extensions, configs), None
            if reusable(config):
                self._markdown = markdown.Markdown(extensions=config["markdown_extensions"],
                                                   extension_configs=config["mdx_configs"] or {})
                inline.install(self._markdown)  # the same output with fewer failed pattern attempts
        return self._markdown
