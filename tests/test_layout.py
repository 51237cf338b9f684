"""Generated pages laid out in the theme by a forked process during MkDocs' page loop give the very same site.

Also: the layout steps aside for plugins whose `on_page_context` it does not know, a page the forked process
cannot lay out fails the build exactly as MkDocs' own loop does, and the two sides never take the same page.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from releasebook.layout import CONTEXT_KEYS, Claims, handler_name, same_context

from .helpers import replace_once
from .test_prerender import RECORDS, generated_project, mkdocs_build, site_bytes

LINUX = sys.platform.startswith("linux")
pytestmark = pytest.mark.skipif(not LINUX, reason="the layout forks, which only Linux uses")

PAGES = RECORDS * 3 + 3  # three per record, plus the index, the status board and the policy

SLOW_LOOP = """\
import time

def on_post_page(output, page, config):
    time.sleep(0.02)  # a slow loop: the forked process surely claims pages before the loop reaches them
    return output
"""


def laid_out(stderr: str) -> int:
    """How many generated pages a build's debug log says the forked processes laid out."""
    found = re.search(rf"(\d+) of {PAGES} generated pages laid out by forked processes", stderr)
    assert found is not None, stderr[-3000:]
    return int(found.group(1))


def with_hook(project: Path, name: str, text: str) -> None:
    """Add a hook file to the project's mkdocs.yml."""
    (project / name).write_text(text, encoding="utf-8")
    replace_once(project / "mkdocs.yml", "\nplugins:\n", f"\nhooks:\n  - {name}\nplugins:\n")


@pytest.mark.slow
def test_forked_layout_builds_the_same_site_as_the_loop_alone(tmp_path: Path) -> None:
    forked = generated_project(tmp_path / "forked", workers=2)
    alone = generated_project(tmp_path / "alone", workers=0)
    for project in (forked, alone):
        with_hook(project, "slow_loop.py", SLOW_LOOP)

    with_layout, without = mkdocs_build(forked, "--strict"), mkdocs_build(alone, "--strict")

    assert with_layout.returncode == 0, with_layout.stderr[-3000:]
    assert without.returncode == 0, without.stderr[-3000:]
    assert 0 < laid_out(with_layout.stderr) < PAGES  # both sides laid out pages
    assert "laid out in MkDocs' loop only: workers: 0" in without.stderr
    built, reference = site_bytes(forked / "site"), site_bytes(alone / "site")
    assert len(built) > PAGES
    assert built.keys() == reference.keys()
    assert [path for path in built if built[path] != reference[path]] == []


@pytest.mark.slow
def test_an_unknown_page_context_handler_keeps_the_layout_in_the_loop(tmp_path: Path) -> None:
    project = generated_project(tmp_path / "project", workers=2)
    with_hook(project, "context_hook.py", "def on_page_context(context, page, config, nav):\n"
                                          "    context['extra_note'] = 'from the hook'\n"
                                          "    return context\n")

    result = mkdocs_build(project, "--strict")

    assert result.returncode == 0, result.stderr[-3000:]
    refusal = "on_page_context of context_hook.py.on_page_context may change what the theme shows"
    assert refusal in result.stderr
    assert "0 of 0 generated pages laid out by forked processes" in result.stderr


@pytest.mark.slow
def test_a_page_the_theme_cannot_lay_out_fails_the_build_as_without_the_layout(tmp_path: Path) -> None:
    """A forked process hands the page back; the loop lays it out again and MkDocs reports the error."""
    outputs = {}
    for workers in (2, 0):
        project = generated_project(tmp_path / f"w{workers}", workers)
        replace_once(project / "mkdocs.yml", "theme:\n  name: material\n",
                     "theme:\n  name: material\n  custom_dir: theme_overrides\n")
        (project / "theme_overrides").mkdir()
        (project / "theme_overrides" / "main.html").write_text(
            '{% extends "base.html" %}\n{% block content %}'
            '{% if page.url == "releases/1.0.0/" %}{{ page.nothing.deeper }}{% endif %}'
            "{{ super() }}{% endblock %}\n", encoding="utf-8")
        with_hook(project, "slow_loop.py", SLOW_LOOP)
        outputs[workers] = result = mkdocs_build(project, "--strict")
        assert result.returncode == 1
        assert "Error building page 'releases/1.0.0/index.md'" in result.stderr
        assert "has no attribute 'nothing'" in result.stderr
    assert "laid out in MkDocs' loop only" not in outputs[2].stderr  # the forked process did run


def test_the_loop_and_a_forked_process_never_claim_the_same_page() -> None:
    count = 2000
    claims = Claims(count)
    fork = multiprocessing.get_context("fork")
    receiver, sender = fork.Pipe(duplex=False)

    def claim_there() -> None:
        taken = []
        while (index := claims.there()) is not None:
            taken.append(index)
        sender.send(taken)

    process = fork.Process(target=claim_there)
    process.start()
    here = [index for index in range(count) if claims.here(index)]
    there = receiver.recv()
    process.join()

    assert sorted(here + there) == list(range(count))
    assert there == sorted(there, reverse=True)  # from the far end, downwards
    assert here == list(range(len(here)))  # the loop keeps every page up to where they met


def test_a_closed_claim_leaves_nothing_to_take() -> None:
    claims = Claims(10)
    assert claims.here(0)
    assert claims.there() == 9
    claims.close()
    assert claims.there() is None
    assert not claims.here(9)  # taken before the close: still the forked process's
    assert claims.here(5)


def test_only_the_context_mkdocs_builds_counts_as_the_same() -> None:
    page, other = object(), object()
    context: dict[str, Any] = dict.fromkeys(CONTEXT_KEYS)
    context["page"] = page

    assert same_context(context, page)  # type: ignore[arg-type]
    assert not same_context(context, other)  # type: ignore[arg-type]
    assert not same_context({**context, "extra_note": "added"}, page)  # type: ignore[arg-type]


def test_handler_names_are_module_class_and_method() -> None:
    from material.plugins.search.plugin import SearchPlugin

    assert handler_name(SearchPlugin().on_page_context) == \
        "material.plugins.search.plugin.SearchPlugin.on_page_context"
