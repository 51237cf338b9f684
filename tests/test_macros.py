"""mkdocs-macros: hand-written pages get the release variables; generated pages are never run as templates."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from releasebook.history import build_history
from releasebook.pipeline import Checker
from releasebook.settings import settings_from_mkdocs

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ("mkdocs.yml", "docs", "releases", "policy.yml", "schemas")

TEMPLATE_TEXT = r'''# yaml-language-server: $schema=../schemas/release.schema.json
version: 2.6.0
name: "Braces {{ config.site_name }} NAME-END"
date: 2026-09-01
type: minor
status: planned
summary: |-
  Summary shows {{ config }} and {% for x in y %}LOOP{% endfor %} and {# not a comment #} SUMMARY-END
features:
  - title: "Macro {{ macros_info() }} title"
    description: "Description with {{ config.repo_url }} and {% raw %}raw{% endraw %} DESCRIPTION-END"
checklists:
  pre_release:
    performance:
      status: in-progress
      note: "Note with {{ 7 * 6 }} NOTE-END"
rollback:
  plan: "Plan with {% if true %}IF{% endif %} PLAN-END"
'''


def visible_text(page: str) -> str:
    """The article's text as a reader sees it (tags removed, entities decoded, blanks collapsed)."""
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', page, re.S)
    assert match
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site plus a record full of Jinja syntax, built once."""
    project = tmp_path_factory.mktemp("macros")
    for name in EXAMPLE:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    (project / "releases" / "2.6.0.yml").write_text(TEMPLATE_TEXT, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(project / "site")],
                          cwd=project, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return project / "site"


def page(site: Path, url: str) -> str:
    """A built page's HTML."""
    return (site / url / "index.html").read_text(encoding="utf-8")


# --- hand-written pages use the variables -------------------------------------------------------------


def test_home_shows_the_current_version_with_a_link(site: Path) -> None:
    settings = settings_from_mkdocs(ROOT / "mkdocs.yml")
    project = Checker(settings).check()
    assert project.policy is not None
    latest = build_history(project.releases, project.policy).latest
    assert latest is not None
    home = page(site, "")
    assert f'Current version: <a href="releases/{latest.slug}/">{latest.version}</a>' in home
    text = visible_text(home)
    assert "latest_release" not in text and "{% set" not in text and "{{ current" not in text


def test_home_lists_the_upcoming_releases(site: Path) -> None:
    home = page(site, "")
    for slug in ("2.6.0", "2.5.0", "2.4.0"):  # planned and in-progress, the added record included
        assert f'href="releases/{slug}/"' in home
        assert f'href="releases/{slug}/checklist/"' in home
    assert 'href="releases/2.3.1/checklist/"' not in home  # released: not upcoming


def test_record_text_on_the_home_page_is_text(site: Path) -> None:
    # The planned 2.6.0 is listed as upcoming: its name is printed through the md_text filter, as written.
    assert "Braces {{ config.site_name }} NAME-END" in visible_text(page(site, ""))


def test_home_uses_release_lookup(site: Path) -> None:
    text = visible_text(page(site, ""))
    assert "OctoAcme Platform 2.0 shipped on 2025-10-07 with 3 breaking changes and 5 migration steps" in text


def test_author_guide_lists_checklist_ids_from_the_policy(site: Path) -> None:
    text = visible_text(page(site, "guides/authors/"))
    for item_id, item_text in (("db-migrations", "Database migrations tested (if applicable)"),
                               ("archive-artifacts", "Archive release artifacts and logs")):
        assert f"{item_id} {item_text}" in text


# --- generated pages are never rendered by macros ----------------------------------------------------------


@pytest.mark.parametrize(("url", "written"), [
    ("releases/2.6.0/", "{{ config }}"),
    ("releases/2.6.0/", "{% for x in y %}LOOP{% endfor %}"),
    ("releases/2.6.0/", "{# not a comment #}"),
    ("releases/2.6.0/", "{{ config.site_name }}"),
    ("releases/2.6.0/", "{{ macros_info() }}"),
    ("releases/2.6.0/", "{% raw %}raw{% endraw %}"),
    ("releases/2.6.0/checklist/", "{{ 7 * 6 }}"),
    ("releases/2.6.0/rollback/", "{% if true %}IF{% endif %}"),
])
def test_template_syntax_in_a_record_shows_as_text(site: Path, url: str, written: str) -> None:
    assert written in visible_text(page(site, url))


def test_record_text_was_not_executed(site: Path) -> None:
    notes = visible_text(page(site, "releases/2.6.0/"))
    assert "Braces OctoAcme Releases" not in notes  # {{ config.site_name }} not expanded
    assert "'site_name'" not in notes and "Macros Plugin" not in notes
    assert "42" not in visible_text(page(site, "releases/2.6.0/checklist/"))
