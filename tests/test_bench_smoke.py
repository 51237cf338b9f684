"""The benchmark harness keeps working: a smoke run at N=20, and generated histories that pass validation.

No timed assertions: speed is measured and judged in benchmarks/results.md, never here.
"""

from __future__ import annotations

import bisect
import subprocess
import sys
from pathlib import Path

import pytest
from releasebook import history
from releasebook.pipeline import Checker
from releasebook.settings import settings_from_mkdocs

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO / "benchmarks"
RELEASEBOOK = Path(sys.executable).parent / "releasebook"

TABLE_ROWS = (
    "validate vs check-jsonschema",
    "validate vs parse floor",
    "validate scaling",
    "validate peak memory",
    "build vs plain MkDocs",
    "build time",
    "build time, over the last build's site",
    "build scaling",
    "preview latency",
    "build peak memory",
)


@pytest.fixture(scope="module")
def generate_module() -> object:
    """benchmarks/generate.py, imported from its folder."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import generate

        return generate
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_smoke_run_prints_and_writes_every_row(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--smoke",
            "--workdir",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| # | measure | N | releasebook | baseline | ratio | target | result |" in result.stdout
    written = out.read_text(encoding="utf-8")
    for row in TABLE_ROWS:
        printed = [line for line in result.stdout.splitlines() if line.startswith("|") and f" {row} " in line]
        assert printed, f"no '{row}' row in the printed table:\n{result.stdout}"
        assert printed[0] in written
    rows = [
        line for line in result.stdout.splitlines() if line.startswith("| 1 |") or line.startswith("| 2 |")
    ]
    assert rows and all("| 20 |" in line for line in rows)
    for heading in (
        "## Machine",
        "| CPU |",
        "| cores |",
        "| RAM |",
        "| Python |",
        "| mkdocs |",
        "## Commands",
    ):
        assert heading in written
    assert "--smoke" in written  # the exact command that produced the file
    assert not (tmp_path / "work" / "n20").exists()  # generated projects are cleaned up


def test_generated_history_passes_validate(tmp_path: Path, generate_module: object) -> None:
    paths = generate_module.generate(tmp_path, 150, seed=3)  # type: ignore[attr-defined]
    assert len(paths) == 150
    result = subprocess.run(
        [str(RELEASEBOOK), "validate"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("150 files, 0 errors, 0 warnings")


def test_generation_is_deterministic_and_realistic(tmp_path: Path, generate_module: object) -> None:
    first = generate_module.generate(tmp_path / "a", 60, seed=5)  # type: ignore[attr-defined]
    second = generate_module.generate(tmp_path / "b", 60, seed=5)  # type: ignore[attr-defined]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    average = sum(p.stat().st_size for p in first) / len(first)
    assert 2500 < average < 4500  # about the size of a real record


def test_generated_history_obeys_the_cross_release_rules(tmp_path: Path, generate_module: object) -> None:
    """Issue 4's rules, checked independently of rules.py, on a history large enough to hold every case."""
    generate_module.generate(tmp_path, 400, seed=7)  # type: ignore[attr-defined]
    project = Checker(settings_from_mkdocs(tmp_path / "mkdocs.yml")).check()
    assert project.errors == 0
    releases = project.releases
    assert len(releases) == 400
    bases = sorted((r for r in releases if not r.is_prerelease), key=history.precedence)
    keys = [history.precedence(r) for r in bases]
    seen = {"major": 0, "prerelease": 0, "backport": 0, "rolled-back": 0, "planned": 0, "in-progress": 0}
    for release in releases:
        position = bisect.bisect_left(keys, history.core(release))
        if position:
            assert history.expected_type(release, bases[position - 1]) == release.type, release.version
        if release.breaking_changes:
            assert release.type == "major", release.version
            seen["major"] += 1
        seen["prerelease"] += release.is_prerelease
        newer_line = [r for r in releases if r.semver.major > release.semver.major and r.date < release.date]
        seen["backport"] += bool(newer_line) and not release.is_upcoming
        if release.status in ("planned", "in-progress", "rolled-back"):
            seen[release.status] += 1
        if release.status in ("released", "rolled-back"):
            gated = release.checklists if release.status == "released" else release.checklists[:1]
            for checklist in gated:
                for item in checklist.items:
                    assert item.status == "done" or (
                        item.status == "skipped" and item.conditional and item.note
                    ), (release.version, item.id)
        if release.status == "rolled-back":
            assert release.incident is not None
        if release.rollback.target:
            target = history.find(releases, release.rollback.target)
            assert target is not None and target.status == "released"
            assert history.precedence(target) < history.precedence(release)
        plan_item = release.item("rollback-plan")
        if plan_item is not None and plan_item.status == "done":
            assert release.rollback.plan.strip()
    assert all(seen.values()), seen
    top = history.newest_first(releases)[:2]
    assert [r.status for r in top] == ["planned", "in-progress"]


def test_rebuild_profile_profiles_one_serve_rebuild_and_restores_the_record(
        tmp_path: Path, generate_module: object) -> None:
    import pstats

    records = 25  # 78 pages: enough for the layout to take part, as at 1,000 records
    generate_module.generate(tmp_path, records, seed=7)  # type: ignore[attr-defined]
    record = sorted((tmp_path / "releases").rglob("*.yml"))[10]
    before = record.read_bytes()
    out = tmp_path / "rebuild.prof"
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "rebuild_profile.py"), str(tmp_path),
         str(record.relative_to(tmp_path)), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert record.read_bytes() == before
    calls = {(Path(file).name, name): count
             for (file, _, name), (count, *_rest) in pstats.Stats(str(out)).stats.items()}  # type: ignore[attr-defined]
    assert calls[("build.py", "build")] == 1  # the rebuild alone, not the first build
    pages = calls[("build.py", "_build_page")]
    assert pages >= records * 3 + 3  # three pages per record, the index, the status board and the policy
    # the server's threads were stood in for, so nothing forked: the loop laid out every page itself
    assert ("layout.py", "_fork") not in calls and ("prerender.py", "_convert_round") not in calls
    assert calls[("layout.py", "render")] == records * 3 + 3
