"""Every text field of a record, each carrying hostile markup, is neutral in every built page, feed and index.

One real `mkdocs build --strict` of the example plus one rolled-back record that puts a payload in every field
the schema allows: raw HTML, event handlers, `javascript:`/`data:`/`vbscript:` URLs (also entity-obfuscated),
`<iframe>`, `<style>`, `<object>`, `<embed>` and attribute lists. The checks read the built HTML with
`html.parser`, not the Markdown: no element from a record can run code or load anything, and the payload is
still there as visible text, so escaping never turned into deleting.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ("mkdocs.yml", "docs", "releases", "policy.yml", "schemas")
VERSION = "3.0.0"

NOTES = f"releases/{VERSION}/"
CHECKLIST, RUNBOOK = f"{NOTES}checklist/", f"{NOTES}rollback/"
INDEX, STATUS = "releases/", "releases/status/"
PAGES = (NOTES, CHECKLIST, RUNBOOK, INDEX, STATUS)

# Elements a record must never produce, and the only URL schemes a link or image may carry.
FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "style", "object", "embed", "applet", "form",
                  "button", "base", "meta", "link", "textarea", "select", "video", "audio", "source", "math"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "data",
                  "background"}
SAFE_SCHEMES = {"http", "https", "mailto"}


def block_payload(tag: str) -> str:
    """Block Markdown with every kind of attack on its own line; `tag` names the field it was put in."""
    return "\n".join([
        f"<script>alert('{tag}')</script> <iframe src=\"https://evil.example/\"></iframe>",
        "<style>body{display:none}</style> <object data=\"https://evil.example/x\"></object> "
        "<embed src=\"https://evil.example/x\">",
        "<img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\" onclick=\"alert(1)\">a</a> "
        "<svg onload=alert(1)>",
        "[js](javascript:alert(1)) [entity](&#106;avascript:alert(1)) [tab](java&#9;script:alert(1)) "
        "[data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox(1))",
        "[upper](JaVaScRiPt:alert(1)) [colon](javascript&colon;alert(1)) [angle](<javascript:alert(1)>) "
        "[blank]( javascript:alert(1)) <javascript:alert(1)> [by reference][evil] &lt;b&gt;entity&lt;/b&gt;",
        "![image](javascript:alert(1)){: onerror=\"alert(1)\" } <!-- an unclosed comment",
        "{{ 7 * 7 }} {% if true %}macro{% endif %} <div markdown=\"1\">in html</div>",
        "[evil]: javascript:alert(1)",
        f"<div onmouseover=\"alert(1)\">{tag}-END",
        "{: onclick=\"alert(1)\" style=\"color:red\" }",
    ])


def line_payload(tag: str) -> str:
    """One line of attacks short enough for 200-character fields."""
    return (f"<script>alert(1)</script><img src=x onerror=alert(1)> [j](&#106;avascript:alert(1)) "
            f"<iframe src=x></iframe> {{: onclick=\"alert(1)\"}} {tag}-END")


def tiny_payload(tag: str) -> str:
    """Attacks in under 100 characters (the incident severity)."""
    return f"<img src=x onerror=alert(1)>[j](javascript:x){{: onclick=x}} {tag}-END"


def url_payload(tag: str) -> str:
    """An http(s) URL the schema accepts that tries to break out of its `href`."""
    return (f"https://evil.example/{tag}?q=\"><script>alert(1)</script>&x='onmouseover=alert(1)//"
            "){:onclick=alert(1)}[x](javascript:alert(1))")


@dataclass(frozen=True)
class Field:
    """One record field: where it lives, its payload, and where a reader sees it."""

    path: str
    """Dotted path in the record, list indexes as numbers: `features.0.title`."""
    kind: str
    """`block`, `line`, `tiny` or `url`."""
    pages: tuple[str, ...]
    """Pages whose article shows the field's text (for `url`: links to it)."""
    feed: bool = False
    """True when the Atom feed entry's HTML content shows it."""

    @property
    def tag(self) -> str:
        """The field's marker in its payload, e.g. `FIELD-features-0-title`."""
        return "FIELD-" + self.path.replace(".", "-").replace("_", "-")

    @property
    def payload(self) -> str:
        """The hostile value written into the record."""
        return {"block": block_payload, "line": line_payload, "tiny": tiny_payload, "url": url_payload}[
            self.kind](self.tag)


FIELDS = (
    Field("name", "line", (NOTES, CHECKLIST, RUNBOOK, INDEX)),
    Field("summary", "block", (NOTES, INDEX), feed=True),
    Field("components.0", "line", (NOTES,)),
    *(Field(f"{group}.0.{part}", kind, (NOTES,), feed=part != "refs.0")
      for group in ("features", "improvements", "fixes")
      for part, kind in (("title", "line"), ("description", "block"), ("refs.0", "line"))),
    Field("breaking_changes.0.title", "line", (NOTES,), feed=True),
    Field("breaking_changes.0.description", "block", (NOTES,), feed=True),
    Field("breaking_changes.0.migration", "block", (NOTES,), feed=True),
    Field("breaking_changes.0.impact", "block", (NOTES,)),
    Field("breaking_changes.0.refs.0", "line", (NOTES,)),
    Field("migration_steps.0", "block", (NOTES,)),
    Field("known_issues.0.title", "line", (NOTES,), feed=True),
    Field("known_issues.0.description", "block", (NOTES,), feed=True),
    Field("known_issues.0.workaround", "block", (NOTES,), feed=True),
    Field("known_issues.0.refs.0", "line", (NOTES,)),
    Field("documentation.0.title", "line", (NOTES,)),
    Field("documentation.0.url", "url", (NOTES,)),
    Field("checklists.pre_release.performance.owner", "line", (CHECKLIST,)),
    Field("checklists.pre_release.performance.note", "block", (CHECKLIST,)),
    Field("checklists.pre_release.performance.evidence", "url", (CHECKLIST,)),
    Field("rollback.plan", "block", (RUNBOOK,)),
    Field("rollback.steps.0", "block", (RUNBOOK,)),
    Field("rollback.feature_flags.0", "line", (RUNBOOK,)),
    Field("rollback.database", "block", (RUNBOOK,)),
    Field("rollback.contacts.0.role", "line", (RUNBOOK,)),
    Field("rollback.contacts.0.name", "line", (RUNBOOK,)),
    Field("rollback.contacts.0.contact", "line", (RUNBOOK,)),
    Field("verification.notes", "block", (RUNBOOK,)),
    Field("incident.summary", "block", (NOTES, RUNBOOK)),
    Field("incident.severity", "tiny", (NOTES, RUNBOOK)),
    Field("incident.postmortem", "url", (RUNBOOK,)),
    Field("x-note", "block", ()),  # team extensions are not rendered; releases.json carries them as data
)


def hostile_record() -> dict[str, Any]:
    """A rolled-back major release that passes every rule, with every field of FIELDS set to its payload."""
    record: dict[str, Any] = {
        "version": VERSION, "date": "2026-10-01", "type": "major", "status": "rolled-back",
        "checklists": {"pre_release": {item: "done" for item in (
            "acceptance-criteria", "ci-security-scans", "release-notes", "user-docs", "rollback-plan",
            "smoke-tests", "db-migrations", "feature-flags", "monitoring", "support-briefed")}},
        "verification": {"error_rate_percent": 7.5, "critical_functionality_broken": True},
        "incident": {"detected_at": "2026-10-01T09:30:00Z"},
    }
    record["checklists"]["pre_release"]["performance"] = {"status": "done"}
    for field in FIELDS:
        parts = field.path.split(".")
        node: Any = record
        for part, following in itertools.pairwise(parts):
            key: Any = int(part) if part.isdigit() else part
            if isinstance(node, list):
                while len(node) <= key:
                    node.append({} if not following.isdigit() else [])
            elif key not in node:
                node[key] = [] if following.isdigit() else {}
            node = node[key]
        last = parts[-1]
        if last.isdigit():
            node.append(field.payload)
        else:
            node[last] = field.payload
    for group in ("features", "improvements", "fixes", "breaking_changes", "known_issues"):
        record[group][0].setdefault("description", f"{group} description")
    return record


class Document(HTMLParser):
    """The elements (with attributes), visible text and script bodies of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.parts: list[str] = []
        self.scripts: list[str] = []
        self._raw: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record an element."""
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag in ("script", "style"):
            self._raw = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record a self-closed element."""
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        """Leave a script or style."""
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data: str) -> None:
        """Visible text, or a script's body."""
        (self.scripts if self._raw else self.parts).append(data)

    @property
    def text(self) -> str:
        """The visible text with runs of blanks collapsed to one space."""
        return " ".join("".join(self.parts).split())


def parse(markup: str) -> Document:
    """A parsed HTML document or fragment."""
    document = Document()
    document.feed(markup)
    document.close()
    return document


def article(page: str) -> str:
    """The page's content area: everything the generated Markdown became."""
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', page, re.S)
    assert match, "no article in the page"
    return match.group(1)


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see (entities decoded, blanks and controls dropped), or None if relative."""
    bare = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", bare)
    return match.group(1) if match else None


def live_markup(document: Document, *, theme: bool) -> list[str]:
    """Everything in a document that could run code or load from elsewhere; `theme` allows the theme's own
    scripts and stylesheets (checked separately for record text)."""
    found = []
    for tag, attrs in document.elements:
        if tag in FORBIDDEN_TAGS and not (theme and tag in ("script", "link", "meta", "style", "form",
                                                              "button")):
            found.append(f"<{tag} {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and tag not in ("td", "th"):
                found.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRIBUTES:
                scheme = scheme_of(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"<{tag} {name}={value!r}>")
    return found


def visible_lines(field: Field) -> list[str]:
    """What a reader must see of the field's payload: every line, blanks collapsed."""
    return [" ".join(line.split()) for line in field.payload.split("\n")]


@dataclass(frozen=True)
class Built:
    """The built site and the record as written."""

    site: Path
    record: dict[str, Any]

    def page(self, url: str) -> str:
        """A page's whole HTML."""
        return (self.site / url / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example project plus the hostile record, built once with `mkdocs build --strict`."""
    project = tmp_path_factory.mktemp("output-safety")
    for name in EXAMPLE:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    record = hostile_record()
    text = yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=10_000)
    (project / "releases" / f"{VERSION}.yml").write_text(text, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true",
           "SOURCE_DATE_EPOCH": "0"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(project / "site")],
                          cwd=project, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return Built(project / "site", record)


def test_every_field_of_the_schema_is_covered() -> None:
    """A new text field in the schema must be added to FIELDS (or this list of fields that hold no text)."""
    schema = json.loads((ROOT / "schemas" / "release.schema.json").read_text(encoding="utf-8"))
    covered = {re.sub(r"\.\d+", "", field.path) for field in FIELDS}
    not_text = {"version", "date", "rollback.target", "incident.detected_at"}
    strings: set[str] = set()

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = schema
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def walk(node: dict[str, Any], path: str) -> None:
        node = resolve(node)
        if node.get("type") == "string":
            strings.add(path)
        for key, child in node.get("properties", {}).items():
            walk(child, f"{path}.{key}".lstrip("."))
        if isinstance(node.get("items"), dict):
            walk(node["items"], path)
        if isinstance(node.get("additionalProperties"), dict):  # checklist items, keyed by policy item id
            walk(node["additionalProperties"], f"{path}.performance".replace("deployment", "pre_release"))
        if isinstance(node.get("else"), dict):
            walk(node["else"], path)

    walk(schema, "")
    assert strings - not_text - covered == set()
    assert covered - strings == {"x-note"}  # no typo in FIELDS


@pytest.mark.parametrize("url", PAGES)
def test_no_live_markup_on_any_page(built: Built, url: str) -> None:
    """The article holds nothing that runs or loads; neither does the rest of the page (title, nav, meta)."""
    page = built.page(url)
    assert live_markup(parse(article(page)), theme=False) == []
    whole = parse(page)
    assert live_markup(whole, theme=True) == []
    assert not [script for script in whole.scripts if "FIELD-" in script or "alert(" in script]


@pytest.mark.parametrize("field", FIELDS, ids=[field.path for field in FIELDS])
def test_field_payload_shows_as_text(built: Built, field: Field) -> None:
    """Each page that shows the field has its whole payload as visible text, and its URLs only in `href`."""
    for url in field.pages:
        content = parse(article(built.page(url)))
        if field.kind == "url":
            hrefs = [href for _, attrs in content.elements if field.tag in (href := attrs.get("href", ""))]
            assert hrefs, (url, "no link to the payload URL")
            assert all(href.startswith("https://evil.example/") and '"' not in href and "<" not in href
                       for href in hrefs), hrefs
            continue
        missing = [line for line in visible_lines(field) if line not in content.text]
        assert not missing, (url, missing)


def test_feed_entry_is_inert_and_complete(built: Built) -> None:
    """The Atom entry's HTML content is inert after a feed reader decodes it, and shows each fed field."""
    feed = ET.parse(built.site / "releases" / "feed.xml").getroot()
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    entries = [entry for entry in feed.findall("atom:entry", ns)
               if (entry.findtext("atom:title", "", ns) or "").startswith(VERSION)]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext("atom:title", "", ns) == f"{VERSION} — {built.record['name']}"
    content = parse(entry.findtext("atom:content", "", ns))
    assert live_markup(content, theme=False) == []
    assert {tag for tag, _ in content.elements} <= {"p", "h3", "ul", "li", "strong", "em", "code", "a"}
    for field in FIELDS:
        if field.feed:
            assert field.tag in content.text, field.path
            assert "<script>alert(" in content.text, field.path


def test_releases_json_keeps_the_text_as_data(built: Built) -> None:
    """releases.json carries every payload byte for byte as a JSON string: data, never markup."""
    document = json.loads((built.site / "releases" / "releases.json").read_text(encoding="utf-8"))
    (release,) = [r for r in document["releases"] if r["version"] == VERSION]
    record = built.record
    assert release["name"] == record["name"]
    assert release["summary"] == record["summary"]
    assert release["extensions"] == {"x-note": record["x-note"]}
    assert release["incident"]["summary"] == record["incident"]["summary"]
    assert release["rollback"]["plan"] == record["rollback"]["plan"]
    performance = next(item for item in release["checklists"]["pre_release"]["items"]
                       if item["id"] == "performance")
    assert performance["evidence"] == record["checklists"]["pre_release"]["performance"]["evidence"]


def test_search_index_holds_no_live_markup(built: Built) -> None:
    """Material's search shows index text as HTML in its results: the record's entries must be inert there."""
    index = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [doc for doc in index["docs"] if doc["location"].startswith(f"releases/{VERSION}/")]
    assert entries
    for doc in entries:
        for key in ("title", "text"):
            assert live_markup(parse(doc.get(key, "")), theme=False) == [], (doc["location"], key)
