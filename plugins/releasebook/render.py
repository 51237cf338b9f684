"""Release records to Markdown pages: changelog, notes, checklists, runbooks, status board and policy.

Pages come from Jinja templates in `templates/` (a project's `templates_dir` overrides any of them by name).
The templates only lay out views built in `render_views`; every record string passes through a filter from
`render_filters`, so record text shows as written and never becomes markup. The core never imports MkDocs:
the plugin turns `Page`s into in-memory files.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import semver

from .history import History
from .links import is_tagged, predecessors, tag_name, version_link
from .memo import Memo
from .model import Policy, Release
from .pipeline import Project
from .render_filters import FILTERS
from .render_runbook import criteria_rows, incident_view, on_call
from .render_views import (
    ITEM_BADGES,
    PRERELEASE_BADGE,
    RECENT_RELEASED,
    STATUS_BADGES,
    TYPE_ICONS,
    ReleaseView,
    build_views,
    major_groups,
    rule_rows,
)
from .settings import ConfigError, Settings

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAMES = ("index.md.j2", "status.md.j2", "policy.md.j2", "notes.md.j2", "checklist.md.j2",
                  "rollback.md.j2")
"""The page templates a project can override; `_macros.md.j2` holds the shared pieces."""

INDEX_PATH = "releases/index.md"
STATUS_PATH = "releases/status.md"
POLICY_PATH = "policy/index.md"
_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
_SAFE_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*(?:/[A-Za-z0-9][A-Za-z0-9._+-]*)*")


class UnsafePathError(ValueError):
    """A generated page path that is not plainly inside the site (a version that bypassed the schema)."""


@dataclass(frozen=True)
class Page:
    """One generated Markdown page."""

    path: str
    """Site-relative source path with forward slashes, e.g. `releases/2.4.0/index.md`."""
    content: str
    """Markdown including YAML front matter."""
    source: str | None
    """Project-relative path of the file the page comes from, for "edit this page"."""
    in_nav: bool
    """True only for the changelog index, the status board and the policy."""


def _no_none(value: Any) -> Any:
    """Jinja finalizer: a template that prints None is a bug, never a page that says "None"."""
    if value is None:
        raise ValueError("a template printed None; guard the value with {% if %}")
    return value


def environment(user_dir: str | None) -> jinja2.Environment:
    """The Jinja environment: the project's templates first, then the packaged ones.

    `render_site` makes one per call (or reuses a `RenderMemo`'s while no template file changed), so
    `mkdocs serve` picks up template edits, and each template is compiled once rather than checked on disk for
    every page.
    """
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(user_dir))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # the output is Markdown; record text is escaped by the md_* filters instead
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_no_none,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    env.globals.update(
        status_badges=STATUS_BADGES,
        type_icons=TYPE_ICONS,
        item_badges=ITEM_BADGES,
        prerelease_badge=PRERELEASE_BADGE,
    )
    return env


def templates_dir(settings: Settings) -> str | None:
    """The project's template folder, or None; a configured folder that does not exist is a ConfigError."""
    if not settings.templates_dir:
        return None
    folder = settings.path(settings.templates_dir)
    if not folder.is_dir():
        raise ConfigError(f"templates_dir not found: {settings.display(folder)}")
    return str(folder)


def page_path(*parts: str) -> str:
    """A site-relative page path, refused unless plainly inside the site; checked after it is built.

    Each part must be one plain name: no `/` (a version is one folder), no `..`, no odd characters, no
    trailing dot (Windows drops it, so two names could become one file).
    """
    path = "/".join(parts)
    plain = bool(parts) and all(_SAFE_SEGMENT.fullmatch(part) and not part.endswith(".") for part in parts)
    if (not plain or not _SAFE_PATH.fullmatch(path) or posixpath.normpath(path) != path
            or ".." in path.split("/")):
        raise UnsafePathError(f"refusing to generate a page outside the site: {path!r}")
    return path


class RenderMemo:
    """What `render_site` can reuse in the next build of a `mkdocs serve` session.

    The Jinja environment (compiled templates), and each page's Markdown with the template inputs it came
    from. Any change to a template file, the project's or a packaged one, starts afresh.
    """

    def __init__(self) -> None:
        self.pages: Memo[str] = Memo()
        self._env: jinja2.Environment | None = None
        self._stamp: tuple[Any, ...] = ()

    def environment(self, user_dir: str | None) -> jinja2.Environment:
        """The environment made for the same template files, else a new one (and no kept pages)."""
        stamp = (user_dir, _folder_stamp(user_dir), _folder_stamp(str(PACKAGE_TEMPLATES)))
        if self._env is None or stamp != self._stamp:
            self._env, self._stamp = environment(user_dir), stamp
            self.pages.clear()
        return self._env


def _folder_stamp(folder: str | None) -> tuple[tuple[str, bytes], ...]:
    """Name and content digest of each file in a template folder, imports and linked folders included.

    Contents, not modification times: a same-size edit within one tick of a coarse clock must still count.
    """
    if folder is None:
        return ()
    stamps = []
    for current, dirs, names in os.walk(folder, followlinks=True):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(current, name)
            try:
                with open(path, "rb") as template:
                    stamps.append((path, hashlib.blake2b(template.read(), digest_size=16).digest()))
            except OSError:
                continue
    return tuple(stamps)


class _Renderer:
    """Renders pages from one environment; template mistakes become ConfigErrors naming the template."""

    def __init__(self, env: jinja2.Environment, memo: Memo[str] | None = None) -> None:
        self.env = env
        self.memo = memo
        self.templates: dict[str, jinja2.Template] = {}

    def page(self, path: str, name: str, **context: Any) -> str:
        """The page at `path` from template `name`; the memo's copy when the same inputs made it before."""
        if self.memo is None:
            return self(name, **context)
        return self.memo.get(path, (name, context), self.render, name, context)

    def render(self, name: str, context: dict[str, Any]) -> str:
        """Template `name` rendered with `context`."""
        return self(name, **context)

    def __call__(self, name: str, **context: Any) -> str:
        try:
            template = self.templates.get(name)
            if template is None:
                template = self.templates[name] = self.env.get_template(name)
            return template.render(**context)
        except jinja2.TemplateSyntaxError as error:
            where = f"{error.filename or error.name or name}:{error.lineno}"
            raise ConfigError(f"{where}: template error: {error.message}") from error
        except (jinja2.TemplateError, ValueError, TypeError, AttributeError, KeyError) as error:
            raise ConfigError(f"template {name}: {type(error).__name__}: {error}") from error


def render_site(project: Project, history: History, settings: Settings, *,
                only: frozenset[str] | None = None, memo: RenderMemo | None = None) -> list[Page]:
    """Every generated page in a stable order: index, status, policy, then each release's three pages.

    `only` names the slugs to render in full (a focused preview); the index, status and policy pages are
    always rendered, and they link only to pages that exist. With a `memo` (serve), a page whose template
    inputs equal the last build's is not rendered again.
    """
    policy = project.policy
    if policy is None:
        raise ValueError("render_site needs a project with a valid policy")
    user_dir = templates_dir(settings)
    if memo is None:
        render = _Renderer(environment(user_dir))
    else:
        memo.pages.start()
        render = _Renderer(memo.environment(user_dir), memo.pages)
    views = build_views(history, policy, only)
    by_slug: dict[str, ReleaseView] = {}
    for view in views:
        by_slug.setdefault(view.slug, view)
    upcoming = [view for view in views if view.release.is_upcoming]
    recent = [view for view in views if not view.release.is_upcoming][:RECENT_RELEASED]
    pages = [
        Page(INDEX_PATH, render.page(INDEX_PATH, "index.md.j2", releases=views, upcoming=upcoming,
                                     groups=major_groups(views), policy=policy), None, True),
        Page(STATUS_PATH, render.page(STATUS_PATH, "status.md.j2", upcoming=upcoming, recent=recent,
                                      policy=policy), None, True),
        Page(POLICY_PATH, render.page(POLICY_PATH, "policy.md.j2", policy=policy, rules=rule_rows(policy)),
             policy.source, True),
    ]
    before = predecessors(history)
    for position, view in enumerate(views):
        if not view.linked or by_slug[view.slug] is not view:
            continue
        release = view.release
        newer = views[position - 1] if position > 0 else None
        older = views[position + 1] if position + 1 < len(views) else None
        final = (by_slug.get(str(release.semver.replace(prerelease=None, build=None)))
                 if release.is_prerelease else None)
        common = {"r": view, "policy": policy}
        incident = incident_view(release, policy)  # the notes and the runbook show the same incident
        notes_path = page_path("releases", view.slug, "index.md")
        pages.append(Page(notes_path, render.page(
            notes_path, "notes.md.j2", newer=newer, older=older, final=final, banners=banners(release),
            incident=incident, source=source_link(settings, release, before),
            **common), release.source, False))
        checklist_path = page_path("releases", view.slug, "checklist.md")
        pages.append(Page(checklist_path, render.page(checklist_path, "checklist.md.j2", **common),
                          release.source, False))
        verdict = history.verdicts[release.slug]
        rollback_path = page_path("releases", view.slug, "rollback.md")
        pages.append(Page(rollback_path, render.page(
            rollback_path, "rollback.md.j2", immediate=criteria_rows(release, verdict, policy.immediate),
            consider=criteria_rows(release, verdict, policy.consider), on_call=on_call(release, policy),
            incident=incident, **common), release.source, False))
    return pages


def source_link(settings: Settings, release: Release,
                before: dict[str, Release | None]) -> tuple[str, str] | None:
    """(label, URL) of the code changes: the compare view from the previous tag, or the tag's own page.

    None for releases without a tag yet (planned, in progress) and when `repo_url` is not an http(s) URL.
    """
    if not is_tagged(release):
        return None
    previous = before.get(release.slug)
    url = version_link(settings, release, previous)
    if url is None:
        return None
    tag_format = settings.tag_format or "v{version}"
    tag = tag_name(tag_format, release)
    return (f"{tag_name(tag_format, previous)}...{tag}" if previous is not None else tag), url


def banners(release: Release) -> tuple[str, ...]:
    """Which warnings the notes open with: `rolled-back`, `prerelease`, `upcoming` (in that order)."""
    found = []
    if release.status == "rolled-back":
        found.append("rolled-back")
    if release.is_prerelease:
        found.append("prerelease")
    if release.is_upcoming:
        found.append("upcoming")
    return tuple(found)


# --- mkdocs-macros ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseInfo:
    """A release as hand-written pages see it through mkdocs-macros: the record's fields plus its URLs.

    Any attribute of the `Release` (features, fixes, components, ...) is available too, e.g.
    `{{ release("2.4.0").features | length }}`.
    """

    release: Release
    url: str
    """The notes URL relative to the site root, e.g. `releases/2.4.0/`."""
    page: str
    """The notes page's source path, for Markdown links from `docs/`: `releases/2.4.0/index.md`."""
    checklist_url: str
    rollback_url: str
    last_known_good: str | None
    """The rollback target's version, or None when there is nothing to roll back to."""
    verdict: str
    """The rollback verdict in words."""

    def __getattr__(self, name: str) -> Any:
        if name == "release":  # not set yet (copying): avoid endless recursion
            raise AttributeError(name)
        return getattr(self.release, name)

    def __str__(self) -> str:
        return self.release.version


def release_info(release: Release, history: History) -> ReleaseInfo:
    """The macros view of one release."""
    target = history.last_known_good.get(release.slug)
    return ReleaseInfo(
        release=release,
        url=f"releases/{release.slug}/",
        page=f"releases/{release.slug}/index.md",
        checklist_url=f"releases/{release.slug}/checklist/",
        rollback_url=f"releases/{release.slug}/rollback/",
        last_known_good=target.version if target is not None else None,
        verdict=history.verdicts[release.slug].label,
    )


def macros_variables(history: History, policy: Policy) -> dict[str, object]:
    """mkdocs-macros variables: `releases` (newest first), `latest_release`, `policy`, `release(version)`."""
    infos = [release_info(release, history) for release in history.releases]
    by_slug: dict[str, ReleaseInfo] = {}
    for info in infos:
        by_slug.setdefault(info.release.slug, info)
    latest = history.latest

    def release(version: object) -> ReleaseInfo | None:
        """The release with this version (a leading `v` and build metadata are ignored), or None."""
        text = str(version).strip()
        text = text[1:] if text[:1] in ("v", "V") else text
        try:
            slug = str(semver.Version.parse(text).replace(build=None))
        except (ValueError, TypeError):
            return None
        return by_slug.get(slug)

    return {
        "releases": infos,
        "latest_release": by_slug.get(latest.slug) if latest is not None else None,
        "policy": policy,
        "release": release,
    }


__all__ = ["Page", "ReleaseInfo", "RenderMemo", "UnsafePathError", "environment", "macros_variables",
           "page_path", "render_site"]
