"""Shared fixtures: temporary projects, the CLI (in-process and as a real subprocess) and golden files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from .helpers import REPO, CliRunner, Golden, ProjectFactory, run_in_process, run_subprocess, write_project

GOLDENS = REPO / "tests" / "goldens"
PUBLISH_FIXTURES = REPO / "tests" / "fixtures" / "publish"


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


@pytest.fixture
def check_golden(update_goldens: bool) -> Callable[[str, str], None]:
    """Compare text with tests/goldens/<name>, or write it there under --update-goldens."""

    def check(name: str, actual: str) -> None:
        path = GOLDENS / name
        if update_goldens:
            path.write_text(actual, encoding="utf-8", newline="\n")
            return
        assert path.is_file(), f"missing golden {path}; run pytest --update-goldens"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{name} differs; run pytest --update-goldens to accept"

    return check


def releasebook_command() -> list[str]:
    """The installed `releasebook` script next to this Python, else `python -m releasebook.cli`."""
    script = Path(sys.executable).parent / "releasebook"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "releasebook.cli"]


@pytest.fixture
def real_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `releasebook` entry point in a folder and capture its output."""

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*releasebook_command(), *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", check=False)

    return run


@pytest.fixture
def publish_project(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures/publish: policy, mkdocs.yml (site_url, repo_url), ten records."""
    target = tmp_path / "project"
    shutil.copytree(PUBLISH_FIXTURES, target)
    return target


@pytest.fixture
def load_history() -> Callable[[Path], tuple[Any, Any, Any]]:
    """Check a project folder in-process: (settings, project, history), failing on any validation error."""
    from releasebook.history import build_history
    from releasebook.pipeline import Checker
    from releasebook.settings import settings_from_mkdocs

    def load(folder: Path) -> tuple[Any, Any, Any]:
        config = folder / "mkdocs.yml"
        settings = settings_from_mkdocs(config if config.is_file() else None)
        if not config.is_file():
            from dataclasses import replace

            settings = replace(settings, root=folder)
        project = Checker(settings).check()
        assert not project.problems, [p.format() for p in project.problems]
        assert project.policy is not None
        return settings, project, build_history(project.releases, project.policy)

    return load
