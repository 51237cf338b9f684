"""YAML to plain data, with source positions for every node and located problems for hostile input.

The fast path composes with libyaml and builds data in one pass. A file with problems keeps its nodes to
locate them; a valid record drops them, and composes once more only if a cross-release rule needs a position.
"""

from __future__ import annotations

import bisect
import itertools
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import MAX_PER_FILE, Problem

try:
    from yaml._yaml import CParser
except ImportError as missing:  # pragma: no cover - depends on how PyYAML was built
    raise ImportError(
        "releasebook needs PyYAML built with libyaml (yaml._yaml.CParser is missing)"
    ) from missing

PathPart = str | int
DataPath = tuple[PathPart, ...]

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Limits:
    """Resource caps that keep hostile input from costing time or memory.

    - `max_file_bytes`: a record file larger than this is refused before it is read (default 1 MiB). A file
      of many small keys costs about 60 bytes of memory per byte to parse: 9 MB would need over 500 MB.
    - `max_depth`: mappings and lists nested deeper than this inside one record are refused (default 32; a
      real record nests 4 levels).
    - `max_records`: a project with more record files than this is refused before any is read (default
      20,000).

    Each is a plugin option in `mkdocs.yml` of the same name; see SECURITY.md.
    """

    max_file_bytes: int = 1_048_576
    max_depth: int = 32
    max_records: int = 20_000


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2-like typing: no timestamps, no yes/no/on/off, no octal or sexagesimal numbers.

    Anything that does not match stays text, so a value is never silently retyped into a date or a bool.
    """


_Resolver.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Resolver.add_implicit_resolver(NULL_TAG, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    FLOAT_TAG,
    re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


# The implicit resolvers by first character, as BaseResolver.resolve looks them up, computed once.
_IMPLICIT: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(resolvers) for first, resolvers in _Resolver.yaml_implicit_resolvers.items()
}


def _resolve(self: _Resolver, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
    """BaseResolver.resolve without its per-call list building: libyaml calls it for every node.

    Same result: this resolver has no path resolvers and no wildcard implicit resolvers.
    """
    if kind is ScalarNode:
        if implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return STR_TAG
    return SEQ_TAG if kind is SequenceNode else MAP_TAG


assert None not in _Resolver.yaml_implicit_resolvers and not _Resolver.yaml_path_resolvers
_Resolver.resolve = _resolve  # type: ignore[assignment, method-assign]


class _Composer(CParser, _Resolver):
    """libyaml's parser and composer with the strict resolver above."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        _Resolver.__init__(self)


_LINE_BREAK = re.compile(r"\r\n?|\n")
# Line breaks to libyaml (YAML 1.1) but not to editors: outside quotes they silently end a line.
_HIDDEN_BREAK = re.compile("[\u2028\u2029\x85]")


@dataclass
class Source:
    """The decoded text of one file, with a line table whose line breaks are `\\n`, `\\r\\n` and a lone `\\r`.

    libyaml also breaks lines at U+2028, U+2029 and NEL; editors do not, so positions are computed here from
    the character offset instead.
    """

    path: str
    text: str
    _line_starts: list[int] | None = field(default=None, repr=False)

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; the end of the file is the end of its last line."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        line = bisect.bisect_right(self._line_starts, index) - 1
        if line > 0 and self._line_starts[line] >= len(self.text):
            # A final line break does not start a line in an editor or on GitHub, so an error at the end of
            # the file (an unclosed quote, say) is shown just after the last character instead.
            last = self.text[self._line_starts[line - 1]:self._line_starts[line]]
            return line, len(last.rstrip("\r\n")) + 1
        return line + 1, index - self._line_starts[line] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        lines = _LINE_BREAK.split(self.text)
        return lines[line - 1] if 0 < line <= len(lines) else ""


@dataclass
class Document:
    """One loaded file: its data (None when it could not be read) and the problems found while loading.

    The node tree (kept from loading, or composed again on demand) is indexed by each mapping's keys, so
    locating many problems in one file stays linear.
    """

    source: Source
    data: dict[str, Any] | None
    problems: list[Problem]
    _root: Node | None = field(default=None, repr=False, compare=False)
    _composed: bool = field(default=False, repr=False, compare=False)
    _keys: dict[int, dict[PathPart, tuple[Node, Node]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def _tree(self) -> Node | None:
        if not self._composed:
            self._composed = True
            try:
                self._root = compose(self.source.text)
            except (yaml.YAMLError, RecursionError):
                self._root = None  # only reached for text that never loaded; problems then sit at 1:1
        return self._root

    def forget_nodes(self) -> None:
        """Drop the node tree (a valid record keeps only its data; positions are composed again if needed)."""
        self._root, self._composed = None, False
        self._keys.clear()

    def _children(self, node: MappingNode) -> dict[PathPart, tuple[Node, Node]]:
        index = self._keys.get(id(node))
        if index is None:
            index = {}
            for k, v in node.value:
                if isinstance(k, ScalarNode):
                    index.setdefault(k.value, (k, v))  # the first of duplicate keys, as the builder keeps it
            self._keys[id(node)] = index
        return index

    def node_at(self, path: Sequence[PathPart]) -> tuple[Node | None, Node | None]:
        """The (key node, value node) at a data path; for a path that does not exist, the nearest parent."""
        key_node: Node | None = None
        node: Node | None = self._tree()
        for part in path:
            if isinstance(node, MappingNode):
                found = self._children(node).get(part)
                if found is None:
                    return key_node, node
                key_node, node = found
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                key_node, node = None, node.value[part]
            else:
                return key_node, node
        return key_node, node

    def locate(self, path: Sequence[PathPart], *, at_key: bool = False) -> tuple[int, int]:
        """1-based (line, col) of the value at `path` (or of its key), falling back to the nearest parent."""
        key_node, node = self.node_at(path)
        target = key_node if (at_key and key_node is not None) else node
        if target is None:
            return 1, 1
        return self.source.position(target.start_mark.index)

    def problem(
        self,
        path: Sequence[PathPart],
        message: str,
        *,
        at_key: bool = False,
        severity: str = "error",
        rule: str = "",
    ) -> Problem:
        """A problem located at a data path in this file."""
        line, col = self.locate(path, at_key=at_key)
        return Problem(self.source.path, line, col, format_path(path), message, severity, rule)  # type: ignore[arg-type]


def format_path(path: Sequence[PathPart]) -> str:
    """`checklists.pre_release.performance`, `features[2].title`: a data path as a reader writes it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def compose(text: str) -> Node | None:
    """Compose one YAML document into nodes with libyaml (raises yaml.YAMLError on bad syntax)."""
    composer = _Composer(text)
    try:
        node: Node | None = composer.get_single_node()
    finally:
        composer.dispose()
    return node


def _tag_message(tag: str) -> str:
    """The refusal of an explicit tag, shown as written (`!!str`, not `tag:yaml.org,2002:str`)."""
    if tag.startswith("tag:yaml.org,2002:"):
        written = "!!" + tag.removeprefix("tag:yaml.org,2002:")
    elif tag.startswith("!"):
        written = tag
    else:
        written = f"!<{tag}>"
    return f"explicit tag '{written}' is not allowed: tags are never executed; remove it"


def _scan_for_forbidden(source: Source) -> Iterator[Problem]:
    """Anchors, aliases and explicit tags, each with its position (only run when the text could hold one)."""
    parser = _Composer(source.text)
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            anchor = getattr(event, "anchor", None)
            line, col = source.position(event.start_mark.index) if event.start_mark else (1, 1)
            if isinstance(event, yaml.AliasEvent):
                yield Problem(source.path, line, col, "",
                              f"alias '*{anchor}' is not allowed: write the value out in full")
            elif anchor is not None:
                yield Problem(source.path, line, col, "",
                              f"anchor '&{anchor}' is not allowed: write the value out in full")
            tag = getattr(event, "tag", None)
            if tag is not None and not isinstance(event, yaml.AliasEvent):
                implicit = getattr(event, "implicit", True)
                if implicit is not True and implicit != (True, True) and implicit != (True, False):
                    yield Problem(source.path, line, col, "", _tag_message(tag))
    except yaml.YAMLError:
        return  # the syntax error itself is reported by the main load
    finally:
        parser.dispose()


def _char_offset(text: str, byte_offset: int) -> int:
    """The character offset of a UTF-8 byte offset (libyaml's reader errors count bytes, marks characters)."""
    return len(text.encode("utf-8")[: max(byte_offset, 0)].decode("utf-8", "ignore"))


def _describe_yaml_error(source: Source, error: yaml.YAMLError, limits: Limits) -> Problem:
    """Turn any PyYAML error into one located problem."""
    if isinstance(error, yaml.reader.ReaderError):
        line, col = source.position(_char_offset(source.text, error.position))
        char = error.character
        if isinstance(char, int):  # libyaml reports the code point, the pure-Python reader the character
            char = chr(char)
        what = f"character {char!r} (U+{ord(char):04X})" if isinstance(char, str) else "a byte sequence"
        return Problem(source.path, line, col, "", f"{what} is not allowed in YAML: {error.reason}")
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        index = mark.index if mark is not None else 0
        hidden = _hidden_break_before(source.text, index)
        if hidden is not None:
            line, col = source.position(hidden)
            code = f"U+{ord(source.text[hidden]):04X}"
            return Problem(source.path, line, col, "", f"YAML syntax error: character {code} is a line break "
                           "to YAML but not to editors; remove it or put the value in quotes")
        line, col = source.position(index)
        problem = error.problem or "invalid YAML"
        context = error.context or ""
        if ("found character '\\t'" in problem or "found a tab character" in problem
                or (problem.startswith("found character that cannot start any token")
                    and source.text[index:index + 1] == "\t")):
            problem, context = "tab characters cannot indent YAML; indent with spaces", ""
        elif "expected a single document" in context or "but found another document" in problem:
            problem = ("a record file holds exactly one YAML document; "
                       "remove the '---' separator and what follows")
        elif "unexpected end of stream" in problem:
            problem = ("the file ends before the closing quote" if "quoted scalar" in context
                       else "the file ends too early")
        elif "found undefined alias" in problem:
            problem = "aliases are not allowed (and this one is undefined)"
        elif "exceeded maximum nesting depth" in problem:
            problem = (f"nesting is deeper than YAML can read; a record may nest {limits.max_depth} levels "
                       "(max_depth)")
        if "document" in context:
            context = ""
        elif context and error.context_mark is not None and error.context_mark.index != index:
            # "while scanning a quoted scalar" alone does not say which one: name where it starts.
            start_line, start_col = source.position(error.context_mark.index)
            context += f" that starts on line {start_line}, column {start_col}"
        return Problem(source.path, line, col, "", f"YAML syntax error: {problem}"
                       + (f" ({context})" if context else ""))
    # Every PyYAML error is marked; this is only a safety net.
    return Problem(source.path, 1, 1, "", f"YAML error: {error}")  # pragma: no cover


def _hidden_break_before(text: str, index: int) -> int | None:
    """The offset of a U+2028/U+2029/NEL on the error's line or the line before, or None.

    libyaml ends a line there (YAML 1.1), so an unquoted one breaks the structure and the error shows up a
    little later; pointing at the character itself is the useful message.
    """
    line_start = text.rfind("\n", 0, index) + 1
    previous_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1
    found = _HIDDEN_BREAK.search(text, previous_start, index + 1)
    return found.start() if found else None


KEY_TAGS = (STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG)


# Characters YAML refuses when written raw but accepts as escapes ("\0", "\x1b", "\uFFFF"). They would reach
# the Markdown and HTML output (Python-Markdown uses \x02 and \x03 as placeholders), so records refuse them.
_FORBIDDEN_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class _Builder:
    """Builds plain data from nodes, refusing duplicate keys, merge keys, non-text keys, control characters
    and deep nesting."""

    def __init__(self, source: Source, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.problems: list[Problem] = []
        self.too_deep = False

    def _at(self, node: Node, message: str, path: DataPath) -> None:
        if len(self.problems) > MAX_PER_FILE:
            return  # the pipeline lists MAX_PER_FILE and says that more exist
        line, col = self.source.position(node.start_mark.index)
        self.problems.append(Problem(self.source.path, line, col, format_path(path), message))

    def build(self, node: Node, path: DataPath = (), depth: int = 1) -> Any:
        """Plain Python data for a node."""
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if depth > self.limits.max_depth:
            self._at(node, f"nesting deeper than {self.limits.max_depth} levels is not allowed (max_depth)",
                     path)
            self.too_deep = True
            return None
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag not in KEY_TAGS:
                    self._at(key_node, "a key must be plain text, not a list or mapping", path)
                    continue
                key = self._text(key_node, path)
                if key == "<<" and not key_node.style:  # plain style: None in PyYAML, '' from libyaml
                    self._at(key_node, "merge keys ('<<') are not allowed: write the keys out in full", path)
                    continue
                if key_node.tag != STR_TAG:
                    self._at(key_node, f"key '{key}' would be read as a {key_node.tag.rsplit(':', 1)[-1]}; "
                             f"quote it: \"{key}\"", path)
                    continue
                here = self.source.position(key_node.start_mark.index)[0]
                if key in first_line:
                    self._at(key_node, f"duplicate key '{key}': first defined on line {first_line[key]}, "
                             f"again on line {here}", (*path, key))
                    continue
                first_line[key] = here
                result[key] = self.build(value_node, (*path, key), depth + 1)
            return result
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
        raise TypeError(f"unexpected node {node!r}")  # pragma: no cover - libyaml only makes these three

    def _text(self, node: ScalarNode, path: DataPath) -> str:
        """A scalar's text, with characters that must not reach the output refused and replaced."""
        value: str = node.value
        bad = _FORBIDDEN_CHAR.search(value)
        if bad is None:
            return value
        self._at(node, f"text holds U+{ord(bad.group()):04X}, a control character or non-character that YAML "
                 "accepts only as an escape; remove it", path)
        return _FORBIDDEN_CHAR.sub("\ufffd", value)

    def _scalar(self, node: ScalarNode, path: DataPath) -> Any:
        tag, value = node.tag, node.value
        if tag == STR_TAG:
            return self._text(node, path)
        if tag == INT_TAG:
            return int(value)
        if tag == FLOAT_TAG:
            return float(value)
        if tag == BOOL_TAG:
            return value.lower() == "true"
        if tag == NULL_TAG:
            return None
        self._at(node, _tag_message(tag), path)
        return None


_INTERNED_LENGTH = 24


class _NeedsCare(Exception):
    """The quick builder met something to report; the careful `_Builder` redoes the file with positions."""


def _build_quick(node: Node, max_depth: int, depth: int = 1) -> Any:
    """Plain data for a clean tree, without tracking paths or positions (the all-valid fast path).

    Raises _NeedsCare wherever `_Builder` would report a problem, so the result is the same whenever it
    returns.
    """
    kind = type(node)
    if kind is ScalarNode:
        tag = node.tag
        if tag == STR_TAG:
            value = node.value
            # Statuses and ids repeat in every record: one shared copy each keeps 5,000 records small.
            return intern(value) if len(value) <= _INTERNED_LENGTH else value
        if tag == INT_TAG:
            return int(node.value)
        if tag == FLOAT_TAG:
            return float(node.value)
        if tag == BOOL_TAG:
            return node.value.lower() == "true"
        if tag == NULL_TAG:
            return None
        raise _NeedsCare
    if depth > max_depth:
        raise _NeedsCare
    if kind is MappingNode:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag != STR_TAG:
                raise _NeedsCare
            key = intern(key_node.value)
            if key in result or (key == "<<" and not key_node.style):
                raise _NeedsCare
            result[key] = _build_quick(value_node, max_depth, depth + 1)
        return result
    if kind is SequenceNode:
        return [_build_quick(item, max_depth, depth + 1) for item in node.value]
    raise _NeedsCare  # pragma: no cover - libyaml only makes these three


_CONFLICT = re.compile(r"^(?:<{7}|={7}|>{7})(?: |$)", re.MULTILINE)


def _too_big(path: str, size: int, limits: Limits) -> Problem:
    return Problem(path, 1, 1, "", f"file is {size:,} bytes, over the {limits.max_file_bytes:,}-byte limit "
                   "(max_file_bytes)")


def _looks_wide(raw: bytes) -> bool:
    """UTF-16 or UTF-32: a byte-order mark, or ASCII text with every other byte zero at the start.

    A stray NUL elsewhere is not this: libyaml reports it with its position instead.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return True
    head = raw[:4]
    return len(head) == 4 and ((head[1] == 0 and head[3] == 0) or (head[0] == 0 and head[2] == 0))


def decode(path: str, raw: bytes, limits: Limits) -> tuple[Source | None, list[Problem]]:
    """Bytes to text, refusing oversized, UTF-16 and non-UTF-8 input with a located problem."""
    if len(raw) > limits.max_file_bytes:
        return None, [_too_big(path, len(raw), limits)]
    if _looks_wide(raw):
        return None, [Problem(path, 1, 1, "", "file is UTF-16 or UTF-32 encoded; save it as UTF-8")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        # Counted like every other position (a lone CR ends a line too); the bad byte itself stands in as
        # U+FFFD, so the offset lies inside the text, and a BOM takes no column, as in an editor.
        before = raw[: error.start].decode("utf-8", "replace").removeprefix("\ufeff")
        line, col = Source(path, before + "\ufffd").position(len(before))
        byte = raw[error.start]
        message = f"file is not valid UTF-8 (byte 0x{byte:02X}); save it as UTF-8"
        return None, [Problem(path, line, col, "", message)]
    if text.startswith("\ufeff"):
        text = text[1:]
    return Source(path, text), []


def _out_of_memory(source: Source) -> Problem:
    return Problem(source.path, 1, 1, "", f"ran out of memory reading this file ({len(source.text):,} "
                   "characters): split it, or lower max_file_bytes so such files are refused unread")


def load_text(source: Source, limits: Limits = Limits()) -> Document:
    """Parse one file's text into a Document; every failure becomes a located problem."""
    text = source.text
    # A plain substring test first: the multi-line regex costs 3% of a clean check.
    marked = "<<<<<<<" in text or "=======" in text or ">>>>>>>" in text
    conflict = _CONFLICT.search(text) if marked else None
    if conflict:
        line, col = source.position(conflict.start())
        return Document(source, None, [Problem(source.path, line, col, "", "unresolved Git conflict marker "
                                               f"'{conflict.group().strip()}': finish the merge")])
    scan = _scan_for_forbidden(source) if ("&" in text or "!" in text) else iter(())
    forbidden = list(itertools.islice(scan, MAX_PER_FILE + 1))  # one more tells the pipeline there are more
    if forbidden:
        return Document(source, None, forbidden)
    try:
        root = compose(text)
    except yaml.YAMLError as error:
        return Document(source, None, [_describe_yaml_error(source, error, limits)])
    except RecursionError:
        return Document(source, None, [Problem(source.path, 1, 1, "", "nesting is too deep to read")])
    except MemoryError:  # only when max_file_bytes is raised far above its default; the partial tree is freed
        return Document(source, None, [_out_of_memory(source)])
    if root is None or (isinstance(root, ScalarNode) and root.tag == NULL_TAG and root.value == ""
                        and not root.style):
        # Nothing but whitespace, comments or document markers.
        what = "holds only comments" if re.search(r"^\s*#", text, re.MULTILINE) else "is empty"
        return Document(source, None, [Problem(source.path, 1, 1, "", f"file {what}: a record needs at "
                                               "least version, date, type, status and summary")])
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        line, col = source.position(root.start_mark.index)
        return Document(source, None, [Problem(source.path, line, col, "", f"the file holds {kind}; a record "
                                               "must be a mapping of keys such as 'version: 2.4.0'")])
    # A control character can only reach a scalar through a double-quoted escape (libyaml's reader refuses raw
    # ones), so text without a backslash needs no per-scalar character check and may take the quick path.
    if "\\" not in text:
        try:
            return Document(source, _build_quick(root, limits.max_depth), [])
        except _NeedsCare:
            pass
    builder = _Builder(source, limits)
    try:
        data = builder.build(root)
    except RecursionError:  # only when max_depth is set above what Python's stack allows
        problem = Problem(source.path, 1, 1, "", "nesting is too deep to read (max_depth)")
        return Document(source, None, [problem])
    except MemoryError:
        return Document(source, None, [_out_of_memory(source)])
    # Duplicate and merge keys still leave usable data, so the schema can report everything else in the same
    # run. The nodes are kept to locate those problems without composing the file a second time.
    return Document(source, None if builder.too_deep else data, builder.problems, _root=root, _composed=True)


def load_file(path: Path, display: str, limits: Limits = Limits()) -> Document:
    """Read and parse one file from disk; a FIFO, device or folder is refused, never read."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # /dev/zero or a FIFO would never end; a folder cannot be read
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            problem = Problem(display, 1, 1, "", f"cannot read file: it is {kind}")
            return Document(Source(display, ""), None, [problem])
        if info.st_size > limits.max_file_bytes:  # never read an oversized file into memory
            return Document(Source(display, ""), None, [_too_big(display, info.st_size, limits)])
        with path.open("rb") as stream:
            raw = stream.read(limits.max_file_bytes + 1)  # the file may have grown since stat()
    except OSError as error:
        problem = Problem(display, 1, 1, "", f"cannot read file: {error.strerror}")
        return Document(Source(display, ""), None, [problem])
    source, problems = decode(display, raw, limits)
    if source is None:
        return Document(Source(display, ""), None, problems)
    return load_text(source, limits)
