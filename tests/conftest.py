"""Shared fixtures: temporary projects, the CLI (in-process and as a real subprocess) and golden files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from .helpers import REPO, CliRunner, Golden, ProjectFactory, run_in_process, run_subprocess, write_project


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register `--update-goldens`."""
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files (expected.txt, rendered Markdown) from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with `--update-goldens`."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def golden(update_goldens: bool) -> Golden:
    """Compare text with a golden file, or rewrite the file under `--update-goldens`."""

    def check(path: Path, actual: str) -> None:
        if update_goldens:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8", newline="\n")
            return
        assert path.is_file(), f"{path} is missing: run pytest --update-goldens and review the new file"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, (
            f"output differs from {path.relative_to(REPO)} (pytest --update-goldens rewrites it)"
        )

    return check


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    """A factory for temporary projects: `make_project({"1.0.0.yml": text}, mkdocs=...)` returns the root."""
    made = 0

    def make(records: Mapping[str, str | bytes] | None = None, **options: object) -> Path:
        nonlocal made
        made += 1
        return write_project(tmp_path / f"project{made}", records, **options)  # type: ignore[arg-type]

    return make


@pytest.fixture
def cli() -> CliRunner:
    """Run the CLI in-process: `cli(["validate"], cwd=root)` returns (exit code, stdout, stderr)."""
    return run_in_process


@pytest.fixture
def run_cli() -> CliRunner:
    """Run the real entry point as a subprocess: `run_cli(["validate"], cwd=root)` -> (code, out, err)."""
    return run_subprocess
