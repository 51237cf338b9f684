"""MkDocs glue: the feed, releases.json and published schemas, made beside the pages and kept on disk."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Callable
from functools import partial
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from .export import SiteMemo, site_files
from .forking import Beside
from .history import History
from .model import Policy
from .settings import Settings

MIN_RECORDS_TO_FORK = 20
"""With fewer records the build process makes the site files itself: a fork would cost more than it saves."""

Made = tuple[list[str], list[str]]
"""The paths written (relative to the folder, in `site_files` order) and the warnings to log."""


class SiteOutputs:
    """One build's machine-readable site files, written to a temporary folder until MkDocs copies them.

    The feed and releases.json grow with the history (tens of MB at thousands of records): they wait on disk,
    not in memory. A build makes them in a forked process while the plugin renders the pages; serve makes
    them in its own process, where its memo lives.
    """

    def __init__(self) -> None:
        self.folder: Path | None = None
        self._cleanup: Callable[[], object] | None = None
        self._making: Beside[Made] | None = None

    def start(self, history: History, settings: Settings, *, policy: Policy | None, memo: SiteMemo | None,
              fork: bool) -> None:
        """Start making the files in a fresh folder, in a forked process when `fork` (if it pays and can)."""
        self.drop()
        folder = self.folder = Path(tempfile.mkdtemp(prefix="releasebook-"))
        # removed by the next build, at shutdown, or at the latest when the interpreter exits
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(folder), True)
        make = partial(write_site_files, folder, history, settings, policy=policy, memo=memo)
        # a memo must learn in this process
        fork = fork and memo is None and len(history.releases) >= MIN_RECORDS_TO_FORK
        self._making = Beside(make, fork=fork)

    @property
    def forked(self) -> bool:
        """Whether a forked process is making the files of the build started last."""
        return self._making is not None and self._making.forked

    def add_to(self, files: Files, config: MkDocsConfig) -> list[str]:
        """Add the files to MkDocs' (each replaces a file at its path) once made; the warnings to log."""
        assert self._making is not None and self.folder is not None, "start() first"
        paths, warnings = self._making.result()
        self._making = None
        for path in paths:
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, path, abs_src_path=str(self.folder / path),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
        return warnings

    def drop(self) -> None:
        """Remove the folder of the last build's files."""
        if self._making is not None:  # a build that failed before it took the files
            self._making.cancel()
            self._making = None
        if self._cleanup is not None:
            self._cleanup()
        self.folder = self._cleanup = None


def write_site_files(folder: Path, history: History, settings: Settings, *, policy: Policy | None,
                     memo: SiteMemo | None) -> Made:
    """Write `site_files` under `folder`, one file at a time; the paths written and the warnings."""
    outputs, warnings = site_files(history, settings, policy=policy, memo=memo)
    paths = list(outputs)
    for path in paths:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(outputs.pop(path))  # each file's bytes can go as soon as they are on disk
    return paths, warnings
