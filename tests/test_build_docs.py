"""The hand-written docs stay true: options table, example record, and the command output they quote."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from releasebook import render
from releasebook.plugin import ReleasebookConfig
from releasebook.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLE = ("mkdocs.yml", "docs", "releases", "policy.yml", "schemas")

# The records behind the error listing in the author guide, exactly as they were validated.
BAD_RECORDS = {
    "2.6.0.yml": """version: 2.6.0
date: 2026-09-01
type: minor
status: planed
summary: Audit log streaming.
features:
  - title: Audit log streaming
    descripton: Stream audit events to your SIEM.
checklists:
  pre_release:
    perfomance: done
    user-docs: skipped
  deployment:
    backup:
      status: skipped
      note: No schema change in this release.
documentation:
  - title: Streaming guide
    url: javascript:alert(1)
""",
    "1.10.yml": """version: 1.10
date: 2026-02-30
type: patch
status: released
summary: x
""",
}


def copy_example(target: Path) -> Path:
    """The example project copied into `target`."""
    for name in EXAMPLE:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / name)
    return target


def console_blocks(markdown: str, command: str) -> list[list[str]]:
    """The output lines of every ```console block in a page that runs `command`."""
    blocks = re.findall(r"```console\n\$ (.*?)\n(.*?)```", markdown, re.S)
    return [output.strip("\n").splitlines() for run, output in blocks if run == command]


def validate(project: Path) -> subprocess.CompletedProcess[str]:
    """The real CLI, run in a project folder."""
    return subprocess.run([sys.executable, "-m", "releasebook.cli", "validate"], cwd=project,
                          capture_output=True, text=True, timeout=120, check=False)


def test_every_option_is_in_the_options_table() -> None:
    page = (DOCS / "guides" / "customizing.md").read_text(encoding="utf-8")
    defaults = Settings()
    for name in dict(ReleasebookConfig._schema):
        row = re.search(rf"^\| `{name}` \| (.*?) \| (.+) \|$", page, re.M)
        assert row, f"option {name} is missing from the table"
        default = getattr(defaults, name)
        shown = row.group(1)
        if default is None:
            assert shown == "none", name
        elif default == ():
            assert shown == "`[]`", name
        else:
            assert shown == f"`{default}`", (name, shown)


def test_every_template_is_documented() -> None:
    page = (DOCS / "guides" / "customizing.md").read_text(encoding="utf-8")
    names = getattr(render, "TEMPLATE_NAMES", ())
    shipped = sorted(p.name for p in (Path(render.__file__).parent / "templates").glob("*.j2"))
    for name in (*names, *shipped):
        assert f"`{name}`" in page, name


def test_settings_fields_are_all_options_or_mkdocs_values() -> None:
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert fields - set(dict(ReleasebookConfig._schema)) == {"root", "site_url", "repo_url"}


def test_complete_example_record_validates(tmp_path: Path) -> None:
    page = (DOCS / "guides" / "authors.md").read_text(encoding="utf-8")
    section = page[page.index("## A complete record"):]
    record = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert record
    project = copy_example(tmp_path)
    (project / "releases" / "3.x").mkdir()
    (project / "releases" / "3.x" / "3.0.0.yml").write_text(record.group(1), encoding="utf-8")
    done = validate(project)
    assert done.returncode == 0, done.stdout + done.stderr
    # every top-level field of the schema appears in the example
    schema = json.loads((ROOT / "schemas" / "release.schema.json").read_text(encoding="utf-8"))
    for key in schema["properties"]:
        assert re.search(rf"^{key}:", record.group(1), re.M), key


def test_clean_validate_output_is_quoted_exactly(tmp_path: Path) -> None:
    page = (DOCS / "guides" / "authors.md").read_text(encoding="utf-8")
    done = validate(copy_example(tmp_path))
    assert done.returncode == 0
    assert [done.stdout.strip()] in console_blocks(page, "releasebook validate")


def test_error_listing_is_real_output(tmp_path: Path) -> None:
    page = (DOCS / "guides" / "authors.md").read_text(encoding="utf-8")
    project = copy_example(tmp_path)
    for name, text in BAD_RECORDS.items():
        (project / "releases" / name).write_text(text, encoding="utf-8")
    done = validate(project)
    assert done.returncode == 1
    assert done.stdout.strip().splitlines() in console_blocks(page, "releasebook validate")


def test_failed_build_listing_is_real_output(tmp_path: Path) -> None:
    page = (DOCS / "guides" / "authors.md").read_text(encoding="utf-8")
    [quoted] = console_blocks(page, "mkdocs build")
    project = copy_example(tmp_path)
    record = project / "releases" / "2.4.0.yml"
    text = record.read_text(encoding="utf-8")
    assert text.count("\nstatus: in-progress\n") == 1
    record.write_text(text.replace("\nstatus: in-progress\n", "\nstatus: shipped\n"), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    command = [sys.executable, "-m", "mkdocs", "build", "-d", str(tmp_path / "site")]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    assert done.returncode == 1
    output = done.stdout + done.stderr
    for line in quoted:
        if line.strip():
            assert line in output, line
