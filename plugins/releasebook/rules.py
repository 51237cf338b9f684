"""Cross-release rules: problems that only show when records are read together."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from .load import Document
from .model import Release
from .problems import Problem


def identity(release: Release) -> str:
    """What makes two versions the same release: precedence (no build metadata), NFC and case folded."""
    return unicodedata.normalize("NFC", release.slug).casefold()


def duplicate_versions(releases: list[Release], documents: Mapping[str, Document]) -> list[Problem]:
    """Two records with versions equal in precedence (or only by case): an error naming both files."""
    problems: list[Problem] = []
    first: dict[str, Release] = {}
    for release in sorted(releases, key=lambda r: r.source):
        key = identity(release)
        if key in first:
            other = first[key]
            for this, that in ((release, other), (other, release)):
                problems.append(documents[this.source].problem(
                    ("version",),
                    f"version '{this.version}' duplicates '{that.version}' in {that.source}: "
                    "build metadata and letter case do not make a different release",
                    rule="duplicates",
                ))
        else:
            first[key] = release
    return problems


def check_rules(releases: list[Release], documents: Mapping[str, Document]) -> list[Problem]:
    """Every cross-release problem."""
    return duplicate_versions(releases, documents)
