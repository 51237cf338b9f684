"""Hostile text in a record is neutral in the built HTML, and nothing written is lost."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ("mkdocs.yml", "docs", "releases", "policy.yml", "schemas")

# Every text field a page shows, each carrying one attack and a sentinel that must stay visible after it.
HOSTILE = r'''# yaml-language-server: $schema=../schemas/release.schema.json
version: 2.6.0
name: "<img src=x onerror=alert(1)> NAME-SENTINEL"
date: 2026-09-01
type: minor
status: planned
summary: |-
  <script>alert('summary')</script> SUMMARY-SENTINEL

  Second paragraph with [a js link](javascript:alert('link')) and [an entity link](&#106;avascript:alert(1)).
features:
  - title: "Title | with pipe # and <b onmouseover=alert(1)>bold</b> TITLE-SENTINEL"
    description: |-
      <div>an opened div that never closes DIV-SENTINEL
  - title: Attribute lists
    description: |-
      A paragraph with a handler ATTR-SENTINEL
      {: onclick="alert('attr')" }

      ![image](https://example.com/x.png){: onerror="alert('img')" }
  - title: Frames and styles
    description: |-
      <iframe src="https://evil.example"></iframe><style>body{display:none}</style> FRAME-SENTINEL
  - title: A heading inside
    description: |-
      # Not a page heading HEADING-SENTINEL

      Text after the heading.
  - title: Last feature LAST-SENTINEL
    description: Still visible after everything above.
fixes:
  - title: "<script>alert('fix')</script> FIX-SENTINEL"
    description: "<svg onload=alert(1)> data link [x](data:text/html;base64,PHNjcmlwdD4=) DATA-SENTINEL"
known_issues:
  - title: Workaround with a table cell | pipe
    description: "Cell | text | ISSUE-SENTINEL"
    workaround: "<a href=\"javascript:alert('wa')\" onclick=\"x()\">click</a> WORKAROUND-SENTINEL"
checklists:
  pre_release:
    performance:
      status: blocked
      owner: "<script>alert('owner')</script> OWNER-SENTINEL"
      note: "<img src=x onerror=alert(2)> NOTE-SENTINEL"
rollback:
  plan: "<script>alert('plan')</script> PLAN-SENTINEL"
  steps:
    - "<button onclick=alert(1)>press</button> STEP-SENTINEL"
  feature_flags: ["<b>flag</b> FLAG-SENTINEL"]
  contacts:
    - role: "<i onmouseover=alert(1)>role</i> ROLE-SENTINEL"
'''

SENTINELS = {
    "releases/2.6.0/": ["NAME-SENTINEL", "SUMMARY-SENTINEL", "TITLE-SENTINEL", "DIV-SENTINEL",
                        "ATTR-SENTINEL", "FRAME-SENTINEL", "HEADING-SENTINEL", "Text after the heading.",
                        "LAST-SENTINEL", "Still visible after everything above.", "FIX-SENTINEL",
                        "DATA-SENTINEL", "ISSUE-SENTINEL", "WORKAROUND-SENTINEL"],
    "releases/2.6.0/checklist/": ["OWNER-SENTINEL", "NOTE-SENTINEL"],
    "releases/2.6.0/rollback/": ["PLAN-SENTINEL", "STEP-SENTINEL", "FLAG-SENTINEL", "ROLE-SENTINEL"],
    "releases/": ["NAME-SENTINEL", "SUMMARY-SENTINEL"],
    "": ["NAME-SENTINEL"],  # the home page prints upcoming releases through mkdocs-macros
}
DANGEROUS_TAGS = {"script", "iframe", "style", "object", "embed", "form", "button", "base", "meta", "link"}


class Elements(HTMLParser):
    """Every element with its attributes, the visible text and the scripts' content, of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record an element."""
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        """Leave a script."""
        self._in_script = False

    def handle_data(self, data: str) -> None:
        """Record visible text, or script content."""
        (self.scripts if self._in_script else self.text).append(data)


def assert_inert(document: Elements, *, allow_scripts: bool) -> None:
    """No event handler, no script-capable URL, no dangerous element (the theme's own scripts aside)."""
    for tag, attrs in document.elements:
        if not allow_scripts:
            assert tag not in DANGEROUS_TAGS, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction", "xlink:href", "content"):
                scheme = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), (tag, name, value)
    assert not any("alert(" in script for script in document.scripts)


def parse(fragment: str) -> Elements:
    """The elements and text of an HTML fragment."""
    parser = Elements()
    parser.feed(fragment)
    parser.close()
    return parser


def article(page: str) -> str:
    """The page's main content, without the theme's own scripts."""
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', page, re.S)
    assert match, "no article in page"
    return match.group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site with one hostile record added, built once."""
    project = tmp_path_factory.mktemp("hostile")
    for name in EXAMPLE:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    (project / "releases" / "2.6.0.yml").write_text(HOSTILE, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(project / "site")],
                          cwd=project, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return project / "site"


@pytest.mark.parametrize("url", sorted(SENTINELS))
def test_no_live_markup_from_the_record(site: Path, url: str) -> None:
    page = (site / url / "index.html").read_text(encoding="utf-8")
    assert_inert(parse(article(page)), allow_scripts=False)
    # The whole page, theme included: nothing reached the head, the title, the header or the nav either.
    assert_inert(parse(page), allow_scripts=True)


@pytest.mark.parametrize("url", sorted(SENTINELS))
def test_no_text_is_lost(site: Path, url: str) -> None:
    content = parse(article((site / url / "index.html").read_text(encoding="utf-8")))
    text = " ".join(" ".join(content.text).split())
    for sentinel in SENTINELS[url]:
        assert sentinel in text, (url, sentinel)


def test_heading_in_a_description_does_not_take_over_the_page(site: Path) -> None:
    content = parse(article((site / "releases/2.6.0/index.html").read_text(encoding="utf-8")))
    h1 = [tag for tag, _ in content.elements if tag == "h1"]
    assert len(h1) == 1


def test_hostile_record_keeps_all_pages(site: Path) -> None:
    for url in ("releases/2.6.0/", "releases/2.6.0/checklist/", "releases/2.6.0/rollback/",
                "releases/status/"):
        assert (site / url / "index.html").is_file(), url
