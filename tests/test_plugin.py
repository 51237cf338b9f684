"""The plugin's glue without a full build: options, settings, focus, edit paths, logging, checker cache."""

from __future__ import annotations

import ast
import dataclasses
import itertools
import logging
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.structure.files import get_files
from releasebook import plugin as plugin_module
from releasebook.plugin import (
    FOCUS_ENV,
    ReleasebookConfig,
    ReleasebookPlugin,
    abort_message,
    edit_path,
    focus_from,
    settings_for,
)
from releasebook.problems import Problem
from releasebook.settings import Settings, settings_from_mkdocs

from .helpers import copy_example, replace_once

ROOT = Path(__file__).resolve().parents[1]
NOT_OPTIONS = {"root", "site_url", "repo_url"}  # taken from mkdocs.yml itself, not from the plugin entry





def load(project: Path) -> tuple[MkDocsConfig, ReleasebookPlugin]:
    """The project's MkDocs config, loaded the way `mkdocs build` loads it, and its releasebook plugin."""
    config = load_config(config_file=str(project / "mkdocs.yml"))
    plugin = config.plugins["releasebook"]
    assert isinstance(plugin, ReleasebookPlugin)
    return config, plugin


# --- options and settings -----------------------------------------------------------------------------------


def test_config_options_match_settings_fields() -> None:
    options = dict(ReleasebookConfig._schema)
    settings_fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert set(options) == set(settings_fields) - NOT_OPTIONS
    defaults = Settings()
    for name, option in options.items():
        expected = getattr(defaults, name)
        default = option.default
        assert (tuple(default) if isinstance(default, list) else default) == expected, name


def test_every_option_has_a_docstring() -> None:
    tree = ast.parse(Path(plugin_module.__file__).read_text(encoding="utf-8"))
    config_class = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "ReleasebookConfig")
    body = config_class.body
    documented = {}
    for statement, following in itertools.pairwise(body):
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
            is_doc = (isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                      and isinstance(following.value.value, str) and following.value.value.strip())
            documented[statement.targets[0].id] = bool(is_doc)
    assert set(documented) == set(dict(ReleasebookConfig._schema))
    assert all(documented.values()), [name for name, ok in documented.items() if not ok]


def test_plugin_and_cli_read_the_same_settings(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    replace_once(project / "mkdocs.yml", "      enforce: error\n",
                 "      enforce: warning\n      tag_format: 'release-{version}'\n      max_depth: 20\n"
                 "      focus: ['2.4.0']\n      templates_dir: overrides/releasebook\n")
    config, plugin = load(project)
    from_plugin = settings_for(plugin.config, config)
    from_cli = settings_from_mkdocs(project / "mkdocs.yml")
    assert from_plugin == from_cli
    assert from_plugin.root == project.resolve()
    assert from_plugin.enforce == "warning"
    assert from_plugin.focus == ("2.4.0",)
    assert from_plugin.templates_dir == "overrides/releasebook"
    assert from_plugin.repo_url == "https://github.com/octoacme/platform"


def test_bad_option_value_is_refused_by_mkdocs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = copy_example(tmp_path)
    replace_once(project / "mkdocs.yml", "      enforce: error\n", "      enforce: loud\n")
    with pytest.raises(Abort):
        load_config(config_file=str(project / "mkdocs.yml"))
    assert "Plugin 'releasebook' option 'enforce': Expected one of: ('error', 'warning')" in caplog.text


# --- small pure helpers -------------------------------------------------------------------------------------


def test_focus_merges_option_and_environment() -> None:
    settings = Settings(focus=("2.4.0",))
    assert focus_from(settings, {FOCUS_ENV: "2.5.0, 2.4.0 2.3.1"}) == ("2.4.0", "2.5.0", "2.3.1")
    assert focus_from(Settings(), {}) == ()


def test_edit_path_is_relative_to_docs_dir(tmp_path: Path) -> None:
    docs = str(tmp_path / "docs")
    assert edit_path(tmp_path / "releases" / "1.x" / "1.9.0.yml", docs) == "../releases/1.x/1.9.0.yml"
    assert edit_path(tmp_path / "policy.yml", str(tmp_path / "docs")) == "../policy.yml"


def test_abort_message_counts_errors_and_names_the_policy() -> None:
    record = Problem("releases/2.4.0.yml", 6, 9, "status", "bad")
    warning = Problem("releases/2.4.0.yml", 7, 1, "", "meh", "warning", "semver-type")
    policy = Problem("policy.yml", 3, 1, "", "bad")
    assert abort_message([record, warning], "policy.yml") == "releasebook: 1 error in release records"
    assert abort_message([record, record, policy], "policy.yml") == (
        "releasebook: 3 errors in release records and policy.yml")
    assert abort_message([policy], "policy.yml") == "releasebook: 1 error in policy.yml"
    assert abort_message([], "policy.yml") == "releasebook: policy.yml could not be loaded"


# --- events in-process --------------------------------------------------------------------------------------


def test_on_config_registers_macros_variables(tmp_path: Path) -> None:
    config, plugin = load(copy_example(tmp_path))
    plugin.on_config(config)
    assert {"releases", "latest_release", "policy", "release"} <= set(config.extra)
    assert plugin.history is not None and plugin.history.latest is not None
    latest = config.extra["latest_release"]
    version = latest["version"] if isinstance(latest, dict) else latest.version
    assert version == plugin.history.latest.version == "2.3.1"


@pytest.mark.parametrize("order", [("releasebook", "macros"), ("macros", "releasebook")])
def test_macros_sees_the_variables_whatever_the_plugin_order(tmp_path: Path, order: tuple[str, str]) -> None:
    project = copy_example(tmp_path)
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    start, end = text.index("plugins:\n"), text.index("\nmarkdown_extensions:")
    entries = {"releasebook": "  - releasebook\n", "macros": "  - macros:\n      on_undefined: strict\n"}
    plugins = "plugins:\n  - search\n" + "".join(entries[name] for name in order)
    (project / "mkdocs.yml").write_text(text[:start] + plugins + text[end:], encoding="utf-8")
    config = load_config(config_file=str(project / "mkdocs.yml"))
    assert list(config.plugins)[1:] == list(order)
    config = config.plugins.on_config(config)
    variables = config.plugins["macros"].variables  # type: ignore[attr-defined]
    assert variables["latest_release"].version == "2.3.1"
    assert variables["release"]("2.0.0") is not None
    assert {"md_text", "md_inline", "md_block"} <= set(config.plugins["macros"].filters)  # type: ignore[attr-defined]


def test_on_config_logs_each_problem_then_aborts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = copy_example(tmp_path)
    replace_once(project / "releases" / "2.4.0.yml", "\nstatus: in-progress\n", "\nstatus: shipped\n")
    config, plugin = load(project)
    with caplog.at_level(logging.INFO, logger="mkdocs"), pytest.raises(PluginError) as raised:
        plugin.on_config(config)
    assert str(raised.value) == "releasebook: 1 error in release records"
    lines = [r for r in caplog.records if r.name.startswith("mkdocs.plugins.releasebook")]
    assert [r.levelname for r in lines] == ["ERROR"]
    assert lines[0].getMessage().startswith(
        "releasebook: releases/2.4.0.yml:6:9: error: 'shipped' is not one of")


def test_missing_releases_dir_aborts_without_traceback(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    shutil.rmtree(project / "releases")
    config, plugin = load(project)
    with pytest.raises(PluginError, match=r"^releasebook: releases folder not found: releases"):
        plugin.on_config(config)


def test_warnings_go_through_the_mkdocs_logger(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = copy_example(tmp_path)
    (project / "docs" / "releases").mkdir()
    (project / "docs" / "releases" / "index.md").write_text("# hand-written\n", encoding="utf-8")
    config, plugin = load(project)
    plugin.on_config(config)
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        files = config.plugins.on_files(get_files(config), config=config)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and all(r.name.startswith("mkdocs.plugins.") for r in warnings)
    assert "releases/index.md" in warnings[0].getMessage()
    replaced = files.get_file_from_path("releases/index.md")
    assert replaced is not None and replaced.generated_by == "releasebook"
    assert replaced.content_string != "# hand-written\n"


def test_generated_files_are_in_memory_with_edit_links(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    config, plugin = load(project)
    plugin.on_config(config)
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    files = config.plugins.on_files(get_files(config), config=config)
    after = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    assert before == after  # nothing written anywhere in the project
    page = files.get_file_from_path("releases/2.4.0/index.md")
    assert page is not None and page.abs_src_path is None
    assert page.edit_uri == "../releases/2.4.0.yml"
    nested = files.get_file_from_path("releases/1.9.0/rollback.md")
    assert nested is not None and nested.edit_uri == "../releases/1.x/1.9.0.yml"
    assert page.inclusion.is_not_in_nav()
    index = files.get_file_from_path("releases/index.md")
    assert index is not None and index.inclusion.is_in_nav()


def test_generated_titles_are_escaped_exactly_once() -> None:
    plugin = ReleasebookPlugin()
    plugin.generated = {"releases/2.6.0/index.md"}
    meta = {"title": "<img src=x onerror=alert(1)> & co", "description": "R&amp;D \"quoted\"",
            "render_macros": False}
    page = SimpleNamespace(file=SimpleNamespace(src_uri="releases/2.6.0/index.md"), meta=meta)
    assert plugin.on_page_markdown("# body", page=page, config=None, files=None) == "# body"  # type: ignore[arg-type]
    assert meta == {"title": "&lt;img src=x onerror=alert(1)&gt; &amp; co",
                    "description": "R&amp;D &quot;quoted&quot;", "render_macros": False}
    hand_written = SimpleNamespace(file=SimpleNamespace(src_uri="index.md"), meta={"title": "<b>Home</b>"})
    plugin.on_page_markdown("", page=hand_written, config=None, files=None)  # type: ignore[arg-type]
    assert hand_written.meta == {"title": "<b>Home</b>"}


def test_checker_is_cached_until_a_schema_changes(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    config, plugin = load(project)
    plugin.on_startup(command="serve", dirty=False)
    plugin.on_config(config)
    first = plugin._checker
    config, _ = load(project)
    plugin.on_config(config)
    assert plugin._checker is first
    schema = project / "schemas" / "release.schema.json"
    stat = schema.stat()
    os.utime(schema, (stat.st_atime, stat.st_mtime + 10))
    plugin.on_config(config)
    assert plugin._checker is not first


def test_a_build_does_not_keep_the_checker(tmp_path: Path) -> None:
    """Only serve checks again: a build drops the Checker and its per-record cache once the check is done."""
    config, plugin = load(copy_example(tmp_path))
    plugin.on_startup(command="build", dirty=False)
    plugin.on_config(config)
    assert plugin._checker is None
    assert plugin.project is not None and plugin.project.releases


def test_focus_applies_only_to_serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, plugin = load(copy_example(tmp_path))
    monkeypatch.setenv(FOCUS_ENV, "2.4.0,9.9.9")
    plugin.on_startup(command="build", dirty=False)
    plugin.on_config(config)
    assert plugin.focus() is None
    plugin.on_startup(command="serve", dirty=False)
    assert plugin.focus() == frozenset({"2.4.0"})
