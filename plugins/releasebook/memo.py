"""Results of pure functions kept from one build to the next, reused while their inputs are the same.

`mkdocs serve` rebuilds the whole site on every save, but a save changes one record: the other records' pages,
feed entries and JSON entries come out the same. Their inputs are frozen dataclasses, compared field by field
(`same`: stricter than `==`), and the Checker hands back the very same `Release` objects for unchanged files,
so most comparisons stop at identity. A one-shot build uses no memo at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
        if kept is not None and same(kept[0], inputs):
            value = kept[1]
            self.reused += 1
            inputs = kept[0]  # keep the old inputs: the next comparison then stops at identity sooner
        else:
            value = make(*args)
            self.made += 1
        self._asked[key] = (inputs, value)
        return value


def same(old: Any, new: Any) -> bool:
    """Whether two inputs would print the same: `==`, but types, mapping order and float and time text count.

    `==` alone is too kind for a memo: `1 == 1.0 == True`, two datetimes for one instant in different offsets,
    and dicts in another order are equal, yet a page or an export prints them differently.
    """
    if old is new:
        return True
    kind = type(old)
    if kind is not type(new):
        return False
    if kind in (str, int, bool, bytes, type(None)):
        return bool(old == new)
    if dataclasses.is_dataclass(old) and not isinstance(old, type):
        return all(same(getattr(old, field.name), getattr(new, field.name))
                   for field in dataclasses.fields(old) if field.compare)
    if kind is dict:
        return len(old) == len(new) and all(
            same(left, right) and same(old[left], new[right]) for left, right in zip(old, new, strict=True))
    if kind in (tuple, list):
        return len(old) == len(new) and all(map(same, old, new))
    if kind is float or isinstance(old, (dt.date, dt.time)):
        return repr(old) == repr(new)
    return bool(old == new)


__all__ = ["Memo", "same"]
