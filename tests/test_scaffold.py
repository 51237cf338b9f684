"""`releasebook new`: the next version, the record it writes, and every refusal."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import semver
import yaml
from releasebook.history import bump_base, expected_type
from releasebook.model import Release
from releasebook.scaffold import (
    PLACEHOLDER_SUMMARY,
    ScaffoldError,
    implied_type,
    next_version,
    parse_date,
    plan,
    waiting_prereleases,
)

FIXTURE_POLICY = Path(__file__).resolve().parent / "fixtures" / "publish" / "policy.yml"


def record(version: str, status: str = "released") -> Release:
    """A minimal Release for the version arithmetic (type and dates do not matter there)."""
    return Release(version, semver.Version.parse(version), dt.date(2025, 1, 1), "patch", status,  # type: ignore[arg-type]
                   "summary", f"releases/{version}.yml")


# --- next version -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("versions", "kind", "expected"), [
    ([], "major", "1.0.0"),
    ([], "minor", "0.1.0"),
    ([], "patch", "0.0.1"),
    (["1.4.2"], "patch", "1.4.3"),
    (["1.4.2"], "minor", "1.5.0"),
    (["1.4.2"], "major", "2.0.0"),
    # a pre-release does not take its core version: 2.0.0 is still free after 2.0.0-rc.1
    (["1.4.2", "2.0.0-rc.1"], "major", "2.0.0"),
    (["1.4.2", "2.0.0-rc.1"], "minor", "1.5.0"),
    (["1.4.2", "2.0.0-rc.1"], "patch", "1.4.3"),
    (["1.4.2", "2.0.0-beta.1", "2.0.0-rc.1"], "major", "2.0.0"),
    # once 2.0.0 exists, everything counts from it
    (["1.4.2", "2.0.0-rc.1", "2.0.0"], "major", "3.0.0"),
    (["1.4.2", "2.0.0-rc.1", "2.0.0"], "minor", "2.1.0"),
    (["1.4.2", "2.0.0-rc.1", "2.0.0"], "patch", "2.0.1"),
    # a pre-release of the next minor
    (["2.0.0", "2.1.0-rc.1"], "minor", "2.1.0"),
    # only pre-releases so far: counting starts from 0.0.0
    (["1.0.0-alpha.1"], "major", "1.0.0"),
    # build metadata does not change the arithmetic
    (["1.4.2+build.7"], "patch", "1.4.3"),
])
def test_next_version(versions: list[str], kind: Any, expected: str) -> None:
    assert next_version([record(v) for v in versions], kind) == expected


@pytest.mark.parametrize("status", ["planned", "in-progress", "rolled-back"])
def test_next_version_counts_every_status(status: str) -> None:
    """A planned or rolled-back record still holds its version: the next one goes past it."""
    releases = [record("2.3.0"), record("2.4.0", status)]
    assert next_version(releases, "minor") == "2.5.0"
    assert next_version(releases, "patch") == "2.4.1"


@pytest.mark.parametrize("kind", ["patch", "minor", "major"])
@pytest.mark.parametrize("versions", [
    [],
    ["1.4.2"],
    ["1.4.2", "2.0.0-rc.1"],
    ["1.4.2", "2.0.0-rc.1", "2.0.0"],
    ["1.0.0", "1.1.0", "2.0.0", "1.1.1"],
    ["0.3.0", "0.3.1-rc.1"],
])
def test_computed_version_passes_the_type_rule(tmp_path: Path, versions: list[str], kind: Any) -> None:
    """Whatever `next_version` picks, the type rule's base and bump agree with the requested type."""
    releases = [record(v) for v in versions]
    chosen = plan(releases, [], tmp_path / "releases", version=None, release_type=kind)
    new = record(chosen.version, "planned")
    base = bump_base(new, releases)
    assert chosen.type == kind
    if base is not None:
        assert expected_type(new, base) == kind


def test_waiting_prereleases() -> None:
    releases = [record(v) for v in ("1.0.0", "2.0.0-rc.1", "2.0.0-rc.2", "1.1.0-beta.1", "1.1.0")]
    assert waiting_prereleases(releases) == ["2.0.0"]


def test_implied_type_for_a_first_release() -> None:
    assert implied_type(semver.Version.parse("1.0.0"), None) == "major"
    assert implied_type(semver.Version.parse("0.1.0"), None) == "minor"
    assert implied_type(semver.Version.parse("0.0.1"), None) == "patch"
    assert implied_type(semver.Version.parse("1.2.0"), None) == "minor"


# --- refusals -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "kind", "message"), [
    ("2.5.0", "patch", "2.5.0 is a minor bump from 2.4.1, not patch; use --type minor"),
    ("2.7.3", None, "2.7.3 is not a patch, minor or major bump from 2.4.1"),
    ("v2.5.0", None, "without the leading 'v' (2.5.0)"),
    ("2.5", None, "'2.5' is not a SemVer 2.0.0 version"),
    ("2.4.1", None, "releases/2.4.1.yml already holds version 2.4.1"),
    ("2.4.1+build.9", None, "releases/2.4.1.yml already holds version 2.4.1+build.9"),
])
def test_plan_refuses(tmp_path: Path, version: str, kind: Any, message: str) -> None:
    releases = [record("2.4.0"), record("2.4.1")]
    files = [Path("releases/2.4.0.yml"), Path("releases/2.4.1.yml")]
    with pytest.raises(ScaffoldError) as error:
        plan(releases, files, tmp_path / "releases", version=version, release_type=kind)
    assert message in str(error.value)


def test_plan_needs_a_version_or_a_type(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="--type patch"):
        plan([], [], tmp_path, version=None, release_type=None)


@pytest.mark.parametrize(("text", "message"), [
    ("2026-02-30", "not a real calendar date"),
    ("2026-2-3", "YYYY-MM-DD"),
    ("20260203", "YYYY-MM-DD"),
    ("tomorrow", "YYYY-MM-DD"),
])
def test_parse_date_refuses(text: str, message: str) -> None:
    with pytest.raises(ScaffoldError, match=message):
        parse_date(text, dt.date(2026, 1, 1))


def test_parse_date_defaults_to_today() -> None:
    assert parse_date(None, dt.date(2026, 3, 4)) == dt.date(2026, 3, 4)
    assert parse_date("2024-02-29", dt.date(2026, 3, 4)) == dt.date(2024, 2, 29)


# --- the real command ---------------------------------------------------------------------------------------


def test_new_then_validate(publish_project: Path, real_cli: Callable[..., Any],
                           load_history: Callable[[Path], Any]) -> None:
    """`new --type minor` writes 2.4.0 after the planned 2.3.0, and the whole history still validates."""
    result = real_cli("new", "--type", "minor", "--name", "Reports \"v2\" & <more>", "--date", "2025-08-01",
                     cwd=publish_project)
    assert result.returncode == 0, result.stderr
    written = publish_project / "releases" / "2.4.0.yml"
    assert "Created releases/2.4.0.yml: planned minor release 2.4.0 after 2.3.0" in result.stdout
    assert "releasebook validate releases/2.4.0.yml" in result.stdout
    assert written.is_file()

    checked = real_cli("validate", cwd=publish_project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "11 files, 0 errors, 0 warnings" in checked.stdout
    alone = real_cli("validate", "releases/2.4.0.yml", cwd=publish_project)
    assert alone.returncode == 0, alone.stdout

    _, project, history = load_history(publish_project)
    release = history.find("2.4.0")
    assert release is not None
    assert (release.status, release.type, release.date) == ("planned", "minor", dt.date(2025, 8, 1))
    assert release.name == "Reports \"v2\" & <more>"
    assert release.summary == PLACEHOLDER_SUMMARY
    # the cross-release type rule judges it against the same base and agrees
    base = bump_base(release, project.releases)
    assert base is not None and base.version == "2.3.0"
    assert expected_type(release, base) == "minor"
    statuses = {item.status for checklist in release.checklists for item in checklist.items}
    assert statuses == {"pending"}


def test_new_record_text(publish_project: Path, real_cli: Callable[..., Any]) -> None:
    """Modeline, every policy item pending with its text, guidance for each section as comments."""
    result = real_cli("new", "2.2.1", "--date", "2025-08-02", cwd=publish_project)
    assert result.returncode == 0, result.stderr
    text = (publish_project / "releases" / "2.2.1.yml").read_text(encoding="utf-8")
    # the fixture has no schemas/ folder and a site_url: the modeline points at the published schema
    assert text.splitlines()[0] == ("# yaml-language-server: "
                                    "$schema=https://docs.example.com/product/schemas/release.schema.json")
    data = yaml.safe_load(text)
    assert data["version"] == "2.2.1" and data["type"] == "patch" and data["status"] == "planned"
    assert data["date"] == "2025-08-02"
    policy = yaml.safe_load(FIXTURE_POLICY.read_text(encoding="utf-8"))
    for key in ("pre_release", "deployment"):
        items = policy["checklists"][key]["items"]
        assert data["checklists"][key] == {item["id"]: "pending" for item in items}
        for item in items:
            line = rf"^    {re.escape(item['id'])}: pending +# {re.escape(item['text'])}"
            assert re.search(line, text, re.M), item["id"]
    for section in ("features", "improvements", "fixes", "breaking_changes", "migration_steps",
                    "known_issues", "documentation", "rollback", "verification", "incident"):
        assert f"\n# {section}:" in text, section
        assert section not in data
    assert "# New Features: [Feature]: description and value to users" in text


def test_modeline_is_relative_to_the_record(publish_project: Path, real_cli: Callable[..., Any]) -> None:
    """With a local schema file, the modeline is the relative path from the record's folder to it."""
    schemas = publish_project / "config" / "schemas"
    schemas.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "schemas" / "release.schema.json", schemas)
    config = publish_project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - releasebook\n", "  - releasebook:\n      schema: config/schemas/release.schema.json\n"),
        encoding="utf-8")
    result = real_cli("new", "--type", "major", "--date", "2025-08-03", cwd=publish_project)
    assert result.returncode == 0, result.stderr
    first = (publish_project / "releases" / "3.0.0.yml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../config/schemas/release.schema.json"
    assert real_cli("validate", cwd=publish_project).returncode == 0


def test_new_after_prerelease_creates_the_release(tmp_path: Path, real_cli: Callable[..., Any]) -> None:
    """Only 2.0.0-rc.1 holds 2.0: `--type major` gives 2.0.0 and the note says so for other types."""
    shutil.copy(FIXTURE_POLICY, tmp_path / "policy.yml")
    assert real_cli("new", "1.0.0", "--date", "2025-01-01", cwd=tmp_path).returncode == 0
    assert real_cli("new", "2.0.0-rc.1", "--date", "2025-02-01", cwd=tmp_path).returncode == 0
    patch = real_cli("new", "--type", "patch", "--date", "2025-02-02", cwd=tmp_path)
    assert patch.returncode == 0, patch.stderr
    assert "planned patch release 1.0.1 after 1.0.0" in patch.stdout
    assert "Note: 2.0.0 has pre-releases but no record yet" in patch.stdout
    major = real_cli("new", "--type", "major", "--date", "2025-03-01", cwd=tmp_path)
    assert major.returncode == 0, major.stderr
    assert "planned major release 2.0.0 after 1.0.1" in major.stdout
    assert "Note:" not in major.stdout
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == [
        "1.0.0.yml", "1.0.1.yml", "2.0.0-rc.1.yml", "2.0.0.yml"]
    assert real_cli("validate", cwd=tmp_path).returncode == 0


def test_first_record_creates_the_folder(tmp_path: Path, real_cli: Callable[..., Any]) -> None:
    shutil.copy(FIXTURE_POLICY, tmp_path / "policy.yml")
    result = real_cli("new", "--type", "minor", "--date", "2025-01-01", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0.1.0 (the first release)" in result.stdout
    # no schema file and no site_url: the modeline cannot work yet, and the note says why
    assert "schemas/release.schema.json does not exist" in result.stderr
    assert (tmp_path / "releases" / "0.1.0.yml").is_file()
    assert real_cli("validate", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(("existing", "request_version"), [
    ("releases/2.4.0.yml", "2.4.0"),
    ("releases/2.4.0.yaml", "2.4.0"),
    ("releases/2.x/2.4.0.yml", "2.4.0"),
    ("releases/2.4.0+build.1.yml", "2.4.0"),
    ("releases/2.4.0.yml", "2.4.0+ci.5"),
])
def test_new_never_overwrites(publish_project: Path, real_cli: Callable[..., Any], existing: str,
                              request_version: str) -> None:
    path = publish_project / existing
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("keep me\n", encoding="utf-8")
    before = sorted(p.relative_to(publish_project).as_posix() for p in publish_project.rglob("*.y*ml"))
    result = real_cli("new", request_version, "--date", "2025-08-01", cwd=publish_project)
    assert result.returncode == 1
    assert f"{existing} already holds version {request_version}" in result.stderr
    assert "never overwrites" in result.stderr
    assert path.read_text(encoding="utf-8") == "keep me\n"
    after = sorted(p.relative_to(publish_project).as_posix() for p in publish_project.rglob("*.y*ml"))
    assert after == before


def test_new_refuses_a_computed_version_that_a_broken_file_holds(publish_project: Path,
                                                                 real_cli: Callable[..., Any]) -> None:
    """An invalid 2.4.0.yml is left out of the history, but its name still blocks the next minor."""
    (publish_project / "releases" / "2.4.0.yml").write_text("version: [oops\n", encoding="utf-8")
    result = real_cli("new", "--type", "minor", cwd=publish_project)
    assert result.returncode == 1
    assert "1 existing record(s) have errors" in result.stderr
    assert "releases/2.4.0.yml already holds version 2.4.0" in result.stderr


@pytest.mark.parametrize(("args", "message", "code"), [
    (["new", "2.5.1"], "2.5.1 is not a patch, minor or major bump from 2.3.0", 1),
    (["new", "3.0.0", "--type", "minor"], "3.0.0 is a major bump from 2.3.0, not minor", 1),
    (["new", "--type", "patch", "--date", "2025-13-01"], "is not a real calendar date", 1),
    (["new", "--type", "patch", "--name", "   "], "--name must not be blank", 1),
    (["new"], "give a VERSION or --type", 1),
    (["new", "--type", "huge"], "invalid choice: 'huge'", 2),
])
def test_new_usage_errors(publish_project: Path, real_cli: Callable[..., Any], args: list[str], message: str,
                          code: int) -> None:
    result = real_cli(*args, cwd=publish_project)
    assert result.returncode == code
    assert message in result.stderr
    assert not (publish_project / "releases" / "2.5.1.yml").exists()
    assert not (publish_project / "releases" / "3.0.0.yml").exists()


def test_new_with_a_broken_policy_is_a_configuration_error(publish_project: Path,
                                                           real_cli: Callable[..., Any]) -> None:
    policy = publish_project / "policy.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("format: 1", "format: 2"), encoding="utf-8")
    result = real_cli("new", "--type", "patch", cwd=publish_project)
    assert result.returncode == 2
    assert "policy.yml:" in result.stderr and "the policy has errors" in result.stderr
