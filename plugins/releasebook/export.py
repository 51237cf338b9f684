"""Machine-readable outputs: the Atom feed, `releases.json` and the published schemas.

Pure functions of the history and settings: no MkDocs, no build clock. The plugin writes their output into the
site; anything else (a script, another generator) can call them the same way. Page paths and compare links
live in links.py, `releases.json` in export_json.py; both are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nh3

from . import __version__
from .export_json import JSON_FORMAT, JSON_PATH, release_data, releases_json, releases_json_parts
from .history import History
from .links import (
    compare_url,
    head_compare_url,
    is_http_url,
    is_tagged,
    page_path,
    predecessors,
    release_compare_url,
    repo_base,
    site_base,
    site_link,
    tag_name,
    tag_url,
    version_link,
)
from .memo import Memo
from .model import Change, Policy, Release
from .settings import Settings

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_PATH = "releases/feed.xml"
EPOCH = "1970-01-01T00:00:00Z"

# Characters XML 1.0 cannot hold even escaped; a YAML escape such as "\x01" can put them into a record.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_HTML_TAGS = {"p", "ul", "li", "strong", "em", "code", "h3", "a"}


# --- Atom feed ----------------------------------------------------------------------------------------------


def feed_warnings(settings: Settings) -> list[str]:
    """What the caller should log about the feed: a missing `site_url` makes every link relative."""
    if site_base(settings.site_url):
        return []
    return [f"site_url is not set in mkdocs.yml: {FEED_PATH} uses relative links, which many feed readers "
            "cannot follow; set `site_url` to the site's public address (e.g. https://docs.example.com/)"]


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _timestamp(date: dt.date) -> str:
    """A record date as an Atom timestamp: that day at 00:00 UTC."""
    return f"{date.isoformat()}T00:00:00Z"


def _inline_html(text: str) -> str:
    """Markdown text as safe inline HTML: everything escaped, code spans kept as <code>."""
    out: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(html.escape(text[position:match.start()]))
        out.append(f"<code>{html.escape(match.group(2).strip())}</code>")
        position = match.end()
    out.append(html.escape(text[position:]))
    return "".join(out)


def _paragraphs(text: str) -> str:
    """Blank-line separated Markdown as escaped `<p>` paragraphs."""
    blocks = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text.strip())]
    return "".join(f"<p>{_inline_html(block)}</p>" for block in blocks if block)


def _change_items(changes: tuple[Change, ...], *, breaking: bool = False) -> str:
    items: list[str] = []
    for change in changes:
        marker = "<strong>Breaking:</strong> " if breaking else ""
        description = _inline_html(" ".join(change.description.split()))
        body = f"{marker}<strong>{_inline_html(change.title)}</strong>: {description}"
        if change.migration:
            body += f" <em>Migration:</em> {_inline_html(' '.join(change.migration.split()))}"
        if change.workaround:
            body += f" <em>Workaround:</em> {_inline_html(' '.join(change.workaround.split()))}"
        items.append(f"<li>{body}</li>")
    return f"<ul>{''.join(items)}</ul>"


def entry_html(release: Release, notes_url: str) -> str:
    """The HTML body of a feed entry, built from escaped text and then cleaned with nh3 as a second guard."""
    parts: list[str] = []
    if release.status == "rolled-back":
        parts.append("<p><strong>This release was rolled back.</strong></p>")
    if release.is_prerelease:
        parts.append("<p><em>Pre-release.</em></p>")
    parts.append(_paragraphs(release.summary))
    for heading, changes in (("New features", release.features), ("Improvements", release.improvements),
                             ("Bug fixes", release.fixes)):
        if changes:
            parts.append(f"<h3>{heading}</h3>{_change_items(changes)}")
    if release.breaking_changes:
        parts.append(f"<h3>Breaking changes</h3>{_change_items(release.breaking_changes, breaking=True)}")
    if release.known_issues:
        parts.append(f"<h3>Known issues</h3>{_change_items(release.known_issues)}")
    if is_http_url(notes_url):
            parts.append(f'<p><a href="{html.escape(notes_url)}">Full release notes</a></p>')
    return str(nh3.clean("".join(parts), tags=_HTML_TAGS, attributes={"a": {"href"}},
                         url_schemes={"http", "https"}, link_rel=None))


def _plain(text: str) -> str:
    """A Markdown summary as plain text for `<summary type="text">`: one line, emphasis marks dropped."""
    collapsed = " ".join(text.split())
    return re.sub(r"(\*\*|__|`)", "", collapsed)


def _feed_link(site_url: str, path: str) -> str:
    """A link as written in the feed: absolute under `site_url`, else relative to the feed's own folder."""
    if site_base(site_url):
        return site_link(site_url, path)
    relative = posixpath.relpath(path.rstrip("/") or ".", posixpath.dirname(FEED_PATH))
    return relative + "/" if path.endswith("/") else relative


def _urn(*parts: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "releasebook:" + ":".join(parts)))


def feed_entries(history: History) -> list[Release]:
    """The releases a feed lists: released and rolled-back ones, newest first by SemVer precedence."""
    return [r for r in history.releases if is_tagged(r)]


def atom_feed(
    history: History,
    settings: Settings,
    *,
    policy: Policy | None = None,
    pages_url: Callable[[Release], str] | None = None,
    memo: Memo[str] | None = None,
) -> str:
    """An Atom 1.0 feed of released and rolled-back releases (see `feed_warnings` for what to log).

    With a `memo` (serve), an entry's HTML body is made again only when its release or link changed.
    """
    site_url = settings.site_url
    organization = policy.organization if policy is not None else ""
    entries = feed_entries(history)

    def path_of(release: Release) -> str:
        return pages_url(release) if pages_url is not None else page_path(release)

    if memo is not None:
        memo.start()
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    feed_url = site_link(site_url, FEED_PATH) if site_base(site_url) else ""
    ET.SubElement(feed, "id").text = feed_url or _urn(organization, "feed")
    title = f"{organization} releases" if organization else "Releases"
    ET.SubElement(feed, "title").text = _xml_text(title)
    if policy is not None and policy.purpose:
        ET.SubElement(feed, "subtitle").text = _xml_text(" ".join(policy.purpose.split()))
    ET.SubElement(feed, "updated").text = max((_timestamp(r.date) for r in entries), default=EPOCH)
    if feed_url:
        ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": feed_url})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html",
                                 "href": _feed_link(site_url, "releases/")})
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = _xml_text(organization or "releasebook")
    ET.SubElement(feed, "generator", {"version": __version__}).text = "releasebook"
    for release in entries:
        link = _feed_link(site_url, path_of(release))
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = link if is_http_url(link) else _urn(organization, release.slug)
        ET.SubElement(entry, "title").text = _xml_text(release.title)
        ET.SubElement(entry, "updated").text = _timestamp(release.date)
        ET.SubElement(entry, "published").text = _timestamp(release.date)
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": link})
        ET.SubElement(entry, "category", {"term": release.type, "label": release.type.capitalize()})
        if release.is_prerelease:
            ET.SubElement(entry, "category", {"term": "pre-release", "label": "Pre-release"})
        if release.status == "rolled-back":
            ET.SubElement(entry, "category", {"term": "rolled-back", "label": "Rolled back"})
        ET.SubElement(entry, "summary", {"type": "text"}).text = _xml_text(_plain(release.summary))
        body = (entry_html(release, link) if memo is None else
                memo.get(release.slug, (release, link), entry_html, release, link))
        ET.SubElement(entry, "content", {"type": "html"}).text = _xml_text(body)
    ET.indent(feed, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


# --- published schemas --------------------------------------------------------------------------------------


def schema_url(site_url: str, name: str) -> str:
    """Where a schema is published: `<site_url>schemas/<name>`, or site-relative without `site_url`."""
    return site_link(site_url, f"schemas/{name}")


def published_schema(path: Path, site_url: str, name: str) -> str:
    """A schema file's JSON with `$id` set to its published URL (kept as it is when `site_url` is empty)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not site_base(site_url) or not isinstance(data, dict):
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    published: dict[str, Any] = {}
    if "$schema" in data:
        published["$schema"] = data["$schema"]
    published["$id"] = schema_url(site_url, name)
    published.update((key, value) for key, value in data.items() if key not in ("$schema", "$id"))
    return json.dumps(published, indent=2, ensure_ascii=False) + "\n"


# --- everything the site publishes --------------------------------------------------------------------------


class SiteMemo:
    """What `site_files` can reuse in the next build of a `mkdocs serve` session: feed and JSON entries."""

    def __init__(self) -> None:
        self.feed_entries: Memo[str] = Memo()
        self.json_entries: Memo[str] = Memo()


def site_files(
    history: History,
    settings: Settings,
    *,
    policy: Policy | None = None,
    pages_url: Callable[[Release], str] | None = None,
    memo: SiteMemo | None = None,
) -> tuple[dict[str, bytes], list[str]]:
    """The machine-readable files of the site by path (feed, JSON index, both schemas), and warnings to log.

    A front-end writes each file's bytes (UTF-8 text) at its path under the site root: the MkDocs plugin as
    generated files in `on_files`, another generator into its output folder. Bytes, not text: at 5,000 records
    `releases.json` is 57 MB as UTF-8, twice that as a Python string once it holds a character such as `→`.
    """
    files = {
        FEED_PATH: atom_feed(history, settings, policy=policy, pages_url=pages_url,
                             memo=None if memo is None else memo.feed_entries).encode(),
        JSON_PATH: b"".join(part.encode() for part in releases_json_parts(
            history, settings, None if memo is None else memo.json_entries)),
        "schemas/release.schema.json": published_schema(
            settings.schema_path(settings.schema, "release.schema.json"), settings.site_url,
            "release.schema.json").encode(),
        "schemas/policy.schema.json": published_schema(
            settings.schema_path(settings.policy_schema, "policy.schema.json"), settings.site_url,
            "policy.schema.json").encode(),
    }
    return files, feed_warnings(settings)


__all__ = [
    "FEED_PATH",
    "JSON_FORMAT",
    "JSON_PATH",
    "SiteMemo",
    "atom_feed",
    "compare_url",
    "entry_html",
    "feed_entries",
    "feed_warnings",
    "head_compare_url",
    "is_tagged",
    "page_path",
    "predecessors",
    "published_schema",
    "release_compare_url",
    "release_data",
    "releases_json",
    "releases_json_parts",
    "repo_base",
    "schema_url",
    "site_base",
    "site_files",
    "site_link",
    "tag_name",
    "tag_url",
    "version_link",
]
