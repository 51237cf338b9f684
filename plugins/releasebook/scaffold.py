"""`releasebook new`: the next version and a planned record that passes validation as written."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import semver

from .history import bump_base, core, expected_type
from .load import Source, load_text
from .model import Policy, Release, ReleaseType
from .problems import Problem
from .validate import SchemaChecker, record_checks

PLACEHOLDER_SUMMARY = "TODO: one or two sentences on what this release brings and why it matters."
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

# Guidance written as YAML comments for each optional section; the policy's release-notes template adds a line
# of its own when one of its headings names the section.
SECTION_HEADINGS: dict[str, str] = {
    "features": "New Features",
    "improvements": "Improvements",
    "fixes": "Bug Fixes",
    "breaking_changes": "Breaking Changes",
    "migration_steps": "Migration Steps",
    "known_issues": "Known Issues",
    "documentation": "Documentation",
    "rollback": "Rollback",
}

SECTION_EXAMPLES: dict[str, str] = {
    "components": """\
# components:                  # services or components this release touches
#   - api
""",
    "features": """\
# features:
#   - title: Short name of the feature
#     description: What it does and the value to users (Markdown).
#     refs: ["OPS-123", "#456"]
""",
    "improvements": """\
# improvements:
#   - title: What improved
#     description: What changed and why it matters.
""",
    "fixes": """\
# fixes:
#   - title: What was broken
#     description: How it is resolved.
""",
    "breaking_changes": """\
# breaking_changes:            # any entry here needs type: major (except in 0.y.z versions)
#   - title: What changes for users
#     description: The change itself.
#     migration: What users must do to upgrade.
#     impact: Who is affected and how.
""",
    "migration_steps": """\
# migration_steps:             # in order
#   - Back up the configuration.
#   - Run the migration.
""",
    "known_issues": """\
# known_issues:
#   - title: The issue
#     description: What happens and when.
#     workaround: How to avoid it until it is fixed.
""",
    "documentation": """\
# documentation:
#   - title: Updated user guide
#     url: https://docs.example.com/guide
""",
    "rollback": """\
# rollback:                    # needed before 'rollback-plan' can be done
#   plan: How to undo this release (feature flags first, then redeploy).
#   target: 1.2.3              # optional: defaults to the last known-good release
#   steps:
#     - Turn off the feature flags.
#   feature_flags: [some.flag]
#   database: What happens to schema or data changes.
#   contacts:
#     - role: DevOps Engineer
#       name: Jane Doe
#       contact: jane@example.com
""",
    "verification": """\
# verification:                # post-deploy measurements; they drive the rollback verdict
#   error_rate_percent: 0.4
#   latency_ratio: 1.1
#   critical_functionality_broken: false
#   data_integrity_issue: false
#   security_issue: false
#   noncritical_feature_major_issue: false
#   complex_workaround: false
#   estimated_fix_hours: 0
#   notes: How the numbers were measured.
""",
    "incident": """\
# incident:                    # required when status is rolled-back
#   summary: What went wrong and how it was resolved.
#   detected_at: "2026-01-31T14:05:00Z"
#   severity: SEV-2
#   postmortem: https://wiki.example.com/postmortems/...
""",
}


class ScaffoldError(Exception):
    """A request `new` refuses: the message says why and what to do instead (the CLI exits 1)."""


@dataclass(frozen=True)
class Plan:
    """What `new` is about to write: the version, its type, and the file."""

    version: str
    type: ReleaseType
    path: Path
    base: Release | None


def taken_cores(releases: Iterable[Release]) -> list[semver.Version]:
    """The `major.minor.patch` of every non-pre-release record, whatever its status.

    A planned or rolled-back record still occupies its version. A pre-release does not occupy its core
    version: 2.0.0-rc.1 on its own leaves 2.0.0 free, because 2.0.0 is the release it precedes.
    """
    return [core(r) for r in releases if not r.is_prerelease]


def next_version(releases: Iterable[Release], release_type: ReleaseType) -> str:
    """The version after the highest non-pre-release record, bumped by `release_type` (from 0.0.0 when none).

    After 1.4.0 and 2.0.0-rc.1 (no 2.0.0 yet), `major` gives 2.0.0, the release the candidate precedes, while
    `minor` gives 1.5.0 and `patch` 1.4.1: the only versions whose type the cross-release rule would accept.
    """
    cores = taken_cores(releases)
    base = max(cores) if cores else semver.Version(0, 0, 0)
    bumped = {"major": base.bump_major, "minor": base.bump_minor, "patch": base.bump_patch}[release_type]()
    return str(bumped)


def waiting_prereleases(releases: Iterable[Release]) -> list[str]:
    """Core versions that only pre-releases hold so far (2.0.0 after 2.0.0-rc.1), lowest first."""
    pool = list(releases)
    taken = set(taken_cores(pool))
    waiting = {core(r) for r in pool if r.is_prerelease and core(r) not in taken}
    return [str(v) for v in sorted(waiting)]


def implied_type(version: semver.Version, base: Release | None) -> ReleaseType | None:
    """The type a version must have after `base` (the type rule's); first releases: the top non-zero part."""
    if base is None:
        if version.major > 0 and (version.minor, version.patch) == (0, 0):
            return "major"
        return "patch" if version.patch > 0 else "minor"
    return expected_type(_probe(version), base)


def _probe(version: semver.Version) -> Release:
    """A stand-in record, because the history helpers judge records rather than bare versions."""
    return Release(str(version), version, dt.date(1970, 1, 1), "patch", "planned", "", "<new>")


def _identity(version: str) -> str | None:
    try:
        return str(semver.Version.parse(version).replace(build=None)).casefold()
    except ValueError:
        return None


def occupied_by(version: str, files: Iterable[Path]) -> Path | None:
    """A record file whose name holds the same version (build metadata and case ignored), if any."""
    wanted = _identity(version)
    for path in files:
        stem = path.name.rsplit(".", 1)[0]
        if stem.casefold() == version.casefold() or (wanted is not None and _identity(stem) == wanted):
            return path
    return None


def plan(
    releases: list[Release],
    files: list[Path],
    folder: Path,
    *,
    version: str | None,
    release_type: ReleaseType | None,
    display: Callable[[Path], str] = Path.as_posix,
) -> Plan:
    """Decide the version, type and path for a new record, or raise ScaffoldError explaining the refusal."""
    if version is None:
        if release_type is None:
            raise ScaffoldError("give a VERSION or --type patch|minor|major to compute the next one")
        version = next_version(releases, release_type)
    version = version.strip()
    if version[:1] in ("v", "V"):
        raise ScaffoldError(f"'{version}': write the version without the leading 'v' ({version[1:]})")
    try:
        parsed = semver.Version.parse(version)
    except ValueError as error:
        raise ScaffoldError(f"'{version}' is not a SemVer 2.0.0 version (MAJOR.MINOR.PATCH)") from error
    existing = occupied_by(version, files)
    if existing is not None:
        raise ScaffoldError(f"{display(existing)} already holds version {version}; "
                            "releasebook new never overwrites a record")
    target = folder / f"{version}.yml"
    if target.exists():
        raise ScaffoldError(f"{display(target)} already exists; releasebook new never overwrites a record")
    base = bump_base(_probe(parsed), releases)
    implied = implied_type(parsed, base)
    base_text = f"from {base.version}" if base is not None else "as the first release"
    if implied is None:
        raise ScaffoldError(f"{version} is not a patch, minor or major bump {base_text}; "
                            "pick the next patch, minor or major version")
    if release_type is not None and release_type != implied:
        raise ScaffoldError(f"{version} is a {implied} bump {base_text}, not {release_type}; "
                            f"use --type {implied} or another version")
    return Plan(version, implied, target, base)


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML), with the breaks YAML would fold escaped."""
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\x85")


def _comment(text: str) -> str:
    """Text safe for a one-line YAML comment."""
    return " ".join(text.split())


def modeline(record_path: Path, schema_path: Path, schema_url: str = "") -> str:
    """The yaml-language-server modeline: relative to the record's folder, or the published URL."""
    target = schema_url or Path(os.path.relpath(schema_path, record_path.parent)).as_posix()
    return f"# yaml-language-server: $schema={target}\n"


def render_record(
    chosen: Plan,
    policy: Policy,
    *,
    date: dt.date,
    name: str = "",
    schema_line: str,
) -> str:
    """The text of a planned record: required fields, every checklist item pending, guidance as comments."""
    out: list[str] = [schema_line]
    out.append(f"# Planned {chosen.type} release, created by `releasebook new`. Fill in the summary and\n")
    out.append("# the sections below, move checklist items along as the work happens, and run\n")
    out.append("# `releasebook validate` before each commit.\n")
    out.append(f"version: {yaml_string(chosen.version)}\n")
    if name:
        out.append(f"name: {yaml_string(name)}\n")
    else:
        out.append("# name: A short name for the release\n")
    out.append(f"date: \"{date.isoformat()}\"                # planned date; set the real one on release\n")
    out.append(f"type: {chosen.type}\n")
    out.append("status: planned               # planned → in-progress → released (or rolled-back)\n")
    out.append(f"summary: >-\n  {PLACEHOLDER_SUMMARY}\n")
    guidance = {section.heading: section.guidance for section in policy.notes_template}
    for section, example in SECTION_EXAMPLES.items():
        out.append("\n")
        heading = SECTION_HEADINGS.get(section)
        if heading and heading in guidance:
            out.append(f"# {heading}: {_comment(guidance[heading])}\n")
        out.append(example)
    out.append("\n")
    out.append("# Checklists from the policy. Status: done, pending, in-progress, blocked, or")
    out.append(" {status: skipped, note: why}\n# for a conditional item that does not apply.")
    out.append(" Add owner, evidence (a URL) and note with the mapping form.\n")
    out.append("checklists:\n")
    width = max((len(item.id) for checklist in policy.checklists for item in checklist.items), default=0)
    for checklist in policy.checklists:
        out.append(f"  {checklist.key}:".ljust(width + 15) + f" # {_comment(checklist.title)}\n")
        for item in checklist.items:
            flag = " [conditional]" if item.conditional else ""
            out.append(f"    {item.id}: pending".ljust(width + 15) + f" # {_comment(item.text)}{flag}\n")
    return "".join(out)


def check_text(text: str, display: str, stem: str, policy: Policy, schema: SchemaChecker) -> list[Problem]:
    """Every schema and record problem in a record's text, before it is written."""
    document = load_text(Source(display, text))
    return document.problems + schema.check(document) + record_checks(document, policy, stem)


def parse_date(text: str | None, today: dt.date) -> dt.date:
    """`--date` as a calendar date (YYYY-MM-DD), or today."""
    if text is None:
        return today
    if not DATE_PATTERN.fullmatch(text):
        raise ScaffoldError(f"--date '{text}' is not a date in YYYY-MM-DD form")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise ScaffoldError(f"--date '{text}' is not a real calendar date") from error


def check_name(name: str | None) -> str:
    """`--name`, stripped; refused when blank or over the schema's 200 characters."""
    if name is None:
        return ""
    cleaned = name.strip()
    if not cleaned:
        raise ScaffoldError("--name must not be blank")
    if len(cleaned) > 200:
        raise ScaffoldError(f"--name is {len(cleaned)} characters long, over the limit of 200")
    return cleaned


__all__ = [
    "PLACEHOLDER_SUMMARY",
    "Plan",
    "ScaffoldError",
    "check_name",
    "check_text",
    "implied_type",
    "modeline",
    "next_version",
    "occupied_by",
    "parse_date",
    "plan",
    "render_record",
    "taken_cores",
    "waiting_prereleases",
    "yaml_string",
]
