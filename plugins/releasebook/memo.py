"""Results of pure functions kept from one build to the next, reused while their inputs compare equal.

`mkdocs serve` rebuilds the whole site on every save, but a save changes one record: the other records' pages,
feed entries and JSON entries come out the same. Their inputs are frozen dataclasses, which compare by value,
and the Checker hands back the very same `Release` objects for unchanged files, so most comparisons stop at
identity. A one-shot build uses no memo at all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """Values by key, each kept with the inputs it was made from; a build keeps only what it asked for."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[Any, T]] = {}
        self._asked: dict[Hashable, tuple[Any, T]] = {}
        self.made = 0
        """Values made (not reused) since the last `start`, for tests and the debug log."""
        self.reused = 0
        """Values reused since the last `start`."""

    def start(self) -> None:
        """Begin a build: what the previous build asked for stays available, everything older is dropped."""
        if self._asked:
            self._kept = self._asked
        self._asked = {}
        self.made = self.reused = 0

    def clear(self) -> None:
        """Forget everything (the function itself changed, e.g. a template was edited)."""
        self._kept.clear()
        self._asked.clear()

    def get(self, key: Hashable, inputs: Any, make: Callable[..., T], *args: Any) -> T:
        """The value kept for `key` if made from equal `inputs`; else `make(*args)`, kept for next time."""
        kept = self._kept.get(key)
        if kept is not None and (kept[0] is inputs or kept[0] == inputs):
            value = kept[1]
            self.reused += 1
            inputs = kept[0]  # keep the old inputs: the next comparison then stops at identity sooner
        else:
            value = make(*args)
            self.made += 1
        self._asked[key] = (inputs, value)
        return value

    def intern(self, key: Hashable, value: T) -> T:
        """The value kept for `key` when it equals `value`, else `value` (kept); equal objects become one."""
        kept = self._kept.get(key)
        if kept is not None and kept[1] == value:
            value = kept[1]
        self._asked[key] = (None, value)
        return value


__all__ = ["Memo"]
