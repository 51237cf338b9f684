"""MkDocs hook for the benchmark: dump the pages a build converts, and its nav, for a plain-MkDocs twin.

The harness adds this hook (and only for one untimed build) to the project with the releasebook plugin. It
writes, under `$RELEASEBOOK_BENCH_DUMP`:
- `docs/<src_uri>`: every page's final Markdown (after every plugin, including macros) with its front matter,
  and every generated non-page file;
- `nav.yml`: the final navigation as a `nav:` value.

A second project whose `mkdocs.yml` inherits the first one's, drops the releasebook plugin and uses these
docs and this nav then builds the very same pages with plain MkDocs: the floor the plugin is compared against.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from mkdocs.plugins import event_priority

_OUT = Path(os.environ.get("RELEASEBOOK_BENCH_DUMP", "bench-dump"))


def _write(relative: str, data: bytes) -> None:
    target = _OUT / "docs" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


@event_priority(-100)
def on_files(files: Any, config: Any) -> Any:
    """Dump generated files that are not pages (pages are dumped after their Markdown is final)."""
    for file in files:
        if getattr(file, "generated_by", None) and not file.is_documentation_page():
            _write(file.src_uri, file.content_bytes)
    return files


def _nav_items(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item.is_section:
            out.append({item.title: _nav_items(item.children)})
        elif item.is_page:
            title = item.title  # only the nav's own title is known before the page is read
            out.append({title: item.file.src_uri} if title else item.file.src_uri)
        else:
            out.append({item.title: item.url})
    return out


@event_priority(-100)
def on_nav(nav: Any, config: Any, files: Any) -> Any:
    """Dump the final navigation."""
    _OUT.mkdir(parents=True, exist_ok=True)
    (_OUT / "nav.yml").write_text(
        yaml.safe_dump(_nav_items(nav.items), sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return nav


@event_priority(-100)
def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Dump the page's final Markdown; macros must not run a second time on it in the twin."""
    meta = dict(page.meta or {})
    meta["render_macros"] = False
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    _write(page.file.src_uri, f"---\n{front}---\n\n{markdown}".encode())
    return markdown
