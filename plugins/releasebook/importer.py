"""`releasebook import keepachangelog`: one record per version of a Keep a Changelog file.

Imported records are `released` (or `rolled-back` for `[YANKED]` versions) and carry no checklists: the
history never recorded them, and the import does not invent them. The policy gate therefore reports every
imported record until its checklist is filled in truthfully; the adopting guide explains the choice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import semver

from .history import bump_base
from .model import Release, ReleaseType
from .scaffold import implied_type, yaml_string

_VERSION_HEADING = re.compile(
    r"^##\s+\[?(?P<version>[^\]\s]+)\]?(?:\s*[-–—]\s*(?P<date>\S+))?\s*(?P<yanked>\[YANKED\])?\s*$",
    re.IGNORECASE)
_SECTION_HEADING = re.compile(r"^###\s+(?P<name>.+?)\s*$")
_BULLET = re.compile(r"^[-*+]\s+(?P<text>.*)$")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Keep a Changelog section → (record list, prefix for the title). Removals and deprecations become
# improvements with a prefix: moving one to breaking_changes needs a migration text only a person can write.
SECTION_MAP: dict[str, tuple[str, str]] = {
    "added": ("features", ""),
    "changed": ("improvements", ""),
    "deprecated": ("improvements", "Deprecated: "),
    "removed": ("improvements", "Removed: "),
    "fixed": ("fixes", ""),
    "security": ("fixes", "Security: "),
}
LIST_ORDER = ("features", "improvements", "fixes")
TITLE_LIMIT = 120


@dataclass
class ImportedVersion:
    """One version section of the changelog, as read."""

    version: str
    date: str
    yanked: bool
    line: int
    summary: list[str] = field(default_factory=list)
    entries: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class ParsedChangelog:
    """Every version found; `skipped` names versions that could not be imported, `notes` everything else."""

    versions: list[ImportedVersion]
    skipped: list[str]
    notes: list[str]


def _title(text: str) -> str:
    """The first sentence of an entry, cut at a word boundary when it is long."""
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", flat)
    title = (match.group(1) if match else flat).rstrip(".")
    if len(title) > TITLE_LIMIT:
        title = title[:TITLE_LIMIT].rsplit(" ", 1)[0] + "…"
    return title or flat[:TITLE_LIMIT]


def parse_keepachangelog(text: str, source: str) -> ParsedChangelog:
    """Versions, sections and entries of a Keep a Changelog file; anything skipped is explained in `notes`."""
    versions: list[ImportedVersion] = []
    skipped: list[str] = []
    notes: list[str] = []
    current: ImportedVersion | None = None
    section: tuple[str, str] | None = None
    entry: list[str] | None = None

    def close_entry() -> None:
        nonlocal entry
        if entry is not None and current is not None and section is not None:
            body = "\n".join(entry).strip()
            if body:
                current.entries.setdefault(section[0], []).append((section[1], body))
        entry = None

    for number, line in enumerate(text.splitlines(), start=1):
        heading = _VERSION_HEADING.match(line) if line.startswith("## ") else None
        if heading or line.startswith("# ") or line.startswith("## "):
            close_entry()
            section, current = None, None
            if not heading:
                continue
            version, date = heading.group("version"), heading.group("date") or ""
            if version.casefold() == "unreleased":
                notes.append(f"{source}:{number}: [Unreleased] skipped: start the next release with "
                             "`releasebook new`")
                continue
            if version[:1] in ("v", "V"):
                version = version[1:]
            try:
                semver.Version.parse(version)
            except ValueError:
                skipped.append(f"{source}:{number}: '{heading.group('version')}' is not a SemVer version; "
                               "skipped")
                continue
            if not _DATE.fullmatch(date) or _real_date(date) is None:
                skipped.append(f"{source}:{number}: {version} has no YYYY-MM-DD date; skipped")
                continue
            current = ImportedVersion(version, date, bool(heading.group("yanked")), number)
            versions.append(current)
            continue
        if current is None:
            continue
        sub = _SECTION_HEADING.match(line)
        if sub:
            close_entry()
            name = sub.group("name").strip().casefold()
            section = SECTION_MAP.get(name)
            if section is None:
                section = ("improvements", f"{sub.group('name').strip()}: ")
                notes.append(f"{source}:{number}: section '{sub.group('name').strip()}' has no Keep a "
                             f"Changelog meaning; its entries of {current.version} became improvements")
            continue
        if _LINK_DEFINITION.match(line):
            continue
        bullet = _BULLET.match(line)
        if bullet and section is not None:
            close_entry()
            entry = [bullet.group("text")]
        elif entry is not None and (line.startswith((" ", "\t")) or not line.strip()):
            entry.append(line.strip())
        elif section is None and line.strip():
            current.summary.append(line.strip())
        elif line.strip():
            close_entry()
    close_entry()
    return ParsedChangelog(versions, skipped, notes)


def _real_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _probe(imported: ImportedVersion) -> Release:
    version = semver.Version.parse(imported.version)
    return Release(imported.version, version, dt.date.fromisoformat(imported.date), "patch", "released", "",
                   f"<import {imported.version}>")


def infer_types(versions: Iterable[ImportedVersion], existing: Iterable[Release]) -> dict[str, ReleaseType]:
    """Each imported version's type from its bump, judged like the type rule among all records."""
    imported = list(versions)
    pool = [*existing, *(_probe(v) for v in imported)]
    types: dict[str, ReleaseType] = {}
    for item in imported:
        probe = _probe(item)
        base = bump_base(probe, pool)
        implied = implied_type(probe.semver, base)
        if implied is None and base is not None:  # not a single bump: the type rule will say so
            old = base.semver
            implied = "major" if probe.semver.major != old.major else (
                "minor" if probe.semver.minor != old.minor else "patch")
        types[item.version] = implied or "patch"
    return types


def _block(key: str, value: str, indent: str = "") -> str:
    return f"{indent}{key}: {yaml_string(value)}\n"


def render_imported(item: ImportedVersion, release_type: ReleaseType, source: str, schema_line: str) -> str:
    """The record text for one imported version."""
    counts = {name: len(item.entries.get(name, [])) for name in LIST_ORDER}
    summary = " ".join(item.summary).strip()
    if not summary:
        parts = [f"{n} {label}" for label, n in (("added", counts["features"]),
                                                  ("changed", counts["improvements"]),
                                                  ("fixed", counts["fixes"])) if n]
        summary = f"Imported from {source}" + (f": {', '.join(parts)}." if parts else ".")
    status = "rolled-back" if item.yanked else "released"
    out = [schema_line,
           f"# Imported from {source} by `releasebook import keepachangelog`. The checklists were not\n",
           "# recorded then and are left out (pending): fill them in truthfully to pass the policy gate.\n",
           _block("version", item.version), _block("date", item.date), f"type: {release_type}\n",
           f"status: {status}\n", _block("summary", summary)]
    for name in LIST_ORDER:
        entries = item.entries.get(name, [])
        if entries:
            out.append(f"{name}:\n")
            for prefix, body in entries:
                out.append(_block("title", prefix + _title(body), "  - "))
                out.append(_block("description", body, "    "))
    if item.yanked:
        out.append("# Yanked in the changelog: a rolled-back record needs an incident. Replace this with\n"
                   "# what happened and when it was detected.\n")
        out.append("incident:\n")
        out.append(_block("summary", "TODO: yanked in the changelog; record what went wrong.", "  "))
        out.append(_block("detected_at", f"{item.date}T00:00:00Z", "  "))
    return "".join(out)


__all__ = ["ImportedVersion", "ParsedChangelog", "infer_types", "parse_keepachangelog", "render_imported"]
