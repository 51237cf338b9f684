"""Generated pages laid out in the theme by a forked process during MkDocs' page loop give the very same site.

Also: the layout steps aside for plugins whose `on_page_context` it does not know, a page the forked process
cannot lay out fails the build exactly as MkDocs' own loop does, and the two sides never take the same page.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
from mkdocs.commands.build import get_context
from mkdocs.config import load_config
from mkdocs.structure.nav import Navigation
from releasebook.layout import CONTEXT_KEYS, LEFT_FOR_LOOP, Claims, PageLayout, handler_name, same_context

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


def layout_counts(stderr: str) -> tuple[int, int]:
    """(laid out, handed back): what a build's debug log says the forked processes did."""
    found = re.search(rf"(\d+) of {PAGES} generated pages laid out by forked processes, (\d+) handed back",
                      stderr)
    assert found is not None, stderr[-3000:]
    return int(found.group(1)), int(found.group(2))


def with_hook(project: Path, name: str, text: str) -> None:
    """Add a hook file to the project's mkdocs.yml."""
    (project / name).write_text(text, encoding="utf-8")
    config = project / "mkdocs.yml"
    if "\nhooks:\n" in config.read_text(encoding="utf-8"):
        replace_once(config, "\nhooks:\n", f"\nhooks:\n  - {name}\n")
    else:
        replace_once(config, "\nplugins:\n", f"\nhooks:\n  - {name}\nplugins:\n")


def project_with_theme_content(target: Path, workers: int, url: str, extra: str) -> Path:
    """A generated project whose theme adds `extra` (Jinja) to the page at `url`, built by a slow loop."""
    project = generated_project(target, workers)
    replace_once(project / "mkdocs.yml", "theme:\n  name: material\n",
                 "theme:\n  name: material\n  custom_dir: theme_overrides\n")
    (project / "theme_overrides").mkdir()
    (project / "theme_overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block content %}'
        f'{{% if page.url == "{url}" %}}{extra}{{% endif %}}'
        "{{ super() }}{% endblock %}\n", encoding="utf-8")
    with_hook(project, "slow_loop.py", SLOW_LOOP)
    return project


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2, 3])  # one forked process; two, each on its own connection
def test_forked_layout_builds_the_same_site_as_the_loop_alone(tmp_path: Path, workers: int) -> None:
    forked = generated_project(tmp_path / "forked", workers=workers)
    alone = generated_project(tmp_path / "alone", workers=0)
    for project in (forked, alone):
        with_hook(project, "slow_loop.py", SLOW_LOOP)

    with_layout, without = mkdocs_build(forked, "--strict"), mkdocs_build(alone, "--strict")

    assert with_layout.returncode == 0, with_layout.stderr[-3000:]
    assert without.returncode == 0, without.stderr[-3000:]
    laid_out, handed_back = layout_counts(with_layout.stderr)
    assert laid_out > 0 and handed_back == 0
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
    assert "laid out by forked processes" not in result.stderr


def build_with_and_without_layout(tmp_path: Path, url: str, extra: str, *args: str,
                                  hook: tuple[str, str] | None = None) -> dict[int, CompletedProcess[str]]:
    """Builds with the forked layout (workers 2) and without (0); the theme adds `extra` at `url`."""
    outputs = {}
    for workers in (2, 0):
        project = project_with_theme_content(tmp_path / f"w{workers}", workers, url, extra)
        if hook is not None:
            with_hook(project, *hook)
        outputs[workers] = mkdocs_build(project, *args)
    return outputs


@pytest.mark.slow
def test_a_page_the_theme_cannot_lay_out_fails_the_build_as_without_the_layout(tmp_path: Path) -> None:
    """A forked process hands the page back; the loop lays it out again and MkDocs reports the error."""
    outputs = build_with_and_without_layout(tmp_path, "releases/1.0.0/", "{{ page.nothing.deeper }}",
                                            "--strict")
    for result in outputs.values():
        assert result.returncode == 1
        assert result.stderr.count("Error building page 'releases/1.0.0/index.md'") == 1
        assert "has no attribute 'nothing'" in result.stderr
    assert layout_counts(outputs[2].stderr)[1] == 1  # the forked process met the page first, handed it back
    assert "laid out by forked processes" not in outputs[0].stderr


SHOUTING_HOOK = """\
import logging

def on_env(env, config, files):
    env.filters["shout"] = shout
    return env

def shout(value):
    logging.getLogger("mkdocs.hooks.shouting").warning("shouting on %s", value)
    return value
"""


@pytest.mark.slow
def test_a_message_logged_while_laying_out_is_logged_once_by_the_build(tmp_path: Path) -> None:
    """The forked process hands the page back; the loop lays it out again and logs as MkDocs would."""
    outputs = build_with_and_without_layout(tmp_path, "releases/1.0.0/checklist/", "{{ page.url | shout }}",
                                            "--strict", hook=("shouting.py", SHOUTING_HOOK))
    for result in outputs.values():
        assert result.returncode == 1
        assert result.stderr.count("shouting on releases/1.0.0/checklist/") == 1
        assert "Aborted with 1 warnings in strict mode!" in result.stdout
    laid_out, handed_back = layout_counts(outputs[2].stderr)
    assert laid_out > 0 and handed_back == 1


WARNING_HOOK = """\
import warnings

def on_env(env, config, files):
    env.filters["warn"] = warn
    return env

def warn(value):
    warnings.warn(f"careful with {value}", UserWarning)
    return value
"""


@pytest.mark.slow
def test_a_python_warning_while_laying_out_is_shown_once_by_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Python warning counts as a message: the page goes back to the loop, which shows the warning."""
    # Python prints the warning itself (under `python -m mkdocs`, MkDocs' own display logs it nowhere)
    monkeypatch.setenv("PYTHONWARNINGS", "default::UserWarning")
    outputs = build_with_and_without_layout(tmp_path, "releases/1.0.0/rollback/", "{{ page.url | warn }}",
                                            hook=("warning_hook.py", WARNING_HOOK))
    for result in outputs.values():
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stderr.count("UserWarning: careful with releases/1.0.0/rollback/") == 1
    laid_out, handed_back = layout_counts(outputs[2].stderr)
    assert laid_out > 0 and handed_back == 1
    assert site_bytes(tmp_path / "w2" / "site") == site_bytes(tmp_path / "w0" / "site")


def test_a_failed_fork_leaves_every_page_to_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_memory(self: object) -> None:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", no_memory)
    monkeypatch.setattr("releasebook.layout.can_fork", lambda: True)
    layout = PageLayout()
    page = object()
    layout.pages = [page] * 100  # type: ignore[list-item]
    layout._get_template = lambda name: None  # type: ignore[assignment,return-value]
    layout._processes_wanted = 1

    layout.start({"nav": None, "pages": [], "config": None, "page": None})  # type: ignore[typeddict-item]

    class Template:
        def render(self, context: object) -> str:
            return "rendered in the loop"

    try:
        assert layout._processes == {}
        assert layout.render(Template(), 0, {}) == "rendered in the loop"  # type: ignore[arg-type,typeddict-item]
        assert layout.laid_out == 0 and layout.handed_back == 0
    finally:
        layout.stop()


def test_the_loop_and_a_forked_process_never_claim_the_same_page() -> None:
    count = 50_000  # long enough that both sides are still claiming when the other starts
    claims = Claims(count)
    fork = multiprocessing.get_context("fork")
    receiver, sender = fork.Pipe(duplex=False)
    start = fork.Barrier(2)

    def claim_for_process() -> None:
        taken = []
        start.wait(timeout=60)
        while (index := claims.claim_for_process()) is not None:
            taken.append(index)
        sender.send(taken)

    process = fork.Process(target=claim_for_process)
    process.start()
    start.wait(timeout=60)  # both sides claim at the same time from here on
    here = [index for index in range(count) if claims.claim_for_loop(index)]
    there = receiver.recv()
    process.join()

    assert there and here
    assert sorted(here + there) == list(range(count))
    assert there == sorted(there)  # upwards, from just past the loop


def test_a_closed_claim_leaves_nothing_to_take() -> None:
    claims = Claims(12)
    assert claims.claim_for_process() == LEFT_FOR_LOOP  # before the loop's first page: 0 and 1 are the loop's
    assert claims.claim_for_loop(0)
    assert claims.claim_for_process() == LEFT_FOR_LOOP + 1
    assert claims.claim_for_loop(1)
    assert not claims.claim_for_loop(2)  # a forked process has it
    assert claims.claim_for_process() == 5  # the loop is at 2: 3 (taken) and 4 are left to it
    assert not claims.claim_for_loop(3)
    assert claims.claim_for_loop(6)  # free: the loop may take any page nobody has
    assert claims.claim_for_process() == 9  # past the loop's last page and the two left to it
    claims.close()
    assert claims.claim_for_process() is None and claims.left() == 0
    assert claims.claim_for_loop(4)  # left to the loop, still free after the close
    assert not claims.claim_for_loop(5)  # taken before the close: still the forked process's


def test_only_the_context_mkdocs_builds_counts_as_the_same() -> None:
    page, other = object(), object()
    context: dict[str, Any] = dict.fromkeys(CONTEXT_KEYS)
    context["page"] = page

    assert same_context(context, page)  # type: ignore[arg-type]
    assert not same_context(context, other)  # type: ignore[arg-type]
    assert not same_context({**context, "extra_note": "added"}, page)  # type: ignore[arg-type]


def test_the_context_keys_are_those_mkdocs_builds(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: Keys\n", encoding="utf-8")
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"))

    assert get_context(Navigation([], []), [], config).keys() == CONTEXT_KEYS


def test_handler_names_are_module_class_and_method() -> None:
    from material.plugins.search.plugin import SearchPlugin

    assert handler_name(SearchPlugin().on_page_context) == \
        "material.plugins.search.plugin.SearchPlugin.on_page_context"
