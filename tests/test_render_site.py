"""render_site and macros_variables on the fixture history and the example releases."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from releasebook.history import build_history
from releasebook.model import Release
from releasebook.render import (
    INDEX_PATH,
    PACKAGE_TEMPLATES,
    POLICY_PATH,
    STATUS_PATH,
    macros_variables,
    page_path,
    render_site,
)
from releasebook.render_filters import md_inline
from releasebook.settings import ConfigError

from .render_helpers import (
    FIXTURE,
    ROOT,
    Elements,
    Rendered,
    live_markup,
    md_links,
    render_project,
    resolve,
    split_front_matter,
    to_html,
)

FIXTURE_VERSIONS = ["2.2.0", "2.1.1", "2.1.0", "2.0.0+build.7", "2.0.0-rc.1", "2.0.0-beta.11", "2.0.0-beta.2",
                    "1.10.1", "1.10.0", "1.9.0"]


@pytest.fixture(scope="module")
def fixture() -> Rendered:
    """The fixed fixture history, rendered once."""
    return render_project(FIXTURE)


@pytest.fixture(scope="module")
def example() -> Rendered:
    """The repository's example releases, rendered once."""
    return render_project(ROOT)


def release_paths(slug: str) -> list[str]:
    """The three pages of one release."""
    return [f"releases/{slug}/index.md", f"releases/{slug}/checklist.md", f"releases/{slug}/rollback.md"]


# --- pages and paths ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fixture", "example"])
def test_records_in_equal_release_pages_out(name: str, request: pytest.FixtureRequest) -> None:
    """Three pages per record plus the index, status board and policy; nothing dropped, nothing doubled."""
    rendered: Rendered = request.getfixturevalue(name)
    records = sorted(Path(rendered.settings.root, "releases").rglob("*.yml"))
    paths = [page.path for page in rendered.pages]
    assert len(paths) == len(set(paths)) == 3 * len(records) + 3
    assert paths[:3] == [INDEX_PATH, STATUS_PATH, POLICY_PATH]
    for release in rendered.history.releases:
        for path in release_paths(release.slug):
            assert path in paths


def test_example_has_every_page(example: Rendered) -> None:
    """The 15 example records give 48 pages, every release's three among them."""
    assert len(example.history.releases) == 15
    assert len(example.pages) == 48
    expected = {INDEX_PATH, STATUS_PATH, POLICY_PATH}
    for release in example.history.releases:
        expected.update(release_paths(release.slug))
    assert {page.path for page in example.pages} == expected


@pytest.mark.parametrize("name", ["fixture", "example"])
def test_every_relative_link_points_at_a_generated_page(name: str, request: pytest.FixtureRequest) -> None:
    """MkDocs validates `.md` links in --strict: every one the templates write must resolve."""
    rendered: Rendered = request.getfixturevalue(name)
    paths = {page.path for page in rendered.pages}
    for page in rendered.pages:
        for target in md_links(page.content):
            assert resolve(page.path, target) in paths, (page.path, target)


@pytest.mark.parametrize("name", ["fixture", "example"])
def test_front_matter_and_navigation_flags(name: str, request: pytest.FixtureRequest) -> None:
    """Every page has a title and disables mkdocs-macros; only the three overview pages go into the nav."""
    rendered: Rendered = request.getfixturevalue(name)
    for page in rendered.pages:
        meta, body = split_front_matter(page.content)
        assert meta["render_macros"] is False
        assert isinstance(meta["title"], str) and meta["title"]
        assert page.in_nav is (page.path in (INDEX_PATH, STATUS_PATH, POLICY_PATH))
        assert "None" not in re.sub(r"`[^`]*`", "", body), page.path


class TextNodes(Elements):
    """Text nodes one by one, to find a line that Markdown swallowed into the paragraph above it."""

    def __init__(self, html: str) -> None:
        self.nodes: list[str] = []
        super().__init__(html)

    def handle_data(self, data: str) -> None:
        super().handle_data(data)
        self.nodes.append(data)


@pytest.mark.parametrize("name", ["fixture", "example"])
def test_no_list_item_is_swallowed_into_a_paragraph(name: str, request: pytest.FixtureRequest) -> None:
    """In the HTML, no paragraph contains a line that was meant to start a list item (lazy continuation)."""
    rendered: Rendered = request.getfixturevalue(name)
    for page in rendered.pages:
        for node in TextNodes(to_html(page.content)).nodes:
            assert not re.search(r"\n[ \t]*([-*+]|\d+\.)[ \t]", node), (page.path, node)


def test_index_html_has_one_list_item_per_release(fixture: Rendered) -> None:
    """Every entry is its own list item in the built page, not text inside the previous one."""
    html = to_html(fixture.page(INDEX_PATH).content)
    entries = re.findall(r"<li>\s*<p><strong><a href=\"([^\"]+)/index\.md\">", html)
    assert len(entries) == len(fixture.history.releases)


def test_edit_links_point_at_the_records(fixture: Rendered) -> None:
    """Release pages name their YAML record; the policy page names policy.yml; the overviews have none."""
    assert fixture.page("releases/2.0.0/checklist.md").source == "releases/2.0.0+build.7.yml"
    assert fixture.page(POLICY_PATH).source == "policy.yml"
    assert fixture.page(INDEX_PATH).source is None
    assert fixture.page(STATUS_PATH).source is None


def test_release_titles_are_plain_text_in_front_matter(fixture: Rendered) -> None:
    """The `|` in a release name is exact in the page title and escaped in the Markdown heading."""
    meta, body = split_front_matter(fixture.page("releases/2.0.0/index.md").content)
    assert meta["title"] == "2.0.0+build.7 — Platform 2.0 | GA"
    assert meta["search"] == {"boost": 2}
    assert "# 2.0.0+build.7 — Platform 2.0 \\| GA" in body


def test_checklists_and_runbooks_stay_out_of_search(fixture: Rendered) -> None:
    """Checklists and runbooks (the same policy texts in every record) are excluded; notes are boosted."""
    for release in fixture.history.releases:
        for page in ("checklist.md", "rollback.md"):
            meta, _ = split_front_matter(fixture.page(f"releases/{release.slug}/{page}").content)
            assert meta["search"] == {"exclude": True}, (release.slug, page)
        notes, _ = split_front_matter(fixture.page(f"releases/{release.slug}/index.md").content)
        assert notes["search"] == {"boost": 2}
    for path in (INDEX_PATH, STATUS_PATH, POLICY_PATH):
        assert "search" not in split_front_matter(fixture.page(path).content)[0], path


def test_an_override_can_put_checklists_back_into_search(tmp_path: Path, fixture: Rendered) -> None:
    """The choice sits in the front_matter call: search_exclude=false indexes the page with the low boost."""
    shipped = (PACKAGE_TEMPLATES / "checklist.md.j2").read_text(encoding="utf-8")
    assert "search_exclude=true" in shipped
    (tmp_path / "checklist.md.j2").write_text(
        shipped.replace("search_exclude=true", "search_exclude=false"), encoding="utf-8")
    settings = type(fixture.settings)(root=FIXTURE, templates_dir=str(tmp_path))
    pages = {p.path: p for p in render_site(fixture.project, fixture.history, settings)}
    meta, body = split_front_matter(pages["releases/2.1.0/checklist.md"].content)
    assert meta["search"] == {"boost": 0.5}
    assert body == fixture.body("releases/2.1.0/checklist.md")
    assert split_front_matter(pages["releases/2.1.0/rollback.md"].content)[0]["search"] == {"exclude": True}


@pytest.mark.parametrize("path", ["../x", "releases/../../x", "/etc/passwd", "releases//x",
                                  "releases/a b/index.md", "releases/./x", ""])
def test_page_path_refuses_anything_outside_the_site(path: str) -> None:
    """Generated paths are checked after construction, not only by the schema."""
    with pytest.raises(ValueError):
        page_path(path)


def test_rendering_is_deterministic(fixture: Rendered) -> None:
    """The same input gives the same pages, byte for byte."""
    again = render_site(fixture.project, fixture.history, fixture.settings)
    assert [(p.path, p.content) for p in again] == [(p.path, p.content) for p in fixture.pages]


# --- the changelog index ------------------------------------------------------------------------------------


def index_entries(body: str) -> list[tuple[str, str]]:
    """(section heading, version) for every entry of the index, in page order."""
    entries = []
    section = ""
    for line in body.splitlines():
        if line.startswith("## "):
            section = line[3:]
        match = re.match(r"- \*\*\[([^\]]+)\]\(", line)
        if match:
            entries.append((section, match.group(1).replace("\\", "")))
    return entries


def test_index_orders_by_precedence_with_upcoming_first_and_majors_grouped(fixture: Rendered) -> None:
    """2.0.0 > 2.0.0-rc.1 > 2.0.0-beta.11 > 2.0.0-beta.2 > 1.10.1 > 1.10.0 > 1.9.0, upcoming on top."""
    entries = index_entries(fixture.body(INDEX_PATH))
    assert [version for _, version in entries] == FIXTURE_VERSIONS
    assert [section for section, _ in entries] == ["Upcoming"] * 2 + ["2.x"] * 5 + ["1.x"] * 3


def test_index_entries_show_what_support_needs(fixture: Rendered) -> None:
    """Name, date, type, status, first summary paragraph, counts, last known good, verdict, links."""
    body = fixture.body(INDEX_PATH)
    entry = body[body.index("- **[1.10.0]"):body.index("- **[1.9.0]")]
    assert "Saved filters · 2025-05-13 · Minor · Released" in entry
    assert "Saved filters for project lists." in entry and "second paragraph" not in entry
    assert "1 feature · 1 fix · 0 breaking changes" in entry
    assert "Last known good: 1.9.0" in entry
    assert "Verdict: :material-alert: Consider rollback" in entry
    assert "[Checklist](1.10.0/checklist.md) · [Runbook](1.10.0/rollback.md)" in entry


def test_index_marks_rolled_back_and_pre_releases_in_words(fixture: Rendered) -> None:
    """Not by colour alone: an icon and the words."""
    body = fixture.body(INDEX_PATH)
    assert "**[2.1.0](2.1.0/index.md)** — Semantic search · 2026-04-14 · Minor · " \
           "**:material-undo-variant: Rolled back**" in body
    assert body.count("**:material-flask-outline: Pre-release**") == 3
    assert "Readiness: :material-close-octagon: Blocked: performance" in body


def test_index_of_an_empty_history_says_so(fixture: Rendered) -> None:
    """No records: the index, status and policy pages still render, with plain words."""
    history = type(fixture.history)((), {}, {})
    pages = render_site(fixture.project, history, fixture.settings)
    assert [page.path for page in pages] == [INDEX_PATH, STATUS_PATH, POLICY_PATH]
    assert "No releases are recorded yet." in pages[0].content
    assert "No release is planned or in progress." in pages[1].content


# --- release notes ------------------------------------------------------------------------------------------


def headings(body: str, level: int = 2) -> list[str]:
    """The headings of one level, in order."""
    return re.findall(rf"^{'#' * level} (.+)$", body, re.M)


def test_notes_follow_the_template_order_and_leave_out_empty_sections(fixture: Rendered) -> None:
    """Release, Date, Type first; then the template's sections in order; empty ones are not there."""
    body = fixture.body("releases/2.0.0/index.md")
    assert headings(body) == ["Summary", "New Features", "Improvements", "Bug Fixes", "Breaking Changes",
                              "Migration Steps", "Known Issues", "Documentation", "Rollback"]
    assert body.index("- **Release:**") < body.index("- **Date:**") < body.index("- **Type:**")
    assert headings(fixture.body("releases/1.9.0/index.md")) == ["Summary", "New Features", "Rollback"]
    assert headings(body, 3) == ["API v1 removed", "Legacy keys replaced"]


def test_breaking_changes_show_description_migration_impact_and_refs(fixture: Rendered) -> None:
    """Each breaking change is a subsection with its migration and impact."""
    body = fixture.body("releases/2.0.0/index.md")
    section = body[body.index("### API v1 removed"):body.index("### Legacy keys replaced")]
    assert "All `/v1` endpoints return `410 Gone`." in section
    assert "- **Migration:** Move to `/v2`; the [mapping table](https://docs.example.test/api/v1-to-v2)" \
        in section
    assert "- **Impact:** Every integration that calls `/v1`." in section
    assert "- **References:** `OPS-2`" in section


def test_refs_and_components_are_code(fixture: Rendered) -> None:
    """References and components render as code spans, `|` and all."""
    body = fixture.body("releases/2.0.0/index.md")
    assert "- **API v2** (`OPS-1`, `#2`):" in body
    assert "- **Components:** `api`, `web|ui`" in body


@pytest.mark.parametrize("slug, banner", [
    ("2.1.0", '!!! danger "Rolled back"'),
    ("2.0.0-rc.1", '!!! warning "Pre-release"'),
    ("2.2.0", '!!! info "Planned: not released yet"'),
    ("2.1.1", '!!! info "In progress: not released yet"'),
])
def test_banners(fixture: Rendered, slug: str, banner: str) -> None:
    """Rolled-back, pre-release and not-yet-released versions open with an admonition."""
    assert banner in fixture.body(f"releases/{slug}/index.md")


def test_no_banner_on_a_normal_release(fixture: Rendered) -> None:
    """A released, final version has no warning."""
    assert "!!!" not in fixture.body("releases/1.10.0/index.md")


def test_rolled_back_banner_carries_the_incident(fixture: Rendered) -> None:
    """The banner names the target and summarises the incident in UTC."""
    body = fixture.body("releases/2.1.0/index.md")
    banner = body[body.index("!!! danger"):body.index("- **Release:**")]
    assert "rolled back to [2.0.0+build.7](../2.0.0/index.md)" in banner
    assert "**Incident** (SEV-2), detected 2026-04-14 14:05 UTC: Cold cache exhausted" in banner


def test_pre_release_banner_links_its_final_release(fixture: Rendered) -> None:
    """2.0.0-rc.1 points at 2.0.0 (whose record carries build metadata)."""
    body = fixture.body("releases/2.0.0-rc.1/index.md")
    assert "is a pre-release of [2.0.0+build.7](../2.0.0/index.md)" in body


def test_previous_and_next_follow_precedence(fixture: Rendered) -> None:
    """Neighbours by SemVer precedence, with relative links MkDocs can check."""
    body = fixture.body("releases/2.0.0-rc.1/index.md")
    assert "[Previous: 2.0.0-beta.11](../2.0.0-beta.11/index.md)" in body
    assert "[Next: 2.0.0+build.7](../2.0.0/index.md)" in body
    assert "Previous:" not in fixture.body("releases/1.9.0/index.md")
    assert "Next:" not in fixture.body("releases/2.2.0/index.md")


def test_notes_show_last_known_good_and_verdict(fixture: Rendered) -> None:
    """The Rollback section names the target (explicit or computed) and the verdict with reasons."""
    body = fixture.body("releases/2.1.0/index.md")
    assert "- **Last known good:** [2.0.0+build.7](../2.0.0/index.md) (named in this record)" in body
    assert "Roll back immediately (error rate 7.4 % exceeds 5 %; p95 latency ratio 2.6x exceeds 2x;" in body
    assert "(the nearest earlier released version)" in fixture.body("releases/1.10.1/index.md")
    assert "- **Last known good:** none. Nothing to roll back to: 1.9.0 is the first release." \
        in fixture.body("releases/1.9.0/index.md")


# --- checklist pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug, verdict", [
    ("1.9.0", '!!! success "Ready"'),
    ("2.1.1", '!!! failure "Blocked: performance"'),
    ("2.2.0", '!!! warning "Incomplete: 22 items pending"'),
    ("2.1.0", '!!! warning "Incomplete: 1 item pending"'),
])
def test_checklist_verdict_in_words(fixture: Rendered, slug: str, verdict: str) -> None:
    """"Ready", "Blocked: <ids>" or "Incomplete: N items pending"."""
    assert verdict in fixture.body(f"releases/{slug}/checklist.md")


def test_checklist_items_use_the_policy_text_and_show_status_owner_evidence_note(fixture: Rendered) -> None:
    """One line per item with the policy's text; details (word, owner, evidence, id, note) if they tell."""
    body = fixture.body("releases/2.0.0/checklist.md")
    policy = fixture.project.policy
    assert policy is not None
    for spec in policy.checklists:
        assert f"## {spec.title}" in body
        for item in spec.items:
            assert len(re.findall(rf"^- \[[x ]\] {re.escape(item.text)}( <span|$)", body, re.M)) == 1, item.id
    assert "- [x] Passing CI and security scans\n- [x] Release notes drafted and reviewed\n" in body
    assert "- [x] All acceptance criteria met and PRs merged <span class=\"releasebook-details\">— " \
           "Owner: Dana \\| QA \\*lead\\* · [Evidence](https://tracker.example.test/epics/OPS-500) · " \
           "`acceptance-criteria` · All epics closed; see &lt;b&gt;report&lt;/b&gt; " \
           "\\{: onclick=\"x\"}</span>\n" in body
    assert "- [x] Deployment window scheduled (if needed) and stakeholders notified " \
           "<span class=\"releasebook-details\">— **Skipped** · Conditional · `window-scheduled` · " \
           "Routine pipeline deploy.</span>\n" in body
    assert "**11 of 11 complete:** 11 done\n" in body
    assert "**11 of 11 complete:** 8 done, 3 skipped\n" in body
    assert ":material-" not in body.split("## ", 1)[1]  # no icon per item


ITEM_LINE = re.compile(r"^- \[(?P<box>[x ])\] (?P<text>.*?)(?: <span class=\"releasebook-details\">— "
                       r"(?P<details>.*)</span>)?$", re.M)


def assert_item_lines(body: str, release: Release) -> None:
    """Done: ticked, details only with an owner, evidence or note. Skipped: ticked and says so. In progress,
    pending, blocked: unticked and say so. Details name the id, and "Conditional" only for items not done."""
    lines = list(ITEM_LINE.finditer(body))
    items = [item for checklist in release.checklists for item in checklist.items]
    assert len(lines) == len(items)
    words = {"skipped": "Skipped", "in-progress": "In progress", "pending": "Pending", "blocked": "Blocked"}
    for line, item in zip(lines, items, strict=True):
        assert line["text"] == item.text
        assert (line["box"] == "x") == (item.status in ("done", "skipped")), item.id
        details = line["details"]
        if item.status == "done" and not (item.owner or item.evidence or item.note):
            assert details is None, item.id
            continue
        assert details is not None, item.id
        shown = [word for word in words.values() if f"**{word}**" in details]
        assert shown == ([words[item.status]] if item.status != "done" else []), (item.id, details)
        assert f"`{item.id}`" in details
        assert ("Conditional" in details) == (item.conditional and item.status != "done"), item.id
        assert ("Owner: " in details) == bool(item.owner), item.id
        assert ("[Evidence](" in details) == bool(item.evidence), item.id
        assert details.endswith(f" · {md_inline(item.note)}" if item.note else f"`{item.id}`"), item.id


@pytest.mark.parametrize("version", FIXTURE_VERSIONS)
def test_every_item_status_can_be_told_from_its_line(fixture: Rendered, version: str) -> None:
    """Each fixture record's checklist, line by line against the record."""
    release = next(r for r in fixture.history.releases if r.version == version)
    assert_item_lines(fixture.body(f"releases/{release.slug}/checklist.md"), release)


def test_done_items_show_details_only_when_they_have_some(fixture: Rendered) -> None:
    """Done items with only a note, only evidence or only an owner get details (never "Conditional")."""
    assert fixture.project.policy is not None
    extras = ({"note": "Checked twice."}, {"evidence": "https://ci.example.test/1"}, {"owner": "Sofia"}, {})
    releases = []
    for release in fixture.history.releases:
        if release.slug == "2.0.0":
            checklists = []
            for checklist in release.checklists:
                items = tuple(replace(item, **extras[index % len(extras)]) if item.status == "done" else item
                              for index, item in enumerate(checklist.items))
                checklists.append(replace(checklist, items=items))
            release = replace(release, checklists=tuple(checklists))
            changed = release
        releases.append(release)
    history = build_history(releases, fixture.project.policy)
    pages = {p.path: p.content for p in render_site(fixture.project, history, fixture.settings)}
    body = split_front_matter(pages["releases/2.0.0/checklist.md"])[1]
    assert_item_lines(body, changed)
    assert "- [x] Passing CI and security scans <span class=\"releasebook-details\">— " \
           "[Evidence](https://ci.example.test/1) · `ci-security-scans`</span>\n" in body
    assert "- [x] Feature flags configured (if using gradual rollout) " \
           "<span class=\"releasebook-details\">— `feature-flags` · Checked twice.</span>\n" in body


def test_checklist_is_a_tight_list(fixture: Rendered) -> None:
    """No blank line between items, so no paragraph per item in the HTML."""
    html = to_html(fixture.page("releases/2.0.0/checklist.md").content)
    assert html.count('<li class="task-list-item">') == 22
    assert '<li class="task-list-item"><p>' not in html


def test_a_note_of_several_lines_follows_its_item(fixture: Rendered) -> None:
    """A note with paragraphs keeps them: indented under its item, the details line ending at the id."""
    assert fixture.project.policy is not None
    note = "First paragraph, line one\nline two.\n\n- a list the note *keeps*"
    releases = []
    for release in fixture.history.releases:
        if release.slug == "2.1.1":
            first, *rest = release.checklists
            items = tuple(replace(item, note=note) if item.id == "user-docs" else item
                          for item in first.items)
            release = replace(release, checklists=(replace(first, items=items), *rest))
        releases.append(release)
    history = build_history(releases, fixture.project.policy)
    pages = {p.path: p.content for p in render_site(fixture.project, history, fixture.settings)}
    body = split_front_matter(pages["releases/2.1.1/checklist.md"])[1]
    assert "- [ ] User documentation updated (guides, API docs, help articles) " \
           "<span class=\"releasebook-details\">— **Pending** · `user-docs`</span>\n\n" \
           "    First paragraph, line one\n    line two.\n\n" \
           "    - a list the note *keeps*\n" in body
    html = to_html(body)
    assert "<li>a list the note <em>keeps</em></li>" in html
    assert html.count('<li class="task-list-item">') == 22


def test_checklist_blocked_items_are_named_with_their_text(fixture: Rendered) -> None:
    """The blocked item is listed by id and policy text, and its checkbox is empty."""
    body = fixture.body("releases/2.1.1/checklist.md")
    assert "- `performance`: Performance impact assessed" in body
    assert "- [ ] Performance impact assessed <span class=\"releasebook-details\">— **Blocked** · " \
           "Owner: Lars Eklund · `performance` · The perf environment is being rebuilt.</span>\n" in body
    assert "**4 of 22** items done overall (Pre-release requirements: 4 of 11; " \
           "Deployment checklist: 0 of 11)" in body
    assert "**4 of 11 complete:** 3 done, 1 skipped, 1 in progress, 5 pending, 1 blocked\n" in body


def test_checklist_renders_as_a_task_list(fixture: Rendered) -> None:
    """pymdownx.tasklist turns the items into checkboxes: checked for done and skipped."""
    html = to_html(fixture.page("releases/2.1.1/checklist.md").content)
    checked = html.count('<input type="checkbox" disabled checked/>')
    unchecked = html.count('<input type="checkbox" disabled/>')
    assert (checked, unchecked) == (4, 18)


def test_checklist_shows_the_rollback_verdict(fixture: Rendered) -> None:
    """The verdict appears on the checklist page too."""
    body = fixture.body("releases/1.10.0/checklist.md")
    assert "**Rollback verdict:** :material-alert: Consider rollback (Workaround is complex or impacts " \
           "user experience; estimated fix time 3 hours exceeds 2 hours)" in body


# --- rollback runbooks --------------------------------------------------------------------------------------


def test_runbook_criteria_next_to_recorded_values(fixture: Rendered) -> None:
    """Each criterion with its threshold, the recorded value, and whether it triggered."""
    body = fixture.body("releases/2.1.0/rollback.md")
    assert '!!! danger "Roll back immediately"\n    - error rate 7.4 % exceeds 5 %\n' in body
    assert "| Error rates exceed defined thresholds (e.g., &gt;5% of requests) | above 5 % | 7.4 % | " \
           "**Triggered** |" in body
    assert "| Non-critical feature has major issues | reported | Yes | **Triggered** |" in body
    assert "| Data integrity issues are detected | reported | Not recorded | No data |" in body
    assert ":material-" not in body.split("## When to roll back", 1)[1]  # words, no icon per row


def test_runbook_boundaries_are_strict(fixture: Rendered) -> None:
    """Exactly 5 % and exactly 2x do not trigger."""
    body = fixture.body("releases/2.0.0/rollback.md")
    assert '!!! success "No rollback indicated"' in body
    assert "| above 5 % | 5 % | Not triggered |" in body
    assert "| above 2x | 2x | Not triggered |" in body


def test_runbook_target_explicit_computed_or_none(fixture: Rendered) -> None:
    """The target says where it comes from, and says plainly when there is none."""
    assert "Roll back to **[2.0.0+build.7](../2.0.0/index.md)**, named in this record (`rollback.target`)." \
        in fixture.body("releases/2.1.0/rollback.md")
    assert "Roll back to **[1.10.0](../1.10.0/index.md)**, the last known good release" \
        in fixture.body("releases/1.10.1/rollback.md")
    assert "**Nothing to roll back to: 1.9.0 is the first release.**" \
        in fixture.body("releases/1.9.0/rollback.md")


def test_runbook_explains_an_unusable_rollback_target(fixture: Rendered) -> None:
    """With the rollback-target rule at warning, a bad target is named and the computed one is used."""
    assert fixture.project.policy is not None
    releases = [replace(r, rollback=replace(r.rollback, target="2.1.1")) if r.slug == "2.0.0" else r
                for r in fixture.history.releases]
    history = build_history(releases, fixture.project.policy)
    pages = {p.path: p.content for p in render_site(fixture.project, history, fixture.settings)}
    body = pages["releases/2.0.0/rollback.md"]
    assert "Roll back to **[1.10.1](../1.10.1/index.md)**, the last known good release" in body
    assert '!!! warning "Rollback target not used"\n    This record names `2.1.1` as its rollback target, ' \
           "but that version is not below 2.0.0+build.7 in precedence" in body


def test_runbook_incident_and_post_mortem_deadline_in_utc(fixture: Rendered) -> None:
    """detected_at (+02:00) is shown in UTC, and the post-mortem is due 48 hours later."""
    body = fixture.body("releases/2.1.0/rollback.md")
    assert "- **Detected:** 2026-04-14 14:05 UTC" in body
    assert "- **Post-mortem due:** 2026-04-16 14:05 UTC (48 hours after detection)" in body
    assert "- **Post-mortem:** [Post-mortem notes](https://wiki.example.test/postmortems/2026-04-14)" in body


def test_runbook_plan_steps_flags_contacts_and_playbook(fixture: Rendered) -> None:
    """Plan, ordered steps, flags, contacts, on-call roles and the policy's playbook."""
    body = fixture.body("releases/1.10.0/rollback.md")
    assert headings(body) == ["Target version", "When to roll back", "Plan", "Steps",
                              "Feature flags to turn off", "Contacts", "Who to notify", "Incident playbook"]
    assert "1. Set `filters.saved` to off.\n2. Redeploy 1.9.0 if errors continue." in body
    assert "- `filters.saved`" in body
    assert "| DevOps Engineer | Priya Nair | priya.nair@example.test |" in body
    assert "- **DevOps Engineer**: Priya Nair (priya.nair@example.test)" in body
    assert "- **Tech Lead**: no contact listed in this record" in body
    assert "1. Trigger incident response and notify on-call (DevOps Engineer, Tech Lead)" in body
    contacts = fixture.body("releases/2.0.0/rollback.md")
    assert "| Tech Lead | Marcus \\| O'Neil |  |" in contacts


def test_runbook_without_plan_or_steps_says_so(fixture: Rendered) -> None:
    """A planned release with nothing written yet gets plain sentences, not empty sections."""
    body = fixture.body("releases/2.2.0/rollback.md")
    assert "No rollback plan is recorded." in body
    assert "No rollback steps are recorded; follow the incident playbook below." in body
    assert "## Contacts" not in body


# --- status board and policy --------------------------------------------------------------------------------


def test_status_lists_upcoming_then_latest_released(fixture: Rendered) -> None:
    """Every planned or in-progress release, then the newest five released, with progress and readiness."""
    body = fixture.body(STATUS_PATH)
    upcoming, recent = body.split("## Recently released")
    assert re.findall(r"^\| \*\*\[([^\]]+)\]", upcoming, re.M) == ["2.2.0", "2.1.1"]
    assert [v.replace("\\", "") for v in re.findall(r"^\| \*\*\[([^\]]+)\]", recent, re.M)] == \
        ["2.1.0", "2.0.0+build.7", "2.0.0-rc.1", "2.0.0-beta.11", "2.0.0-beta.2"]
    assert "| 4/11 | 0/11 | :material-close-octagon: [Blocked: performance](2.1.1/checklist.md) " \
           "(Performance impact assessed) | :material-help-circle-outline: " \
           "[No verification data](2.1.1/rollback.md) |" in upcoming


def test_status_table_stays_one_table(fixture: Rendered) -> None:
    """A `|` in a name cannot add a column."""
    html = to_html(fixture.page(STATUS_PATH).content)
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        assert row.count("<td") + row.count("<th") == 7


def test_policy_page_renders_the_guide(fixture: Rendered) -> None:
    """Purpose, types, both checklists, playbook, criteria, notes template and rules, from policy.yml."""
    body = fixture.body(POLICY_PATH)
    assert headings(body) == ["Purpose", "Release types", "Pre-release requirements", "Deployment checklist",
                              "Rollback & incident playbook", "Rollback decision criteria",
                              "Release notes template", "Rules"]
    assert "- [ ] Database migrations tested (if applicable) · `db-migrations` · *Conditional" in body
    assert "| Fix will take &gt;2 hours to develop and test | above 2 hours | `estimated_fix_hours` |" in body
    assert "| **Breaking Changes** | (if any) [Change]: description, migration steps, and impact |" in body
    assert "| `policy-gate` | error |" in body and "| `duplicates` | error (always) |" in body
    assert "- **Post-mortem:** within 48 hours of detecting the incident" in body


# --- hostile text, on the HTML ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["releases/2.0.0/index.md", "releases/2.0.0/checklist.md",
                                  "releases/2.0.0/rollback.md", INDEX_PATH, STATUS_PATH])
def test_hostile_text_is_inert_in_the_html(fixture: Rendered, path: str) -> None:
    """Raw HTML, handlers, javascript:/data: links and attribute lists from records never become markup."""
    html = to_html(fixture.page(path).content)
    assert live_markup(html) == []
    assert "onclick" not in "".join(str(attrs) for _, attrs in Elements(html).tags)


def test_hostile_text_stays_visible(fixture: Rendered) -> None:
    """What was written is shown: nothing is lost to escaping."""
    text = re.sub(r"\s+", " ", Elements(to_html(fixture.page("releases/2.0.0/index.md").content)).plain)
    for written in [
        '<script>alert("summary")</script>',
        "Cursor pagination and idempotency keys. <script>alert(1)</script>",
        "<div> A description that starts with a div must not swallow what follows.",
        "First line. # heading Still the same item.",
        'Faster pages {: onclick="alert(1)"}',
        "{{ config }} and {% for x in y %}{% endfor %}",
        "[x](javascript:alert(1))",
        "[y](&#106;avascript:alert(2))",
        "[the help](data:text/html;base64,PHNjcmlwdD4=)",
        '<iframe src="https://evil.example"></iframe>',
        "<img src=x onerror=alert(1)>",
        "<style>body{display:none}</style>",
        "Import | export",
        "<b> in a title",
        'print("<i>code block</i>")',
    ]:
        assert written in text, written


# --- template overrides -------------------------------------------------------------------------------------


def test_templates_dir_overrides_one_template(tmp_path: Path, fixture: Rendered) -> None:
    """A template in the project's templates_dir replaces the packaged one of the same name; others stay."""
    (tmp_path / "checklist.md.j2").write_text(
        '{% import "_macros.md.j2" as m %}{{ m.front_matter("Custom " ~ r.version) }}\n\n'
        "# Custom {{ r.version|md_text }}: {{ r.readiness.label }}\n", encoding="utf-8")
    settings = type(fixture.settings)(root=FIXTURE, templates_dir=str(tmp_path))
    pages = {p.path: p for p in render_site(fixture.project, fixture.history, settings)}
    assert pages["releases/2.1.1/checklist.md"].content.endswith("# Custom 2.1.1: Blocked: performance\n")
    assert pages["releases/2.1.1/index.md"].content == fixture.page("releases/2.1.1/index.md").content


def test_missing_templates_dir_is_a_config_error(fixture: Rendered) -> None:
    """A configured folder that does not exist is reported, not ignored."""
    settings = type(fixture.settings)(root=FIXTURE, templates_dir="no-such-folder")
    with pytest.raises(ConfigError, match="templates_dir not found: no-such-folder"):
        render_site(fixture.project, fixture.history, settings)


@pytest.mark.parametrize("source, message", [
    ("{% if %}", r"notes\.md\.j2:1: template error"),
    ("{{ r.no_such_field }}", r"template notes\.md\.j2: UndefinedError"),
    ("{{ r.release.incident }}", r"template notes\.md\.j2: ValueError: a template printed None"),
])
def test_broken_override_is_a_located_config_error(tmp_path: Path, fixture: Rendered, source: str,
                                                   message: str) -> None:
    """Template mistakes name the template (and line), and a template can never print "None"."""
    (tmp_path / "notes.md.j2").write_text(source, encoding="utf-8")
    settings = type(fixture.settings)(root=FIXTURE, templates_dir=str(tmp_path))
    with pytest.raises(ConfigError, match=message):
        render_site(fixture.project, fixture.history, settings)


# --- focused preview ----------------------------------------------------------------------------------------


def test_only_renders_the_named_releases_and_links_only_to_pages_that_exist(fixture: Rendered) -> None:
    """A focused preview renders the overviews plus the named releases; links to others become plain text."""
    pages = render_site(fixture.project, fixture.history, fixture.settings, only=frozenset({"2.1.0"}))
    paths = [page.path for page in pages]
    assert paths == [INDEX_PATH, STATUS_PATH, POLICY_PATH, *release_paths("2.1.0")]
    for page in pages:
        for target in md_links(page.content):
            assert resolve(page.path, target) in paths, (page.path, target)
    notes = next(page for page in pages if page.path == "releases/2.1.0/index.md").content
    assert "\nPrevious: 2.0.0+build.7 · [All releases](../index.md)" in notes


# --- mkdocs-macros ------------------------------------------------------------------------------------------


def test_macros_variables(fixture: Rendered) -> None:
    """releases newest first, latest_release (released, not a pre-release), policy and release(version)."""
    assert fixture.project.policy is not None
    variables = macros_variables(fixture.history, fixture.project.policy)
    releases = variables["releases"]
    assert isinstance(releases, list)
    assert [str(info) for info in releases] == FIXTURE_VERSIONS
    latest = variables["latest_release"]
    assert str(latest) == "2.0.0+build.7"
    assert latest.url == "releases/2.0.0/" and latest.page == "releases/2.0.0/index.md"
    assert latest.name == "Platform 2.0 | GA" and len(latest.features) == 3
    assert latest.last_known_good == "1.10.1" and latest.verdict == "No rollback indicated"
    release = variables["release"]
    assert callable(release)
    assert release("2.0.0") is latest and release("v2.0.0+other") is latest
    assert release("2.1.0").rollback_url == "releases/2.1.0/rollback/"
    assert release("9.9.9") is None and release("not a version") is None
    assert variables["policy"] is fixture.project.policy


# --- code changes -------------------------------------------------------------------------------------------


def test_notes_link_the_code_changes_when_repo_url_is_set(fixture: Rendered) -> None:
    """Shipped releases link the compare view from the previous tag; the first its tag; upcoming none."""
    settings = type(fixture.settings)(root=FIXTURE, repo_url="https://github.example/octo/platform")
    pages = {p.path: p.content for p in render_site(fixture.project, fixture.history, settings)}
    repo = "https://github.example/octo/platform"
    assert f"- **Code changes:** [`v1.10.1...v2.0.0-beta.2`]({repo}/compare/v1.10.1...v2.0.0-beta.2)" \
        in pages["releases/2.0.0-beta.2/index.md"]
    assert f"- **Code changes:** [`v2.0.0-rc.1...v2.0.0+build.7`]" \
           f"({repo}/compare/v2.0.0-rc.1...v2.0.0%2Bbuild.7)" in pages["releases/2.0.0/index.md"]
    assert f"- **Code changes:** [`v1.9.0`]({repo}/releases/tag/v1.9.0)" in pages["releases/1.9.0/index.md"]
    assert "Code changes" not in pages["releases/2.2.0/index.md"]
    assert "Code changes" not in fixture.body("releases/2.0.0/index.md")
