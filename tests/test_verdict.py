"""The rollback verdict from verification data and the policy's thresholds: both sides of every boundary."""

from __future__ import annotations

from typing import Any

import pytest
from releasebook.history import build_history, verdict
from releasebook.model import Verdict

from .test_rules_support import release, repo_policy

POLICY = repo_policy()

HEALTHY: dict[str, Any] = {
    "error_rate_percent": 0.4,
    "latency_ratio": 1.1,
    "critical_functionality_broken": False,
    "data_integrity_issue": False,
    "security_issue": False,
    "noncritical_feature_major_issue": False,
    "complex_workaround": False,
    "estimated_fix_hours": 0,
}


def judge(**values: Any) -> Verdict:
    """The verdict for a released record whose verification is HEALTHY with `values` changed."""
    return verdict(release("2.4.0", verification={**HEALTHY, **values}), POLICY)


def texts(result: Verdict) -> list[str]:
    """The reason texts, immediate first."""
    return [reason.text for reason in result.reasons]


@pytest.mark.parametrize(("field", "at", "above", "level", "text"), [
    ("error_rate_percent", 5, 5.0001, "immediate", "error rate 5.0001 % exceeds 5 %"),
    ("latency_ratio", 2, 2.01, "immediate", "p95 latency ratio 2.01x exceeds 2x"),
    ("estimated_fix_hours", 2, 2.5, "consider", "estimated fix time 2.5 hours exceeds 2 hours"),
])
def test_numeric_boundaries_are_strict(field: str, at: float, above: float, level: str, text: str) -> None:
    exactly = judge(**{field: at})
    assert exactly.decision == "none"
    assert exactly.label == "No rollback indicated"
    assert judge(**{field: float(at)}).decision == "none"
    over = judge(**{field: above})
    assert over.decision == level
    assert texts(over) == [text]


def test_the_issue_example_text() -> None:
    assert texts(judge(error_rate_percent=7.4)) == ["error rate 7.4 % exceeds 5 %"]


@pytest.mark.parametrize(("field", "level", "text"), [
    ("critical_functionality_broken", "immediate", "Critical functionality is broken for majority of users"),
    ("data_integrity_issue", "immediate", "Data integrity issues are detected"),
    ("security_issue", "immediate", "Security issues are detected"),
    ("noncritical_feature_major_issue", "consider", "Non-critical feature has major issues"),
    ("complex_workaround", "consider", "Workaround is complex or impacts user experience"),
])
def test_boolean_criteria_trigger_on_true_only(field: str, level: str, text: str) -> None:
    assert judge(**{field: False}).decision == "none"
    result = judge(**{field: True})
    assert result.decision == level
    assert texts(result) == [text]


def test_immediate_wins_and_keeps_the_consider_reasons() -> None:
    result = judge(error_rate_percent=7.4, latency_ratio=2.6, complex_workaround=True, estimated_fix_hours=16)
    assert result.decision == "immediate"
    assert result.label == "Roll back immediately"
    assert [r.text for r in result.immediate] == ["error rate 7.4 % exceeds 5 %",
                                                  "p95 latency ratio 2.6x exceeds 2x"]
    assert [r.text for r in result.consider] == ["Workaround is complex or impacts user experience",
                                                 "estimated fix time 16 hours exceeds 2 hours"]


def test_consider_alone() -> None:
    result = judge(estimated_fix_hours=3)
    assert result.decision == "consider"
    assert result.label == "Consider rollback"
    assert result.immediate == ()


def test_no_verification_data() -> None:
    result = verdict(release("2.4.0", status="planned"), POLICY)
    assert result.decision == "no-data"
    assert result.label == "No verification data"
    assert result.reasons == ()


def test_notes_alone_are_no_data() -> None:
    assert verdict(release("2.4.0", verification={"notes": "Looked fine."}), POLICY).decision == "no-data"


def test_some_data_and_nothing_triggers_is_no_rollback() -> None:
    assert verdict(release("2.4.0", verification={"error_rate_percent": 1}), POLICY).decision == "none"


def test_build_history_computes_a_verdict_for_every_release() -> None:
    history = [release("2.3.0", status="rolled-back", verification={**HEALTHY, "error_rate_percent": 7.4}),
               release("2.3.1", "patch", verification=HEALTHY), release("2.4.0", status="planned")]
    built = build_history(history, POLICY)
    assert {slug: v.decision for slug, v in built.verdicts.items()} == {
        "2.3.0": "immediate", "2.3.1": "none", "2.4.0": "no-data"}
