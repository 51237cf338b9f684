"""`dumps_indented` writes exactly what `json.dumps(value, indent=2, ensure_ascii=False)` writes."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from releasebook.json_text import dumps_indented

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text())
KEYS = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
VALUES = st.recursive(
    SCALARS,
    lambda inner: (st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
                   | st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=30,
)


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_same_text_as_the_standard_library(value: Any) -> None:
    assert dumps_indented(value) == reference(value)


@settings(max_examples=100, deadline=None)
@given(VALUES)
def test_level_indents_for_the_place_in_a_bigger_document(value: Any) -> None:
    """A value encoded at level 2 is the text json.dumps writes for it two containers deep."""
    document = reference({"outer": [value]})
    assert f'"outer": [\n    {dumps_indented(value, level=2)}\n  ]' in document


class Text(str):
    pass


class Number(int):
    def __repr__(self) -> str:
        return "not used by json"


@pytest.mark.parametrize("value", [
    {"a": [], "b": {}, "c": [[]], "d": ()},
    [True, False, None, 0, -1, 1.5, 1e300, -0.0, math.inf, -math.inf, math.nan],
    {2: "int key", 2.5: "float key", True: "bool key", False: "false key", None: "null key"},
    {"quote\"and\\slash\n\t\u2028→\U0001f600": "\x00\x1f\x7f"},
    [Text("a str subclass"), Number(7), (1, (2, 3))],
    "",
    {},
])
def test_edge_cases(value: Any) -> None:
    assert dumps_indented(value) == reference(value)


@pytest.mark.parametrize("value", [{1, 2}, object(), {"a": [b"bytes"]}, {(1, 2): "tuple key"}])
def test_refuses_what_json_refuses_with_the_same_message(value: Any) -> None:
    with pytest.raises(TypeError) as expected:
        reference(value)
    with pytest.raises(TypeError) as got:
        dumps_indented(value)
    assert str(got.value) == str(expected.value)
