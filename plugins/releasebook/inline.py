"""Python-Markdown's inline step without trying patterns that cannot match: same output, less work.

For every piece of text, Python-Markdown's `InlineProcessor` tries each inline pattern in turn (15 with
Material's usual extensions), and most attempts fail: a plain sentence holds no backtick, bracket, `<` or
`&`. Each attempt is a Python call, and a record page has dozens of pieces of text.

Most patterns must begin with one of a few characters, or with a fixed text (`  \n` for a line break);
`start_characters()` reads that from the regular expression itself. `QuickInlineProcessor` skips a pattern
when the text holds no such beginning from where the pattern's search would start, which is exactly when the
pattern's own search would find nothing; everything else is Python-Markdown's own code. It replaces only
Python-Markdown's own inline processor, in the versions whose loop it repeats (`install()`). Converting the
3,000 record pages of a 1,000-record history took about a fifth less CPU time with it.
"""

from __future__ import annotations

import functools
import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

import markdown
from markdown import util
from markdown.inlinepatterns import InlineProcessor as PatternProcessor
from markdown.treeprocessors import InlineProcessor

CHECKED_VERSIONS = ((3, 4), (3, 12))
"""Python-Markdown versions, from (inclusive) and to (exclusive), whose `__handleInline` loop this repeats."""

_ZERO_WIDTH = frozenset({sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.AT})
_REPEATS = frozenset({sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT})


def _first_characters(items: Any) -> frozenset[str] | None:
    """Characters one of which begins every match of this sequence of parsed items; None when unknown."""
    for op, argument in items:
        if op in _ZERO_WIDTH:  # a lookaround or anchor consumes nothing: the next item begins the match
            continue
        if op is sre_constants.LITERAL:
            return frozenset(chr(argument))
        if op is sre_constants.IN:
            if all(kind is sre_constants.LITERAL for kind, _ in argument):
                return frozenset(chr(code) for _, code in argument)
            return None  # a range, a class or a negation: too many characters to be worth it
        if op is sre_constants.SUBPATTERN:
            _group, added_flags, _removed, pattern = argument
            return None if added_flags & re.IGNORECASE else _first_characters(pattern)
        if op is sre_constants.ATOMIC_GROUP:
            return _first_characters(argument)
        if op is sre_constants.BRANCH:
            found: set[str] = set()
            for branch in argument[1]:
                characters = _first_characters(branch)
                if characters is None:
                    return None
                found |= characters
            return frozenset(found)
        if op in _REPEATS:
            minimum, _maximum, repeated = argument
            return _first_characters(repeated) if minimum >= 1 else None
        return None  # any other item (a back reference, a category, any character): not worth reading
    return None  # the pattern may match the empty string


def _literal_prefix(items: Any) -> str:
    """The text every match of this sequence begins with, when that is two literal characters or more."""
    prefix: list[str] = []
    for op, argument in items:
        if op in _ZERO_WIDTH and not prefix:
            continue
        if op is not sre_constants.LITERAL:
            break
        prefix.append(chr(argument))
    return "".join(prefix) if len(prefix) > 1 else ""


@functools.lru_cache(maxsize=1024)  # bounded: an extension may build a pattern per document
def start_characters(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """A search for what begins every match of `regex` (its literal start, or one of its first characters),
    or None when that is not known."""
    if regex.flags & re.IGNORECASE:
        return None
    try:
        parsed = sre_parser.parse(regex.pattern, regex.flags)
        prefix = _literal_prefix(parsed)
        characters = _first_characters(parsed)
    except Exception:  # a pattern this parser reads differently: try the pattern every time, as before
        return None
    if prefix:
        return re.compile(re.escape(prefix))
    if not characters:
        return None
    return re.compile("[" + "".join(re.escape(character) for character in sorted(characters)) + "]")


class QuickInlineProcessor(InlineProcessor):  # type: ignore[misc]  # Markdown ships no types
    """Python-Markdown's inline processor, skipping the patterns whose first character is not in the text."""

    _quick: list[tuple[Any, re.Pattern[str] | None]]

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        """Read each pattern's first characters (cached), then run Python-Markdown's own step."""
        self._quick = [
            (pattern, start_characters(pattern.getCompiledRegExp())
             if isinstance(pattern, PatternProcessor) else None)
            for pattern in self.inlinePatterns
        ]
        return super().run(tree, ancestors)

    # Python-Markdown's private `__handleInline`, by its mangled name, so its own methods call this one.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        """Python-Markdown's loop over the patterns, with one test before each attempt."""
        if not isinstance(data, util.AtomicString):
            apply_pattern = self._InlineProcessor__applyPattern
            quick = self._quick
            start_index = 0
            while patternIndex < len(quick):
                pattern, starts = quick[patternIndex]
                if starts is not None and starts.search(data, start_index) is None:
                    # the pattern's search would find nothing; Python-Markdown then moves on from the start
                    patternIndex += 1
                    start_index = 0
                    continue
                data, matched, start_index = apply_pattern(pattern, data, patternIndex, start_index)
                if not matched:
                    patternIndex += 1
        return data


def install(md: markdown.Markdown) -> bool:
    """Put a QuickInlineProcessor in place of Python-Markdown's own; False (nothing changed) when not safe."""
    version = tuple(markdown.__version_info__[:2])
    if not CHECKED_VERSIONS[0] <= version < CHECKED_VERSIONS[1]:
        return False
    if "inline" not in md.treeprocessors or type(md.treeprocessors["inline"]) is not InlineProcessor:
        return False  # an extension replaced it: its own rules stand
    if not all(hasattr(InlineProcessor, name) for name in (
            "_InlineProcessor__applyPattern", "_InlineProcessor__handleInline")):
        return False
    priorities = {item.name: item.priority for item in md.treeprocessors._priority}
    priority = priorities.pop("inline")
    if priority in priorities.values():
        return False  # registering again would put it after a processor of the same priority
    md.treeprocessors.register(QuickInlineProcessor(md), "inline", priority)
    return True
