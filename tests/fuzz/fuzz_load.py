"""Fuzz the loader and the per-record checks: any bytes must end in located problems or a valid release.

    python tests/fuzz/fuzz_load.py [--seconds N] [--engine atheris|hypothesis] [extra libFuzzer flags]

`make fuzz` runs it for FUZZ_SECONDS (default 300). Each input is written as a record file and checked exactly
as `releasebook validate` checks one (load, schema, record checks, per-file cap, model), then the history of
that one release is built. A finding is any of:

- an exception (a crash, as libFuzzer reports it; the input is saved under build/fuzz/artifacts/);
- a problem outside the file (line below 1 or past the last line, column below 1 or past the end of its
  line), naming another file, with an empty message, or formatted on more than one line;
- an "internal error" problem (the pipeline's safety net caught a bug);
- no problem, yet no release (or the other way round);
- an input slower than TIME_BOUND seconds, or memory beyond MEMORY_BOUND (RLIMIT_AS: a MemoryError).

The seed corpus is every record under releases/. atheris (the `fuzz` extra) drives it with coverage
feedback; without atheris, hypothesis generates raw bytes for the same time.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "build" / "fuzz"
MAX_LEN = 65_536  # bytes per input: about 20 real records; the 1 MiB cap itself is tested in test_limits.py
TIME_BOUND = 2.0  # seconds per input (the worst 64 KB input takes about 0.2 s)
MEMORY_BOUND = 768 * 1024 * 1024  # RLIMIT_AS, bytes: the process starts at about 50 MB of address space
_LINE_BREAK = re.compile(r"\r\n?|\n")
_VERSION = re.compile(rb"^version:[ \t]*['\"]?([0-9A-Za-z.+-]{1,100})['\"]?[ \t]*$", re.MULTILINE)


class Finding(AssertionError):
    """An input that broke a promise of the loader and validator."""


class Target:
    """The code under test, set up once: a project with the real policy and a Checker."""

    def __init__(self) -> None:
        from releasebook.history import build_history
        from releasebook.pipeline import Checker
        from releasebook.settings import Settings

        memory_disk = "/dev/shm" if Path("/dev/shm").is_dir() else None  # inputs are written as files
        self.root = Path(tempfile.mkdtemp(prefix="releasebook-fuzz-", dir=memory_disk))
        shutil.copyfile(REPO / "policy.yml", self.root / "policy.yml")
        self.releases = self.root / "releases"
        self.releases.mkdir()
        self.checker = Checker(Settings(root=self.root))
        policy, problems = self.checker.load_policy()
        assert policy is not None, problems
        self.policy = policy
        self.build_history = build_history

    def close(self) -> None:
        """Remove the temporary project."""
        shutil.rmtree(self.root, ignore_errors=True)

    def file_for(self, data: bytes) -> Path:
        """Name the file after the version the input declares, so inputs can pass the file-name check."""
        match = _VERSION.search(data)
        name = match.group(1).decode("ascii") if match else "1.0.0"
        return self.releases / f"{name}.yml"

    def check(self, data: bytes) -> None:
        """Check one input; raise Finding when a promise is broken."""
        for old in self.releases.iterdir():
            old.unlink()
        path = self.file_for(data)
        path.write_bytes(data)
        started = time.perf_counter()
        document, problems, release = self.checker.check_record(path, self.policy)
        if release is not None:
            self.build_history([release], self.policy)
        elapsed = time.perf_counter() - started
        if elapsed > TIME_BOUND:
            raise Finding(f"slow input: {elapsed:.2f} s for {len(data)} bytes")
        display = f"releases/{path.name}"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
        # As editors and GitHub count lines: \n, \r\n and a lone \r end a line, and a final one starts none.
        lines = _LINE_BREAK.split(text)
        if len(lines) > 1 and lines[-1] == "":
            lines.pop()
        for problem in problems:
            where = f"{problem.format()!r}"
            if problem.file != display:
                raise Finding(f"problem names another file: {where}")
            on_a_line = 1 <= problem.line <= len(lines)
            if not on_a_line or not 1 <= problem.col <= len(lines[problem.line - 1]) + 1:
                raise Finding(f"problem outside the file ({len(lines)} lines): {where}")
            if not problem.message.strip() or "\n" in problem.format():
                raise Finding(f"empty or multi-line message: {where}")
            if "internal error" in problem.message:
                raise Finding(f"the safety net caught a bug: {where}")
        if bool(problems) == (release is not None):
            raise Finding(f"problems={len(problems)} but release={release is not None}")
        if release is not None and document.data is None:
            raise Finding("a release without data")


def seed_corpus(corpus: Path) -> None:
    """Copy every record under releases/ into the corpus folder (kept between runs)."""
    corpus.mkdir(parents=True, exist_ok=True)
    for record in sorted((REPO / "releases").rglob("*.yml")):
        shutil.copyfile(record, corpus / f"seed-{record.name}")


def limit_memory() -> None:
    """Cap this process's address space, so a memory blow-up is a MemoryError finding, not a swapping host."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    bound = MEMORY_BOUND if hard == resource.RLIM_INFINITY else min(MEMORY_BOUND, hard)
    resource.setrlimit(resource.RLIMIT_AS, (bound, hard))


def run_atheris(seconds: int, extra: list[str]) -> None:
    """Coverage-guided fuzzing with libFuzzer through atheris."""
    import atheris

    with atheris.instrument_imports():
        import releasebook.history
        import releasebook.load
        import releasebook.pipeline
        import releasebook.validate  # noqa: F401
    target = Target()
    corpus, artifacts = WORK / "corpus", WORK / "artifacts"
    seed_corpus(corpus)
    artifacts.mkdir(parents=True, exist_ok=True)

    def test_one_input(data: bytes) -> None:
        target.check(data)

    argv = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", f"-max_len={MAX_LEN}", "-timeout=20",
            f"-rss_limit_mb={MEMORY_BOUND // (1024 * 1024)}", f"-artifact_prefix={artifacts}/",
            "-print_final_stats=1", *extra]
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


def run_hypothesis(seconds: int) -> None:
    """Without atheris: hypothesis feeds random and mutated seed bytes for the same time."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    target = Target()
    seeds = [p.read_bytes() for p in sorted((REPO / "releases").rglob("*.yml"))]
    mutated = st.tuples(st.sampled_from(seeds), st.integers(0, 4000), st.binary(max_size=64)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :])
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        @settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(st.one_of(st.binary(max_size=MAX_LEN), mutated))
        def fuzz(data: bytes) -> None:
            target.check(data)

        fuzz()
        runs += 500
    print(f"hypothesis engine: {runs} inputs in {seconds} s, no finding")


def main() -> None:
    """Parse the options and run the chosen engine."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", "300")))
    parser.add_argument("--engine", choices=("atheris", "hypothesis"), default=None)
    options, extra = parser.parse_known_args()
    limit_memory()
    engine = options.engine
    if engine is None:
        try:
            import atheris  # noqa: F401
            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    if engine == "atheris":
        run_atheris(options.seconds, extra)
    else:
        run_hypothesis(options.seconds)


if __name__ == "__main__":
    main()
