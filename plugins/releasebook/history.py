"""Release history computed from the records: precedence order, predecessors, last known good, verdicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import semver

from .model import Policy, Reason, Release, ReleaseType, Verdict, format_quantity


def precedence(release: Release) -> semver.Version:
    """The version that orders releases: SemVer precedence, build metadata dropped."""
    return release.semver.replace(build=None)


def newest_first(releases: Iterable[Release]) -> list[Release]:
    """Releases by descending SemVer precedence; ties (duplicates) broken by file name for a stable order."""
    by_source = sorted(releases, key=lambda r: r.source)
    return sorted(by_source, key=precedence, reverse=True)


def core(release: Release) -> semver.Version:
    """`major.minor.patch` without pre-release or build."""
    return semver.Version(release.semver.major, release.semver.minor, release.semver.patch)


def bump_base(release: Release, releases: Iterable[Release]) -> Release | None:
    """The release a type is judged against: the highest non-pre-release below this one's major.minor.patch.

    A backport such as 1.10.1 after 2.0.0 is judged against 1.10.0, and 2.0.0-rc.1 against the release before
    2.0.0.
    """
    below = [r for r in releases if not r.is_prerelease and precedence(r) < core(release)]
    return newest_first(below)[0] if below else None


def expected_type(release: Release, base: Release) -> ReleaseType | None:
    """The type implied by the bump from `base` to this core version, or None when it is no single bump."""
    old, new = core(base), core(release)
    if new.major > old.major:
        return "major" if (new.minor, new.patch) == (0, 0) else None
    if new.major == old.major and new.minor > old.minor:
        return "minor" if new.patch == 0 else None
    if (new.major, new.minor) == (old.major, old.minor) and new.patch > old.patch:
        return "patch"
    return None


def find(releases: Iterable[Release], version: str) -> Release | None:
    """The release whose version equals `version` in precedence (build metadata ignored)."""
    try:
        wanted = semver.Version.parse(version).replace(build=None)
    except ValueError:
        return None
    return next((r for r in releases if precedence(r) == wanted), None)


def computed_last_known_good(release: Release, releases: Iterable[Release]) -> Release | None:
    """The highest-precedence released, non-pre-release record below this one."""
    candidates = [r for r in releases if r.status == "released" and not r.is_prerelease
                  and precedence(r) < precedence(release)]
    return newest_first(candidates)[0] if candidates else None


def last_known_good(release: Release, releases: Iterable[Release]) -> Release | None:
    """Where a rollback goes: an explicit `rollback.target` naming a record wins, else the computed one."""
    pool = list(releases)
    if release.rollback.target:
        explicit = find(pool, release.rollback.target)
        if explicit is not None and explicit is not release:
            return explicit
    return computed_last_known_good(release, pool)


def verdict(release: Release, policy: Policy) -> Verdict:
    """The rollback decision from the recorded verification data and the policy's criteria (strict bounds)."""
    data = release.verification
    if data is None or not data.values:
        return Verdict("no-data")
    immediate: list[Reason] = []
    consider: list[Reason] = []
    for criterion in policy.criteria:
        value = data.get(criterion.field)
        if value is None or value is False:
            continue
        if criterion.threshold is None:
            if value is True:
                reason = Reason(criterion, criterion.text)
            else:
                continue
        elif isinstance(value, bool) or not value > criterion.threshold:
            continue
        else:
            label = criterion.label or criterion.field
            reason = Reason(criterion, f"{label} {format_quantity(value, criterion.unit)} exceeds "
                                       f"{criterion.threshold_text}")
        (immediate if criterion.level == "immediate" else consider).append(reason)
    if immediate:
        return Verdict("immediate", tuple(immediate), tuple(consider))
    if consider:
        return Verdict("consider", (), tuple(consider))
    return Verdict("none")


@dataclass(frozen=True)
class History:
    """All valid releases, newest first, with what every page needs computed once."""

    releases: tuple[Release, ...]
    last_known_good: dict[str, Release | None]
    verdicts: dict[str, Verdict]

    def index(self, release: Release) -> int:
        """Position in newest-first order (0 is the newest)."""
        return self.releases.index(release)

    def newer(self, release: Release) -> Release | None:
        """The next release up in precedence, or None for the newest."""
        position = self.index(release)
        return self.releases[position - 1] if position > 0 else None

    def older(self, release: Release) -> Release | None:
        """The next release down in precedence, or None for the oldest."""
        position = self.index(release)
        return self.releases[position + 1] if position + 1 < len(self.releases) else None

    @property
    def latest(self) -> Release | None:
        """The newest released, non-pre-release version: what customers run."""
        return next((r for r in self.releases if r.status == "released" and not r.is_prerelease), None)

    @property
    def upcoming(self) -> tuple[Release, ...]:
        """Planned and in-progress releases, newest first."""
        return tuple(r for r in self.releases if r.is_upcoming)

    def find(self, version: str) -> Release | None:
        """A release by version (build metadata ignored)."""
        return find(self.releases, version)


def build_history(releases: Iterable[Release], policy: Policy) -> History:
    """Order the releases and compute last known good and the verdict for each."""
    ordered = tuple(newest_first(releases))
    # Walk oldest to newest keeping the best released candidate so far: linear, not quadratic, at 5,000
    # records.
    computed: dict[str, Release | None] = {}
    best: Release | None = None
    for release in reversed(ordered):
        computed[release.slug] = best if best is None or precedence(best) < precedence(release) else None
        if release.status == "released" and not release.is_prerelease:
            best = release
    lkg: dict[str, Release | None] = {}
    for release in ordered:
        explicit = find(ordered, release.rollback.target) if release.rollback.target else None
        chosen = explicit if explicit is not None and explicit is not release else None
        lkg[release.slug] = chosen or computed[release.slug]
    return History(ordered, lkg, {r.slug: verdict(r, policy) for r in ordered})
