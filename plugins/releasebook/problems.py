"""Problems as values: every check returns located problems instead of raising."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# A 1 MB file can hold 300,000 aliases or unknown keys. Listing every one costs seconds and floods the CI log,
# and nobody reads past the first screen: each file reports at most this many, then says that more exist.
MAX_PER_FILE = 100


@dataclass(frozen=True, order=True)
class Problem:
    """One located finding: `file:line:col: severity: message`, plus the data path it concerns."""

    file: str
    line: int
    col: int
    path: str
    message: str
    severity: Severity = "error"
    rule: str = ""

    def format(self) -> str:
        """Render as `file:line:col: severity: message`, the form editors and CI understand.

        Always one line: a line break, control or bidi character echoed from a record (or in a file name) is
        written as an escape, so a value cannot forge another problem line or a CI workflow command.
        """
        rule = f" [{self.rule}]" if self.rule else ""
        where = f"{one_line(self.file)}:{self.line}:{self.col}"
        return f"{where}: {self.severity}: {one_line(self.message)}{rule}"

    def as_dict(self) -> dict[str, object]:
        """Plain data for the JSON reporter."""
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "path": self.path,
            "severity": self.severity,
            "rule": self.rule or None,
            "message": self.message,
        }


_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """Text with line breaks, control, format (bidi) and surrogate characters written as escapes."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text:
        if unicodedata.category(char) not in _HIDDEN_CATEGORIES:
            out.append(char)
        elif char in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[char])
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                       else f"\\U{code:08x}")
    return "".join(out)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sort by file, then position, then path and text, and drop exact repeats."""
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.col, p.path, p.message, p.severity, p.rule))


def cap_per_file(problems: Iterable[Problem]) -> list[Problem]:
    """One file's problems, sorted, cut to MAX_PER_FILE with a closing note when there are more."""
    ordered = sort_problems(problems)
    if len(ordered) <= MAX_PER_FILE:
        return ordered
    last = ordered[MAX_PER_FILE - 1]
    note = Problem(last.file, last.line, last.col, last.path, f"more problems in this file are not listed: "
                   f"only the first {MAX_PER_FILE} are shown; fix these and check again")
    return [*ordered[:MAX_PER_FILE], note]


def count(problems: Iterable[Problem], severity: Severity) -> int:
    """How many problems have the given severity."""
    return sum(1 for p in problems if p.severity == severity)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The most similar known name, for did-you-mean hints, or None when nothing is close."""
    import difflib

    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix, or an empty string."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match else ""
