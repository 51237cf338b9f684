"""Platform longevity: `releasebook render --out` builds without the plugin; ProperDocs builds the site."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .test_build import ROOT, Build, copy_example, mkdocs_build

GENERATED_PREFIXES = ("releases/", "policy/")


def html_pages(site: Path) -> set[str]:
    """Every generated page of a built site, as its directory URL (e.g. `releases/2.4.0/checklist/`)."""
    pages = set()
    for path in site.rglob("index.html"):
        url = path.parent.relative_to(site).as_posix() + "/"
        if url.startswith(GENERATED_PREFIXES):
            pages.add(url)
    return pages


def site_outputs(site: Path) -> set[str]:
    """The machine-readable files the site publishes."""
    names = ("releases/feed.xml", "releases/releases.json", "schemas/release.schema.json",
             "schemas/policy.schema.json")
    return {name for name in names if (site / name).is_file()}


@pytest.fixture(scope="module")
def plugin_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The example site built with the plugin."""
    build = mkdocs_build(copy_example(tmp_path_factory.mktemp("with-plugin")))
    assert build.returncode == 0, build.output
    return build


def plain_mkdocs_yml(docs_dir: str) -> str:
    """The example's mkdocs.yml without releasebook and macros, for the rendered Markdown alone."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=_TagKeepingLoader)
    config["plugins"] = ["search"]
    config["docs_dir"] = docs_dir
    config["nav"] = [{"Releases": ["releases/index.md", "releases/status.md", "policy/index.md"]}]
    config.pop("extra_css", None)
    return yaml.dump(config, Dumper=_TagKeepingDumper, sort_keys=False, allow_unicode=True)


class _Tagged(str):
    """A `!!python/name:...` value kept as written."""


class _TagKeepingLoader(yaml.SafeLoader):
    pass


class _TagKeepingDumper(yaml.SafeDumper):
    pass


def _keep_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    return _Tagged("tag:yaml.org,2002:python/name:" + suffix)


_TagKeepingLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", _keep_tag)  # type: ignore[no-untyped-call]
_TagKeepingDumper.add_representer(
    _Tagged, lambda dumper, value: dumper.represent_scalar(str(value), ""))


def render_out(project: Path) -> subprocess.CompletedProcess[str]:
    """`releasebook render --out rendered` through the real entry point."""
    command = [sys.executable, "-m", "releasebook.cli", "render", "--out", "rendered"]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


def test_render_out_builds_without_the_plugin_to_the_same_pages(
        plugin_build: Build, tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    done = render_out(project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote ")
    (project / "plain.yml").write_text(plain_mkdocs_yml("rendered"), encoding="utf-8")
    assert "releasebook" not in (project / "plain.yml").read_text(encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    site = project / "plain-site"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "plain.yml", "-d", str(site)]
    built = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    with_plugin = html_pages(plugin_build.site)
    assert len(with_plugin) == 3 + 3 * len(list((ROOT / "releases").rglob("*.yml")))
    assert html_pages(site) == with_plugin
    assert site_outputs(site) == site_outputs(plugin_build.site) == {
        "releases/feed.xml", "releases/releases.json",
        "schemas/release.schema.json", "schemas/policy.schema.json",
    }


def test_render_out_refuses_invalid_records(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    record = project / "releases" / "2.5.0.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("status: planned", "status: shipped"),
                      encoding="utf-8")
    done = render_out(project)
    assert done.returncode == 1
    assert "releases/2.5.0.yml:" in done.stderr and "'shipped' is not one of" in done.stderr
    assert not (project / "rendered").exists()


def test_render_out_writes_nothing_outside_the_folder(tmp_path: Path) -> None:
    from releasebook.cli_render import inside

    assert inside(tmp_path, "releases/2.4.0/index.md") == (tmp_path / "releases/2.4.0/index.md").resolve()
    for escape in ("../evil.md", "releases/../../evil.md", "/etc/passwd", "."):
        with pytest.raises(ValueError, match="refusing to write outside"):
            inside(tmp_path, escape)


@pytest.mark.skipif(shutil.which("properdocs", path=str(Path(sys.executable).parent)) is None,
                    reason="properdocs is not installed (pip install -e '.[test]')")
def test_properdocs_builds_the_example_with_the_same_pages(plugin_build: Build, tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    env = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1"}
    site = project / "site"
    properdocs = str(Path(sys.executable).parent / "properdocs")
    built = subprocess.run([properdocs, "build", "--strict", "-d", str(site)], cwd=project,
                           capture_output=True, text=True, env=env, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    assert html_pages(site) == html_pages(plugin_build.site)
    assert site_outputs(site) == site_outputs(plugin_build.site)
    feed = json.loads((site / "releases" / "releases.json").read_text(encoding="utf-8"))
    assert feed["format"] == 1


def test_site_publishes_feed_json_and_schemas(plugin_build: Build) -> None:
    import feedparser
    from releasebook.pipeline import Checker
    from releasebook.settings import settings_from_mkdocs

    releases = Checker(settings_from_mkdocs(plugin_build.project / "mkdocs.yml")).check().releases
    feed = feedparser.parse((plugin_build.site / "releases" / "feed.xml").read_bytes())
    assert not feed.bozo
    shipped = [r for r in releases if r.status in ("released", "rolled-back")]
    assert len(feed.entries) == len(shipped)
    assert all(entry.link.startswith("https://releases.octoacme.example/releases/") for entry in feed.entries)
    index = json.loads((plugin_build.site / "releases" / "releases.json").read_text(encoding="utf-8"))
    assert len(index["releases"]) == len(releases)
    schema = json.loads((plugin_build.site / "schemas" / "release.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == "https://releases.octoacme.example/schemas/release.schema.json"
    assert 'href="feed.xml"' in (plugin_build.site / "releases" / "index.html").read_text(encoding="utf-8")


def test_missing_site_url_warns_naming_the_option(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    config = project / "mkdocs.yml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines()
             if not line.startswith("site_url:")]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    strict = mkdocs_build(project)
    assert strict.returncode != 0
    assert "site_url" in strict.output and "WARNING" in strict.output
    relaxed = mkdocs_build(project, "--no-strict")
    assert relaxed.returncode == 0, relaxed.output
    assert "Traceback" not in relaxed.output
