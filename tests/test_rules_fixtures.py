"""Negative fixtures: each folder under tests/fixtures/rules/ is a project whose `releasebook validate`
output is exactly its expected.txt (file:line:col, message and rule). Set UPDATE_RULE_FIXTURES=1 to rewrite
the expected files after a deliberate change to a message, and review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .test_rules_support import POLICY_FILE, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "releases").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_validate_output_is_exactly_the_expected_text(tmp_path: Path, case: str) -> None:
    shutil.copytree(FIXTURES / case / "releases", tmp_path / "releases")
    shutil.copyfile(POLICY_FILE, tmp_path / "policy.yml")
    result = run_cli("validate", cwd=tmp_path)
    expected_file = FIXTURES / case / "expected.txt"
    if os.environ.get("UPDATE_RULE_FIXTURES"):
        expected_file.write_text(result.stdout, encoding="utf-8")
    assert result.stderr == ""
    assert result.stdout == expected_file.read_text(encoding="utf-8")
    assert result.returncode == 1  # every fixture holds at least one error


def test_every_rule_family_has_a_fixture() -> None:
    seen = "".join((FIXTURES / case / "expected.txt").read_text(encoding="utf-8") for case in CASES)
    for family in ("semver-type", "breaking-needs-major", "policy-gate", "rolled-back-incident",
                   "rollback-target", "rollback-plan"):
        assert f"[{family}]" in seen, family
    assert "releases/2.5.0.yml:4:7: error: type is 'patch' but 2.4.0 → 2.5.0 is a minor bump" in seen
