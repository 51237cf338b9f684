"""Schemas: valid Draft 2020-12, portable to an independent validator; the policy matches the guide."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from .helpers import FIXTURES, REPO, record_files

SCHEMAS = REPO / "schemas"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")

PRE_RELEASE = [
    "acceptance-criteria",
    "ci-security-scans",
    "release-notes",
    "user-docs",
    "rollback-plan",
    "smoke-tests",
    "performance",
    "db-migrations",
    "feature-flags",
    "monitoring",
    "support-briefed",
]
DEPLOYMENT = [
    "window-scheduled",
    "backup",
    "staging-smoke-tests",
    "qa-signoff",
    "production-deploy",
    "post-deploy-verification",
    "monitor-metrics",
    "feature-flag-rollout",
    "announce",
    "docs-production-urls",
    "archive-artifacts",
]
CONDITIONAL = {"db-migrations", "feature-flags", "window-scheduled", "backup", "feature-flag-rollout"}


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def policy() -> dict[str, Any]:
    return yaml.safe_load((REPO / "policy.yml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _check_jsonschema(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    assert CHECK_JSONSCHEMA.is_file(), "check-jsonschema is installed with the test extras"
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("name", ["release.schema.json", "policy.schema.json"])
def test_schema_passes_the_metaschema(name: str) -> None:
    schema = _schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_packaged_schemas_are_the_repository_schemas() -> None:
    packaged = REPO / "plugins" / "releasebook" / "schemas"
    for name in ("release.schema.json", "policy.schema.json"):
        assert (packaged / name).read_bytes() == (SCHEMAS / name).read_bytes()


def test_every_record_passes_check_jsonschema() -> None:
    records = [*record_files(REPO / "releases"), FIXTURES / "valid" / "3.1.0.yml"]
    result = _check_jsonschema(SCHEMAS / "release.schema.json", records)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_jsonschema_refuses_what_releasebook_refuses(tmp_path: Path) -> None:
    # Not only Python's regex dialect: the independent validator (ECMAScript regexes) refuses these too.
    base = {
        "version": "1.0.0",
        "date": "'2026-03-02'",
        "type": "minor",
        "status": "released",
        "summary": "S.",
    }
    bad = {
        "url.yml": (
            "documentation",
            "\n  - {title: A, url: 'javascript:alert(1)'}",
            "$.documentation[0].url",
        ),
        "semver.yml": ("version", " 1.0.0-01", "$.version"),
        "v.yml": ("version", " v1.0.0", "$.version"),
        "enum.yml": ("type", " hotfix", "$.type"),
        "date.yml": ("date", " '2026-02-30'", "$.date"),
        "skipped.yml": (
            "checklists",
            "\n  deployment:\n    backup: skipped",
            "$.checklists.deployment.backup",
        ),
        "extra.yml": ("sumary", " typo", "$"),
        "range.yml": ("verification", "\n  error_rate_percent: 150", "$.verification.error_rate_percent"),
    }
    for name, (key, value, _) in bad.items():
        text = "".join(f"{k}: {v}\n" for k, v in base.items() if k != key) + f"{key}:{value}\n"
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "ok.yml").write_text("".join(f"{k}: {v}\n" for k, v in base.items()), encoding="utf-8")
    result = subprocess.run(
        [
            str(CHECK_JSONSCHEMA),
            "--output-format",
            "json",
            "--schemafile",
            str(SCHEMAS / "release.schema.json"),
            *sorted(map(str, tmp_path.iterdir())),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["parse_errors"] == []
    failed = {(Path(error["filename"]).name, error["path"]) for error in report["errors"]}
    assert {(name, path) for name, (_, _, path) in bad.items()} <= failed
    assert {name for name, _ in failed} == set(bad), "ok.yml passes, every other file fails"


def test_policy_passes_its_schema(policy: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(_schema("policy.schema.json")).validate(policy)
    result = _check_jsonschema(SCHEMAS / "policy.schema.json", [REPO / "policy.yml"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_policy_checklists_are_the_guide_items_in_order(policy: dict[str, Any]) -> None:
    checklists = policy["checklists"]
    assert list(checklists) == ["pre_release", "deployment"]
    assert [item["id"] for item in checklists["pre_release"]["items"]] == PRE_RELEASE
    assert [item["id"] for item in checklists["deployment"]["items"]] == DEPLOYMENT
    items = checklists["pre_release"]["items"] + checklists["deployment"]["items"]
    assert {item["id"] for item in items if item.get("conditional")} == CONDITIONAL
    assert all(item["text"].strip() for item in items)


# The guide's wording, item by item (the site renders these texts; a policy edit must be deliberate).
GUIDE_TEXTS = [
    "All acceptance criteria met and PRs merged",
    "Passing CI and security scans",
    "Release notes drafted and reviewed",
    "User documentation updated (guides, API docs, help articles)",
    "Rollback / mitigation plan documented",
    "Smoke tests prepared and reviewed by QA Lead",
    "Performance impact assessed",
    "Database migrations tested (if applicable)",
    "Feature flags configured (if using gradual rollout)",
    "Monitoring and alerts configured for new features",
    "Support team briefed on changes and potential issues",
    "Deployment window scheduled (if needed) and stakeholders notified",
    "Backup or snapshot created (if applicable)",
    "Deploy to staging and run smoke tests",
    "QA sign-off on staging validation",
    "Deploy to production (automated pipeline preferred)",
    "Run post-deploy verifications (health checks, smoke tests)",
    "Monitor error rates, latency, and key metrics",
    "Verify feature flags and gradual rollout status",
    "Announce release to stakeholders and support team",
    "Update documentation with production URLs and access info",
    "Archive release artifacts and logs",
]


def test_policy_checklist_texts_are_the_guide_text(policy: dict[str, Any]) -> None:
    items = policy["checklists"]["pre_release"]["items"] + policy["checklists"]["deployment"]["items"]
    assert [item["text"] for item in items] == GUIDE_TEXTS


def test_policy_rollback_criteria(policy: dict[str, Any]) -> None:
    criteria = policy["rollback_criteria"]
    thresholds = {
        c["field"]: (c["threshold"], c["unit"])
        for level in criteria.values()
        for c in level
        if "threshold" in c
    }
    assert thresholds == {
        "error_rate_percent": (5, "%"),
        "latency_ratio": (2, "x"),
        "estimated_fix_hours": (2, " hours"),
    }
    immediate = {c["field"] for c in criteria["immediate"]}
    consider = {c["field"] for c in criteria["consider"]}
    assert immediate == {
        "error_rate_percent",
        "latency_ratio",
        "critical_functionality_broken",
        "data_integrity_issue",
        "security_issue",
    }
    assert consider == {"noncritical_feature_major_issue", "complex_workaround", "estimated_fix_hours"}
    # Every criterion reads a field a record can carry under `verification`.
    verification = _schema("release.schema.json")["$defs"]["verification"]["properties"]
    assert (immediate | consider) <= set(verification)


def test_policy_roles_window_and_types(policy: dict[str, Any]) -> None:
    assert [entry["role"] for entry in policy["on_call"]] == ["DevOps Engineer", "Tech Lead"]
    assert policy["postmortem_hours"] == 48
    assert list(policy["release_types"]) == ["patch", "minor", "major"]
    assert all(t["description"] for t in policy["release_types"].values())
    assert policy["purpose"].strip()
    assert len(policy["incident_playbook"]["steps"]) == 6
