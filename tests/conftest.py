"""Shared test helpers: the golden-file update flag, the publishing fixture and the real CLI entry point."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
GOLDENS = TESTS / "goldens"


def pytest_addoption(parser: pytest.Parser) -> None:
    """`pytest --update-goldens` rewrites golden files instead of comparing against them."""
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files from the current output")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files."""
    return bool(request.config.getoption("--update-goldens"))


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
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `releasebook` entry point in a folder and capture its output."""

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*releasebook_command(), *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", check=False)

    return run


@pytest.fixture
def publish_project(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures/publish: policy, mkdocs.yml (site_url, repo_url), ten records."""
    target = tmp_path / "project"
    shutil.copytree(FIXTURES / "publish", target)
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
