"""CI and editor integration files: they load, and every command they run exists with the flags they use."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from releasebook.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
SHELL_BREAKS = {">", ">>", "|", "||", "&&", ";", "2>&1"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[Any, Any]) -> Any:
    """The `on:` block; YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True."""
    return workflow["on"] if "on" in workflow else workflow[True]


def steps(workflow: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def commands(workflow: dict[Any, Any]) -> Iterator[list[str]]:
    """Each command line of every `run:` step, cut at the first redirection or operator."""
    for step in steps(workflow):
        for line in step.get("run", "").splitlines():
            words = shlex.split(line, comments=True)
            for index, word in enumerate(words):
                if word in SHELL_BREAKS:
                    words = words[:index]
                    break
            if words:
                yield words


def check_command(words: list[str]) -> None:
    """`releasebook ...` parses with the real parser; `mkdocs build ...` uses options that mkdocs has."""
    if words[0] == "releasebook":
        build_parser().parse_args(words[1:])  # argparse exits on anything unknown
    elif words[0] == "mkdocs":
        from mkdocs.__main__ import cli

        command = cli.commands[words[1]]
        known = {option for param in command.params for option in param.opts}
        assert set(w for w in words[2:] if w.startswith("-")) <= known, words
        assert command.name == words[1]


@pytest.mark.parametrize("name", ["pr.yml", "pages.yml"])
def test_workflow_commands_exist(name: str) -> None:
    workflow = load(WORKFLOWS / name)
    found = list(commands(workflow))
    assert found, name
    for words in found:
        check_command(words)
    programs = {words[0] for words in found}
    assert {"pip", "releasebook", "mkdocs"} <= programs


def test_check_command_rejects_what_does_not_exist() -> None:
    with pytest.raises(SystemExit):
        check_command(["releasebook", "validate", "--format", "yaml"])
    with pytest.raises(SystemExit):
        check_command(["releasebook", "publish"])
    with pytest.raises(AssertionError):
        check_command(["mkdocs", "build", "--strictest"])


def _uses(workflow: dict[Any, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step]


def test_pull_request_workflow() -> None:
    workflow = load(WORKFLOWS / "pr.yml")
    assert "pull_request" in triggers(workflow)
    found = [" ".join(words) for words in commands(workflow)]
    assert "pip install ." in found
    assert "releasebook validate --format github" in found
    assert "mkdocs build --strict --site-dir site" in found
    assert not any("mkdocs" in c and " -q" in c for c in found)  # -q hides --strict failures (mkdocs#4126)
    summary = next(s for s in steps(workflow) if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["if"] == "always()"
    assert "releasebook validate --format markdown" in summary["run"]
    setup = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    upload = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"].rstrip("/") == "site"
    assert _uses(workflow)[0] == "actions/checkout"
    order = [s.get("name", s.get("uses", "")) for s in steps(workflow)]
    assert order.index("Validate records") < order.index("Build the site") < order.index(
        next(s.get("name", s["uses"]) for s in steps(workflow) if s is upload))


def test_pages_workflow() -> None:
    workflow = load(WORKFLOWS / "pages.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    uses = _uses(workflow)
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    assert "mkdocs build --strict --site-dir site" in [" ".join(w) for w in commands(workflow)]
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_pre_commit_hook() -> None:
    hooks = load(ROOT / ".pre-commit-hooks.yaml")
    hook = next(h for h in hooks if h["id"] == "releasebook-validate")
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    check_command([*shlex.split(hook["entry"]), "releases/2.4.0.yml", "policy.yml"])
    pattern = re.compile(hook["files"])
    for path in ("releases/2.4.0.yml", "releases/1.x/1.10.0.yaml", "policy.yml"):
        assert pattern.search(path), path
    for path in ("docs/index.md", "mkdocs.yml", "releases/README.md", "schemas/policy.yml", "my-policy.yml"):
        assert not pattern.search(path), path


# --- what the hook does with the file names it passes ------------------------------------------------------


def test_hook_with_changed_records(publish_project: Path, real_cli: Callable[..., Any]) -> None:
    """Only the passed records are reported on, but the rules still see the whole history."""
    (publish_project / "releases" / "2.1.1.yml").write_text("version: 2.1.1\n", encoding="utf-8")
    clean = real_cli("validate", "releases/2.0.0.yml", "releases/1.x/1.1.2.yml", cwd=publish_project)
    assert clean.returncode == 0, clean.stdout
    assert "2 files, 0 errors" in clean.stdout
    broken = real_cli("validate", "releases/2.1.1.yml", cwd=publish_project)
    assert broken.returncode == 1
    assert "releases/2.1.1.yml:1:1: error: missing required key 'date'" in broken.stdout


def test_hook_with_policy_checks_every_record(publish_project: Path, real_cli: Callable[..., Any]) -> None:
    """policy.yml is checked as the policy, not as a record, and a policy change re-checks every record."""
    ok = real_cli("validate", "policy.yml", cwd=publish_project)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "10 files, 0 errors" in ok.stdout
    assert "missing required key 'version'" not in ok.stdout
    # removing a checklist item from the policy breaks records that still mention it
    policy = publish_project / "policy.yml"
    text = policy.read_text(encoding="utf-8")
    item = "      - id: support-briefed\n        text: Support team briefed on changes and potential issues\n"
    assert item in text
    policy.write_text(text.replace(item, ""), encoding="utf-8")
    changed = real_cli("validate", "policy.yml", cwd=publish_project)
    assert changed.returncode == 1
    assert "releases/1.0.0.yml:" in changed.stdout
    assert "unknown pre_release checklist item 'support-briefed'" in changed.stdout


def test_hook_with_a_broken_policy(publish_project: Path, real_cli: Callable[..., Any]) -> None:
    policy = publish_project / "policy.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("format: 1", "format: 9"), encoding="utf-8")
    result = real_cli("validate", "policy.yml", "releases/2.0.0.yml", cwd=publish_project)
    assert result.returncode == 2
    assert re.search(r"^policy\.yml:\d+:\d+: error: ", result.stdout, re.M)


def test_markdown_summary(publish_project: Path, real_cli: Callable[..., Any]) -> None:
    """The step summary: counts, then a table row per problem with cell-breaking text escaped."""
    record = publish_project / "releases" / "2.1.1.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("type: patch", "type: pat|ch <b>"),
                      encoding="utf-8")
    result = real_cli("validate", "--format", "markdown", cwd=publish_project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "### ❌ releasebook validate"
    assert "10 files, 1 error, 0 warnings" in lines[2]
    assert "| File | Line | Severity | Rule | Message |" in lines
    row = next(line for line in lines if line.startswith("| releases/2.1.1.yml"))
    assert "'pat\\|ch &lt;b&gt;' is not one of: patch, minor, major" in row
    assert row.count(" | ") == 4
    clean = real_cli("validate", "--format", "markdown", "releases/2.0.0.yml", cwd=publish_project)
    assert clean.stdout.startswith("### ✅ releasebook validate")
