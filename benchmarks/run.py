"""Benchmark harness for releasebook (issue 7): validate and build speed at scale, against their floors.

    python benchmarks/run.py                         # N = 100, 1,000, 5,000; writes benchmarks/results.md
    python benchmarks/run.py --sizes 100,1000 --repeat 3
    python benchmarks/run.py --smoke                 # N = 20, one repeat: keeps the harness working in tests

Every number is the median of `--repeat` runs of a real subprocess, and the two sides of a comparison are run
alternately, so a change in machine load hits both. Ratios measured in one run are what the targets are about.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from comparisons import (  # noqa: E402
    BUILD_N,
    Bench,
    Options,
    Row,
    not_measured,
    profile,
    profile_rebuild,
    run_build,
    run_preview,
    run_validate,
)
from measure import BenchError, load_average, machine  # noqa: E402
from sitebench import plugin_missing, serial_config  # noqa: E402


def table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| # | measure | N | releasebook | baseline | ratio | target | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        "| " + " | ".join((r.number, r.measure, r.n, r.ours, r.baseline, r.ratio, r.target, r.result)) + " |"
        for r in rows
    ]
    return "\n".join(lines)


STANDING_NOTES = (
    "Every command is a fresh process: interpreter start-up is part of each time, on both sides.",
    "No parallelism: validate, check-jsonschema and the parse floor each run on one core.",
    "The releasebook build makes the feed and JSON in a forked process while it renders the pages "
    "(plugins/releasebook/outputs.py), converts the generated pages' Markdown in one process per CPU, the "
    "build process and forked workers (the plugin's `workers` option; plugins/releasebook/prerender.py); "
    "then, while MkDocs' page loop runs on one core, a forked process lays out most generated pages in the "
    "theme a few pages ahead of it (plugins/releasebook/layout.py) and the loop writes what it made. Plain "
    "MkDocs has no such option, so it does all of this on one core. Build memory counts the workers: the "
    "larger of the build process's own peak RSS and the peak summed PSS of its process tree.",
    "Build rows remove the site folder before each timed build, so every timed build starts from nothing; "
    "the row 'over the last build's site' builds into the folder the previous run left, as `make build` run "
    "again does. There MkDocs empties the folder itself (timed), and the plugin writes the record pages over "
    "the last build's files instead (plugins/releasebook/keep.py).",
    "Preview: `mkdocs serve` reuses the pages, feed and JSON entries whose inputs did not change "
    "(plugins/releasebook/memo.py) and the conversions of unchanged Markdown; without `--dirty`, MkDocs "
    "still lays out every page, as the plain-MkDocs row (the same pages, one edited) shows for MkDocs alone.",
    "validate pauses Python's cyclic garbage collector while it builds the model (the records hold no "
    "reference cycles; see plugins/releasebook/pipeline.py). The parse floor runs with the default "
    "collector; it keeps nothing alive, so its collections are cheap.",
    "validate parses with libyaml (the same C parser as the floor), checks with jsonschema-rs, and only "
    "imports jsonschema and finds line numbers when a record has something to report.",
)


def report(bench: Bench, started: str, load_before: str) -> str:
    """results.md."""
    options = bench.options
    out = [
        "# Benchmark results",
        "",
        f"Measured {started} by `{shlex.join(['python', 'benchmarks/run.py', *options.argv])}` "
        f"(medians of {options.repeat} run{'s' if options.repeat != 1 else ''}; the two sides of each "
        "comparison alternate). Absolute times depend on the machine and its load; the targets are about "
        "the ratios measured in one run.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    out += [f"| {key} | {value} |" for key, value in machine()]
    out += [
        f"| load average (1/5/15 min) before | {load_before} |",
        f"| load average after | {load_average()} |",
        "",
        "## Results",
        "",
        table(bench.rows),
        "",
    ]
    out += ["## Notes", "", *[f"- {note}" for note in (*bench.notes, *STANDING_NOTES)], ""]
    if bench.cpu_notes:
        out += [
            "CPU time of the same runs (medians): a cross-check that moves less with other load.",
            "",
            *[f"- {note}" for note in bench.cpu_notes],
            "",
        ]
    out += [
        "## Commands",
        "",
        "Records: `python benchmarks/generate.py --count N --seed "
        f"{options.seed} --out DIR` (what the harness calls for each N). Each command is shown for the first "
        "N it ran at; every N runs the same in its own folder `benchmarks/work/n<N>`.",
        "",
    ]
    out += [f"- {label}: `{command}`" for label, command in bench.commands.items()]
    for title, text in bench.profiles:
        out += ["", f"## Profile: {title}", "", "```", text, "```"]
    return "\n".join(out) + "\n"


def parse(argv: list[str]) -> Options:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="releasebook benchmarks (issue 7)")
    parser.add_argument("--sizes", default="100,1000,5000", help="record counts for comparisons 1 and 2")
    parser.add_argument("--scaling", default="1000,4000", help="the two sizes of the scaling ratio")
    parser.add_argument("--build-size", type=int, default=BUILD_N, help="records for the build comparison")
    parser.add_argument("--memory-size", type=int, help="records for peak memory (default: the largest size)")
    parser.add_argument("--preview-size", type=int, default=BUILD_N, help="records for the preview latency")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--edits", type=int, default=3, help="record edits per preview measurement")
    parser.add_argument("--preview-modes", default="full,dirty,focus,plain",
                        help="any of full, dirty, focus, plain (plain MkDocs serving the same pages)")
    parser.add_argument("--parts", default="validate,build,preview", help="any of validate, build, preview")
    parser.add_argument(
        "--workdir", type=Path, default=HERE / "work", help="where the projects are generated"
    )
    parser.add_argument("--out", type=Path, help="results file (default benchmarks/results.md)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated histories")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--smoke", action="store_true", help="N=20 (scaling 10 to 20), one repeat, one edit")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.scaling, args.build_size, args.preview_size = "20", "10,20", 20, 20
        args.repeat, args.edits, args.preview_modes = 1, 1, "full"
        args.out = args.out or args.workdir / "results-smoke.md"
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    low, high = (int(x) for x in args.scaling.split(","))
    return Options(
        sizes,
        (low, high),
        args.build_size,
        args.memory_size or max(sizes),
        args.preview_size,
        max(args.repeat, 1),
        max(args.edits, 1),
        [m for m in args.preview_modes.split(",") if m],
        set(args.parts.split(",")),
        args.workdir.resolve(),
        args.out or HERE / "results.md",
        args.seed,
        args.keep,
        list(argv),
    )


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the table, write the results file."""
    options = parse(sys.argv[1:] if argv is None else argv)
    bench = Bench(options)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = load_average()
    options.workdir.mkdir(parents=True, exist_ok=True)
    try:
        if "validate" in options.parts:
            run_validate(bench)
        missing = plugin_missing()
        if missing:
            not_measured(bench, missing)
        else:
            if "build" in options.parts:
                run_build(bench)
            if "preview" in options.parts:
                run_preview(bench)
        if any("MISSED" in r.result and r.measure.startswith("validate") for r in bench.rows):
            profile(
                bench,
                f"releasebook validate at {max(options.sizes):,} records",
                ["releasebook.cli", "validate"],
                bench.project(max(options.sizes)),
            )
        if not missing and any("MISSED" in r.result and r.measure == "preview latency" for r in bench.rows):
            profile_rebuild(
                bench,
                f"one `mkdocs serve` rebuild at {options.preview_size:,} records after a record is edited "
                "(benchmarks/rebuild_profile.py)",
                bench.project(options.preview_size),
            )
        if not missing and any("MISSED" in r.result and "build" in r.measure for r in bench.rows):
            project = bench.project(options.build_size)
            # workers: 0, so that the page conversions the workers would do show in the one profiled process
            profile(
                bench,
                f"mkdocs build at {options.build_size:,} records, with `workers: 0` (all page work in one "
                "process)",
                ["mkdocs", "build", "-f", str(serial_config(project)), "--site-dir", str(project / "site")],
                project,
            )
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        if not options.keep:
            for path in bench.scratch:
                shutil.rmtree(path, ignore_errors=True)
    text = report(bench, started, load_before)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(text, encoding="utf-8")
    print()
    print(table(bench.rows))
    print(f"\nwritten to {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
