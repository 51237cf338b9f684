"""Settings shared by the MkDocs plugin and the command line, read from `mkdocs.yml` when present."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from .load import Limits

PACKAGE_SCHEMAS = Path(__file__).resolve().parent / "schemas"


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
    max_file_bytes: int = Limits.max_file_bytes
    max_depth: int = Limits.max_depth
    max_records: int = Limits.max_records
    focus: tuple[str, ...] = ()
    site_url: str = ""
    repo_url: str = ""

    @property
    def limits(self) -> Limits:
        """The resource caps."""
        return Limits(self.max_file_bytes, self.max_depth, self.max_records)

    def path(self, value: str) -> Path:
        """A setting's path, relative to the project root."""
        return (self.root / value).resolve() if not Path(value).is_absolute() else Path(value)

    def schema_path(self, value: str, packaged: str) -> Path:
        """A schema file: the project's own when it exists, else the copy shipped in the package."""
        path = self.path(value)
        return path if path.exists() else PACKAGE_SCHEMAS / packaged

    def display(self, path: Path) -> str:
        """A path as shown in messages: relative to the project root, with forward slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def with_options(self, options: dict[str, Any]) -> Settings:
        """These settings with plugin options applied; unknown options are a ConfigError."""
        names = {f.name for f in fields(self)} - {"root", "site_url", "repo_url"}
        unknown = sorted(set(options) - names)
        if unknown:
            raise ConfigError(f"unknown releasebook option(s): {', '.join(unknown)}")
        clean: dict[str, Any] = {k: (tuple(v) if k == "focus" else v) for k, v in options.items()
                                 if v is not None}
        return replace(self, **clean)


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
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{config_file}: cannot read: {error}") from error
    root = config_file.parent.resolve()
    settings = Settings(root=root)
    if not isinstance(data, dict):
        return settings
    options: dict[str, Any] = {}
    for entry in data.get("plugins") or []:
        if isinstance(entry, dict) and "releasebook" in entry:
            options = entry["releasebook"] or {}
    settings = replace(settings, site_url=str(data.get("site_url") or ""),
                       repo_url=str(data.get("repo_url") or ""))
    return settings.with_options(options)
