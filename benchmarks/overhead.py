"""The releasebook plugin's own build phases without MkDocs' page work: CPU, cyclic-GC time and memory.

    python benchmarks/generate.py --count 1000 --seed 7 --out /tmp/b1000
    python benchmarks/overhead.py /tmp/b1000                       # CPU (and GC) seconds per phase
    python benchmarks/overhead.py /tmp/b1000 --memory              # tracemalloc: retained and peak MB
    python benchmarks/overhead.py /tmp/b1000 --profile on_files    # cProfile of one hook (times inflated)

It loads the project's mkdocs.yml as `mkdocs build` does and calls the plugin's own `on_config` and `on_files`
(nothing else runs: no theme, no pages), timing the core calls inside them: `check` (discover, load, validate,
rules, model), `history` (build_history and the mkdocs-macros variables), `render_site` and `site_files`, each
with the cyclic-GC seconds spent while it ran. What stays alive afterwards (the plugin, MkDocs' files with the
generated content) is what a real build keeps to its end. The per-page work (sanitize_html,
name_task_checkboxes) needs MkDocs' HTML: `overhead_hook.py` measures it inside a real build. CPU time rather
than wall time, so that other load moves the numbers less.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import pstats
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import releasebook.plugin as plugin_module
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from releasebook.pipeline import Checker

MB = 1 / 2**20


class Clock:
    """CPU seconds per named call, and cyclic-GC seconds charged to the innermost named call running."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.gc: dict[str, float] = {}
        self._running: list[str] = []
        self._gc_started = 0.0
        gc.callbacks.append(self._on_gc)

    def clear(self) -> None:
        """Forget what was counted."""
        self.cpu.clear()
        self.gc.clear()

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        name = self._running[-1] if self._running else "other"
        self.gc[name] = self.gc.get(name, 0.0) + time.perf_counter() - self._gc_started

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function`, adding its CPU time to `name`."""
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            self._running.append(name)
            try:
                return function(*args, **kwargs)
            finally:
                self._running.pop()
                self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - started
        return timed


def main(argv: list[str] | None = None) -> int:
    """Run on_config and on_files of the releasebook plugin once and print what they cost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a project folder with mkdocs.yml (see generate.py)")
    parser.add_argument("--memory", action="store_true", help="tracemalloc: retained and peak MB per hook")
    parser.add_argument("--profile", choices=("on_config", "on_files"), help="cProfile this hook, print it")
    args = parser.parse_args(argv)
    clock = Clock()
    Checker.check = clock.wrap("check", Checker.check)  # type: ignore[method-assign]
    for name, label in (("build_history", "history"), ("macros_variables", "history"),
                        ("render_site", "render_site"), ("site_files", "site_files")):
        setattr(plugin_module, name, clock.wrap(label, getattr(plugin_module, name)))

    config = load_config(str(args.project / "mkdocs.yml"))
    plugin = config.plugins["releasebook"]
    assert isinstance(plugin, plugin_module.ReleasebookPlugin)
    plugin.on_startup(command="build", dirty=False)
    config.plugins._current_plugin = "releasebook"  # what MkDocs sets while a plugin's event runs
    files = get_files(config)
    if args.memory:
        tracemalloc.start()
    hooks: list[tuple[str, Callable[[], Any]]] = [
        ("on_config", lambda: plugin.on_config(config)),
        ("on_files", lambda: plugin.on_files(files, config=config)),
    ]
    for name, run in hooks:
        clock.clear()
        started, cpu = time.perf_counter(), time.process_time()
        if args.profile == name:
            profile = cProfile.Profile()
            profile.runcall(run)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        else:
            run()
        inner = "  ".join(f"{part} {seconds:.2f} (gc {clock.gc.get(part, 0.0):.2f})"
                          for part, seconds in clock.cpu.items())
        cpu, wall = time.process_time() - cpu, time.perf_counter() - started
        collecting = sum(clock.gc.values())
        line = f"{name:9s} cpu {cpu:6.2f} s  wall {wall:6.2f} s  gc {collecting:5.2f} s  [{inner}]"
        if args.memory:
            gc.collect()
            current, peak = tracemalloc.get_traced_memory()
            line += f"  retained {current * MB:6.1f} MB  peak {peak * MB:6.1f} MB"
            tracemalloc.reset_peak()
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
