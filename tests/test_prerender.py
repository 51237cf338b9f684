"""Record pages converted ahead in worker processes, or reused across serve rebuilds, give the very same site.

Also: a warning raised while a worker converts a page is logged by the build, so `--strict` still fails on it.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from releasebook.compact import CachedPage, GeneratedFile, nav_title
from releasebook.plugin import ReleasebookPlugin
from releasebook.prerender import PageRenderer, _render_capturing

from .helpers import copy_example, replace_once

LINUX = sys.platform.startswith("linux")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not LINUX, reason="workers fork, which only Linux uses")]

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "plugins" / "releasebook" / "templates"
RECORDS = 25  # 75 record pages: enough for workers (64 pages or more)


def generated_project(target: Path, workers: int, extra: str = "") -> Path:
    """A generated history of RECORDS records with `workers:` (and `extra` options) set in mkdocs.yml."""
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--count", str(RECORDS),
                    "--seed", "7", "--out", str(target)], check=True, capture_output=True)
    replace_once(target / "mkdocs.yml", "      enforce: error\n",
                 f"      enforce: error\n      workers: {workers}\n{extra}")
    return target


def mkdocs_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build -v` in the project, with a fixed build date so two builds compare byte for byte."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "NO_MKDOCS_2_WARNING": "1",
           "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-v", *args], cwd=project, env=env,
                          capture_output=True, text=True)


def site_bytes(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its relative path."""
    return {path.relative_to(site).as_posix(): path.read_bytes()
            for path in site.rglob("*") if path.is_file()}


def test_workers_build_the_same_site_as_one_process(tmp_path: Path) -> None:
    parallel = generated_project(tmp_path / "parallel", workers=2)
    serial = generated_project(tmp_path / "serial", workers=0)

    with_workers = mkdocs_build(parallel, "--strict")
    without = mkdocs_build(serial, "--strict")

    assert with_workers.returncode == 0, with_workers.stderr[-3000:]
    assert without.returncode == 0, without.stderr[-3000:]
    pages = RECORDS * 3 + 3  # three per record, plus the index, the status board and the policy
    assert f"{pages} of {pages} generated pages converted by 2 workers" in with_workers.stderr
    assert f"0 of {pages} generated pages converted by 0 workers" in without.stderr
    assert "feed, JSON and schemas made in a forked process" in with_workers.stderr
    assert "feed, JSON and schemas made here" in without.stderr
    built, reference = site_bytes(parallel / "site"), site_bytes(serial / "site")
    assert len(built) > pages
    assert built.keys() == reference.keys()
    assert [path for path in built if built[path] != reference[path]] == []


def test_a_warning_in_a_worker_still_fails_a_strict_build(tmp_path: Path) -> None:
    """A record page with a broken link warns once per page, whether a worker or the build converted it."""
    outputs = {}
    for workers in (2, 0):
        project = generated_project(tmp_path / f"w{workers}", workers,
                                    extra="      templates_dir: overrides\n")
        (project / "overrides").mkdir()
        notes = (TEMPLATES / "notes.md.j2").read_text(encoding="utf-8")
        (project / "overrides" / "notes.md.j2").write_text(notes + "\n[gone](missing-page.md)\n",
                                                           encoding="utf-8")
        outputs[workers] = result = mkdocs_build(project, "--strict")
        assert result.returncode == 1
        assert result.stderr.count("contains a link 'missing-page.md', but the target") == RECORDS
        assert f"Aborted with {RECORDS} warnings in strict mode!" in result.stdout
    assert "converted by 2 workers" in outputs[2].stderr


def test_a_serve_rebuild_converts_only_the_changed_pages(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    site = tmp_path / "served"
    shutil.rmtree(site, ignore_errors=True)

    def rebuild() -> ReleasebookPlugin:
        # What `mkdocs serve` does on every change: load the config afresh (the plugin instance stays), build.
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
        build(config)
        plugin = config.plugins["releasebook"]
        assert isinstance(plugin, ReleasebookPlugin)
        return plugin

    first = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    first.plugins.on_startup(command="serve", dirty=False)
    build(first)
    plugin = first.plugins["releasebook"]
    assert isinstance(plugin, ReleasebookPlugin)
    record_pages = plugin.renderer.converted
    assert record_pages >= 40 and plugin.renderer.reused == 0

    replace_once(project / "releases" / "2.4.0.yml", "\nname: Teams and roles\n",
                 "\nname: Teams and roles, renamed\n")
    again = rebuild()
    assert again is plugin  # serve keeps one instance: that is what makes reuse possible
    # the renamed record's three pages change, and so do the index, the status board and its neighbours' pages
    assert 3 <= plugin.renderer.converted <= 12
    assert plugin.renderer.converted + plugin.renderer.reused == record_pages
    page = (site / "releases" / "2.4.0" / "index.html").read_text(encoding="utf-8")
    assert "Teams and roles, renamed" in page

    # the reused pages are exactly what a fresh build makes
    fresh = tmp_path / "fresh"
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(fresh))
    plugin.renderer = type(plugin.renderer)(finish=plugin.renderer._finish)
    build(config)
    assert plugin.renderer.reused == 0
    served, reference = site_bytes(site), site_bytes(fresh)
    assert served.keys() == reference.keys()
    assert [path for path in served if served[path] != reference[path] and "sitemap" not in path] == []


def test_nav_title_is_the_title_of_the_first_mention() -> None:
    nav = [
        {"Home": "index.md"},
        {"Releases": ["releases/index.md", {"Status": "releases/status.md"}, {"Policy": "policy/index.md"}]},
        {"Again": "releases/status.md"},
        "guides/plain.md",
    ]
    assert nav_title(nav, "releases/status.md") == "Status"
    assert nav_title(nav, "policy/index.md") == "Policy"
    assert nav_title(nav, "releases/index.md") is None
    assert nav_title(nav, "guides/plain.md") is None
    assert nav_title(nav, "releases/2.4.0/index.md") is None
    assert nav_title(None, "index.md") is None


def test_a_dirty_serve_rebuild_writes_only_the_changed_record_pages(tmp_path: Path) -> None:
    """`mkdocs serve --dirty`: unchanged record pages are neither converted nor written again, and the
    generated pages still end up as a full build makes them."""
    project = copy_example(tmp_path / "project")
    site = tmp_path / "served"

    def dirty_build() -> ReleasebookPlugin:
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
        config.plugins.on_startup(command="serve", dirty=True)
        build(config, dirty=True)
        plugin = config.plugins["releasebook"]
        assert isinstance(plugin, ReleasebookPlugin)
        return plugin

    plugin = dirty_build()
    all_pages = plugin.renderer.converted
    untouched = site / "releases" / "2.3.0" / "checklist" / "index.html"
    edited = site / "releases" / "2.4.0" / "index.html"
    for path in (untouched, edited):
        os.utime(path, ns=(0, 0))  # so a rewrite shows whatever the clock's resolution

    replace_once(project / "releases" / "2.4.0.yml", "\nname: Teams and roles\n",
                 "\nname: Teams and roles, renamed\n")
    plugin = dirty_build()
    assert 0 < plugin.renderer.converted < 12 < all_pages
    assert untouched.stat().st_mtime_ns == 0
    assert edited.stat().st_mtime_ns != 0 and "Teams and roles, renamed" in edited.read_text(encoding="utf-8")

    fresh = tmp_path / "fresh"
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(fresh))
    build(config)
    served, reference = site_bytes(site), site_bytes(fresh)
    assert served.keys() == reference.keys()
    # generated pages only: hand-written ones follow MkDocs' --dirty rule (rebuilt when their file changes)
    generated = ("releases/", "policy/")
    pages = [path for path in reference if path.endswith(".html") and path.startswith(generated)]
    assert len(pages) > 40
    assert [path for path in pages if served[path] != reference[path]] == []
    # (the search index is left out: Material merges a dirty rebuild's entries as if one page had changed)



def _generated_page(tmp_path: Path, source: str) -> tuple[CachedPage, Files, MkDocsConfig]:
    """A generated page (not yet read) in the example project's config."""
    project = copy_example(tmp_path / "project")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    file = GeneratedFile("releases/x/index.md", None, config.site_dir, config.use_directory_urls)
    file.content_string = source
    return CachedPage(file, config, PageRenderer(finish=lambda html: html)), Files([file]), config


def test_generated_pages_keep_their_texts_compressed(tmp_path: Path) -> None:
    source = "---\ntitle: X\n---\n\n# X\n\nSome *text*.\n"
    page, files, config = _generated_page(tmp_path, source)
    file = page.file
    assert isinstance(file, GeneratedFile) and isinstance(file._packed_source, bytes)
    assert source.encode() not in file._packed_source and file.content_string == source
    page.read_source(config)
    assert page.markdown is not None and "Some *text*." in page.markdown
    page.render(config, files)

    # what a plain MkDocs page makes of the same source
    plain_file = File("releases/x/index.md", None, config.site_dir, config.use_directory_urls)
    plain_file.content_string = source
    plain = Page(None, plain_file, config)
    plain.read_source(config)
    plain.render(config, Files([plain_file]))
    assert plain.content is not None and "<em>text</em>" in plain.content

    # once converted, both texts wait compressed, and read back as MkDocs made them
    assert page.packed_markdown is not None and page._markdown_text is None
    assert page.markdown == plain.markdown
    assert page.packed_content is not None and plain.content.encode() not in page.packed_content
    assert page.content == plain.content
    page.content = "<p>changed</p>"
    assert page.content == "<p>changed</p>"


def test_html_written_back_unchanged_keeps_its_compressed_form(tmp_path: Path) -> None:
    """The search plugin sets every page's content to an equal copy: no second compression, no new bytes."""
    page, _, _ = _generated_page(tmp_path, "")
    page.content = "<p>Some text</p>\n" * 200
    packed = page.packed_content
    text = page.content
    assert text is not None
    copy_of_text = (text + " ")[:-1]  # an equal str, not the same object
    assert copy_of_text is not text and type(copy_of_text) is str

    page.content = copy_of_text
    assert page.packed_content is packed

    page.content = copy_of_text.replace("Some", "Other", 1)
    assert page.packed_content is not packed
    assert page.content == "<p>Other text</p>\n" + "<p>Some text</p>\n" * 199


def test_a_source_given_as_bytes_stays_bytes_until_mkdocs_reads_it(tmp_path: Path) -> None:
    page, _, _ = _generated_page(tmp_path, "")
    page.file.content_bytes = "\ufeff# Bytes\n".encode()
    assert page.file.content_bytes == "\ufeff# Bytes\n".encode()
    assert page.file.content_string == "# Bytes\n"  # MkDocs drops the byte order mark when it decodes


def test_compressed_text_copies_and_pickles_as_plain_text(tmp_path: Path) -> None:
    page, _, config = _generated_page(tmp_path, "# Title\n\nBody.\n")
    page.read_source(config)
    page.render(config, Files([page.file]))
    html = page.content
    assert html is not None and type(html) is not str  # it carries its compressed form
    for copied in (copy.copy(html), copy.deepcopy(html), pickle.loads(pickle.dumps(html))):
        assert copied == html and type(copied) is str


def test_a_held_back_message_reaches_no_handler_until_it_is_replayed(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    page, files, config = _generated_page(tmp_path, "# Title\n\nA [broken link](missing.md).\n")
    page.read_source(config)
    with caplog.at_level(logging.DEBUG):
        rendered = _render_capturing(page, config, files, quiet=True)
    assert any("missing.md" in message for _, _, message in rendered.log)
    assert not [record for record in caplog.records if "missing.md" in record.getMessage()]


ROUNDS_SCRIPT = """
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from releasebook import prerender

rounds = []
convert_round = prerender.PageRenderer._convert_round

def counting(self, todo, workers):
    rounds.append(len(todo))
    convert_round(self, todo, workers)

prerender.PAGES_PER_WORKER = 10
prerender.PageRenderer._convert_round = counting
config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="build", dirty=False)
build(config)
print(json.dumps(rounds))
"""


def test_many_rounds_of_workers_build_the_same_site(tmp_path: Path) -> None:
    # a fresh process: forking is only safe (and only done) where no other thread runs, unlike pytest's
    parallel = generated_project(tmp_path / "parallel", workers=2)
    serial = generated_project(tmp_path / "serial", workers=0)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    counts = []
    for project in (parallel, serial):
        done = subprocess.run([sys.executable, "-c", ROUNDS_SCRIPT, str(project / "mkdocs.yml"),
                               str(project / "site")], cwd=project, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        counts.append(json.loads(done.stdout.strip().splitlines()[-1]))
    # 75 record pages, the changelog, status and policy pages: 78 in rounds of 20 (two processes, 10 each)
    assert counts == [[20, 20, 20, 18], []]
    assert site_bytes(parallel / "site") == site_bytes(serial / "site")
