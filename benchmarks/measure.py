"""Timing primitives for the benchmark harness: one subprocess run with its wall time and peak memory."""

from __future__ import annotations

import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path


class BenchError(Exception):
    """A measured command failed, so its numbers would mean nothing."""


@dataclass(frozen=True)
class Run:
    """One finished subprocess: wall seconds, CPU seconds (user + system), its own peak resident memory,
    exit status and output."""

    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0
    tree_pss_mb: float = 0.0
    """Peak of the summed proportional set size of the process and its children (its worker processes),
    sampled every TREE_SAMPLE seconds; 0 where /proc has no smaps_rollup."""

    @property
    def memory_mb(self) -> float:
        """Peak memory as judged: the larger of the process's own peak RSS and its process tree's peak PSS."""
        return max(self.max_rss_mb, self.tree_pss_mb)


@dataclass
class Series:
    """Repeated runs of one command; the median is what gets reported.

    `chunks` splits one logical command into several (an argument list over the OS limit); `prepare` runs
    untimed before every run (e.g. removing the previous build's output).
    """

    label: str
    command: list[str]
    cwd: Path
    chunks: list[list[str]] = field(default_factory=list)
    prepare: Callable[[], None] | None = None
    runs: list[Run] = field(default_factory=list)

    def measure(self, env: dict[str, str] | None = None, keep: bool = True) -> Run:
        """One timed run (all chunks), kept in `runs` unless it is a warm-up."""
        if self.prepare is not None:
            self.prepare()
        run = (
            run_chunks(self.chunks, self.cwd, env)
            if len(self.chunks) > 1
            else run_once(self.command, self.cwd, env)
        )
        if keep:
            self.runs.append(run)
        return run

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(r.seconds for r in self.runs)

    @property
    def median_cpu(self) -> float:
        """Median CPU time (user + system) in seconds: less sensitive than wall time to other load."""
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        """The highest peak memory over the runs in MB: own peak RSS, or the process tree's PSS if higher."""
        return max(r.memory_mb for r in self.runs)

    @property
    def memory_detail(self) -> str:
        """Both peaks: the process's own RSS and its process tree's summed PSS (with worker processes)."""
        rss = max(r.max_rss_mb for r in self.runs)
        tree = max(r.tree_pss_mb for r in self.runs)
        return f"own peak RSS {rss:.0f} MB, process tree peak PSS {tree:.0f} MB"

    @property
    def shown(self) -> str:
        """The command as a shell line, with its folder; a long list of record files is abbreviated."""
        files = [arg for arg in self.command if arg.endswith((".yml", ".yaml"))]
        command = self.command
        if len(files) > 3:
            first = self.command.index(files[0])
            command = [*self.command[:first], *files[:2]]
            return f"(cd {self.cwd} && {shlex.join(command)} ... ({len(files):,} record files in all))"
        return f"(cd {self.cwd} && {shlex.join(command)})"


TREE_SAMPLE = 0.25  # seconds; the process's own spikes are exact anyway (wait4's peak RSS)


def _children(pid: int) -> list[int]:
    """Direct children of a process, from /proc/<pid>/stat (field 4 is the parent)."""
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def tree_pss_kb(root: int) -> int:
    """Summed Pss of a process and all its descendants (shared pages counted once, split among sharers)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
        todo.extend(_children(pid))
    return total


class _TreeSampler(threading.Thread):
    """Samples a running process tree's summed Pss until stopped; `peak_kb` is the highest seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.stopped = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(TREE_SAMPLE):
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))


def run_once(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)
) -> Run:
    """Run a command to completion; its own peak RSS comes from wait4, so other children never mix in."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        sampler.stopped.set()
        sampler.join()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(
            seconds,
            usage.ru_maxrss / 1024,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_utime + usage.ru_stime,
            sampler.peak_kb / 1024,
        )
    if run.returncode not in ok:
        tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
        raise BenchError(f"{shlex.join(command)} (in {cwd}) exited {run.returncode}:\n{tail}")
    return run


def run_chunks(commands: list[list[str]], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run commands one after another (an argument list split for the OS limit) as one measurement."""
    runs = [run_once(c, cwd, env) for c in commands]
    return Run(
        sum(r.seconds for r in runs),
        max(r.max_rss_mb for r in runs),
        0,
        "".join(r.stdout for r in runs),
        "".join(r.stderr for r in runs),
        sum(r.cpu_seconds for r in runs),
        max(r.tree_pss_mb for r in runs),
    )


def interleave(series: list[Series], repeat: int, env: dict[str, str] | None = None) -> None:
    """Run each series `repeat` times, alternating between them so that load changes hit all sides alike."""
    for _ in range(repeat):
        for item in series:
            item.measure(env)


def split_arguments(prefix: list[str], arguments: list[str], limit: int | None = None) -> list[list[str]]:
    """`prefix + arguments`, split into as few commands as the OS argument-size limit allows."""
    limit = limit or max(os.sysconf("SC_ARG_MAX") // 2 - 65536, 32768)
    base = sum(len(p) + 1 for p in prefix)
    commands: list[list[str]] = []
    current: list[str] = []
    size = base
    for argument in arguments:
        if current and size + len(argument) + 1 > limit:
            commands.append(prefix + current)
            current, size = [], base
        current.append(argument)
        size += len(argument) + 1
    commands.append(prefix + current)
    return commands


def load_average() -> str:
    """The 1, 5 and 15-minute load averages."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on Linux
        return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[tuple[str, str]]:
    """What the numbers were measured on."""
    import yaml

    libyaml = "yes" if getattr(yaml, "__with_libyaml__", False) else "no"
    return [
        ("CPU", _cpu_model()),
        ("cores", str(os.cpu_count())),
        ("RAM", _memory_gb()),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("mkdocs", _version("mkdocs")),
        ("mkdocs-material", _version("mkdocs-material")),
        ("mkdocs-macros-plugin", _version("mkdocs-macros-plugin")),
        ("PyYAML", f"{_version('PyYAML')} (libyaml: {libyaml})"),
        ("jsonschema-rs", _version("jsonschema-rs")),
        ("check-jsonschema", _version("check-jsonschema")),
        ("releasebook", _version("releasebook")),
    ]
