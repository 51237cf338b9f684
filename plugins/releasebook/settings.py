"""Settings shared by the MkDocs plugin and the command line, read from `mkdocs.yml` when present."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from .load import Limits
from .problems import did_you_mean

PACKAGE_SCHEMAS = Path(__file__).resolve().parent / "schemas"

# Python's own stack bounds how deep the loader can walk; libyaml stops at 1,000 levels anyway.
MAX_DEPTH_CEILING = 100
_WHOLE_NUMBER_RANGES = {
    "max_file_bytes": (1, None), "max_depth": (1, MAX_DEPTH_CEILING), "max_records": (1, None),
    "workers": (0, None),
}
_TEXT_OPTIONS = ("releases_dir", "policy", "schema", "policy_schema", "templates_dir", "tag_format")


def canonical(path: Path) -> Path:
    """An absolute path with symlinks resolved where possible; a symlink loop stays as written."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop on Python 3.11 and 3.12
        return Path(os.path.abspath(path))


class ConfigError(Exception):
    """A usage or configuration problem: the CLI exits 2, the plugin aborts the build."""


@dataclass(frozen=True)
class Settings:
    """Where the records, policy and schemas live, and how strictly to enforce the policy.

    The plugin's config class (`plugin.ReleasebookConfig`) documents each option for users; this is the same
    set without MkDocs, so the CLI and other front-ends read identical settings.
    """

    root: Path = field(default_factory=Path.cwd)
    releases_dir: str = "releases"
    policy: str = "policy.yml"
    schema: str = "schemas/release.schema.json"
    policy_schema: str = "schemas/policy.schema.json"
    templates_dir: str | None = None
    enforce: Literal["error", "warning"] = "error"
    tag_format: str = "v{version}"
    # Resource caps (see SECURITY.md): bytes per record file, nesting levels inside a record (1 to
    # MAX_DEPTH_CEILING), and record files per project. Input over a cap is refused with a located problem.
    max_file_bytes: int = Limits.max_file_bytes
    max_depth: int = Limits.max_depth
    max_records: int = Limits.max_records
    focus: tuple[str, ...] = ()
    # Processes converting generated pages in `mkdocs build`: None uses every CPU available, 0 or 1 none.
    workers: int | None = None
    site_url: str = ""
    repo_url: str = ""

    @property
    def limits(self) -> Limits:
        """The resource caps."""
        return Limits(self.max_file_bytes, self.max_depth, self.max_records)

    def path(self, value: str) -> Path:
        """A setting's path, relative to the project root."""
        return canonical(self.root / value) if not Path(value).is_absolute() else Path(value)

    def schema_path(self, value: str, packaged: str) -> Path:
        """A schema file: the project's own when it exists, else the copy shipped in the package."""
        path = self.path(value)
        return path if path.exists() else PACKAGE_SCHEMAS / packaged

    def display(self, path: Path) -> str:
        """A path as shown in messages: relative to the project root, with forward slashes.

        The folder is resolved, the file name is kept: a symlinked record is named as written, and a symlink
        loop is named rather than raising.
        """
        try:
            return (canonical(path.parent) / path.name).relative_to(canonical(self.root)).as_posix()
        except ValueError:
            return path.as_posix()

    def displays(self, paths: Iterable[Path]) -> list[str]:
        """`display()` of many paths, resolving each folder once rather than every file's full path.

        A file that is not a symlink resolves to its resolved folder plus its name, so the strings are the
        same as `display()` gives; symlinks and odd names take the full `display()`.
        """
        if os.sep != "/":
            return [self.display(path) for path in paths]
        root = str(self.root.resolve())
        prefix = root if root.endswith("/") else root + "/"
        folders: dict[str, str] = {}
        shown: list[str] = []
        for path in paths:
            text = os.fspath(path)
            folder, name = os.path.split(text)
            if name in ("", ".", "..") or os.path.islink(text):
                shown.append(self.display(path))
                continue
            if folder not in folders:
                folders[folder] = os.path.realpath(folder or ".")
            resolved = os.path.join(folders[folder], name)
            if resolved.startswith(prefix):
                shown.append(resolved[len(prefix):])
            else:
                shown.append(self.display(path))
        return shown

    def with_options(self, options: Any) -> Settings:
        """These settings with plugin options applied; unknown or ill-typed options are a ConfigError."""
        if not isinstance(options, dict):
            raise ConfigError("the releasebook plugin options must be a mapping of option: value")
        names = sorted({f.name for f in fields(self)} - {"root", "site_url", "repo_url"})
        unknown = sorted(str(name) for name in set(options) - set(names))
        if unknown:
            listed = ", ".join(name + did_you_mean(name, names) for name in unknown)
            raise ConfigError(f"unknown releasebook option(s): {listed}")
        clean: dict[str, Any] = {k: _checked_option(k, v) for k, v in options.items() if v is not None}
        return replace(self, **clean)


def _checked_option(name: str, value: Any) -> Any:
    """An option's value as Settings holds it; a wrong type or range would fail later, unexplained."""
    wrong = f"releasebook option '{name}' must be"
    if name in _WHOLE_NUMBER_RANGES:
        low, high = _WHOLE_NUMBER_RANGES[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
            span = f"from {low} to {high}" if high else f"of at least {low}"
            raise ConfigError(f"{wrong} a whole number {span}, got {value!r}")
    if name in _TEXT_OPTIONS and not isinstance(value, str):
        raise ConfigError(f"{wrong} text, got {value!r}")
    if name == "enforce" and value not in ("error", "warning"):
        raise ConfigError(f"{wrong} 'error' or 'warning', got {value!r}")
    if name == "focus":
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{wrong} a list of text, got {value!r}")
        return tuple(value)
    return value


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its Python tags (`!!python/name:...`, `!ENV`)."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    return None


_ConfigLoader.add_multi_constructor("", _ignore_tag)


def find_config(start: Path) -> Path | None:
    """The nearest mkdocs.yml at or above `start`."""
    for folder in (start, *start.parents):
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            if (folder / name).is_file():
                return folder / name
    return None


def settings_from_mkdocs(config_file: Path | None) -> Settings:
    """Settings from the `releasebook` entry under `plugins:` in mkdocs.yml (defaults when absent)."""
    if config_file is None:
        return Settings(root=Path.cwd())
    shown = _shown_path(config_file)
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{shown}: cannot read: not UTF-8 text ({error.reason})") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).replace("\n", " ")
        raise ConfigError(f"{shown}{where}: cannot read: {problem}") from error
    root = config_file.parent.resolve()
    settings = Settings(root=root)
    if not isinstance(data, dict):
        return settings
    settings = replace(settings, site_url=str(data.get("site_url") or ""),
                       repo_url=str(data.get("repo_url") or ""))
    try:
        return settings.with_options(_plugin_options(data.get("plugins")))
    except ConfigError as error:
        raise ConfigError(f"{shown}: {error}") from error


def _plugin_options(plugins: Any) -> Any:
    """The releasebook options under `plugins:`, which MkDocs accepts as a list or as a mapping."""
    if isinstance(plugins, dict):
        return plugins.get("releasebook") or {}
    for entry in plugins if isinstance(plugins, list) else []:
        if isinstance(entry, dict) and "releasebook" in entry:
            return entry["releasebook"] or {}
    return {}


def _shown_path(path: Path) -> str:
    """A path as the user would type it from here: relative to the working folder when it is below it."""
    try:
        return canonical(path).relative_to(canonical(Path.cwd())).as_posix()
    except ValueError:
        return path.as_posix()
