"""`releasebook render --out DIR`: the generated pages as plain Markdown, for generators without plugins."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from .export import site_files
from .render import UnsafePathError, render_site
from .settings import canonical

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

RENDER_HELP = """\
Writes every page the MkDocs plugin generates (the changelog index, status dashboard, policy guide, and each
release's notes, checklist and runbook) as Markdown files in the plugin's folder layout, plus the Atom feed,
releases.json and the published schemas. Static-site generators that read Markdown but run no MkDocs plugins
(Zensical, plain MkDocs, ProperDocs without the plugin) can build them as they are; the pages use Material's
Markdown extensions (admonition, pymdownx.tasklist, pymdownx.emoji, attr_list, tables). Files already in DIR
that releasebook does not generate are left alone."""


def inside(folder: Path, relative: str) -> Path:
    """`folder / relative`, refusing any path that would land outside `folder` (checked after joining)."""
    root = canonical(folder)
    target = canonical(root / relative)  # a symlink loop stays as written; writing to it then fails, located
    if target == root or root not in target.parents:
        raise ValueError(f"refusing to write outside {folder}: {relative}")
    return target


def cmd_render(args: argparse.Namespace, out: TextIO) -> int:
    """Check the records, then write the generated pages and site files under `--out`."""
    from .cli import checked_history, load_settings  # the shared glue lives in cli.py

    settings = load_settings(args)
    checked = checked_history(settings, "nothing was written")
    if isinstance(checked, int):
        return checked
    project, history = checked
    try:
        pages = render_site(project, history, settings)
    except UnsafePathError as error:
        print(f"releasebook: error: {error}; nothing was written", file=sys.stderr)
        return EXIT_ERRORS
    outputs, warnings = site_files(history, settings, policy=project.policy)
    for warning in warnings:
        print(f"releasebook: warning: {warning}", file=sys.stderr)
    folder = Path(args.out)
    contents: dict[str, str | bytes] = {page.path: page.content for page in pages}
    contents.update(outputs)
    try:
        for relative, content in sorted(contents.items()):
            target = inside(folder, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            # UTF-8 with newlines as written (`\n`) on every platform; the site files are UTF-8 bytes already.
            target.write_bytes(content.encode() if isinstance(content, str) else content)
    except (OSError, ValueError) as error:
        print(f"releasebook: error: cannot write to {folder}: {error}", file=sys.stderr)
        return EXIT_ERRORS
    print(f"Wrote {len(pages)} pages and {len(outputs)} other files to {folder}.", file=out)
    return EXIT_OK


def add_render_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                      common: argparse.ArgumentParser) -> None:
    """Register `releasebook render`."""
    render = commands.add_parser("render", parents=[common], description=RENDER_HELP,
                                 help="write the generated pages as Markdown files")
    render.add_argument("--out", required=True, metavar="DIR", help="folder to write into (e.g. docs/)")
    render.set_defaults(handler=cmd_render)
