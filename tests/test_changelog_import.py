"""`releasebook import keepachangelog`: parsing a Keep a Changelog file and writing one record per version."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from releasebook.importer import infer_types, parse_keepachangelog

FIXTURE_POLICY = Path(__file__).resolve().parent / "fixtures" / "publish" / "policy.yml"

CHANGELOG = """\
# Changelog

All notable changes to this project will be documented in this file.

## [Unreleased]

### Added
- Something in progress.

## [2.0.0] - 2025-04-01

### Removed
- The v1 API.

## [1.1.0] - 2025-03-01

A release about exports.

### Added
- Export to CSV. Large files are streamed, so memory stays flat.
- Dark mode for the <b>editor</b> & more.

### Fixed
- Crash on start-up when the config
  file is empty (#12).

### Security
- Session cookies are HttpOnly.

## [1.0.1] - 2025-02-01 [YANKED]

### Fixed
- Login loop.

## v1.0.0 - 2025-01-10

### Added
- First release.

### Notes
- An odd section.

## [0.9.0] - someday

[Unreleased]: https://github.com/o/r/compare/v2.0.0...HEAD
[2.0.0]: https://github.com/o/r/compare/v1.1.0...v2.0.0
"""


def test_parse_versions_and_sections() -> None:
    parsed = parse_keepachangelog(CHANGELOG, "CHANGELOG.md")
    assert [(v.version, v.date, v.yanked) for v in parsed.versions] == [
        ("2.0.0", "2025-04-01", False), ("1.1.0", "2025-03-01", False), ("1.0.1", "2025-02-01", True),
        ("1.0.0", "2025-01-10", False)]
    exports = parsed.versions[1]
    assert exports.summary == ["A release about exports."]
    assert exports.entries["features"] == [
        ("", "Export to CSV. Large files are streamed, so memory stays flat."),
        ("", "Dark mode for the <b>editor</b> & more.")]
    assert exports.entries["fixes"] == [("", "Crash on start-up when the config\nfile is empty (#12)."),
                                        ("Security: ", "Session cookies are HttpOnly.")]
    assert parsed.versions[0].entries == {"improvements": [("Removed: ", "The v1 API.")]}
    assert parsed.skipped == ["CHANGELOG.md:43: 0.9.0 has no YYYY-MM-DD date; skipped"]
    assert any("[Unreleased] skipped" in note for note in parsed.notes)
    assert any("section 'Notes'" in note and "1.0.0" in note for note in parsed.notes)


def test_types_follow_the_bumps() -> None:
    parsed = parse_keepachangelog(CHANGELOG, "CHANGELOG.md")
    assert infer_types(parsed.versions, []) == {"2.0.0": "major", "1.1.0": "minor", "1.0.1": "patch",
                                                "1.0.0": "major"}


def test_import_writes_records(tmp_path: Path, real_cli: Callable[..., Any]) -> None:
    shutil.copy(FIXTURE_POLICY, tmp_path / "policy.yml")
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    dry = real_cli("import", "keepachangelog", "CHANGELOG.md", "--dry-run", cwd=tmp_path)
    assert "Would write 4 record(s)" in dry.stdout
    assert not (tmp_path / "releases").exists()

    result = real_cli("import", "keepachangelog", "CHANGELOG.md", cwd=tmp_path)
    assert result.returncode == 1  # 0.9.0 had no date
    assert "0.9.0 has no YYYY-MM-DD date" in result.stderr
    written = "releases/2.0.0.yml, releases/1.1.0.yml, releases/1.0.1.yml, releases/1.0.0.yml"
    assert f"Wrote 4 record(s): {written}." in result.stdout
    record = yaml.safe_load((tmp_path / "releases" / "1.1.0.yml").read_text(encoding="utf-8"))
    assert (record["version"], record["type"], record["status"]) == ("1.1.0", "minor", "released")
    assert record["summary"] == "A release about exports."
    assert record["features"][1] == {"title": "Dark mode for the <b>editor</b> & more",
                                     "description": "Dark mode for the <b>editor</b> & more."}
    assert record["fixes"][1]["title"] == "Security: Session cookies are HttpOnly"
    assert "checklists" not in record
    yanked = yaml.safe_load((tmp_path / "releases" / "1.0.1.yml").read_text(encoding="utf-8"))
    assert yanked["status"] == "rolled-back" and yanked["incident"]["summary"].startswith("TODO")

    # the records pass the schema and the record checks; only the policy gate (when enabled) objects, because
    # the checklists were never recorded
    checked = real_cli("validate", cwd=tmp_path)
    problems = [line for line in checked.stdout.splitlines() if ": error: " in line or ": warning: " in line]
    assert all(line.endswith("[policy-gate]") for line in problems), problems
    assert "4 files" in checked.stdout


def test_import_never_overwrites(tmp_path: Path, real_cli: Callable[..., Any]) -> None:
    shutil.copy(FIXTURE_POLICY, tmp_path / "policy.yml")
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    (tmp_path / "releases" / "1.x").mkdir(parents=True)
    kept = tmp_path / "releases" / "1.x" / "1.1.0.yaml"
    kept.write_text("keep me\n", encoding="utf-8")
    result = real_cli("import", "keepachangelog", "CHANGELOG.md", cwd=tmp_path)
    assert result.returncode == 1
    assert "releases/1.x/1.1.0.yaml already holds 1.1.0; not overwritten" in result.stderr
    assert kept.read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "releases" / "1.1.0.yml").exists()
    assert (tmp_path / "releases" / "2.0.0.yml").is_file()


def test_import_of_a_missing_file_is_a_usage_error(tmp_path: Path, real_cli: Callable[..., Any]) -> None:
    shutil.copy(FIXTURE_POLICY, tmp_path / "policy.yml")
    result = real_cli("import", "keepachangelog", "NOPE.md", cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot read NOPE.md" in result.stderr
