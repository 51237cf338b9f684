"""Unit tests for load.py: positions, locating data paths, decoding and the hostile-YAML refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from releasebook.load import Document, Limits, Source, decode, format_path, load_file, load_text


def load(text: str, limits: Limits | None = None) -> Document:
    return load_text(Source("r.yml", text), limits or Limits())


def messages(document: Document) -> list[str]:
    return [f"{p.line}:{p.col}: {p.message}" for p in document.problems]


# --- Source.position ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, index, expected",
    [
        ("abc", 0, (1, 1)),
        ("abc", 2, (1, 3)),
        ("abc", 3, (1, 4)),  # the end of the text (libyaml's end-of-stream mark)
        ("a\nbc", 2, (2, 1)),
        ("a\nbc", 3, (2, 2)),
        ("a\n\n\nb", 4, (4, 1)),
        ("a\r\nb", 3, (2, 1)),  # CRLF is one line break
        ("a\r\nb", 1, (1, 2)),
        ("a\rb", 2, (2, 1)),  # a lone CR (old Mac files) is a line break too
        ("a\u2028b", 2, (1, 3)),  # U+2028, U+2029 and NEL are not, whatever libyaml thinks
        ("a\u2029b\x85c", 4, (1, 5)),
        ("añb\nc", 4, (2, 1)),  # columns count characters, not bytes
        # A final line break does not start a line an editor or GitHub would show: the end of such a file is
        # just after the last line's last character.
        ("a: 'x\n", 6, (1, 6)),
        ("a\r\nbc\r\n", 7, (2, 3)),
        ("a\n\n", 3, (2, 1)),  # the last line is empty, but an editor shows it
        ("\n", 1, (1, 1)),
        ("a\nbc\n", 4, (2, 3)),  # an offset inside the text is unchanged (the last line break)
    ],
)
def test_source_position(text: str, index: int, expected: tuple[int, int]) -> None:
    assert Source("r.yml", text).position(index) == expected


def test_source_line_text() -> None:
    source = Source("r.yml", "one\r\ntwo\nthree")
    assert [source.line_text(n) for n in (1, 2, 3, 4, 0)] == ["one", "two", "three", "", ""]


# --- Document.locate ----------------------------------------------------------------------------------------

RECORD = """\
# comment
version: 1.0.0
features:
  - title: Teams
    description: Groups.
  - title: Roles
checklists:
  pre_release:
    perfomance: done
"""


def test_locate_a_value() -> None:
    document = load(RECORD)
    assert document.locate(("version",)) == (2, 10)
    assert document.locate(("features", 1, "title")) == (6, 12)
    assert document.locate(("checklists", "pre_release", "perfomance")) == (9, 17)


def test_locate_a_key() -> None:
    document = load(RECORD)
    assert document.locate(("checklists", "pre_release", "perfomance"), at_key=True) == (9, 5)
    assert document.locate(("version",), at_key=True) == (2, 1)


def test_locate_a_missing_key_points_at_its_parent_mapping() -> None:
    document = load(RECORD)
    assert document.locate(("features", 1, "description")) == (6, 5)  # the second feature's mapping
    assert document.locate(("date",)) == (2, 1)  # the root mapping starts after the comment
    assert document.locate(("rollback", "plan")) == (2, 1)
    assert document.locate(("features", 7)) == (4, 3)  # no such item: the list


def test_problem_carries_the_formatted_path() -> None:
    problem = load(RECORD).problem(("features", 1, "description"), "missing required key 'description'")
    assert (problem.file, problem.line, problem.col, problem.path) == (
        "r.yml",
        6,
        5,
        "features[1].description",
    )


@pytest.mark.parametrize(
    "path, expected",
    [
        ((), ""),
        (("version",), "version"),
        (("checklists", "pre_release", "performance"), "checklists.pre_release.performance"),
        (("features", 2, "title"), "features[2].title"),
        (("rollback", "steps", 0), "rollback.steps[0]"),
    ],
)
def test_format_path(path: tuple[str | int, ...], expected: str) -> None:
    assert format_path(path) == expected


# --- decode -------------------------------------------------------------------------------------------------


def test_decode_strips_a_bom() -> None:
    source, problems = decode("r.yml", b"\xef\xbb\xbfa: 1\n", Limits())
    assert problems == []
    assert source is not None and source.text == "a: 1\n"


@pytest.mark.parametrize("raw", [b"\xff\xfea\x00:\x00", b"\xfe\xff\x00a\x00:", b"a\x00:\x00", b"\x00a\x00:"])
def test_decode_refuses_utf16(raw: bytes) -> None:
    source, problems = decode("r.yml", raw, Limits())
    assert source is None
    assert [(p.line, p.col, p.message) for p in problems] == [
        (1, 1, "file is UTF-16 or UTF-32 encoded; save it as UTF-8")
    ]


def test_decode_locates_the_first_bad_byte() -> None:
    _, problems = decode("r.yml", "a: 1\nb: ü\xa0".encode() + b"\x80\n", Limits())
    assert [(p.line, p.col, p.message) for p in problems] == [
        (2, 6, "file is not valid UTF-8 (byte 0x80); save it as UTF-8")
    ]


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"a: 1\rb: \xff\n", (2, 4)),  # a lone CR ends a line here as everywhere else (found by the fuzzer)
        (b"a: 1\r\nb: \xff\n", (2, 4)),
        (b"a: 1\n\xff", (2, 1)),  # the first byte of a line
        (b"\xef\xbb\xbfa: \xff", (1, 4)),  # a BOM takes no column
        (b"\xff", (1, 1)),
    ],
)
def test_decode_counts_lines_and_columns_as_positions_do(raw: bytes, expected: tuple[int, int]) -> None:
    _, problems = decode("r.yml", raw, Limits())
    assert [(p.line, p.col) for p in problems] == [expected]


def test_decode_refuses_a_file_over_the_cap() -> None:
    source, problems = decode("r.yml", b"a: 1\n" * 10, Limits(max_file_bytes=49))
    assert source is None
    assert problems[0].message == "file is 50 bytes, over the 49-byte limit (max_file_bytes)"
    assert decode("r.yml", b"a: 1\n" * 10, Limits(max_file_bytes=50))[1] == []


def test_load_file_does_not_read_an_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "1.0.0.yml"
    path.write_bytes(b"#" * 2_000_000)
    document = load_file(path, "releases/1.0.0.yml")
    assert document.data is None
    assert messages(document) == [
        "1:1: file is 2,000,000 bytes, over the 1,048,576-byte limit (max_file_bytes)"
    ]


def test_load_file_reports_an_unreadable_file(tmp_path: Path) -> None:
    document = load_file(tmp_path / "missing.yml", "releases/missing.yml")
    assert document.data is None
    assert messages(document) == ["1:1: cannot read file: No such file or directory"]


# --- load_text ----------------------------------------------------------------------------------------------


def test_plain_data_with_strict_typing() -> None:
    document = load(
        "a: 1\nb: 1.5\nc: true\nd: ~\ne: no\nf: 2026-03-02\ng: 0755\nh: 1_000\ni: .inf\nj: 0x1F\n"
    )
    assert document.problems == []
    assert document.data == {
        "a": 1,
        "b": 1.5,
        "c": True,
        "d": None,
        "e": "no",
        "f": "2026-03-02",
        "g": "0755",
        "h": "1_000",
        "i": ".inf",
        "j": "0x1F",
    }


def test_depth_cap_boundary() -> None:
    # The root mapping is level 1 and x's list level 2, so n brackets nest to level n + 1.
    assert load("x: " + "[" * 31 + "]" * 31 + "\n").problems == []
    too_deep = load("x: " + "[" * 32 + "]" * 32 + "\n")
    assert too_deep.data is None
    assert messages(too_deep) == ["1:35: nesting deeper than 32 levels is not allowed (max_depth)"]
    assert load("x: [[1]]\n", Limits(max_depth=2)).data is None


def test_very_deep_nesting_is_refused_without_a_crash() -> None:
    document = load("x: " + "[" * 5000 + "]" * 5000 + "\n")
    assert document.data is None
    assert len(document.problems) == 1


def test_billion_laughs_is_refused_before_expansion() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    document = load("\n".join(lines) + "\n")
    assert document.data is None
    assert messages(document)[0] == "1:5: anchor '&a0' is not allowed: write the value out in full"
    assert len(document.problems) == 10 + 9 * 9


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x-a:\n  <<: {b: 1}\n", "2:3: merge keys ('<<') are not allowed: write the keys out in full"),
        ("1: a\n", "1:1: key '1' would be read as a int; quote it: \"1\""),
        ("true: a\n", "1:1: key 'true' would be read as a bool; quote it: \"true\""),
        ("? [a]\n: b\n", "1:3: a key must be plain text, not a list or mapping"),
        ("~: a\n", "1:1: a key must be plain text, not a list or mapping"),
    ],
)
def test_refused_keys(text: str, expected: str) -> None:
    assert messages(load(text)) == [expected]


def test_quoted_merge_key_is_just_a_key() -> None:
    document = load('x-a:\n  "<<": 1\n')
    assert (document.problems, document.data) == ([], {"x-a": {"<<": 1}})


def test_duplicate_keys_keep_the_data_for_further_checks() -> None:
    document = load("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert messages(document) == [
        "4:3: duplicate key 'c': first defined on line 3, again on line 4",
        "5:1: duplicate key 'a': first defined on line 1, again on line 5",
    ]
    assert document.data == {"a": 1, "b": {"c": 1}}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: !!str 1\n", "1:4: explicit tag '!!str' is not allowed: tags are never executed; remove it"),
        (
            "a: !!python/object/apply:os.system [ls]\n",
            "1:4: explicit tag '!!python/object/apply:os.system' is not allowed: "
            "tags are never executed; remove it",
        ),
        ("a: !local x\n", "1:4: explicit tag '!local' is not allowed: tags are never executed; remove it"),
        (
            "a: !<tag:x.example,2026:t> x\n",
            "1:4: explicit tag '!<tag:x.example,2026:t>' is not allowed: tags are never executed; remove it",
        ),
        ("--- !!map\na: 1\n", "1:5: explicit tag '!!map' is not allowed: tags are never executed; remove it"),
    ],
)
def test_explicit_tags_are_shown_as_written(text: str, expected: str) -> None:
    document = load(text)
    assert document.data is None
    assert messages(document) == [expected]


def test_text_that_only_looks_like_yaml_features_is_fine() -> None:
    document = load("a: Tom & Jerry!\nb: 'x &y *z !w'\nc: \"<<\"\nd: a <<b>> c\n")
    assert document.problems == []
    assert document.data == {"a": "Tom & Jerry!", "b": "x &y *z !w", "c": "<<", "d": "a <<b>> c"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a:\n\tb: 1\n", "2:1: YAML syntax error: tab characters cannot indent YAML; indent with spaces"),
        ("a: 1\n\tb: 1\n", "2:1: YAML syntax error: tab characters cannot indent YAML; indent with spaces"),
        (
            "a: b\x00c\n",
            "1:5: character '\\x00' (U+0000) is not allowed in YAML: control characters are not allowed",
        ),
        (
            "a: b\x07\n",
            "1:5: character '\\x07' (U+0007) is not allowed in YAML: control characters are not allowed",
        ),
        (
            "a: 'open\n",
            "1:9: YAML syntax error: the file ends before the closing quote "
            "(while scanning a quoted scalar that starts on line 1, column 4)",
        ),
        (
            'a: 1\nb: "open\nstill open\n',
            "3:11: YAML syntax error: the file ends before the closing quote "
            "(while scanning a quoted scalar that starts on line 2, column 4)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "2:1: YAML syntax error: a record file holds exactly one YAML document; "
            "remove the '---' separator and what follows",
        ),
    ],
)
def test_syntax_errors_are_located_and_explained(text: str, expected: str) -> None:
    document = load(text)
    assert document.data is None
    assert messages(document) == [expected]


def test_a_tab_inside_a_value_is_fine() -> None:
    document = load("a: b\tc\nd: 'e\tf'\n")
    assert (document.problems, document.data) == ([], {"a": "b\tc", "d": "e\tf"})


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unquoted_unicode_line_separator_is_explained(separator: str) -> None:
    document = load(f"a: one{separator}two\nb: 1\n")
    assert document.data is None
    code = f"U+{ord(separator):04X}"
    assert messages(document) == [
        f"1:7: YAML syntax error: character {code} is a line break to YAML but not to editors; "
        "remove it or put the value in quotes"
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "1:1: file is empty: a record needs at least version, date, type, status and summary"),
        ("\n  \n", "1:1: file is empty: a record needs at least version, date, type, status and summary"),
        (
            "# only\n# comments\n",
            "1:1: file holds only comments: a record needs at least version, date, type, status and summary",
        ),
        ("---\n...\n", "1:1: file is empty: a record needs at least version, date, type, status and summary"),
        ("- a\n", "1:1: the file holds a list; a record must be a mapping of keys such as 'version: 2.4.0'"),
        (
            "hello\n",
            "1:1: the file holds a single value; a record must be a mapping of keys such as 'version: 2.4.0'",
        ),
        (
            "null\n",
            "1:1: the file holds a single value; a record must be a mapping of keys such as 'version: 2.4.0'",
        ),
    ],
)
def test_files_without_a_mapping(text: str, expected: str) -> None:
    document = load(text)
    assert document.data is None
    assert messages(document) == [expected]


@pytest.mark.parametrize("marker", ["<<<<<<< HEAD", "=======", ">>>>>>> branch", "<<<<<<<"])
def test_conflict_markers(marker: str) -> None:
    document = load(f"a: 1\n{marker}\nb: 2\n")
    assert document.data is None
    assert messages(document) == [
        f"2:1: unresolved Git conflict marker '{marker.split()[0]}': finish the merge"
    ]


def test_conflict_marker_lookalikes_are_fine() -> None:
    document = load("a: |\n  ======= not a marker, it is indented\nb: '<<<<<<<<'\n")
    assert document.problems == []
