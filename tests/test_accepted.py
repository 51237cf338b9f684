"""Every accepted shape of a record validates clean, and positions stay right in unusual but valid files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from releasebook.pipeline import Checker, Project
from releasebook.settings import Settings

from .helpers import MODELINE, REPO, CliRunner, ProjectFactory, record, record_files

CLEAN_ONE = "1 file, 0 errors, 0 warnings\n"
BOM = "\ufeff"


def check(root: Path) -> Project:
    """The pipeline's view of a project, for assertions on the model."""
    return Checker(Settings(root=root)).check()


def test_example_history_validates_clean(cli: CliRunner) -> None:
    count = len(record_files(REPO / "releases"))
    assert count >= 12
    code, out, err = cli(["validate"], cwd=REPO)
    assert (code, out, err) == (0, f"{count} files, 0 errors, 0 warnings\n", "")


def test_example_history_through_the_real_entry_point(run_cli: CliRunner) -> None:
    count = len(record_files(REPO / "releases"))
    code, out, err = run_cli(["validate"], cwd=REPO)
    assert (code, out) == (0, f"{count} files, 0 errors, 0 warnings\n")
    assert "Traceback" not in err


def test_example_history_covers_the_issue() -> None:
    releases = Checker(Settings(root=REPO)).check().releases
    assert {r.type for r in releases} == {"major", "minor", "patch"}
    assert any(r.is_prerelease for r in releases)
    rolled_back = [r for r in releases if r.status == "rolled-back"]
    assert rolled_back and all(r.incident is not None for r in rolled_back)
    in_progress = [r for r in releases if r.status == "in-progress"]
    assert any(item.status == "blocked" for r in in_progress for c in r.checklists for item in c.items)
    assert any(r.status == "planned" for r in releases)
    # A backport: a patch on an older line released after a newer line already existed.
    assert any(
        old.semver.major < new.semver.major and old.date > new.date and old.type == "patch"
        for old in releases
        for new in releases
        if not new.is_prerelease
    )


SHAPES: dict[str, dict[str, str | bytes]] = {
    "unquoted date": {"1.0.0.yml": record(date="2026-11-20")},
    "double-quoted date": {"1.0.0.yml": record(date='"2026-11-20"')},
    "single-quoted date": {"1.0.0.yml": record(date="'2026-11-20'")},
    "leap day": {"1.0.0.yml": record(date="2028-02-29")},
    "quoted version": {"1.0.0.yml": record('"1.0.0"')},
    "version with two-digit minor": {"1.10.0.yml": record("1.10.0")},
    "pre-release": {"2.0.0-rc.1.yml": record("2.0.0-rc.1")},
    "pre-release with numeric and hyphen parts": {
        "1.0.0-0.3.7.yml": record("1.0.0-0.3.7"),
        "1.0.0-x-y-z.--.yml": record("1.0.0-x-y-z.--"),
    },
    "build metadata": {"2.0.0+build.7.yml": record("2.0.0+build.7")},
    "pre-release with build metadata": {
        "1.0.0-rc.1+exp.sha.5114f85.yml": record("1.0.0-rc.1+exp.sha.5114f85")
    },
    "records in subfolders": {
        "1.x/old/1.0.0.yml": record("1.0.0"),
        "2.x/2.0.0.yml": record("2.0.0", type="major"),
    },
    ".yaml suffix": {"1.0.0.yaml": record()},
    "modeline": {"1.0.0.yml": MODELINE + record()},
    "BOM": {"1.0.0.yml": BOM + record()},
    "CRLF": {"1.0.0.yml": record().replace("\n", "\r\n")},
    "BOM and CRLF": {"1.0.0.yml": BOM + (MODELINE + record()).replace("\n", "\r\n")},
    "no final newline": {"1.0.0.yml": record().rstrip("\n")},
    "explicit document markers": {"1.0.0.yml": "---\n" + record() + "...\n"},
    "flow mapping": {
        "1.0.0.yml": "{version: 1.0.0, date: 2026-03-02, type: patch, status: planned, summary: F.}\n"
    },
    "block scalar summary": {"1.0.0.yml": record(summary="|\n  Line one.\n\n  **Line** two.")},
    "status strings": {
        "1.0.0.yml": record(
            extra="checklists:\n  pre_release:\n    acceptance-criteria: done\n"
            "    ci-security-scans: pending\n    release-notes: in-progress\n"
            "    user-docs: blocked\n"
        )
    },
    "status objects": {
        "1.0.0.yml": record(
            extra=(
                "checklists:\n  deployment:\n"
                "    backup: {status: skipped, note: Stateless service.}\n"
                "    qa-signoff: {status: done, owner: Tomás, evidence: 'https://qa.octoacme.example/1',\n"
                "                 note: OK}\n"
                "    announce: {status: pending}\n    production-deploy: {status: in-progress}\n"
                "    archive-artifacts: {status: blocked, note: Storage full.}\n"
            )
        )
    },
    "empty checklists": {"1.0.0.yml": record(extra="checklists:\n  pre_release: {}\n")},
    "x- extension keys": {
        "1.0.0.yml": record(
            extra="x-jira-epic: OPS-42\nx-team:\n  name: Platform\n"
            "  members: [a, b]\nx-empty:\nx-number: 3.5\n"
        )
    },
    "YAML 1.1 words stay text": {
        "1.0.0.yml": record(extra="name: no\ncomponents: [on, off, yes, 0755, 1:20]\n")
    },
    "unicode text": {"1.0.0.yml": record(extra='name: "Ünïcödé — 日本語 🚀"\n')},
    "http and https links in any case": {
        "1.0.0.yml": record(
            extra=(
                "documentation:\n  - {title: A, url: 'http://intranet.octoacme.example/a?b=1#c'}\n"
                "  - {title: B, url: HTTPS://DOCS.OCTOACME.EXAMPLE/B}\n"
            )
        )
    },
    "verification at its bounds": {
        "1.0.0.yml": record(
            extra=(
                "verification:\n  error_rate_percent: 0\n  latency_ratio: 0.01\n  estimated_fix_hours: 0\n"
                "  critical_functionality_broken: false\n"
            )
        )
    },
    "verification upper bound": {"1.0.0.yml": record(extra="verification:\n  error_rate_percent: 100\n")},
    "incident times": {
        "1.0.0.yml": record("1.0.0", "incident:\n  summary: S.\n  detected_at: 2026-03-02T10:15:00Z\n"),
        "1.0.1.yml": record(
            "1.0.1", "incident:\n  summary: S.\n  detected_at: 2026-03-02t10:15:00.250z\n", type="patch"
        ),
        "1.0.2.yml": record(
            "1.0.2", "incident:\n  summary: S.\n  detected_at: '2026-03-02T10:15:00-05:30'\n", type="patch"
        ),
    },
}


@pytest.mark.parametrize("files", list(SHAPES.values()), ids=list(SHAPES))
def test_accepted_shape(files: dict[str, str | bytes], make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project(files)
    code, out, err = cli(["validate"], cwd=root)
    count = len(files)
    assert (code, out, err) == (0, f"{count} file{'s' if count > 1 else ''}, 0 errors, 0 warnings\n", "")
    assert len(check(root).releases) == count


def test_every_optional_key(make_project: ProjectFactory, cli: CliRunner) -> None:
    # One record alone cannot satisfy the cross-release rules (its rollback target has no record), so they
    # are warnings here: this test is about the record format accepting every optional key.
    root = make_project(
        {"3.1.0.yml": (REPO / "tests" / "fixtures" / "valid" / "3.1.0.yml").read_text("utf-8")},
        mkdocs="plugins:\n  - releasebook:\n      enforce: warning\n",
    )
    code, out, err = cli(["validate"], cwd=root)
    assert (code, err) == (0, "")
    assert out.endswith("1 file, 0 errors, 3 warnings\n")
    assert all(": warning: " in line and line.endswith("]") for line in out.splitlines()[:-1])
    (release,) = check(root).releases
    assert release.date == dt.date(2026, 9, 1)
    assert release.status == "rolled-back"
    assert release.summary.startswith("Every optional key")
    assert [c.title for c in release.breaking_changes] == ["API v1 removed"]
    assert release.rollback.target == "3.0.0"
    assert [c.role for c in release.rollback.contacts] == ["DevOps Engineer", "Tech Lead"]
    assert release.verification is not None and release.verification.get("error_rate_percent") == 7.5
    assert release.incident is not None
    assert release.incident.detected_at == dt.datetime(2026, 9, 1, 8, 15, tzinfo=dt.UTC)
    assert release.extensions == {
        "x-jira-epic": "OPS-42",
        "x-team": {"name": "Platform", "members": ["a", "b"]},
    }
    skipped = release.item("db-migrations")
    assert skipped is not None and (skipped.status, skipped.note) == ("skipped", "No schema change.")
    evidence = release.item("ci-security-scans")
    assert evidence is not None and evidence.evidence == "https://ci.octoacme.example/run/1"
    omitted = release.item("rollback-plan")
    assert omitted is not None and omitted.status == "pending", (
        "an item the record leaves out counts as pending"
    )


def test_values_are_never_retyped(make_project: ProjectFactory) -> None:
    root = make_project(
        {"1.0.0.yml": record(date="2026-11-20", extra="name: no\ncomponents: [on, 0755, 1:20]\n")}
    )
    (release,) = check(root).releases
    assert release.date == dt.date(2026, 11, 20)
    assert release.name == "no"
    assert release.components == ("on", "0755", "1:20")


def test_build_metadata_is_kept_but_ignored_for_identity(make_project: ProjectFactory) -> None:
    root = make_project({"2.0.0+build.7.yml": record("2.0.0+build.7")})
    (release,) = check(root).releases
    assert release.version == "2.0.0+build.7"
    assert release.slug == "2.0.0"


# --- positions in unusual but valid files -------------------------------------------------------------------


def test_bom_and_crlf_keep_line_numbers(make_project: ProjectFactory, cli: CliRunner) -> None:
    text = BOM + (record() + "typo: 1\n").replace("\n", "\r\n")
    root = make_project({"1.0.0.yml": text})
    code, out, _ = cli(["validate"], cwd=root)
    assert code == 1
    assert out.splitlines()[0].startswith("releases/1.0.0.yml:6:1: error: unknown key 'typo'")


def test_bom_does_not_shift_columns_on_the_first_line(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"v1.0.0.yml": BOM + record("v1.0.0").replace("\n", "\r\n")})
    _, out, _ = cli(["validate"], cwd=root)
    assert out.splitlines()[0].startswith("releases/v1.0.0.yml:1:10: error: 'v1.0.0' is not a SemVer")


def test_crlf_value_error_is_located_on_its_line(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project({"1.0.0.yml": (MODELINE + record() + "name: 5\n").replace("\n", "\r\n")})
    _, out, _ = cli(["validate"], cwd=root)
    assert out.splitlines()[0] == (
        'releases/1.0.0.yml:7:7: error: expected text, but 5 was read as a number; quote it: "5"'
    )


@pytest.mark.parametrize(
    "value",
    ['"a\u2028b\u2029c\u0085d"', "'a\u2028b\u0085c'"],
    ids=["double-quoted", "single-quoted"],
)
def test_unicode_line_separators_do_not_shift_lines(
    value: str, make_project: ProjectFactory, cli: CliRunner
) -> None:
    text = record(summary=value) + "typo: 1\n"
    error_line = text.split("\n").index("typo: 1") + 1
    root = make_project({"1.0.0.yml": text})
    _, out, _ = cli(["validate"], cwd=root)
    # split("\n"), not splitlines(): the latter also splits at U+2028 and NEL.
    first, summary, _ = out.split("\n")
    assert first.startswith(f"releases/1.0.0.yml:{error_line}:1: error: unknown key 'typo'")
    assert summary == "1 file, 1 error, 0 warnings"


def test_unicode_line_separator_value_is_kept(make_project: ProjectFactory) -> None:
    root = make_project({"1.0.0.yml": record(summary='"a\u2028b"')})
    (release,) = check(root).releases
    assert release.summary == "a\u2028b"


def test_record_count_includes_every_file_found(make_project: ProjectFactory, cli: CliRunner) -> None:
    root = make_project(
        {
            "a/1.0.0.yml": record("1.0.0"),
            "b/c/1.1.0.yaml": record("1.1.0"),
            ".hidden/9.9.9.yml": "not: checked\n",
            "notes.txt": "not a record",
            "a/.draft.yml": "not: checked\n",
        }
    )
    assert cli(["validate"], cwd=root) == (0, "2 files, 0 errors, 0 warnings\n", "")
