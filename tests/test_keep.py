"""A clean build writes the generated pages over the last build's files, and the site is a clean build's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from mkdocs.utils import clean_directory
from releasebook.keep import ASIDE, KEPT, KeptPages, prune

from .test_prerender import generated_project, mkdocs_build, site_bytes


def tree(root: Path, *paths: str) -> None:
    """Files with their own path as content."""
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(path, encoding="utf-8")


def files_under(root: Path) -> set[str]:
    """Every file and symbolic link under root, and every folder, by relative path (folders end in /)."""
    found = set()
    for folder, folders, files in os.walk(root):
        for name in files:
            found.add(Path(folder, name).relative_to(root).as_posix())
        for name in folders:
            found.add(Path(folder, name).relative_to(root).as_posix() + "/")
    return found


def test_prune_keeps_exactly_the_files_named_and_the_folders_they_need(tmp_path: Path) -> None:
    tree(tmp_path, "a/index.html", "a/old.html", "gone/index.html", "d/x/y.html", "d/x/z/old.html", "top.xml")
    (tmp_path / "link").symlink_to(tmp_path / "a")

    removed = prune(tmp_path, {"a/index.html", "d/x/y.html", "top.xml", "not/there.html"})

    assert removed == 4  # a/old.html, gone/index.html, d/x/z/old.html and the link
    assert files_under(tmp_path) == {"a/", "a/index.html", "d/", "d/x/", "d/x/y.html", "top.xml"}


def test_prune_removes_what_writing_in_place_would_write_through(tmp_path: Path) -> None:
    """A symbolic link or a hard-linked file at a page's path is removed, never written through."""
    outside = tmp_path / "outside.html"
    outside.write_text("elsewhere", encoding="utf-8")
    root = tmp_path / "root"
    tree(root, "plain/index.html", "backed-up/index.html")
    (root / "linked").mkdir()
    (root / "linked" / "index.html").symlink_to(outside)
    os.link(root / "backed-up" / "index.html", tmp_path / "backup.html")

    removed = prune(root, {"plain/index.html", "linked/index.html", "backed-up/index.html"})

    assert removed == 2
    assert files_under(root) == {"plain/", "plain/index.html"}
    assert outside.read_text(encoding="utf-8") == "elsewhere"
    assert (tmp_path / "backup.html").read_text(encoding="utf-8") == "backed-up/index.html"


def site_with_pages(site: Path) -> None:
    tree(site, f"{KEPT}/1.0.0/index.html", f"{KEPT}/1.0.0/checklist/index.html", f"{KEPT}/0.9.0/index.html",
         "index.html", "assets/app.js")


def test_the_pages_set_aside_survive_mkdocs_emptying_the_site_and_come_back_pruned(tmp_path: Path) -> None:
    site_with_pages(tmp_path)
    kept = KeptPages()

    assert kept.set_aside(str(tmp_path))
    clean_directory(str(tmp_path))  # what MkDocs does next
    assert files_under(tmp_path) == {f"{ASIDE}/", f"{ASIDE}/1.0.0/", f"{ASIDE}/1.0.0/index.html",
                                     f"{ASIDE}/1.0.0/checklist/", f"{ASIDE}/1.0.0/checklist/index.html",
                                     f"{ASIDE}/0.9.0/", f"{ASIDE}/0.9.0/index.html"}
    written = [f"{KEPT}/1.0.0/index.html", f"{KEPT}/2.0.0/index.html", "index.html"]
    assert kept.put_back(str(tmp_path), written)

    assert files_under(tmp_path) == {f"{KEPT}/", f"{KEPT}/1.0.0/", f"{KEPT}/1.0.0/index.html"}
    assert kept.removed == 2


def test_pages_are_not_put_back_where_something_was_written_meanwhile(tmp_path: Path) -> None:
    site_with_pages(tmp_path)
    kept = KeptPages()
    kept.set_aside(str(tmp_path))
    tree(tmp_path, f"{KEPT}/from-another-plugin.html")

    assert not kept.put_back(str(tmp_path), [f"{KEPT}/1.0.0/index.html"])
    assert not (tmp_path / ASIDE).exists()
    assert files_under(tmp_path / KEPT) == {"from-another-plugin.html"}


def test_a_build_that_writes_no_pages_there_leaves_no_folder(tmp_path: Path) -> None:
    site_with_pages(tmp_path)
    kept = KeptPages()
    kept.set_aside(str(tmp_path))

    assert not kept.put_back(str(tmp_path), ["index.html"])
    assert not (tmp_path / KEPT).exists() and not (tmp_path / ASIDE).exists()


def test_a_failed_build_or_a_killed_one_leaves_nothing_hidden_behind(tmp_path: Path) -> None:
    site_with_pages(tmp_path)
    kept = KeptPages()
    kept.set_aside(str(tmp_path))
    kept.discard()
    assert not (tmp_path / ASIDE).exists()

    tree(tmp_path, f"{ASIDE}/left/by/a/killed/build.html")
    assert not KeptPages().set_aside(str(tmp_path))  # no releases folder this time
    assert not (tmp_path / ASIDE).exists()


def test_a_page_mkdocs_writes_no_file_for_loses_the_last_builds(tmp_path: Path) -> None:
    site_with_pages(tmp_path)
    kept = KeptPages()
    kept.set_aside(str(tmp_path))
    kept.put_back(str(tmp_path), [f"{KEPT}/1.0.0/index.html", f"{KEPT}/0.9.0/index.html"])

    kept.skipped(str(tmp_path / KEPT / "0.9.0" / "index.html"))  # blank output: MkDocs skips the page
    kept.skipped(str(tmp_path / "index.html"))  # not in the folder put back: not this object's to remove

    assert not (tmp_path / KEPT / "0.9.0" / "index.html").exists()
    assert (tmp_path / KEPT / "1.0.0" / "index.html").exists()
    assert (tmp_path / "index.html").exists()


def test_a_dirty_build_sets_nothing_aside_but_removes_a_killed_builds_folder(tmp_path: Path) -> None:
    site_with_pages(tmp_path)
    tree(tmp_path, f"{ASIDE}/left/by/a/killed/build.html")

    assert not KeptPages().set_aside(str(tmp_path), keep=False)
    assert not (tmp_path / ASIDE).exists()
    assert (tmp_path / KEPT / "1.0.0" / "index.html").exists()


def test_no_site_yet_sets_nothing_aside(tmp_path: Path) -> None:
    kept = KeptPages()
    assert not kept.set_aside(str(tmp_path / "site"))
    assert not kept.put_back(str(tmp_path / "site"), [f"{KEPT}/1.0.0/index.html"])


@pytest.mark.slow
def test_a_build_over_the_last_one_makes_the_site_a_clean_build_makes(tmp_path: Path) -> None:
    """A record removed and one changed: the pages left over are gone, the changed ones rewritten."""
    project = generated_project(tmp_path / "project", workers=2)
    first = mkdocs_build(project, "--strict")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "writing over the last build's pages" not in first.stderr
    first_pages = [path for path in site_bytes(project / "site") if path.startswith(f"{KEPT}/")]

    records = sorted((project / "releases").rglob("*.yml"))
    newest_patch = records[-1]
    newest_patch.unlink()
    changed = records[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("summary: ", "summary: Changed. ", 1),
                       encoding="utf-8")
    again = mkdocs_build(project, "--strict")
    assert again.returncode == 0, again.stderr[-3000:]
    clean = shutil.copytree(project, tmp_path / "clean", ignore=shutil.ignore_patterns("site"))
    reference = mkdocs_build(clean, "--strict")
    assert reference.returncode == 0, reference.stderr[-3000:]

    assert "writing over the last build's pages; 3 files it had were removed" in again.stderr
    built, expected = site_bytes(project / "site"), site_bytes(clean / "site")
    assert built.keys() == expected.keys()
    assert [path for path in built if built[path] != expected[path]] == []
    assert len([path for path in built if path.startswith(f"{KEPT}/")]) == len(first_pages) - 3
    assert b"Changed. " in b"".join(built.values())


@pytest.mark.slow
def test_a_build_that_fails_leaves_no_hidden_folder_in_the_site(tmp_path: Path) -> None:
    project = generated_project(tmp_path / "project", workers=2, extra="      templates_dir: overrides\n")
    (project / "overrides").mkdir()
    assert mkdocs_build(project).returncode == 0
    (project / "overrides" / "notes.md.j2").write_text("{{ r.nothing.deeper }}", encoding="utf-8")

    failed = mkdocs_build(project)

    assert failed.returncode == 1
    assert "has no attribute 'nothing'" in failed.stderr
    assert not (project / "site" / ASIDE).exists()


BLANK_HOOK = """\
def on_post_page(output, page, config):
    return "" if page.file.src_uri.endswith("/checklist.md") else output
"""


@pytest.mark.slow
def test_a_page_left_blank_by_a_plugin_is_gone_as_after_a_clean_build(tmp_path: Path) -> None:
    """MkDocs writes no file for a blank page: the one the last build wrote must not stay either."""
    project = generated_project(tmp_path / "project", workers=2)
    assert mkdocs_build(project).returncode == 0
    (project / "blank_hook.py").write_text(BLANK_HOOK, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - blank_hook.py\n", encoding="utf-8")

    again = mkdocs_build(project)
    clean = shutil.copytree(project, tmp_path / "clean", ignore=shutil.ignore_patterns("site"))
    assert mkdocs_build(clean).returncode == 0

    assert again.returncode == 0, again.stderr[-3000:]
    assert "writing over the last build's pages" in again.stderr
    built = site_bytes(project / "site")
    assert not [path for path in built if path.endswith("/checklist/index.html")]
    assert built == site_bytes(clean / "site")
