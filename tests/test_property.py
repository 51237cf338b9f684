"""Property-based tests: generated valid histories load, validate, order and roll back as SemVer and the
policy say, checked against oracles written independently of the code under test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from releasebook.history import build_history
from releasebook.load import Source, load_text
from releasebook.pipeline import Checker, Project
from releasebook.render import render_site
from releasebook.settings import settings_from_mkdocs

from . import strategies as gen

Records = list[dict[str, Any]]
BOUNDED = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Workspace:
    """One project folder and one Checker for all examples (a Checker is built to be reused, as in serve)."""

    def __init__(self, root: Path) -> None:
        self.project = gen.Project(root)
        self.checker = Checker(settings_from_mkdocs(self.project.config))

    def check(self, history: list[dict[str, Any]], *, flow: bool | None = False) -> Project:
        """Replace the records with this history and run the whole check."""
        self.project.clear()
        self.project.write_history(history, flow=flow)
        return self.checker.check()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A project shared by the examples of this module."""
    return Workspace(tmp_path_factory.mktemp("property"))


def test_oracles_agree_with_the_semver_specification() -> None:
    """The independent precedence key reproduces the example chain of SemVer 2.0.0 §11.4."""
    chain = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
             "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"]
    assert sorted(reversed(chain), key=gen.precedence_key) == chain
    assert gen.precedence_key("1.0.0+build.1") == gen.precedence_key("1.0.0")
    assert gen.bump_type((1, 10, 0), (1, 10, 1)) == "patch"
    assert gen.bump_type((2, 0, 0), (2, 2, 0)) == "minor"
    assert gen.bump_type((1, 5, 0), (2, 1, 0)) is None


@BOUNDED
@given(gen.records(), st.sampled_from([False, True, None]))
def test_loader_reads_back_exactly_what_was_written(record: dict[str, Any], flow: bool | None) -> None:
    """Round trip: dumped in block or flow style, the loader returns the same data and no problem."""
    document = load_text(Source("releases/x.yml", gen.dump(record, flow=flow)))
    assert document.problems == []
    assert document.data == record


@BOUNDED
@given(gen.histories(), st.sampled_from([False, None]))
def test_valid_histories_are_accepted_and_every_record_becomes_a_release(
    workspace: Workspace, history: list[dict[str, Any]], flow: bool | None
) -> None:
    """Validation accepts every generated history, and records in equals releases out."""
    project = workspace.check(history, flow=flow)
    assert [p.format() for p in project.problems] == []
    assert sorted(r.version for r in project.releases) == sorted(r["version"] for r in history)
    assert len(project.files) == len(history)


@BOUNDED
@given(gen.histories())
def test_history_order_is_semver_precedence(workspace: Workspace, history: Records) -> None:
    """The index order (newest first) equals SemVer precedence computed by the independent key."""
    project = workspace.check(history)
    assert project.policy is not None
    ordered = build_history(project.releases, project.policy).releases
    expected = sorted((r["version"] for r in history), key=gen.precedence_key, reverse=True)
    assert [r.version for r in ordered] == expected


@BOUNDED
@given(gen.histories())
def test_last_known_good_is_a_released_final_version_below(workspace: Workspace, history: Records) -> None:
    """Last known good is never rolled back, planned, in progress or a pre-release, is always lower in
    precedence, and equals the oracle (an explicit target wins, else the highest released final below)."""
    project = workspace.check(history)
    assert project.policy is not None
    result = build_history(project.releases, project.policy)
    by_version = {r["version"]: r for r in history}
    for release in result.releases:
        target = result.last_known_good[release.slug]
        expected = gen.expected_last_known_good(by_version[release.version], history)
        if target is None:
            assert expected is None, release.version
            continue
        assert target.status == "released"
        assert not target.is_prerelease
        assert gen.precedence_key(target.version) < gen.precedence_key(release.version)
        assert gen.precedence_key(target.version) == gen.precedence_key(expected or ""), release.version


@BOUNDED
@given(gen.histories())
def test_rendering_never_raises_and_gives_three_pages_per_record(
    workspace: Workspace, history: Records
) -> None:
    """Every record renders into its notes, checklist and rollback pages, all inside the site."""
    project = workspace.check(history)
    assert project.policy is not None
    result = build_history(project.releases, project.policy)
    pages = render_site(project, result, project.settings)
    paths = {page.path for page in pages}
    assert len(paths) == len(pages), "two pages share a path"
    for release in project.releases:
        for name in ("index.md", "checklist.md", "rollback.md"):
            assert f"releases/{release.slug}/{name}" in paths
        notes = next(page for page in pages if page.path == f"releases/{release.slug}/index.md")
        assert notes.source == f"releases/{release.version}.yml", notes.source
    for path in paths:
        assert not Path(path).is_absolute() and ".." not in Path(path).parts, path
