"""MkDocs glue: check the records as the config loads, add the generated pages, sanitise them, watch sources.

Everything else lives in the MkDocs-free core (pipeline, history, render), which the CLI shares.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any, Literal

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from .accessible import name_task_checkboxes
from .compact import CachedPage, GeneratedFile
from .export import SiteMemo
from .forking import available_cpus, skip_last_collection_at_exit
from .history import History, build_history
from .keep import KeptPages
from .layout import PageLayout
from .nav import move_into_releases
from .outputs import SiteOutputs
from .pipeline import Checker, Project
from .prerender import PageRenderer, digest
from .problems import Problem
from .render import RenderMemo, UnsafePathError, macros_variables, render_site
from .render_filters import md_block, md_inline, md_text
from .sanitize import sanitize_html
from .settings import ConfigError, Settings

log = get_plugin_logger(__name__)

TEXT_META = ("title", "description", "author", "subtitle")
"""Front-matter keys the theme prints unescaped (MkDocs' Jinja does not autoescape): titles, `<meta>` tags."""

MACROS_FILTERS = {"md_text": md_text, "md_inline": md_inline, "md_block": md_block}
"""Filters for hand-written pages, so record text printed through macros shows as text, never as markup."""

FOCUS_ENV = "RELEASEBOOK_FOCUS"
"""Environment variable with versions to render fully in `mkdocs serve` (comma or space separated)."""


class ReleasebookConfig(base.Config):  # type: ignore[no-untyped-call]
    """The `releasebook` entry under `plugins:` in mkdocs.yml; the same options as `settings.Settings`.

    Paths are relative to the folder that holds mkdocs.yml. `releasebook validate` reads this entry too.
    """

    releases_dir = opt.Type(str, default=Settings.releases_dir)
    """Folder of release records (`<version>.yml`, searched recursively). Keep it outside `docs_dir`."""

    policy = opt.Type(str, default=Settings.policy)
    """The team's release policy: checklists, rollback criteria, rule severities and the notes template."""

    schema = opt.Type(str, default=Settings.schema)
    """JSON Schema for one release record; releasebook's own copy is used when the file is missing."""

    policy_schema = opt.Type(str, default=Settings.policy_schema)
    """JSON Schema for the policy file; the copy shipped with releasebook is used when the file is missing."""

    templates_dir = opt.Optional(opt.Type(str))
    """Folder of Jinja templates that override the shipped ones by file name (e.g. `release.md.j2`)."""

    enforce = opt.Choice(("error", "warning"), default=Settings.enforce)
    """`error` fails the build on a policy-rule violation; `warning` reports it (`--strict` still fails)."""

    tag_format = opt.Type(str, default=Settings.tag_format)
    """How a version maps to its git tag, for tag and compare links: `v{version}` makes 2.4.0 `v2.4.0`."""

    max_file_bytes = opt.Type(int, default=Settings.max_file_bytes)
    """Largest record file read, in bytes; a bigger file is an error, not a slow build (the policy: 1 MiB)."""

    max_depth = opt.Type(int, default=Settings.max_depth)
    """Deepest nesting accepted in a record; deeper input is refused with its position."""

    max_records = opt.Type(int, default=Settings.max_records)
    """Most records read from `releases_dir`; more is an error."""

    focus = opt.ListOfItems(opt.Type(str), default=[])
    """Versions to render fully in `mkdocs serve` (also `RELEASEBOOK_FOCUS`); `mkdocs build` renders all."""

    workers = opt.Optional(opt.Type(int))
    """Processes that share the generated pages' work (feed and JSON beside the pages, then converting their
    Markdown, then laying them out in the theme), the build's own among them: unset uses every CPU, 0 or 1
    only the build process.

    The output is the same either way; workers are forked, so only Linux uses them.
    """


def settings_for(options: ReleasebookConfig, config: MkDocsConfig) -> Settings:
    """The core's Settings from the plugin options and the MkDocs config (root: the folder of mkdocs.yml)."""
    root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    start = Settings(root=root.resolve(), site_url=config.site_url or "", repo_url=config.repo_url or "")
    return start.with_options({name: options[name] for name in options})


def focus_from(settings: Settings, environ: dict[str, str] | os._Environ[str]) -> tuple[str, ...]:
    """Versions to render fully: the `focus` option, then `RELEASEBOOK_FOCUS`, in order, without repeats."""
    from_env = environ.get(FOCUS_ENV, "").replace(",", " ").split()
    return tuple(dict.fromkeys((*settings.focus, *from_env)))


def edit_path(source: Path, docs_dir: str) -> str:
    """A source file's path relative to `docs_dir`, as MkDocs appends it to `repo_url` + `edit_uri`."""
    return Path(os.path.relpath(source, docs_dir)).as_posix()


def abort_message(problems: list[Problem], policy_file: str) -> str:
    """`releasebook: 2 errors in release records`, naming the policy when it is at fault."""
    errors = [p for p in problems if p.severity == "error"]
    where = []
    if any(p.file != policy_file for p in errors):
        where.append("release records")
    if any(p.file == policy_file for p in errors):
        where.append(policy_file)
    if not where:  # the policy did not load, yet reported no error: say so rather than "0 errors"
        return f"releasebook: {policy_file} could not be loaded"
    return f"releasebook: {len(errors)} error{'s' if len(errors) != 1 else ''} in {' and '.join(where)}"


class ReleasebookPlugin(BasePlugin[ReleasebookConfig]):  # type: ignore[no-untyped-call]
    """Validates the release records and renders them into the site as in-memory pages."""

    def __init__(self) -> None:
        self.command: Literal["build", "gh-deploy", "serve"] = "build"
        self.settings: Settings | None = None
        self.project: Project | None = None
        self.history: History | None = None
        self.generated: set[str] = set()
        self._checker: Checker | None = None
        self._checker_key: tuple[Any, ...] = ()
        self.renderer = PageRenderer(finish=finish_page)
        self.layout = PageLayout()
        # serve only: pages, feed and JSON entries from the last build, reused while their inputs are equal
        self.render_memo: RenderMemo | None = None
        self.site_memo: SiteMemo | None = None
        self.dirty = False
        self._built: dict[str, bytes] = {}  # src_uri -> digest of the source of each generated page written
        self.outputs = SiteOutputs()
        self.kept = KeptPages()

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Remember the command; defining this hook keeps one instance (and its caches) across rebuilds."""
        self.command = command
        self.dirty = dirty
        self.renderer.keep = command == "serve"
        skip_last_collection_at_exit()
        if command == "serve":
            self.render_memo, self.site_memo = RenderMemo(), SiteMemo()

    @event_priority(50)  # before mkdocs-macros (priority 0) copies config.extra into its variables
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Check every record; abort on errors, log warnings, and hand the history to mkdocs-macros."""
        self.generated = set()
        try:
            settings = settings_for(self.config, config)
            project = self.checker(settings).check()
            if self.command != "serve":
                # Only serve checks again: a build need not keep every record's text and data to its end.
                self._checker = None
        except ConfigError as error:
            raise PluginError(f"releasebook: {error}") from error
        for problem in project.problems:
            (log.error if problem.severity == "error" else log.warning)(problem.format())
        if project.errors or project.policy is None:
            policy_file = settings.display(settings.path(settings.policy))
            raise PluginError(abort_message(project.problems, policy_file))
        self.settings, self.project = settings, project
        self.history = build_history(project.releases, project.policy)
        config.extra.update(macros_variables(self.history, project.policy))
        macros = config.plugins.get("macros")
        if macros is not None and hasattr(macros, "register_filters"):
            macros.register_filters(dict(MACROS_FILTERS))
        return config

    def checker(self, settings: Settings) -> Checker:
        """A Checker with compiled schemas, reused while the settings and schema files stay the same."""
        key = (settings, *(_mtime(settings.path(name)) for name in (settings.schema, settings.policy_schema)))
        if self._checker is None or key != self._checker_key:
            self._checker, self._checker_key = Checker(settings), key
        return self._checker

    def focus(self) -> frozenset[str] | None:
        """Release slugs to render fully in a focused preview, or None to render everything."""
        assert self.settings is not None and self.history is not None
        wanted = focus_from(self.settings, os.environ)
        if self.command != "serve" or not wanted:
            return None
        slugs: set[str] = set()
        for version in wanted:
            release = self.history.find(version)
            if release is None:
                log.warning(f"focus: no release record has version '{version}'")
            else:
                slugs.add(release.slug)
        log.info(f"focused preview: rendering {', '.join(sorted(slugs)) or 'no release'} in full")
        return frozenset(slugs)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add the generated pages in memory (editing opens their YAML), the feed, JSON and schemas."""
        assert self.settings is not None and self.project is not None and self.history is not None
        # the feed and JSON are made in a forked process while this one renders the pages
        self.outputs.start(self.history, self.settings, policy=self.project.policy, memo=self.site_memo,
                           fork=self.workers() >= 2)
        log.debug(f"feed, JSON and schemas made {'in a forked process' if self.outputs.forked else 'here'}")
        try:
            pages = render_site(self.project, self.history, self.settings, only=self.focus(),
                                memo=self.render_memo)
        except (ConfigError, UnsafePathError) as error:
            # a missing templates_dir, a broken override template, or a version that would leave the site
            raise PluginError(f"releasebook: {error}") from error
        except jinja2.TemplateError as error:
            raise PluginError(f"releasebook: template error: {_describe(error)}") from error
        edit_uris: dict[str, str] = {}  # three pages per record; resolving its path costs syscalls
        for page in pages:
            existing = files.get_file_from_path(page.path)
            if existing is not None:
                log.warning(f"{page.path} in the docs folder is replaced by the generated page")
                files.remove(existing)
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = GeneratedFile.generated(config, page.path, content=page.content, inclusion=inclusion)
            if page.source:
                if page.source not in edit_uris:
                    edit_uris[page.source] = edit_path(self.settings.path(page.source), config.docs_dir)
                file.edit_uri = edit_uris[page.source]
            files.append(file)
            self.generated.add(file.src_uri)
            CachedPage(file, config, self.renderer)
        for warning in self.outputs.add_to(files, config):
            log.warning(warning)
        return files

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves no forked process or folder of site files behind (serve keeps the folder)."""
        self.layout.stop(failed=True)
        self._report_layout()
        self.kept.discard()
        if self.command != "serve":
            self.outputs.drop()

    def on_shutdown(self) -> None:
        """Remove the folder of site files the last build wrote (serve keeps it until the next rebuild)."""
        self.outputs.drop()

    def _gather_policy(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Without a `nav:`, gather the policy page into the Releases section next to the index and status."""
        if config.nav is None:
            move_into_releases(nav, files.get_file_from_path("policy/index.md"),
                                files.get_file_from_path("releases/index.md"))
        return nav

    @event_priority(-100)  # after every other plugin's on_files and on_nav: the set of pages is final
    def _prerender(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Convert the record pages ahead of MkDocs' serial loop, in worker processes (output unchanged)."""
        assert self.settings is not None
        self.renderer.start_build(config, files)
        pages = self.generated_pages(files)
        self.renderer.forget(page.file.src_uri for page in pages)
        self._built = {}
        if self.command == "serve" and self.dirty:
            # `serve --dirty`: a record page whose source is what its HTML in site_dir came from is skipped;
            # pages in the nav are always rebuilt, since other pages' navigation shows their titles
            for page in pages:
                file = page.file
                if isinstance(file, GeneratedFile) and file.inclusion is InclusionLevel.NOT_IN_NAV:
                    file.unchanged = self.renderer.unchanged(file)
            pages = [page for page in pages if page.file.is_modified()]
        workers = self.workers()
        self.renderer.prerender(pages, config, files, workers)
        log.debug(f"{self.renderer.converted} of {len(pages)} generated pages converted by {workers} workers")
        return nav

    on_nav = CombinedEvent(_gather_policy, _prerender)

    def generated_pages(self, files: Files) -> list[CachedPage]:
        """This build's generated pages, in MkDocs' order."""
        return [file.page for file in files.documentation_pages()
                if file.src_uri in self.generated and isinstance(file.page, CachedPage)]

    def workers(self) -> int:
        """Processes for the generated pages' work, this one among them (the `workers` option)."""
        assert self.settings is not None
        return available_cpus() if self.settings.workers is None else self.settings.workers

    @event_priority(-100)  # last: a plugin failing here leaves MkDocs to keep site_dir as it is
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Before MkDocs empties site_dir, set the last build's generated pages aside to write over them."""
        self.kept.set_aside(config.site_dir, keep=not self.dirty)

    @event_priority(-100)  # after every other plugin's on_env: the environment is final
    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """Put back the last build's pages this build writes; have forked processes lay out the pages."""
        written = (file.dest_uri for file in files if file.inclusion.is_included())  # type: ignore[no-untyped-call]
        if self.kept.put_back(config.site_dir, written):
            log.debug(f"writing over the last build's pages; {self.kept.removed} files it had were removed")
        pages = self.generated_pages(files)
        # a --dirty build skips most pages, which forked processes would lay out for nothing
        workers = 0 if self.dirty else self.workers()
        return self.layout.prepare(env, config, pages, workers)

    @event_priority(100)  # first: the processes fork before other plugins handle the loop's first page
    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> None:
        """At the loop's first page, start the forked processes that lay out the generated pages."""
        self.layout.start(context)

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Note which generated pages this build writes, and from what source (for `serve --dirty`); remove
        the last build's file of a page MkDocs writes none for."""
        if not output or output.isspace():  # MkDocs writes no file: the last build's must not stay
            self.kept.skipped(page.file.abs_dest_path)
        if self.renderer.keep and page.file.src_uri in self.generated:
            self._built[page.file.src_uri] = digest(page.file.content_string)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Remember what the finished build wrote; log how many generated pages were converted and reused."""
        self.layout.stop()
        self._report_layout()
        self.renderer.written(self._built)
        self._built = {}
        if self.command != "serve":
            self.outputs.drop()
        log.debug(f"generated pages: {self.renderer.converted} converted, {self.renderer.reused} reused")

    def _report_layout(self) -> None:
        layout = self.layout
        if layout.pages:
            log.debug(f"{layout.laid_out} of {len(layout.pages)} generated pages laid out by forked "
                      f"processes, {layout.handed_back} handed back to MkDocs' loop")

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Escape generated pages' titles: the theme prints them raw in the header, `<title>` and the nav."""
        if page.file.src_uri in self.generated:
            for key in TEXT_META:
                value = page.meta.get(key)
                if isinstance(value, str):
                    # unescape first, so text the templates already escaped is not escaped twice
                    page.meta[key] = html.escape(html.unescape(value))
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Sanitise generated pages (raw HTML from a record never reaches the site); name their checkboxes."""
        if page.file.src_uri not in self.generated:
            return html
        return self.renderer.finish(page.file.src_uri, html)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Rebuild when a record, the policy, a project schema or an override template changes."""
        if self.settings is not None:
            for path in watch_paths(self.settings):
                server.watch(str(path))
        return server


def finish_page(html: str) -> str:
    """A generated page's HTML made safe (nh3) and accessible (named checkboxes)."""
    return name_task_checkboxes(sanitize_html(html))


def watch_paths(settings: Settings) -> list[Path]:
    """Project files whose change triggers a rebuild; the schemas shipped in the package never change."""
    paths = [settings.path(settings.releases_dir), settings.path(settings.policy)]
    schemas = (settings.path(settings.schema), settings.path(settings.policy_schema))
    paths += [schema for schema in schemas if schema.exists()]
    if settings.templates_dir:
        paths.append(settings.path(settings.templates_dir))
    return paths


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _describe(error: jinja2.TemplateError) -> str:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{error.filename or error.name}:{error.lineno}: {error.message}"
    return str(error)
