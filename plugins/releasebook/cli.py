"""Command-line glue: parse arguments, call the pipeline, print problems through a reporter."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
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


REPORTERS = {"text": report_text, "github": report_github, "json": report_json}


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
        requested = _expand(args.paths)
        folder = settings.path(settings.releases_dir)
        history = discover(folder) if folder.is_dir() else []
        in_history = {canonical(p) for p in history}
        if all(canonical(p) in in_history for p in requested):
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
