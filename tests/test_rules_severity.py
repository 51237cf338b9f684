"""Rule severities (policy.yml `rules:`, `enforce: warning`) and one-file validation against the history."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_rules_support import (
    BREAKING,
    check,
    checklists,
    make_project,
    record,
    run_cli,
    write,
    write_all,
)

# --- severities -------------------------------------------------------------------------------------------


def broken_project(root: Path, rules: dict[str, str] | None = None) -> Path:
    """A project with one violation of every rule family except duplicates."""
    make_project(root, rules=rules)
    write_all(root,
              record("1.0.0", "major"),
              record("1.1.0", "patch", breaking_changes=BREAKING),
              record("1.2.0", status="rolled-back", incident=None,
                     checklists=checklists(performance="blocked"), rollback={"plan": "", "target": "9.9.9"}))
    return root


FAMILIES = ["semver-type", "breaking-needs-major", "policy-gate", "rolled-back-incident", "rollback-target",
            "rollback-plan"]


def test_every_family_is_an_error_by_default(tmp_path: Path) -> None:
    project = check(broken_project(tmp_path))
    assert sorted({p.rule for p in project.problems}) == sorted(FAMILIES)
    assert {p.severity for p in project.problems} == {"error"}


@pytest.mark.parametrize("family", FAMILIES)
def test_one_family_switched_to_warning(tmp_path: Path, family: str) -> None:
    project = check(broken_project(tmp_path, rules={family: "warning"}))
    assert {p.rule for p in project.problems if p.severity == "warning"} == {family}
    assert {p.rule for p in project.problems if p.severity == "error"} == set(FAMILIES) - {family}


def test_all_families_as_warnings_exit_zero(tmp_path: Path) -> None:
    root = broken_project(tmp_path, rules=dict.fromkeys(FAMILIES, "warning"))
    result = run_cli("validate", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "3 files, 0 errors, 6 warnings"
    assert ": warning: " in result.stdout and ": error: " not in result.stdout


def test_semver_type_warning_through_the_cli(tmp_path: Path) -> None:
    root = make_project(tmp_path, rules={"semver-type": "warning"})
    write_all(root, record("2.5.0", "major"), record("2.5.1", "minor"))
    result = run_cli("validate", cwd=root)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "releases/2.5.1.yml:3:7: warning: type is 'minor' but 2.5.0 → 2.5.1 is a patch bump "
        "(releases/2.5.0.yml) [semver-type]",
        "2 files, 0 errors, 1 warning",
    ]


def test_enforce_warning_downgrades_every_rule(tmp_path: Path) -> None:
    root = broken_project(tmp_path)
    project = check(root, enforce="warning")
    assert project.errors == 0
    assert sorted({p.rule for p in project.problems}) == sorted(FAMILIES)
    # The same through mkdocs.yml, which the CLI reads like the plugin does.
    make_project(root, mkdocs={"site_name": "x", "plugins": [{"releasebook": {"enforce": "warning"}}]})
    result = run_cli("validate", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "3 files, 0 errors, 6 warnings"


def test_enforce_warning_keeps_schema_errors(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "version: 1.0.0\ndate: 2026-01-01\ntype: huge\nstatus: released\nsummary: x\n", name="1.0.0")
    project = check(root, enforce="warning")
    assert project.errors == 1


# --- the rules see the whole history when one file is validated --------------------------------------------


def test_validating_one_file_still_judges_it_against_the_history(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_all(root, record("2.5.0", "major"), record("2.5.1", "minor"), record("2.4.0", "patch"))
    result = run_cli("validate", "releases/2.5.1.yml", cwd=root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "releases/2.5.1.yml:3:7: error: type is 'minor' but 2.5.0 → 2.5.1 is a patch bump "
        "(releases/2.5.0.yml) [semver-type]",
        "1 file, 1 error, 0 warnings",
    ]
