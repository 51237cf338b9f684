"""Jinja filters that turn untrusted record text into Markdown that shows exactly what was written.

Record text is Markdown, but it must never become markup the author did not mean as Markdown: raw HTML,
attribute lists, headings that break the page outline, fences that swallow what follows, or `javascript:`
links. The filters keep every character visible (escaping instead of deleting) and leave code spans and
fenced code blocks untouched, because Python-Markdown already escapes their content.

The code-span and fence rules mirror Python-Markdown 3.x and pymdownx.superfences closely enough that the
filters never leave raw text where the renderer would see plain text; where they disagree, the filter errs on
escaping. `sanitize.sanitize_html` is the HTML-level guarantee on top of this.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache

# C0/C1 controls (except tab and newline), lone surrogates: replaced by U+FFFD so they stay visible and never
# forge Python-Markdown's STX/ETX placeholders or superfences' SOH/EOT markers.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
_LINE_BREAK = re.compile("\r\n|[\r\x85\u2028\u2029]")
_COLLAPSE = re.compile(r"[ \t]*\n[ \t]*")

# pymdownx.superfences' opening fence, after the prefix of spaces, tabs and `>` that it skips.
_FENCE_START = re.compile(r"(?P<fence>~{3,}|`{3,})(?P<info>[^\n]*)$")
# The only info string a record may use: a plain language name. Attribute braces and options are refused.
_PLAIN_INFO = re.compile(r"[ \t]*\.?[\w#.+-]*[ \t]*$")
_FENCE_PREFIX = re.compile(r"[ \t>]*")

# Containers that may precede a block construct on a line: blockquote markers and list markers.
_CONTAINER = re.compile(r"(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*[ \t]*")
_SETEXT = re.compile(r"[ \t]*(?:=+|-+)[ \t]*$")
_REF_DEFINITION = re.compile(r"[ \t]*\[[^\[\]]*\]:")
_SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_URL_LOOKAHEAD = 300
# Policy texts, ids, owners and components repeat on every page; record texts do not: the cache is bounded.
_CACHE_SIZE = 4096
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f\"'()<>\[\]\\`{}|^]")
_YAML_QUOTABLE = re.compile(r"[^\"\\\s\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
                            r"(?:[^\"\\\t\n\r\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]*"
                            r"[^\"\\\s\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff])?")
_CODE_PLAIN = re.compile(r"[^`\s\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]"
                         r"(?:[^`\n\r\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]*"
                         r"[^`\s\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff])?")
_YAML_PLAIN = re.compile(r"[\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                         r"\U00010000-\U0010ffff]")


# Text made only of these characters, starting with a letter, quote or parenthesis, needs no escaping:
# the fast path for most titles, names, owners and one-line descriptions.
_PLAIN = re.compile(r"[A-Za-z\u00c0-\u2027\u202a-\ud7ff\ue000-\ufffd(\"']"
                    r"[A-Za-z0-9 \u00a0-\u2027\u202a-\ud7ff\ue000-\ufffd.,;:'\"?()/@%+~$=!^-]*")


def clean_text(text: str) -> str:
    """Unify line breaks to `\\n` and make control characters visible as U+FFFD."""
    return _CONTROL.sub("\ufffd", _LINE_BREAK.sub("\n", text))


def one_line(text: str) -> str:
    """Clean text with every line break (and the blanks around it) collapsed to one space."""
    return _COLLAPSE.sub(" ", clean_text(text)).strip()


def _escaped(text: str, index: int) -> bool:
    """True when the character at `index` is preceded by an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def split_code(line: str) -> Iterator[tuple[bool, str]]:
    """A line as (is_code, text) parts: code spans as Python-Markdown 3.x pairs them, on this line only.

    An opening run counts only with a closing run of exactly its length on the same line; Python-Markdown's
    fallback pairing and spans across lines are deliberately not recognised, and their backticks get escaped,
    so the renderer can never see a code span the filter did not.
    """
    length = len(line)
    start = index = 0
    while index < length:
        if line[index] != "`" or _escaped(line, index):
            index += 1
            continue
        run_end = index
        while run_end < length and line[run_end] == "`":
            run_end += 1
        ticks = run_end - index
        scan = run_end
        close = -1
        while scan < length:
            if line[scan] != "`":
                scan += 1
                continue
            end = scan
            while end < length and line[end] == "`":
                end += 1
            if end - scan == ticks:
                close = end
                break
            scan = end
        if close < 0:
            index = run_end
            continue
        if start < index:
            yield False, line[start:index]
        yield True, line[index:close]
        start = index = close
    if start < length:
        yield False, line[start:]


def is_safe_url(url: str) -> bool:
    """http, https and mailto URLs, fragments and relative paths.

    Entities are decoded and every blank and control character removed before the scheme is read, as a browser
    would (it drops tabs and newlines inside URLs), so `java&#9;script:` and `java script:` count as unsafe.
    """
    bare = _URL_NOISE.sub("", html.unescape(url[:_URL_LOOKAHEAD])).lstrip("<").lower()
    match = _SCHEME.match(bare)
    return match is None or match.group(1) in _SAFE_SCHEMES


_BLOCK_SPECIAL = re.compile(r"[&<>{`\]]")
_INLINE_SPECIAL = re.compile(r"[&<>{`\]|]")
_LITERAL_SPECIAL = re.compile(r"[&<>\\`*_\[\]{}#|]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _escape_segment(text: str, following: str, overrides: dict[int, str], *,
                    inline: bool, literal: bool) -> str:
    """Escape one plain-text part of a line; `overrides` are replacements decided by the line-start rules.

    `following` is the text after this part, for link destinations that continue past it.
    """
    pattern = _LITERAL_SPECIAL if literal else _INLINE_SPECIAL if inline else _BLOCK_SPECIAL
    replacements: dict[int, str] = {}
    for match in pattern.finditer(text):
        index = match.start()
        char = text[index]
        if char in _ENTITIES:
            replacements[index] = _ENTITIES[char]
        elif literal:
            replacements[index] = "\\" + char
        elif _escaped(text, index):
            continue
        elif char == "]":
            if text[index + 1:index + 2] == "(" and not is_safe_url(text[index + 2:] + following):
                replacements[index] = "\\]"
                replacements[index + 1] = "\\("
        else:
            replacements[index] = "\\" + char
    if not literal and "[TOC]" in text:
        # The toc extension swaps any element whose whole text is its marker for the table of contents, and
        # drops what follows; an escaped bracket keeps the marker as text.
        replacements.update((m.start(), "\\[") for m in re.finditer(r"\[TOC\]", text)
                            if not _escaped(text, m.start()))
    replacements.update(overrides)
    if not replacements:
        return text
    out: list[str] = []
    last = 0
    for index in sorted(replacements):
        out.append(text[last:index])
        out.append(replacements[index])
        last = index + 1
    out.append(text[last:])
    return "".join(out)


def _line_start_overrides(line: str, *, previous_blank: bool, inline: bool) -> dict[int, str]:
    """Escapes for constructs that only count at the start of a line: headings, admonitions, setext, lists.

    In block mode the blockquote markers of the line's prefix stay Markdown; everywhere else `>` is escaped.
    """
    overrides: dict[int, str] = {}
    position = 0
    if inline:
        if re.match(r"[-+*](?:[ \t]|$)", line):
            overrides[0] = "\\" + line[0]
        number = re.match(r"\d{1,9}([.)])(?:[ \t]|$)", line)
        if number:
            overrides[number.start(1)] = "\\" + number.group(1)
        trailing = re.search(r"(?<!\\)#+$", line)
        if trailing:
            overrides.update((i, "\\#") for i in range(trailing.start(), trailing.end()))
    else:
        if not previous_blank and _SETEXT.match(line):
            start = len(line) - len(line.lstrip(" \t"))
            overrides[start] = "&#61;" if line[start] == "=" else "\\-"
            return overrides
        container = _CONTAINER.match(line)
        position = container.end() if container else 0
        overrides.update((i, ">") for i in range(position) if line[i] == ">")
    rest = line[position:]
    for marker, replacement in _LINE_STARTS:
        if rest.startswith(marker):
            overrides[position] = replacement
            break
    else:
        reference = _REF_DEFINITION.match(rest)
        if reference:
            # A link reference definition would vanish from the page and apply to every link on it: it is
            # shown as text instead (inline links work as usual).
            overrides[position + rest.index("[")] = "\\["
    return overrides


_LINE_STARTS = (("#", "\\#"), ("!!!", "\\!"), ("???", "&#63;"), ("===", "&#61;"), ("///", "&#47;"),
                ("*[", "\\*"))


def _escape_line(line: str, following: str, *, previous_blank: bool, inline: bool,
                 literal: bool = False) -> str:
    """One line that is not part of an accepted fenced block."""
    prefix = ""
    # A fence opener that is not an accepted block: escape its run so superfences cannot start a block here.
    fence_at = _FENCE_PREFIX.match(line)
    fence = _FENCE_START.match(line, fence_at.end()) if fence_at else None
    if fence is not None:
        run = fence.group("fence")
        escaped_run = "".join("\\`" if c == "`" else "&#126;" for c in run)
        prefix = _escape_segment(line[:fence.start()], "", {}, inline=True, literal=False) + escaped_run
        line = line[fence.end("fence"):]
        overrides: dict[int, str] = {}
    else:
        overrides = _line_start_overrides(line, previous_blank=previous_blank, inline=inline)
    if "`" not in line:
        parts: list[tuple[bool, str]] = [(False, line)]
    else:
        parts = list(split_code(line))
    out = [prefix]
    offset = 0
    for number, (is_code, text) in enumerate(parts):
        if is_code:
            out.append(text)
        else:
            local = {k - offset: v for k, v in overrides.items() if offset <= k < offset + len(text)}
            rest = "".join(t for _, t in parts[number + 1:]) + "\n" + following
            out.append(_escape_segment(text, rest, local, inline=inline, literal=literal))
        offset += len(text)
    result = "".join(out)
    if inline:
        trailing = len(result) - len(result.rstrip("\\"))
        if trailing % 2 == 1:
            result += "\\"
    return result


def _fence_block(lines: list[str], start: int) -> int | None:
    """The index of the closing line when `lines[start]` opens a fence superfences will accept, else None.

    Only fences indented with spaces (no tabs, no blockquote markers) and with a plain language name count;
    every content line must carry at least the opening's indentation, as superfences requires.
    """
    line = lines[start]
    indent = len(line) - len(line.lstrip(" "))
    match = _FENCE_START.match(line, indent)
    if match is None or line[:indent].strip(" ") or not _PLAIN_INFO.match(match.group("info")):
        return None
    fence = match.group("fence")
    closing = re.compile(re.escape(fence) + r"[ \t]*$")
    for index in range(start + 1, len(lines)):
        current = lines[index]
        if not current.strip():
            continue
        leading = current[:indent]
        if leading != " " * indent:
            return None
        content = current[indent:]
        if closing.match(content) and not content.startswith((" ", "\t")):
            return index
    return None


@lru_cache(maxsize=_CACHE_SIZE)
def md_block(text: str) -> str:
    """Block Markdown from a record, made safe: raw HTML, attribute lists and headings shown as text.

    Use `md_item` to place it inside a list item. When the text starts with a fenced block, the result starts
    with a blank line so the fence begins its own line wherever it is placed.
    """
    if _PLAIN.fullmatch(text):
        return text
    lines = clean_text(text).strip("\n").split("\n")
    out: list[str] = []
    index = 0
    previous_blank = True
    starts_with_fence = previous_fence = False
    while index < len(lines):
        close = _fence_block(lines, index)
        if close is not None:
            starts_with_fence = starts_with_fence or index == 0
            out.extend(lines[index:close + 1])
            index = close + 1
            previous_blank = False
            previous_fence = True
            continue
        line = lines[index]
        following = "\n".join(lines[index + 1:index + 3])
        out.append(_escape_line(line, following, previous_blank=previous_blank, inline=False))
        previous_blank = not line.strip()
        previous_fence = False
        index += 1
    body = "\n".join(out)
    if starts_with_fence:
        body = "\n\n" + body
    # After a closing fence the next line of the page must not continue the block (a following list item would
    # be read as text), so a text that ends with a fence ends with a blank line.
    return body + "\n" if previous_fence else body


@lru_cache(maxsize=_CACHE_SIZE)
def md_item(text: str, width: int = 4) -> str:
    """Block Markdown placed after a list marker (or an admonition line): later lines indented by `width`.

    A text of more than one line ends with a blank line, so that what the template writes next (the next list
    item, say) starts a new block instead of continuing a list, quote or code block from the record.
    """
    lines = md_block(text).split("\n")
    pad = " " * width
    body = "\n".join([lines[0]] + [pad + line if line else line for line in lines[1:]])
    return body + "\n" if len(lines) > 1 and lines[-1] else body


@lru_cache(maxsize=_CACHE_SIZE)
def md_inline(text: str) -> str:
    """Markdown on one line (table cells, list entries): breaks collapsed, `|` escaped, no block syntax."""
    if _PLAIN.fullmatch(text):
        return text
    return _escape_line(one_line(text), "", previous_blank=True, inline=True)


@lru_cache(maxsize=_CACHE_SIZE)
def md_text(text: str) -> str:
    """Plain text (titles, names, owners) on one line: every Markdown special escaped, code spans kept."""
    if _PLAIN.fullmatch(text):
        return text
    return _escape_line(one_line(text), "", previous_blank=True, inline=True, literal=True)


@lru_cache(maxsize=_CACHE_SIZE)
def md_code(text: str) -> str:
    """Text as one inline code span, with a fence longer than any backtick run inside it."""
    if _CODE_PLAIN.fullmatch(text):
        return f"`{text}`"
    content = one_line(text)
    if not content:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def md_url(url: str) -> str:
    """A URL for Markdown link syntax: blanks, brackets and quotes percent-encoded, `&` as an entity."""
    encoded = _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", clean_text(url).strip())
    return encoded.replace("&", "&amp;")


def md_link(url: str, label: str) -> str:
    """`[label](url)` for a safe URL; otherwise the label followed by the URL as code, so nothing is lost.

    `label` is Markdown the template already made safe (e.g. `title|md_text`).
    """
    if not url.strip():
        return label
    if not is_safe_url(url):
        return f"{label} ({md_code(url)})"
    return f"[{label}]({md_url(url)})"


def first_paragraph(text: str) -> str:
    """The text up to its first blank line."""
    return re.split(r"\n[ \t]*\n", clean_text(text).strip(), maxsplit=1)[0]


@lru_cache(maxsize=_CACHE_SIZE)
def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (for front matter) that PyYAML reads back as exactly this one-line text."""
    if _YAML_QUOTABLE.fullmatch(text):
        return f'"{text}"'
    out = ['"']
    for char in one_line(text):
        if char in '"\\':
            out.append("\\" + char)
        elif _YAML_PLAIN.match(char):
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


FILTERS = {
    "md_block": md_block,
    "md_item": md_item,
    "md_inline": md_inline,
    "md_text": md_text,
    "md_code": md_code,
    "md_url": md_url,
    "md_link": md_link,
    "first_paragraph": first_paragraph,
    "yaml_str": yaml_str,
}
"""Every filter by the name templates use."""
