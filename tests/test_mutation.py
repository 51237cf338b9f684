"""Mutation tests: a valid history with exactly one thing broken in one record is refused by the real
`releasebook validate` with exit 1, a message naming the broken file at a line inside it, and no traceback."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from releasebook import cli

from . import strategies as gen

Records = list[dict[str, Any]]
Case = tuple[Records, int, gen.Mutation]
IN_PROCESS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUBPROCESS = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def broken_histories(draw: st.DrawFn) -> Case:
    """A small valid history and one of its records with one thing broken."""
    history = draw(gen.histories(max_cores=2))
    index = draw(st.integers(0, len(history) - 1))
    return history, index, draw(gen.mutations(history[index]))


def editor_lines(text: str) -> list[str]:
    """A text's lines as an editor shows them: LF, CRLF and a lone CR end a line, a final one starts none."""
    lines = re.split(r"\r\n?|\n", text)
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def write(root: Path, history: Records, index: int, mutation: gen.Mutation) -> gen.Project:
    """The history with record `index` replaced by its mutation."""
    project = gen.Project(root)
    project.clear()
    for position, record in enumerate(history):
        if position != index:
            project.write(f"{record['version']}.yml", gen.dump(record))
    project.write(mutation.file_name, mutation.text)
    return project


# What at least one error about the mutated file must say, for each kind of break: a break that the
# generator botched (say, a "duplicate key" that is really an unclosed quote) fails here, not by luck later.
EXPECTED = {
    "drop-required": r"^missing required key '",
    "wrong-type": r"^expected (text|a number|a mapping|a list|true or false)",
    "duplicate-key": r"^duplicate key '(summary|date|type|status|name)': first defined on line \d+",
    "bad-date": r"is not (a real calendar date|a date in YYYY-MM-DD form)",
    "unknown-item": r"^unknown (pre_release|deployment) checklist item '",
    "unknown-key": r"^unknown key '",
    "bad-enum": r"is not one of: ",
    "bad-version": r"is not a SemVer 2\.0\.0 version|^version '.*' does not match the file name",
    "bad-url": r"is not an http\(s\) URL",
}


def assert_located(problems: list[dict[str, Any]], mutation: gen.Mutation) -> None:
    """At least one error names the mutated file, at a line and column inside it, and says what broke."""
    mine = [p for p in problems if p["file"] == f"releases/{mutation.file_name}" and p["severity"] == "error"]
    assert mine, f"no error names releases/{mutation.file_name} ({mutation.kind}): {problems}"
    lines = editor_lines(mutation.text)
    for problem in mine:
        assert 1 <= problem["line"] <= len(lines), (mutation.kind, problem)
        assert 1 <= problem["col"] <= len(lines[problem["line"] - 1]) + 1, (mutation.kind, problem)
    expected = re.compile(EXPECTED[mutation.kind])
    assert any(expected.search(p["message"]) for p in mine), (mutation.kind, [p["message"] for p in mine])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder shared by the examples (its records are rewritten for each one)."""
    return tmp_path_factory.mktemp("mutation")


@IN_PROCESS
@given(broken_histories())
def test_one_broken_thing_is_refused_and_located(workspace: Path, case: Case) -> None:
    """`releasebook validate` (in process) exits 1 and names the mutated file at a line inside it."""
    history, index, mutation = case
    project = write(workspace, history, index, mutation)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["validate", "--config", str(project.config)], out=out)
    output = out.getvalue()
    assert code == 1, (mutation.kind, output, err.getvalue())
    assert "Traceback" not in output + err.getvalue()
    assert "internal error" not in output
    assert_located(gen.parse_problems(output), mutation)


@SUBPROCESS
@given(broken_histories(), st.sampled_from(["text", "json"]))
def test_real_entry_point_refuses_and_locates(
    workspace: Path, case: Case, output_format: str
) -> None:
    """The same through the installed console script in a subprocess, in text and JSON output."""
    history, index, mutation = case
    project = write(workspace, history, index, mutation)
    script = Path(sys.executable).with_name("releasebook")
    command = [str(script), "validate", "--config", str(project.config), "--format", output_format]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 1, (mutation.kind, run.stdout, run.stderr)
    assert "Traceback" not in run.stdout + run.stderr
    problems = json.loads(run.stdout) if output_format == "json" else gen.parse_problems(run.stdout)
    assert_located(problems, mutation)


@pytest.mark.parametrize("kind", gen.MUTATION_KINDS)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_each_kind_of_mutation_is_refused(workspace: Path, kind: str, data: st.DataObject) -> None:
    """Every kind of break, on its own record, is refused and located: no kind goes untested by chance."""
    record = data.draw(gen.records())
    mutation = data.draw(gen.mutations(record, kind))
    project = write(workspace, [record], 0, mutation)
    out = io.StringIO()
    code = cli.main(["validate", "--config", str(project.config)], out=out)
    assert code == 1, (kind, out.getvalue())
    assert_located(gen.parse_problems(out.getvalue()), mutation)
