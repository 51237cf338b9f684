"""Generated paths stay inside the site even when a release slips past the schema.

The schema and the file-name check keep versions plain SemVer; these tests build `Release` objects directly,
bypassing both, and require that rendering refuses the page path after building it (render_site), that the
plugin turns the refusal into a clean build error, and that `releasebook render --out` does too.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import semver
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from releasebook.history import build_history
from releasebook.model import Release
from releasebook.pipeline import Checker, Project
from releasebook.render import render_site

from .helpers import CliRunner
from .render_helpers import FIXTURE, render_project

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ("mkdocs.yml", "docs", "releases", "policy.yml", "schemas")

# Pre-release parts that the SemVer pattern refuses but `semver.Version(...)` accepts as given.
ESCAPES = [
    "../../../outside",     # climbs out of releases/ and the site
    "x/../../../outside",   # climbs out after a harmless segment
    "a/b",                  # stays inside, but is two segments: a version is one folder
    "/etc",                 # an absolute-looking segment
    "..",                   # `2.2.0-..`: a trailing dot, which Windows drops
    "x\\..\\..\\outside",   # Windows separators
    "\u2024\u2024/outside",  # one-dot leaders that look like ..
    "x\x00y",               # NUL
    "",                     # an empty segment: `releases/1.0.0-/index.md`
]


def crafted(release: Release, prerelease: str) -> Release:
    """The release with a version no record could have: the pre-release part set as given, unchecked."""
    version = semver.Version(release.semver.major, release.semver.minor, release.semver.patch,
                             prerelease=prerelease or None)
    text = f"{release.semver.major}.{release.semver.minor}.{release.semver.patch}-{prerelease}"
    return dataclasses.replace(release, semver=version, version=text)


def swap_newest(project: Project, prerelease: str) -> Project:
    """The project with its newest-dated release replaced by a crafted one."""
    newest = max(project.releases, key=lambda release: (release.date, release.version))
    releases = [crafted(r, prerelease) if r is newest else r for r in project.releases]
    return dataclasses.replace(project, releases=releases)


@pytest.mark.parametrize("prerelease", ESCAPES, ids=repr)
def test_render_site_refuses_a_slug_that_leaves_the_site(prerelease: str) -> None:
    rendered = render_project(FIXTURE)
    project = swap_newest(rendered.project, prerelease)
    assert project.policy is not None
    history = build_history(project.releases, project.policy)
    if prerelease == "":  # an empty pre-release is no pre-release: the slug is plain and safe
        pages = render_site(project, history, rendered.settings)
        assert all(".." not in page.path.split("/") for page in pages)
        return
    with pytest.raises(ValueError, match="refusing to generate a page outside the site"):
        render_site(project, history, rendered.settings)


def test_every_generated_path_is_one_plain_folder_per_release() -> None:
    """The check passes real histories: each release's pages sit in `releases/<slug>/`, nowhere else."""
    rendered = render_project(ROOT)
    site = Path("/site")
    for page in rendered.pages:
        target = (site / page.path).resolve()
        assert site in target.parents, page.path
        parts = page.path.split("/")
        assert len(parts) in (2, 3) and all(parts), page.path


# --- the front-ends -----------------------------------------------------------------------------------------


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example project."""
    for name in EXAMPLE:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, tmp_path / name)
    return tmp_path


@pytest.fixture
def craft_check(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make every check return the project with its newest release crafted (`../../../outside`, say)."""

    def install(prerelease: str) -> None:
        original = Checker.check

        def check(self: Checker) -> Project:
            return swap_newest(original(self), prerelease)

        monkeypatch.setattr(Checker, "check", check)

    return install


@pytest.mark.slow
def test_the_plugin_turns_an_escaping_slug_into_a_clean_build_error(
        example: Path, craft_check: Callable[[str], None], caplog: pytest.LogCaptureFixture) -> None:
    craft_check("../../../outside")
    site = example / "site"
    config = load_config(config_file=str(example / "mkdocs.yml"), site_dir=str(site))
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):  # MkDocs prints it and exits 1, no traceback
        build(config)
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert any(message.startswith("releasebook: refusing to generate a page outside the site: "
                                  "'releases/2.5.0-../../../outside/index.md'") for message in errors), errors
    assert not (example / "outside").exists() and not (example.parent / "outside").exists()
    assert not any(path.name == "outside" for path in example.rglob("*"))


def test_render_out_refuses_an_escaping_slug(example: Path, craft_check: Callable[[str], None],
                                             cli: CliRunner) -> None:
    craft_check("../../../outside")
    code, out, err = cli(["render", "--out", "out"], cwd=example)
    assert code == 1, out + err
    assert "releasebook: error: refusing to generate a page outside the site" in err
    assert "Traceback" not in err
    assert not (example / "out").exists()
    assert not any(path.name == "outside" for path in example.parent.rglob("*"))
