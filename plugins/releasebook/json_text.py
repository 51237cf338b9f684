"""Indented JSON text, character for character what `json.dumps(value, indent=2, ensure_ascii=False)` writes.

With an `indent`, the standard library skips its C encoder and walks the value with nested Python generators,
joining one list of millions of small strings at the end: for `releases.json` at 5,000 records that took
seconds and about half a gigabyte at its peak. Here every container joins its own children, so the peak is
about twice the finished text, and strings are escaped by the same C function the standard library uses.
"""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "
_INFINITY = float("inf")


def dumps_indented(value: Any, *, level: int = 0) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)` for a tree of JSON values (no reference cycles).

    With `level`, the text is indented for a value nested that many containers deep in a bigger document.
    """
    return _encode(value, "\n" + _INDENT * level)


def _encode(value: Any, newline: str) -> str:
    # The order of the checks is the standard library's, so bools, int and str subclasses encode the same.
    if isinstance(value, str):
        return encode_basestring(value)
    scalar = _scalar(value)
    if scalar is not None:
        return scalar
    inner = newline + _INDENT
    separator = "," + inner
    # One list per container, brackets and separators included, joined once: a big child is copied only into
    # its parent's text, never into an intermediate string as well.
    parts: list[str]
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        parts = ["[", inner]
        for item in value:
            # Text is by far the commonest value: encoded here, without a call to _encode.
            parts.append(encode_basestring(item) if type(item) is str else _encode(item, inner))
            parts.append(separator)
        parts[-1] = newline + "]"
        return "".join(parts)
    if isinstance(value, dict):
        if not value:
            return "{}"
        parts = ["{", inner]
        for key, item in value.items():
            parts.append(encode_basestring(key if type(key) is str else _key(key)))
            parts.append(": ")
            parts.append(encode_basestring(item) if type(item) is str else _encode(item, inner))
            parts.append(separator)
        parts[-1] = newline + "}"
        return "".join(parts)
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _float(value: float) -> str:
    """A float as the standard library writes it with `allow_nan=True`."""
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str | None:
    """null, a bool or a number as JSON text, as the standard library writes it; None for anything else."""
    if value is None:
        return "null"
    if value is True:  # before int: bool is an int
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    """A mapping key as text, converted as the standard library converts it."""
    if isinstance(key, str):
        return key
    scalar = _scalar(key)
    if scalar is not None:
        return scalar
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


__all__ = ["dumps_indented"]
