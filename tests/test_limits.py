"""Resource limits: max_file_bytes, max_depth and max_records are enforced on both sides of the boundary,
configurable through the plugin options in mkdocs.yml, checked for bad values, and cheap to hit: an 8 MB file
and an alias bomb are refused by a CLI subprocess whose address space is capped and whose peak memory is
measured. No timings are asserted here (speed lives in benchmarks/); subprocess timeouts are hang guards."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from releasebook import cli
from releasebook.load import Limits
from releasebook.settings import MAX_DEPTH_CEILING, ConfigError, Settings

from . import strategies as gen

BASE = "version: 1.0.0\ndate: 2026-01-05\ntype: minor\nstatus: planned\nsummary: Hello\n"
SCRIPT = Path(sys.executable).with_name("releasebook")
MiB = 1024 * 1024


def validate(project: gen.Project) -> tuple[int, str, str]:
    """`releasebook validate` in process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["validate", "--config", str(project.config)], out=out)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> gen.Project:
    """An empty project with the real policy and default options."""
    return gen.Project(tmp_path / "project")


def test_defaults_are_documented_values() -> None:
    """The defaults SECURITY.md and the plugin docs state."""
    assert (Limits().max_file_bytes, Limits().max_depth, Limits().max_records) == (MiB, 32, 20_000)
    assert Settings().limits == Limits()


# --- max_file_bytes -----------------------------------------------------------------------------------------


def test_file_at_the_size_cap_is_read_and_one_byte_more_is_refused(project: gen.Project) -> None:
    """Exactly max_file_bytes is fine; one more byte is refused before the file is read."""
    padding = MiB - len(BASE)
    project.write("1.0.0.yml", BASE + "#" * (padding - 1) + "\n")
    assert (project.releases / "1.0.0.yml").stat().st_size == MiB
    assert validate(project)[0] == 0
    project.write("1.0.0.yml", BASE + "#" * padding + "\n")
    code, out, _ = validate(project)
    assert code == 1
    assert "releases/1.0.0.yml:1:1: error: file is 1,048,577 bytes, over the 1,048,576-byte limit " \
           "(max_file_bytes)" in out


def test_max_file_bytes_is_a_plugin_option(project: gen.Project) -> None:
    """Lowered in mkdocs.yml, the same record is refused; raised, it is read."""
    project.write("1.0.0.yml", BASE)
    project.write_config({"max_file_bytes": len(BASE) - 1})
    code, out, _ = validate(project)
    assert code == 1 and f"over the {len(BASE) - 1:,}-byte limit (max_file_bytes)" in out
    project.write_config({"max_file_bytes": len(BASE)})
    assert validate(project)[0] == 0


# --- max_depth ----------------------------------------------------------------------------------------------

# The top-level mapping is level 1: x-a's mapping is 2, b's is 3, c's is 4.
FOUR_LEVELS = BASE + "x-a:\n  b:\n    c:\n      d: 1\n"


def test_max_depth_boundary_is_a_plugin_option(project: gen.Project) -> None:
    """max_depth 4 reads four levels; max_depth 3 refuses the fourth, at its position."""
    project.write("1.0.0.yml", FOUR_LEVELS)
    project.write_config({"max_depth": 4})
    assert validate(project)[0] == 0
    project.write_config({"max_depth": 3})
    code, out, _ = validate(project)
    assert code == 1
    assert "releases/1.0.0.yml:9:7: error: nesting deeper than 3 levels is not allowed (max_depth)" in out


def test_real_records_fit_well_within_the_default_depth(project: gen.Project) -> None:
    """The example records nest at most 4 levels (checklist items in object form), far below 32."""
    project.write_config({"max_depth": 4})
    for record in sorted((gen.REPO / "releases").rglob("*.yml")):
        project.write(record.relative_to(gen.REPO / "releases").as_posix(), record.read_bytes())
    code, out, _ = validate(project)
    assert code == 0, out


# --- max_records --------------------------------------------------------------------------------------------


def test_max_records_boundary_is_a_plugin_option(project: gen.Project) -> None:
    """Three records pass max_records 3; with max_records 2 nothing is checked and it says why."""
    for version, kind in (("1.0.0", "minor"), ("1.1.0", "minor"), ("1.1.1", "patch")):
        project.write(f"{version}.yml", BASE.replace("1.0.0", version).replace("minor", kind))
    project.write_config({"max_records": 3})
    assert validate(project)[0] == 0
    project.write_config({"max_records": 2})
    code, out, _ = validate(project)
    assert code == 1
    assert out.splitlines() == [
        "releases:1:1: error: more than 2 record files: over the limit (max_records); nothing was checked",
        "0 files, 1 error, 0 warnings"]


# --- option checking ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "expected"), [
    ({"max_depth": "deep"}, "'max_depth' must be a whole number from 1 to 100, got 'deep'"),
    ({"max_depth": 0}, "'max_depth' must be a whole number from 1 to 100, got 0"),
    ({"max_depth": MAX_DEPTH_CEILING + 1}, "'max_depth' must be a whole number from 1 to 100, got 101"),
    ({"max_file_bytes": -1}, "'max_file_bytes' must be a whole number of at least 1, got -1"),
    ({"max_file_bytes": 1.5}, "'max_file_bytes' must be a whole number of at least 1, got 1.5"),
    ({"max_records": True}, "'max_records' must be a whole number of at least 1, got True"),
    ({"enforce": "fatal"}, "'enforce' must be 'error' or 'warning', got 'fatal'"),
    ({"releases_dir": 5}, "'releases_dir' must be text, got 5"),
    ({"focus": "2.4.0"}, "'focus' must be a list of text, got '2.4.0'"),
])
def test_bad_option_values_are_a_usage_error(
    project: gen.Project, options: dict[str, Any], expected: str
) -> None:
    """Exit 2 with the option named, never a TypeError later."""
    project.write("1.0.0.yml", BASE)
    project.write_config(options)
    code, out, err = validate(project)
    assert (code, out) == (2, "")
    # The config file is named as the user would type it: here, outside the working folder, in full.
    assert err == f"releasebook: error: {project.config.as_posix()}: releasebook option {expected}\n"
    with pytest.raises(ConfigError):
        Settings().with_options(options)


# --- memory, measured in a capped subprocess ----------------------------------------------------------------

# The CLI starts at about 50 MB of address space; parsing 9 MB of small keys needs more than 500 MB.
ADDRESS_SPACE = 512 * MiB
# A wrapper process runs the CLI as its only child, so RUSAGE_CHILDREN sees nothing else this session ran.
MEASURE = textwrap.dedent("""
    import json, resource, subprocess, sys
    limit = int(sys.argv[1])
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    run = subprocess.run(sys.argv[2:], capture_output=True, text=True, preexec_fn=cap, timeout=60)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"code": run.returncode, "peak_kib": peak, "out": run.stdout, "err": run.stderr}))
""")


def measured(project: gen.Project, address_space: int = ADDRESS_SPACE) -> dict[str, Any]:
    """Run `releasebook validate` under RLIMIT_AS and return its exit code, output and peak RSS."""
    command = [sys.executable, "-c", MEASURE, str(address_space), str(SCRIPT), "validate", "--config",
               str(project.config)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)  # hang guard
    result: dict[str, Any] = json.loads(run.stdout)
    assert "Traceback" not in result["err"] and "MemoryError" not in result["err"], result["err"]
    return result


@pytest.fixture(scope="module")
def baseline_kib(tmp_path_factory: pytest.TempPathFactory) -> int:
    """Peak memory of the CLI checking one small valid record: what any run costs."""
    project = gen.Project(tmp_path_factory.mktemp("baseline"))
    project.write("1.0.0.yml", BASE)
    result = measured(project)
    assert result["code"] == 0, result
    peak: int = result["peak_kib"]
    return peak


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units and RLIMIT_AS as on Linux")
def test_eight_megabyte_file_is_refused_without_reading_it(project: gen.Project, baseline_kib: int) -> None:
    """8 MB of YAML would take ~400 MB to parse; refused by size, the run costs no more than the baseline."""
    project.write("1.0.0.yml", BASE)
    with (project.releases / "2.0.0.yml").open("w", encoding="utf-8") as big:
        big.write("version: 2.0.0\nsummary: " + "x" * (8 * 1000 * 1000) + "\n")
    result = measured(project)
    assert result["code"] == 1
    refusal = "releases/2.0.0.yml:1:1: error: file is 8,000,025 bytes, over the 1,048,576-byte limit"
    assert refusal in result["out"]
    assert result["peak_kib"] < baseline_kib + 20 * 1024, (result["peak_kib"], baseline_kib)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units and RLIMIT_AS as on Linux")
def test_alias_bomb_is_refused_without_expanding_it(project: gen.Project, baseline_kib: int) -> None:
    """Twelve levels of nine aliases (9**12 strings if expanded): refused at the anchors, baseline memory."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 13)]
    project.write("1.0.0.yml", BASE + "\n".join(lines) + "\n")
    result = measured(project)
    assert result["code"] == 1
    assert "releases/1.0.0.yml:6:5: error: anchor '&l0' is not allowed" in result["out"]
    assert result["peak_kib"] < baseline_kib + 20 * 1024, (result["peak_kib"], baseline_kib)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units and RLIMIT_AS as on Linux")
def test_worst_file_under_the_cap_stays_within_bounds(project: gen.Project) -> None:
    """Just under 1 MiB of unknown keys, each an error: 100 are listed, memory stays far below the cap."""
    keys = "".join(f"k{index}: 1\n" for index in range(90_000))
    project.write("1.0.0.yml", BASE + keys[: MiB - len(BASE) - 100])
    result = measured(project)
    assert result["code"] == 1
    assert "more problems in this file are not listed" in result["out"]
    assert len(result["out"].splitlines()) == 102  # 100 problems, the note, the summary
    assert result["peak_kib"] < 300 * 1024, result["peak_kib"]


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS as on Linux")
def test_running_out_of_memory_is_a_located_problem(project: gen.Project) -> None:
    """With max_file_bytes raised too far for the memory at hand, the record is refused, not a traceback."""
    project.write_config({"max_file_bytes": 16 * MiB})
    project.write("1.0.0.yml", BASE + "x-k:\n" + "".join(f"  k{index}: 1\n" for index in range(250_000)))
    result = measured(project, address_space=128 * MiB)
    assert result["code"] == 1
    assert "releases/1.0.0.yml:1:1: error: ran out of memory reading this file" in result["out"]
