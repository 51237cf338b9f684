"""Site-side measurements: `mkdocs build` with the plugin against plain MkDocs on the same pages, and the
`mkdocs serve` preview latency after a record changes.

Everything here needs the releasebook MkDocs plugin; `plugin_missing()` says why a measurement cannot run.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml
from generate import PROJECT_DIRS, PROJECT_FILES, render_record
from measure import BenchError, run_once

HERE = Path(__file__).resolve().parent
DUMP_HOOK = HERE / "dump_pages.py"
PLUGIN = "releasebook"


def plugin_missing() -> str | None:
    """Why the site measurements cannot run, or None when the plugin is installed and importable."""
    registered = any(ep.name == PLUGIN for ep in metadata.entry_points(group="mkdocs.plugins"))
    if not registered or importlib.util.find_spec("releasebook.plugin") is None:
        return "plugin not available"
    return None


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without resolving `!!python/name:` or `!ENV` tags (the twin inherits them unread)."""


def _keep_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    return None


_TolerantLoader.add_multi_constructor("", _keep_tag)  # type: ignore[no-untyped-call]


def read_config(path: Path) -> dict[str, Any]:
    """The plain data of a mkdocs.yml (tags read as their text)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    return data if isinstance(data, dict) else {}


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry), "") if isinstance(entry, dict) else ""


def _plugins(config: dict[str, Any]) -> list[Any]:
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):  # MkDocs also accepts a mapping of name to options
        return [{name: options} if options else name for name, options in plugins.items()]
    return list(plugins)


def ensure_site_config(project: Path) -> None:
    """Give the project a site configuration that enables the plugin, when the repository's does not."""
    config_file = project / "mkdocs.yml"
    if config_file.exists() and any(_plugin_name(p) == PLUGIN for p in _plugins(read_config(config_file))):
        return
    config_file.write_text(
        "site_name: releasebook benchmark\ntheme:\n  name: material\nplugins:\n  - search\n  - releasebook\n",
        encoding="utf-8",
    )
    (project / "docs").mkdir(exist_ok=True)
    if not (project / "docs" / "index.md").exists():
        (project / "docs" / "index.md").write_text("# Releases\n\nSee the [changelog](releases/index.md).\n")


def _write_config(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def bench_env() -> dict[str, str]:
    """The environment for every measured command: quiet about MkDocs 2, reproducible dates."""
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["DISABLE_MKDOCS_2_WARNING"] = "true"
    return env


def build_command(config: Path, site_dir: Path) -> list[str]:
    """`mkdocs build` of one configuration into one folder."""
    return [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "--site-dir", str(site_dir)]


def clean(folder: Path) -> Callable[[], None]:
    """A preparation step that removes a build's output, so every timed build starts from nothing."""
    return lambda: shutil.rmtree(folder, ignore_errors=True)


def built_once(command: list[str], cwd: Path, site: Path) -> Callable[[], None]:
    """A preparation step that builds once, untimed, while `site` does not exist: every timed build then goes
    over the last one's output, as `make build` run again does (MkDocs empties the folder itself, timed)."""

    def prepare() -> None:
        if not site.exists():
            done = subprocess.run(command, cwd=cwd, env=bench_env(), capture_output=True, text=True)
            if done.returncode != 0:
                raise BenchError(f"{shlex.join(command)} failed:\n{done.stderr[-2000:]}")

    return prepare


def make_plain_twin(project: Path, twin: Path) -> Path:
    """A project that builds the very pages of `project`'s site with plain MkDocs (no releasebook plugin).

    One untimed build of `project` with the dump hook records each page's final Markdown and the final nav;
    the twin's mkdocs.yml inherits the original (same theme, extensions and other plugins) without the plugin.
    """
    config = read_config(project / "mkdocs.yml")
    dump = twin / "dump"
    shutil.rmtree(twin, ignore_errors=True)
    dump.mkdir(parents=True)
    hooks = [*list(config.get("hooks") or []), str(DUMP_HOOK)]
    dump_config = _write_config(project / "mkdocs.dump.yml", {"INHERIT": "mkdocs.yml", "hooks": hooks})
    env = bench_env() | {"RELEASEBOOK_BENCH_DUMP": str(dump)}
    run_once(build_command(dump_config, twin / "dump-site"), project, env)
    shutil.rmtree(twin / "dump-site", ignore_errors=True)
    for name in PROJECT_FILES:
        if name != "mkdocs.yml" and (project / name).is_file():
            shutil.copy2(project / name, twin / name)
    for name in PROJECT_DIRS:
        if (project / name).is_dir():
            shutil.copytree(project / name, twin / name, dirs_exist_ok=True)
    shutil.copytree(dump / "docs", twin / "docs", dirs_exist_ok=True)
    nav = yaml.safe_load((dump / "nav.yml").read_text(encoding="utf-8"))
    plugins = [p for p in _plugins(config) if _plugin_name(p) != PLUGIN]
    return _write_config(
        twin / "mkdocs.yml",
        {
            "INHERIT": str((project / "mkdocs.yml").resolve()),
            "docs_dir": "docs",
            "plugins": plugins,
            "nav": nav,
        },
    )


def focus_config(project: Path, slug: str) -> Path:
    """A configuration with the plugin's focused preview on one record (`focus: [slug]`)."""
    return plugin_options_config(project, "mkdocs.focus.yml", focus=[slug])


def serial_config(project: Path) -> Path:
    """A configuration whose build converts every page in the build process (`workers: 0`), for profiles."""
    return plugin_options_config(project, "mkdocs.serial.yml", workers=0)


def plugin_options_config(project: Path, name: str, **changes: Any) -> Path:
    """`name` next to mkdocs.yml: the same configuration with some releasebook options changed."""
    config = read_config(project / "mkdocs.yml")
    plugins: list[Any] = []
    for entry in _plugins(config):
        if _plugin_name(entry) == PLUGIN:
            options = dict(entry[PLUGIN] or {}) if isinstance(entry, dict) else {}
            options.update(changes)
            entry = {PLUGIN: options}
        plugins.append(entry)
    return _write_config(project / name, {"INHERIT": "mkdocs.yml", "plugins": plugins})


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body: bytes = response.read()
            return body.decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def _mount_path(config: dict[str, Any]) -> str:
    path = urllib.parse.urlsplit(str(config.get("site_url") or "")).path or "/"
    return path if path.endswith("/") else path + "/"


def edit_summary(project: Path, record: Path, marker: str) -> None:
    """Change one record's summary the way an author would, keeping the file otherwise as it was."""
    data = yaml.load(record.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data["summary"] = f"Edited for the preview benchmark: {marker}."
    depth = len(record.relative_to(project).parts) - 1
    record.write_text(render_record(data, depth=depth), encoding="utf-8")


def append_marker(project: Path, page: Path, marker: str) -> None:
    """Add a paragraph with the marker to a Markdown page (the plain-MkDocs twin has no records to edit)."""
    original = page.read_text(encoding="utf-8").split("\n\nEdited for the preview benchmark:", 1)[0]
    page.write_text(f"{original.rstrip()}\n\nEdited for the preview benchmark: {marker}.\n", encoding="utf-8")


def preview_latency(
    project: Path,
    config: Path,
    record: Path,
    page: str,
    edits: int,
    extra: tuple[str, ...] = (),
    start_timeout: float = 900.0,
    edit_timeout: float = 180.0,
    edit: Callable[[Path, Path, str], None] | None = None,
) -> tuple[list[float], list[str]]:
    """Seconds from saving `record` until `mkdocs serve` serves the change at `page`, once per edit.

    `edit(project, record, marker)` saves the change (default: the record's summary becomes the marker).

    Returns the latencies and the command that ran. Raises BenchError when the server never comes up or a
    change never shows within the bounded waits.
    """
    port = _free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}", *extra]
    url = f"http://127.0.0.1:{port}{_mount_path(read_config(project / 'mkdocs.yml'))}{page}"
    original = record.read_bytes()
    log_path = project / f"serve-{port}.log"
    latencies: list[float] = []
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command,
            cwd=project,
            env=bench_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + start_timeout
            while _fetch(url) is None:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise BenchError(f"mkdocs serve did not serve {url}:\n{_tail(log_path)}")
                time.sleep(0.25)
            time.sleep(1.0)  # let the first build's follow-up file events settle
            for number in range(edits):
                marker = f"edit-{number}-{secrets.token_hex(4)}"
                start = time.perf_counter()
                (edit or edit_summary)(project, record, marker)
                deadline = time.monotonic() + edit_timeout
                while True:
                    body = _fetch(url)
                    if body is not None and marker in body:
                        latencies.append(time.perf_counter() - start)
                        break
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise BenchError(f"change {marker} never showed at {url}:\n{_tail(log_path)}")
                    time.sleep(0.05)
                time.sleep(1.0)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            record.write_bytes(original)
    return latencies, command


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
