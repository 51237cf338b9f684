"""The measurements of the benchmark harness: validate against its baselines, build against plain MkDocs,
and the serve preview latency. Each adds rows to the results table."""

from __future__ import annotations

import io
import pstats
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generate import generate
from measure import BenchError, Series, interleave, run_once, split_arguments
from sitebench import (
    append_marker,
    bench_env,
    build_command,
    built_once,
    clean,
    ensure_site_config,
    focus_config,
    make_plain_twin,
    preview_latency,
)

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
VALIDATE_N, BUILD_N = 5000, 1000  # where the issue states its targets


@dataclass
class Row:
    """One line of the results table."""

    number: str
    measure: str
    n: str
    ours: str = ""
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    result: str = ""


@dataclass
class Options:
    """What to measure, and how often."""

    sizes: list[int]
    scaling: tuple[int, int]
    build_size: int
    memory_size: int
    preview_size: int
    repeat: int
    edits: int
    preview_modes: list[str]
    parts: set[str]
    workdir: Path
    out: Path
    seed: int
    keep: bool
    argv: list[str]


@dataclass
class Bench:
    """The state of one harness run: generated projects, rows, the commands that produced them."""

    options: Options
    rows: list[Row] = field(default_factory=list)
    commands: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    profiles: list[tuple[str, str]] = field(default_factory=list)
    projects: dict[int, Path] = field(default_factory=dict)
    scratch: list[Path] = field(default_factory=list)
    validate_series: dict[int, Series] = field(default_factory=dict)
    cpu_notes: list[str] = field(default_factory=list)

    def project(self, n: int) -> Path:
        """The generated project with n records (made on first use)."""
        if n not in self.projects:
            target = self.options.workdir / f"n{n}"
            paths = generate(target, n, self.options.seed)
            size = sum(p.stat().st_size for p in paths) / max(len(paths), 1)
            print(f"generated {n:,} records ({size / 1024:.1f} KB each) in {target}", flush=True)
            self.projects[n] = target
            self.scratch.append(target)
        return self.projects[n]

    def record(self, series: Series) -> Series:
        """Remember a series' command for the results."""
        self.commands.setdefault(series.label, series.shown)
        return series


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def _releasebook() -> list[str]:
    script = BIN / "releasebook"
    return [str(script)] if script.exists() else [sys.executable, "-m", "releasebook.cli"]


# --- validate -----------------------------------------------------------------------------------------------


def validate_series(bench: Bench, n: int) -> list[Series]:
    """validate, check-jsonschema and the parse floor on the same n-record project."""
    project = bench.project(n)
    files = sorted(p.relative_to(project).as_posix() for p in (project / "releases").rglob("*.yml"))
    checker = BIN / "check-jsonschema"
    if not checker.exists():
        raise BenchError("check-jsonschema is not installed: install the project's test extras")
    chunks = split_arguments([str(checker), "--schemafile", "schemas/release.schema.json"], files)
    if len(chunks) > 1:
        bench.notes.append(
            f"check-jsonschema at N={n:,} ran as {len(chunks)} commands (argument-size limit); "
            "their times are summed."
        )
    ours = Series("releasebook validate", [*_releasebook(), "validate"], project)
    theirs = Series("check-jsonschema", chunks[0], project, chunks=chunks)
    floor = Series("parse floor", [sys.executable, str(HERE / "floor.py"), "releases"], project)
    return [ours, theirs, floor]


def run_validate(bench: Bench) -> None:
    """Comparisons 1 and 2 at every size, 4 (validate scaling) and 6 (validate memory)."""
    options = bench.options
    env = bench_env()
    for index, n in enumerate(sorted(options.sizes)):
        series = validate_series(bench, n)
        if index == 0:  # warm the file cache and compiled bytecode once, untimed
            for item in series:
                item.measure(env, keep=False)
        interleave(series, options.repeat, env)
        for item in series:
            bench.record(item)
        ours, theirs, floor = series
        bench.validate_series[n] = ours
        at_target = n == max(options.sizes)
        speedup = theirs.median / ours.median
        slowdown = ours.median / floor.median
        size = f"{n:,}"
        bench.rows.append(
            Row(
                "1",
                "validate vs check-jsonschema",
                size,
                _seconds(ours.median),
                _seconds(theirs.median),
                f"{speedup:.1f}x faster",
                "≥ 5x faster",
                _verdict(speedup >= 5) if at_target else "",
            )
        )
        bench.rows.append(
            Row(
                "2",
                "validate vs parse floor",
                size,
                _seconds(ours.median),
                _seconds(floor.median),
                f"{slowdown:.2f}x",
                "≤ 1.5x",
                _verdict(slowdown <= 1.5) if at_target else "",
            )
        )
        bench.cpu_notes.append(
            f"N={size}: CPU time (user + system) validate {ours.median_cpu:.2f} s, check-jsonschema "
            f"{theirs.median_cpu:.2f} s ({theirs.median_cpu / ours.median_cpu:.1f}x), parse floor "
            f"{floor.median_cpu:.2f} s ({ours.median_cpu / floor.median_cpu:.2f}x)"
        )
        print(
            f"validate at {size}: {ours.median:.2f} s, check-jsonschema {theirs.median:.2f} s, "
            f"floor {floor.median:.2f} s",
            flush=True,
        )
    # Both ends of the scaling ratio alternate in their own loop, so a change in load hits both alike.
    low, high = options.scaling
    pair = [validate_series(bench, low)[0], validate_series(bench, high)[0]]
    interleave(pair, options.repeat, env)
    ratio = pair[1].median / pair[0].median
    limit = 1.1 * high / low
    bench.rows.append(
        Row(
            "4",
            "validate scaling",
            f"{low:,} → {high:,}",
            _seconds(pair[1].median),
            _seconds(pair[0].median),
            f"{ratio:.2f}",
            f"≤ {limit:.1f} (ideal {high / low:.1f})",
            _verdict(ratio <= limit),
        )
    )
    print(f"validate scaling {low:,} → {high:,}: {ratio:.2f}", flush=True)
    for n, item in zip((low, high), pair, strict=True):
        bench.validate_series.setdefault(n, item)
    if options.memory_size not in bench.validate_series:
        memory = validate_series(bench, options.memory_size)[0]
        interleave([memory], 1, env)
        bench.validate_series[options.memory_size] = memory
    peak = bench.validate_series[options.memory_size].peak_mb
    bench.rows.append(
        Row(
            "6",
            "validate peak memory",
            f"{options.memory_size:,}",
            f"{peak:.0f} MB",
            "",
            "",
            "< 200 MB",
            _verdict(peak < 200),
        )
    )


# --- build and preview ------------------------------------------------------------------------------------


def not_measured(bench: Bench, reason: str) -> None:
    options = bench.options
    low, high = options.scaling
    for number, measure, n in (
        ("3", "build vs plain MkDocs", f"{options.build_size:,}"),
        ("3", "build time", f"{options.build_size:,}"),
        ("4", "build scaling", f"{low:,} → {high:,}"),
        ("5", "preview latency", f"{options.preview_size:,}"),
        ("6", "build peak memory", f"{options.memory_size:,}"),
    ):
        bench.rows.append(Row(number, measure, n, result=f"not measured: {reason}"))


def build_series(bench: Bench, n: int, plain: bool) -> list[Series]:
    """`mkdocs build` of the n-record site with the plugin and, when asked, of its plain-MkDocs twin."""
    project = bench.project(n)
    ensure_site_config(project)
    site = project / "site"
    series = [
        Series(
            "mkdocs build (releasebook plugin)",
            build_command(project / "mkdocs.yml", site),
            project,
            prepare=clean(site),
        )
    ]
    if plain:
        twin_dir = bench.options.workdir / f"n{n}-plain"
        bench.scratch.append(twin_dir)
        config = make_plain_twin(project, twin_dir)
        pages = sum(1 for _ in (twin_dir / "docs").rglob("*.md"))
        bench.notes.append(
            f"The site at N={n:,} has {pages:,} Markdown pages (the plain twin builds the same)."
        )
        series.append(
            Series(
                "mkdocs build (plain MkDocs, same pages)",
                build_command(config, twin_dir / "site"),
                twin_dir,
                prepare=clean(twin_dir / "site"),
            )
        )
    return series


def again(series: Series) -> Series:
    """The same build into a folder of its own that keeps the last build's output between timed runs."""
    site = Path(series.command[-1])
    site_again = site.with_name(f"{site.name}-again")
    command = [*series.command[:-1], str(site_again)]
    return Series(f"{series.label}, over the last build", command, series.cwd,
                  prepare=built_once(command, series.cwd, site_again))


def _measure(bench: Bench, series: list[Series], repeat: int) -> None:
    interleave(series, repeat, bench_env())
    for item in series:
        bench.record(item)


def run_build(bench: Bench) -> None:
    """Comparison 3, build scaling, build memory.

    Every build of comparison 3 and of the scaling ratio runs in one alternating loop (plugin and plain
    MkDocs, small and large), so a change in machine load hits all of them alike.
    """
    options = bench.options
    low, high = options.scaling
    by_size = {
        size: build_series(bench, size, plain=True) for size in sorted({options.build_size, low, high})
    }
    # A build as `make build` run again meets it: over the last build's site, which MkDocs empties itself.
    rebuilds = [again(item) for item in by_size[options.build_size]]
    _measure(bench, [item for pair in by_size.values() for item in pair] + rebuilds, options.repeat)
    for size, (ours, plain) in by_size.items():
        print(f"build at {size:,}: plugin {ours.median:.2f} s, plain {plain.median:.2f} s", flush=True)
        bench.notes.append(
            f"Build at N={size:,}: peak RSS {ours.peak_mb:.0f} MB with the plugin, "
            f"{plain.peak_mb:.0f} MB for plain MkDocs on the same pages; CPU time "
            f"{ours.median_cpu:.1f} s and {plain.median_cpu:.1f} s (medians)."
        )
    ours, plain = by_size[options.build_size]
    ratio = ours.median / plain.median
    n = f"{options.build_size:,}"
    bench.rows.append(
        Row(
            "3",
            "build vs plain MkDocs",
            n,
            _seconds(ours.median),
            _seconds(plain.median),
            f"{ratio:.2f}x",
            "≤ 1.15x",
            _verdict(ratio <= 1.15),
        )
    )
    bench.rows.append(
        Row(
            "3",
            "build time",
            n,
            _seconds(ours.median),
            "",
            "",
            "< 15 s at 1,000",
            _verdict(ours.median < 15) if options.build_size == BUILD_N else "",
        )
    )
    ours_again, plain_again = rebuilds
    bench.rows.append(
        Row(
            "3",
            "build time, over the last build's site",
            n,
            _seconds(ours_again.median),
            _seconds(plain_again.median),
            f"{ours_again.median / plain_again.median:.2f}x",
            "(as `make build` run again; the target is judged on the row above)",
            "",
        )
    )
    (small, small_plain), (large, large_plain) = by_size[low], by_size[high]
    ratio = large.median / small.median
    plain_ratio = large_plain.median / small_plain.median
    limit = 1.1 * high / low
    bench.rows.append(
        Row(
            "4",
            "build scaling",
            f"{low:,} → {high:,}",
            _seconds(large.median),
            _seconds(small.median),
            f"{ratio:.2f} (plain MkDocs: {plain_ratio:.2f})",
            f"≤ {limit:.1f} (ideal {high / low:.1f})",
            _verdict(ratio <= limit),
        )
    )
    if options.memory_size in by_size:
        memory = by_size[options.memory_size][0]
    else:
        memory = build_series(bench, options.memory_size, plain=False)[0]
        _measure(bench, [memory], 1)
    bench.rows.append(
        Row(
            "6",
            "build peak memory",
            f"{options.memory_size:,}",
            f"{memory.peak_mb:.0f} MB",
            "",
            f"(build: {_seconds(memory.median)}; {memory.memory_detail})",
            "< 500 MB",
            _verdict(memory.peak_mb < 500),
        )
    )


def preview_record(project: Path) -> Path:
    """The record the preview benchmark edits: the middle one of the history."""
    records = sorted((project / "releases").rglob("*.yml"))
    return records[len(records) // 2]


def run_preview(bench: Bench) -> None:
    """Comparison 5: seconds from saving a record until `mkdocs serve` shows it, per preview mode."""
    options = bench.options
    project = bench.project(options.preview_size)
    ensure_site_config(project)
    record = preview_record(project)
    slug = record.stem.split("+", 1)[0]
    page = f"releases/{slug}/"
    modes = {
        "full": ("preview latency", project / "mkdocs.yml", ()),
        "dirty": ("preview latency (serve --dirty)", project / "mkdocs.yml", ("--dirty",)),
        "focus": ("preview latency (focus on the edited record)", None, ()),
    }
    for mode in options.preview_modes:
        if mode == "plain":
            _preview_plain_twin(bench, project, slug, page)
            continue
        label, config, extra = modes[mode]
        if config is None:
            config = focus_config(project, slug)
        try:
            latencies, command = preview_latency(project, config, record, page, options.edits, extra)
        except BenchError as error:
            bench.rows.append(Row("5", label, f"{options.preview_size:,}", result="not measured: see notes"))
            bench.notes.append(f"{label}: {error}")
            continue
        median = sorted(latencies)[len(latencies) // 2]
        bench.commands[label] = (
            f"(cd {project} && {shlex.join(command)}), then edit {record.relative_to(project)}"
        )
        bench.rows.append(
            Row(
                "5",
                label,
                f"{options.preview_size:,}",
                _seconds(median),
                "",
                "edits: " + ", ".join(f"{x:.2f}" for x in latencies),
                "< 3 s",
                _verdict(median < 3),
            )
        )
        print(f"{label} at {options.preview_size:,}: {median:.2f} s", flush=True)


def _preview_plain_twin(bench: Bench, project: Path, slug: str, page: str) -> None:
    """MkDocs' own floor for a full serve rebuild: plain MkDocs serving the same pages, one page edited."""
    options = bench.options
    label = "preview latency (plain MkDocs, same pages)"
    twin = project.parent / f"{project.name}-plain"
    if not (twin / "mkdocs.yml").is_file():
        bench.scratch.append(twin)
        make_plain_twin(project, twin)
    source = twin / "docs" / "releases" / slug / "index.md"
    try:
        latencies, command = preview_latency(twin, twin / "mkdocs.yml", source, page, options.edits,
                                             edit=append_marker)
    except BenchError as error:
        bench.rows.append(Row("5", label, f"{options.preview_size:,}", result="not measured: see notes"))
        bench.notes.append(f"{label}: {error}")
        return
    median = sorted(latencies)[len(latencies) // 2]
    bench.commands[label] = f"(cd {twin} && {shlex.join(command)}), then edit {source.relative_to(twin)}"
    edits = ", ".join(f"{x:.2f}" for x in latencies)
    bench.rows.append(Row("5", label, f"{options.preview_size:,}", _seconds(median), "",
                          f"edits: {edits}; MkDocs' own floor for a full rebuild, no target"))
    print(f"{label} at {options.preview_size:,}: {median:.2f} s", flush=True)


# --- profiles and report ----------------------------------------------------------------------------------


def profile(bench: Bench, title: str, module_args: list[str], cwd: Path) -> None:
    """A cProfile of one command for a missed target: top 45 by cumulative time, then top 20 by own time."""
    out = bench.options.workdir / f"profile-{len(bench.profiles)}.out"
    run_once([sys.executable, "-m", "cProfile", "-o", str(out), "-m", *module_args], cwd, bench_env())
    _add_profile(bench, title, out)


def profile_rebuild(bench: Bench, title: str, project: Path) -> None:
    """A cProfile of one `mkdocs serve` rebuild after the preview's record is edited (rebuild_profile.py)."""
    out = bench.options.workdir / f"profile-{len(bench.profiles)}.out"
    record = preview_record(project).relative_to(project)
    run_once([sys.executable, str(HERE / "rebuild_profile.py"), str(project), str(record), "--out", str(out)],
             project, bench_env())
    _add_profile(bench, title, out)


def _add_profile(bench: Bench, title: str, out: Path) -> None:
    """The profile's top 45 by cumulative time, then top 20 by own time, for the report."""
    text = io.StringIO()
    stats = pstats.Stats(str(out), stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(20)
    bench.profiles.append((title, text.getvalue().strip()))
