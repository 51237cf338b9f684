"""Unit tests for problems.py: formatting, sorting, de-duplication and did-you-mean."""

from __future__ import annotations

import random

from releasebook.problems import Problem, closest, count, did_you_mean, sort_problems


def test_format() -> None:
    problem = Problem("releases/2.4.0.yml", 12, 5, "checklists.pre_release.perfomance", "unknown item")
    assert problem.format() == "releases/2.4.0.yml:12:5: error: unknown item"
    ruled = Problem(
        "releases/2.4.0.yml", 2, 10, "version", "duplicate", severity="warning", rule="duplicates"
    )
    assert ruled.format() == "releases/2.4.0.yml:2:10: warning: duplicate [duplicates]"


def test_format_keeps_one_line_per_problem() -> None:
    problem = Problem("a.yml", 1, 1, "", "unknown key 'a\nb\r\nc'")
    assert problem.format() == "a.yml:1:1: error: unknown key 'a\\nb\\r\\nc'"


def test_as_dict() -> None:
    assert Problem("a.yml", 3, 4, "x.y", "m").as_dict() == {
        "file": "a.yml",
        "line": 3,
        "col": 4,
        "path": "x.y",
        "severity": "error",
        "rule": None,
        "message": "m",
    }
    assert Problem("a.yml", 3, 4, "x", "m", rule="duplicates").as_dict()["rule"] == "duplicates"


def test_sort_by_file_then_position_numerically() -> None:
    problems = [
        Problem("releases/b.yml", 1, 1, "", "b"),
        Problem("releases/a.yml", 10, 1, "", "line 10"),
        Problem("releases/a.yml", 9, 5, "", "line 9 col 5"),
        Problem("releases/a.yml", 9, 12, "", "line 9 col 12"),
        Problem("policy.yml", 99, 1, "", "policy"),
        Problem("releases/a.yml", 2, 1, "z", "same place, path z"),
        Problem("releases/a.yml", 2, 1, "a", "same place, path a"),
    ]
    expected = [
        "policy",
        "same place, path a",
        "same place, path z",
        "line 9 col 5",
        "line 9 col 12",
        "line 10",
        "b",
    ]
    for seed in range(5):
        shuffled = problems[:]
        random.Random(seed).shuffle(shuffled)
        assert [p.message for p in sort_problems(shuffled)] == expected


def test_sort_drops_exact_repeats_only() -> None:
    one = Problem("a.yml", 1, 1, "x", "m")
    problems = [
        one,
        Problem("a.yml", 1, 1, "x", "m"),
        Problem("a.yml", 1, 1, "x", "m", severity="warning"),
        Problem("a.yml", 1, 1, "x", "other"),
        Problem("a.yml", 1, 1, "x", "m", rule="r"),
        one,
    ]
    result = sort_problems(problems)
    assert len(result) == 4
    assert result[0] == one


def test_count() -> None:
    problems = [
        Problem("a", 1, 1, "", "e"),
        Problem("a", 2, 1, "", "w", severity="warning"),
        Problem("a", 3, 1, "", "e2"),
    ]
    assert (count(problems, "error"), count(problems, "warning")) == (2, 1)


def test_did_you_mean() -> None:
    ids = ["performance", "monitoring", "smoke-tests"]
    assert closest("perfomance", ids) == "performance"
    assert did_you_mean("perfomance", ids) == " (did you mean 'performance'?)"
    assert closest("coffee", ids) is None
    assert did_you_mean("coffee", ids) == ""
    assert did_you_mean("x", []) == ""
