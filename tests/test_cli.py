"""`releasebook validate`: output formats, exit codes, PATH arguments and settings from mkdocs.yml.

Most runs call `releasebook.cli.main` in-process; a representative subset (every exit code, every format) runs
the real entry point as a subprocess.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from releasebook.cli import github_annotation
from releasebook.problems import Problem

from .helpers import REPO, CliRunner, ProjectFactory, record

ANNOTATION = re.compile(
    r"^::(?P<severity>error|warning) file=(?P<file>[^,]*),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=(?P<title>[^:]*)::(?P<message>.*)$"
)
JSON_KEYS = {"file", "line", "col", "path", "severity", "rule", "message"}


@pytest.fixture
def broken(make_project: ProjectFactory) -> Path:
    """A project with one clean record and two with problems, one of them a cross-file duplicate."""
    return make_project(
        {
            "1.0.0.yml": record("1.0.0"),
            "2.0.0.yml": record("2.0.0", "typo: 1\n"),
            "sub/2.0.0+build.1.yml": record("2.0.0+build.1", type="major"),
            "3.0.0.yml": record("3.0.0", "documentation:\n  - title: Guide\n    url: javascript:alert(1)\n"),
        }
    )


DUPLICATE = (
    "releases/2.0.0.yml:1:10: error: version '2.0.0' duplicates '2.0.0+build.1' in "
    "releases/sub/2.0.0+build.1.yml: build metadata and letter case do not make a different release "
    "[duplicates]"
)
TYPO = (
    "releases/2.0.0.yml:6:1: error: unknown key 'typo' (did you mean 'type'?); team extensions need an 'x-' "
    "prefix"
)
URL = (
    "releases/3.0.0.yml:8:10: error: 'javascript:alert(1)' is not an http(s) URL: only http:// and https:// "
    "links are allowed"
)
DUPLICATE_OTHER = (
    "releases/sub/2.0.0+build.1.yml:1:10: error: version '2.0.0+build.1' duplicates '2.0.0' in "
    "releases/2.0.0.yml: build metadata and letter case do not make a different release "
    "[duplicates]"
)
TEXT_BROKEN = "\n".join([DUPLICATE, TYPO, URL, DUPLICATE_OTHER, "4 files, 4 errors, 0 warnings", ""])


# --- formats ------------------------------------------------------------------------------------------------


def test_text_is_the_default_format(broken: Path, cli: CliRunner) -> None:
    assert cli(["validate"], cwd=broken) == (1, TEXT_BROKEN, "")
    assert cli(["validate", "--format", "text"], cwd=broken) == (1, TEXT_BROKEN, "")


def test_github_format(broken: Path, cli: CliRunner) -> None:
    code, out, err = cli(["validate", "--format", "github"], cwd=broken)
    assert (code, err) == (1, "")
    lines = out.split("\n")
    annotations = [ANNOTATION.match(line) for line in lines[:4]]
    assert lines[4:] == TEXT_BROKEN.split("\n"), "the plain lines follow the annotations"
    duplicate, typo, url, _ = annotations
    assert duplicate and typo and url and all(annotations)
    assert typo.groupdict() == {
        "severity": "error",
        "file": "releases/2.0.0.yml",
        "line": "6",
        "col": "1",
        "title": "releasebook",
        "message": "unknown key 'typo' (did you mean 'type'?); team extensions need an 'x-' prefix",
    }
    assert (duplicate["line"], duplicate["col"], duplicate["title"]) == ("1", "10", "releasebook duplicates")
    assert (url["file"], url["line"], url["col"]) == ("releases/3.0.0.yml", "8", "10")
    assert url["message"].startswith("'javascript:alert(1)' is not an http(s) URL")


def test_github_format_escapes_data_and_properties(make_project: ProjectFactory, cli: CliRunner) -> None:
    # A folder name with ',' and ':' and a key with '%', ',', ':' and a line break reach the annotation.
    root = make_project({"a,b:c/1.0.0.yml": record(extra='"50%, a:b\\r\\nnext": 1\n')})
    code, out, _ = cli(["validate", "--format", "github"], cwd=root)
    assert code == 1
    annotation = out.split("\n")[0]
    assert annotation.startswith("::error file=releases/a%2Cb%3Ac/1.0.0.yml,line=6,col=1,title=releasebook::")
    message = annotation.split("::", 2)[2]
    assert message.startswith("unknown key '50%25, a:b%0D%0Anext'")
    assert "\r" not in out.split("\n")[0]


def test_github_annotation_escaping_rules() -> None:
    problem = Problem("dir:a,b/50%.yml", 3, 7, "x", "50% done\r\nnext: a, b", rule="odd:rule,name")
    assert github_annotation(problem) == (
        "::error file=dir%3Aa%2Cb/50%25.yml,line=3,col=7,title=releasebook odd%3Arule%2Cname"
        "::50%25 done%0D%0Anext: a, b"
    )
    warning = Problem("a.yml", 1, 1, "", "plain", severity="warning")
    assert github_annotation(warning) == "::warning file=a.yml,line=1,col=1,title=releasebook::plain"


def test_text_format_keeps_one_problem_per_line(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"1.0.0.yml": record(extra='"two\\nlines": 1\n')})
    _, out, _ = cli(["validate"], cwd=root)
    lines = out.split("\n")
    assert lines[0].startswith("releases/1.0.0.yml:6:1: error: unknown key 'two\\nlines'")
    assert lines[1:] == ["1 file, 1 error, 0 warnings", ""]


def test_json_format(broken: Path, cli: CliRunner) -> None:
    code, out, err = cli(["validate", "--format", "json"], cwd=broken)
    assert (code, err) == (1, "")
    problems = json.loads(out)
    assert isinstance(problems, list) and len(problems) == 4
    assert all(set(p) == JSON_KEYS for p in problems)
    assert problems[1] == {
        "file": "releases/2.0.0.yml",
        "line": 6,
        "col": 1,
        "path": "typo",
        "severity": "error",
        "rule": None,
        "message": "unknown key 'typo' (did you mean 'type'?); team extensions need an 'x-' prefix",
    }
    assert [(p["path"], p["rule"]) for p in problems] == [
        ("version", "duplicates"),
        ("typo", None),
        ("documentation[0].url", None),
        ("version", "duplicates"),
    ]


def test_json_format_names_the_rule(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"2.0.0.yml": record("2.0.0"), "2.0.0+b.yml": record("2.0.0+b")})
    code, out, _ = cli(["validate", "--format", "json"], cwd=root)
    problems = json.loads(out)
    assert code == 1
    assert [(p["file"], p["rule"], p["path"]) for p in problems] == [
        ("releases/2.0.0+b.yml", "duplicates", "version"),
        ("releases/2.0.0.yml", "duplicates", "version"),
    ]


def test_json_format_when_clean(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"1.0.0.yml": record()})
    code, out, _ = cli(["validate", "--format", "json"], cwd=root)
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_every_format_through_the_real_entry_point(
    fmt: str, broken: Path, run_cli: CliRunner, cli: CliRunner
) -> None:
    code, out, err = run_cli(["validate", "--format", fmt], cwd=broken)
    assert (code, err) == (1, "")
    assert (code, out, err) == cli(["validate", "--format", fmt], cwd=broken)


# --- exit codes ---------------------------------------------------------------------------------------------


def test_exit_0_when_clean(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"1.0.0.yml": record()})
    assert cli(["validate"], cwd=root) == (0, "1 file, 0 errors, 0 warnings\n", "")


def test_exit_0_for_an_empty_releases_folder(make_project: ProjectFactory, cli: CliRunner) -> None:
    assert cli(["validate"], cwd=make_project()) == (0, "0 files, 0 errors, 0 warnings\n", "")


USAGE_ERRORS = {
    "unknown option": (["validate", "--bogus"], "unrecognized arguments: --bogus"),
    "unknown format": (["validate", "--format", "xml"], "invalid choice: 'xml'"),
    "no command": ([], "the following arguments are required: COMMAND"),
    "unknown command": (["publish"], "invalid choice: 'publish'"),
    "nonexistent PATH": (["validate", "releases/9.9.9.yml"], "no such file or folder: releases/9.9.9.yml"),
    "missing policy file": (["validate", "--policy", "nope.yml"], "policy file not found: nope.yml"),
    "missing releases folder": (["validate", "--releases-dir", "nope"], "releases folder not found: nope"),
    "missing config file": (["validate", "--config", "nope.yml"], "config file not found: nope.yml"),
}


@pytest.mark.parametrize("args, message", list(USAGE_ERRORS.values()), ids=list(USAGE_ERRORS))
def test_exit_2_for_usage_problems(
    args: list[str], message: str, make_project: ProjectFactory, cli: CliRunner
) -> None:
    root = make_project({"1.0.0.yml": record()})
    code, out, err = cli(args, cwd=root)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert "error" not in out


@pytest.mark.parametrize(
    "args", [["validate", "--bogus"], ["validate", "releases/9.9.9.yml"]], ids=["option", "PATH"]
)
def test_exit_2_through_the_real_entry_point(
    args: list[str], make_project: ProjectFactory, run_cli: CliRunner
) -> None:
    root = make_project({"1.0.0.yml": record()})
    code, out, err = run_cli(args, cwd=root)
    assert (code, out) == (2, "")
    assert "releasebook: error:" in err
    assert "Traceback" not in err


def test_exit_2_for_an_invalid_policy(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"1.0.0.yml": record()})
    policy = root / "policy.yml"
    text = policy.read_text(encoding="utf-8").replace(
        "postmortem_hours: 48", "postmortem_hours: -1\npostmortm: 1"
    )
    policy.write_text(text, encoding="utf-8")
    line = text.split("\n").index("postmortem_hours: -1") + 1
    expected = (
        f"policy.yml:{line}:19: error: -1 is out of range: it must be greater than 0\n"
        f"policy.yml:{line + 1}:1: error: unknown key 'postmortm' (did you mean 'postmortem_hours'?)"
    )
    code, out, err = cli(["validate"], cwd=root)
    assert code == 2
    assert out.startswith(expected)
    assert "Traceback" not in err


def test_exit_2_for_a_policy_that_is_not_yaml(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"1.0.0.yml": record()})
    (root / "policy.yml").write_text("format: 1\n\tbad: tab\n", encoding="utf-8")
    code, out, _ = cli(["validate"], cwd=root)
    assert code == 2
    assert out.startswith("policy.yml:2:1: error: YAML syntax error: tab characters cannot indent YAML")


def test_exit_2_for_a_policy_with_a_duplicate_item_id(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"1.0.0.yml": record()})
    policy = root / "policy.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("- id: backup", "- id: monitoring"), "utf-8")
    code, out, _ = cli(["validate"], cwd=root)
    assert code == 2
    assert "error: checklist item id 'monitoring' is already used at pre_release[9]" in out


def test_exit_2_for_a_broken_schema_file(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"1.0.0.yml": record()})
    (root / "schemas" / "release.schema.json").write_text('{"type": "objekt"}', encoding="utf-8")
    code, out, err = cli(["validate"], cwd=root)
    assert (code, out) == (2, "")
    assert err.startswith("releasebook: error: schemas/release.schema.json: not a valid Draft 2020-12 schema")


def test_help_and_version_exit_0(cli: CliRunner, tmp_path: Path) -> None:
    code, out, _ = cli(["--version"], cwd=tmp_path)
    assert (code, out) == (0, "releasebook 0.1.0\n")
    code, out, _ = cli(["validate", "--help"], cwd=tmp_path)
    assert code == 0
    assert "Exit status: 0 clean, 1 errors, 2 usage or configuration problems." in " ".join(out.split())


# --- validate PATH ------------------------------------------------------------------------------------------


def test_path_reports_only_that_file_but_rules_see_the_history(broken: Path, cli: CliRunner) -> None:
    # sub/2.0.0+build.1.yml is only wrong next to 2.0.0.yml, which is not named on the command line.
    code, out, _ = cli(["validate", "releases/sub/2.0.0+build.1.yml"], cwd=broken)
    assert (code, out) == (1, DUPLICATE_OTHER + "\n1 file, 1 error, 0 warnings\n")
    code, out, _ = cli(["validate", "releases/2.0.0.yml"], cwd=broken)
    assert (code, out) == (1, "\n".join([DUPLICATE, TYPO, "1 file, 2 errors, 0 warnings", ""]))
    assert cli(["validate", "releases/1.0.0.yml"], cwd=broken) == (0, "1 file, 0 errors, 0 warnings\n", "")


def test_path_accepts_folders_and_several_paths(broken: Path, cli: CliRunner) -> None:
    code, out, _ = cli(["validate", "releases/sub", "releases/3.0.0.yml"], cwd=broken)
    assert (code, out) == (1, "\n".join([URL, DUPLICATE_OTHER, "2 files, 2 errors, 0 warnings", ""]))


def test_path_outside_the_releases_folder_is_checked_alone(
    broken: Path, tmp_path: Path, cli: CliRunner
) -> None:
    outside = tmp_path / "elsewhere" / "2.0.0.yml"
    outside.parent.mkdir()
    outside.write_text(record("2.0.0", "typo: 1\n"), encoding="utf-8")
    code, out, _ = cli(["validate", str(outside)], cwd=broken)
    assert code == 1
    assert out.startswith(f"{outside.as_posix()}:6:1: error: unknown key 'typo'")
    assert out.endswith("\n1 file, 1 error, 0 warnings\n")


# --- settings from mkdocs.yml -------------------------------------------------------------------------------


MKDOCS = """\
site_name: OctoAcme releases
site_url: https://releases.octoacme.example/
theme:
  name: material
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
extra:
  analytics: !ENV [ANALYTICS_KEY, none]
plugins:
  - search
  - releasebook:
      releases_dir: records
      policy: config/team-policy.yml
"""


@pytest.fixture
def configured(make_project: ProjectFactory) -> Path:
    """A project whose mkdocs.yml moves the records to records/ and the policy to config/team-policy.yml."""
    root = make_project(mkdocs=MKDOCS)
    (root / "releases").rmdir()
    (root / "config").mkdir()
    shutil.move(root / "policy.yml", root / "config" / "team-policy.yml")
    (root / "records" / "2.x").mkdir(parents=True)
    (root / "records" / "2.x" / "2.0.0.yml").write_text(record("2.0.0", "typo: 1\n"), encoding="utf-8")
    (root / "records" / "1.0.0.yml").write_text(record("1.0.0"), encoding="utf-8")
    (root / "docs").mkdir()
    return root


CONFIGURED_OUT = (
    "records/2.x/2.0.0.yml:6:1: error: unknown key 'typo' (did you mean 'type'?); team extensions "
    "need an 'x-' prefix\n2 files, 1 error, 0 warnings\n"
)


def test_settings_come_from_mkdocs_yml(configured: Path, cli: CliRunner) -> None:
    assert cli(["validate"], cwd=configured) == (1, CONFIGURED_OUT, "")


def test_settings_from_mkdocs_yml_through_the_real_entry_point(configured: Path, run_cli: CliRunner) -> None:
    assert run_cli(["validate"], cwd=configured) == (1, CONFIGURED_OUT, "")


def test_mkdocs_yml_is_found_from_a_subfolder(configured: Path, cli: CliRunner) -> None:
    assert cli(["validate"], cwd=configured / "docs") == (1, CONFIGURED_OUT, "")


def test_config_option_names_the_mkdocs_yml(configured: Path, tmp_path: Path, cli: CliRunner) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert cli(["validate", "--config", str(configured / "mkdocs.yml")], cwd=elsewhere) == (
        1,
        CONFIGURED_OUT,
        "",
    )


def test_command_line_overrides_mkdocs_yml(configured: Path, cli: CliRunner) -> None:
    code, out, _ = cli(["validate", "--releases-dir", "records/2.x"], cwd=configured)
    assert (code, out.split("\n")[-2]) == (1, "1 file, 1 error, 0 warnings")
    code, _, err = cli(["validate", "--policy", "policy.yml"], cwd=configured)
    assert (code, err) == (
        2,
        "releasebook: error: policy file not found: policy.yml (set the 'policy' option)\n",
    )


def test_mkdocs_yml_without_the_plugin_uses_defaults(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project(
        {"1.0.0.yml": record()}, mkdocs="site_name: x\nplugins:\n  - search\n  - releasebook\n"
    )
    assert cli(["validate"], cwd=root) == (0, "1 file, 0 errors, 0 warnings\n", "")


def test_mkdocs_yml_plugins_as_a_mapping(make_project: ProjectFactory, cli: CliRunner) -> None:
    # MkDocs also accepts `plugins:` as a mapping of name to options.
    root = make_project(
        mkdocs="site_name: x\nplugins:\n  search: {}\n  releasebook:\n      releases_dir: records\n"
    )
    (root / "releases").rename(root / "records")
    (root / "records" / "1.0.0.yml").write_text(record(extra="typo: 1\n"), encoding="utf-8")
    code, out, _ = cli(["validate"], cwd=root)
    assert (code, out.split("\n")[0][:26]) == (1, "records/1.0.0.yml:6:1: err")


def test_limits_come_from_mkdocs_yml(make_project: ProjectFactory, cli: CliRunner) -> None:
    deep = "x-deep: " + "[" * 5 + "]" * 5 + "\n"
    root = make_project(
        {"1.0.0.yml": record(extra=deep)},
        mkdocs="plugins:\n  - releasebook:\n      max_depth: 4\n      max_file_bytes: 4096\n",
    )
    code, out, _ = cli(["validate"], cwd=root)
    assert code == 1
    assert out.startswith(
        "releases/1.0.0.yml:6:12: error: nesting deeper than 4 levels is not allowed (max_depth)"
    )


BAD_SETTINGS = {
    "unknown option": (
        "releasebook: {releses_dir: records}",
        "unknown releasebook option(s): releses_dir (did you mean 'releases_dir'?)",
    ),
    "options not a mapping": (
        "releasebook: [records]",
        "the releasebook plugin options must be a mapping of option: value",
    ),
    "path not text": (
        "releasebook: {releases_dir: 5}",
        "releasebook option 'releases_dir' must be text, got 5",
    ),
    "limit not a number": (
        "releasebook: {max_file_bytes: big}",
        "releasebook option 'max_file_bytes' must be a whole number of at least 1, got 'big'",
    ),
    "limit not positive": (
        "releasebook: {max_depth: 0}",
        "releasebook option 'max_depth' must be a whole number from 1 to 100, got 0",
    ),
    "enforce not an enum": (
        "releasebook: {enforce: maybe}",
        "releasebook option 'enforce' must be 'error' or 'warning', got 'maybe'",
    ),
    "focus not a list": (
        "releasebook: {focus: 5}",
        "releasebook option 'focus' must be a list of text, got 5",
    ),
}


@pytest.mark.parametrize("entry, message", list(BAD_SETTINGS.values()), ids=list(BAD_SETTINGS))
def test_exit_2_for_bad_plugin_settings(
    entry: str, message: str, make_project: ProjectFactory, cli: CliRunner
) -> None:
    root = make_project({"1.0.0.yml": record()}, mkdocs=f"site_name: x\nplugins:\n  - {entry}\n")
    code, out, err = cli(["validate"], cwd=root)
    assert (code, out) == (2, "")
    assert err == f"releasebook: error: mkdocs.yml: {message}\n"


def test_exit_2_for_unreadable_mkdocs_yml(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"1.0.0.yml": record()}, mkdocs="site_name: x\nplugins: [\n")
    code, out, err = cli(["validate"], cwd=root)
    assert (code, out) == (2, "")
    assert err.startswith("releasebook: error: mkdocs.yml:3:1: cannot read: ")
    assert "\n" not in err.rstrip("\n")


def test_repository_layout_is_what_the_cli_expects() -> None:
    assert (REPO / "policy.yml").is_file()
    assert (REPO / "schemas" / "release.schema.json").is_file()
    assert (REPO / "releases").is_dir()
