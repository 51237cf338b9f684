"""Generate a realistic synthetic release history into a temporary project, for the benchmarks.

Every history is deterministic for a given (count, seed) and passes `releasebook validate` with zero errors,
including the cross-release rules: types follow the SemVer bump from the previous non-pre-release of the same
line, breaking changes only in majors, released records have every checklist item done (or a conditional item
skipped with a note), rolled-back records carry an incident, and `rollback-plan: done` always has a plan.

    python benchmarks/generate.py --count 1000 --out /tmp/bench-1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent

# Files and folders a project needs besides its records; copied when the repository has them.
PROJECT_FILES = ("policy.yml", "mkdocs.yml", "main.py")
PROJECT_DIRS = ("schemas", "docs", "overrides")


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(","))


COMPONENTS = _words(
    "api, web, search, billing, notifications, auth, storage, mobile, reporting, integrations, admin, exports"
)
PEOPLE = (
    ("DevOps Engineer", "Priya Nair"),
    ("Tech Lead", "Marcus Oyelaran"),
    ("QA Lead", "Sofia Marín"),
    ("Security Engineer", "Jun Park"),
    ("Support Lead", "Dana Whitfield"),
    ("Database Engineer", "Lars Eklund"),
)
ADJECTIVES = _words(
    "bulk, scheduled, incremental, scoped, audited, faster, resumable, regional, shared, encrypted, batched, "
    "streaming, paginated, cached, signed, archived"
)
NOUNS = _words(
    "exports, webhooks, dashboards, reports, tokens, invoices, attachments, workspaces, comments, "
    "saved searches, notifications, audit logs, API keys, projects, uploads, roles"
)
FAILURES = _words(
    "timed out, returned stale data, dropped the last page, double-counted retries, ignored the time zone, "
    "leaked a file handle, showed the wrong owner, lost unsaved edits, crashed on empty input, "
    "sent duplicate emails, rounded totals down, skipped archived items"
)
CODE_NAMES = _words(
    "Aurora, Basalt, Cobalt, Drift, Ember, Fjord, Granite, Harbor, Iris, Juniper, Kestrel, Lumen, Meridian, "
    "Nimbus, Onyx, Pulsar, Quartz, Riverbend, Sierra, Tundra, Umber, Vertex, Willow, Zephyr"
)
DOC_ROOT = "https://docs.octoacme.example"
CI_ROOT = "https://ci.octoacme.example/pipelines"


@dataclass
class Plan:
    """One record to write: its version, where it sits in the history and what kind of release it is."""

    version: tuple[int, int, int]
    type: str
    status: str = "released"
    pre: str = ""
    backport: bool = False
    rollback_target: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The version as written in the record."""
        core = ".".join(str(n) for n in self.version)
        return f"{core}-{self.pre}" if self.pre else core


def _version_text(version: tuple[int, int, int]) -> str:
    return ".".join(str(n) for n in version)


def plan_history(count: int, rng: random.Random) -> list[Plan]:
    """The versions, oldest first: minors and patches, occasional majors (some after an rc), backports to the
    previous line, a few rolled-back releases, and one in-progress and one planned release at the top."""
    if count < 1:
        return []
    plans: list[Plan] = []
    released_count = count - min(2, max(count - 1, 0))
    current = (1, 0, 0)
    plans.append(Plan(current, "major"))
    last_good: dict[int, tuple[int, int, int]] = {1: current}  # newest released version per major line
    previous_line: tuple[int, int, int] | None = None  # newest version of the line before the current major
    backports_left = 0
    while len(plans) < released_count:
        roll = rng.random()
        room = released_count - len(plans)
        if backports_left and previous_line is not None and roll < 0.25:
            previous_line = (previous_line[0], previous_line[1], previous_line[2] + 1)
            plans.append(Plan(previous_line, "patch", backport=True))
            last_good[previous_line[0]] = previous_line
            backports_left -= 1
            continue
        if roll < 0.02 and room >= 1:
            major = (current[0] + 1, 0, 0)
            candidates = rng.choice((0, 0, 1, 1, 2)) if room >= 3 else 0
            for number in range(1, candidates + 1):
                plans.append(Plan(major, "major", pre=f"rc.{number}"))
            previous_line, current = current, major
            plans.append(Plan(current, "major"))
            last_good[current[0]] = current
            backports_left = rng.choice((0, 1, 2, 3))
            continue
        if roll < 0.35:
            current = (current[0], current[1] + 1, 0)
            kind = "minor"
        else:
            current = (current[0], current[1], current[2] + 1)
            kind = "patch"
        plan = Plan(current, kind)
        if rng.random() < 0.015 and last_good.get(current[0]) is not None and room >= 2:
            # A rolled-back release names its last known good explicitly; the next record fixes it forward.
            plan.status = "rolled-back"
            plan.rollback_target = _version_text(last_good[current[0]])
        elif rng.random() < 0.08 and last_good.get(current[0]) is not None:
            plan.rollback_target = _version_text(last_good[current[0]])
        plans.append(plan)
        if plan.status == "released":
            last_good[current[0]] = current
    upcoming = ("in-progress", "planned")[: count - len(plans)]
    for status in upcoming:
        current = (current[0], current[1] + 1, 0)
        plans.append(Plan(current, "minor", status=status))
    return plans


class Writer:
    """Turns plans into record data with realistic text (about 3 KB of YAML each)."""

    def __init__(
        self, rng: random.Random, start: dt.date, checklists: dict[str, list[tuple[str, bool]]]
    ) -> None:
        self.rng = rng
        self.day = start
        self.ticket = 1000
        self.checklists = checklists  # checklist key -> [(item id, conditional)], from the policy

    def _ref(self) -> list[str]:
        self.ticket += self.rng.randint(1, 9)
        refs = [f"OPS-{self.ticket}"]
        if self.rng.random() < 0.4:
            refs.append(f"#{self.ticket + 400}")
        return refs

    def _thing(self) -> str:
        return f"{self.rng.choice(ADJECTIVES)} {self.rng.choice(NOUNS)}"

    def _feature(self, component: str) -> dict[str, Any]:
        thing = self._thing()
        return {
            "title": thing.capitalize(),
            "description": (
                f"The {component} service supports {thing}; enable it under "
                f"*Settings → {component.capitalize()}*."
            ),
            "refs": self._ref(),
        }

    def _fix(self, component: str) -> dict[str, Any]:
        noun = self.rng.choice(NOUNS)
        failure = self.rng.choice(FAILURES)
        return {
            "title": f"{noun.capitalize()} {failure}",
            "description": (
                f"`/{component}/{noun.replace(' ', '-')}` {failure} when a retry overlapped; "
                "the handler is now idempotent."
            ),
            "refs": self._ref(),
        }

    def _item(self, item_id: str, conditional: bool, status: str) -> Any:
        """A checklist entry; about one in six uses the object form with owner, evidence and note."""
        if status == "done" and conditional and self.rng.random() < 0.45:
            return {"status": "skipped", "note": "Not needed for this release."}
        if self.rng.random() < 0.1:
            role, name = self.rng.choice(PEOPLE)
            entry: dict[str, Any] = {"status": status, "owner": name}
            if status == "done":
                entry["evidence"] = f"{CI_ROOT}/{self.ticket * 3 + len(item_id)}"
            entry["note"] = f"Checked by the {role} on staging."
            return entry
        return status

    def _checklists(self, plan: Plan) -> dict[str, Any]:
        """Released: every item done (conditional ones sometimes skipped with a note); rolled back: every
        pre-release item done; in progress: part done; planned: pending."""
        result: dict[str, Any] = {}
        for key, items in self.checklists.items():
            entries: dict[str, Any] = {}
            for index, (item_id, conditional) in enumerate(items):
                if plan.status == "released" or (plan.status == "rolled-back" and key == "pre_release"):
                    entries[item_id] = self._item(item_id, conditional, "done")
                elif plan.status == "rolled-back":
                    entries[item_id] = "done" if index < 7 else "pending"
                elif plan.status == "in-progress" and key == "pre_release":
                    entries[item_id] = (
                        "done"
                        if index < 6 or item_id == "rollback-plan"
                        else ("in-progress" if index < 8 else "pending")
                    )
                elif plan.status == "in-progress" or key == "pre_release":
                    entries[item_id] = "in-progress" if index == 0 and plan.status == "planned" else "pending"
            if entries:
                result[key] = entries
        return result

    def record(self, plan: Plan) -> dict[str, Any]:
        """The record's data, keys in the order an author writes them."""
        rng = self.rng
        self.day += dt.timedelta(days=rng.choice((0, 0, 1, 1, 1, 2)))
        components = sorted(rng.sample(COMPONENTS, rng.randint(2, 4)))
        version = plan.text
        name = f"{rng.choice(CODE_NAMES)} {rng.choice(NOUNS)}".title() if plan.type != "patch" else ""
        data: dict[str, Any] = {"version": version}
        if plan.backport:
            name = f"{plan.version[0]}.x security backport"
        if name:
            data["name"] = name
        data["date"] = self.day.isoformat()
        data["type"] = plan.type
        data["status"] = plan.status
        lead = {"planned": "Planned: ", "in-progress": "In progress: "}.get(plan.status, "")
        data["summary"] = (
            f"{lead}**{version}** brings {self._thing()} to {components[0]} and fixes four "
            f"issues in {components[-1]}."
        )
        data["components"] = components
        data["features"] = [self._feature(rng.choice(components)) for _ in range(3)]
        if rng.random() < 0.5:
            improvement = self._feature(rng.choice(components))
            improvement["title"] = f"Faster {rng.choice(NOUNS)}"
            data["improvements"] = [improvement]
        data["fixes"] = [self._fix(rng.choice(components)) for _ in range(4)]
        if plan.type == "major":
            data["breaking_changes"] = [
                {
                    "title": f"Legacy {rng.choice(NOUNS)} endpoint removed",
                    "description": f"The `/v{plan.version[0] - 1}` endpoints return `410 Gone`.",
                    "migration": f"Move integrations to the `/v{plan.version[0]}` endpoints; the upgrade "
                    "guide lists every replacement.",
                    "impact": "Integrations that still call the old endpoints.",
                    "refs": self._ref(),
                }
            ]
            data["migration_steps"] = [
                "Inventory integrations with the *API usage* report in the admin console.",
                f"Switch each integration to the `/v{plan.version[0]}` endpoints and re-run its tests.",
            ]
        if rng.random() < 0.2:
            data["known_issues"] = [
                {
                    "title": f"{rng.choice(NOUNS).capitalize()} can be slow to appear",
                    "description": "New items can take a few minutes to be indexed after the upgrade.",
                    "workaround": "Refresh the page, or trigger a re-index from the admin console.",
                    "refs": self._ref(),
                }
            ]
        data["documentation"] = [
            {"title": f"What's new in {version}", "url": f"{DOC_ROOT}/releases/{version}"}
        ]
        data["checklists"] = self._checklists(plan)
        people = rng.sample(PEOPLE, 2)
        flag = f"{components[0]}.{rng.choice(ADJECTIVES)}_{rng.choice(NOUNS).split()[-1]}".lower()
        rollback: dict[str, Any] = {
            "plan": f"Turn off `{flag}`; if errors persist, redeploy the previous image.",
        }
        if plan.rollback_target:
            rollback["target"] = plan.rollback_target
        rollback["steps"] = [
            f"Disable `{flag}` and watch the error-rate dashboard.",
            "Run the pipeline's `rollback` job.",
            "Post a status page update.",
        ]
        rollback["feature_flags"] = [flag]
        rollback["contacts"] = [
            {"role": role, "name": person, "contact": f"{person.split()[0].lower()}@octoacme.example"}
            for role, person in people
        ]
        data["rollback"] = rollback
        if plan.status in ("released", "rolled-back"):
            bad = plan.status == "rolled-back"
            data["verification"] = {
                "error_rate_percent": round(rng.uniform(6.0, 12.0) if bad else rng.uniform(0.0, 1.5), 1),
                "latency_ratio": round(rng.uniform(0.9, 1.4), 1),
                "critical_functionality_broken": bad,
                "data_integrity_issue": False,
                "security_issue": False,
                "noncritical_feature_major_issue": rng.random() < 0.05,
                "complex_workaround": False,
                "estimated_fix_hours": rng.choice((0, 0, 0.5, 1, 3)),
                "notes": "Healthy after 24 hours at full rollout."
                if not bad
                else "Error rate spiked within minutes of the rollout; rolled back.",
            }
        if plan.status == "rolled-back":
            data["incident"] = {
                "summary": f"Errors in {components[0]} after the {version} rollout; rolled back to "
                f"{plan.rollback_target}.",
                "detected_at": f"{self.day}T{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00Z",
                "severity": "SEV-2",
                "postmortem": f"{DOC_ROOT}/postmortems/{version}",
            }
        if rng.random() < 0.1:
            data["x-jira-release"] = f"REL-{self.ticket}"
        return data


def _schema_hint(depth: int) -> str:
    return f"# yaml-language-server: $schema={'../' * depth}schemas/release.schema.json\n"


def render_record(data: dict[str, Any], depth: int) -> str:
    """The record as YAML text, as an author would commit it."""
    body = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=110)
    return _schema_hint(depth) + body


def copy_project_files(target: Path, repo: Path = REPO) -> None:
    """Copy the policy, schemas and site set-up (when the repository has them) into a new project."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        if (repo / name).is_file():
            shutil.copy2(repo / name, target / name)
    for name in PROJECT_DIRS:
        if (repo / name).is_dir():
            shutil.copytree(repo / name, target / name, dirs_exist_ok=True)
    if not (target / "mkdocs.yml").exists():
        # Without one, the CLI would look for a mkdocs.yml above the temporary project.
        (target / "mkdocs.yml").write_text("site_name: releasebook benchmark\n", encoding="utf-8")


def policy_checklists(policy: Path) -> dict[str, list[tuple[str, bool]]]:
    """Each checklist's (item id, conditional) pairs from a policy file, in the policy's order."""
    data = yaml.safe_load(policy.read_text(encoding="utf-8"))
    return {
        key: [(item["id"], bool(item.get("conditional", False))) for item in spec["items"]]
        for key, spec in data["checklists"].items()
    }


def generate(target: Path, count: int, seed: int = 7, start: dt.date = dt.date(2012, 1, 2)) -> list[Path]:
    """Write a project with `count` records under `target/releases/`, one folder per major line; the paths."""
    if (target / "releases").exists():
        shutil.rmtree(target / "releases")
    copy_project_files(target)
    rng = random.Random(f"releasebook-bench:{seed}")
    writer = Writer(rng, start, policy_checklists(target / "policy.yml"))
    paths: list[Path] = []
    for plan in plan_history(count, rng):
        folder = target / "releases" / f"{plan.version[0]}.x"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{plan.text}.yml"
        path.write_text(render_record(writer.record(plan), depth=2), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: write one synthetic project."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="how many records (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.count, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} records, {size / max(len(paths), 1) / 1024:.1f} KB each on average, in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
