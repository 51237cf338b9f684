"""`mkdocs serve` rebuilds reuse pages, feed entries and JSON entries whose inputs are unchanged (memo.py).

Every test compares against a build without a memo: reuse must never change a byte of the output.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from releasebook.export import SiteMemo, site_files
from releasebook.history import build_history
from releasebook.memo import Memo, same
from releasebook.pipeline import Checker
from releasebook.render import PACKAGE_TEMPLATES, RenderMemo, render_site
from releasebook.settings import Settings

from .render_helpers import FIXTURE


def test_memo_reuses_a_value_only_for_equal_inputs() -> None:
    memo: Memo[str] = Memo()
    calls: list[str] = []

    def make(text: str) -> str:
        calls.append(text)
        return text.upper()

    memo.start()
    assert memo.get("a", (1, [2]), make, "a") == "A"
    assert memo.get("b", (1,), make, "b") == "B"
    memo.start()
    assert memo.get("a", (1, [2]), make, "x") == "A"  # equal inputs: kept, `make` not called
    assert memo.get("b", (2,), make, "b2") == "B2"  # other inputs: made again
    assert calls == ["a", "b", "b2"]
    assert (memo.made, memo.reused) == (1, 1)
    memo.start()  # "a" and "b" were asked for last time; "c" never was
    assert memo.get("c", (), make, "c") == "C"
    memo.start()
    assert memo.get("a", (1, [2]), make, "a") == "A"
    assert calls == ["a", "b", "b2", "c", "a"], "a value the previous build did not ask for is dropped"


def test_memo_clear_forgets_everything() -> None:
    memo: Memo[int] = Memo()
    memo.start()
    memo.get("k", 1, lambda: 1)
    memo.clear()
    memo.start()
    assert memo.get("k", 1, lambda: 2) == 2


def _project(root: Path) -> tuple[Settings, Checker]:
    settings = Settings(root=root)
    return settings, Checker(settings)


def _render(checker: Checker, settings: Settings, render_memo: RenderMemo | None,
            site_memo: SiteMemo | None) -> tuple[dict[str, str], dict[str, bytes]]:
    project = checker.check()
    assert project.policy is not None and not project.errors
    history = build_history(project.releases, project.policy)
    pages = {page.path: page.content for page in render_site(project, history, settings, memo=render_memo)}
    files, _ = site_files(history, settings, policy=project.policy, memo=site_memo)
    return pages, files


def _touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_rebuild_after_one_record_changes_redoes_only_what_depends_on_it(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    settings, checker = _project(root)
    render_memo, site_memo = RenderMemo(), SiteMemo()
    first = _render(checker, settings, render_memo, site_memo)
    assert first == _render(Checker(settings), settings, None, None)
    page_count = len(first[0])
    assert render_memo.pages.made == page_count and render_memo.pages.reused == 0

    # nothing changed: every page and every entry is reused, and the output is the same
    assert _render(checker, settings, render_memo, site_memo) == first
    assert (render_memo.pages.made, render_memo.pages.reused) == (0, page_count)
    assert site_memo.json_entries.made == 0 and site_memo.json_entries.reused > 0
    assert site_memo.feed_entries.made == 0 and site_memo.feed_entries.reused > 0

    # one record's summary changes: its notes page and the index change, its checklist does not
    changed = root / "releases" / "1.10.1.yml"
    text = changed.read_text(encoding="utf-8")
    assert "summary: Backport of the CSV injection fix" in text
    _touch(changed, text.replace("summary: Backport", "summary: Rewritten for the memo test. Backport"))
    second = _render(checker, settings, render_memo, site_memo)
    assert second == _render(Checker(settings), settings, None, None)
    changed_pages = {path for path in second[0] if second[0][path] != first[0][path]}
    assert "releases/index.md" in changed_pages
    assert "releases/1.10.1/index.md" in changed_pages
    assert "releases/1.10.1/checklist.md" not in changed_pages
    assert 0 < render_memo.pages.made < page_count
    assert render_memo.pages.made >= len(changed_pages)
    assert site_memo.json_entries.made >= 1 and site_memo.json_entries.reused > 0
    assert second[1]["releases/releases.json"] != first[1]["releases/releases.json"]


def test_an_edited_template_renders_every_page_again(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    templates = root / "templates"
    templates.mkdir()
    settings = Settings(root=root, templates_dir="templates")
    checker = Checker(settings)
    render_memo = RenderMemo()
    first, _ = _render(checker, settings, render_memo, None)

    # an override of the shared macros changes pages whose own template file did not change
    shared = PACKAGE_TEMPLATES / "_macros.md.j2"
    _touch(templates / "_macros.md.j2", shared.read_text(encoding="utf-8") + "{# edited #}\n")
    second, _ = _render(checker, settings, render_memo, None)
    assert render_memo.pages.reused == 0 and render_memo.pages.made == len(second)
    assert second == first  # a comment changes no page

    _touch(templates / "checklist.md.j2", "---\ntitle: \"{{ r.release.version }}\"\n---\n\n# Overridden\n")
    third, _ = _render(checker, settings, render_memo, None)
    overridden = [path for path in third if path.endswith("/checklist.md")]
    assert overridden and all("# Overridden" in third[path] for path in overridden)
    assert third == _render(Checker(settings), settings, None, None)[0]


def test_reordering_the_policy_reorders_the_pages_that_list_it(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    settings, checker = _project(root)
    render_memo = RenderMemo()
    first, _ = _render(checker, settings, render_memo, None)
    policy = root / "policy.yml"
    text = policy.read_text(encoding="utf-8")
    patch = "  patch:\n    title: Patch\n    description: Hotfixes addressing critical production issues\n"
    assert patch in text
    # the same policy by `==` (a dict in another order), but the policy page lists the types in file order
    _touch(policy, text.replace(patch, "").replace("\nchecklists:", f"{patch}\nchecklists:", 1))
    second, _ = _render(checker, settings, render_memo, None)
    assert second == _render(Checker(settings), settings, None, None)[0]
    assert second["policy/index.md"] != first["policy/index.md"]


def test_same_is_stricter_than_equality_where_the_output_would_differ() -> None:
    assert 1 == 1.0 == True and not same(1, 1.0) and not same(1, True)
    utc = dt.datetime(2026, 4, 14, 14, 5, tzinfo=dt.UTC)
    east = dt.datetime(2026, 4, 14, 16, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert utc == east and not same(utc, east)
    assert {"a": 1, "b": 2} == {"b": 2, "a": 1} and not same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert same({"a": [1, (2.5, "x")]}, {"a": [1, (2.5, "x")]})
    assert not same((1, 2), [1, 2]) and not same([1], [1, 2])


@pytest.mark.parametrize(("before", "after"), [
    ('detected_at: "2026-04-14T16:05:00+02:00"', 'detected_at: "2026-04-14T14:05:00Z"'),
    ("x-rollout: 1\n", "x-rollout: true\n"),
    ("x-rollout: 1\n", "x-rollout: 1.0\n"),
    ("  estimated_fix_hours: 16\n", "  estimated_fix_hours: 16.0\n"),
])
def test_an_edit_that_equality_misses_still_reaches_the_site(tmp_path: Path, before: str, after: str) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    record = root / "releases" / "2.1.0.yml"
    text = record.read_text(encoding="utf-8")
    if before not in text:
        text += before
    _touch(record, text)
    settings, checker = _project(root)
    render_memo, site_memo = RenderMemo(), SiteMemo()
    first = _render(checker, settings, render_memo, site_memo)
    _touch(record, text.replace(before, after))
    served = _render(checker, settings, render_memo, site_memo)
    assert served == _render(Checker(settings), settings, None, None)
    assert served[1]["releases/releases.json"] != first[1]["releases/releases.json"]


def test_an_override_template_printing_a_record_value_follows_its_edits(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "templates").mkdir()
    (root / "templates" / "checklist.md.j2").write_text(
        "---\ntitle: checklist\n---\n\n"
        "{% if r.release.incident %}{{ r.release.incident.detected_at }}{% endif %}\n", encoding="utf-8")
    settings = Settings(root=root, templates_dir="templates")
    checker, render_memo = Checker(settings), RenderMemo()
    _render(checker, settings, render_memo, None)
    record = root / "releases" / "2.1.0.yml"
    _touch(record, record.read_text(encoding="utf-8").replace("16:05:00+02:00", "14:05:00Z"))
    pages, _ = _render(checker, settings, render_memo, None)
    assert "14:05:00+00:00" in pages["releases/2.1.0/checklist.md"]
