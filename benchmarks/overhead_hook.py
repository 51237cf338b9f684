"""MkDocs hook: what the releasebook plugin's own calls cost inside a real `mkdocs build`, without a profiler.

    python benchmarks/generate.py --count 1000 --seed 7 --out /tmp/b1000
    printf 'INHERIT: mkdocs.yml\\nhooks:\\n  - %s\\n' "$PWD/benchmarks/overhead_hook.py" \\
        > /tmp/b1000/overhead.yml
    (cd /tmp/b1000 && mkdocs build -q -f overhead.yml --site-dir /tmp/b1000-site)
    (cd /tmp/b1000 && RELEASEBOOK_OVERHEAD_EMPTY=1 mkdocs build -q -f overhead.yml --site-dir /tmp/b1000-site)

At the end of the build it prints, to stderr, the CPU and wall seconds and the call count of each plugin call
(the check, history, render_site, site_files, and per generated page sanitize_html and name_task_checkboxes),
the resident memory and its peak so far after the check, after on_files and at the end. With
RELEASEBOOK_OVERHEAD_EMPTY=1 every page's Markdown is replaced by one word after the plugin's
on_page_markdown, so MkDocs' own page work shrinks and the plugin's overhead is most of what remains.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import releasebook.plugin as plugin_module
from mkdocs.plugins import event_priority
from releasebook.pipeline import Checker

_CPU: dict[str, float] = {}
_WALL: dict[str, float] = {}
_CALLS: dict[str, int] = {}
_MEMORY: list[tuple[str, int, int]] = []
_STARTED = time.perf_counter()


def _memory() -> tuple[int, int]:
    """Resident set size and its peak so far, in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def _timed(name: str, function: Callable[..., Any], *, memory: bool = False) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            _CPU[name] = _CPU.get(name, 0.0) + time.process_time() - cpu
            _WALL[name] = _WALL.get(name, 0.0) + time.perf_counter() - wall
            _CALLS[name] = _CALLS.get(name, 0) + 1
            if memory:
                _MEMORY.append((f"after {name}", *_memory()))
    return timed


# MkDocs has bound the plugin's hooks already; the module-level names they call are looked up at call time.
Checker.check = _timed("check", Checker.check, memory=True)  # type: ignore[method-assign]
for _name in ("build_history", "macros_variables", "render_site", "sanitize_html", "name_task_checkboxes"):
    setattr(plugin_module, _name, _timed(_name, getattr(plugin_module, _name)))
plugin_module.site_files = _timed("site_files", plugin_module.site_files, memory=True)


@event_priority(-100)
def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """With RELEASEBOOK_OVERHEAD_EMPTY=1, a one-word page: MkDocs' own page work all but disappears."""
    return "stub\n" if os.environ.get("RELEASEBOOK_OVERHEAD_EMPTY") else markdown


def on_post_build(config: Any) -> None:
    """Print the table."""
    out = sys.stderr
    print(f"overhead: build {time.perf_counter() - _STARTED:.2f} s wall since the hook was loaded", file=out)
    for name in _CPU:
        print(f"overhead: {name:22s} cpu {_CPU[name]:7.3f} s  wall {_WALL[name]:7.3f} s  "
              f"calls {_CALLS[name]}", file=out)
    for label, rss, peak in [*_MEMORY, ("at the end", *_memory())]:
        print(f"overhead: {label:22s} RSS {rss:5d} MB  peak so far {peak:5d} MB", file=out)
