"""Shared helpers for the rules, history and verdict tests: write records quickly, check a project.

Imported by test_rules*.py, test_history*.py and test_verdict*.py; it holds no tests of its own except a check
that the record it builds by default is valid, so every negative test starts from a clean record.
"""

from __future__ import annotations

import copy
import functools
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from releasebook.model import Policy, Release
from releasebook.pipeline import Checker, Project
from releasebook.problems import Problem
from releasebook.settings import Settings
from releasebook.validate import build_release

REPO = Path(__file__).resolve().parents[1]
POLICY_FILE = REPO / "policy.yml"
BIN = Path(sys.executable).parent / "releasebook"

_POLICY_DATA: dict[str, Any] = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))


class _Dumper(yaml.SafeDumper):
    """Writes shared objects out in full: records refuse anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    """YAML text for plain data, keys in the given order, no anchors."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def policy_data() -> dict[str, Any]:
    """A fresh copy of the repository's policy as plain data."""
    return copy.deepcopy(_POLICY_DATA)


def item_ids(checklist: str) -> list[str]:
    """The ids of one of the policy's checklists, in order."""
    return [item["id"] for item in _POLICY_DATA["checklists"][checklist]["items"]]


def conditional_ids(checklist: str) -> list[str]:
    """The ids of the conditional items of one checklist."""
    return [item["id"] for item in _POLICY_DATA["checklists"][checklist]["items"] if item.get("conditional")]


def all_done() -> dict[str, dict[str, Any]]:
    """Both checklists with every item done."""
    return {key: dict.fromkeys(item_ids(key), "done") for key in ("pre_release", "deployment")}


def record(version: str, type_: str = "minor", status: str = "released", **fields: Any) -> dict[str, Any]:
    """A valid record: every checklist item done, a rollback plan; `fields` replace or add top-level keys.

    Pass a key with the value None to leave it out.
    """
    data: dict[str, Any] = {
        "version": version,
        "date": "2026-01-01",
        "type": type_,
        "status": status,
        "summary": f"Release {version}.",
        "checklists": all_done(),
        "rollback": {"plan": "Redeploy the previous image."},
    }
    if status == "rolled-back":
        data["incident"] = {"summary": "It broke.", "detected_at": "2026-01-01T10:00:00Z"}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


BREAKING = [{"title": "API v1 removed", "description": "Gone.", "migration": "Use v2."}]


def checklists(**changes: Any) -> dict[str, dict[str, Any]]:
    """All items done, with `changes` (item id with '-' written as '_') applied; None removes an item."""
    result = all_done()
    for name, value in changes.items():
        item = name.replace("_", "-")
        key = "pre_release" if item in item_ids("pre_release") else "deployment"
        if value is None:
            del result[key][item]
        else:
            result[key][item] = value
    return result


def only(project: Project, rule: str) -> list[Problem]:
    """The problems of one rule family."""
    return [p for p in project.problems if p.rule == rule]


def make_project(root: Path, rules: dict[str, str] | None = None,
                 mkdocs: dict[str, Any] | None = None) -> Path:
    """A project folder with the repository's policy (or other rule severities) and a releases/ folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "releases").mkdir(exist_ok=True)
    if rules is None:
        shutil.copyfile(POLICY_FILE, root / "policy.yml")
    else:
        data = policy_data()
        data["rules"] = rules
        (root / "policy.yml").write_text(dump(data), encoding="utf-8")
    if mkdocs is not None:
        (root / "mkdocs.yml").write_text(dump(mkdocs), encoding="utf-8")
    return root


def write(root: Path, data: dict[str, Any] | str, name: str | None = None) -> Path:
    """Write one record under releases/ (named after its version unless `name` is given)."""
    if isinstance(data, str):
        text = data
        stem = name or yaml.safe_load(text)["version"]
    else:
        text = dump(data)
        stem = name or data["version"]
    path = root / "releases" / f"{stem}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def write_all(root: Path, *records: dict[str, Any]) -> None:
    """Write several records."""
    for data in records:
        write(root, data)


def check(root: Path, **settings: Any) -> Project:
    """Run the whole pipeline on a project folder."""
    return Checker(Settings(root=root, **settings)).check()


def lines(project: Project) -> list[str]:
    """The formatted problems of a checked project."""
    return [problem.format() for problem in project.problems]


@functools.cache
def repo_policy() -> Policy:
    """The repository's policy, loaded through the pipeline (once: compiling the schemas is not free)."""
    policy, problems = Checker(Settings(root=REPO)).load_policy()
    assert policy is not None, problems
    return policy


def release(version: str, type_: str = "minor", status: str = "released", **fields: Any) -> Release:
    """An in-memory Release built from `record(...)` with the repository's policy (no files involved)."""
    data = record(version, type_, status, **fields)
    return build_release(data, repo_policy(), f"releases/{version}.yml")


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real `releasebook` entry point in a subprocess."""
    return subprocess.run([str(BIN), *args], cwd=cwd, capture_output=True, text=True, check=False,
                          timeout=120)


def test_default_record_is_valid(tmp_path: Path) -> None:
    """The helpers' default record passes every check, so each negative test changes one thing only."""
    root = make_project(tmp_path)
    write_all(root, record("1.0.0", "major"), record("1.1.0"), record("1.1.1", "patch"))
    project = check(root)
    assert lines(project) == []
    assert len(project.releases) == 3
