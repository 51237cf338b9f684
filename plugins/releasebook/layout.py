"""MkDocs glue: lay out generated pages in the theme in forked processes while MkDocs' page loop runs.

MkDocs' last phase runs on one core: for each page it renders the theme's template (about 2 ms a page with
Material), runs the plugins' page events (search indexing) and writes the file. Here forked processes render
the template for the generated pages a few pages ahead of the loop, and the loop takes what they made when it
gets there. A shared claim gives each page to exactly one side. Everything else, other plugins' events, the
search index and writing the files, still happens in the loop, in MkDocs' order. Each process lives for a
round of pages (`PAGES_PER_PROCESS`), so the memory the two sides stop sharing is given back as it goes.

The loop uses a forked process's HTML only when it was made from what the loop itself would render: the
page's content as it stands after every `on_page_context` handler (the search plugin rewrites it), and the
context MkDocs built. Plugins whose `on_page_context` might change anything else the theme reads turn the
layout off; only search plugins are known not to. (A plugin that changes the nav or the theme's globals for
later pages from another page event would defeat it too; none of MkDocs' or Material's own does.) A page a
forked process could not lay out, or that logged a message or warning while it did, is laid out in the loop
again, so errors and warnings reach the build as MkDocs' own; so is every page when forking fails. The site
is byte for byte the same with or without it.
"""

from __future__ import annotations

import gc
import logging
import signal
import warnings
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

from .compact import pack, unpack_once
from .forking import can_fork, end_process
from .prerender import MIN_PAGES_FOR_WORKERS, LogCapture, digest

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

MAX_PROCESSES = 2
"""Forked processes at most, whatever `workers` says: the loop's own share (search, writing) caps the gain."""

PAGES_PER_PROCESS = 1000
"""Pages a forked process lays out before it exits and a fresh one is forked.

Each side copies every page of memory it writes to while the other still shares it (reference counts, new
objects in old free slots). A process that lived through the whole loop would in the end duplicate most of
the heap; one that lives for a round duplicates what the round touched, and gives it back when it exits.
"""

GetTemplate = Callable[..., jinja2.Template]
Made = tuple[int, bytes | None, bytes]
"""A forked process's result: page position, compressed HTML (None: the loop lays it out), content digest."""


LEFT_FOR_LOOP = 2
"""Pages just past the loop's own that forked processes leave to it, so it lays out a share itself.

For each page the loop runs the plugin events, the search index and the write (about 1 ms here), a forked
process renders the template (about 2 ms). A process that always claimed the very next page kept the loop
waiting on the page it was still rendering, so the loop laid out almost nothing itself; with pages left to
it, the loop lays out one whenever it catches up with the processes.
"""


class Claims:
    """Who lays out which page: the loop takes its page when nobody has, forked processes the next free pages.

    The processes claim upwards from a little past the loop's position (`LEFT_FOR_LOOP`), so their results are
    needed soon after they are made: the pipe's buffer, not the loop's memory, holds the few that wait.
    """

    LOOP, PROCESS = 1, 2

    def __init__(self, count: int) -> None:
        context = get_context("fork")
        self._lock = context.Lock()
        self._owner: Any = context.RawArray("b", count)  # a ctypes array, which typeshed leaves untyped
        """0: nobody yet; LOOP or PROCESS once claimed."""
        self._next: Any = context.RawValue("q", 0)
        """Processes claim from here up; a page below it is claimed, or left for the loop to take."""
        self._claiming: Any = context.RawValue("q", 0)
        """Processes still claiming pages (one that has finished its round may still be handing them over)."""
        self._loop: Any = context.RawValue("q", -1)
        """The page the loop asked for last."""
        self.count = count

    def claim_for_loop(self, index: int) -> bool:
        """Claim a page for the loop; False when a forked process has it already."""
        with self._lock:
            self._loop.value = index
            if self._owner[index]:
                return False
            self._owner[index] = self.LOOP
            self._next.value = max(self._next.value, index + 1)
            return True

    def claim_for_process(self) -> int | None:
        """Claim the next free page for a forked process; None when none is left."""
        with self._lock:
            index = max(self._next.value, self._loop.value + LEFT_FOR_LOOP + 1)
            while index < self.count and self._owner[index]:
                index += 1
            if index >= self.count:
                return None
            self._owner[index] = self.PROCESS
            self._next.value = index + 1
            return int(index)

    def left(self) -> int:
        """How many pages past the last claimed one nobody has claimed yet."""
        with self._lock:
            return int(self.count - self._next.value)

    def close(self) -> None:
        """Leave nothing more to claim (the loop is done)."""
        with self._lock:
            self._next.value = self.count

    def joined(self, change: int) -> int:
        """Count a process in (+1) or out (-1) of the claiming; how many claim now."""
        with self._lock:
            self._claiming.value += change
            return int(self._claiming.value)


class PageLayout:
    """Lays out the generated pages of one build in forked processes, and hands their HTML to MkDocs' loop."""

    def __init__(self) -> None:
        self.laid_out = 0
        """Pages whose HTML came from a forked process in the last build (for tests and the debug log)."""
        self.handed_back = 0
        """Pages a forked process claimed but the loop laid out after all (an error, a message, a change)."""
        self.pages: list[Page] = []
        """The pages this build may lay out in forked processes (none when the layout steps aside)."""
        self._index: dict[str, int] = {}
        self._processes_wanted = 0
        self._get_template: GetTemplate | None = None
        self._claims: Claims | None = None
        self._processes: dict[Connection, BaseProcess] = {}
        """Each forked process by the connection its results come through."""
        self._made: dict[int, tuple[bytes | None, bytes]] = {}

    def prepare(self, env: jinja2.Environment, config: MkDocsConfig, pages: Sequence[Page],
                workers: int) -> jinja2.Environment:
        """Make the loop ask this layout for the pages' templates (on_env); nothing when it does not pay."""
        self.stop()
        self.laid_out = self.handed_back = 0
        self.pages, self._index = [], {}
        refusal = refusal_reason(config, len(pages), workers)
        if refusal is not None:
            log.debug(f"generated pages laid out in MkDocs' loop only: {refusal}")
            return env
        self.pages = list(pages)
        self._index = {page.file.src_uri: index for index, page in enumerate(self.pages)}
        self._processes_wanted = min(workers - 1, MAX_PROCESSES)
        real = self._get_template = env.get_template

        # `globals` keeps jinja2's own parameter name, so callers passing it by keyword still work
        def get_template(name: Any, parent: str | None = None, globals: Any = None) -> Any:
            template = real(name, parent, globals)
            page = config._current_page
            # only the loop's own request for a page's template, by the name MkDocs asks for
            if parent is None and page is not None and name == page.meta.get("template", "main.html"):
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
        # Frozen objects are never scanned by the collector, which writes to every object it scans: unfrozen,
        # either side would soon copy the whole heap it shares with the other. It stays frozen until stop().
        gc.freeze()
        self._fork(context)

    def _fork(self, context: TemplateContext) -> None:
        """Fork processes until `_processes_wanted` claim pages: the first, or fresh ones for a new round."""
        claims = self._claims
        assert claims is not None and self._get_template is not None
        fork = get_context("fork")
        while claims.joined(0) < self._processes_wanted and claims.left() >= MIN_PAGES_FOR_WORKERS:
            receiver, sender = fork.Pipe(duplex=False)
            process = fork.Process(target=lay_out, daemon=True, args=(
                self._claims, sender, self.pages, context["nav"], context["pages"], context["config"],
                self._get_template, context["page"]))
            claims.joined(+1)
            try:
                process.start()
            except OSError as error:  # no memory or no process slot left: the loop does the rest
                claims.joined(-1)
                receiver.close()
                log.debug(f"generated pages laid out in MkDocs' loop from here: cannot fork ({error})")
                self._processes_wanted = 0
                return
            finally:
                sender.close()
            self._processes[receiver] = process

    def render(self, template: jinja2.Template, index: int, context: TemplateContext) -> str:
        """The page's HTML: a forked process's, when it has the page and made it from this context."""
        claims = self._claims
        if claims is None:
            return template.render(context)
        html = None
        if not claims.claim_for_loop(index):
            self._collect(waiting_for=index)
            made = self._made.pop(index, None)
            page = self.pages[index]
            if made is not None and made[0] is not None and same_context(context, page) \
                    and made[1] == digest(page.content or ""):
                self.laid_out += 1
                html = unpack_once(made[0])
            else:
                self.handed_back += 1
        if claims.joined(0) < self._processes_wanted:
            self._fork(context)  # a process finished its round: a fresh one takes the next pages
        return template.render(context) if html is None else html

    def _collect(self, *, waiting_for: int | None = None) -> None:
        """Take results until that page's has come, or (None) until every process has finished."""
        while self._processes:
            if waiting_for is not None and waiting_for in self._made:
                return
            for connection in wait(list(self._processes)):
                assert isinstance(connection, Connection)
                try:
                    index, packed, content_digest = connection.recv()
                except (EOFError, OSError):  # that process is done, or died: the loop lays out what it held
                    self._processes.pop(connection).join()
                    connection.close()
                    continue
                self._made[index] = (packed, content_digest)

    def stop(self, *, failed: bool = False) -> None:
        """End the forked processes (on_post_build, on_build_error)."""
        if self._claims is not None and not failed:
            self._claims.close()
            self._collect()  # each process exits once it has handed over what it claimed
        for connection, process in self._processes.items():
            # a failed build's process may be waiting to hand over pages nobody will ask for
            end_process(process, terminate=failed)
            connection.close()
        if self._claims is not None:
            gc.unfreeze()
        self._processes, self._made = {}, {}
        self._claims = self._get_template = None


class LaidOut:
    """What MkDocs' loop gets as a generated page's template: `render` asks the layout for the HTML."""

    def __init__(self, layout: PageLayout, template: jinja2.Template, index: int) -> None:
        self._layout, self._template, self._index = layout, template, index

    def render(self, context: TemplateContext) -> str:
        """The page laid out in the theme (by a forked process, or here)."""
        return self._layout.render(self._template, self._index, context)

    def __getattr__(self, name: str) -> Any:
        """Everything else is the template's own (a plugin may inspect what MkDocs is about to render)."""
        return getattr(self._template, name)


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


def lay_out(claims: Claims, sender: Connection, pages: list[Page], nav: Navigation, doc_files: Any,
            config: MkDocsConfig, get_template: GetTemplate, current: Page | None) -> None:
    """In a forked process: render the theme's template for each page claimed, as MkDocs' loop does."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle; it ends this process
    if current is not None:
        current.active = False  # the page the loop was building when this process forked
    messages = LogCapture()  # a page that logs anything goes back to the loop, which logs it as MkDocs would
    for name in ("", "mkdocs"):
        logging.getLogger(name).handlers = [messages]
    warnings.showwarning = messages.warning_shown
    for claimed in range(1, PAGES_PER_PROCESS + 1):
        index = claims.claim_for_process()
        if index is None:
            claims.joined(-1)  # nothing left to claim
            break
        if claimed == PAGES_PER_PROCESS:
            claims.joined(-1)  # at once, so the loop forks the next round's process while this one works
        page, packed = pages[index], None
        messages.entries.clear()
        config._current_page = page
        page.active = True
        try:
            html = get_template(page.meta.get("template", "main.html")).render(
                page_context(nav, doc_files, config, page))
            if not messages.entries:
                packed = pack(html)
        except Exception:  # the loop lays the page out again and reports the error as MkDocs does
            packed = None
        finally:
            page.active = False
            config._current_page = None
        made: Made = (index, packed, digest(page.content or ""))
        sender.send(made)
    sender.close()
