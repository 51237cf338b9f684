"""`releasebook changelog`: Keep a Changelog Markdown and JSON from the fixture history, against goldens."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from releasebook.changelog import markdown_text, plain_text, render_json, render_markdown

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "publish"


@pytest.fixture
def fixture_history(load_history: Callable[[Path], Any]) -> tuple[Any, Any, Any]:
    return load_history(FIXTURE)  # type: ignore[no-any-return]


def test_markdown_matches_golden(fixture_history: Any, check_golden: Callable[[str, str], None]) -> None:
    settings, _, history = fixture_history
    check_golden("changelog.md", render_markdown(history, settings))


def test_json_matches_golden(fixture_history: Any, check_golden: Callable[[str, str], None]) -> None:
    settings, _, history = fixture_history
    check_golden("changelog.json", render_json(history, settings))


def test_structure(fixture_history: Any) -> None:
    """Unreleased first, then every shipped release newest first, [YANKED] on the rolled-back one."""
    settings, project, history = fixture_history
    text = render_markdown(history, settings)
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == [
        "[Unreleased]",
        "[2.1.1] - 2025-05-07",
        "[2.1.0] - 2025-05-05 [YANKED]",
        "[2.0.0] - 2025-04-15",
        "[2.0.0-rc.1] - 2025-04-01",
        "[1.1.2] - 2025-04-20",
        "[1.1.1] - 2025-03-01",
        "[1.1.0] - 2025-02-14",
        "[1.0.0] - 2025-01-10",
    ]
    shipped = [r for r in project.releases if r.status in ("released", "rolled-back")]
    assert len(headings) - 1 == len(shipped)
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    assert "*2.3.0: planned, target date 2025-07-01.*" in unreleased
    assert "*2.2.0 — Sharing: in progress, target date 2025-06-01.*" in unreleased
    # two upcoming releases: each entry says which one it belongs to
    assert "- **Share links** (2.2.0): Share a read-only link to a project." in unreleased
    assert "- **Breaking:** **API v1 removed**: The v1 endpoints are gone. (PRD-200)" in text


def test_compare_links(fixture_history: Any) -> None:
    """Each heading's reference goes to the diff from the next older shipped release on its line."""
    settings, _, history = fixture_history
    text = render_markdown(history, settings)
    links = dict(re.findall(r"^\[([^\]]+)\]: (\S+)$", text, re.M))
    base = "https://github.com/example/product"
    assert links["unreleased"] == f"{base}/compare/v2.1.1...HEAD"
    assert links["2.1.1"] == f"{base}/compare/v2.1.0...v2.1.1"
    assert links["2.0.0"] == f"{base}/compare/v2.0.0-rc.1...v2.0.0"
    # a backport compares with its own line, not with the release shipped just before it
    assert links["1.1.2"] == f"{base}/compare/v1.1.1...v1.1.2"
    assert links["1.0.0"] == f"{base}/releases/tag/v1.0.0"
    assert "2.2.0" not in links and "2.3.0" not in links
    # the hostile '[1.0.0]: https://evil.example/' line in a description did not become a definition
    assert "evil.example" not in links.values()


def test_custom_tag_format(fixture_history: Any) -> None:
    settings, _, history = fixture_history
    text = render_markdown(history, replace(settings, tag_format="release-{version}"))
    assert "[2.1.1]: https://github.com/example/product/compare/release-2.1.0...release-2.1.1" in text


@pytest.mark.parametrize("repo_url", ["", "javascript:alert(1)", "not a url"])
def test_no_links_without_an_http_repo(fixture_history: Any, repo_url: str) -> None:
    settings, _, history = fixture_history
    text = render_markdown(history, replace(settings, repo_url=repo_url))
    assert not re.search(r"^\[[^\]]+\]: ", text, re.M)
    data = json.loads(render_json(history, replace(settings, repo_url=repo_url)))
    assert {entry["compare_url"] for entry in data["releases"]} == {None}


def test_hostile_text_is_escaped(fixture_history: Any) -> None:
    settings, _, history = fixture_history
    text = render_markdown(history, settings)
    assert "<script>" not in text
    assert "Adds &lt;script&gt;alert(1)&lt;/script&gt; and `<b>code</b>` support, &amp; more." in text
    assert "**Export to CSV &amp; &lt;Excel&gt; | fast**" in text
    assert "\n  \\# not a heading\n" in text
    assert "&lt;b&gt;bold&lt;/b&gt; claims about speed &amp; size" in text


@pytest.mark.parametrize(("source", "expected"), [
    ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
    ("keep `a < b` code", "keep `a < b` code"),
    ("``x ` <y>`` and <z>", "``x ` <y>`` and &lt;z&gt;"),
    ("```\n<raw>\n```\n<after>", "```\n<raw>\n```\n&lt;after&gt;"),
    ("# title", "\\# title"),
    ("   ## deep", "   \\## deep"),
    ("#hashtag", "#hashtag"),
    ("[x]: https://evil.example", "\\[x]: https://evil.example"),
    ("text\n---", "text\n\\---"),
    ("text\n===", "text\n\\==="),
    ("**bold** and [a link](https://example.com)", "**bold** and [a link](https://example.com)"),
])
def test_markdown_text(source: str, expected: str) -> None:
    assert markdown_text(source) == expected


def test_plain_text() -> None:
    escaped = "a \\*b\\* \\_c\\_ \\[d\\] \\`e\\` \\\\ &lt;f&gt; &amp; #1 | x"
    assert plain_text("a *b* _c_ [d] `e` \\ <f> & #1 | x") == escaped


def test_json_counts_round_trip(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    data = json.loads(render_json(history, settings))
    assert data["format"] == 1
    entries = {e["version"]: e for e in data["releases"] + data["unreleased"]}
    assert set(entries) == {r.version for r in project.releases}
    for release in project.releases:
        entry = entries[release.version]
        assert len(entry["added"]) == len(release.features)
        assert len(entry["changed"]) == len(release.improvements)
        assert len(entry["fixed"]) == len(release.fixes)
        assert len(entry["breaking"]) == len(release.breaking_changes)
        assert entry["yanked"] == (release.status == "rolled-back")
    assert [e["version"] for e in data["unreleased"]] == ["2.3.0", "2.2.0"]


def test_cli_prints_and_writes(publish_project: Path, real_cli: Callable[..., Any]) -> None:
    printed = real_cli("changelog", cwd=publish_project)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("# Changelog\n")
    again = real_cli("changelog", cwd=publish_project)
    assert again.stdout == printed.stdout  # deterministic
    written = real_cli("changelog", "--output", "CHANGELOG.md", cwd=publish_project)
    assert written.returncode == 0, written.stderr
    assert (publish_project / "CHANGELOG.md").read_text(encoding="utf-8") == printed.stdout
    assert "Wrote CHANGELOG.md (10 records)." in written.stdout
    as_json = real_cli("changelog", "--format", "json", cwd=publish_project)
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["releases"][0]["version"] == "2.1.1"


def test_cli_refuses_with_broken_records(publish_project: Path, real_cli: Callable[..., Any]) -> None:
    (publish_project / "releases" / "2.1.1.yml").write_text("version: 2.1.1\n", encoding="utf-8")
    result = real_cli("changelog", cwd=publish_project)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "releases/2.1.1.yml:1:1: error: missing required key 'date'" in result.stderr
    assert "a changelog without them would be incomplete" in result.stderr


def test_rendered_changelog_has_no_markup_from_records(fixture_history: Any) -> None:
    """Through a real Markdown renderer: no raw HTML from records, no hijacked links, no extra headings."""
    import markdown

    settings, _, history = fixture_history
    html = markdown.markdown(render_markdown(history, settings))
    assert "<script" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://evil.example/"' not in html
    assert '<a href="https://github.com/example/product/compare/v1.0.0...v1.1.0">1.1.0</a>' in html
    assert len(re.findall(r"<h2>", html)) == 9
    assert "<h1>" in html and html.count("<h1>") == 1
