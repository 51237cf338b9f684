"""What each kind of generated page costs MkDocs: Markdown conversion, search parsing and sanitising, in ms.

Generates a seeded history (or reads an existing project), renders its pages with `render_site`, and for each
page times what a build does with it: Python-Markdown with the project's `markdown_extensions`, Material's
search `Parser` (skipped, as Material skips it, for pages whose front matter says `search: {exclude: true}`)
and the plugin's `sanitize_html` + `name_task_checkboxes`. `--as-build` converts with the inline step the
build installs for the pages it converts ahead (`releasebook.inline`); by default each page gets a plain
Python-Markdown converter, as MkDocs' own `Page.render()` makes. Each page is measured `--repeat` times
and its fastest run kept; the table shows the mean per page kind. Times are this process's CPU time
(`time.process_time`), so other work on a shared machine disturbs them less than wall-clock time would.
A measurement tool, not a test: nothing asserts.

    .venv/bin/python benchmarks/page_cost.py --count 200 --seed 7
    .venv/bin/python benchmarks/page_cost.py --project /tmp/x          # an existing project with mkdocs.yml
    .venv/bin/python benchmarks/page_cost.py --count 200 --as-build    # with the build's inline step
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
from material.plugins.search.plugin import Parser
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data
from releasebook.accessible import name_task_checkboxes
from releasebook.history import build_history
from releasebook.inline import install
from releasebook.pipeline import Checker
from releasebook.render import render_site
from releasebook.sanitize import sanitize_html
from releasebook.settings import settings_from_mkdocs

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # benchmarks/ is not a package

KINDS = ("notes", "checklist", "rollback", "index", "status", "policy")


@dataclass
class Costs:
    """Per-page measurements for one page kind."""

    markdown_ms: list[float] = field(default_factory=list)
    search_ms: list[float] = field(default_factory=list)
    sanitise_ms: list[float] = field(default_factory=list)
    md_kb: list[float] = field(default_factory=list)
    html_kb: list[float] = field(default_factory=list)
    excluded: int = 0


def kind_of(path: str) -> str:
    """`notes`, `checklist`, `rollback` for a release's pages; `index`, `status`, `policy` for the rest."""
    name = path.rsplit("/", 1)[-1]
    if path.startswith("releases/") and path.count("/") == 2:
        return {"index.md": "notes", "checklist.md": "checklist", "rollback.md": "rollback"}[name]
    return {"releases/index.md": "index", "releases/status.md": "status", "policy/index.md": "policy"}[path]


def fastest(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of `repeat` runs in ms of CPU time, and the last result."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        best = min(best, time.process_time() - start)
    return best * 1000, result


def search_parse(page_html: str) -> None:
    """What Material's search plugin does with an indexed page's HTML."""
    parser = Parser()
    parser.feed(page_html)
    parser.close()


def measure(project: Path, repeat: int, *, as_build: bool = False) -> dict[str, Costs]:
    """Render the project's pages and time each one."""
    settings = settings_from_mkdocs(project / "mkdocs.yml")
    checked = Checker(settings).check()
    if checked.errors or checked.policy is None:
        raise SystemExit(f"{project}: the records have errors; run `releasebook validate` there")
    pages = render_site(checked, build_history(checked.releases, checked.policy), settings)
    config = load_config(str(project / "mkdocs.yml"))
    extensions, configs = config["markdown_extensions"], config["mdx_configs"]
    costs = {kind: Costs() for kind in KINDS}
    gc.disable()  # a collection inside one timed run would be charged to whichever page it hit
    try:
        for page in pages:
            body, meta = get_data(page.content)
            cost = costs[kind_of(page.path)]
            converter = markdown.Markdown(extensions=extensions, extension_configs=configs)
            if as_build:
                install(converter)

            def convert(converter: markdown.Markdown = converter, body: str = body) -> str:
                converter.reset()
                return converter.convert(body)

            ms, page_html = fastest(repeat, convert)
            cost.markdown_ms.append(ms)
            cost.md_kb.append(len(body.encode()) / 1024)
            cost.html_kb.append(len(page_html.encode()) / 1024)
            if (meta.get("search") or {}).get("exclude"):
                cost.excluded += 1
                cost.search_ms.append(0.0)
            else:
                cost.search_ms.append(fastest(repeat, lambda h=page_html: search_parse(h))[0])
            cost.sanitise_ms.append(
                fastest(repeat, lambda h=page_html: name_task_checkboxes(sanitize_html(h)))[0])
    finally:
        gc.enable()
    return costs


def table(costs: dict[str, Costs]) -> str:
    """Mean per page of each kind, and the sum over every page."""
    lines = [
        "| page kind | pages | Markdown KB | HTML KB | Markdown ms | search parse ms | sanitise ms "
        "| total ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    grand = 0.0
    for kind in KINDS:
        cost = costs[kind]
        if not cost.markdown_ms:
            continue
        parts = [statistics.fmean(values) for values in (cost.markdown_ms, cost.search_ms, cost.sanitise_ms)]
        grand += sum(sum(values) for values in (cost.markdown_ms, cost.search_ms, cost.sanitise_ms))
        search = f"{parts[1]:.2f}"
        if cost.excluded:
            search = ("excluded" if cost.excluded == len(cost.search_ms)
                      else f"{search} ({cost.excluded} excluded)")
        lines.append(
            f"| {kind} | {len(cost.markdown_ms)} | {statistics.fmean(cost.md_kb):.1f} | "
            f"{statistics.fmean(cost.html_kb):.1f} | {parts[0]:.2f} | {search} | {parts[2]:.2f} "
            f"| {sum(parts):.2f} |")
    lines.append(f"\nAll pages: {grand / 1000:.2f} s of Markdown, search parsing and sanitising.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the table for a generated history or an existing project."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="records to generate (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated history (default 7)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per page; the fastest is kept (default 3)")
    parser.add_argument("--project", type=Path, help="measure this project instead of generating one")
    parser.add_argument("--as-build", action="store_true",
                        help="convert with the inline step the build uses for generated pages")
    args = parser.parse_args(argv)
    if args.project is not None:
        costs = measure(args.project, args.repeat, as_build=args.as_build)
        source = str(args.project)
    else:
        with tempfile.TemporaryDirectory(prefix="page-cost-") as folder:
            generate.generate(Path(folder), args.count, args.seed)
            costs = measure(Path(folder), args.repeat, as_build=args.as_build)
        source = f"generated history, --count {args.count} --seed {args.seed}"
    converter = "the build's inline step" if args.as_build else "plain Python-Markdown"
    print(f"Per-page cost in ms of CPU time, mean of each page's fastest of {args.repeat} runs ({source}; "
          f"{converter}):\n")
    print(table(costs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
