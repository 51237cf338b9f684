"""Links between releases and to the site: page paths, tags, compare links and each release's predecessor.

Shared by the feed, the JSON export, the changelog and the notes pages. Pure: no MkDocs.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from .history import History
from .model import Release
from .settings import Settings

TAGGED_STATUSES = ("released", "rolled-back")


def site_base(site_url: str) -> str:
    """`site_url` with exactly one trailing slash, or an empty string when it is not set."""
    return site_url.rstrip("/") + "/" if site_url.strip() else ""


def page_path(release: Release) -> str:
    """The notes page of a release, relative to the site root (`releases/2.4.0/`)."""
    return f"releases/{release.slug}/"


def site_link(site_url: str, path: str) -> str:
    """An absolute URL under `site_url`, or the site-relative path when `site_url` is empty."""
    base = site_base(site_url)
    return base + path.lstrip("/") if base else path


def tag_name(tag_format: str, release: Release) -> str:
    """The Git tag of a release: `tag_format` with `{version}` replaced (default `v{version}`)."""
    return tag_format.replace("{version}", release.version)


def is_http_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def repo_base(settings: Settings) -> str | None:
    """`repo_url` without a trailing slash, or None unless it is an http(s) URL (no `javascript:` links)."""
    return settings.repo_url.strip().rstrip("/") if is_http_url(settings.repo_url) else None


def tag_ref(settings: Settings, release: Release) -> str:
    """A release's tag, percent-encoded for use in a URL path (`+` in build metadata becomes `%2B`)."""
    return quote(tag_name(settings.tag_format or "v{version}", release))


def compare_url(settings: Settings, older: Release, newer: Release) -> str | None:
    """`<repo_url>/compare/<older tag>...<newer tag>`, or None when `repo_url` is not an http(s) URL."""
    repo = repo_base(settings)
    return f"{repo}/compare/{tag_ref(settings, older)}...{tag_ref(settings, newer)}" if repo else None


def head_compare_url(settings: Settings, newest: Release) -> str | None:
    """`<repo_url>/compare/<tag>...HEAD`: what has changed since the newest tagged release."""
    repo = repo_base(settings)
    return f"{repo}/compare/{tag_ref(settings, newest)}...HEAD" if repo else None


def tag_url(settings: Settings, release: Release) -> str | None:
    """`<repo_url>/releases/tag/<tag>`, for a release with no predecessor; None without an http(s) repo."""
    repo = repo_base(settings)
    return f"{repo}/releases/tag/{tag_ref(settings, release)}" if repo else None


def version_link(settings: Settings, release: Release, previous: Release | None) -> str | None:
    """The compare link from `previous` to `release`, or the release's tag page when there is no previous."""
    if previous is not None:
        return compare_url(settings, previous, release)
    return tag_url(settings, release)


def is_tagged(release: Release) -> bool:
    """Released and rolled-back records shipped, so they have a tag; upcoming ones do not have one yet."""
    return release.status in TAGGED_STATUSES


def predecessors(history: History) -> dict[str, Release | None]:
    """For every release, the next older record in precedence that has a tag (the base of its compare link).

    Precedence order keeps each line together: a backport 1.10.1 follows 1.10.0 even when it shipped after
    2.0.0, and 2.0.0 follows its last release candidate. Planned and in-progress records are skipped: they
    have no tag.
    """
    result: dict[str, Release | None] = {}
    last: Release | None = None
    for release in reversed(history.releases):
        result[release.slug] = last
        if is_tagged(release):
            last = release
    return result


def release_compare_url(history: History, settings: Settings, release: Release) -> str | None:
    """The diff link shown on a notes page: from the predecessor's tag to this release's tag.

    None for upcoming releases (no tag yet), without `repo_url`, and for the very first release, which has
    nothing to compare against (use `tag_url` there).
    """
    if not is_tagged(release):
        return None
    before = predecessors(history).get(release.slug)
    return compare_url(settings, before, release) if before is not None else None


__all__ = [
    "TAGGED_STATUSES",
    "compare_url",
    "head_compare_url",
    "is_http_url",
    "is_tagged",
    "page_path",
    "predecessors",
    "release_compare_url",
    "repo_base",
    "site_base",
    "site_link",
    "tag_name",
    "tag_ref",
    "tag_url",
    "version_link",
]
