"""Command-line glue: parse arguments, call the pipeline, print problems through a reporter."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from . import __version__, changelog, export, importer, scaffold
from .cli_render import add_render_parser
from .history import (
    History,
    OrderKey,
    build_history,
    find,
    nearby_versions,
    newest_first,
    order_key,
    parse_version,
    verdict,
    version_key,
)
from .model import RELEASE_TYPES, Policy, Verification
from .pipeline import Checker, Project, discover
from .problems import Problem
from .settings import ConfigError, Settings, canonical, find_config, settings_from_mkdocs

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
        policy_file = canonical(settings.path(settings.policy))
        expanded = _expand(args.paths)
        requested = [p for p in expanded if canonical(p) != policy_file]
        folder = settings.path(settings.releases_dir)
        history = discover(folder) if folder.is_dir() else []
        in_history = {canonical(p) for p in history}
        if len(requested) < len(expanded):
            project = checker.check(history + [p for p in requested if canonical(p) not in in_history])
        elif all(canonical(p) in in_history for p in requested):
            project = checker.check(history, only={settings.display(p) for p in requested})
        else:
            project = checker.check(sorted(set(requested)))
    else:
        project = checker.check()
    REPORTERS[args.format](project, out)
    if project.config_problems:
        return EXIT_USAGE
    return EXIT_ERRORS if project.errors else EXIT_OK


# --- verdict: the rollback decision for a deploy pipeline ---------------------------------------------------

EXIT_CONSIDER, EXIT_IMMEDIATE = 3, 4
VERDICT_EXIT: dict[str, int] = {"none": EXIT_OK, "no-data": EXIT_OK, "consider": EXIT_CONSIDER,
                                "immediate": EXIT_IMMEDIATE}
VERDICT_EPILOG = """\
exit status:
  0  no rollback indicated, or no verification data (nothing to decide on: record
     verification values in the release or pass them as flags)
  3  consider rollback
  4  roll back immediately
  2  usage or configuration problem: unknown version, invalid record or policy

Flags override the recorded value of one criterion each; the rest come from the
record's verification block. Thresholds come from policy.yml (strict: exactly 5 %
error rate does not trigger). The version may be written as a tag (v2.4.0).
"""


def _number(low: float, high: float, *, above: bool = False) -> Callable[[str], float]:
    """An argparse type for a finite number in [low, high] (or (low, high] with `above`)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
        if not math.isfinite(value) or value > high or value < low or (above and value == low):
            bound = f"greater than {low:g}" if above else f"at least {low:g}"
            raise argparse.ArgumentTypeError(f"{text} is out of range: it must be {bound}, at most {high:g}")
        return value

    return parse


# (flag, verification field, argparse type or None for a boolean, help)
VERDICT_FLAGS: tuple[tuple[str, str, Callable[[str], float] | None, str], ...] = (
    ("--error-rate", "error_rate_percent", _number(0, 100), "error rate in percent of requests"),
    ("--latency-ratio", "latency_ratio", _number(0, 1e6, above=True), "latency against baseline, e.g. 2.6"),
    ("--critical-broken", "critical_functionality_broken", None, "critical functionality is broken"),
    ("--data-integrity", "data_integrity_issue", None, "a data-integrity issue is detected"),
    ("--security", "security_issue", None, "a security issue is detected"),
    ("--noncritical-major", "noncritical_feature_major_issue", None, "a non-critical feature has major bugs"),
    ("--complex-workaround", "complex_workaround", None, "the workaround is complex"),
    ("--fix-hours", "estimated_fix_hours", _number(0, 1e6), "estimated hours to develop and test a fix"),
)


def add_verdict_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                       common: argparse.ArgumentParser) -> None:
    """Register `releasebook verdict VERSION`."""
    parser = commands.add_parser(
        "verdict", parents=[common], help="rollback decision for one release; exit 0, 3 or 4",
        description="Decide whether to roll back a release from its verification data and the policy's\n"
                    "rollback criteria, and name the last known good release to roll back to.",
        epilog=VERDICT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("version", metavar="VERSION", help="the release, e.g. 2.4.0 (build metadata ignored)")
    values = parser.add_argument_group("verification values (override the record)")
    for flag, field_name, parse, text in VERDICT_FLAGS:
        if parse is None:
            values.add_argument(flag, dest=field_name, action=argparse.BooleanOptionalAction, default=None,
                                help=f"{text} (or, with --no-, is not)")
        else:
            values.add_argument(flag, dest=field_name, type=parse, default=None, metavar="N", help=text)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(handler=cmd_verdict)


def _stem_key(file: str) -> OrderKey | None:
    parsed = parse_version(Path(file).name.rsplit(".", 1)[0])
    return version_key(parsed) if parsed is not None else None


def _verdict_error(args: argparse.Namespace, out: TextIO, message: str,
                   problems: Sequence[Problem] = ()) -> int:
    """Report a usage error of `verdict` (stderr, and a JSON object on stdout with --format json)."""
    if args.format == "json":
        json.dump({"version": args.version, "error": message, "problems": [p.as_dict() for p in problems]},
                  out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for problem in problems:
            print(problem.format(), file=out)
    print(f"releasebook: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def cmd_verdict(args: argparse.Namespace, out: TextIO) -> int:
    """Print the rollback verdict for one release; the exit status carries the decision."""
    settings = load_settings(args)
    project = Checker(settings).check()
    if project.policy is None or project.config_problems:
        return _verdict_error(args, out, f"the policy ({settings.policy}) is invalid", project.problems)
    wanted = parse_version(args.version)
    release = find(project.releases, args.version)
    valid_sources = {r.source for r in project.releases}
    invalid = [f for f in project.files if f not in valid_sources]
    if release is None:
        key = version_key(wanted) if wanted is not None else None
        broken = [f for f in invalid if key is not None and _stem_key(f) == key]
        if broken:
            problems = [p for p in project.problems if p.file in broken]
            return _verdict_error(args, out, f"the record for {args.version} ({', '.join(broken)}) is "
                                  "invalid; fix the problems above first", problems)
        known = [r.version for r in newest_first(project.releases)]
        close = nearby_versions(args.version.strip().removeprefix("v"), known)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        if wanted is None:
            return _verdict_error(args, out, f"'{args.version}' is not a SemVer version such as 2.4.0{hint}")
        return _verdict_error(args, out, f"no release record for version '{args.version}'{hint}")

    history = build_history(project.releases, project.policy)
    values = dict(release.verification.values) if release.verification is not None else {}
    overridden = [name for _, name, _, _ in VERDICT_FLAGS if getattr(args, name) is not None]
    values.update({name: getattr(args, name) for name in overridden})
    notes = release.verification.notes if release.verification is not None else ""
    evaluated = replace(release, verification=Verification(values, notes) if values else None)
    result = verdict(evaluated, project.policy)
    target = history.last_known_good.get(release.slug)
    summary = history.rollback_summary(release)

    warnings: list[str] = []
    if release.slug not in history.explicit:
        # A record left out for being invalid may sit between this release and its computed target.
        mine, floor = order_key(release), order_key(target) if target is not None else None
        unsure = [f for f in invalid
                  if (k := _stem_key(f)) is None or (k < mine and (floor is None or k > floor))]
        if unsure:
            warnings.append(f"last known good may be wrong: {', '.join(unsure)} "
                            f"{'is' if len(unsure) == 1 else 'are'} invalid and left out of the history")
    own = [p for p in project.problems if p.file == release.source]
    code = VERDICT_EXIT[result.decision]

    if args.format == "json":
        json.dump({
            "version": release.version,
            "file": release.source,
            "decision": result.decision,
            "label": result.label,
            "exit_code": code,
            "reasons": [{"level": r.criterion.level, "criterion": r.criterion.id, "field": r.criterion.field,
                         "value": values.get(r.criterion.field), "threshold": r.criterion.threshold,
                         "text": r.text} for r in result.reasons],
            "last_known_good": target.version if target is not None else None,
            "rollback": summary,
            "values": values,
            "overridden": overridden,
            "warnings": warnings,
            "problems": [p.as_dict() for p in own],
        }, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        print(f"{release.version}: {result.label}", file=out)
        for reason in result.reasons:
            print(f"  {reason.criterion.level}: {reason.text}", file=out)
        if result.decision == "no-data":
            print(f"  record verification values in {release.source} or pass them as flags "
                  "(--error-rate ...)", file=out)
        elif values:
            order = [c.field for c in project.policy.criteria if c.field in values]
            shown = ", ".join(f"{name}={json.dumps(values[name])}{' (flag)' if name in overridden else ''}"
                              for name in order)
            print(f"  values: {shown}", file=out)
        if result.decision in ("immediate", "consider"):
            print(summary, file=out)
        elif target is not None:
            print(f"Last known good: {target.version}", file=out)
        else:
            print(summary, file=out)
    for warning in warnings:
        print(f"releasebook: warning: {warning}", file=sys.stderr)
    for problem in own:
        print(f"releasebook: note: {problem.format()}", file=sys.stderr)
    return code


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
    add_verdict_parser(commands, common)
    add_publish_parsers(commands, common)
    add_render_parser(commands, common)
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


def loaded_policy(checker: Checker, before: str) -> Policy | None:
    """The policy, or None after printing its problems and that it must be fixed before `before`."""
    policy, problems = checker.load_policy()
    if policy is None:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        print(f"releasebook: error: the policy has errors; fix it before {before}", file=sys.stderr)
    return policy


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    """Write a planned record for the next (or the given) version; never overwrite one."""
    settings = load_settings(args)
    checker = Checker(settings)
    policy = loaded_policy(checker, "creating a record")
    if policy is None:
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


def checked_history(settings: Settings, why: str) -> tuple[Project, History] | int:
    """The checked project and its history, or the exit status after printing why it cannot be used.

    Commands that publish (changelog, render) refuse a history with errors: `why` says what would go wrong.
    """
    project = Checker(settings).check()
    if project.config_problems or project.policy is None:
        report_text(project, sys.stderr)
        return EXIT_USAGE
    if project.errors:
        report_text(project, sys.stderr)
        print(f"releasebook: error: fix these records first; {why}", file=sys.stderr)
        return EXIT_ERRORS
    return project, build_history(project.releases, project.policy)


def cmd_changelog(args: argparse.Namespace, out: TextIO) -> int:
    """Print or write the Keep a Changelog file (or its JSON form) built from the records."""
    settings = load_settings(args)
    checked = checked_history(settings, "a changelog without them would be incomplete")
    if isinstance(checked, int):
        return checked
    _, history = checked
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
    policy = loaded_policy(checker, "importing")
    if policy is None:
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
