"""The Atom feed, read back with feedparser: entries, dates, links, categories and escaping."""

from __future__ import annotations

import calendar
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser
import pytest
from releasebook.export import atom_feed, feed_entries, feed_warnings
from releasebook.history import build_history

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "publish"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def fixture_history(load_history: Callable[[Path], Any]) -> tuple[Any, Any, Any]:
    return load_history(FIXTURE)  # type: ignore[no-any-return]


def _parse(xml: str) -> Any:
    feed = feedparser.parse(xml)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_entries_are_released_and_rolled_back_newest_first(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    feed = _parse(atom_feed(history, settings, policy=project.policy))
    shipped = [r for r in project.releases if r.status in ("released", "rolled-back")]
    assert len(feed.entries) == len(shipped) == 8
    assert [e.title.split(" ")[0] for e in feed.entries] == [
        "2.1.1", "2.1.0", "2.0.0", "2.0.0-rc.1", "1.1.2", "1.1.1", "1.1.0", "1.0.0"]
    assert feed.feed.title == "OctoAcme releases"


def test_dates_are_record_dates_at_midnight_utc(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    feed = _parse(atom_feed(history, settings, policy=project.policy))
    for entry, release in zip(feed.entries, feed_entries(history), strict=True):
        midnight = calendar.timegm(release.date.timetuple())
        assert calendar.timegm(entry.published_parsed) == midnight
        assert calendar.timegm(entry.updated_parsed) == midnight
    # the feed's own date is the newest entry's, never the build clock
    assert feed.feed.updated == "2025-05-07T00:00:00Z"


def test_links_are_absolute_under_site_url(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    feed = _parse(atom_feed(history, settings, policy=project.policy))
    for entry, release in zip(feed.entries, feed_entries(history), strict=True):
        assert entry.link == f"https://docs.example.com/product/releases/{release.slug}/"
        assert entry.id == entry.link
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "https://docs.example.com/product/releases/feed.xml",
                     "alternate": "https://docs.example.com/product/releases/"}
    assert feed_warnings(settings) == []


def test_pages_url_overrides_the_default_path(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    xml = atom_feed(history, settings, policy=project.policy, pages_url=lambda r: f"notes/{r.slug}.html")
    assert _parse(xml).entries[0].link == "https://docs.example.com/product/notes/2.1.1.html"


def test_categories(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    feed = _parse(atom_feed(history, settings, policy=project.policy))
    terms = {e.title.split(" ")[0]: {t.term for t in e.tags} for e in feed.entries}
    assert terms["2.0.0-rc.1"] == {"major", "pre-release"}
    assert terms["2.1.0"] == {"minor", "rolled-back"}
    assert terms["2.1.1"] == {"patch"}
    assert sum("pre-release" in t for t in terms.values()) == 1


def test_content_is_escaped_html(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    feed = _parse(atom_feed(history, settings, policy=project.policy))
    entry = next(e for e in feed.entries if e.title.startswith("1.1.0"))
    body = entry.content[0].value
    assert entry.content[0].type == "text/html"
    assert "<script" not in body and "<b>bold" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<code>&lt;b&gt;code&lt;/b&gt;</code>" in body
    assert "<strong>Export to CSV &amp; &lt;Excel&gt; | fast</strong>" in body
    assert entry.summary == "Export to CSV, and <b>bold</b> claims about speed & size."
    breaking = next(e for e in feed.entries if e.title.startswith("2.0.0 "))
    assert "<strong>Breaking:</strong> <strong>API v1 removed</strong>" in breaking.content[0].value
    rolled = next(e for e in feed.entries if e.title.startswith("2.1.0"))
    assert "This release was rolled back." in rolled.content[0].value


def test_without_site_url(fixture_history: Any) -> None:
    """Relative links (from the feed's folder), stable URN ids, and a warning that names `site_url`."""
    settings, project, history = fixture_history
    bare = replace(settings, site_url="")
    xml = atom_feed(history, bare, policy=project.policy)
    feed = _parse(xml)
    root = ET.fromstring(xml)
    feed_links = [(link.get("rel"), link.get("href")) for link in root.findall(f"{ATOM}link")]
    assert feed_links == [("alternate", "./")]  # no rel=self: the feed cannot know its own address
    assert [e.link for e in feed.entries][:2] == ["2.1.1/", "2.1.0/"]
    assert all(e.id.startswith("urn:uuid:") for e in feed.entries)
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    assert _parse(atom_feed(history, bare, policy=project.policy)).entries[0].id == feed.entries[0].id
    warnings = feed_warnings(bare)
    assert len(warnings) == 1 and "site_url" in warnings[0]


def test_feed_is_deterministic(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    assert atom_feed(history, settings, policy=project.policy) == atom_feed(history, settings,
                                                                            policy=project.policy)


def test_control_characters_do_not_break_the_xml(fixture_history: Any) -> None:
    """A YAML escape such as "\\x01" can put a character into a record that XML 1.0 cannot hold."""
    settings, project, history = fixture_history
    release = history.find("2.1.1")
    odd = replace(release, summary="bell\x07 and nul-ish\x01 text", name="tab\tname")
    others = [r for r in project.releases if r.version != "2.1.1"]
    xml = atom_feed(build_history([*others, odd], project.policy), settings, policy=project.policy)
    entry = _parse(xml).entries[0]
    assert entry.summary == "bell\ufffd and nul-ish\ufffd text"


def test_empty_history_has_a_fixed_date(fixture_history: Any) -> None:
    settings, project, _ = fixture_history
    feed = _parse(atom_feed(build_history([], project.policy), settings, policy=project.policy))
    assert feed.entries == []
    assert feed.feed.updated == "1970-01-01T00:00:00Z"

