"""Release history computed from the records: precedence order, predecessors, last known good, verdicts."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import semver

from .model import Policy, Reason, Release, ReleaseType, Verdict, format_quantity

# A SemVer precedence as a plain tuple: (major, minor, patch, is-final, pre-release identifiers). Comparing
# tuples is exact SemVer 2.0.0 precedence and much cheaper than comparing `semver.Version` objects, which
# matters when 5,000 records are sorted and searched on every build.
OrderKey = tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]


def version_key(version: semver.Version) -> OrderKey:
    """SemVer precedence of a version as a tuple; build metadata is ignored."""
    if version.prerelease is None:
        return (version.major, version.minor, version.patch, 1, ())
    # Numeric identifiers compare as numbers and sort before alphanumeric ones (SemVer item 11.4).
    parts = tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                  for part in str(version.prerelease).split("."))
    return (version.major, version.minor, version.patch, 0, parts)


def order_key(release: Release) -> OrderKey:
    """The release's SemVer precedence as a tuple (see `version_key`)."""
    return version_key(release.semver)


def precedence(release: Release) -> semver.Version:
    """The version that orders releases: SemVer precedence, build metadata dropped."""
    return release.semver.replace(build=None)


def newest_first(releases: Iterable[Release]) -> list[Release]:
    """Releases by descending SemVer precedence; ties (duplicates) broken by file name for a stable order."""
    by_source = sorted(releases, key=lambda r: r.source)
    return sorted(by_source, key=order_key, reverse=True)


def core(release: Release) -> semver.Version:
    """`major.minor.patch` without pre-release or build."""
    return semver.Version(release.semver.major, release.semver.minor, release.semver.patch)


def _core_key(release: Release) -> OrderKey:
    return (release.semver.major, release.semver.minor, release.semver.patch, 1, ())


def bump_base(release: Release, releases: Iterable[Release]) -> Release | None:
    """The release a type is judged against: the highest non-pre-release below this one's major.minor.patch.

    A backport such as 1.10.1 after 2.0.0 is judged against 1.10.0, and 2.0.0-rc.1 against the release before
    2.0.0.
    """
    wanted = _core_key(release)
    below = [r for r in releases if not r.is_prerelease and order_key(r) < wanted]
    return max(below, key=order_key) if below else None


def bump_bases(releases: Iterable[Release]) -> dict[str, Release | None]:
    """`bump_base` for every release at once, keyed by source file: one sort, then a bisect per release."""
    pool = list(releases)
    finals = sorted((r for r in pool if not r.is_prerelease), key=order_key)
    keys = [order_key(r) for r in finals]
    bases: dict[str, Release | None] = {}
    for release in pool:
        position = bisect.bisect_left(keys, _core_key(release))
        bases[release.source] = finals[position - 1] if position else None
    return bases


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


def parse_version(text: str) -> semver.Version | None:
    """A SemVer version from user input, or None; a leading `v` (as in a Git tag) is accepted."""
    text = text.strip()
    for candidate in (text, text[1:] if text[:1] in ("v", "V") else None):
        if candidate:
            try:
                return semver.Version.parse(candidate)
            except ValueError:
                continue
    return None


def find(releases: Iterable[Release], version: str) -> Release | None:
    """The release whose version equals `version` in precedence (build metadata ignored)."""
    parsed = parse_version(version)
    if parsed is None:
        return None
    wanted = version_key(parsed)
    return next((r for r in releases if order_key(r) == wanted), None)


def nearby_versions(version: str, versions: Sequence[str], limit: int = 3) -> list[str]:
    """Known versions that look like `version` (for did-you-mean hints), most similar first.

    Spelling similarity first (2.3.2 → 2.3.1, 2.3.0); when nothing is spelled alike, the versions just below
    and above in precedence.
    """
    close = difflib.get_close_matches(version, list(versions), n=limit, cutoff=0.7)
    if close:
        return close
    parsed = parse_version(version)
    if parsed is None:
        return []
    keyed = sorted((version_key(v), text) for text in versions if (v := parse_version(text)) is not None)
    position = bisect.bisect_left([key for key, _ in keyed], version_key(parsed))
    around = [text for _, text in keyed[max(position - 1, 0):position + 1]]
    return around[::-1][:limit]


def is_candidate(release: Release) -> bool:
    """Whether a release can be computed as last known good: released and not a pre-release."""
    return release.status == "released" and not release.is_prerelease


def target_problem(release: Release, target: Release | None) -> str | None:
    """Why `target` cannot be this release's rollback target, or None when it can."""
    if target is None:
        return "names no release record"
    if order_key(target) >= order_key(release):
        if target.source == release.source:
            return "is this release itself"
        return (f"is not below {release.version} in precedence ({target.source}); "
                "a rollback goes to an earlier release")
    if target.status != "released":
        return f"has status '{target.status}' ({target.source}); a rollback target must be a released record"
    return None


def computed_last_known_good(release: Release, releases: Iterable[Release]) -> Release | None:
    """The highest-precedence released, non-pre-release record below this one."""
    mine = order_key(release)
    candidates = [r for r in releases if is_candidate(r) and order_key(r) < mine]
    return max(candidates, key=order_key) if candidates else None


def explicit_target(release: Release, releases: Iterable[Release]) -> Release | None:
    """The record `rollback.target` names, when it is a valid target (lower precedence, released)."""
    if not release.rollback.target:
        return None
    target = find(releases, release.rollback.target)
    return target if target_problem(release, target) is None else None


def last_known_good(release: Release, releases: Iterable[Release]) -> Release | None:
    """Where a rollback goes: a valid explicit `rollback.target` wins, else the computed one.

    An explicit target that is not a lower-precedence released record is reported by the `rollback-target`
    rule and ignored here, so the site never advertises a rollback into a broken or newer release.
    """
    pool = list(releases)
    return explicit_target(release, pool) or computed_last_known_good(release, pool)


def verdict(release: Release, policy: Policy) -> Verdict:
    """The rollback decision from the recorded verification data and the policy's criteria (strict bounds)."""
    data = release.verification
    if data is None or not data.values:
        return Verdict("no-data")
    immediate: list[Reason] = []
    consider: list[Reason] = []
    for criterion in policy.criteria:
        value = data.get(criterion.field)
        if isinstance(value, bool):
            if not value:
                continue
            reason = Reason(criterion, criterion.text)
        elif isinstance(value, int | float) and criterion.threshold is not None:
            if not value > criterion.threshold:  # strict: exactly at the threshold does not trigger
                continue
            label = criterion.label or criterion.field
            reason = Reason(criterion, f"{label} {format_quantity(value, criterion.unit)} exceeds "
                                       f"{criterion.threshold_text}")
        else:
            continue
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
    explicit: frozenset[str] = frozenset()
    _positions: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _by_key: dict[OrderKey, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lookups by file and by version in O(1): render asks newer()/older()/find() once per page.
        for position, release in enumerate(self.releases):
            self._positions[release.source] = position
            self._by_key.setdefault(order_key(release), position)

    def index(self, release: Release) -> int:
        """Position in newest-first order (0 is the newest)."""
        return self._positions[release.source]

    def newer(self, release: Release) -> Release | None:
        """The next release up in precedence, or None for the newest."""
        position = self.index(release)
        return self.releases[position - 1] if position > 0 else None

    def older(self, release: Release) -> Release | None:
        """The next release down in precedence, or None for the oldest."""
        position = self.index(release)
        return self.releases[position + 1] if position + 1 < len(self.releases) else None

    def is_first(self, release: Release) -> bool:
        """True when no record has lower precedence: the first release of the history."""
        oldest = self.releases[-1] if self.releases else None
        return oldest is not None and order_key(oldest) == order_key(release)

    def rollback_summary(self, release: Release) -> str:
        """Where a rollback of this release goes, in words: `Roll back to 2.2.1` or why there is nowhere."""
        target = self.last_known_good.get(release.slug)
        if target is not None:
            how = " (rollback.target)" if release.slug in self.explicit else ""
            return f"Roll back to {target.version}{how}"
        if self.is_first(release):
            return f"Nothing to roll back to: {release.version} is the first release"
        return f"Nothing to roll back to: no released, non-pre-release version below {release.version}"

    @property
    def latest(self) -> Release | None:
        """The newest released, non-pre-release version: what customers run."""
        return next((r for r in self.releases if is_candidate(r)), None)

    @property
    def upcoming(self) -> tuple[Release, ...]:
        """Planned and in-progress releases, newest first."""
        return tuple(r for r in self.releases if r.is_upcoming)

    def find(self, version: str) -> Release | None:
        """A release by version (build metadata ignored)."""
        parsed = parse_version(version)
        if parsed is None:
            return None
        position = self._by_key.get(version_key(parsed))
        return self.releases[position] if position is not None else None


def build_history(releases: Iterable[Release], policy: Policy) -> History:
    """Order the releases and compute last known good and the verdict for each.

    One sort, then one walk from oldest to newest that carries the best candidate strictly below the current
    precedence: linear after sorting, so 5,000 records cost milliseconds.
    """
    ordered = tuple(newest_first(releases))
    by_key: dict[OrderKey, Release] = {}
    for release in ordered:
        by_key.setdefault(order_key(release), release)
    computed: dict[str, Release | None] = {}
    best: Release | None = None
    ascending = ordered[::-1]
    start = 0
    while start < len(ascending):
        # Records equal in precedence (duplicates) share the same candidate from strictly below them.
        key = order_key(ascending[start])
        end = start
        while end < len(ascending) and order_key(ascending[end]) == key:
            end += 1
        group = ascending[start:end]
        for release in group:
            computed[release.slug] = best
        best = next((r for r in group if is_candidate(r)), best)
        start = end
    lkg: dict[str, Release | None] = {}
    explicit: set[str] = set()
    for release in ordered:
        target = None
        if release.rollback.target:
            parsed = parse_version(release.rollback.target)
            named = by_key.get(version_key(parsed)) if parsed is not None else None
            target = named if target_problem(release, named) is None else None
        if target is not None:
            explicit.add(release.slug)
        lkg[release.slug] = target or computed[release.slug]
    return History(ordered, lkg, {r.slug: verdict(r, policy) for r in ordered}, frozenset(explicit))
