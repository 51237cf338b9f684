"""MkDocs glue: lay out generated pages in the theme in forked processes while MkDocs' page loop runs.

MkDocs' last phase runs on one core: for each page it renders the theme's template (about 2 ms a page with
Material), runs the plugins' page events (search indexing) and writes the file. Here forked processes render
the template for the generated pages from the far end of the list while the loop works from the start. A
shared claim gives each page to exactly one side. Everything else, other plugins' events, the search index
and writing the files, still happens in the loop, in MkDocs' order.

The loop uses a forked process's HTML only when it was made from what the loop itself would render: the
page's content as it stands after every `on_page_context` handler (the search plugin rewrites it), and the
context MkDocs built. Plugins whose `on_page_context` might change anything else the theme reads turn the
layout off; only search plugins are known not to. A page a forked process could not lay out, or that logged
a message while it did, is laid out in the loop again, so errors and warnings reach the build as MkDocs'
own. The site is byte for byte the same with or without it.
"""

from __future__ import annotations

import gc
import logging
import zlib
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

import jinja2
from mkdocs.commands.build import get_context as page_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from .prerender import MIN_PAGES_FOR_WORKERS, can_fork, digest

log = get_plugin_logger(__name__)

KNOWN_PAGE_CONTEXT = frozenset({
    "material.plugins.search.plugin.SearchPlugin.on_page_context",
    "mkdocs.contrib.search.SearchPlugin.on_page_context",
    "releasebook.plugin.ReleasebookPlugin.on_page_context",
})
"""`on_page_context` handlers known to change nothing the theme reads but the page's content (checked)."""

CONTEXT_KEYS = frozenset({"nav", "pages", "base_url", "extra_css", "extra_javascript", "mkdocs_version",
                          "build_date_utc", "config", "page"})
"""The keys of the context MkDocs builds for a page; a plugin that adds one sends the page back."""

GetTemplate = Callable[..., jinja2.Template]
Made = tuple[int, bytes | None, bytes]
"""What a forked process sends for a page: its position, the HTML compressed (None: lay it out in the loop),
and the digest of the page content it was made from."""


class Claims:
    """Which pages each side has taken: the loop claims upwards from the first, the forked processes downwards
    from the last; whoever claims a page first lays it out, and nobody else does."""

    def __init__(self, count: int) -> None:
        context = get_context("fork")
        self._lock = context.Lock()
        self._ends: Any = context.RawArray("q", [0, count])
        """[the lowest page the forked processes may still take, the lowest page they have taken]"""

    def here(self, index: int) -> bool:
        """Claim a page for the loop; False when a forked process has it already."""
        with self._lock:
            if index < self._ends[1]:
                self._ends[0] = max(self._ends[0], index + 1)
                return True
            return False

    def there(self) -> int | None:
        """Claim the highest page nobody has taken, for a forked process; None when they meet."""
        with self._lock:
            index = int(self._ends[1]) - 1
            if index < self._ends[0]:
                return None
            self._ends[1] = index
            return index

    def close(self) -> None:
        """Leave nothing more to claim (the loop is done)."""
        with self._lock:
            self._ends[0] = self._ends[1]


class PageLayout:
    """Lays out the generated pages of one build in forked processes, and hands their HTML to MkDocs' loop."""

    def __init__(self) -> None:
        self.laid_out = 0
        """Pages whose HTML came from a forked process in the last build (for tests and the debug log)."""
        self.pages: list[Page] = []
        self._index: dict[str, int] = {}
        self._workers = 0
        self._get_template: GetTemplate | None = None
        self._claims: Claims | None = None
        self._processes: list[BaseProcess] = []
        self._connections: list[Connection] = []
        self._made: dict[int, tuple[bytes | None, bytes]] = {}

    def prepare(self, env: jinja2.Environment, config: MkDocsConfig, pages: Sequence[Page],
                workers: int) -> jinja2.Environment:
        """Make the loop ask this layout for the pages' templates (on_env); nothing when it does not pay."""
        self.stop()
        self.laid_out = 0
        self.pages, self._index = [], {}
        refusal = refusal_reason(config, len(pages), workers)
        if refusal is not None:
            log.debug(f"generated pages laid out in MkDocs' loop only: {refusal}")
            return env
        self.pages = list(pages)
        self._index = {page.file.src_uri: index for index, page in enumerate(self.pages)}
        self._workers = workers
        real = self._get_template = env.get_template

        def get_template(name: Any, parent: str | None = None, globals: Any = None) -> Any:
            template = real(name, parent, globals)
            page = config._current_page
            # only the loop's own request for a page's template: templates fetch their parts with a parent
            if parent is None and page is not None:
                index = self._index.get(page.file.src_uri)
                if index is not None and self.pages[index] is page:
                    return LaidOut(self, template, index)
            return template

        env.get_template = get_template  # type: ignore[method-assign]
        return env

    def start(self, context: TemplateContext) -> None:
        """Fork the processes at the loop's first page (on_page_context), which gives the final nav."""
        if not self.pages or self._claims is not None or self._get_template is None or not can_fork():
            return
        self._claims = Claims(len(self.pages))
        fork = get_context("fork")
        # Frozen objects are never scanned by a child's collector, which would copy the heap page by page.
        gc.freeze()
        try:
            for _ in range(self._workers - 1):
                receiver, sender = fork.Pipe(duplex=False)
                process = fork.Process(target=lay_out, daemon=True, args=(
                    self._claims, sender, self.pages, context["nav"], context["pages"], context["config"],
                    self._get_template, context["page"]))
                process.start()
                sender.close()
                self._processes.append(process)
                self._connections.append(receiver)
        finally:
            gc.unfreeze()

    def render(self, template: jinja2.Template, index: int, context: TemplateContext) -> str:
        """The page's HTML: a forked process's when it has the page and made it from this context, else
        the template rendered here."""
        if self._claims is None:
            return template.render(context)
        self._collect(None)
        if not self._claims.here(index):
            self._collect(index)
            made = self._made.pop(index, None)
            page = self.pages[index]
            if made is not None and made[0] is not None and same_context(context, page) \
                    and made[1] == digest(page.content or ""):
                self.laid_out += 1
                return zlib.decompress(made[0]).decode("utf-8", "surrogatepass")
        return template.render(context)

    def _collect(self, waiting_for: int | None) -> None:
        """Take the results that arrived; with `waiting_for`, until that page's has (or nobody is left)."""
        while self._connections:
            ready = wait(self._connections, timeout=None if waiting_for is not None else 0)
            for connection in ready:
                assert isinstance(connection, Connection)
                try:
                    index, packed, content_digest = connection.recv()
                except EOFError:  # that process is done (or died: the loop lays its pages out itself)
                    self._connections.remove(connection)
                    connection.close()
                    continue
                self._made[index] = (packed, content_digest)
            if (waiting_for is None and not ready) or (waiting_for is not None and waiting_for in self._made):
                return

    def stop(self, *, failed: bool = False) -> None:
        """End the forked processes (on_post_build, on_build_error) and forget this build's pages."""
        if self._claims is not None and not failed:
            self._claims.close()
            self._collect(-1)  # to the end: each process exits once it has handed over what it claimed
        for process in self._processes:
            if failed:  # it may wait to hand over pages nobody will ask for
                process.terminate()
            process.join()
        for connection in self._connections:
            connection.close()
        self._processes, self._connections, self._made = [], [], {}
        self._claims = self._get_template = None


class LaidOut:
    """What MkDocs' loop gets as a generated page's template: `render` asks the layout for the HTML."""

    def __init__(self, layout: PageLayout, template: jinja2.Template, index: int) -> None:
        self._layout, self._template, self._index = layout, template, index

    def render(self, context: TemplateContext) -> str:
        """The page laid out in the theme (by a forked process, or here)."""
        return self._layout.render(self._template, self._index, context)


def refusal_reason(config: MkDocsConfig, pages: int, workers: int) -> str | None:
    """Why the layout would not pay or not be safe here, or None."""
    if workers < 2:
        return f"workers: {workers}"
    if pages < MIN_PAGES_FOR_WORKERS:
        return f"{pages} pages"
    unknown = sorted(name for name in map(handler_name, config.plugins.events["page_context"])
                     if name not in KNOWN_PAGE_CONTEXT)
    if unknown:
        return f"on_page_context of {', '.join(unknown)} may change what the theme shows"
    return None


def handler_name(handler: Callable[..., Any]) -> str:
    """`module.Class.method` of an event handler, as KNOWN_PAGE_CONTEXT names them."""
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', repr(handler))}"


def same_context(context: TemplateContext, page: Page) -> bool:
    """Whether the context is the one MkDocs built for the page, with no plugin's additions."""
    return context.keys() == CONTEXT_KEYS and context["page"] is page


class _Messages(logging.Handler):
    """Notes that something was logged, so the page goes back to the loop, which logs it as MkDocs would."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def lay_out(claims: Claims, sender: Connection, pages: list[Page], nav: Navigation, doc_files: Any,
            config: MkDocsConfig, get_template: GetTemplate, current: Page | None) -> None:
    """In a forked process: render the theme's template for each page claimed, as MkDocs' loop does."""
    if current is not None:
        current.active = False  # the page the loop was building when this process forked
    messages = _Messages()
    for name in ("", "mkdocs"):
        logging.getLogger(name).handlers = [messages]
    while (index := claims.there()) is not None:
        page, packed, messages.seen = pages[index], None, False
        config._current_page = page
        page.active = True
        try:
            html = get_template(page.meta.get("template", "main.html")).render(
                page_context(nav, doc_files, config, page))
            if not messages.seen:
                packed = zlib.compress(html.encode("utf-8", "surrogatepass"), 1)
        except Exception:  # the loop lays the page out again and reports the error as MkDocs does
            packed = None
        finally:
            page.active = False
            config._current_page = None
        made: Made = (index, packed, digest(page.content or ""))
        sender.send(made)
    sender.close()
