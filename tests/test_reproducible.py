"""Reproducible builds: the same input gives the same bytes, whatever the hash seed or the project's folder.

Each pair of real `mkdocs build --strict` runs differs in PYTHONHASHSEED and in the project's folder, and
shares SOURCE_DATE_EPOCH; the two `site/` trees must be byte-identical, file by file. The Makefile's part
(SOURCE_DATE_EPOCH from the last commit when unset) is checked by running `make build` with a stand-in mkdocs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ("mkdocs.yml", "docs", "releases", "policy.yml", "schemas")
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
SEEDS = ("1", "4242")
TIMEOUT = 300  # seconds: a hang guard for one build, not a speed requirement


def copy_example(target: Path) -> Path:
    """The example project copied into `target`."""
    target.mkdir(parents=True)
    for name in EXAMPLE:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / name)
    return target


def build_env(seed: str) -> dict[str, str]:
    """The environment of one build: a given hash seed, the shared SOURCE_DATE_EPOCH, no focus."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1",
           "DISABLE_MKDOCS_2_WARNING": "true", "PYTHONIOENCODING": "utf-8"}
    env.pop("RELEASEBOOK_FOCUS", None)
    return env


def build_twice(projects: list[Path], *, strict: bool = True) -> list[subprocess.CompletedProcess[str]]:
    """`mkdocs build` of each project (run side by side), each with its own hash seed."""
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", "site"]
    command += ["--strict"] if strict else []
    running = [subprocess.Popen(command, cwd=project, env=build_env(seed), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8")
               for project, seed in zip(projects, SEEDS, strict=True)]
    done = []
    for process in running:
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for other in running:
                other.kill()
            raise
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def first_difference(left: Path, right: Path) -> str | None:
    """None when two folders hold the same files with the same bytes; else what differs first, and where."""
    def files(root: Path) -> list[str]:
        return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())

    mine, theirs = files(left), files(right)
    if mine != theirs:
        only = sorted(set(mine) ^ set(theirs))
        return f"file lists differ: {only[:10]}"
    for name in mine:
        a, b = (left / name).read_bytes(), (right / name).read_bytes()
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            return (f"{name} differs at byte {at} ({len(a)} vs {len(b)} bytes): "
                    f"{a[max(0, at - 60):at + 60]!r} vs {b[max(0, at - 60):at + 60]!r}")
    return None


def assert_identical_builds(projects: list[Path]) -> None:
    """Build both projects and require byte-identical, non-trivial sites."""
    for run in build_twice(projects):
        assert run.returncode == 0, run.stdout + run.stderr
    left, right = (project / "site" for project in projects)
    assert (left / "releases" / "index.html").is_file() and (left / "releases" / "feed.xml").is_file()
    difference = first_difference(left, right)
    assert difference is None, difference


def test_example_builds_are_byte_identical(tmp_path: Path) -> None:
    projects = [copy_example(tmp_path / "a"), copy_example(tmp_path / "elsewhere" / "b")]
    assert_identical_builds(projects)
    assert len(list((projects[0] / "site").rglob("*.html"))) > 40


# --- a larger history, with the orderings most likely to depend on a hash or a file system -----------------


def released_record(version: str, kind: str, date: str, name: str) -> dict[str, Any]:
    """A released record that passes every rule: 2.3.1's checklists and rollback, new version and text."""
    base: dict[str, Any] = yaml.safe_load((ROOT / "releases" / "2.3.1.yml").read_text(encoding="utf-8"))
    base.update(version=version, type=kind, date=date, name=name,
                summary=f"Backport {version}: **security** fixes for the 1.x line.")
    base["fixes"] = [{"title": f"Fix {n} in {version}", "description": f"Description {n}.",
                      "refs": [f"OPS-{n}"]} for n in (3, 1, 2)]
    base["documentation"] = []
    base.pop("incident", None)
    return base


def planned_record(version: str, date: str, name: str) -> dict[str, Any]:
    """A planned pre-release of 3.0.0 with team extensions whose keys come in no particular order."""
    return {
        "version": version, "name": name, "date": date, "type": "major", "status": "planned",
        "summary": f"Pre-release {version} of the 3.0 line.",
        "components": ["web", "api", "zeta", "billing", "Äpfel", "apfel"],
        "features": [{"title": f"Feature {n}", "description": f"Part {n} of {version}."} for n in "cab"],
        "x-team": {"zeta": 1, "alpha": [3, 2, 1], "mid": {"b": True, "a": None}},
        "x-another": "text",
    }


EXTRA = {
    "1.x/1.10.2+build.20260110.yml": released_record("1.10.2+build.20260110", "patch", "2026-01-10",
                                                     "Säkerhet, první část"),
    "1.x/1.10.3.yml": released_record("1.10.3", "patch", "2026-01-10", "Seguridad \u2014 segunda parte"),
    "next/3.0.0-alpha.1.yml": planned_record("3.0.0-alpha.1", "2026-09-01", "Alpha one"),
    "next/3.0.0-alpha.10.yml": planned_record("3.0.0-alpha.10", "2026-09-01", "Alpha ten"),
    "next/3.0.0-alpha.2.yml": planned_record("3.0.0-alpha.2", "2026-09-01", "Alpha two"),
    "next/3.0.0-alpha.beta.yml": planned_record("3.0.0-alpha.beta", "2026-09-02", "Alpha beta"),
    "next/3.0.0-beta.yml": planned_record("3.0.0-beta", "2026-09-03", "Beta \u00e9 (NFC)"),
    "next/3.0.0-beta.2.yml": planned_record("3.0.0-beta.2", "2026-09-03", "Beta e\u0301 (NFD)"),
    "next/3.0.0-rc.1+exp.sha.5114f85.yml": planned_record("3.0.0-rc.1+exp.sha.5114f85", "2026-09-04",
                                                         "Release candidate"),
    "next/3.0.0.yml": planned_record("3.0.0", "2026-09-04", "Three"),
}


def with_extra_records(project: Path) -> Path:
    """Add EXTRA to a copied example, written in a shuffled order so creation order cannot leak."""
    for relative in sorted(EXTRA, key=lambda name: name[::-1]):
        path = project / "releases" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(EXTRA[relative], sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    return project


def test_larger_history_with_prereleases_and_build_metadata_is_byte_identical(tmp_path: Path) -> None:
    projects = [with_extra_records(copy_example(tmp_path / "a")),
                with_extra_records(copy_example(tmp_path / "elsewhere" / "b"))]
    assert_identical_builds(projects)
    site = projects[0] / "site"
    for version in ("3.0.0-alpha.10", "3.0.0-rc.1", "1.10.2"):  # build metadata is not part of the slug
        assert (site / "releases" / version / "index.html").is_file(), version
    index = (site / "releases" / "index.html").read_text(encoding="utf-8")
    order = [index.index(f'href="{v}"') for v in ("3.0.0/", "3.0.0-rc.1/", "3.0.0-beta.2/", "3.0.0-beta/",
                                                     "3.0.0-alpha.beta/", "3.0.0-alpha.10/", "3.0.0-alpha.2/",
                                                     "3.0.0-alpha.1/")]
    assert order == sorted(order), "pre-releases are listed in SemVer precedence"


# --- errors through `mkdocs build` -------------------------------------------------------------------------


BROKEN = {
    "2.5.0.yml": ("\nstatus: planned\n", "\nstatus: shipped\non: yes\n"),
    "2.4.0.yml": ("\ntype: minor\n", "\ntype: minor\ncolour: red\nfeatures_: []\n"),
    "1.x/1.9.0.yml": ("\ndate: \"2025-04-08\"\n", "\ndate: \"2025-02-30\"\n"),
    "2.1.1.yml": ("\nversion: 2.1.1\n", "\nversion: 2.1.1\nx: &anchor 1\ny: *anchor\n"),
}


def break_records(project: Path) -> Path:
    """Several records with problems in several files, each at a known place."""
    for relative, (old, new) in BROKEN.items():
        path = project / "releases" / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (relative, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return project


PROBLEM = re.compile(r"releasebook: (?P<file>releases/\S+?):(?P<line>\d+):(?P<col>\d+): (?:error|warning): ")


def test_build_errors_are_identical_and_sorted_across_hash_seeds(tmp_path: Path) -> None:
    """`mkdocs build` of a broken project logs the same problems in the same sorted order; no traceback."""
    projects = [break_records(copy_example(tmp_path / "a")), break_records(copy_example(tmp_path / "b"))]
    runs = build_twice(projects, strict=False)
    logs = []
    for run in runs:
        assert run.returncode == 1, run.stdout + run.stderr
        assert "Traceback" not in run.stderr
        logs.append([line for line in run.stderr.splitlines() if PROBLEM.search(line)])
    assert logs[0] == logs[1]
    assert runs[0].stderr == runs[1].stderr  # the whole log, the summary line included
    located = [PROBLEM.search(line) for line in logs[0]]
    keys = [(m["file"], int(m["line"]), int(m["col"])) for m in located if m]
    assert keys == sorted(keys)
    assert {key[0] for key in keys} == {f"releases/{name}" for name in BROKEN}
    assert runs[0].stderr.rstrip().endswith(f"releasebook: {len(keys)} errors in release records")


# --- the Makefile -------------------------------------------------------------------------------------------


@pytest.fixture
def make_project(tmp_path: Path) -> Path:
    """The Makefile in a fresh git repository whose `mkdocs` prints SOURCE_DATE_EPOCH instead of building."""
    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.skip("make and git are needed")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    fake = bin_dir / "mkdocs"
    fake.write_text('#!/bin/sh\necho "SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH-unset}"\n', encoding="utf-8")
    fake.chmod(0o755)
    os.utime(tmp_path / "pyproject.toml", (1_000_000_000, 1_000_000_000))
    (tmp_path / ".venv" / ".installed").touch()  # newer than pyproject.toml: no install step
    return tmp_path


def run_make(folder: Path, **extra: str) -> str:
    """`make build` in `folder` with SOURCE_DATE_EPOCH removed from the environment unless given."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("SOURCE_DATE_EPOCH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", **extra)
    done = subprocess.run(["make", "--no-print-directory", "build"], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def git(folder: Path, *args: str, when: str) -> None:
    """Run git with a fixed identity and commit date."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, check=True, timeout=60)


def test_make_build_takes_source_date_epoch_from_the_last_commit(make_project: Path) -> None:
    git(make_project, "init", "-q", when="@1600000000 +0000")
    git(make_project, "add", "Makefile", when="@1600000000 +0000")
    git(make_project, "commit", "-q", "-m", "first", when="@1600000000 +0000")
    (make_project / "other").write_text("x", encoding="utf-8")
    git(make_project, "add", "other", when="@1700000000 +0200")
    git(make_project, "commit", "-q", "-m", "second", when="@1700000000 +0200")
    assert "SOURCE_DATE_EPOCH=1700000000" in run_make(make_project)


def test_make_build_keeps_a_source_date_epoch_the_caller_set(make_project: Path) -> None:
    git(make_project, "init", "-q", when="@1600000000 +0000")
    git(make_project, "add", "Makefile", when="@1600000000 +0000")
    git(make_project, "commit", "-q", "-m", "first", when="@1600000000 +0000")
    assert "SOURCE_DATE_EPOCH=42" in run_make(make_project, SOURCE_DATE_EPOCH="42")


def test_make_build_outside_a_repository_uses_zero(make_project: Path) -> None:
    """No commit to take a date from (an exported tarball): a fixed 0 rather than the clock."""
    env_ceiling = str(make_project.parent)  # keep git from finding a repository above the temp folder
    assert "SOURCE_DATE_EPOCH=0" in run_make(make_project, GIT_CEILING_DIRECTORIES=env_ceiling)
