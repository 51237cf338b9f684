"""What support staff and reviewers do on the site, in a real browser, asserting what they see."""

from __future__ import annotations

import re
from typing import Any

import pytest
import semver

from .conftest import Visitor
from .site import BuiltSite, html_pages

pytestmark = pytest.mark.e2e

SEARCHED_FIX = ("2.2.1", "Notifications worker memory leak")
"""A fix a customer reports by name, and the release whose notes describe it."""

NOTES_SECTIONS = {
    # The policy's release-notes headings and the record field that makes each appear (None: always shown).
    "Release": None, "Date": None, "Type": None, "Summary": None,
    "New Features": "features", "Improvements": "improvements", "Bug Fixes": "fixes",
    "Breaking Changes": "breaking_changes", "Migration Steps": "migration_steps",
    "Known Issues": "known_issues", "Documentation": "documentation", "Rollback": None,
}

# The changelog's sections and, per section, each entry's version and first line as rendered.
INDEX_ENTRIES = """() => [...document.querySelectorAll('article h2')].map(h => {
  let list = h.nextElementSibling;
  while (list && !['UL', 'H2'].includes(list.tagName)) list = list.nextElementSibling;
  const items = list && list.tagName === 'UL' ? [...list.children] : [];
  return {section: h.firstChild.textContent.trim(),
          entries: items.map(li => ({version: li.querySelector('p strong').innerText.trim(),
                                     head: li.querySelector('p').innerText}))};
})"""

# The release page's outline: the labels of the facts list under the h1, then every h2.
NOTES_OUTLINE = """() => {
  const h1 = document.querySelector('article h1');
  let facts = h1.nextElementSibling;
  while (facts && facts.tagName !== 'UL') facts = facts.nextElementSibling;
  const labels = [...facts.querySelectorAll(':scope > li > strong:first-child')]
    .map(s => s.textContent.replace(/:$/, '').trim());
  const headings = [...document.querySelectorAll('article h2')].map(h => h.firstChild.textContent.trim());
  return labels.concat(headings);
}"""


def semver_key(version: str) -> semver.Version:
    """SemVer precedence, the order the changelog promises."""
    return semver.Version.parse(version)


def heading(page: Any) -> str:
    """The page's h1 as a person reads it (without the permalink sign)."""
    return str(page.locator("article h1").evaluate("h => h.firstChild.textContent")).strip()


def test_home_shows_the_current_version_and_its_link_opens_it(visitor: Visitor,
                                                              built_site: BuiltSite) -> None:
    """The home page's card names the newest released version (a macros variable); its link opens it."""
    released = [v for v, r in built_site.records().items()
                if r["status"] == "released" and not semver_key(v).prerelease]
    current = max(released, key=semver_key)
    page = visitor.open("")
    card = page.locator(".grid.cards li").filter(has_text="Current version")
    assert card.locator("strong").first.inner_text().strip() == f"Current version: {current}"
    assert "{{" not in page.locator("article").inner_text(), "a macro was left unrendered"
    card.get_by_role("link", name=current, exact=True).click()
    page.wait_for_load_state()
    assert visitor.path() == f"releases/{current}/"
    assert heading(page).startswith(current)
    visitor.assert_clean()


def test_changelog_lists_releases_in_semver_order_with_markers(visitor: Visitor,
                                                               built_site: BuiltSite) -> None:
    """Upcoming first, then newest first by SemVer (1.10 above 1.9); rolled-back and pre-releases say so."""
    records = built_site.records()
    page = visitor.open("releases/")
    sections = page.evaluate(INDEX_ENTRIES)
    shown = [entry["version"] for section in sections for entry in section["entries"]]
    upcoming = sorted((v for v, r in records.items() if r["status"] in ("planned", "in-progress")),
                      key=semver_key, reverse=True)
    others = sorted(set(records) - set(upcoming), key=semver_key, reverse=True)
    assert shown == upcoming + others
    majors = sorted({semver_key(v).major for v in others}, reverse=True)
    assert [s["section"] for s in sections] == ["Upcoming"] + [f"{major}.x" for major in majors]

    heads = {entry["version"]: entry["head"] for section in sections for entry in section["entries"]}
    rolled_back = {v for v, r in records.items() if r["status"] == "rolled-back"}
    prereleases = {v for v in records if semver_key(v).prerelease}
    assert rolled_back and prereleases, "the example should show both markers"
    assert {v for v, head in heads.items() if "Rolled back" in head} == rolled_back
    assert {v for v, head in heads.items() if "Pre-release" in head} == prereleases
    for version in sorted(rolled_back | prereleases):
        marker = "Rolled back" if version in rolled_back else "Pre-release"
        entry = page.locator("article li").filter(has=page.get_by_role("link", name=version, exact=True))
        assert entry.get_by_text(marker).first.is_visible()
    visitor.assert_clean()


def test_typing_a_fix_title_into_search_finds_its_release(visitor: Visitor, built_site: BuiltSite) -> None:
    """A support engineer types a fix's title; the first result is its release, and clicking opens it."""
    version, title = SEARCHED_FIX
    assert title in [fix["title"] for fix in built_site.records()[version].get("fixes", [])]
    page = visitor.open("")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(title, delay=20)
    first = page.locator(".md-search-result__item").first
    first.wait_for(state="visible")
    assert f"releases/{version}/" in str(first.locator("a").first.get_attribute("href"))
    assert title in page.locator(".md-search-result__list").inner_text()
    first.locator("a").first.click()
    page.wait_for_load_state()
    assert visitor.path() == f"releases/{version}/"
    assert heading(page).startswith(version)
    assert page.locator("article").get_by_text(title).first.is_visible()
    visitor.assert_clean()


@pytest.mark.parametrize("version", ["2.0.0", "2.3.0", "2.4.0"])
def test_release_page_shows_the_template_sections_in_order(visitor: Visitor, built_site: BuiltSite,
                                                           version: str) -> None:
    """Release, Date, Type, Summary ... Rollback in the policy's order, each shown when the record has it."""
    record = built_site.records()[version]
    template = [section["heading"] for section in built_site.policy()["release_notes_template"]]
    assert list(NOTES_SECTIONS) == template, "the policy's template changed: update NOTES_SECTIONS"
    expected = [name for name, key in NOTES_SECTIONS.items() if key is None or record.get(key)]
    page = visitor.open(f"releases/{version}/")
    outline = [name for name in page.evaluate(NOTES_OUTLINE) if name in NOTES_SECTIONS]
    assert outline == expected
    visitor.assert_clean()


def test_release_page_links_open_its_checklist_and_runbook(visitor: Visitor) -> None:
    """From the notes, the Checklist and Rollback runbook links open those pages of the same release."""
    page = visitor.open("releases/2.3.0/")
    for link, path, suffix in (("Checklist", "releases/2.3.0/checklist/", ": checklist"),
                               ("Rollback runbook", "releases/2.3.0/rollback/", ": rollback runbook")):
        page.locator("article").get_by_role("link", name=link, exact=True).first.click()
        page.wait_for_load_state()
        assert visitor.path() == path
        assert heading(page).startswith("2.3.0") and heading(page).endswith(suffix)
        page.go_back()
        page.wait_for_load_state()
        assert visitor.path() == "releases/2.3.0/"
    visitor.assert_clean()


def checklist_counts(record: dict[str, Any], policy: dict[str, Any]) -> tuple[int, int]:
    """(done or skipped, total) over the policy's checklists, counted from the YAML, not by releasebook."""
    done = total = 0
    for key, checklist in policy["checklists"].items():
        if key not in record.get("checklists", {}):
            continue
        statuses = record["checklists"][key]
        for item in checklist["items"]:
            value = statuses.get(item["id"], "pending")
            status = value["status"] if isinstance(value, dict) else value
            total += 1
            done += status in ("done", "skipped")
    return done, total


def test_checklist_shows_progress_and_the_blocked_item(visitor: Visitor, built_site: BuiltSite) -> None:
    """2.4.0's checklist: "5 of 22" done, and the blocked `performance` item, by name and status word."""
    record, policy = built_site.records()["2.4.0"], built_site.policy()
    done, total = checklist_counts(record, policy)
    items = policy["checklists"]["pre_release"]["items"]
    blocked = next(item for item in items if item["id"] == "performance")
    assert record["checklists"]["pre_release"]["performance"]["status"] == "blocked"
    page = visitor.open("releases/2.4.0/checklist/")
    summary = page.locator("article .admonition").first
    assert summary.locator(".admonition-title").inner_text().strip() == "Blocked: performance"
    assert f"{done} of {total}" in summary.inner_text()
    assert f"performance: {blocked['text']}" in summary.inner_text()
    item = page.locator("li.task-list-item").filter(has_text=blocked["text"])
    assert item.count() == 1 and item.is_visible()
    assert re.search(r"\bBlocked\b", item.inner_text())
    visitor.assert_clean()


def test_runbook_shows_the_verdict_with_reasons_and_the_target(visitor: Visitor,
                                                               built_site: BuiltSite) -> None:
    """2.3.0 was rolled back: "Roll back immediately" because of its error rate, back to 2.2.1."""
    record = built_site.records()["2.3.0"]
    assert record["verification"]["error_rate_percent"] == 7.4 and record["rollback"]["target"] == "2.2.1"
    page = visitor.open("releases/2.3.0/rollback/")
    verdict = page.locator("article .admonition").first
    assert verdict.locator(".admonition-title").inner_text().strip() == "Roll back immediately"
    reasons = verdict.locator("li").all_inner_texts()
    assert "error rate 7.4 % exceeds 5 %" in reasons
    assert "p95 latency ratio 2.6x exceeds 2x" in reasons
    target = page.locator("article h2#target-version + p")
    assert target.inner_text().startswith("Roll back to 2.2.1")
    target.get_by_role("link", name="2.2.1", exact=True).click()
    page.wait_for_load_state()
    assert visitor.path() == "releases/2.2.1/"
    visitor.assert_clean()


def test_light_dark_toggle_switches_the_palette(browser: Any, site_url: str) -> None:
    """The header's toggle switches Material's colour scheme on <body>, and back."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    try:
        visitor = Visitor(context.new_page(), site_url)
        page = visitor.open("releases/")
        body = page.locator("body")
        assert body.get_attribute("data-md-color-scheme") == "default"
        page.get_by_title("Switch to dark mode").click()
        assert body.get_attribute("data-md-color-scheme") == "slate"
        page.get_by_title("Switch to light mode").click()
        assert body.get_attribute("data-md-color-scheme") == "default"
        visitor.assert_clean()
    finally:
        context.close()


def test_no_console_error_or_failed_request_on_any_page_kind(visitor: Visitor, built_site: BuiltSite) -> None:
    """Every hand-written page, and each generated page kind for release variants the journeys do not open
    (a pre-release, the oldest release), load without console errors, failed local requests or HTTP errors.

    Every journey checks the pages it opens the same way; the link crawl checks every page's local files.
    """
    pages = html_pages(built_site.site)
    variants = [f"releases/{version}/{kind}" for version in ("2.0.0-rc.1", "1.8.0")
                for kind in ("", "checklist/", "rollback/")]
    wanted = [path for path in pages if not path.startswith("releases/")] + variants
    wanted += ["releases/", "releases/status/"]
    assert set(wanted) <= set(pages) and len(wanted) >= 15
    for path in wanted:
        visitor.open(path)
    visitor.assert_clean()
