"""The cross-release rules through the real pipeline: both sides of every rule, located, configurable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from releasebook.pipeline import Checker, Project
from releasebook.problems import Problem
from releasebook.settings import Settings

from .test_rules_support import (
    BREAKING,
    REPO,
    check,
    checklists,
    conditional_ids,
    lines,
    make_project,
    only,
    record,
    write_all,
)


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of a file that contains `needle`."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def history(tmp_path: Path, *records: dict[str, Any], **policy: Any) -> Project:
    """Write records into a fresh project and check it."""
    root = make_project(tmp_path / "project", **policy)
    write_all(root, *records)
    return check(root)


# --- the example data ---------------------------------------------------------------------------------------


def test_the_example_releases_validate_clean() -> None:
    project = Checker(Settings(root=REPO)).check()
    assert [p.format() for p in project.problems] == []
    assert len(project.releases) == len(project.files) > 10


# --- 1. semver-type -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("first_type", ["patch", "minor", "major"])
def test_the_first_release_may_be_of_any_type(tmp_path: Path, first_type: str) -> None:
    assert lines(history(tmp_path, record("3.4.5", first_type))) == []


@pytest.mark.parametrize(("base", "version", "type_"), [
    ("1.2.3", "1.2.4", "patch"),
    ("1.2.3", "1.3.0", "minor"),
    ("1.2.3", "2.0.0", "major"),
    ("2.0.0", "2.2.0", "minor"),  # gaps are allowed
    ("2.0.0", "2.0.7", "patch"),
    ("1.2.3", "3.0.0", "major"),
])
def test_matching_types_pass(tmp_path: Path, base: str, version: str, type_: str) -> None:
    assert lines(history(tmp_path, record(base, "major"), record(version, type_))) == []


@pytest.mark.parametrize(("version", "written", "expected"), [
    ("2.5.1", "minor", "patch"),
    ("2.6.0", "patch", "minor"),
    ("3.0.0", "minor", "major"),
    ("2.6.0", "major", "minor"),
])
def test_wrong_types_are_located_at_type(tmp_path: Path, version: str, written: str, expected: str) -> None:
    project = history(tmp_path, record("2.5.0", "major"), record(version, written))
    [problem] = only(project, "semver-type")
    assert problem.message == (f"type is '{written}' but 2.5.0 → {version} is a {expected} bump "
                               "(releases/2.5.0.yml)")
    assert (problem.file, problem.path, problem.severity) == (f"releases/{version}.yml", "type", "error")
    assert problem.line == line_of(tmp_path / "project/releases" / f"{version}.yml", "type:")


@pytest.mark.parametrize(("version", "bump", "missing"), [
    ("2.2.3", "a minor bump resets patch to 0", "2.2.0"),
    ("3.1.0", "a major bump resets minor and patch to 0", "3.0.0"),
    ("3.0.1", "a major bump resets minor and patch to 0", "3.0.0"),
])
def test_no_single_bump_is_located_at_version(tmp_path: Path, version: str, bump: str, missing: str) -> None:
    project = history(tmp_path, record("2.0.0", "major"), record(version, "minor"))
    [problem] = only(project, "semver-type")
    assert problem.message == (f"{version} is not one SemVer bump from 2.0.0 (releases/2.0.0.yml): {bump}; "
                               f"is the record for {missing} missing?")
    assert problem.path == "version"


def test_a_pre_release_takes_the_type_of_the_release_it_precedes(tmp_path: Path) -> None:
    project = history(tmp_path, record("1.10.1", "major"), record("2.0.0-beta.1", "major"),
                      record("2.0.0-rc.1", "minor"), record("2.1.0-rc.1", "minor"), record("2.0.0", "major"),
                      record("2.1.0-rc.2", "patch"))
    assert [(p.file, p.message) for p in only(project, "semver-type")] == [
        ("releases/2.0.0-rc.1.yml", "type is 'minor' but 2.0.0-rc.1 precedes 2.0.0, a major bump from 1.10.1 "
                                    "(releases/1.10.1.yml)"),
        ("releases/2.1.0-rc.2.yml", "type is 'patch' but 2.1.0-rc.2 precedes 2.1.0, a minor bump from 2.0.0 "
                                    "(releases/2.0.0.yml)"),
    ]


def test_a_backport_is_judged_on_its_own_line(tmp_path: Path) -> None:
    records = [record("1.10.0", "major"), record("2.0.0", "major"), record("1.10.1", "patch"),
               record("1.11.0", "minor")]
    assert lines(history(tmp_path, *records)) == []
    project = history(tmp_path / "wrong", record("1.10.0", "major"), record("2.0.0", "major"),
                      record("1.10.1", "major"))
    [problem] = only(project, "semver-type")
    assert problem.message == "type is 'major' but 1.10.0 → 1.10.1 is a patch bump (releases/1.10.0.yml)"


def test_a_rolled_back_or_planned_record_still_counts_as_the_predecessor(tmp_path: Path) -> None:
    records = [record("2.2.0", "major"), record("2.3.0", status="rolled-back"), record("2.3.1", "patch"),
               record("2.4.0", status="planned"), record("2.4.1", "patch", status="planned")]
    assert lines(history(tmp_path, *records)) == []


# --- 2. breaking-needs-major --------------------------------------------------------------------------------


@pytest.mark.parametrize("type_", ["minor", "patch"])
def test_breaking_changes_need_a_major_release(tmp_path: Path, type_: str) -> None:
    version = "1.3.0" if type_ == "minor" else "1.2.1"
    project = history(tmp_path, record("1.2.0", "major"),
                      record(version, type_, breaking_changes=BREAKING * 2))
    [problem] = only(project, "breaking-needs-major")
    assert problem.message == (f"2 breaking changes need a major release, but type is '{type_}' "
                               "(only 0.y.z versions may break compatibility without a major release)")
    assert problem.path == "breaking_changes"
    assert (problem.line, problem.col) == (line_of(tmp_path / "project/releases" / f"{version}.yml",
                                                   "breaking_changes:"), 1)


def test_breaking_changes_in_a_major_release_pass(tmp_path: Path) -> None:
    assert lines(history(tmp_path, record("1.2.0", "major"),
                         record("2.0.0", "major", breaking_changes=BREAKING),
                         record("3.0.0-rc.1", "major", breaking_changes=BREAKING))) == []


def test_zero_versions_may_break_in_a_minor_release(tmp_path: Path) -> None:
    assert lines(history(tmp_path, record("0.4.0", "major"),
                         record("0.5.0", "minor", breaking_changes=BREAKING),
                         record("0.5.1", "patch", breaking_changes=BREAKING))) == []


def test_an_empty_breaking_changes_list_passes(tmp_path: Path) -> None:
    assert lines(history(tmp_path, record("1.2.0", "minor", breaking_changes=[]))) == []


# --- 3. policy-gate -----------------------------------------------------------------------------------------


def test_released_with_every_item_done_passes(tmp_path: Path) -> None:
    assert lines(history(tmp_path, record("1.0.0", "major"))) == []


def test_conditional_items_may_be_skipped_with_a_note(tmp_path: Path) -> None:
    skipped = {"status": "skipped", "note": "Not applicable."}
    changes = {item.replace("-", "_"): skipped for key in ("pre_release", "deployment")
               for item in conditional_ids(key)}
    assert lines(history(tmp_path, record("1.0.0", "major", checklists=checklists(**changes)),
                         record("1.1.0", status="rolled-back", checklists=checklists(**changes)))) == []


def test_released_lists_every_missing_item_by_id_and_text(tmp_path: Path) -> None:
    lists = checklists(performance={"status": "blocked", "owner": "Lars"}, monitoring=None,
                       db_migrations="in-progress")
    project = history(tmp_path, record("1.0.0", "major", checklists=lists))
    [problem] = only(project, "policy-gate")
    assert problem.message == (
        "released requires every pre_release item done: performance (Performance impact assessed) is "
        "blocked, db-migrations (Database migrations tested (if applicable)) is in-progress (conditional: "
        "done, or skipped with a note), monitoring (Monitoring and alerts configured for new features) is "
        "pending (not recorded)")
    assert problem.path == "checklists.pre_release.performance"
    assert problem.line == line_of(tmp_path / "project/releases/1.0.0.yml", "performance:")


def test_items_left_out_of_the_record_point_at_status(tmp_path: Path) -> None:
    project = history(tmp_path, record("1.0.0", "major", checklists=checklists(announce=None, backup=None)))
    [problem] = only(project, "policy-gate")
    assert problem.message == (
        "released requires every deployment item done: backup (Backup or snapshot created (if "
        "applicable)) is pending (not recorded) (conditional: done, or skipped with a note), announce "
        "(Announce release to stakeholders and support team) is pending (not recorded)")
    assert problem.path == "status"


def test_released_without_any_checklists_fails_both(tmp_path: Path) -> None:
    project = history(tmp_path, record("1.0.0", "major", checklists=None))
    problems = only(project, "policy-gate")
    assert [p.message.split(":")[0] for p in problems] == ["released requires every deployment item done",
                                                           "released requires every pre_release item done"]
    assert {p.path for p in problems} == {"status"}


@pytest.mark.parametrize("status", ["released", "rolled-back"])
def test_a_non_conditional_item_cannot_be_skipped(tmp_path: Path, status: str) -> None:
    skipped = {"status": "skipped", "note": "No time."}
    project = history(tmp_path, record("1.0.0", "major", status, checklists=checklists(smoke_tests=skipped,
                                                                                          announce=skipped)))
    assert [(p.path, p.message) for p in only(project, "policy-gate")] == [
        ("checklists.pre_release.smoke-tests",
         f"smoke-tests (Smoke tests prepared and reviewed by QA Lead) is skipped but not conditional: "
         f"a {status} record must have it done"),
        ("checklists.deployment.announce",
         f"announce (Announce release to stakeholders and support team) is skipped but not conditional: "
         f"a {status} record must have it done"),
    ]


def test_rolled_back_needs_pre_release_items_but_not_deployment(tmp_path: Path) -> None:
    deployment_open = checklists(announce="pending", archive_artifacts=None, production_deploy="blocked")
    assert lines(history(tmp_path, record("1.0.0", "major", "rolled-back", checklists=deployment_open))) == []
    project = history(tmp_path / "b", record("1.0.0", "major", "rolled-back",
                                             checklists=checklists(support_briefed="pending")))
    [problem] = only(project, "policy-gate")
    assert problem.message == ("rolled-back requires every pre_release item done: support-briefed "
                               "(Support team briefed on changes and potential issues) is pending")


@pytest.mark.parametrize("status", ["planned", "in-progress"])
def test_unfinished_releases_are_not_gated(tmp_path: Path, status: str) -> None:
    skipped = {"status": "skipped", "note": "Later."}
    lists = checklists(performance="blocked", smoke_tests=skipped, announce=None)
    assert lines(history(tmp_path, record("1.0.0", "major", status, checklists=lists))) == []


# --- 4. rolled-back-incident --------------------------------------------------------------------------------


def test_rolled_back_requires_an_incident(tmp_path: Path) -> None:
    project = history(tmp_path, record("1.0.0", "major", "rolled-back", incident=None))
    [problem] = only(project, "rolled-back-incident")
    assert problem.message == ("status is 'rolled-back' but the record has no incident: "
                               "add incident.summary and incident.detected_at")
    assert problem.path == "status"
    assert problem.line == line_of(tmp_path / "project/releases/1.0.0.yml", "status:")


def test_rolled_back_with_an_incident_and_released_without_one_pass(tmp_path: Path) -> None:
    assert lines(history(tmp_path, record("1.0.0", "major", "rolled-back"), record("1.0.1", "patch"))) == []


# --- 5. rollback-target -------------------------------------------------------------------------------------


def with_target(version: str, target: str, type_: str = "minor", status: str = "released") -> dict[str, Any]:
    """A record whose rollback names `target`."""
    return record(version, type_, status, rollback={"plan": "Redeploy.", "target": target})


def target_history(tmp_path: Path, target: str) -> list[Problem]:
    """The rollback-target problems when 2.3.0 names `target` in a small history."""
    project = history(tmp_path, record("2.1.0", "major"), record("2.2.0"), record("2.2.1", "patch"),
                      record("2.2.2", "patch", "rolled-back"), record("2.2.3", "patch", "planned"),
                      with_target("2.3.0", target), record("2.4.0", status="in-progress"))
    return only(project, "rollback-target")


@pytest.mark.parametrize("target", ["2.2.1", "2.1.0", "2.2.1+build.5"])
def test_a_lower_released_target_passes(tmp_path: Path, target: str) -> None:
    assert target_history(tmp_path, target) == []


@pytest.mark.parametrize(("target", "why"), [
    ("2.2.9", "names no release record (did you mean 2.2.1, 2.2.0?)"),
    ("2.2.2", "has status 'rolled-back' (releases/2.2.2.yml); a rollback target must be a released record"),
    ("2.2.3", "has status 'planned' (releases/2.2.3.yml); a rollback target must be a released record"),
    ("2.3.0", "is this release itself"),
    ("2.4.0", "is not below 2.3.0 in precedence (releases/2.4.0.yml); a rollback goes to an earlier release"),
])
def test_bad_targets_are_located_at_rollback_target(tmp_path: Path, target: str, why: str) -> None:
    [problem] = target_history(tmp_path, target)
    assert problem.message == f"rollback.target {target} {why}"
    assert (problem.file, problem.path) == ("releases/2.3.0.yml", "rollback.target")
    assert problem.line == line_of(tmp_path / "project/releases/2.3.0.yml", "target:")


# --- 6. rollback-plan ---------------------------------------------------------------------------------------


def test_rollback_plan_done_needs_a_plan(tmp_path: Path) -> None:
    project = history(tmp_path, record("1.0.0", "major", rollback={"plan": "   ", "steps": ["Redeploy."]}),
                      record("1.1.0", rollback=None))
    problems = only(project, "rollback-plan")
    message = ("checklist item rollback-plan is done but rollback.plan is empty: "
               "write the plan or set the item back to pending")
    assert [(p.file, p.path, p.message) for p in problems] == [
        ("releases/1.0.0.yml", "rollback.plan", message),
        ("releases/1.1.0.yml", "checklists.pre_release.rollback-plan", message),
    ]


def test_rollback_plan_pending_without_a_plan_passes(tmp_path: Path) -> None:
    lists = checklists(rollback_plan="pending")
    in_progress = record("1.0.0", "major", "in-progress", checklists=lists, rollback=None)
    assert lines(history(tmp_path, in_progress)) == []


# --- 7. duplicates ------------------------------------------------------------------------------------------


def test_duplicates_name_both_files_and_stay_errors_under_warning_settings(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", rules={"semver-type": "warning"})
    write_all(root, record("1.0.0", "major"), record("1.0.0+rebuild", "major"))
    for project in (check(root), check(root, enforce="warning")):
        problems = only(project, "duplicates")
        assert [(p.file, p.severity) for p in problems] == [("releases/1.0.0+rebuild.yml", "error"),
                                                           ("releases/1.0.0.yml", "error")]
        assert "in releases/1.0.0.yml" in problems[0].message
