"""Over a hundred real-world releases build with every page present and in SemVer order.

The version history is Django's from 3.1 to 5.1 (as SemVer: `4.0` is `4.0.0`, `4.0rc1` is `4.0.0-rc.1`): long
patch series on several maintained lines at once, so patches of older lines are published after newer minors
and majors (backports), with alpha, beta and rc pre-releases before each feature release. One release is
recorded as rolled back, so last known good has something to skip.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import semver
import yaml

from .test_build import ROOT, mkdocs_build

# (line, number of patch releases after .0, has pre-releases)
LINES = [((3, 1), 14, False), ((3, 2), 25, False), ((4, 0), 10, True), ((4, 1), 13, True),
         ((4, 2), 16, True), ((5, 0), 9, True), ((5, 1), 3, True)]
ROLLED_BACK = "4.2.3"


def history() -> list[tuple[str, str, dt.date]]:
    """(version, type, date) in publication order: each line's feature release, then patches interleaved."""
    events: list[tuple[dt.date, str, str]] = []
    start = dt.date(2020, 8, 4)
    for index, ((major, minor), patches, prereleases) in enumerate(LINES):
        released = start + dt.timedelta(days=240 * index)
        kind = "major" if index and major != LINES[index - 1][0][0] else "minor"
        if prereleases:
            for offset, tag in ((-60, "alpha.1"), (-40, "beta.1"), (-20, "rc.1")):
                events.append((released + dt.timedelta(days=offset), f"{major}.{minor}.0-{tag}", kind))
        events.append((released, f"{major}.{minor}.0", kind))
        for patch in range(1, patches + 1):
            # monthly security and bug-fix releases: later patches of old lines come after newer releases
            events.append((released + dt.timedelta(days=30 * patch + 3), f"{major}.{minor}.{patch}", "patch"))
    return [(version, kind, date) for date, version, kind in sorted(events)]


def record(version: str, kind: str, date: dt.date, policy: dict[str, Any]) -> str:
    """A complete record: every checklist item done, verification data, and an incident when rolled back."""
    checklists = {key: {item["id"]: "done" for item in spec["items"]}
                  for key, spec in policy["checklists"].items()}
    data: dict[str, object] = {
        "version": version,
        "name": f"Django-style {version}",
        "date": date.isoformat(),
        "type": kind,
        "status": "released",
        "summary": f"Release {version}: security and data-loss fixes, and the changes listed below.",
        "fixes": [{"title": f"Fix {n} of {version}", "description": "What was broken and how it is resolved."}
                  for n in (1, 2)],
        "checklists": checklists,
        "rollback": {"plan": "Redeploy the previous release from the pipeline."},
        "verification": {"error_rate_percent": 0.3, "latency_ratio": 1.05},
    }
    if kind != "patch":
        data["features"] = [{"title": f"Feature of {version}", "description": "New behaviour and its value."}]
    if version == ROLLED_BACK:
        data["status"] = "rolled-back"
        data["incident"] = {"summary": "Migrations locked a large table.", "detected_at": f"{date}T10:00:00Z"}
        data["verification"] = {"error_rate_percent": 9.5, "latency_ratio": 3.2}
    return "# yaml-language-server: $schema=../schemas/release.schema.json\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True)


def test_over_a_hundred_real_world_releases_build_in_order(tmp_path: Path) -> None:
    project = tmp_path / "django"
    (project / "docs").mkdir(parents=True)
    (project / "releases").mkdir()
    (project / "docs" / "index.md").write_text("# Releases of a real-world project\n", encoding="utf-8")
    (project / "policy.yml").write_text((ROOT / "policy.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: Django-style history\nsite_url: https://example.org/\n"
        "theme: {name: material}\nplugins: [search, releasebook]\n"
        "markdown_extensions: [admonition, attr_list, tables, md_in_html, toc, pymdownx.details,"
        " pymdownx.superfences, {pymdownx.tasklist: {custom_checkbox: true}}, pymdownx.emoji]\n",
        encoding="utf-8")
    policy = yaml.safe_load((ROOT / "policy.yml").read_text(encoding="utf-8"))
    releases = history()
    assert len(releases) > 100
    for version, kind, date in releases:
        text = record(version, kind, date, policy)
        (project / "releases" / f"{version}.yml").write_text(text, encoding="utf-8")

    build = mkdocs_build(project)
    assert build.returncode == 0, build.output

    # records in = release pages out
    for version, _, _ in releases:
        for page in ("", "checklist/", "rollback/"):
            assert (build.site / "releases" / version / page / "index.html").is_file(), (version, page)
    # the changelog lists them newest first by SemVer precedence, computed here with semver directly
    index = (build.site / "releases" / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'<strong><a href="([^"/]+)/"', index)
    expected = sorted((v for v, _, _ in releases), key=semver.Version.parse, reverse=True)
    assert listed == expected
    # a backport (3.2.25, published after 5.0) sits in its own line, below every 4.x and 5.x release
    assert listed.index("3.2.25") > listed.index("4.0.0-alpha.1")
    # the release after the rolled-back one rolls back past it
    runbook = (build.site / "releases" / "4.2.4" / "rollback" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", runbook)
    assert "Roll back to 4.2.2, the last known good release" in text
