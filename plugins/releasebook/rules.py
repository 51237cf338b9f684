"""Cross-release rules: problems that only show when records are read together."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import semver

from .load import Document
from .model import Release
from .problems import Problem


def identity(release: Release) -> str:
    """What makes two versions the same release: precedence (no build metadata), NFC and case folded."""
    return unicodedata.normalize("NFC", release.slug).casefold()


def version_identity(version: str) -> str | None:
    """`identity` for a version as written in a record, or None when it is not SemVer."""
    try:
        parsed = semver.Version.parse(version)
    except (ValueError, TypeError):
        return None
    return unicodedata.normalize("NFC", str(parsed.replace(build=None))).casefold()


def duplicate_versions(documents: Mapping[str, Document]) -> list[Problem]:
    """Two records with versions equal in precedence (or only by case): an error naming both files.

    Every record with a SemVer version counts, valid or not, so a duplicate shows in the same run as the
    record's other problems instead of only after they are fixed.
    """
    problems: list[Problem] = []
    first: dict[str, tuple[str, str]] = {}
    for source in sorted(documents):
        data = documents[source].data
        version = data.get("version") if data is not None else None
        key = version_identity(version) if isinstance(version, str) else None
        if key is None or version is None:
            continue
        if key not in first:
            first[key] = (source, version)
            continue
        pair = ((source, version), first[key])
        for (this, this_version), (that, that_version) in (pair, pair[::-1]):
            if this_version == that_version:
                message = (f"version '{this_version}' is also recorded in {that}: "
                           "a release has exactly one record")
            else:
                message = (f"version '{this_version}' duplicates '{that_version}' in {that}: "
                           "build metadata and letter case do not make a different release")
            problems.append(documents[this].problem(("version",), message, rule="duplicates"))
    return problems


def check_rules(releases: list[Release], documents: Mapping[str, Document]) -> list[Problem]:
    """Every cross-release problem (`documents` holds every record read, valid or not, by display path)."""
    return duplicate_versions(documents)
