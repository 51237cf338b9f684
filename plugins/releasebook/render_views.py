"""What the page templates show, decided in Python: badges, counts, readiness, targets, criteria, deadlines.

Templates only lay these views out. Everything here is computed once per release and shared by all of its
pages and the index, so a history of 5,000 records costs linear time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .history import History, target_problem
from .model import (
    RULE_FAMILIES,
    ItemStatus,
    Policy,
    Release,
    Verdict,
)
from .render_checklist import ITEM_BADGES as ITEM_BADGES
from .render_checklist import ChecklistView, checklist_views

STATUS_BADGES: dict[str, tuple[str, str]] = {
    "planned": (":material-calendar-clock:", "Planned"),
    "in-progress": (":material-progress-wrench:", "In progress"),
    "released": (":material-check-circle:", "Released"),
    "rolled-back": (":material-undo-variant:", "Rolled back"),
}
TYPE_ICONS: dict[str, str] = {
    "major": ":material-rocket-launch:",
    "minor": ":material-star-four-points:",
    "patch": ":material-wrench:",
}
PRERELEASE_BADGE = ":material-flask-outline: Pre-release"
VERDICT_STYLES: dict[str, tuple[str, str]] = {
    # decision: (icon, admonition type)
    "immediate": (":material-alert-octagon:", "danger"),
    "consider": (":material-alert:", "warning"),
    "none": (":material-check-circle-outline:", "success"),
    "no-data": (":material-help-circle-outline:", "note"),
}
READINESS_STYLES: dict[str, tuple[str, str]] = {
    "ready": (":material-check-circle:", "success"),
    "blocked": (":material-close-octagon:", "failure"),
    "incomplete": (":material-progress-clock:", "warning"),
}
RULE_DESCRIPTIONS: dict[str, str] = {
    "semver-type": "The release type matches the SemVer bump from the previous release on the same line.",
    "breaking-needs-major": "Breaking changes need a major release (except in 0.y.z versions).",
    "policy-gate": "Released and rolled-back records have their checklists complete; skips are explained.",
    "rolled-back-incident": "A rolled-back release records its incident.",
    "rollback-target": "An explicit rollback target names an earlier released record.",
    "rollback-plan": "A done rollback-plan item comes with a written rollback plan.",
    "duplicates": "No two records share a version (build metadata and letter case ignored).",
}
RECENT_RELEASED = 5
"""How many released versions the status dashboard lists below the upcoming ones."""


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 fix`, `3 fixes`."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


@dataclass(frozen=True)
class Progress:
    """Done (or skipped) against total for one checklist, with the policy's title for it."""

    key: str
    title: str
    done: int
    total: int


@dataclass(frozen=True)
class Readiness:
    """Whether a release may ship: "Ready", "Blocked: performance" or "Incomplete: 4 items pending"."""

    state: Literal["ready", "blocked", "incomplete"]
    label: str
    blocked: tuple[ItemStatus, ...]
    pending: int
    done: int
    total: int
    checklists: tuple[Progress, ...]

    @property
    def icon(self) -> str:
        """The Material icon shortcode for the state."""
        return READINESS_STYLES[self.state][0]

    @property
    def admonition(self) -> str:
        """The admonition type that frames the state."""
        return READINESS_STYLES[self.state][1]

    @property
    def badge(self) -> str:
        """Icon and words."""
        return f"{self.icon} {self.label}"


def readiness(release: Release) -> Readiness:
    """Blocked items win over pending ones; done and skipped items count as complete."""
    items = [item for checklist in release.checklists for item in checklist.items]
    blocked = tuple(item for item in items if item.status == "blocked")
    pending = sum(1 for item in items if item.status not in ("done", "skipped"))
    progress = tuple(Progress(c.key, c.title, c.done, c.total) for c in release.checklists)
    done = sum(p.done for p in progress)
    total = sum(p.total for p in progress)
    if blocked:
        label = "Blocked: " + ", ".join(item.id for item in blocked)
        return Readiness("blocked", label, blocked, pending, done, total, progress)
    if pending:
        label = f"Incomplete: {plural(pending, 'item')} pending"
        return Readiness("incomplete", label, (), pending, done, total, progress)
    return Readiness("ready", "Ready", (), 0, done, total, progress)


@dataclass(frozen=True)
class VerdictView:
    """The rollback verdict in words, with its icon, admonition type and reasons."""

    verdict: Verdict

    @property
    def decision(self) -> str:
        """`immediate`, `consider`, `none` or `no-data`."""
        return self.verdict.decision

    @property
    def label(self) -> str:
        """"Roll back immediately" and friends."""
        return self.verdict.label

    @property
    def icon(self) -> str:
        """The Material icon shortcode for the decision."""
        return VERDICT_STYLES[self.verdict.decision][0]

    @property
    def admonition(self) -> str:
        """The admonition type that frames the decision."""
        return VERDICT_STYLES[self.verdict.decision][1]

    @property
    def badge(self) -> str:
        """Icon and words."""
        return f"{self.icon} {self.label}"

    @property
    def index_badge(self) -> str:
        """The words, with an icon only when a rollback is indicated (keeps a 5,000-entry index light)."""
        return self.badge if self.verdict.decision in ("immediate", "consider") else self.label

    @property
    def reasons(self) -> tuple[str, ...]:
        """Each triggered criterion in words, immediate ones first."""
        return tuple(reason.text for reason in self.verdict.reasons)

    @property
    def immediate_reasons(self) -> tuple[str, ...]:
        """Triggered roll-back-immediately criteria in words."""
        return tuple(reason.text for reason in self.verdict.immediate)

    @property
    def consider_reasons(self) -> tuple[str, ...]:
        """Triggered consider-rollback criteria in words."""
        return tuple(reason.text for reason in self.verdict.consider)


@dataclass(frozen=True)
class Target:
    """Where a rollback goes: the last known good release, and whether the record named it explicitly."""

    release: Release | None
    explicit: bool
    requested: str
    linked: bool
    summary: str
    """The history's sentence for it: `Roll back to 2.2.1`, or why there is nothing to roll back to."""
    problem: str = ""
    """Why a `rollback.target` the record names is not used (it names no record, is not below, ...)."""

    @property
    def version(self) -> str:
        """The target's version, or "" when there is none."""
        return self.release.version if self.release is not None else ""

    @property
    def slug(self) -> str:
        """The target's URL segment, or "" when there is none."""
        return self.release.slug if self.release is not None else ""

    @property
    def unresolved(self) -> bool:
        """The record names a `rollback.target` that cannot be used, so the computed target applies."""
        return bool(self.problem)


@dataclass(frozen=True)
class ReleaseView:
    """One release with everything its pages and the index show about it."""

    release: Release
    slug: str
    linked: bool
    type_title: str
    counts: dict[str, int]
    target: Target
    verdict: VerdictView
    readiness: Readiness

    @property
    def version(self) -> str:
        """The version as written in the record."""
        return self.release.version

    @property
    def status_badge(self) -> str:
        """Icon and words for the status, e.g. `:material-undo-variant: Rolled back`."""
        icon, words = STATUS_BADGES[self.release.status]
        return f"{icon} {words}"

    @property
    def index_status(self) -> str:
        """Status for the index: plain words for a normal release, icon and bold words to notice the rest."""
        if self.release.status == "released" and not self.release.is_prerelease:
            return self.status_label
        marks = [] if self.release.status == "released" else [
            f"**{self.status_badge}**" if self.release.status == "rolled-back" else self.status_badge]
        if self.release.is_prerelease:
            marks.append(f"**{PRERELEASE_BADGE}**")
        return " · ".join(marks)

    @property
    def status_label(self) -> str:
        """The status in words."""
        return STATUS_BADGES[self.release.status][1]

    @property
    def type_badge(self) -> str:
        """Icon and the policy's title for the type, e.g. `:material-wrench: Patch`."""
        return f"{TYPE_ICONS[self.release.type]} {self.type_title}"

    @property
    def prerelease_badge(self) -> str:
        """The pre-release badge, or "" for a normal version."""
        return PRERELEASE_BADGE if self.release.is_prerelease else ""

    @property
    def checklists(self) -> tuple[ChecklistView, ...]:
        """The checklists as the checklist page lays them out (built when a page asks, not for the index)."""
        return checklist_views(self.release)

    @property
    def counts_text(self) -> str:
        """`2 features · 1 improvement · 3 fixes · 0 breaking changes` (improvements only when any)."""
        parts = [plural(self.counts["features"], "feature")]
        if self.counts["improvements"]:
            parts.append(plural(self.counts["improvements"], "improvement"))
        parts.append(plural(self.counts["fixes"], "fix", "fixes"))
        parts.append(plural(self.counts["breaking"], "breaking change"))
        return " · ".join(parts)


@dataclass(frozen=True)
class ReleaseGroup:
    """Releases of one major version on the index, e.g. "2.x"."""

    title: str
    releases: tuple[ReleaseView, ...]


def build_views(history: History, policy: Policy, linked: frozenset[str] | None) -> list[ReleaseView]:
    """A view per release in history order (newest first); `linked` limits which ones have pages."""
    views = []
    for release in history.releases:
        target = history.last_known_good.get(release.slug)
        requested = release.rollback.target
        explicit = release.slug in history.explicit
        problem = "" if explicit or not requested else (
            target_problem(release, history.find(requested)) or "cannot be used")
        views.append(ReleaseView(
            release=release,
            slug=release.slug,
            linked=_is_linked(release, linked),
            type_title=policy.release_types.get(release.type, (release.type.title(), ""))[0],
            counts={
                "features": len(release.features),
                "improvements": len(release.improvements),
                "fixes": len(release.fixes),
                "breaking": len(release.breaking_changes),
            },
            target=Target(target, explicit, requested, target is not None and _is_linked(target, linked),
                          history.rollback_summary(release), problem),
            verdict=VerdictView(history.verdicts[release.slug]),
            readiness=readiness(release),
        ))
    return views


def _is_linked(release: Release, linked: frozenset[str] | None) -> bool:
    return linked is None or release.slug in linked


def major_groups(views: Sequence[ReleaseView]) -> tuple[ReleaseGroup, ...]:
    """Released and rolled-back releases grouped by major version; the input is already newest first."""
    groups: list[ReleaseGroup] = []
    current: list[ReleaseView] = []
    major: int | None = None
    for view in views:
        if view.release.is_upcoming:
            continue
        if view.release.semver.major != major and current:
            groups.append(ReleaseGroup(f"{major}.x", tuple(current)))
            current = []
        major = view.release.semver.major
        current.append(view)
    if current:
        groups.append(ReleaseGroup(f"{major}.x", tuple(current)))
    return tuple(groups)


def rule_rows(policy: Policy) -> tuple[tuple[str, str, str], ...]:
    """Each rule family with its configured severity and what it checks."""
    rows: list[tuple[str, str, str]] = [(rule, policy.severity(rule), RULE_DESCRIPTIONS.get(rule, ""))
                                        for rule in RULE_FAMILIES]
    rows.append(("duplicates", "error (always)", RULE_DESCRIPTIONS["duplicates"]))
    return tuple(rows)
