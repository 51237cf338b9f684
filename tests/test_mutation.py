"""Mutation tests: a valid history with exactly one thing broken in one record is refused by the real
`releasebook validate` with exit 1, a message naming the broken file at a line inside it, and no traceback."""

from __future__ import annotations

import contextlib
import io
import json
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


def lines_in(text: str) -> int:
    """Lines as an editor counts them (a final newline does not start another line)."""
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def write(root: Path, history: Records, index: int, mutation: gen.Mutation) -> gen.Project:
    """The history with record `index` replaced by its mutation."""
    project = gen.Project(root)
    project.clear()
    for position, record in enumerate(history):
        if position != index:
            project.write(f"{record['version']}.yml", gen.dump(record))
    project.write(mutation.file_name, mutation.text)
    return project


def assert_located(problems: list[dict[str, Any]], mutation: gen.Mutation) -> None:
    """At least one error names the mutated file, at a line and column inside it."""
    mine = [p for p in problems if p["file"] == f"releases/{mutation.file_name}" and p["severity"] == "error"]
    assert mine, f"no error names releases/{mutation.file_name} ({mutation.kind}): {problems}"
    for problem in mine:
        assert 1 <= problem["line"] <= lines_in(mutation.text), (mutation.kind, problem)
        assert problem["col"] >= 1, (mutation.kind, problem)


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
