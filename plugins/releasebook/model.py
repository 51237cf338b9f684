"""Frozen dataclasses for the policy and the release records: the pipeline's common language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import semver

ReleaseType = Literal["patch", "minor", "major"]
ReleaseStatus = Literal["planned", "in-progress", "released", "rolled-back"]
ItemStatusName = Literal["done", "pending", "in-progress", "blocked", "skipped"]
Decision = Literal["immediate", "consider", "none", "no-data"]

RELEASE_TYPES: tuple[ReleaseType, ...] = ("patch", "minor", "major")
STATUSES: tuple[ReleaseStatus, ...] = ("planned", "in-progress", "released", "rolled-back")
ITEM_STATUSES: tuple[ItemStatusName, ...] = ("done", "pending", "in-progress", "blocked", "skipped")
RULE_FAMILIES: tuple[str, ...] = (
    "semver-type",
    "breaking-needs-major",
    "policy-gate",
    "rolled-back-incident",
    "rollback-target",
    "rollback-plan",
)


# --- policy -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    """One checklist item as the policy defines it."""

    id: str
    text: str
    conditional: bool = False


@dataclass(frozen=True)
class ChecklistSpec:
    """One of the policy's checklists (`pre_release` or `deployment`)."""

    key: str
    title: str
    items: tuple[ItemSpec, ...]

    def item(self, item_id: str) -> ItemSpec | None:
        """The item with this id, or None."""
        return next((item for item in self.items if item.id == item_id), None)


@dataclass(frozen=True)
class Criterion:
    """A rollback decision criterion: a boolean flag, or a number compared strictly against a threshold."""

    id: str
    text: str
    field: str
    level: Literal["immediate", "consider"]
    threshold: float | None = None
    unit: str = ""
    label: str = ""

    @property
    def threshold_text(self) -> str:
        """The threshold as a reader writes it, e.g. `5 %`, `2x`, `2 hours`."""
        return format_quantity(self.threshold, self.unit) if self.threshold is not None else ""


@dataclass(frozen=True)
class NotesSection:
    """One heading of the policy's release-notes template."""

    heading: str
    guidance: str


@dataclass(frozen=True)
class Policy:
    """A team's release policy, loaded from `policy.yml`."""

    organization: str
    title: str
    purpose: str
    release_types: dict[str, tuple[str, str]]
    checklists: tuple[ChecklistSpec, ...]
    incident_trigger: str
    playbook_steps: tuple[str, ...]
    on_call: tuple[str, ...]
    postmortem_hours: float
    criteria: tuple[Criterion, ...]
    rules: dict[str, Literal["error", "warning"]]
    notes_template: tuple[NotesSection, ...]
    source: str = "policy.yml"

    def checklist(self, key: str) -> ChecklistSpec | None:
        """The checklist with this key, or None."""
        return next((c for c in self.checklists if c.key == key), None)

    def severity(self, rule: str) -> Literal["error", "warning"]:
        """The configured severity of a rule family (error unless the policy says warning)."""
        return self.rules.get(rule, "error")

    @property
    def immediate(self) -> tuple[Criterion, ...]:
        """Criteria that call for an immediate rollback."""
        return tuple(c for c in self.criteria if c.level == "immediate")

    @property
    def consider(self) -> tuple[Criterion, ...]:
        """Criteria that call for considering a rollback."""
        return tuple(c for c in self.criteria if c.level == "consider")


# --- release records ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A feature, improvement, fix, breaking change or known issue."""

    title: str
    description: str
    refs: tuple[str, ...] = ()
    migration: str = ""
    impact: str = ""
    workaround: str = ""


@dataclass(frozen=True)
class Link:
    """A titled http(s) link."""

    title: str
    url: str


@dataclass(frozen=True)
class ItemStatus:
    """A checklist item's state in one record, with the policy's text for it."""

    id: str
    text: str
    status: ItemStatusName
    conditional: bool = False
    owner: str = ""
    evidence: str = ""
    note: str = ""


@dataclass(frozen=True)
class Checklist:
    """One checklist's state in one record, in the policy's order."""

    key: str
    title: str
    items: tuple[ItemStatus, ...]

    @property
    def done(self) -> int:
        """Items that are done, or skipped with a reason."""
        return sum(1 for item in self.items if item.status in ("done", "skipped"))

    @property
    def total(self) -> int:
        """All items in the checklist."""
        return len(self.items)

    def with_status(self, status: ItemStatusName) -> tuple[ItemStatus, ...]:
        """Items in the given state."""
        return tuple(item for item in self.items if item.status == status)


@dataclass(frozen=True)
class Contact:
    """Someone to reach during a rollback."""

    role: str
    name: str = ""
    contact: str = ""


@dataclass(frozen=True)
class Rollback:
    """How to undo a release."""

    plan: str = ""
    target: str = ""
    steps: tuple[str, ...] = ()
    feature_flags: tuple[str, ...] = ()
    database: str = ""
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class Verification:
    """Post-deploy measurements and observations that feed the rollback verdict."""

    values: dict[str, Any]
    notes: str = ""

    def get(self, name: str) -> Any:
        """A recorded value, or None."""
        return self.values.get(name)


@dataclass(frozen=True)
class Incident:
    """An incident tied to a release."""

    summary: str
    detected_at: dt.datetime
    severity: str = ""
    postmortem: str = ""


@dataclass(frozen=True)
class Release:
    """One validated release record."""

    version: str
    semver: semver.Version
    date: dt.date
    type: ReleaseType
    status: ReleaseStatus
    summary: str
    source: str
    name: str = ""
    components: tuple[str, ...] = ()
    features: tuple[Change, ...] = ()
    improvements: tuple[Change, ...] = ()
    fixes: tuple[Change, ...] = ()
    breaking_changes: tuple[Change, ...] = ()
    migration_steps: tuple[str, ...] = ()
    known_issues: tuple[Change, ...] = ()
    documentation: tuple[Link, ...] = ()
    checklists: tuple[Checklist, ...] = ()
    rollback: Rollback = field(default_factory=Rollback)
    verification: Verification | None = None
    incident: Incident | None = None
    extensions: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def slug(self) -> str:
        """The URL segment: the version without build metadata (computed once, then asked for often)."""
        return str(self.semver.replace(build=None))

    @property
    def is_prerelease(self) -> bool:
        """True for versions such as 2.0.0-rc.1."""
        return self.semver.prerelease is not None

    @property
    def is_upcoming(self) -> bool:
        """Planned and in-progress releases."""
        return self.status in ("planned", "in-progress")

    @property
    def title(self) -> str:
        """`2.4.0 "Nebula"`-style display title."""
        return f"{self.version} — {self.name}" if self.name else self.version

    def checklist(self, key: str) -> Checklist | None:
        """The record's state for one checklist."""
        return next((c for c in self.checklists if c.key == key), None)

    def item(self, item_id: str) -> ItemStatus | None:
        """A checklist item by id, from any checklist."""
        for checklist in self.checklists:
            for item in checklist.items:
                if item.id == item_id:
                    return item
        return None


@dataclass(frozen=True)
class Reason:
    """One triggered rollback criterion, with the recorded value against the threshold."""

    criterion: Criterion
    text: str


@dataclass(frozen=True)
class Verdict:
    """The rollback decision for one release, with the reasons that triggered it."""

    decision: Decision
    immediate: tuple[Reason, ...] = ()
    consider: tuple[Reason, ...] = ()

    @property
    def label(self) -> str:
        """The decision in words."""
        return VERDICT_LABELS[self.decision]

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """All triggered criteria, immediate ones first."""
        return self.immediate + self.consider


VERDICT_LABELS: dict[str, str] = {
    "immediate": "Roll back immediately",
    "consider": "Consider rollback",
    "none": "No rollback indicated",
    "no-data": "No verification data",
}


def format_quantity(value: float | None, unit: str) -> str:
    """`7.4 %`, `2.6x`, `3 hours`: a number without a needless `.0`, with its unit."""
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    if unit == "%":
        return f"{text} %"
    return f"{text}{unit}"
