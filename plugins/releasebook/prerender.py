"""MkDocs glue: convert generated pages' Markdown before MkDocs' serial page loop, and reuse it on rebuilds.

MkDocs converts every page one after another on one core, and Python-Markdown costs about 2 ms per KB, so the
record pages dominate a large site's build. Two things help, and neither changes a byte of the output:

- **Workers.** On a cold build, the main process and forked worker processes run MkDocs' own `Page.render()`
  on the generated record pages (its steps with one converter per process where that is known to be the
  same, `convert.py`), and keep what it produced: the HTML (compressed), the table of contents, the anchors
  and the log messages, which the main process logs as its own so `--strict` counts them.
- **Reuse.** In `mkdocs serve` one plugin instance lives across rebuilds; a page whose Markdown is unchanged
  since the last build gets its previous result instead of a new conversion. Under `serve --dirty`, a record
  page whose HTML in site_dir came from the same source is not rebuilt at all (`compact.GeneratedFile`).

A result is used only when the page's final Markdown (after every plugin's `on_page_markdown`) is exactly the
text it was made from, and the markdown settings, mkdocs.yml and the set of files are unchanged; anything else
is converted the usual way. The Page objects are made before MkDocs builds the nav, so each takes the title
its nav entry gives, as MkDocs' own would (`nav_title`).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents
from mkdocs.utils import meta

from .compact import CachedPage, pack, unpack
from .convert import Converter
from .forking import can_fork

MIN_PAGES_FOR_WORKERS = 64
"""Fewer pages than this are converted in the main process: forking and collecting would cost more."""

CHUNKS_PER_WORKER = 8
"""Pages go out in this many chunks per process and round, so heavy pages do not hold up the rest."""

PAGES_PER_WORKER = 1500
"""Pages a worker converts before it exits and a fresh one is forked (see `PageRenderer._convert_round`)."""

LogEntry = tuple[str, int, str]
"""A log message a conversion produced: logger name, level, text."""


def digest(text: str) -> bytes:
    """A short fingerprint of a page's Markdown (or HTML), to recognise the very same text later."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass(frozen=True)
class Rendered:
    """What MkDocs' `Page.render()` left on a page, made from the Markdown with the given digest."""

    markdown_digest: bytes
    packed_content: bytes
    """The HTML, compressed: thousands of pages wait in memory until MkDocs reaches them."""
    content_digest: bytes
    toc: TableOfContents
    title: str | None
    present_anchor_ids: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]] | None
    """Anchor links by the src_uri of the page linked to (File objects differ across processes and builds)."""
    log: tuple[LogEntry, ...]
    packed_finished: bytes | None = None
    """The HTML after the renderer's `finish` step (the plugin's sanitising), compressed."""

    @property
    def content(self) -> str:
        """The HTML Page.render() made."""
        return unpack(self.packed_content)


class LogCapture(logging.Handler):
    """Keeps the log records (and Python warnings) of one page's work instead of printing them.

    A conversion's messages are logged again when its result is used; a forked layout process only needs to
    know that there were some, to hand the page back to MkDocs' loop (layout.py).
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.entries: list[LogEntry] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message, without printing it."""
        self.entries.append((record.name, record.levelno, record.getMessage()))

    def warning_shown(self, message: Warning | str, category: type[Warning], *args: object,
                      **kwargs: object) -> None:
        """`warnings.showwarning`: a Python warning is kept as a message too."""
        self.entries.append(("py.warnings", logging.WARNING, f"{category.__name__}: {message}"))


_converter = Converter()
"""This process's converter for the pages converted ahead (MkDocs' own `Page.render()` converts the rest)."""


def _render_capturing(page: Page, config: MkDocsConfig, files: Files, *, quiet: bool) -> Rendered:
    """Run Page.render()'s steps and keep the result; `quiet` holds its messages back rather than log them."""
    assert page.markdown is not None
    logger = logging.getLogger("mkdocs")
    capture = LogCapture()
    saved, propagate = logger.handlers[:], logger.propagate
    if quiet:
        # held back entirely, root handlers included: the message is logged once, when the result is used
        logger.handlers, logger.propagate = [capture], False
    else:
        logger.addHandler(capture)
    try:
        _converter.render(page, config, files)
    finally:
        logger.handlers, logger.propagate = saved, propagate
    assert page.content is not None
    links = page.links_to_anchors
    return Rendered(
        markdown_digest=digest(page.markdown),
        packed_content=pack(page.content),
        content_digest=digest(page.content),
        toc=page.toc,
        title=page._title_from_render,
        present_anchor_ids=frozenset(page.present_anchor_ids or ()),
        links_to_anchors=None if links is None else {
            file.src_uri: dict(anchors) for file, anchors in links.items()
        },
        log=tuple(capture.entries),
    )


def _apply(page: Page, rendered: Rendered, files: Files) -> bool:
    """Put a kept result on the page as Page.render() would; False when a linked file no longer exists."""
    links: dict[File, dict[str, str]] | None = None
    if rendered.links_to_anchors is not None:
        links = {}
        for src_uri, anchors in rendered.links_to_anchors.items():
            target = files.get_file_from_path(src_uri)
            if target is None:
                return False
            links[target] = dict(anchors)
    for name, level, message in rendered.log:
        logging.getLogger(name).log(level, "%s", message)
    if isinstance(page, CachedPage):
        page.packed_content = rendered.packed_content
    else:
        page.content = rendered.content
    page.toc = rendered.toc
    page._title_from_render = rendered.title
    page.present_anchor_ids = set(rendered.present_anchor_ids)
    page.links_to_anchors = links
    return True


class PageRenderer:
    """Converted generated pages, by src_uri, valid for one set of markdown settings and files.

    `finish` is the plugin's own pure HTML step for these pages (run in on_page_content); workers run it too,
    and its result is kept for the very HTML it was made from.
    """

    def __init__(self, finish: Callable[[str], str], *, keep: bool = False) -> None:
        self._finish = finish
        self.keep = keep
        """Keep results for the next build (serve); else each is dropped once its page is done."""
        self._results: dict[str, Rendered] = {}
        self._written: dict[str, bytes] = {}
        """Digest of each page's source as its HTML was last written to site_dir by a build that completed."""
        self._context: bytes = b""
        self.converted = 0
        """Pages converted in this build (in the main process or in a worker), for tests and the debug log."""
        self.reused = 0
        """Pages given a result made earlier, in a worker or in a previous build."""

    def start_build(self, config: MkDocsConfig, files: Files) -> None:
        """Forget every result made for other markdown settings or another set of files."""
        context = digest(repr((
            config["markdown_extensions"],
            sorted((config["mdx_configs"] or {}).items()),
            config["use_directory_urls"],
            config["validation"],
            sorted(file.src_uri for file in files),
            # the theme and the site settings shape every page, so a change of mkdocs.yml starts afresh
            config.config_file_path and _mtime(config.config_file_path),
            config["site_dir"],
        )))
        if context != self._context:
            self._results.clear()
            self._written.clear()
            self._context = context
        self.converted = self.reused = 0

    def unchanged(self, file: File) -> bool:
        """Whether the page's HTML in site_dir was written from this very source by an earlier build."""
        written = self._written.get(file.src_uri)
        return written is not None and written == digest(file.content_string)

    def written(self, sources: dict[str, bytes]) -> None:
        """Note the pages a completed build wrote: src_uri -> digest of the source each was made from."""
        self._written.update(sources)

    def forget(self, keep: Iterable[str]) -> None:
        """Drop results of pages that are no longer generated."""
        wanted = set(keep)
        for src_uri in [uri for uri in self._results if uri not in wanted]:
            del self._results[src_uri]

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """The page's kept result when its Markdown is unchanged, else a conversion (kept in serve)."""
        assert page.markdown is not None
        src_uri = page.file.src_uri
        kept = self._results.get(src_uri)
        if kept is not None and kept.markdown_digest == digest(page.markdown) and _apply(page, kept, files):
            self.reused += 1
            return
        self.converted += 1
        if not self.keep:
            # a build meets this page once: convert it as MkDocs does, without packing a result nobody reuses
            self._results.pop(src_uri, None)
            Page.render(page, config, files)
            return
        self._results[src_uri] = _render_capturing(page, config, files, quiet=False)

    def finish(self, src_uri: str, html: str) -> str:
        """`finish(html)`, or its kept result when it was made from this very HTML."""
        kept = self._results.get(src_uri) if self.keep else self._results.pop(src_uri, None)
        made_from_this = kept is not None and kept.content_digest == digest(html)
        if kept is not None and made_from_this and kept.packed_finished is not None:
            return unpack(kept.packed_finished)
        finished = self._finish(html)
        if self.keep and kept is not None and made_from_this:
            self._results[src_uri] = replace(kept, packed_finished=pack(finished))
        return finished

    def prerender(self, pages: Sequence[Page], config: MkDocsConfig, files: Files, workers: int) -> None:
        """Convert the pages without a kept result in `workers` processes, this one and forked ones (or leave
        them to MkDocs' own loop when that is not worth it or forking is not possible)."""
        todo = [page.file.src_uri for page in pages if not self._is_current(page)]
        if workers < 2 or len(todo) < MIN_PAGES_FOR_WORKERS or not can_fork():
            return
        global _WORK
        _WORK = (config, files, self._finish)
        # Frozen objects are never scanned by the cyclic collector: without this, every full collection in a
        # worker walks the whole inherited heap, and touching it copies the parent's memory page by page.
        gc.freeze()
        try:
            per_round = workers * PAGES_PER_WORKER
            for start in range(0, len(todo), per_round):
                self._convert_round(todo[start:start + per_round], workers)
        finally:
            _WORK = None
            gc.unfreeze()

    def _convert_round(self, todo: list[str], workers: int) -> None:
        """Convert pages in this process and in `workers - 1` freshly forked ones, which exit after the round.

        A forked worker copies each page of the parent's memory that it writes to (its allocations land in
        the inherited heap's free slots), about 90 MB at 5,000 records whatever its share. So the main process
        converts a share itself rather than wait, one worker fewer is forked, and workers live for one round.
        Each page is read here as in a worker (plugins' `on_page_read_source` included) and read again by
        MkDocs; only the result of a conversion is kept.
        """
        chunk_size = max(1, -(-len(todo) // (workers * CHUNKS_PER_WORKER)))
        chunks = [todo[start:start + chunk_size] for start in range(0, len(todo), chunk_size)]
        # every workers-th chunk is the main process's: the pages are in site order, heavy ones spread out
        own = chunks[::workers]
        theirs = [chunk for index, chunk in enumerate(chunks) if index % workers]
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            pending = pool.imap_unordered(_convert_chunk, theirs)
            for chunk in own:
                self._keep_results(_convert_chunk(chunk))
            for results in pending:
                self._keep_results(results)

    def _keep_results(self, results: list[tuple[str, Rendered]]) -> None:
        for src_uri, rendered in results:
            self._results[src_uri] = rendered
            self.converted += 1

    def _is_current(self, page: Page) -> bool:
        kept = self._results.get(page.file.src_uri)
        if kept is None:
            return False
        source = page.file.content_string
        return kept.markdown_digest == digest(_markdown_of(source))


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def _markdown_of(source: str) -> str:
    """The Markdown MkDocs will convert for a page source: the text after its front matter."""
    return meta.get_data(source)[0]


_WORK: tuple[MkDocsConfig, Files, Callable[[str], str]] | None = None
"""The build's config and files, set just before forking so the workers inherit them."""


def _convert_chunk(src_uris: list[str]) -> list[tuple[str, Rendered]]:
    """Read, convert (MkDocs' own code, messages held back) and finish each page (in any process)."""
    assert _WORK is not None
    config, files, finish = _WORK
    results: list[tuple[str, Rendered]] = []
    for src_uri in src_uris:
        file = files.get_file_from_path(src_uri)
        assert file is not None and file.page is not None
        page = file.page
        config._current_page = page
        page.read_source(config)
        rendered = _render_capturing(page, config, files, quiet=True)
        finished = finish(page.content or "")
        results.append((src_uri, replace(rendered, packed_finished=pack(finished))))
        # The result is packed: drop the page's texts, or each worker would hold every page it converted.
        page.markdown = page.content = None
        page.toc = TableOfContents([])
    config._current_page = None
    return results
