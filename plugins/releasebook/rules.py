"""Cross-release rules: the policy enforced on records read together, each finding a located problem.

Every rule function takes the valid releases, the policy and the loaded documents (by source file) and returns
problems tagged with the rule family, at the severity that `policy.yml`'s `rules:` block gives that family.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Callable, Mapping, Sequence

import semver

from .history import (
    OrderKey,
    bump_bases,
    core,
    expected_type,
    nearby_versions,
    newest_first,
    order_key,
    parse_version,
    target_problem,
    version_key,
)
from .load import Document, PathPart, format_path
from .model import ItemStatus, Policy, Release
from .problems import Problem, Severity

RuleCheck = Callable[[Sequence[Release], Policy | None, Mapping[str, Document]], list[Problem]]

# Which checklists each final status requires (the policy gate).
GATED_CHECKLISTS: dict[str, tuple[str, ...]] = {
    "released": ("pre_release", "deployment"),
    "rolled-back": ("pre_release",),
}
ROLLBACK_PLAN_ITEM = "rollback-plan"
SUGGESTION_WINDOW = 10  # valid targets on each side of a missing one that did-you-mean considers


def identity(release: Release) -> str:
    """What makes two versions the same release: precedence (no build metadata), NFC and case folded."""
    return unicodedata.normalize("NFC", release.slug).casefold()


def _severity(policy: Policy | None, rule: str) -> Severity:
    return policy.severity(rule) if policy is not None else "error"


def _problem(documents: Mapping[str, Document], release: Release, path: Sequence[PathPart], message: str,
             rule: str, severity: Severity, *, at_key: bool = False) -> Problem:
    """A problem at a data path of the release's file (line 1 when the document is not at hand)."""
    document = documents.get(release.source)
    if document is None:
        return Problem(release.source, 1, 1, format_path(path), message, severity, rule)
    return document.problem(path, message, at_key=at_key, severity=severity, rule=rule)


def _recorded(documents: Mapping[str, Document], release: Release, *path: str) -> bool:
    """Whether the record itself writes a value at `path` (items it leaves out only exist in the model)."""
    document = documents.get(release.source)
    node: object = document.data if document is not None else None
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


# --- 7. duplicates ------------------------------------------------------------------------------------------


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


# --- 1. semver-type -----------------------------------------------------------------------------------------


def semver_type(releases: Sequence[Release], policy: Policy | None,
                documents: Mapping[str, Document]) -> list[Problem]:
    """The type matches the SemVer bump from the predecessor; pre-releases take the type of their release."""
    rule = "semver-type"
    severity = _severity(policy, rule)
    problems: list[Problem] = []
    bases = bump_bases(releases)
    for release in releases:
        base = bases[release.source]
        if base is None:
            continue  # the first release may be of any type
        expected = expected_type(release, base)
        target = core(release)
        if expected is None:
            old = core(base)
            if target.major > old.major:
                wanted, bump = f"{target.major}.0.0", "a major bump resets minor and patch to 0"
            else:
                wanted, bump = f"{target.major}.{target.minor}.0", "a minor bump resets patch to 0"
            problems.append(_problem(
                documents, release, ("version",),
                f"{target} is not one SemVer bump from {base.version} ({base.source}): {bump}; "
                f"is the record for {wanted} missing?", rule, severity))
            continue
        if expected == release.type:
            continue
        if release.is_prerelease:
            what = f"{release.version} precedes {target}, a {expected} bump from {base.version}"
        else:
            what = f"{base.version} → {release.version} is a {expected} bump"
        problems.append(_problem(documents, release, ("type",),
                                 f"type is '{release.type}' but {what} ({base.source})", rule, severity))
    return problems


# --- 2. breaking-needs-major --------------------------------------------------------------------------------


def breaking_needs_major(releases: Sequence[Release], policy: Policy | None,
                         documents: Mapping[str, Document]) -> list[Problem]:
    """Breaking changes need type `major`, except in 0.y.z versions (SemVer item 4)."""
    rule = "breaking-needs-major"
    severity = _severity(policy, rule)
    problems: list[Problem] = []
    for release in releases:
        count = len(release.breaking_changes)
        if not count or release.type == "major" or release.semver.major == 0:
            continue
        changes = f"{count} breaking change{'s' if count != 1 else ''}"
        problems.append(_problem(
            documents, release, ("breaking_changes",),
            f"{changes} need{'s' if count == 1 else ''} a major release, but type is '{release.type}' "
            "(only 0.y.z versions may break compatibility without a major release)",
            rule, severity, at_key=True))
    return problems


# --- 3. policy-gate -----------------------------------------------------------------------------------------


def _item_state(item: ItemStatus, recorded: bool) -> str:
    state = f"is {item.status}" if recorded else "is pending (not recorded)"
    if item.conditional:
        state += " (conditional: done, or skipped with a note)"
    return state


def policy_gate(releases: Sequence[Release], policy: Policy | None,
                documents: Mapping[str, Document]) -> list[Problem]:
    """`released` needs every item done; `rolled-back` every pre-release item; only conditional items skip."""
    rule = "policy-gate"
    severity = _severity(policy, rule)
    problems: list[Problem] = []
    for release in releases:
        required = GATED_CHECKLISTS.get(release.status)
        if required is None:
            continue
        for checklist in release.checklists:
            for item in checklist.with_status("skipped"):
                if not item.conditional:
                    problems.append(_problem(
                        documents, release, ("checklists", checklist.key, item.id),
                        f"{item.id} ({item.text}) is skipped but not conditional: a {release.status} record "
                        "must have it done", rule, severity, at_key=True))
            if checklist.key not in required:
                continue
            # Skipped items pass here: conditional ones legitimately, the others are reported just above.
            missing = [item for item in checklist.items if item.status not in ("done", "skipped")]
            if not missing:
                continue
            recorded = {item.id for item in missing
                        if _recorded(documents, release, "checklists", checklist.key, item.id)}
            listed = ", ".join(f"{item.id} ({item.text}) {_item_state(item, item.id in recorded)}"
                               for item in missing)
            message = f"{release.status} requires every {checklist.key} item done: {listed}"
            first_recorded = next((item for item in missing if item.id in recorded), None)
            if first_recorded is not None:
                problems.append(_problem(documents, release, ("checklists", checklist.key, first_recorded.id),
                                         message, rule, severity, at_key=True))
            else:
                problems.append(_problem(documents, release, ("status",), message, rule, severity))
    return problems


# --- 4. rolled-back-incident --------------------------------------------------------------------------------


def rolled_back_incident(releases: Sequence[Release], policy: Policy | None,
                         documents: Mapping[str, Document]) -> list[Problem]:
    """A rolled-back release records its incident."""
    rule = "rolled-back-incident"
    severity = _severity(policy, rule)
    return [
        _problem(documents, release, ("status",),
                 "status is 'rolled-back' but the record has no incident: add incident.summary and "
                 "incident.detected_at", rule, severity)
        for release in releases if release.status == "rolled-back" and release.incident is None
    ]


# --- 5. rollback-target -------------------------------------------------------------------------------------


def rollback_target(releases: Sequence[Release], policy: Policy | None,
                    documents: Mapping[str, Document]) -> list[Problem]:
    """`rollback.target` names an existing record with lower precedence and status `released`."""
    rule = "rollback-target"
    severity = _severity(policy, rule)
    problems: list[Problem] = []
    by_key: dict[OrderKey, Release] = {}
    for release in newest_first(releases):
        by_key.setdefault(order_key(release), release)
    # Valid targets of a release are the released records below it: a prefix of this list.
    released = sorted((r for r in releases if r.status == "released"), key=order_key)
    released_keys = [order_key(r) for r in released]
    for release in releases:
        wanted = release.rollback.target
        if not wanted:
            continue
        parsed = parse_version(wanted)
        target = by_key.get(version_key(parsed)) if parsed is not None else None
        why = target_problem(release, target)
        if why is None:
            continue
        if target is None:
            # Suggest valid targets near the wanted version, from a small window so that many wrong targets
            # in a large history stay cheap.
            limit = bisect.bisect_left(released_keys, order_key(release))
            at = bisect.bisect_left(released_keys, version_key(parsed), 0, limit) if parsed else limit
            window = released[max(0, at - SUGGESTION_WINDOW):min(limit, at + SUGGESTION_WINDOW)]
            close = nearby_versions(wanted, [r.version for r in reversed(window)])
            why += f" (did you mean {', '.join(close)}?)" if close else ""
        problems.append(_problem(documents, release, ("rollback", "target"),
                                 f"rollback.target {wanted} {why}", rule, severity))
    return problems


# --- 6. rollback-plan ---------------------------------------------------------------------------------------


def rollback_plan(releases: Sequence[Release], policy: Policy | None,
                  documents: Mapping[str, Document]) -> list[Problem]:
    """A `rollback-plan` item that is done needs a non-blank `rollback.plan`."""
    rule = "rollback-plan"
    severity = _severity(policy, rule)
    problems: list[Problem] = []
    for release in releases:
        if release.rollback.plan.strip():
            continue
        for checklist in release.checklists:
            item = next((i for i in checklist.items if i.id == ROLLBACK_PLAN_ITEM), None)
            if item is None or item.status != "done":
                continue
            message = (f"checklist item {ROLLBACK_PLAN_ITEM} is done but rollback.plan is empty: "
                       "write the plan or set the item back to pending")
            if _recorded(documents, release, "rollback", "plan"):
                problems.append(_problem(documents, release, ("rollback", "plan"), message, rule, severity))
            else:
                problems.append(_problem(documents, release, ("checklists", checklist.key, item.id),
                                         message, rule, severity, at_key=True))
    return problems


RULES: tuple[RuleCheck, ...] = (
    semver_type,
    breaking_needs_major,
    policy_gate,
    rolled_back_incident,
    rollback_target,
    rollback_plan,
)


def check_rules(releases: Sequence[Release], documents: Mapping[str, Document],
                policy: Policy | None) -> list[Problem]:
    """Every cross-release problem: duplicates, then each policy rule family."""
    problems = duplicate_versions(documents)
    for rule in RULES:
        problems.extend(rule(releases, policy, documents))
    return problems
