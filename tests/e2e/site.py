"""The example site for the browser tests: a private copy with one hostile record, built once, served locally.

Nothing here needs a browser: the link crawl and the static accessibility checks read the built HTML with
`html.parser`, so they run (and fail) even where Chromium is missing.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from ..helpers import FIXTURES, copy_example

"""What `make build` reads: the example OctoAcme project."""

HOSTILE_RECORD = FIXTURES / "e2e" / "2.6.0.yml"
"""A planned release whose texts carry script, handler, link, attribute-list and macro payloads."""

HOSTILE_VERSION = "2.6.0"

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '{: onclick="alert(1)"}',
    "{{ config }}",
)
"""Strings the hostile record writes verbatim; a reader must see each of them as text."""

BUILD_TIMEOUT = 300

CHROMIUM = Path(os.environ.get("RELEASEBOOK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-proxy-server",
    # Offline by construction: Google Fonts and the GitHub API (repo facts) fail to resolve, like on an
    # intranet without internet access. The Visitor in conftest.py ignores those failures and only those.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
MISSING_CHROMIUM = (f"Chromium not found at {CHROMIUM}: install Debian's package with "
                    "`apt-get install chromium` (or point RELEASEBOOK_CHROMIUM at a Chromium binary); "
                    "the e2e tests never download a browser")


@dataclass(frozen=True)
class BuiltSite:
    """The project copy, its built `site/` folder and what `mkdocs build` printed."""

    project: Path
    site: Path
    log: str

    def records(self) -> dict[str, dict[str, Any]]:
        """Every release record of the copy, by version, read straight from YAML (not through releasebook)."""
        found: dict[str, dict[str, Any]] = {}
        for path in sorted((self.project / "releases").rglob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            found[str(data["version"])] = data
        return found

    def policy(self) -> dict[str, Any]:
        """The policy file as plain data."""
        data: dict[str, Any] = yaml.safe_load((self.project / "policy.yml").read_text(encoding="utf-8"))
        return data


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_MKDOCS_2_WARNING": "1"}
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=BUILD_TIMEOUT, check=False)


def build_example(destination: Path, *, hostile: bool = True) -> BuiltSite:
    """Copy the example project, add the hostile record, validate it and run `mkdocs build --strict`."""
    project = copy_example(destination / "project")
    if hostile:
        shutil.copyfile(HOSTILE_RECORD, project / "releases" / f"{HOSTILE_VERSION}.yml")
    validate = _run([sys.executable, "-m", "releasebook.cli", "validate"], project)
    if validate.returncode != 0:
        raise AssertionError(f"the hostile record must pass `releasebook validate`:\n{validate.stdout}"
                             f"{validate.stderr}")
    build = _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"], project)
    if build.returncode != 0:
        raise AssertionError(f"mkdocs build --strict failed:\n{build.stdout}{build.stderr}")
    return BuiltSite(project=project, site=project / "site", log=build.stderr)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from the site folder, without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: pytest shows failures, not access logs."""


class SiteServer:
    """`site/` over HTTP on 127.0.0.1 and a free port, in a background thread, for a `with` block."""

    def __init__(self, site: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(site))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="e2e-site", daemon=True)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}/"

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@dataclass
class ParsedPage:
    """What the crawl and the static checks need from one built page."""

    path: str
    title: str = ""
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Collects the title, every id, `<a href>`, local resources and the headings (level, text)."""

    def __init__(self, page: ParsedPage) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self._in_title = False
        self._heading: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        if tag == "a" and "href" in values:
            self.page.links.append(values["href"])
        elif tag in ("img", "script") and values.get("src"):
            self.page.resources.append(values["src"])
        elif tag == "link" and values.get("href") and values.get("rel") not in ("canonical", "preconnect"):
            self.page.resources.append(values["href"])
        if tag == "title":
            self._in_title = True
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._heading = (int(tag[1]), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif self._heading is not None and tag == f"h{self._heading[0]}":
            level, parts = self._heading
            self.page.headings.append((level, " ".join("".join(parts).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data
        if self._heading is not None:
            self._heading[1].append(data)


def html_pages(site: Path) -> list[str]:
    """Every page's URL path below the site root (`""`, `releases/2.3.0/`), without 404.html."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        if relative == "404.html" or relative.startswith("assets/"):
            continue
        paths.append(relative.removesuffix("index.html"))
    return paths


def parse_page(site: Path, path: str) -> ParsedPage:
    """Parse one built page, given by its URL path."""
    page = ParsedPage(path=path)
    parser = _PageParser(page)
    parser.feed(page_file(site, path).read_text(encoding="utf-8"))
    parser.close()
    page.title = " ".join(page.title.split())
    return page


def page_file(site: Path, path: str) -> Path:
    """The file a URL path is served from: `releases/` is `releases/index.html`."""
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


@dataclass(frozen=True)
class Target:
    """Where an internal link points: the URL path and the fragment (empty when there is none)."""

    path: str
    fragment: str


def internal_target(page_path: str, href: str, site_url: str) -> Target | None:
    """The local target of a link on `page_path`, or None for other sites, mailto: and the like."""
    base = "http://site.invalid/"
    absolute = urljoin(base + page_path, href)
    if site_url and absolute.startswith(site_url):
        absolute = base + absolute[len(site_url):]
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}/" != base:
        return None
    return Target(path=unquote(parts.path.lstrip("/")), fragment=unquote(parts.fragment))


def served_file(site: Path, path: str) -> Path | None:
    """The file the server answers a path with (a folder gives its index.html), or None for a 404."""
    candidate = site / path
    if path == "" or path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def walk(site: Path, start: str, site_url: str, pages: dict[str, ParsedPage]) -> Iterator[str]:
    """Breadth-first over the pages reachable from `start` by following `<a href>` links."""
    seen = {start}
    queue = [start]
    while queue:
        current = queue.pop(0)
        yield current
        for href in pages[current].links:
            target = internal_target(current, href, site_url)
            if target is None:
                continue
            path = target.path
            file = served_file(site, path)
            if file is None or file.suffix != ".html":
                continue
            key = file.relative_to(site).as_posix().removesuffix("index.html")
            if key in pages and key not in seen:
                seen.add(key)
                queue.append(key)
