"""A cProfile of one `mkdocs serve` rebuild after a record is edited, made in one process as the server does.

`mkdocs serve` runs until it is stopped, so its rebuilds cannot be profiled from the command line. This does
what the server does, without the HTTP server: loads the config, starts the plugins for `serve`, builds once
into a temporary folder, changes the record's summary as the preview benchmark does, then loads the config
again (the plugins stay, as in the server) and profiles the second build. A waiting thread stands in for the
server's threads, so the plugin behaves as it does under `mkdocs serve` (it forks nothing when other threads
run). The record is restored afterwards.

    .venv/bin/python benchmarks/rebuild_profile.py PROJECT releases/15.x/15.20.5.yml --out rebuild.prof
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitebench import edit_summary  # benchmarks/ is not a package: found through sys.path

SERVE_URL = "http://127.0.0.1:8000/"


def profile_rebuild(project: Path, record: Path, out: Path) -> None:
    """Build `project` as `mkdocs serve` first does, edit `record`, and write a cProfile of the rebuild."""
    os.chdir(project)
    site_dir = tempfile.mkdtemp(prefix="rebuild-profile-")
    original = record.read_bytes()
    server_stand_in = threading.Event()
    thread = threading.Thread(target=server_stand_in.wait, daemon=True)
    thread.start()
    config = load_config(config_file="mkdocs.yml", site_dir=site_dir)
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        config.site_url = SERVE_URL
        build(config, serve_url=SERVE_URL)
        edit_summary(project, record, "profiled rebuild")
        config = load_config(config_file="mkdocs.yml", site_dir=site_dir)
        config.site_url = SERVE_URL
        profiler = cProfile.Profile()
        profiler.enable()
        build(config, serve_url=SERVE_URL)
        profiler.disable()
        profiler.dump_stats(str(out))
    finally:
        record.write_bytes(original)
        config.plugins.on_shutdown()
        server_stand_in.set()
        shutil.rmtree(site_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: profile one rebuild of a project after editing one of its records."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="folder with mkdocs.yml and the records")
    parser.add_argument("record", type=Path, help="the record to edit, relative to the project")
    parser.add_argument("--out", type=Path, required=True, help="where to write the cProfile stats")
    args = parser.parse_args(argv)
    project = args.project.resolve()
    profile_rebuild(project, project / args.record, args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
