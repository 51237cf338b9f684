"""Issue 5's journey: from `releasebook new --type minor` to a green strict build and a feed entry."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import feedparser

from .test_build import copy_example, mkdocs_build


def releasebook(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point, run in the project."""
    return subprocess.run([sys.executable, "-m", "releasebook.cli", *args], cwd=project, capture_output=True,
                          text=True, check=False)


def test_new_record_to_strict_build_and_feed_entry(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    created = releasebook(project, "new", "--type", "minor", "--name", "Newcomer", "--date", "2026-11-26")
    assert created.returncode == 0, created.stderr
    record = project / "releases" / "2.6.0.yml"
    assert record.is_file()
    assert releasebook(project, "validate").returncode == 0

    planned = mkdocs_build(project)
    assert planned.returncode == 0, planned.output
    assert (planned.site / "releases" / "2.6.0" / "index.html").is_file()
    feed = feedparser.parse((planned.site / "releases" / "feed.xml").read_bytes())
    titles = [entry.title for entry in feed.entries]
    assert not any("2.6.0" in title for title in titles)  # planned releases are not in the feed

    # The author ships it: summary, a rollback plan, every checklist item done, status released.
    text = record.read_text(encoding="utf-8")
    text = text.replace("status: planned", "status: released")
    text = re.sub(r"summary: >-\n  TODO[^\n]*", "summary: Faster exports for every workspace.", text)
    text = re.sub(r": pending( +#)", r": done\1", text)
    text += "rollback:\n  plan: Redeploy 2.3.1 from the pipeline.\n"
    record.write_text(text, encoding="utf-8")
    checked = releasebook(project, "validate")
    assert checked.returncode == 0, checked.stdout

    shipped = mkdocs_build(project)
    assert shipped.returncode == 0, shipped.output
    feed = feedparser.parse((shipped.site / "releases" / "feed.xml").read_bytes())
    entry = next(entry for entry in feed.entries if "2.6.0" in entry.title)
    assert entry.link == "https://releases.octoacme.example/releases/2.6.0/"
    assert entry.published.startswith("2026-11-26T00:00:00")
