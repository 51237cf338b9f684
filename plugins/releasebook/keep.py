"""MkDocs glue: a clean build writes the generated pages over the last build's files, not into a new folder.

MkDocs empties site_dir before every build that is not `--dirty`, then creates every folder and file again.
Creating thousands of files just after deleting as many is slow on some disks (here, ext4 mounted with
`discard`): in a 1,000-record build (3,011 pages), emptying site_dir took 0.5-0.9 s and writing the pages
2.2-3.2 s, against 0.4-0.8 s for writing them over the last build's files.

So the folder of generated pages is set aside before MkDocs empties site_dir (`on_pre_build`; MkDocs leaves
hidden entries alone), pruned to exactly the files this build will write there once its files are final
(`on_env`), and put back before anything is written. MkDocs then writes every one of those files again, so
the site is the one a clean build makes. When anything is unexpected (the folder was made again meanwhile,
an error from the disk, a failed build), what was set aside is removed instead, as MkDocs would have.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from .render import INDEX_PATH

KEPT = INDEX_PATH.split("/")[0]
"""The folder of site_dir that holds the generated record pages (`releases`)."""

ASIDE = f".releasebook-previous-{KEPT}"
"""Where the folder waits while MkDocs empties site_dir: hidden, so MkDocs leaves it alone."""


class KeptPages:
    """The last build's folder of generated pages, from `set_aside` (on_pre_build) to `put_back` (on_env)."""

    def __init__(self) -> None:
        self._aside: Path | None = None
        self._folder: Path | None = None
        """The folder put back, while this build writes into it."""
        self.removed = 0
        """Files of the last build pruned by the latest `put_back` (this build does not write them)."""

    def set_aside(self, site_dir: str, *, keep: bool = True) -> bool:
        """Move the folder of generated pages out of MkDocs' way (unless not `keep`); False when none is."""
        self.discard()
        self._folder = None
        site = Path(site_dir)
        aside, folder = site / ASIDE, site / KEPT
        remove(aside)  # left behind by a build that was killed: never published, --dirty build or not
        if not keep or not folder.is_dir() or folder.is_symlink():
            return False
        try:
            folder.rename(aside)
        except OSError:
            return False
        self._aside = aside
        return True

    def put_back(self, site_dir: str, written: Iterable[str]) -> bool:
        """Keep only the files this build writes (`dest_uri`s) and move the folder back; False if removed."""
        aside, self._aside = self._aside, None
        self.removed = 0
        if aside is None:
            return False
        folder = Path(site_dir) / KEPT
        prefix = f"{KEPT}/"
        keep = {uri[len(prefix):] for uri in written if uri.startswith(prefix)}
        try:
            if os.path.lexists(folder):  # something wrote there already: a clean folder is what it expects
                raise FileExistsError(folder)
            self.removed = prune(aside, keep)
            if not any(aside.iterdir()):  # this build writes nothing there: a clean build has no folder
                aside.rmdir()
                return False
            aside.rename(folder)
        except OSError:
            remove(aside)
            return False
        self._folder = folder
        return True

    def skipped(self, path: str) -> None:
        """MkDocs writes no file at `path` (the page's output is blank): remove the last build's there, as a
        clean build would have none."""
        folder = self._folder
        if folder is not None and Path(path).is_relative_to(folder) and os.path.lexists(path):
            os.unlink(path)

    def discard(self) -> None:
        """Remove what was set aside and not put back (a failed build)."""
        aside, self._aside = self._aside, None
        if aside is not None:
            remove(aside)


def prune(root: Path, keep: set[str]) -> int:
    """Remove every file under `root` whose relative path is not in `keep`, then every folder left empty.

    Only a plain file MkDocs can write over in place is kept: a symbolic link, or a file with other hard links
    (a backup made with `cp -al`), would be written through, and a read-only file would fail the build, where
    a clean build deletes them and creates new files. Returns how many files were removed.
    """
    removed = 0
    emptied: set[str] = set()
    for folder, folders, files in os.walk(root, topdown=False):
        relative = os.path.relpath(folder, root)
        relative = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        left = 0
        links = {name for name in folders if os.path.islink(os.path.join(folder, name))}  # never walked
        for name in [*files, *links]:
            if relative + name in keep and writable_in_place(os.path.join(folder, name)):
                left += 1
            else:
                os.unlink(os.path.join(folder, name))
                removed += 1
        for name in folders:
            if name in links:
                continue
            path = os.path.join(folder, name)
            if path in emptied:
                os.rmdir(path)
            else:
                left += 1
        if not left:
            emptied.add(folder)
    return removed


def writable_in_place(path: str) -> bool:
    """A plain file with no other hard link, which this process may write to."""
    status = os.lstat(path)
    return stat.S_ISREG(status.st_mode) and status.st_nlink == 1 and os.access(path, os.W_OK)


def remove(path: Path) -> None:
    """Remove a folder and everything in it, if it is there."""
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)
