"""Helpers for the rendering tests: check a project, render it, and turn a page into HTML as the site does."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import yaml
from material.extensions import emoji
from releasebook.history import History, build_history
from releasebook.pipeline import Checker, Project
from releasebook.render import Page, render_site
from releasebook.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "history"
GOLDENS = Path(__file__).resolve().parent / "goldens" / "render"

# MkDocs always loads toc, tables and fenced_code; the rest is what the site's mkdocs.yml enables.
EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html", "pymdownx.details",
              "pymdownx.superfences", "pymdownx.tasklist", "pymdownx.tabbed", "pymdownx.emoji"]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True},
    "pymdownx.tasklist": {"custom_checkbox": True},
    "pymdownx.tabbed": {"alternate_style": True},
    "pymdownx.emoji": {"emoji_index": emoji.twemoji, "emoji_generator": emoji.to_svg},
}


@dataclass
class Rendered:
    """A checked project and its pages."""

    project: Project
    history: History
    settings: Settings
    pages: list[Page]

    def page(self, path: str) -> Page:
        """The page with this path."""
        return next(page for page in self.pages if page.path == path)

    def body(self, path: str) -> str:
        """A page's Markdown without its front matter."""
        return split_front_matter(self.page(path).content)[1]


def render_project(root: Path, **settings: Any) -> Rendered:
    """Check the project at `root` (it must be valid) and render every page."""
    config = Settings(root=root, **settings)
    project = Checker(config).check()
    assert project.policy is not None
    assert project.errors == 0, [p.format() for p in project.problems]
    history = build_history(project.releases, project.policy)
    return Rendered(project, history, config, render_site(project, history, config))


def split_front_matter(content: str) -> tuple[dict[str, Any], str]:
    """The YAML front matter (as MkDocs reads it) and the Markdown after it."""
    match = re.match(r"---\n(.*?)\n---\n", content, re.S)
    assert match, "page has no front matter"
    return yaml.safe_load(match.group(1)), content[match.end():]


def to_html(text: str) -> str:
    """Markdown to HTML with the site's extensions (front matter, if any, removed first)."""
    if text.startswith("---\n"):
        text = split_front_matter(text)[1]
    return markdown.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def md_links(markdown_text: str) -> list[str]:
    """Targets of relative `.md` links (what MkDocs validates)."""
    return [target for target in re.findall(r"\]\(([^()\s]+\.md)(?:#[^)]*)?\)", markdown_text)
            if "://" not in target]


def resolve(page_path: str, target: str) -> str:
    """A link target relative to a page, as a site-relative path."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), target))


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def plain(self) -> str:
        """The text content."""
        return "".join(self.text)


LIVE_TAGS = {"script", "iframe", "style", "object", "embed", "form", "meta", "base", "link", "img", "b", "i",
             "div"}


def live_markup(html: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Markup in rendered HTML that a record could only have put there by injection.

    Allowed are the elements the templates and Markdown produce (plus `allowed`); a `div` only as
    Material/pymdownx make them. Event handlers, `style` outside table cells and URLs other than
    http(s)/mailto never are.
    """
    found = []
    for tag, attrs in Elements(html).tags:
        if tag in LIVE_TAGS - allowed and not (tag == "div" and (attrs.get("class") or "").split()[:1] in (
                ["admonition"], ["highlight"], ["tabbed-set"], ["tabbed-labels"], ["tabbed-content"],
                ["tabbed-block"])):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or (name == "style" and tag not in ("td", "th")):
                found.append(f"<{tag} {name}>")
            if name in ("href", "src") and value is not None:
                bare = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
                scheme = re.match(r"([a-z][a-z0-9+.\-]*):", bare)
                if scheme and scheme.group(1) not in ("http", "https", "mailto"):
                    found.append(f"<{tag} {name}={value!r}>")
    return found
