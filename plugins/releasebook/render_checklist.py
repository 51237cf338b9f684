"""What a checklist page shows, decided in Python: each item's line, details only where they say something.

Split from `render_views` (which holds the views every page shares); the templates only lay these out. A done
item is its checked box and its text; any other state, an owner, evidence or a note adds the details, so a
released record's page stays small (issue 7) and every state can still be told apart: done (checked, no word),
skipped (checked, "Skipped"), in progress, pending and blocked (unchecked, with the word).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import ItemStatus, ItemStatusName, Release

ITEM_BADGES: dict[ItemStatusName, tuple[str, str]] = {
    "done": (":material-check-circle:", "Done"),
    "skipped": (":material-skip-next-circle-outline:", "Skipped"),
    "in-progress": (":material-progress-clock:", "In progress"),
    "pending": (":material-circle-outline:", "Pending"),
    "blocked": (":material-close-octagon:", "Blocked"),
}
ITEM_WORD_ORDER: tuple[ItemStatusName, ...] = ("done", "skipped", "in-progress", "pending", "blocked")
"""The order of the states in a checklist's counts line: `9 done, 2 skipped, 1 pending`."""


@dataclass(frozen=True)
class ItemView:
    """One checklist item as its line shows it: a plainly done item is its checked box and text, nothing more.

    Anything else (a status other than done, an owner, evidence, a note) brings the details: the status word,
    "Conditional" where a skip is allowed, owner, evidence link, the item's id and the note.
    """

    item: ItemStatus

    @property
    def id(self) -> str:
        """The policy's id for the item, e.g. `performance`."""
        return self.item.id

    @property
    def text(self) -> str:
        """The policy's text for the item."""
        return self.item.text

    @property
    def owner(self) -> str:
        """Who owns the item, or ""."""
        return self.item.owner

    @property
    def evidence(self) -> str:
        """A link to the evidence, or ""."""
        return self.item.evidence

    @property
    def note(self) -> str:
        """The record's note on the item, or ""."""
        return self.item.note

    @property
    def checked(self) -> bool:
        """Done and skipped items tick the box: both count as complete."""
        return self.item.status in ("done", "skipped")

    @property
    def plain(self) -> bool:
        """Done, with no owner, evidence or note: the checked box says everything."""
        item = self.item
        return item.status == "done" and not (item.owner or item.evidence or item.note)

    @property
    def word(self) -> str:
        """The status in words for any item not plainly done: `Skipped`, `Blocked`; "" for a done item."""
        return "" if self.item.status == "done" else ITEM_BADGES[self.item.status][1]

    @property
    def icon(self) -> str:
        """The status icon, for an override that wants one (the shipped page shows words); "" when done."""
        return "" if self.item.status == "done" else ITEM_BADGES[self.item.status][0]

    @property
    def conditional(self) -> bool:
        """Show "Conditional" (the policy allows a skip): only where the item is not done."""
        return self.item.conditional and self.item.status != "done"

    @property
    def note_inline(self) -> bool:
        """A one-line note goes on the item's line; a longer one follows as its own paragraphs."""
        return bool(self.item.note.strip()) and "\n" not in self.item.note.strip()


@dataclass(frozen=True)
class ChecklistView:
    """One checklist of a record: its items' lines and how many are in each state."""

    title: str
    items: tuple[ItemView, ...]
    done: int
    total: int
    counts_text: str
    """`9 done, 2 skipped, 1 pending`: every state that occurs, in `ITEM_WORD_ORDER`."""


def checklist_views(release: Release) -> tuple[ChecklistView, ...]:
    """The record's checklists in the policy's order, each item with the details it needs."""
    views = []
    for checklist in release.checklists:
        counts = {status: len(checklist.with_status(status)) for status in ITEM_WORD_ORDER}
        text = ", ".join(f"{count} {ITEM_BADGES[status][1].lower()}"
                         for status, count in counts.items() if count)
        views.append(ChecklistView(checklist.title, tuple(ItemView(item) for item in checklist.items),
                                   checklist.done, checklist.total, text))
    return tuple(views)


__all__ = ["ITEM_BADGES", "ChecklistView", "ItemView", "checklist_views"]
