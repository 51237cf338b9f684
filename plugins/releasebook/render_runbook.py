"""What the rollback runbook shows, decided in Python: criteria beside recorded values, on-call, incident.

Split from `render_views` (which holds the views every page shares); the templates only lay these out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .model import Criterion, Policy, Release, Verdict, format_quantity


@dataclass(frozen=True)
class CriterionRow:
    """One rollback criterion next to the recorded value, and whether it triggered."""

    criterion: Criterion
    condition: str
    recorded: str
    state: Literal["triggered", "clear", "no-data"]

    @property
    def badge(self) -> str:
        """The result in words, bold when it triggered (no icon: one inline SVG per row adds up, issue 7)."""
        return {"triggered": "**Triggered**", "clear": "Not triggered", "no-data": "No data"}[self.state]


@dataclass(frozen=True)
class Contact:
    """An on-call role from the policy with the people the record lists for it."""

    role: str
    people: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class IncidentView:
    """The incident with its times in UTC and the post-mortem deadline."""

    summary: str
    severity: str
    postmortem: str
    detected: str
    deadline: str
    hours: str


def format_utc(moment: dt.datetime) -> str:
    """`2026-04-14 14:05 UTC` (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S UTC" if utc.second else "%Y-%m-%d %H:%M UTC")


def incident_view(release: Release, policy: Policy) -> IncidentView | None:
    """The recorded incident, with the post-mortem due `postmortem_hours` after detection."""
    incident = release.incident
    if incident is None:
        return None
    deadline = incident.detected_at + dt.timedelta(hours=policy.postmortem_hours)
    return IncidentView(incident.summary, incident.severity, incident.postmortem,
                        format_utc(incident.detected_at), format_utc(deadline),
                        format_quantity(policy.postmortem_hours, ""))


def recorded_value(value: Any, criterion: Criterion) -> str:
    """A verification value as a reader says it: `7.4 %`, `Yes`, `Not recorded`."""
    if value is None:
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return format_quantity(value, criterion.unit)
    return str(value)


def criteria_rows(release: Release, verdict: Verdict,
                  criteria: Sequence[Criterion]) -> tuple[CriterionRow, ...]:
    """Each criterion with the recorded value and whether the verdict counted it."""
    triggered = {reason.criterion.id for reason in verdict.reasons}
    data = release.verification
    rows = []
    for criterion in criteria:
        value = data.get(criterion.field) if data is not None else None
        condition = f"above {criterion.threshold_text}" if criterion.threshold is not None else "reported"
        state: Literal["triggered", "clear", "no-data"] = (
            "triggered" if criterion.id in triggered else "no-data" if value is None else "clear")
        rows.append(CriterionRow(criterion, condition, recorded_value(value, criterion), state))
    return tuple(rows)


def on_call(release: Release, policy: Policy) -> tuple[Contact, ...]:
    """The policy's on-call roles, each with the record's contacts for that role."""
    people: dict[str, list[tuple[str, str]]] = {}
    for contact in release.rollback.contacts:
        people.setdefault(contact.role.casefold(), []).append((contact.name, contact.contact))
    return tuple(Contact(role, tuple(people.get(role.casefold(), ()))) for role in policy.on_call)
