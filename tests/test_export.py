"""releases.json, published schemas and compare links, from the fixture history."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from releasebook import __version__
from releasebook.export import (
    JSON_PATH,
    compare_url,
    predecessors,
    published_schema,
    release_compare_url,
    release_data,
    releases_json,
    schema_url,
    site_base,
    site_files,
)
from releasebook.history import build_history

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "publish"


@pytest.fixture
def fixture_history(load_history: Callable[[Path], Any]) -> tuple[Any, Any, Any]:
    return load_history(FIXTURE)  # type: ignore[no-any-return]


def test_json_top_level(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    data = json.loads(releases_json(history, settings))
    assert data["format"] == 1
    assert data["generator"] == f"releasebook {__version__}"
    assert data["site_url"] == "https://docs.example.com/product/"
    assert data["latest"] == "2.1.1"
    assert len(data["releases"]) == len(project.releases) == 10


def test_json_is_newest_first_with_ranks(fixture_history: Any) -> None:
    settings, _, history = fixture_history
    releases = json.loads(releases_json(history, settings))["releases"]
    assert [r["version"] for r in releases] == [
        "2.3.0", "2.2.0", "2.1.1", "2.1.0", "2.0.0", "2.0.0-rc.1", "1.1.2", "1.1.1", "1.1.0", "1.0.0"]
    assert [r["rank"] for r in releases] == list(range(10))


def test_json_counts_round_trip(fixture_history: Any) -> None:
    """Every count equals the length of its list in the export and in the record."""
    settings, project, history = fixture_history
    exported = {r["version"]: r for r in json.loads(releases_json(history, settings))["releases"]}
    for release in project.releases:
        entry = exported[release.version]
        for name in ("features", "improvements", "fixes", "breaking_changes", "known_issues"):
            expected = len(getattr(release, name))
            assert entry["counts"][name] == len(entry[name]) == expected, (release.version, name)
        assert [c["title"] for c in entry["features"]] == [c.title for c in release.features]
        for checklist in release.checklists:
            assert entry["progress"][checklist.key] == {"done": checklist.done, "total": checklist.total}
            assert len(entry["checklists"][checklist.key]["items"]) == checklist.total
        assert entry["progress"]["overall"]["total"] == sum(c.total for c in release.checklists)
        assert entry["progress"]["overall"]["done"] == sum(c.done for c in release.checklists)
        assert entry["summary"] == release.summary
        assert entry["date"] == release.date.isoformat()
        assert entry["status"] == release.status and entry["type"] == release.type
        assert entry["is_prerelease"] == release.is_prerelease


def test_json_computed_fields(fixture_history: Any) -> None:
    settings, _, history = fixture_history
    exported = {r["version"]: r for r in json.loads(releases_json(history, settings))["releases"]}
    rolled = exported["2.1.0"]
    assert rolled["url"] == "https://docs.example.com/product/releases/2.1.0/"
    assert rolled["last_known_good"] == "2.0.0"
    assert rolled["verdict"]["decision"] == "immediate"
    assert rolled["verdict"]["label"] == "Roll back immediately"
    assert rolled["verdict"]["reasons"] == [
        {"criterion": "error-rate", "level": "immediate", "text": "error rate 7.5 % exceeds 5 %"}]
    assert rolled["incident"]["detected_at"] == "2025-05-05T10:00:00Z"
    assert rolled["progress"]["pre_release"] == {"done": 11, "total": 11}
    assert rolled["progress"]["deployment"] == {"done": 0, "total": 11}
    assert exported["2.1.1"]["verdict"]["decision"] == "none"
    assert exported["2.1.1"]["last_known_good"] == "2.0.0"  # the rolled-back 2.1.0 is skipped
    assert exported["1.0.0"]["last_known_good"] is None
    assert exported["1.0.0"]["verdict"]["decision"] == "no-data"
    assert exported["2.0.0"]["compare_url"] == "https://github.com/example/product/compare/v2.0.0-rc.1...v2.0.0"
    assert exported["2.0.0"]["breaking_changes"][0]["migration"] == "Call the `/v2` endpoints."
    assert exported["2.3.0"]["compare_url"] is None  # planned: no tag yet
    assert exported["2.3.0"]["is_upcoming"] is True
    assert exported["2.0.0-rc.1"]["is_prerelease"] is True


def _standard_library_json(history: Any, settings: Any) -> str:
    """releases.json as `json.dumps` writes the whole document at once (the export encodes it in pieces)."""
    before = predecessors(history)
    document = {
        "format": 1,
        "generator": f"releasebook {__version__}",
        "site_url": site_base(settings.site_url) or None,
        "latest": history.latest.version if history.latest is not None else None,
        "releases": [release_data(r, history, settings, rank, before.get(r.slug))
                     for rank, r in enumerate(history.releases)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def test_json_text_is_what_json_dumps_writes(fixture_history: Any) -> None:
    settings, project, history = fixture_history
    for site_url in (settings.site_url, ""):
        expected = _standard_library_json(history, replace(settings, site_url=site_url))
        assert releases_json(history, replace(settings, site_url=site_url)) == expected
    empty = build_history([], project.policy)
    assert releases_json(empty, settings) == _standard_library_json(empty, settings)
    assert json.loads(releases_json(empty, settings))["releases"] == []
    files, _ = site_files(history, settings, policy=project.policy)
    assert files[JSON_PATH] == releases_json(history, settings).encode("utf-8")


def test_json_is_deterministic(fixture_history: Any, load_history: Callable[[Path], Any]) -> None:
    settings, _, history = fixture_history
    first = releases_json(history, settings)
    again_settings, _, again_history = load_history(FIXTURE)
    assert releases_json(again_history, again_settings) == first


def test_json_without_site_url_uses_site_relative_urls(fixture_history: Any) -> None:
    settings, _, history = fixture_history
    data = json.loads(releases_json(history, replace(settings, site_url="")))
    assert data["site_url"] is None
    assert data["releases"][0]["url"] == "releases/2.3.0/"


def test_predecessors_follow_precedence_and_skip_untagged(fixture_history: Any) -> None:
    _, _, history = fixture_history
    before = {slug: (r.version if r else None) for slug, r in predecessors(history).items()}
    assert before["1.1.2"] == "1.1.1"
    assert before["2.0.0-rc.1"] == "1.1.2"
    assert before["2.0.0"] == "2.0.0-rc.1"
    assert before["2.1.1"] == "2.1.0"
    assert before["2.3.0"] == "2.1.1"  # the in-progress 2.2.0 has no tag to compare with
    assert before["1.0.0"] is None


def test_compare_url(fixture_history: Any) -> None:
    settings, _, history = fixture_history
    older, newer = history.find("2.1.0"), history.find("2.1.1")
    assert compare_url(settings, older, newer) == "https://github.com/example/product/compare/v2.1.0...v2.1.1"
    trailing = replace(settings, repo_url="https://github.com/example/product/", tag_format="{version}")
    assert compare_url(trailing, older, newer) == "https://github.com/example/product/compare/2.1.0...2.1.1"
    assert compare_url(replace(settings, repo_url=""), older, newer) is None
    assert compare_url(replace(settings, repo_url="javascript:alert(1)//"), older, newer) is None
    assert release_compare_url(history, settings, newer) == compare_url(settings, older, newer)
    assert release_compare_url(history, settings, history.find("2.2.0")) is None
    assert release_compare_url(history, settings, history.find("1.0.0")) is None


def test_compare_url_encodes_build_metadata(fixture_history: Any) -> None:
    settings, _, history = fixture_history
    newer = replace(history.find("2.1.1"), version="2.1.1+build.5")
    assert compare_url(settings, history.find("2.1.0"), newer).endswith("/compare/v2.1.0...v2.1.1%2Bbuild.5")


@pytest.mark.parametrize("name", ["release.schema.json", "policy.schema.json"])
def test_published_schema(name: str) -> None:
    text = published_schema(ROOT / "schemas" / name, "https://docs.example.com/product", name)
    data = json.loads(text)
    assert data["$id"] == f"https://docs.example.com/product/schemas/{name}"
    assert list(data)[:2] == ["$schema", "$id"]
    jsonschema.Draft202012Validator.check_schema(data)
    original = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    assert {k: v for k, v in data.items() if k != "$id"} == {k: v for k, v in original.items() if k != "$id"}
    assert schema_url("https://docs.example.com/product/", name) == data["$id"]


def test_published_schema_without_site_url_keeps_its_id() -> None:
    path = ROOT / "schemas" / "release.schema.json"
    data = json.loads(published_schema(path, "", "release.schema.json"))
    assert data["$id"] == json.loads(path.read_text(encoding="utf-8"))["$id"]


def test_published_schema_still_validates_a_record() -> None:
    """The `$id` change does not break the schema's internal `$ref`s."""
    import yaml

    data = json.loads(published_schema(ROOT / "schemas" / "release.schema.json", "https://x.example/",
                                       "release.schema.json"))
    record = yaml.safe_load((FIXTURE / "releases" / "2.0.0.yml").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(data).validate(record)
    record["breaking_changes"][0].pop("migration")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(data).validate(record)


def test_site_files(fixture_history: Any) -> None:
    """Everything the site publishes, by path, with the warnings a front-end should log."""
    settings, project, history = fixture_history
    files, warnings = site_files(history, settings, policy=project.policy)
    assert sorted(files) == ["releases/feed.xml", "releases/releases.json", "schemas/policy.schema.json",
                             "schemas/release.schema.json"]
    assert warnings == []
    assert json.loads(files["releases/releases.json"])["format"] == 1
    assert files["releases/feed.xml"].startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    # the fixture has no schemas/ folder: the packaged schemas are published, with $id from site_url
    schema = json.loads(files["schemas/release.schema.json"])
    assert schema["$id"] == "https://docs.example.com/product/schemas/release.schema.json"
    _, bare_warnings = site_files(history, replace(settings, site_url=""), policy=project.policy)
    assert len(bare_warnings) == 1 and "site_url" in bare_warnings[0]
