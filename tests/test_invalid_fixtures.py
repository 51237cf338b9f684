"""Negative fixtures: each refused input in tests/fixtures/invalid/<case>/ gives exactly its expected.txt.

Each case folder holds `releases/` (and sometimes a `mkdocs.yml`); the repository's policy.yml and
schemas/ are copied next to it, `releasebook validate` runs there, and its output must equal `expected.txt`
byte for byte. `pytest --update-goldens` rewrites the expected files; review the diff before committing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .helpers import FIXTURES, CliRunner, Golden, copy_project_files

CASES = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
LINE = re.compile(r"^(?P<file>releases/[^:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+)$")
SUMMARY = re.compile(r"^(?P<files>\d+) files?, (?P<errors>\d+) errors?, 0 warnings$")

# Files that a case keeps valid on purpose, to show the refusal is specific.
CLEAN = {
    "file-too-big": {"releases/1.0.1.yml"},
    "many-problems": {"releases/2.2.0.yml"},
}


def _records(case: Path) -> list[str]:
    return sorted(p.relative_to(case).as_posix() for p in (case / "releases").rglob("*") if p.is_file())


def _prepare(case: Path, tmp_path: Path) -> Path:
    root = tmp_path / case.name
    shutil.copytree(case, root, ignore=shutil.ignore_patterns("expected.txt"))
    copy_project_files(root)
    return root


# Every refusal in section 4 of the issue has its case folder (plus a many-files case).
REQUIRED = {
    "yaml-syntax-error",
    "tab-indentation",
    "several-documents",
    "empty-file",
    "comments-only",
    "top-level-list",
    "top-level-scalar",
    "not-utf8",
    "utf16",
    "duplicate-keys",
    "anchors",
    "aliases",
    "merge-keys",
    "explicit-tags",
    "file-too-big",
    "too-deep",
    "missing-keys",
    "unknown-keys",
    "bad-enums",
    "invalid-semver",
    "retyped-version",
    "impossible-dates",
    "bad-urls",
    "numbers-out-of-range",
    "skipped-without-note",
    "duplicate-versions",
    "duplicate-versions-case",
    "stem-mismatch",
    "unknown-checklist-id",
    "deployment-id-under-pre-release",
    "conflict-markers",
    "bad-detected-at",
    "many-problems",
}


def test_every_refusal_has_a_case() -> None:
    assert {case.name for case in CASES} >= REQUIRED
    assert all((case / "expected.txt").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_invalid_case(case: Path, tmp_path: Path, cli: CliRunner, golden: Golden) -> None:
    root = _prepare(case, tmp_path)
    code, out, err = cli(["validate"], cwd=root)
    assert "Traceback" not in err
    assert err == ""
    golden(case / "expected.txt", out)
    assert code == 1

    *lines, summary = out.splitlines()
    located = [LINE.match(line) for line in lines]
    assert all(located), [line for line, m in zip(lines, located, strict=True) if not m]
    matched = [m for m in located if m]
    keys = [(m["file"], int(m["line"]), int(m["col"])) for m in matched]
    assert keys == sorted(keys), "problems must be sorted by file, line and column"
    records = _records(case)
    counts = SUMMARY.match(summary)
    assert counts, summary
    assert int(counts["files"]) == len(records), "every record file is checked, none skipped"
    assert int(counts["errors"]) == len(lines)
    assert {m["file"] for m in matched} == set(records) - CLEAN.get(case.name, set()), (
        "every bad file is refused"
    )


@pytest.mark.parametrize("name", ["explicit-tags", "many-problems"])
def test_invalid_case_through_the_real_entry_point(name: str, tmp_path: Path, run_cli: CliRunner) -> None:
    case = FIXTURES / "invalid" / name
    root = _prepare(case, tmp_path)
    code, out, err = run_cli(["validate"], cwd=root)
    assert "Traceback" not in err
    assert out == (case / "expected.txt").read_text(encoding="utf-8")
    assert code == 1


def test_explicit_tags_never_execute(tmp_path: Path, cli: CliRunner) -> None:
    root = _prepare(FIXTURES / "invalid" / "explicit-tags", tmp_path)
    code, out, _ = cli(["validate"], cwd=root)
    assert code == 1
    assert "explicit tag '!!python/object/apply:os.system' is not allowed" in out
    assert not (root / "releasebook-pwned").exists()
