"""Command-line glue: parse arguments, call the pipeline, print problems through a reporter."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__, changelog, export, importer, scaffold
from .history import build_history
from .model import RELEASE_TYPES
from .pipeline import Checker, Project, discover
from .problems import Problem
from .settings import ConfigError, Settings, find_config, settings_from_mkdocs

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


# --- reporters ----------------------------------------------------------------------------------------------


def report_text(project: Project, out: TextIO) -> None:
    """`path:line:col: severity: message` lines, then the summary."""
    for problem in project.problems:
        print(problem.format(), file=out)
    print(project.summary(), file=out)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that annotates the pull request at the problem's position."""
    title = f"releasebook {problem.rule}" if problem.rule else "releasebook"
    return (f"::{problem.severity} file={_escape_property(problem.file)},"
            f"line={problem.line},col={problem.col},"
            f"title={_escape_property(title)}::{_escape_data(problem.message)}")


def report_github(project: Project, out: TextIO) -> None:
    """Annotations for GitHub Actions, followed by the plain lines for the log."""
    for problem in project.problems:
        print(github_annotation(problem), file=out)
    report_text(project, out)


def report_json(project: Project, out: TextIO) -> None:
    """A JSON list of `{file, line, col, path, severity, rule, message}`."""
    json.dump([p.as_dict() for p in project.problems], out, indent=2, ensure_ascii=False)
    out.write("\n")


def _table_cell(text: str) -> str:
    """Text for one Markdown table cell: no HTML, no cell breaks, one line."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return " ".join(escaped.replace("`", "\\`").split())


def report_markdown(project: Project, out: TextIO) -> None:
    """A Markdown summary for `$GITHUB_STEP_SUMMARY`: the counts, then one table row per problem."""
    mark = "❌" if project.errors else ("⚠️" if project.warnings else "✅")
    print(f"### {mark} releasebook validate\n\n{project.summary()}", file=out)
    if project.problems:
        print("\n| File | Line | Severity | Rule | Message |\n|---|---|---|---|---|", file=out)
        for p in project.problems:
            print(f"| {_table_cell(p.file)} | {p.line}:{p.col} | {p.severity} | {_table_cell(p.rule or '')} "
                  f"| {_table_cell(p.message)} |", file=out)


REPORTERS = {"text": report_text, "github": report_github, "json": report_json, "markdown": report_markdown}


# --- commands -----------------------------------------------------------------------------------------------


def load_settings(args: argparse.Namespace) -> Settings:
    """Settings from `--config` or the nearest mkdocs.yml, with command-line overrides."""
    config = Path(args.config) if args.config else find_config(Path.cwd())
    if args.config and not config.is_file():  # type: ignore[union-attr]
        raise ConfigError(f"config file not found: {args.config}")
    settings = settings_from_mkdocs(config)
    overrides = {"releases_dir": args.releases_dir, "policy": args.policy}
    return settings.with_options({k: v for k, v in overrides.items() if v is not None})


def _expand(paths: Sequence[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(discover(path))
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError(f"no such file or folder: {name}")
    return found


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    """Check records against the schema, the policy and each other."""
    settings = load_settings(args)
    checker = Checker(settings)
    if args.paths:
        # The policy is not a record: when a hook passes policy.yml, check it and every record against it.
        policy_file = settings.path(settings.policy).resolve()
        expanded = _expand(args.paths)
        requested = [p for p in expanded if p.resolve() != policy_file]
        folder = settings.path(settings.releases_dir)
        history = discover(folder) if folder.is_dir() else []
        in_history = {p.resolve() for p in history}
        if len(requested) < len(expanded):
            project = checker.check(history + [p for p in requested if p.resolve() not in in_history])
        elif all(p.resolve() in in_history for p in requested):
            project = checker.check(history, only={settings.display(p) for p in requested})
        else:
            project = checker.check(sorted(set(requested)))
    else:
        project = checker.check()
    REPORTERS[args.format](project, out)
    if project.config_problems:
        return EXIT_USAGE
    return EXIT_ERRORS if project.errors else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="releasebook", description="Release records as code.")
    parser.add_argument("--version", action="version", version=f"releasebook {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", "-f", help="mkdocs.yml to read settings from (default: the nearest one)")
    common.add_argument("--releases-dir", help="folder of release records (overrides the plugin setting)")
    common.add_argument("--policy", help="policy file (overrides the plugin setting)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", parents=[common], help="check records; exit 1 on errors",
                                   description="Check release records and the policy. Exit status: 0 clean, "
                                   "1 errors, 2 usage or configuration problems.")
    validate.add_argument("paths", nargs="*", metavar="PATH",
                          help="record files or folders (default: releases_dir)")
    validate.add_argument("--format", choices=sorted(REPORTERS), default="text", help="output format")
    validate.set_defaults(handler=cmd_validate)
    add_publish_parsers(commands, common)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the `releasebook` command."""
    out = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) if exit_.code in (0, None) else EXIT_USAGE
    try:
        return int(args.handler(args, out))
    except ConfigError as error:
        print(f"releasebook: error: {error}", file=sys.stderr)
        return EXIT_USAGE


# --- new, changelog and import: authoring and publishing (issue 5) ----------------------------------------


def _schema_line(settings: Settings, record: Path, *, warn: bool = False) -> str:
    """The modeline for a new record: the local schema by relative path, else the published one."""
    schema_file = settings.path(settings.schema)
    published = ""
    if not schema_file.is_file() and export.site_base(settings.site_url):
        published = export.schema_url(settings.site_url, "release.schema.json")
    elif not schema_file.is_file() and warn:
        print(f"releasebook: note: {settings.display(schema_file)} does not exist, so editors cannot use the "
              "modeline yet; copy the schema there or set site_url to point at the published one",
              file=sys.stderr)
    return scaffold.modeline(record, schema_file, published)


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    """Write a planned record for the next (or the given) version; never overwrite one."""
    settings = load_settings(args)
    checker = Checker(settings)
    policy, policy_problems = checker.load_policy()
    if policy is None:
        for problem in policy_problems:
            print(problem.format(), file=sys.stderr)
        print("releasebook: error: the policy has errors; fix it before creating a record", file=sys.stderr)
        return EXIT_USAGE
    folder = settings.path(settings.releases_dir)
    files = discover(folder) if folder.is_dir() else []
    project = checker.check(files)
    broken = sorted({p.file for p in project.problems if p.severity == "error"})
    if broken:
        print(f"releasebook: note: {len(broken)} existing record(s) have errors and are left out when "
              "computing the next version; run `releasebook validate`", file=sys.stderr)
    try:
        date = scaffold.parse_date(args.date, dt.date.today())
        name = scaffold.check_name(args.name)
        chosen = scaffold.plan(project.releases, files, folder, version=args.version, release_type=args.type,
                               display=settings.display)
    except scaffold.ScaffoldError as error:
        print(f"releasebook: error: {error}", file=sys.stderr)
        return EXIT_ERRORS
    text = scaffold.render_record(chosen, policy, date=date, name=name,
                                  schema_line=_schema_line(settings, chosen.path, warn=True))
    display = settings.display(chosen.path)
    problems = scaffold.check_text(text, display, chosen.path.name.rsplit(".", 1)[0], policy,
                                   checker.release_schema)
    if problems:  # pragma: no cover - a bug guard: the scaffold must always validate
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        print(f"releasebook: error: internal error: the record for {chosen.version} would not validate; "
              "nothing was written", file=sys.stderr)
        return EXIT_ERRORS
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with chosen.path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        print(f"releasebook: error: {display} already exists; releasebook new never overwrites a record",
              file=sys.stderr)
        return EXIT_ERRORS
    except OSError as error:
        print(f"releasebook: error: cannot write {display}: {error.strerror}", file=sys.stderr)
        return EXIT_ERRORS
    after = f"after {chosen.base.version}" if chosen.base is not None else "(the first release)"
    print(f"Created {display}: planned {chosen.type} release {chosen.version} {after}, "
          f"dated {date.isoformat()}.", file=out)
    for waiting in scaffold.waiting_prereleases(project.releases):
        if waiting != chosen.version:
            print(f"Note: {waiting} has pre-releases but no record yet; `releasebook new {waiting}` "
                  "creates it.", file=out)
    print("Next steps:\n"
          "  1. Write the summary and the sections you need (the comments in the file show each one).\n"
          "  2. Move checklist items along as the work happens.\n"
          f"  3. Check it: releasebook validate {display}\n"
          "  4. Preview the site: mkdocs serve", file=out)
    return EXIT_OK


def cmd_changelog(args: argparse.Namespace, out: TextIO) -> int:
    """Print or write the Keep a Changelog file (or its JSON form) built from the records."""
    settings = load_settings(args)
    project = Checker(settings).check()
    if project.config_problems or project.policy is None:
        report_text(project, sys.stderr)
        return EXIT_USAGE
    if project.errors:
        report_text(project, sys.stderr)
        print("releasebook: error: fix these records first; a changelog without them would be incomplete",
              file=sys.stderr)
        return EXIT_ERRORS
    history = build_history(project.releases, project.policy)
    render = changelog.render_json if args.format == "json" else changelog.render_markdown
    text = render(history, settings)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8", newline="\n")
        except OSError as error:
            print(f"releasebook: error: cannot write {args.output}: {error.strerror}", file=sys.stderr)
            return EXIT_ERRORS
        print(f"Wrote {args.output} ({len(history.releases)} records).", file=out)
    else:
        out.write(text)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    """Write one record per version of a Keep a Changelog file; never overwrite a record."""
    settings = load_settings(args)
    checker = Checker(settings)
    policy, policy_problems = checker.load_policy()
    if policy is None:
        for problem in policy_problems:
            print(problem.format(), file=sys.stderr)
        print("releasebook: error: the policy has errors; fix it before importing", file=sys.stderr)
        return EXIT_USAGE
    source = Path(args.file)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {args.file}: {error}") from error
    parsed = importer.parse_keepachangelog(text, source.as_posix())
    folder = settings.path(settings.releases_dir)
    files = discover(folder) if folder.is_dir() else []
    project = checker.check(files)
    types = importer.infer_types(parsed.versions, project.releases)
    refused = list(parsed.skipped)
    written: list[Path] = []
    for item in parsed.versions:
        existing = scaffold.occupied_by(item.version, [*files, *written])
        if existing is not None:
            refused.append(f"{settings.display(existing)} already holds {item.version}; not overwritten")
            continue
        target = folder / f"{item.version}.yml"
        schema_line = _schema_line(settings, target)
        record = importer.render_imported(item, types[item.version], source.name, schema_line)
        problems = scaffold.check_text(record, settings.display(target), item.version, policy,
                                       checker.release_schema)
        if problems:
            refused.extend(f"{source.as_posix()}:{item.line}: {item.version}: {p.message}" for p in problems)
            continue
        if not args.dry_run:
            folder.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(record)
        written.append(target)
    for message in [*parsed.notes, *refused]:
        print(f"releasebook: note: {message}", file=sys.stderr)
    verb = "Would write" if args.dry_run else "Wrote"
    print(f"{verb} {len(written)} record(s): {', '.join(settings.display(p) for p in written) or 'none'}.",
          file=out)
    if written:
        print("They have no checklists (the changelog never recorded them), so the policy gate reports each "
              "one until its checklist is filled in truthfully. Run `releasebook validate`.", file=out)
    return EXIT_ERRORS if refused else EXIT_OK


def add_publish_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                        common: argparse.ArgumentParser) -> None:
    """The `new`, `changelog` and `import` subcommands."""
    new = commands.add_parser(
        "new", parents=[common], help="start a planned record for the next version",
        description="Write releases/<version>.yml: status planned, every checklist item pending, guidance "
        "as comments. Without VERSION, --type bumps the highest non-pre-release record (pre-releases leave "
        "their version free: after 2.0.0-rc.1, --type major gives 2.0.0). Never overwrites. Exit status: "
        "0 written, 1 refused, 2 usage or configuration problems.")
    new.add_argument("version", nargs="?", metavar="VERSION", help="SemVer version (default: computed)")
    new.add_argument("--type", choices=RELEASE_TYPES, help="patch, minor or major (required without VERSION)")
    new.add_argument("--name", help="a short name for the release")
    new.add_argument("--date", help="planned date, YYYY-MM-DD (default: today)")
    new.set_defaults(handler=cmd_new)

    log = commands.add_parser(
        "changelog", parents=[common], help="Keep a Changelog file (or JSON) from the records",
        description="Print the changelog built from the records, newest first: Unreleased (planned and "
        "in-progress), then each released version, [YANKED] when rolled back. Exit status: 0 written, "
        "1 records have errors, 2 usage or configuration problems.")
    log.add_argument("--format", choices=("markdown", "json"), default="markdown", help="output format")
    log.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    log.set_defaults(handler=cmd_changelog)

    imports = commands.add_parser(
        "import", parents=[common], help="one record per version of a Keep a Changelog file",
        description="Write releases/<version>.yml for every version in a Keep a Changelog file: status "
        "released ([YANKED]: rolled-back), type from the bump, Added → features, Changed/Deprecated/Removed "
        "→ improvements, Fixed/Security → fixes, no checklists. Never overwrites. Exit status: 0 all "
        "written, 1 some versions skipped, 2 usage or configuration problems.")
    imports.add_argument("source_format", choices=("keepachangelog",), metavar="FORMAT",
                         help="the changelog's format: keepachangelog")
    imports.add_argument("file", metavar="FILE", help="the changelog, e.g. CHANGELOG.md")
    imports.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    imports.set_defaults(handler=cmd_import)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
