"""Hostile input from issue 6, each refused with a located message or loaded correctly: never a crash,
a hang or a lost record. Most cases run the real `releasebook validate` in process; the ones that could hang
or depend on the interpreter's hash seed run it as a subprocess with a timeout."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import importlib.util
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import semver
from releasebook import cli
from releasebook.model import Release
from releasebook.rules import identity, version_identity

from . import strategies as gen

BASE = "version: 1.0.0\ndate: 2026-01-05\ntype: minor\nstatus: planned\nsummary: Hello\n"
SCRIPT = Path(sys.executable).with_name("releasebook")


@pytest.fixture
def project(tmp_path: Path) -> gen.Project:
    """An empty project with the real policy."""
    return gen.Project(tmp_path / "project")


def validate(project: gen.Project, *paths: str) -> tuple[int, str, list[dict[str, Any]]]:
    """`releasebook validate` in process: exit code, output, parsed problems (a traceback fails the test)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["validate", "--config", str(project.config), *paths], out=out)
    return code, out.getvalue() + err.getvalue(), gen.parse_problems(out.getvalue())


def only_file(problems: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """Problems of one record file."""
    return [p for p in problems if p["file"] == f"releases/{name}"]


def refused(project: gen.Project, name: str, content: str | bytes) -> list[dict[str, Any]]:
    """Write one record, check it is refused (exit 1) with every problem inside the file; its problems."""
    project.write(name, content)
    code, output, problems = validate(project)
    assert code == 1, output
    mine = only_file(problems, name)
    assert mine, output
    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    for problem in mine:
        assert 1 <= problem["line"] <= text.count("\n") + 1 and problem["col"] >= 1, problem
    return mine


def messages(problems: list[dict[str, Any]]) -> str:
    """All messages, one per line, for `in` checks."""
    return "\n".join(p["message"] for p in problems)


# --- YAML hazards -------------------------------------------------------------------------------------------


def test_alias_bomb_is_refused_at_the_first_anchor(project: gen.Project) -> None:
    """A billion-laughs file is refused from the anchor and alias events, never expanded."""
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 12)]  # 9 ** 12 strings
    problems = refused(project, "1.0.0.yml", BASE + "\n".join(lines) + "\n")
    first = "anchor '&l0' is not allowed: write the value out in full"
    assert (problems[0]["line"], problems[0]["message"]) == (6, first)
    assert len(problems) <= 101  # at most 100 per file and a note that more exist
    assert "more problems in this file are not listed" in problems[-1]["message"]


@pytest.mark.parametrize(("text", "line", "col"), [
    ("<<: {summary: Merged}\n", 6, 1),
    ("rollback:\n  <<: {plan: Merged}\n", 7, 3),
])
def test_merge_keys_are_refused(project: gen.Project, text: str, line: int, col: int) -> None:
    """`<<` is never merged: it is refused where it is written."""
    problems = refused(project, "1.0.0.yml", BASE + text)
    merges = [p for p in problems if p["message"].startswith("merge keys ('<<') are not allowed")]
    assert [(p["line"], p["col"]) for p in merges] == [(line, col)], problems


@pytest.mark.parametrize("deep", [
    "x-deep: " + "[" * 1500 + "]" * 1500 + "\n",
    "x-deep: " + "{a: " * 1200 + "1" + "}" * 1200 + "\n",
    "x-deep:\n  " + "- " * 1500 + "x\n",
    "x-deep:\n" + "".join(" " * (level + 1) + f"k{level}:\n" for level in range(1100)),
])
def test_deep_nesting_is_refused_with_its_position(project: gen.Project, deep: str) -> None:
    """1,000+ levels in flow or block style: a located refusal that names max_depth, no RecursionError."""
    problems = refused(project, "1.0.0.yml", BASE + deep)
    assert "max_depth" in messages(problems)
    assert problems[0]["line"] >= 6


def test_nesting_past_max_depth_but_within_yaml_is_refused_at_the_node(project: gen.Project) -> None:
    """40 levels is valid YAML, but deeper than the default max_depth of 32."""
    problems = refused(project, "1.0.0.yml", BASE + "x-deep: " + "[" * 40 + "]" * 40 + "\n")
    # The top-level mapping is level 1, so the 32nd bracket (column 9 + 31) opens level 33.
    assert problems == [{"file": "releases/1.0.0.yml", "line": 6, "col": 40, "severity": "error",
                         "message": "nesting deeper than 32 levels is not allowed (max_depth)"}]


# --- Unicode and bytes --------------------------------------------------------------------------------------


def test_unicode_line_breaks_in_quoted_values_load_and_keep_later_lines_right(project: gen.Project) -> None:
    """U+2028, U+2029 and NEL inside a quoted value: the record loads, and a later error is on its real line
    (libyaml counts those characters as line breaks; editors and releasebook do not)."""
    record = BASE.replace("summary: Hello", 'summary: "one\u2028two\u2029three\x85four"')
    project.write("1.0.0.yml", record)
    code, output, _ = validate(project)
    assert code == 0, output
    problems = refused(project, "1.0.0.yml", record + "colour: red\n")
    assert [(p["line"], p["col"]) for p in problems] == [(6, 1)]


def test_unicode_line_break_in_a_plain_value_gets_a_located_hint(project: gen.Project) -> None:
    """A plain value broken by U+2028 is a syntax error, reported at the character and explained."""
    problems = refused(project, "1.0.0.yml", BASE.replace("summary: Hello", "summary: Hel\u2028lo"))
    assert [(p["line"], p["col"], p["message"]) for p in problems] == [
        (5, 13, "YAML syntax error: character U+2028 is a line break to YAML but not to editors; "
                "remove it or put the value in quotes")]


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ud83d\\ude00"])
def test_lone_surrogate_escapes_are_refused(project: gen.Project, escape: str) -> None:
    """`"\\ud800"` would crash later when written out; it is refused on its line."""
    problems = refused(project, "1.0.0.yml", BASE.replace("summary: Hello", f'summary: "{escape}"'))
    assert problems[0]["line"] == 5


def test_surrogate_bytes_are_not_utf8(project: gen.Project) -> None:
    """CESU-style surrogate bytes are invalid UTF-8, reported on their line."""
    problems = refused(project, "1.0.0.yml", BASE.encode().replace(b"Hello", b"He\xed\xa0\x80llo"))
    assert (problems[0]["line"], problems[0]["col"]) == (5, 12)
    assert "not valid UTF-8" in problems[0]["message"]


def test_nul_byte_is_located_by_character_not_byte(project: gen.Project) -> None:
    """A NUL after multi-byte characters: libyaml reports a byte offset; the column is in characters."""
    problems = refused(project, "1.0.0.yml", BASE.encode().replace(b"Hello", "éé😀".encode() + b"\x00x"))
    assert [(p["line"], p["col"], p["message"]) for p in problems] == [
        (5, 13, "character '\\x00' (U+0000) is not allowed in YAML: control characters are not allowed")]


@pytest.mark.parametrize("escape", ["\\0", "\\x02", "\\x1b", "\\x7f", "\\u009b", "\\uffff"])
def test_control_characters_written_as_escapes_are_refused(project: gen.Project, escape: str) -> None:
    """Escapes YAML accepts but the output must never see (Python-Markdown uses \\x02 and \\x03 itself)."""
    problems = refused(project, "1.0.0.yml", BASE.replace("summary: Hello", f'summary: "a{escape}b"'))
    assert [(p["line"], p["col"]) for p in problems] == [(5, 10)]
    assert "control character or non-character" in problems[0]["message"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_are_refused(project: gen.Project, encoding: str) -> None:
    """With and without a byte-order mark."""
    problems = refused(project, "1.0.0.yml", BASE.encode(encoding))
    assert [(p["line"], p["col"], p["message"]) for p in problems] == [
        (1, 1, "file is UTF-16 or UTF-32 encoded; save it as UTF-8")]


def test_utf8_bom_is_accepted(project: gen.Project) -> None:
    """A UTF-8 byte-order mark is harmless."""
    project.write("1.0.0.yml", b"\xef\xbb\xbf" + BASE.encode())
    assert validate(project)[0] == 0


def test_git_conflict_markers_are_refused_at_the_marker(project: gen.Project) -> None:
    """An unfinished merge is not half-read."""
    text = BASE + "<<<<<<< HEAD\nname: Ours\n=======\nname: Theirs\n>>>>>>> branch\n"
    problems = refused(project, "1.0.0.yml", text)
    assert [(p["line"], p["message"]) for p in problems] == [
        (6, "unresolved Git conflict marker '<<<<<<<': finish the merge")]


# --- YAML 1.1 typing ----------------------------------------------------------------------------------------


def test_on_and_no_keys_stay_text(project: gen.Project) -> None:
    """`on:` and `no:` are not booleans: they are unknown keys, named as written."""
    problems = refused(project, "1.0.0.yml", BASE + "on: 1\nno: 2\n")
    assert [(p["line"], p["message"].split(" (")[0]) for p in problems] == [
        (6, "unknown key 'on'"), (7, "unknown key 'no'")]


def test_octal_and_sexagesimal_scalars_stay_text_and_are_named(project: gen.Project) -> None:
    """`0755` and `1:20` are not 493 and 80: where a number is required they are a type error quoting them."""
    text = BASE.replace("planned", "in-progress") + "verification:\n  error_rate_percent: 0755\n" \
                                                    "  estimated_fix_hours: 1:20\n"
    problems = refused(project, "1.0.0.yml", text)
    assert [(p["line"], p["message"].split(";")[0]) for p in problems] == [
        (7, "expected a number, got text '0755'"), (8, "expected a number, got text '1:20'")]


# --- names and versions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["CON.yml", "aux.yaml", "nul.yml", "COM1.yml", "LPT1.yaml", "PRN.YML"])
def test_windows_reserved_names_are_a_stem_mismatch(project: gen.Project, name: str) -> None:
    """Device names are ordinary files here: the version does not match the stem, and it says so."""
    problems = refused(project, name, BASE)
    stem, suffix = name.rsplit(".", 1)
    assert [p["message"] for p in problems] == [
        f"version '1.0.0' does not match the file name '{stem}': rename the file to '1.0.0.{suffix}' or fix "
        "the version"]


def test_upper_case_suffix_is_still_a_record(project: gen.Project) -> None:
    """`1.0.0.YML` is read, not silently left out."""
    project.write("1.0.0.YML", BASE)
    code, output, _ = validate(project)
    assert (code, output.strip().splitlines()[-1]) == (0, "1 file, 0 errors, 0 warnings")


def test_300_character_version_is_refused_and_never_a_path(project: gen.Project) -> None:
    """A huge version is refused by length, echoed clipped, and no file or folder is named after it."""
    version = "1.0.0-" + "a" * 300
    problems = refused(project, "1.0.0.yml", BASE.replace("version: 1.0.0", f"version: {version}"))
    assert "'version' is 306 characters long, over the limit of 128" in messages(problems)
    assert all(len(p["message"]) < 300 for p in problems)
    assert not any(version in path.name for path in project.root.rglob("*"))


def test_non_ascii_versions_are_not_semver(project: gen.Project) -> None:
    """Versions are ASCII by the schema, so Unicode normalisation cannot make two different-looking files
    one release without case folding catching it (next test)."""
    for version in ("1.0.0-ｒｃ.1", "1.0.0-re\u0301", "１.0.0"):
        project.clear()
        problems = refused(project, "1.0.0.yml", BASE.replace("version: 1.0.0", f"version: {version}"))
        assert "is not a SemVer 2.0.0 version" in messages(problems)


@pytest.mark.parametrize(("first", "second"), [("1.0.0-rc.1", "1.0.0-RC.1"),
                                               ("1.0.0+build.1", "1.0.0+build.2")])
def test_versions_equal_after_case_folding_or_build_metadata_are_duplicates(
    project: gen.Project, first: str, second: str
) -> None:
    """Both files are named, each pointing at the other."""
    for version in (first, second):
        project.write(f"{version}.yml", BASE.replace("version: 1.0.0", f"version: {version}"))
    code, output, problems = validate(project)
    assert code == 1, output
    for this, other in ((first, second), (second, first)):
        mine = messages(only_file(problems, f"{this}.yml"))
        assert "duplicates" in mine and f"releases/{other}.yml" in mine, output


@pytest.mark.parametrize(("first", "second"), [
    ("1.0.0-r\u00e9", "1.0.0-re\u0301"),  # NFC and NFD of the same text
    ("1.0.0-\u212a", "1.0.0-k"),  # KELVIN SIGN case-folds to k
    ("1.0.0-\ufb01x", "1.0.0-fix"),  # the fi ligature case-folds to fi
])
def test_versions_equal_after_nfc_and_case_folding_never_both_pass(
    project: gen.Project, first: str, second: str
) -> None:
    """Non-ASCII lookalikes are no SemVer, so one of the pair is always refused, naming its own file."""
    for version in (first, second):
        project.write(f"{version}.yml", BASE.replace("version: 1.0.0", f"version: {version}"))
    code, output, problems = validate(project)
    assert code == 1, output
    assert any(p["file"] == f"releases/{first}.yml" and "is not a SemVer 2.0.0 version" in p["message"]
               for p in problems), output


def test_identity_is_nfc_and_case_folded() -> None:
    """The duplicate key folds case and Unicode form (defence in depth: versions are ASCII by the schema)."""
    assert version_identity("1.0.0-RC.1") == version_identity("1.0.0-rc.1")
    assert version_identity("1.0.0-rc.1+b") == version_identity("1.0.0-rc.1")
    assert version_identity("1.0.0-rc.1") != version_identity("1.0.0-rc.2")
    assert version_identity("1.0.0-r\u00e9") is None  # not SemVer: refused on its own, never keyed

    def release(prerelease: str) -> Release:  # built directly: no record could carry these versions
        version = semver.Version(1, 0, 0, prerelease=prerelease)
        return Release(str(version), version, dt.date(2026, 1, 5), "minor", "planned", "Hello", "x.yml")

    forms = {identity(release(text)) for text in ("r\u00e9", "re\u0301", "R\u00c9", "RE\u0301")}
    assert len(forms) == 1
    assert identity(release("re")) not in forms


# --- files that are not plain files -------------------------------------------------------------------------


def test_folder_named_like_a_record_is_walked_not_read(project: gen.Project) -> None:
    """`releases/2.0.0.yml/` is a folder: the records inside count, the folder itself is no record."""
    (project.releases / "2.0.0.yml").mkdir()
    project.write("2.0.0.yml/1.0.0.yml", BASE)
    code, output, _ = validate(project)
    assert (code, output.strip().splitlines()[-1]) == (0, "1 file, 0 errors, 0 warnings")
    code, output, _ = validate(project, str(project.releases / "2.0.0.yml"))
    assert code == 0, output


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_reported(project: gen.Project) -> None:
    """chmod 000: a located 'cannot read' problem."""
    path = project.write("1.0.0.yml", BASE)
    path.chmod(0)
    try:
        problems = refused(project, "1.0.0.yml", BASE)
    finally:
        path.chmod(0o644)
    assert "cannot read file" in messages(problems)


def test_symlink_loop_is_a_problem_not_a_traceback(project: gen.Project) -> None:
    """a.yml -> b.yml -> a.yml and self.yml -> self.yml."""
    (project.releases / "a.yml").symlink_to("b.yml")
    (project.releases / "b.yml").symlink_to("a.yml")
    (project.releases / "self.yml").symlink_to("self.yml")
    project.write("1.0.0.yml", BASE)
    code, output, problems = validate(project)
    assert code == 1, output
    assert sorted(p["file"] for p in problems) == ["releases/a.yml", "releases/b.yml", "releases/self.yml"]
    assert all(p["message"].startswith("cannot read file") for p in problems)


def test_render_out_into_a_symlink_loop_is_an_error_not_a_traceback(project: gen.Project) -> None:
    """`render --out` where the output folder holds releases -> loop -> releases: exit 1, named."""
    project.write("1.0.0.yml", BASE)
    out_dir = project.root / "rendered"
    out_dir.mkdir()
    (out_dir / "releases").symlink_to("loop")
    (out_dir / "loop").symlink_to("releases")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["render", "--config", str(project.config), "--out", str(out_dir)], out=out)
    assert code == 1, err.getvalue()
    assert "releasebook: error: cannot write to" in err.getvalue()
    assert "Too many levels of symbolic links" in err.getvalue()


def test_symlink_to_a_file_outside_the_project_is_never_read(project: gen.Project, tmp_path: Path) -> None:
    """A pull request cannot publish /etc/passwd or a CI secret through a symlinked record."""
    secret = tmp_path / "secret.yml"
    secret.write_text("version: 1.0.0\nsummary: TOKEN-123\n", encoding="utf-8")
    (project.releases / "1.0.0.yml").symlink_to(secret)
    code, output, problems = validate(project)
    assert code == 1
    assert "TOKEN-123" not in output
    assert [p["message"] for p in problems] == [
        "record is a symlink to a file outside the project; records must be files inside the repository"]


def test_symlink_inside_the_project_is_read_under_its_own_name(project: gen.Project) -> None:
    """A link to another record is checked as written (so its stem mismatch names the link)."""
    project.write("1.0.0.yml", BASE)
    (project.releases / "link.yml").symlink_to("1.0.0.yml")
    code, _, problems = validate(project)
    assert code == 1
    assert any(p["file"] == "releases/link.yml" and "does not match the file name 'link'" in p["message"]
               for p in problems)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_device_records_do_not_hang(project: gen.Project) -> None:
    """A FIFO would block a reader forever and /dev/zero never ends: both are refused unread."""
    os.mkfifo(project.releases / "fifo.yml")
    (project.releases / "zero.yml").symlink_to("/dev/zero")  # outside the project, and not a regular file
    # The timeout is a hang guard, not a timing assertion.
    run = subprocess.run([str(SCRIPT), "validate", "--config", str(project.config)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "releases/fifo.yml:1:1: error: cannot read file: it is not a regular file" in run.stdout
    assert "releases/zero.yml:1:1: error: record is a symlink to a file outside the project" in run.stdout


# --- output -------------------------------------------------------------------------------------------------


def test_values_cannot_forge_output_lines(project: gen.Project) -> None:
    """A key with a line break and a GitHub workflow command stays inside its own problem line."""
    problems = refused(project, "1.0.0.yml", BASE + '"x\\n::error file=a::forged\\u2028": 1\n')
    _, output, _ = validate(project)
    assert len(problems) == 1
    assert not any(line.startswith("::") for line in output.splitlines())
    assert "x\\n::error file=a::forged\\u2028" in problems[0]["message"]


def test_error_output_is_identical_and_sorted_across_hash_seeds(project: gen.Project) -> None:
    """Two subprocess runs with different PYTHONHASHSEED print the same bytes, sorted by file and position."""
    project.write("1.0.0.yml", BASE + "on: 1\ncolour: red\nfeatures: [{title: x}]\n")
    project.write("2.0.0.yml", BASE.replace("minor", "hotfix") + "summary: again\n")
    project.write("3.0.0.yml", "a: &x 1\nb: *x\n")
    project.write("sub/4.0.0.yml", BASE.replace("2026-01-05", "2026-02-30"))
    project.write("1.0.0-rc.1.yml", BASE.replace("1.0.0", "1.0.0-RC.1"))
    outputs = []
    for seed in ("1", "2", "random"):
        for output_format in ("text", "json"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            command = [str(SCRIPT), "validate", "--config", str(project.config), "--format", output_format]
            run = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, env=env)
            assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
            outputs.append((output_format, run.stdout))
    texts = [out for kind, out in outputs if kind == "text"]
    assert texts[0] == texts[1] == texts[2]
    assert [out for kind, out in outputs if kind == "json"].count(outputs[1][1]) == 3
    problems = gen.parse_problems(texts[0])
    keys = [(p["file"], p["line"], p["col"]) for p in problems]
    assert keys == sorted(keys) and len({p["file"] for p in problems}) == 5


# --- schemas ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_schema_refs_are_never_fetched(project: gen.Project, tmp_path: Path, scheme: str) -> None:
    """A `$ref` to a URL or a local file is a configuration error; neither engine fetches or reads it."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"type": "string"}')

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        secret = tmp_path / "secret.json"
        secret.write_text('{"type": "string"}', encoding="utf-8")
        port = server.server_address[1]
        url = f"http://127.0.0.1:{port}/name.json" if scheme == "http" else secret.as_uri()
        schema = json.loads((gen.REPO / "schemas" / "release.schema.json").read_text(encoding="utf-8"))
        schema["properties"]["name"] = {"$ref": url}
        (project.root / "schemas").mkdir()
        (project.root / "schemas" / "release.schema.json").write_text(json.dumps(schema), encoding="utf-8")
        project.write("1.0.0.yml", BASE + "name: Hello\n")
        code, output, _ = validate(project)
    finally:
        server.shutdown()
    assert code == 2, output
    assert "not a readable JSON schema" in output and url in output
    assert requests == []


# --- the fuzz target, on known-hostile input ----------------------------------------------------------------


def test_fuzz_target_holds_on_seeds_and_hostile_bytes() -> None:
    """The fuzz harness's checks pass on the seed corpus and on inputs like the above (keeps it working)."""
    spec = importlib.util.spec_from_file_location("fuzz_load", Path(__file__).parent / "fuzz/fuzz_load.py")
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    target = fuzz.Target()
    try:
        inputs = [p.read_bytes() for p in sorted((gen.REPO / "releases").rglob("*.yml"))]
        inputs += [b"", b"\x00", b"\xff\xfe", b"- a\n", b"a: &x 1\nb: *x\n", b"[" * 5000,
                   b"version: 1.0.0\n\t- x", BASE.encode("utf-16"), (BASE + "<<: {a: 1}\n").encode(),
                   b"version: 1.0.0\nx: \"\\ud800\"\n", BASE.replace("Hello", "a\u2028b").encode(),
                   b"version: 1.0.0\n" + b"k: v\n" * 10_000]
        for data in inputs:
            target.check(data)
    finally:
        target.close()
