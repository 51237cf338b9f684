"""`releasebook verdict VERSION`: exit codes a pipeline can gate on, text and JSON output, flag overrides."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from releasebook.cli import main

from .test_rules_support import REPO, make_project, record, run_cli, write, write_all

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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small history: a rolled-back release, a release to consider, one without data, a pre-release."""
    root = make_project(tmp_path / "project", mkdocs={"site_name": "verdict tests"})
    write_all(root,
              record("1.0.0", "major", verification=HEALTHY),
              record("1.1.0", verification=HEALTHY),
              record("1.2.0", status="rolled-back",
                     verification={**HEALTHY, "error_rate_percent": 7.4, "latency_ratio": 2.6}),
              record("1.2.1", "patch", verification={**HEALTHY, "estimated_fix_hours": 3}),
              record("1.3.0-rc.1", verification=HEALTHY),
              record("1.3.0", status="in-progress"))
    return root


def verdict(root: Path, *args: str) -> tuple[int, str]:
    """Run `releasebook verdict` in-process with settings from `root`; (exit code, stdout)."""
    out = io.StringIO()
    code = main(["verdict", *args, "--config", str(root / "mkdocs.yml")], out)
    return code, out.getvalue()


# --- exit codes through the real entry point ----------------------------------------------------------------


def test_immediate_exits_4(project: Path) -> None:
    result = run_cli("verdict", "1.2.0", cwd=project)
    assert result.returncode == 4
    assert result.stdout.splitlines() == [
        "1.2.0: Roll back immediately",
        "  immediate: error rate 7.4 % exceeds 5 %",
        "  immediate: p95 latency ratio 2.6x exceeds 2x",
        "  values: critical_functionality_broken=false, data_integrity_issue=false, security_issue=false, "
        "error_rate_percent=7.4, latency_ratio=2.6, noncritical_feature_major_issue=false, "
        "complex_workaround=false, estimated_fix_hours=0",
        "Roll back to 1.1.0",
    ]


def test_consider_exits_3_and_rolls_back_past_the_rolled_back_release(project: Path) -> None:
    result = run_cli("verdict", "1.2.1", cwd=project)
    assert result.returncode == 3
    lines = result.stdout.splitlines()
    assert lines[0] == "1.2.1: Consider rollback"
    assert lines[1] == "  consider: estimated fix time 3 hours exceeds 2 hours"
    assert lines[-1] == "Roll back to 1.1.0"  # 1.2.0 was rolled back, so it is never the target


def test_no_rollback_exits_0(project: Path) -> None:
    result = run_cli("verdict", "1.1.0", cwd=project)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "1.1.0: No rollback indicated"
    assert result.stdout.splitlines()[-1] == "Last known good: 1.0.0"


def test_no_verification_data_exits_0(project: Path) -> None:
    result = run_cli("verdict", "1.3.0", cwd=project)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "1.3.0: No verification data",
        "  record verification values in releases/1.3.0.yml or pass them as flags (--error-rate ...)",
        "Last known good: 1.2.1",
    ]


def test_unknown_version_exits_2_with_nearby_versions(project: Path) -> None:
    result = run_cli("verdict", "1.2.2", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == ("releasebook: error: no release record for version '1.2.2' "
                             "(did you mean 1.2.1, 1.2.0?)\n")


def test_a_version_that_is_no_semver_is_a_usage_error(project: Path) -> None:
    result = run_cli("verdict", "1.2", cwd=project)
    assert result.returncode == 2
    assert result.stderr == ("releasebook: error: '1.2' is not a SemVer version such as 2.4.0 "
                             "(did you mean 1.2.1, 1.2.0?)\n")


def test_the_example_history(tmp_path: Path) -> None:
    """The repository's own records: 2.3.0 was rolled back to its explicit target 2.2.1."""
    shutil.copytree(REPO / "releases", tmp_path / "releases")
    shutil.copyfile(REPO / "policy.yml", tmp_path / "policy.yml")
    result = run_cli("verdict", "2.3.0", "--format", "json", cwd=tmp_path)
    assert result.returncode == 4
    data = json.loads(result.stdout)
    assert data["decision"] == "immediate"
    assert data["last_known_good"] == "2.2.1"
    assert [r["text"] for r in data["reasons"] if r["level"] == "immediate"] == [
        "error rate 7.4 % exceeds 5 %", "p95 latency ratio 2.6x exceeds 2x"]
    assert run_cli("verdict", "2.3.1", cwd=tmp_path).stdout.splitlines()[-1] == "Last known good: 2.2.1"
    assert run_cli("verdict", "1.8.0", cwd=tmp_path).stdout.splitlines()[-1] == (
        "Nothing to roll back to: 1.8.0 is the first release")
    assert run_cli("verdict", "1.10.1", cwd=tmp_path).stdout.splitlines()[-1] == "Last known good: 1.10.0"


# --- flag overrides -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("flags", "code"), [
    (["--error-rate", "5"], 0),            # exactly at the threshold: no
    (["--error-rate", "5.0001"], 4),
    (["--latency-ratio", "2"], 0),
    (["--latency-ratio", "2.01"], 4),
    (["--fix-hours", "2"], 0),
    (["--fix-hours", "2.5"], 3),
    (["--critical-broken"], 4),
    (["--data-integrity"], 4),
    (["--security"], 4),
    (["--noncritical-major"], 3),
    (["--complex-workaround"], 3),
    (["--no-security"], 0),
])
def test_flags_override_single_values(project: Path, flags: list[str], code: int) -> None:
    assert verdict(project, "1.1.0", *flags)[0] == code


def test_a_negative_flag_clears_a_recorded_trigger(project: Path) -> None:
    assert verdict(project, "1.2.1")[0] == 3
    assert verdict(project, "1.2.1", "--fix-hours", "1")[0] == 0
    code, out = verdict(project, "1.2.0", "--error-rate", "1", "--latency-ratio", "1.5")
    assert code == 0
    assert "error_rate_percent=1.0 (flag)" in out


def test_flags_make_data_for_a_record_without_any(project: Path) -> None:
    code, out = verdict(project, "1.3.0", "--error-rate", "12")
    assert code == 4
    assert out.splitlines()[:2] == ["1.3.0: Roll back immediately",
                                    "  immediate: error rate 12 % exceeds 5 %"]


@pytest.mark.parametrize("flags", [["--error-rate", "-1"], ["--error-rate", "101"], ["--error-rate", "lots"],
                                   ["--latency-ratio", "0"], ["--fix-hours", "nan"], ["--fix-hours", "inf"]])
def test_bad_flag_values_are_usage_errors(project: Path, flags: list[str]) -> None:
    assert verdict(project, "1.1.0", *flags)[0] == 2


def test_a_tag_is_accepted_as_the_version(project: Path) -> None:
    assert verdict(project, "v1.2.0")[0] == 4


# --- JSON ---------------------------------------------------------------------------------------------------


def test_json_output(project: Path) -> None:
    code, out = verdict(project, "1.2.0", "--complex-workaround", "--format", "json")
    assert code == 4
    data = json.loads(out)
    assert {k: data[k] for k in ("version", "file", "decision", "label", "exit_code", "last_known_good")} == {
        "version": "1.2.0", "file": "releases/1.2.0.yml", "decision": "immediate",
        "label": "Roll back immediately", "exit_code": 4, "last_known_good": "1.1.0"}
    assert data["reasons"] == [
        {"level": "immediate", "criterion": "error-rate", "field": "error_rate_percent", "value": 7.4,
         "threshold": 5, "text": "error rate 7.4 % exceeds 5 %"},
        {"level": "immediate", "criterion": "latency", "field": "latency_ratio", "value": 2.6, "threshold": 2,
         "text": "p95 latency ratio 2.6x exceeds 2x"},
        {"level": "consider", "criterion": "complex-workaround", "field": "complex_workaround", "value": True,
         "threshold": None, "text": "Workaround is complex or impacts user experience"},
    ]
    assert data["values"]["complex_workaround"] is True
    assert data["overridden"] == ["complex_workaround"]
    assert data["rollback"] == "Roll back to 1.1.0"
    assert data["warnings"] == [] and data["problems"] == []


def test_json_for_an_unknown_version(project: Path) -> None:
    code, out = verdict(project, "7.0.0", "--format", "json")
    assert code == 2
    assert json.loads(out)["error"].startswith("no release record for version '7.0.0'")


# --- settings and a project with problems -------------------------------------------------------------------


def test_settings_come_from_mkdocs_yml(tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_project(root, mkdocs={"site_name": "x", "plugins": [{"releasebook": {"releases_dir": "records"}}]})
    (root / "releases").rmdir()
    (root / "records").mkdir()
    (root / "records" / "2.0.0.yml").write_text(
        json.dumps(record("2.0.0", "major", verification={"security_issue": True})), encoding="utf-8")
    result = run_cli("verdict", "2.0.0", cwd=root / "records")  # the nearest mkdocs.yml is found upwards
    assert result.returncode == 4, result.stderr
    assert "immediate: Security issues are detected" in result.stdout


def test_an_invalid_requested_record_exits_2_with_its_problems(project: Path) -> None:
    write(project, "version: 1.2.0\ndate: 2026-01-01\ntype: minor\nstatus: shipped\nsummary: x\n",
          name="1.2.0")
    result = run_cli("verdict", "1.2.0", cwd=project)
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "releases/1.2.0.yml:4:9: error: 'shipped' is not one of: planned, in-progress, released, rolled-back"]
    assert result.stderr == ("releasebook: error: the record for 1.2.0 (releases/1.2.0.yml) is invalid; "
                             "fix the problems above first\n")


def test_errors_elsewhere_do_not_stop_a_verdict(project: Path) -> None:
    write(project, "version: 1.3.0\ndate: 2026-01-01\ntype: minor\nstatus: nope\nsummary: x\n", name="1.3.0")
    result = run_cli("verdict", "1.2.1", cwd=project)
    assert result.returncode == 3
    assert result.stderr == ""  # 1.3.0 is above 1.2.1: it cannot change where 1.2.1 rolls back to


def test_an_invalid_record_below_makes_the_last_known_good_uncertain(project: Path) -> None:
    write(project, "version: 1.1.0\ndate: 2026-01-01\ntype: minor\nstatus: nope\nsummary: x\n", name="1.1.0")
    result = run_cli("verdict", "1.2.1", cwd=project)
    assert result.returncode == 3
    assert result.stdout.splitlines()[-1] == "Roll back to 1.0.0"
    assert result.stderr == ("releasebook: warning: last known good may be wrong: releases/1.1.0.yml is "
                             "invalid and left out of the history\n")


def test_rule_problems_of_the_record_are_noted_but_do_not_block(project: Path) -> None:
    write(project, record("1.2.1", "minor", verification={**HEALTHY, "estimated_fix_hours": 3}))
    result = run_cli("verdict", "1.2.1", cwd=project)
    assert result.returncode == 3
    assert result.stderr.startswith("releasebook: note: releases/1.2.1.yml:3:7: error: type is 'minor' but ")


def test_an_invalid_policy_exits_2(project: Path) -> None:
    (project / "policy.yml").write_text("format: 1\n", encoding="utf-8")
    result = run_cli("verdict", "1.1.0", cwd=project)
    assert result.returncode == 2
    assert "policy" in result.stderr


def test_help_documents_the_exit_codes() -> None:
    result = run_cli("verdict", "--help", cwd=REPO)
    assert result.returncode == 0
    for line in ("0  no rollback indicated, or no verification data", "3  consider rollback",
                 "4  roll back immediately", "2  usage or configuration problem"):
        assert line in result.stdout
