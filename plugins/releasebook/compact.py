"""MkDocs glue: generated files and pages whose texts wait compressed until MkDocs or a plugin reads them.

A big site's sources and HTML would otherwise all sit in memory as text: MkDocs reads every page before it
writes the first one. `pack` and `unpack` are the one convention for it (UTF-8, zlib level 1).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

if TYPE_CHECKING:
    from .prerender import PageRenderer


def pack(text: str) -> bytes:
    """The text compressed (UTF-8, zlib level 1), reusing the compressed form it already has."""
    if isinstance(text, PackedText):
        return text.packed
    last = _last_unpacked
    if last is not None and text == last:
        # the text just read, written back unchanged: the search plugin does so to every page's HTML
        return last.packed
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def unpack(packed: bytes) -> PackedText:
    """The text `pack` compressed, decompressed once for several reads in a row."""
    global _last_unpacked
    last = _last_unpacked
    if last is not None and last.packed is packed:
        return last  # a page's HTML is read several times in a row (theme, search): decompress it once
    text = _last_unpacked = PackedText(zlib.decompress(packed).decode("utf-8", "surrogatepass"), packed)
    return text


_last_unpacked: PackedText | None = None


def unpack_once(packed: bytes) -> str:
    """The text `pack` compressed, read once: `unpack`'s one-entry cache keeps what it holds."""
    return zlib.decompress(packed).decode("utf-8", "surrogatepass")


class PackedText(str):
    """Text that still has its compressed form at hand, so storing it again costs no second compression."""

    packed: bytes

    def __new__(cls, text: str, packed: bytes) -> PackedText:
        made = super().__new__(cls, text)
        made.packed = packed
        return made

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        """Copies and pickles are plain text (a copy need not carry the compressed form)."""
        return str, (str(self),)


class GeneratedFile(File):
    """A generated page that a `--dirty` serve rebuild skips while site_dir holds its HTML from this source.

    Its source waits compressed: thousands of records' Markdown would otherwise sit in memory as text.

    MkDocs counts a file made in memory as modified on every build; this one says no when `unchanged` is set
    (by the plugin, from PageRenderer.unchanged) and its HTML is still there.
    """

    unchanged: bool = False

    _packed_source: bytes | None = None
    _source_is_bytes = False

    @property
    def _content(self) -> str | bytes | None:
        """The page's source (MkDocs reads it through `content_string`); kept compressed until then."""
        if self._packed_source is None:
            return None
        if self._source_is_bytes:
            return zlib.decompress(self._packed_source)
        return unpack(self._packed_source)

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        # bytes stay bytes: MkDocs decodes (and may refuse) them only when the source is read
        self._source_is_bytes = isinstance(value, bytes)
        if value is None:
            self._packed_source = None
        elif isinstance(value, bytes):
            self._packed_source = zlib.compress(value, 1)
        else:
            self._packed_source = pack(value)

    def is_modified(self) -> bool:
        """False for an unchanged page whose output exists; otherwise as MkDocs decides."""
        if self.unchanged and os.path.isfile(self.abs_dest_path):
            return False
        if self._packed_source is not None:
            return True  # what MkDocs decides for any file made in memory, without decompressing it first
        return super().is_modified()


class CachedPage(Page):
    """A generated page whose conversion goes through a PageRenderer, and whose HTML waits compressed.

    MkDocs converts every page before it writes the first one, so a big site's HTML all sits in memory at
    once: about 150 MB at 5,000 records as text, a fifth of that compressed. The page hands out its HTML and
    Markdown as text whenever they are read (the theme reads the HTML twice, the search plugin once).
    """

    packed_content: bytes | None = None
    """The HTML, compressed (None before conversion)."""
    _markdown_text: str | None = None
    """The Markdown as text, from reading the source until the page is converted."""
    packed_markdown: bytes | None = None
    """The Markdown, compressed once the page is converted (plugins rarely read it after that)."""

    def __init__(self, file: File, config: MkDocsConfig, renderer: PageRenderer) -> None:
        # MkDocs keeps a Page made before the nav is built, so the page takes the title its nav entry gives
        super().__init__(nav_title(config["nav"], file.src_uri), file, config)
        self._renderer = renderer

    @property
    def content(self) -> str | None:
        """The page's HTML, as MkDocs and other plugins read it."""
        return None if self.packed_content is None else unpack(self.packed_content)

    @content.setter
    def content(self, value: str | None) -> None:
        self.packed_content = None if value is None else pack(value)

    @property
    def markdown(self) -> str | None:
        """The page's Markdown, as MkDocs and other plugins read it."""
        if self._markdown_text is not None or self.packed_markdown is None:
            return self._markdown_text
        return unpack(self.packed_markdown)

    @markdown.setter
    def markdown(self, value: str | None) -> None:
        self._markdown_text, self.packed_markdown = value, None

    def render(self, config: MkDocsConfig, files: Files) -> None:
        """Convert as MkDocs does, or take the result made from the very same Markdown."""
        self._renderer.render(self, config, files)
        if self._markdown_text is not None:
            self.packed_markdown, self._markdown_text = pack(self._markdown_text), None


def nav_title(nav: Any, src_uri: str) -> str | None:
    """The title `nav:` gives a page at its first mention, which is what MkDocs passes to the page."""
    for title, path in _nav_entries(nav):
        if path == src_uri:
            return title
    return None


def _nav_entries(nav: Any) -> Iterator[tuple[str | None, Any]]:
    """(title or None, path) for every page entry of a `nav:` value, in MkDocs' order."""
    for item in nav if isinstance(nav, list) else []:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, list):
                    yield from _nav_entries(value)
                else:
                    yield str(title), value
        else:
            yield None, item
