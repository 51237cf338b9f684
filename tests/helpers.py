"""Helpers shared by the tests: project folders, CLI runners and the repository's paths."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from releasebook.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"

# (exit code, stdout, stderr) of one CLI run.
Run = tuple[int, str, str]
ProjectFactory = Callable[..., Path]
CliRunner = Callable[..., Run]
Golden = Callable[[Path, str], None]


def copy_project_files(root: Path, *, policy: bool = True, schemas: bool = True) -> None:
    """Copy the repository's policy.yml and schemas/ into a project folder."""
    root.mkdir(parents=True, exist_ok=True)
    if policy:
        shutil.copyfile(REPO / "policy.yml", root / "policy.yml")
    if schemas:
        shutil.copytree(REPO / "schemas", root / "schemas", dirs_exist_ok=True)


def write_project(
    root: Path,
    records: Mapping[str, str | bytes] | None = None,
    *,
    mkdocs: str | None = None,
    policy: bool = True,
    schemas: bool = True,
) -> Path:
    """A project at `root`: policy.yml and schemas/ copied in, records written under releases/ as given.

    Text records are written byte for byte as UTF-8 (no newline translation), so tests control CRLF and BOMs.
    """
    copy_project_files(root, policy=policy, schemas=schemas)
    (root / "releases").mkdir(exist_ok=True)
    for name, content in (records or {}).items():
        path = root / "releases" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if mkdocs is not None:
        (root / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    return root


def run_in_process(args: Sequence[str], cwd: Path) -> Run:
    """`releasebook ARGS` through `releasebook.cli.main` in this process, with `cwd` as the working folder."""
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        # argparse writes --help/--version to sys.stdout; send it where `out` goes, like a real process would.
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(list(args), out=out)
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


def run_subprocess(args: Sequence[str], cwd: Path) -> Run:
    """`python -m releasebook.cli ARGS` as a real process in `cwd`."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "releasebook.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


MODELINE = "# yaml-language-server: $schema=../schemas/release.schema.json\n"


def record(
    version: str = "1.0.0",
    extra: str = "",
    *,
    date: str = "2026-03-02",
    type: str = "minor",
    status: str = "planned",
    summary: str = "A small release.",
) -> str:
    """A minimal valid record as YAML text (lines 1-5), with `extra` appended from line 6 on."""
    return f"version: {version}\ndate: {date}\ntype: {type}\nstatus: {status}\nsummary: {summary}\n" + extra


def record_files(folder: Path) -> list[Path]:
    """Every record file below a folder, as the CLI finds them (recursively, `.yml` and `.yaml`)."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix in (".yml", ".yaml")
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


EXAMPLE = ("mkdocs.yml", "docs", "releases", "policy.yml", "schemas")


def copy_example(target: Path) -> Path:
    """The example project (config, docs, records, policy, schemas) copied into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a file in place, insisting that `old` occurs exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
