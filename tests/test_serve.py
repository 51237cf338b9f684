"""Serve mode: the watch list, recovery after a bad record in-process, and a real `mkdocs serve` on loopback
through a broken, fixed, deleted, added and renamed record."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.structure.files import get_files
from releasebook.plugin import ReleasebookPlugin

from .helpers import copy_example, replace_once

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
WAIT = 60.0  # an upper bound on waiting for the server, never an assertion about speed
POLL = 0.25  # seconds between polls





class FakeServer:
    """Records what the plugin asks the live-reload server to watch."""

    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str, func: object = None, recursive: bool = True) -> None:
        """Remember one watched path."""
        self.watched.append(path)


# --- the watch list -----------------------------------------------------------------------------------------


def test_on_serve_watches_records_policy_schemas_and_templates(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    (project / "overrides" / "releasebook").mkdir(parents=True)
    replace_once(project / "mkdocs.yml", "      enforce: error\n",
                 "      enforce: error\n      templates_dir: overrides/releasebook\n")
    config = load_config(config_file=str(project / "mkdocs.yml"))
    plugin = config.plugins["releasebook"]
    assert isinstance(plugin, ReleasebookPlugin)
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)
    server = FakeServer()
    returned = config.plugins.on_serve(server, config=config, builder=lambda: None)  # type: ignore[arg-type]
    assert returned is server
    root = project.resolve()
    assert sorted(server.watched) == sorted(str(root / p) for p in (
        "releases", "policy.yml", "schemas/release.schema.json", "schemas/policy.schema.json",
        "overrides/releasebook"))


def test_shipped_schemas_are_not_watched(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    shutil.rmtree(project / "schemas")  # falls back to the copies inside the package
    config = load_config(config_file=str(project / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    server = FakeServer()
    config.plugins.on_serve(server, config=config, builder=lambda: None)  # type: ignore[arg-type]
    assert sorted(server.watched) == sorted(str(project.resolve() / p) for p in ("releases", "policy.yml"))


# --- focused preview ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("command", "full"), [("serve", False), ("build", True)])
def test_focus_renders_only_the_chosen_release_in_serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          command: str, full: bool) -> None:
    project = copy_example(tmp_path)
    monkeypatch.setenv("RELEASEBOOK_FOCUS", "2.4.0")
    config = load_config(config_file=str(project / "mkdocs.yml"))
    plugin = config.plugins["releasebook"]
    assert isinstance(plugin, ReleasebookPlugin)
    config.plugins.on_startup(command=command, dirty=False)  # type: ignore[arg-type]
    config = config.plugins.on_config(config)
    config.plugins.on_files(get_files(config), config=config)
    releases = {uri.split("/")[1] for uri in plugin.generated if uri.count("/") >= 2}
    assert {"releases/index.md", "releases/status.md", "policy/index.md"} <= plugin.generated
    if full:
        assert len(releases) == 15
    else:
        assert releases == {"2.4.0"}


# --- recovery in-process, as the serve loop rebuilds -------------------------------------------------------


def test_rebuild_fails_on_a_bad_record_then_recovers(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    record = project / "releases" / "2.4.0.yml"
    site = tmp_path / "served"

    def rebuild() -> None:
        # What `mkdocs serve` does on every change: load the config afresh, then build.
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
        build(config)

    first = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    first.plugins.on_startup(command="serve", dirty=False)
    build(first)
    assert "Teams and roles" in (site / "releases" / "2.4.0" / "index.html").read_text(encoding="utf-8")

    replace_once(record, "\nstatus: in-progress\n", "\nstatus: shipped\n")
    with pytest.raises(Abort):  # the server prints it and keeps serving the last good site
        rebuild()
    assert (site / "releases" / "2.4.0" / "index.html").is_file()

    replace_once(record, "\nstatus: shipped\n", "\nstatus: in-progress\n")
    replace_once(record, "\nname: Teams and roles\n", "\nname: Teams and roles, fixed\n")
    rebuild()
    page = (site / "releases" / "2.4.0" / "index.html").read_text(encoding="utf-8")
    assert "Teams and roles, fixed" in page


# --- a real server ------------------------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    """Status and body of a GET, or (0, error) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError as error:
        return 0, str(error)


def wait_for(condition: Callable[[], bool], what: str, log: list[str]) -> None:
    """Poll until the condition holds; fail with the server's log after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(POLL)
    pytest.fail(f"gave up waiting for {what}; server log:\n" + "".join(log))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, list[str], subprocess.Popen[str]]]:
    """`mkdocs serve` on a free loopback port for a copy of the example: project, base URL, log, process."""
    project = copy_example(tmp_path)
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    env.pop("RELEASEBOOK_FOCUS", None)
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=env)
    log: list[str] = []
    assert server.stdout is not None
    reader = threading.Thread(target=lambda: log.extend(iter(server.stdout.readline, "")),  # type: ignore[union-attr]
                              daemon=True)
    reader.start()
    try:
        yield project, f"http://127.0.0.1:{port}/", log, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        reader.join(timeout=5)


NEW_RECORD = """\
version: 3.0.0-alpha.1
name: Brand new preview
date: "2026-11-02"
type: major
status: planned
summary: A record added while the server runs.
"""


def test_serve_follows_break_fix_delete_add_and_rename(
        served: tuple[Path, str, list[str], subprocess.Popen[str]]) -> None:
    """One server through five edits of the records; it never dies and each page follows the change.

    While a record is broken MkDocs holds page requests until a build succeeds, so that phase checks the log,
    the process and the port rather than pages.
    """
    project, base, log, server = served
    releases = project / "releases"
    page = base + "releases/2.4.0/"
    index = base + "releases/"
    wait_for(lambda: fetch(page)[0] == 200, "the first build", log)
    assert "Teams and roles" in fetch(page)[1]

    # 1. break a record: a located error in the log, no traceback, the server still up and listening
    record = releases / "2.4.0.yml"
    replace_once(record, "\nstatus: in-progress\n", "\nstatus: shipped\n")
    failed = "An error happened during the rebuild"
    wait_for(lambda: any(failed in line for line in log), "the failed rebuild", log)
    text = "".join(log)
    assert "releasebook: releases/2.4.0.yml:6:9: error: 'shipped' is not one of" in text
    assert "Traceback" not in text
    assert server.poll() is None
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1].strip("/"))), timeout=10):
        pass

    # 2. fix it: the page shows the fixed content
    replace_once(record, "\nstatus: shipped\n", "\nstatus: in-progress\n")
    replace_once(record, "\nname: Teams and roles\n", "\nname: Teams and roles, fixed\n")
    wait_for(lambda: "Teams and roles, fixed" in fetch(page)[1], "the recovered page", log)
    assert fetch(base)[0] == 200

    # 3. delete it: its pages are gone and the index no longer lists it
    record.unlink()
    wait_for(lambda: fetch(page)[0] == 404, "the deleted record's page to 404", log)
    assert fetch(page + "checklist/")[0] == 404
    status, listing = fetch(index)
    assert status == 200 and 'href="2.4.0/"' not in listing and 'href="2.3.1/"' in listing

    # 4. add one: its page appears, and the index links to it
    (releases / "3.0.0-alpha.1.yml").write_text(NEW_RECORD, encoding="utf-8")
    wait_for(lambda: "Brand new preview" in fetch(base + "releases/3.0.0-alpha.1/")[1], "the added page", log)
    assert 'href="3.0.0-alpha.1/"' in fetch(index)[1]

    # 5. rename one to another version: the old page is gone, the new one is served
    old = releases / "2.5.0.yml"
    old.rename(releases / "2.6.0.yml")
    replace_once(releases / "2.6.0.yml", "\nversion: 2.5.0\n", "\nversion: 2.6.0\n")
    wait_for(lambda: "Data residency" in fetch(base + "releases/2.6.0/")[1], "the renamed record's page", log)
    assert fetch(base + "releases/2.5.0/")[0] == 404
    listing = fetch(index)[1]
    assert 'href="2.6.0/"' in listing and 'href="2.5.0/"' not in listing

    assert server.poll() is None
    assert "Traceback" not in "".join(log)
