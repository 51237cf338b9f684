"""The Checker that `mkdocs serve` keeps re-reads only records whose file or policy changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from releasebook import pipeline
from releasebook.pipeline import Checker
from releasebook.settings import Settings

from .helpers import record, write_project


def test_unchanged_records_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", {"1.0.0.yml": record("1.0.0"), "1.1.0.yml": record("1.1.0")})
    checker = Checker(Settings(root=root))
    reads: list[str] = []
    real_load = pipeline.load_file

    def counting_load(path: Path, *args: object, **kwargs: object) -> object:
        if path.parent.name == "releases":
            reads.append(path.name)
        return real_load(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_file", counting_load)

    first = checker.check()
    assert sorted(reads) == ["1.0.0.yml", "1.1.0.yml"] and not first.problems
    reads.clear()
    assert not checker.check().problems
    assert reads == []

    changed = root / "releases" / "1.1.0.yml"
    changed.write_text(record("1.1.0", summary="A changed summary that is longer."), encoding="utf-8")
    again = checker.check()
    assert reads == ["1.1.0.yml"]
    summaries = [r.summary for r in again.releases if r.version == "1.1.0"]
    assert summaries == ["A changed summary that is longer."]

    # a broken save is reported, and fixing it is picked up
    changed.write_text("version: 1.1.0\ndate: 2026-13-01\n", encoding="utf-8")
    assert checker.check().errors
    changed.write_text(record("1.1.0"), encoding="utf-8")
    assert not checker.check().problems


def test_a_policy_change_checks_every_record_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", {"1.0.0.yml": record("1.0.0", "checklists:\n  pre_release:\n"
                                                               "    performance: done\n")})
    checker = Checker(Settings(root=root))
    assert not checker.check().problems
    policy = root / "policy.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("id: performance", "id: perf-impact"),
                      encoding="utf-8")
    stat = policy.stat()
    os.utime(policy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    problems = checker.check().problems
    assert any("unknown pre_release checklist item 'performance'" in p.message for p in problems)
