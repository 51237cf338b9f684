"""The whole check in one call: discover, load, validate, apply the rules, and build the model."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .load import Document, Limits, Source, load_file
from .memo import same
from .model import Policy, Release
from .problems import Problem, cap_per_file, count, sort_problems
from .rules import check_rules
from .settings import ConfigError, Settings, canonical
from .validate import SchemaChecker, build_policy, build_release, policy_checks, record_checks

RECORD_SUFFIXES = (".yml", ".yaml")

RecordResult = tuple[Document, list[Problem], Release | None]
"""What checking one record gives: its document, its problems, and its Release when it is valid."""


@dataclass
class Project:
    """Everything known after a check: the policy, the valid releases, and every problem, sorted."""

    settings: Settings
    policy: Policy | None
    releases: list[Release]
    problems: list[Problem]
    files: list[str] = field(default_factory=list)
    config_problems: bool = False

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return count(self.problems, "error")

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return count(self.problems, "warning")

    def summary(self) -> str:
        """`17 files, 2 errors, 0 warnings`."""
        files = len(self.files)
        return (f"{files} file{'s' if files != 1 else ''}, "
                f"{self.errors} error{'s' if self.errors != 1 else ''}, "
                f"{self.warnings} warning{'s' if self.warnings != 1 else ''}")


def discover(folder: Path, limit: int | None = None) -> list[Path]:
    """Every `*.yml`/`*.yaml` record below a folder (any case), recursively, sorted (hidden ones skipped).

    Symlinked folders are not followed. With `limit`, the walk stops once more than `limit` files are found,
    so a folder of a million files costs no more than the cap (the caller refuses it anyway).
    """
    found: list[Path] = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # Any letter case: a `2.5.0.YML` from a case-insensitive file system must not be silently left out.
        found.extend(Path(current) / name for name in names if name.lower().endswith(RECORD_SUFFIXES)
                     and not name.startswith("."))
        if limit is not None and len(found) > limit:
            break
    return sorted(found)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while thousands of records are turned into the model.

    Every full collection walks all live objects, and the model grows by about 50 objects a record, so the
    collector took a third of the time at 5,000 records. Records, nodes and the model hold no reference
    cycles, so reference counting still frees everything; collection resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def escapes(path: Path, root: Path) -> bool:
    """Whether a record inside the project root is a symlink to a file outside it.

    A pull request can add a symlink named `x.yml` to `/etc/passwd` or a CI secret; its text would end up in
    error messages or on the site, so such records are refused before they are read. A file named outside
    the root on the command line is the caller's choice and is read.
    """
    if not os.path.islink(path):
        return False  # the folder resolves inside or outside as a whole; only a linked file can escape
    base = canonical(root)
    if not (canonical(path.parent) / path.name).is_relative_to(base):
        return False
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False  # load_file reports the broken link or the loop
    return not real.is_relative_to(base)


class Checker:
    """Compiled schemas and the policy, reused across runs (the serve loop checks again on every save)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.release_schema = _load_schema(settings.schema_path(settings.schema, "release.schema.json"),
                                           settings)
        self.policy_schema = _load_schema(settings.schema_path(settings.policy_schema, "policy.schema.json"),
                                          settings)
        # Results per record file, reused while the file and the policy are unchanged: `mkdocs serve` keeps
        # one Checker, so a save re-reads only the record that changed.
        self._results: dict[tuple[str, str], tuple[tuple[int, int, int], RecordResult]] = {}
        self._results_policy: Policy | None = None

    def check_record_cached(self, path: Path, policy: Policy | None, display: str) -> RecordResult:
        """`check_record`, answered from the cache when the file's stat and the policy are unchanged."""
        try:
            stat = path.stat()
        except OSError:
            return self.check_record(path, policy, display)
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        key = (os.fspath(path), display)
        cached = self._results.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        result = self.check_record(path, policy, display)
        self._results[key] = (stamp, result)
        return result

    def load_policy(self) -> tuple[Policy | None, list[Problem]]:
        """The policy, or the located problems that stop it from loading."""
        path = self.settings.path(self.settings.policy)
        display = self.settings.display(path)
        if not path.is_file():
            raise ConfigError(f"policy file not found: {display} (set the 'policy' option)")
        document = load_file(path, display, Limits(max_depth=64))
        problems = document.problems + self.policy_schema.check(document)
        if not problems:
            problems = policy_checks(document)
        if problems or document.data is None:
            return None, problems
        return build_policy(document.data, display), []

    def check_record(self, path: Path, policy: Policy | None,
                     display: str | None = None) -> tuple[Document, list[Problem], Release | None]:
        """Load and check one record; its Release when it is valid."""
        display = self.settings.display(path) if display is None else display
        if escapes(path, self.settings.root):
            problem = Problem(display, 1, 1, "", "record is a symlink to a file outside the project; "
                              "records must be files inside the repository")
            return Document(Source(display, ""), None, [problem]), [problem], None
        document = load_file(path, display, self.settings.limits)
        problems = document.problems + self.release_schema.check(document)
        stem = path.name.rsplit(".", 1)[0]
        problems += record_checks(document, policy, stem)
        problems = cap_per_file(problems)
        release = None
        if not problems and document.data is not None and policy is not None:
            document.forget_nodes()  # thousands of valid records must not keep their node trees
            try:
                release = build_release(document.data, policy, display)
            except (KeyError, TypeError, ValueError, OverflowError) as error:
                # A gap between the checks and the model: still a located problem, never a traceback.
                problems.append(Problem(display, 1, 1, "", f"internal error while reading this record "
                                        f"({type(error).__name__}: {error}); please report it"))
        return document, problems, release

    def check(self, paths: list[Path] | None = None, only: set[str] | None = None) -> Project:
        """Check records (default: everything under `releases_dir`) against the policy and each other.

        With `only`, problems are reported for those files (and the policy) alone, while the rules still see
        the whole history: a pre-commit hook passes just the changed files.
        """
        settings = self.settings
        policy, problems = self.load_policy()
        if policy is None or policy != self._results_policy:
            self._results.clear()
            self._results_policy = policy
        elif same(self._results_policy, policy):
            # the same policy as last time: hand back the same object, so what is built from it compares fast
            policy = self._results_policy
        else:
            # equal by ==, yet printed differently (a mapping's order, say: pages list release types in
            # policy order): the records' results still hold, the new object is handed out
            self._results_policy = policy
        if paths is None:
            folder = settings.path(settings.releases_dir)
            if not folder.is_dir():
                raise ConfigError(f"releases folder not found: {settings.display(folder)} "
                                  "(set 'releases_dir')")
            paths = discover(folder, limit=settings.max_records)
        if len(paths) > settings.max_records:
            problems.append(Problem(settings.display(settings.path(settings.releases_dir)), 1, 1, "",
                                    f"more than {settings.max_records:,} record files: over the limit "
                                    "(max_records); nothing was checked"))
            return Project(settings, policy, [], sort_problems(problems), [])
        files = settings.displays(paths)
        documents: dict[str, Document] = {}
        releases: list[Release] = []
        with _no_cyclic_gc():
            for path, display in zip(paths, files, strict=True):
                document, found, release = self.check_record_cached(path, policy, display)
                problems.extend(found)
                documents[document.source.path] = document
                if release is not None:
                    releases.append(release)
            problems.extend(check_rules(releases, documents, policy))
        if only is not None:
            keep = only | {settings.display(settings.path(settings.policy))}
            problems = [p for p in problems if p.file in keep]
            files = [f for f in files if f in only]
        if settings.enforce == "warning":
            problems = [Problem(p.file, p.line, p.col, p.path, p.message, "warning", p.rule)
                        if p.rule and p.rule != "duplicates" else p for p in problems]
        return Project(settings, policy, releases, sort_problems(problems), files,
                       config_problems=policy is None)


def _load_schema(path: Path, settings: Settings) -> SchemaChecker:
    try:
        return SchemaChecker.from_file(path)
    except FileNotFoundError as error:
        raise ConfigError(f"schema file not found: {settings.display(path)}") from error
    except (OSError, ValueError) as error:
        raise ConfigError(f"{settings.display(path)}: not a readable JSON schema: {error}") from error
    except Exception as error:
        # Only a broken schema gets here: a valid one never loads jsonschema.
        from jsonschema import SchemaError

        if not isinstance(error, SchemaError):
            raise
        raise ConfigError(f"{settings.display(path)}: not a valid Draft 2020-12 schema: "
                          f"{error.message}") from error


def check_project(settings: Settings, paths: list[Path] | None = None) -> Project:
    """One-shot check of a project (the CLI's `validate`)."""
    return Checker(settings).check(paths)


__all__ = ["Checker", "Project", "check_project", "discover"]
