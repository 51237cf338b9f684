"""`releases.json` (format 1): every record newest first with its computed fields, one entry at a time.

Pure functions of the history and settings, no build clock; `export.site_files()` publishes the file. The text
is what `json.dumps(document, indent=2, ensure_ascii=False)` writes for the whole document, built in pieces so
that 5,000 entries never exist as Python values at once (see `json_text`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from . import __version__
from .history import History
from .json_text import dumps_indented
from .links import compare_url, is_tagged, page_path, predecessors, site_base, site_link
from .memo import Memo
from .model import Change, Checklist, Release, Verdict
from .settings import Settings

JSON_PATH = "releases/releases.json"
JSON_FORMAT = 1


def _change(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = {"title": change.title, "description": change.description,
                            "refs": list(change.refs)}
    for name in ("migration", "impact", "workaround"):
        if getattr(change, name):
            data[name] = getattr(change, name)
    return data


def _checklist(checklist: Checklist) -> dict[str, Any]:
    return {
        "title": checklist.title,
        "done": checklist.done,
        "total": checklist.total,
        "items": [
            {"id": item.id, "text": item.text, "status": item.status, "conditional": item.conditional,
             "owner": item.owner or None, "evidence": item.evidence or None, "note": item.note or None}
            for item in checklist.items
        ],
    }


def _verdict(verdict: Verdict | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    return {
        "decision": verdict.decision,
        "label": verdict.label,
        "reasons": [{"criterion": reason.criterion.id, "level": reason.criterion.level, "text": reason.text}
                    for reason in verdict.reasons],
    }


def _sorted_json(value: Any) -> Any:
    """Team extension data with its mapping keys sorted, so the export does not depend on YAML key order."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def release_data(release: Release, history: History, settings: Settings, rank: int,
                 before: Release | None) -> dict[str, Any]:
    """One entry of `releases.json`: computed fields first, then the record's own data."""
    lkg = history.last_known_good.get(release.slug)
    total_done = sum(c.done for c in release.checklists)
    total = sum(c.total for c in release.checklists)
    progress: dict[str, Any] = {c.key: {"done": c.done, "total": c.total} for c in release.checklists}
    progress["overall"] = {"done": total_done, "total": total}
    site_url = settings.site_url
    incident = release.incident
    verification = release.verification
    return {
        "version": release.version,
        "slug": release.slug,
        "url": site_link(site_url, page_path(release)),
        "rank": rank,
        "name": release.name or None,
        "date": release.date.isoformat(),
        "type": release.type,
        "status": release.status,
        "is_prerelease": release.is_prerelease,
        "is_upcoming": release.is_upcoming,
        "last_known_good": lkg.version if lkg is not None else None,
        "predecessor": before.version if before is not None else None,
        "compare_url": compare_url(settings, before, release) if before is not None and is_tagged(release)
        else None,
        "verdict": _verdict(history.verdicts.get(release.slug)),
        "progress": progress,
        "counts": {
            "features": len(release.features),
            "improvements": len(release.improvements),
            "fixes": len(release.fixes),
            "breaking_changes": len(release.breaking_changes),
            "known_issues": len(release.known_issues),
        },
        "summary": release.summary,
        "components": list(release.components),
        "features": [_change(c) for c in release.features],
        "improvements": [_change(c) for c in release.improvements],
        "fixes": [_change(c) for c in release.fixes],
        "breaking_changes": [_change(c) for c in release.breaking_changes],
        "migration_steps": list(release.migration_steps),
        "known_issues": [_change(c) for c in release.known_issues],
        "documentation": [{"title": link.title, "url": link.url} for link in release.documentation],
        "checklists": {c.key: _checklist(c) for c in release.checklists},
        "rollback": {
            "plan": release.rollback.plan or None,
            "target": release.rollback.target or None,
            "steps": list(release.rollback.steps),
            "feature_flags": list(release.rollback.feature_flags),
            "database": release.rollback.database or None,
            "contacts": [{"role": c.role, "name": c.name or None, "contact": c.contact or None}
                         for c in release.rollback.contacts],
        },
        "verification": None if verification is None else {
            "values": _sorted_json(verification.values), "notes": verification.notes or None},
        "incident": None if incident is None else {
            "summary": incident.summary,
            "detected_at": incident.detected_at.isoformat().replace("+00:00", "Z"),
            "severity": incident.severity or None,
            "postmortem": incident.postmortem or None,
        },
        "extensions": _sorted_json(release.extensions),
        "source": release.source,
    }


def releases_json_parts(history: History, settings: Settings,
                        memo: Memo[str] | None = None) -> Iterator[str]:
    """`releases.json` in pieces that join into `releases_json()`: the head, then one entry at a time.

    Each entry is built and encoded only when its turn comes, so the export never holds thousands of entries
    as Python values; the text is what `json.dumps(document, indent=2, ensure_ascii=False)` writes. With a
    `memo` (serve), an entry whose inputs equal the last build's is not encoded again.
    """
    before = predecessors(history)
    head = {
        "format": JSON_FORMAT,
        "generator": f"releasebook {__version__}",
        "site_url": site_base(settings.site_url) or None,
        "latest": history.latest.version if history.latest is not None else None,
    }
    yield "{"
    for key, value in head.items():
        yield f"\n  {dumps_indented(key)}: {dumps_indented(value, level=1)},"
    if not history.releases:
        yield '\n  "releases": []\n}\n'
        return
    yield '\n  "releases": ['
    if memo is not None:
        memo.start()
    for rank, release in enumerate(history.releases):
        slug = release.slug
        previous = before.get(slug)
        if memo is None:
            text = _entry_text(release, history, settings, rank, previous)
        else:
            # everything release_data reads: the record, its place, its neighbours' results, the settings
            inputs = (release, rank, previous, history.last_known_good.get(slug), history.verdicts.get(slug),
                      settings)
            text = memo.get(slug, inputs, _entry_text, release, history, settings, rank, previous)
        yield f"{',' if rank else ''}\n    {text}"
    yield "\n  ]\n}\n"


def _entry_text(release: Release, history: History, settings: Settings, rank: int,
                before: Release | None) -> str:
    return dumps_indented(release_data(release, history, settings, rank, before), level=2)


def releases_json(history: History, settings: Settings) -> str:
    """`releases.json` (format 1): every record newest first with its computed fields; no build time in it."""
    return "".join(releases_json_parts(history, settings))


__all__ = ["JSON_FORMAT", "JSON_PATH", "release_data", "releases_json", "releases_json_parts"]
