"""Problems as values: every check returns located problems instead of raising."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

_LINE_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029",
                              "\x85": "\\x85"})


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
        """Render as `file:line:col: severity: message`, the form editors and CI understand."""
        rule = f" [{self.rule}]" if self.rule else ""
        # One problem per line: a key or value quoted in the message may hold a line break.
        message = self.message.translate(_LINE_BREAKS)
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {message}{rule}"

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


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sort by file, then position, then path and text, and drop exact repeats."""
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.col, p.path, p.message, p.severity, p.rule))


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
