"""`Settings.displays` (the batch form used on every check) gives exactly what `Settings.display` gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from releasebook.settings import Settings


def test_displays_matches_display_for_every_kind_of_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    (root / "releases" / "1.x").mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    for path in (
        root / "releases" / "2.0.0.yml",
        root / "releases" / "1.x" / "1.0.0.yml",
        outside / "9.0.0.yml",
    ):
        path.write_text("version: x\n", encoding="utf-8")
    (root / "releases" / "linked.yml").symlink_to(outside / "9.0.0.yml")
    (root / "releases" / "inside-link.yml").symlink_to(root / "releases" / "2.0.0.yml")
    (root / "releases" / "old").symlink_to(root / "releases" / "1.x", target_is_directory=True)
    (root / "shortcut").symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(root)
    paths = [
        root / "releases" / "2.0.0.yml",
        root / "releases" / "1.x" / "1.0.0.yml",
        root / "releases" / "old" / "1.0.0.yml",  # through a symlinked folder
        root / "releases" / "linked.yml",  # a symlink that leaves the project
        root / "releases" / "inside-link.yml",
        root / "shortcut" / "9.0.0.yml",
        outside / "9.0.0.yml",
        Path("releases/2.0.0.yml"),  # relative to the working folder
        Path("2.0.0.yml"),
        root / "releases" / "1.x" / ".." / "2.0.0.yml",
        root / "releases" / "missing.yml",
        root,
        root / "releases",
    ]
    settings = Settings(root=root)
    assert settings.displays(paths) == [settings.display(p) for p in paths]
    assert settings.displays(paths)[:3] == [
        "releases/2.0.0.yml",
        "releases/1.x/1.0.0.yml",
        "releases/1.x/1.0.0.yml",
    ]


def test_displays_with_a_symlinked_root(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "releases").mkdir(parents=True)
    (real / "releases" / "1.0.0.yml").write_text("x: 1\n", encoding="utf-8")
    os.symlink(real, tmp_path / "alias", target_is_directory=True)
    for root in (real, tmp_path / "alias"):
        settings = Settings(root=root)
        paths = [
            root / "releases" / "1.0.0.yml",
            real / "releases" / "1.0.0.yml",
            tmp_path / "alias" / "releases",
        ]
        assert settings.displays(paths) == [settings.display(p) for p in paths]
