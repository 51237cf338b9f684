"""Hypothesis strategies for release records and whole histories, plus helpers to write them as a project.

Histories follow every cross-release rule of issue 4, so a correct checker accepts them all:
- each record's type is the SemVer bump from the highest non-pre-release record below its major.minor.patch
  (the first release may be of any type; a pre-release takes the type of the release it precedes);
- breaking changes appear only in major releases;
- `released` records have every checklist item done (conditional items may be skipped with a note),
  `rolled-back` ones every pre-release item, and an incident;
- a done `rollback-plan` item comes with a non-blank `rollback.plan`;
- an explicit `rollback.target` names a released, non-pre-release record of lower precedence;
- versions are unique (lowercase pre-release identifiers, so case folding cannot collide).

Records are written with a YAML dumper that types scalars exactly as the loader reads them, so the loaded data
must equal the generated data.

Also here: an independent SemVer precedence key (`precedence_key`, SemVer 2.0.0 §11, without the semver
library), mutation strategies that break one thing in a valid record, and `Project` for temporary projects.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st
from releasebook.load import _Resolver

REPO = Path(__file__).resolve().parents[1]
POLICY_FILE = REPO / "policy.yml"
POLICY: dict[str, Any] = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
CHECKLISTS: dict[str, list[tuple[str, bool]]] = {
    key: [(item["id"], bool(item.get("conditional", False))) for item in POLICY["checklists"][key]["items"]]
    for key in ("pre_release", "deployment")
}
STATUSES = ("planned", "in-progress", "released", "rolled-back")
TYPES = ("patch", "minor", "major")
Core = tuple[int, int, int]

# --- YAML written the way the loader reads it ---------------------------------------------------------------


class RecordDumper(yaml.CSafeDumper):
    """PyYAML's safe dumper with releasebook's strict resolver: it quotes what the loader would retype."""

    yaml_implicit_resolvers = _Resolver.yaml_implicit_resolvers


def _represent_str(dumper: yaml.CSafeDumper, text: str) -> yaml.ScalarNode:
    # PyYAML writes NEL, U+2028 and U+2029 raw inside single quotes, where a reader folds them into a space;
    # double quotes escape them (\N, \L, \P).
    style = '"' if re.search("[\x85\u2028\u2029]", text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


RecordDumper.add_representer(str, _represent_str)


def dump(data: Any, *, flow: bool | None = False) -> str:
    """A record as YAML text, block style by default (so every key starts its own line)."""
    text: str = yaml.dump(data, Dumper=RecordDumper, allow_unicode=True, sort_keys=False,
                          default_flow_style=flow, width=100)
    return text


# --- SemVer precedence, computed independently --------------------------------------------------------------


def precedence_key(version: str) -> tuple[Any, ...]:
    """SemVer 2.0.0 §11 precedence as a sortable tuple; build metadata is ignored.

    Written from the specification, not from the semver library: numbers compare numerically, a version
    without a pre-release ranks above one with, identifiers compare left to right (numeric below
    alphanumeric, alphanumeric in ASCII order), and a longer list wins when all earlier identifiers are equal.
    """
    main = version.split("+", 1)[0]
    core, _, pre = main.partition("-")
    major, minor, patch = (int(part) for part in core.split("."))
    if not pre:
        return (major, minor, patch, 1, ())
    identifiers = tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in pre.split("."))
    return (major, minor, patch, 0, identifiers)


def is_prerelease(version: str) -> bool:
    """Whether a version has a pre-release part."""
    return "-" in version.split("+", 1)[0]


def core_of(version: str) -> Core:
    """`major.minor.patch` as numbers."""
    major, minor, patch = version.split("+", 1)[0].split("-", 1)[0].split(".")
    return int(major), int(minor), int(patch)


def bump_type(base: Core, new: Core) -> str | None:
    """The release type that goes from `base` to `new`, or None when no single bump does."""
    if new[0] > base[0]:
        return "major" if new[1:] == (0, 0) else None
    if new[0] == base[0] and new[1] > base[1]:
        return "minor" if new[2] == 0 else None
    if new[:2] == base[:2] and new[2] > base[2]:
        return "patch"
    return None


def expected_last_known_good(record: dict[str, Any], records: list[dict[str, Any]]) -> str | None:
    """Oracle: the version a rollback of `record` goes to, per issue 4 (an explicit target wins)."""
    target = (record.get("rollback") or {}).get("target")
    if target:
        return str(target)
    below = [r for r in records if r["status"] == "released" and not is_prerelease(r["version"])
             and precedence_key(r["version"]) < precedence_key(record["version"])]
    return max(below, key=lambda r: precedence_key(r["version"]))["version"] if below else None


# --- text ---------------------------------------------------------------------------------------------------

# Text that YAML or Markdown would misread if it were written carelessly.
TRICKY = (
    "on", "no", "yes", "off", "y", "~", "null", "true", "False", "0755", "1:20", "1e5", ".inf", "0x1F",
    "2026-02-30", "<<", "&anchor", "*alias", "!tag", "%TAG", "@at", "`tick`", "# not a comment",
    "- not a list", "key: value",
    "'single'", '"double"', "|", ">", "{a: 1}", "[1, 2]", "\\", "a\nb", "\t", "trailing ", " leading",
    "\u2028", "\x85", "\u00a0", "é", "日本語", "🚀", "\u202e", "<script>alert(1)</script>", "{{ config }}",
    "{% raw %}", "[x](javascript:alert(1))", "| a | b |", "# heading", "=======", "<<<<<<< HEAD",
)
_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))


def _visible(text: str) -> bool:
    return any(not char.isspace() for char in text)


@functools.cache
def text(max_size: int = 30) -> st.SearchStrategy[str]:
    """Non-blank text, often with tricky pieces in it (Markdown fields, titles)."""
    piece = st.one_of(st.sampled_from(TRICKY), st.text(_CHARS, min_size=1, max_size=max_size))
    visible = st.one_of(st.sampled_from([t for t in TRICKY if _visible(t)]),
                        st.text(_CHARS, min_size=1, max_size=max_size).filter(_visible))
    return st.builds(lambda before, middle, after: before + middle + after,
                     st.one_of(st.just(""), piece), visible, st.one_of(st.just(""), piece))


@functools.cache
def words() -> st.SearchStrategy[str]:
    """Short plain text (names, roles, components)."""
    return st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=12)


@functools.cache
def url() -> st.SearchStrategy[str]:
    """An http(s) URL."""
    return st.builds(lambda scheme, host, path: f"{scheme}://{host}.example/{path}",
                     st.sampled_from(("http", "https", "HTTPS")),
                     st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
                     st.from_regex(r"[A-Za-z0-9._~/%-]{0,20}", fullmatch=True))


@functools.cache
def datetimes() -> st.SearchStrategy[str]:
    """An ISO 8601 date-time with seconds and a zone, as the schema asks for `incident.detected_at`."""
    offset = st.builds(lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
                       st.sampled_from("+-"), st.integers(0, 14), st.sampled_from((0, 30, 45)))
    zone = st.one_of(st.just("Z"), offset)
    fraction = st.one_of(st.just(""), st.integers(0, 999_999).map(lambda n: f".{n:06d}"))
    moment = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31))
    return st.builds(lambda m, f, z: m.strftime("%Y-%m-%dT%H:%M:%S") + f + z, moment, fraction, zone)


@functools.cache
def dates() -> st.SearchStrategy[str]:
    """A real calendar date, YYYY-MM-DD."""
    return st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)).map(dt.date.isoformat)


# --- versions -----------------------------------------------------------------------------------------------

_IDENTIFIER = st.one_of(
    st.sampled_from(("alpha", "beta", "rc", "pre", "x-1", "0a", "a0", "-")),
    st.integers(0, 30).map(str),
    st.from_regex(r"[0-9]*[a-z-][0-9a-z-]{0,5}", fullmatch=True),
)
PRERELEASES = st.lists(_IDENTIFIER, min_size=1, max_size=3).map(".".join)
BUILDS = st.from_regex(r"[0-9A-Za-z-]{1,6}(\.[0-9A-Za-z-]{1,6}){0,2}", fullmatch=True)
CORES = st.tuples(st.integers(0, 4), st.integers(0, 12), st.integers(0, 6))


def _closed(cores: set[Core]) -> set[Core]:
    """Add M.m.0 and M.0.0 below every core, so each is one bump from the release under it."""
    out = set(cores)
    for major, minor, _ in cores:
        out |= {(major, minor, 0), (major, 0, 0)}
    return out


# --- records ------------------------------------------------------------------------------------------------


def _change(draw: st.DrawFn, *, breaking: bool = False, known_issue: bool = False) -> dict[str, Any]:
    change: dict[str, Any] = {"title": draw(text(20)), "description": draw(text())}
    if breaking:
        change["migration"] = draw(text())
        if draw(st.booleans()):
            change["impact"] = draw(text())
    if known_issue and draw(st.booleans()):
        change["workaround"] = draw(text())
    if draw(st.booleans()):
        change["refs"] = draw(st.lists(words(), min_size=1, max_size=3))
    return change


_ITEM_EXTRAS = st.fixed_dictionaries({}, optional={"owner": words(), "evidence": url(), "note": text()})
_FREE_STATES = st.sampled_from((None, None, "done", "pending", "in-progress", "blocked"))  # None: left out


def _checklists(draw: st.DrawFn, status: str) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    gated = {"released": ("pre_release", "deployment"), "rolled-back": ("pre_release",)}.get(status, ())
    for key, items in CHECKLISTS.items():
        states = draw(st.lists(_FREE_STATES, min_size=len(items), max_size=len(items)))
        skip = draw(st.integers(0, 2 ** len(items) - 1))  # which conditional items are skipped, as bits
        entries: dict[str, Any] = {}
        for index, (item_id, conditional) in enumerate(items):
            state = "done" if key in gated else states[index]
            if conditional and skip >> index & 1:
                state = "skipped"  # allowed everywhere for a conditional item, with a note
            if state is not None:
                entries[item_id] = state
        for item_id in draw(st.lists(st.sampled_from([i for i, _ in items]), max_size=2, unique=True)):
            if item_id in entries and entries[item_id] != "skipped":
                entries[item_id] = {"status": entries[item_id], **draw(_ITEM_EXTRAS)}
        for item_id, state in entries.items():
            if state == "skipped":
                entries[item_id] = {"status": "skipped", "note": draw(text())}
        if entries or draw(st.booleans()):
            result[key] = entries
    return result


def _verification(draw: st.DrawFn) -> dict[str, Any]:
    number = st.floats(0, 100, allow_nan=False, allow_infinity=False)
    fields: dict[str, st.SearchStrategy[Any]] = {
        "error_rate_percent": st.one_of(st.integers(0, 100), number),
        "latency_ratio": st.floats(0.01, 1_000_000, allow_nan=False),
        "critical_functionality_broken": st.booleans(),
        "data_integrity_issue": st.booleans(),
        "security_issue": st.booleans(),
        "noncritical_feature_major_issue": st.booleans(),
        "complex_workaround": st.booleans(),
        "estimated_fix_hours": st.one_of(st.integers(0, 1000), number),
        "notes": text(),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=4, unique=True))
    return {name: draw(fields[name]) for name in chosen}


@st.composite
def record_body(draw: st.DrawFn, version: str, type_: str, status: str) -> dict[str, Any]:
    """One valid record for a version, type and status (`histories` sets the cross-release parts)."""
    record: dict[str, Any] = {"version": version}
    if draw(st.booleans()):
        record["name"] = draw(text(20))
    record.update(date=draw(dates()), type=type_, status=status, summary=draw(text()))
    if draw(st.booleans()):
        record["components"] = draw(st.lists(words(), min_size=1, max_size=3))
    for key in ("features", "improvements", "fixes"):
        if draw(st.integers(0, 2)) == 0:
            record[key] = [_change(draw) for _ in range(draw(st.integers(1, 2)))]
    if type_ == "major" and draw(st.booleans()):
        record["breaking_changes"] = [_change(draw, breaking=True) for _ in range(draw(st.integers(1, 2)))]
        record["migration_steps"] = draw(st.lists(text(), min_size=1, max_size=2))
    if draw(st.integers(0, 2)) == 0:
        record["known_issues"] = [_change(draw, known_issue=True)]
    if draw(st.integers(0, 2)) == 0:
        record["documentation"] = [{"title": draw(text(20)), "url": draw(url())}]
    checklists = _checklists(draw, status)
    if checklists:
        record["checklists"] = checklists
    plan_done = _state(checklists.get("pre_release", {}).get("rollback-plan")) == "done"
    rollback: dict[str, Any] = {}
    if plan_done or draw(st.booleans()):
        rollback["plan"] = draw(text())
    if draw(st.booleans()):
        rollback["steps"] = draw(st.lists(text(), min_size=1, max_size=2))
    if draw(st.integers(0, 3)) == 0:
        rollback["contacts"] = [{"role": draw(words()), "name": draw(words())}]
    if rollback:
        record["rollback"] = rollback
    if status != "planned" and draw(st.integers(0, 2)) == 0:
        record["verification"] = _verification(draw)
    if status == "rolled-back" or draw(st.integers(0, 5)) == 0:
        incident: dict[str, Any] = {"summary": draw(text()), "detected_at": draw(datetimes())}
        if draw(st.booleans()):
            incident["severity"] = draw(st.sampled_from(("SEV1", "SEV2", "minor")))
        if draw(st.booleans()):
            incident["postmortem"] = draw(url())
        record["incident"] = incident
    if draw(st.integers(0, 4)) == 0:
        record["x-team"] = draw(words())
    return record


def _state(entry: Any) -> str | None:
    return entry if isinstance(entry, str) else entry.get("status") if isinstance(entry, dict) else None


@st.composite
def histories(draw: st.DrawFn, max_cores: int = 4) -> list[dict[str, Any]]:
    """A whole valid history: 1 to about 12 records with pre-releases, backports, gaps and rollbacks."""
    cores = sorted(_closed(set(draw(st.lists(CORES, min_size=1, max_size=max_cores)))))
    cores = cores[draw(st.integers(0, len(cores) - 1)):]  # the first release may be of any type
    top_is_preview = len(cores) > 1 and draw(st.booleans())  # e.g. 3.0.0-rc.1 with no 3.0.0 yet
    versions: list[tuple[Core, str]] = []
    for index, core in enumerate(cores):
        base = ".".join(map(str, core))
        pre = draw(st.lists(PRERELEASES, max_size=[0, 0, 0, 1, 1, 2][draw(st.integers(0, 5))], unique=True))
        if top_is_preview and index == len(cores) - 1 and not pre:
            pre = ["rc.1"]
        versions.extend((core, f"{base}-{p}") for p in pre)
        if not (top_is_preview and index == len(cores) - 1):
            versions.append((core, base))
    finals = [core for core, version in versions if not is_prerelease(version)]
    records: list[dict[str, Any]] = []
    for core, version in versions:
        below = [f for f in finals if f < core]
        type_ = bump_type(max(below), core) if below else draw(st.sampled_from(TYPES))
        assert type_ is not None, (core, below)  # _closed() guarantees a single bump
        if draw(st.integers(0, 5)) == 0:
            version += "+" + draw(BUILDS)
        status = draw(st.sampled_from(STATUSES))
        records.append(draw(record_body(version, type_, status)))
    # Explicit rollback targets: a released, non-pre-release record below.
    for record in records:
        options = [r["version"] for r in records
                   if r["status"] == "released" and not is_prerelease(r["version"])
                   and precedence_key(r["version"]) < precedence_key(record["version"])]
        if options and draw(st.integers(0, 3)) == 0:
            target = draw(st.sampled_from(options)).split("+", 1)[0]
            record.setdefault("rollback", {})["target"] = target
    return records


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A single valid record: the only release of its history, so no cross-release rule binds it."""
    version = ".".join(map(str, draw(CORES)))
    if draw(st.booleans()):
        version += "-" + draw(PRERELEASES)
    if draw(st.integers(0, 3)) == 0:
        version += "+" + draw(BUILDS)
    return draw(record_body(version, draw(st.sampled_from(TYPES)), draw(st.sampled_from(STATUSES))))


# --- mutations: break exactly one thing ---------------------------------------------------------------------

REQUIRED = ("version", "date", "type", "status", "summary")


@dataclass(frozen=True)
class Mutation:
    """A broken record: its text, the file name to write it under, and what was broken."""

    kind: str
    text: str
    file_name: str


def _file_name(version: str) -> str:
    return f"{version}.yml"


def _with(record: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    changed = dict(record)
    changed[key] = value
    return changed


MUTATION_KINDS = ("drop-required", "wrong-type", "duplicate-key", "bad-date", "unknown-item", "unknown-key",
                  "bad-enum", "bad-version", "bad-url")


@st.composite
def mutations(draw: st.DrawFn, record: dict[str, Any], kind: str | None = None) -> Mutation:
    """One valid record with exactly one thing broken (of the given kind, or any)."""
    kind = kind or draw(st.sampled_from(MUTATION_KINDS))
    name = _file_name(record["version"])
    if kind == "drop-required":
        key = draw(st.sampled_from(REQUIRED))
        return Mutation(kind, dump({k: v for k, v in record.items() if k != key}), name)
    if kind == "wrong-type":
        key, value = draw(st.sampled_from([
            ("summary", 5), ("summary", ["a"]), ("summary", {"a": "b"}), ("summary", None), ("summary", True),
            ("features", "a feature"), ("components", "api"), ("checklists", ["done"]),
            ("rollback", "redeploy"),
            ("date", 20260105), ("version", 1.0), ("verification", {"error_rate_percent": "high"}),
            ("verification", {"latency_ratio": "0755"}), ("verification", {"estimated_fix_hours": "1:20"}),
            ("verification", {"security_issue": "no"}), ("incident", ["down"]),
        ]))
        changed = _with(record, key, value)
        if key == "verification" and record["status"] == "planned":
            changed["status"] = record["status"]
        return Mutation(kind, dump(changed), name)
    if kind == "duplicate-key":
        key = draw(st.sampled_from([k for k in record if k in ("summary", "date", "type", "status", "name")]))
        # The whole entry: a string with line breaks is dumped over several lines, and its first line alone
        # would be an unclosed quote (a syntax error) rather than a second key.
        entry = dump({key: record[key]})
        body = dump(record)
        position = draw(st.sampled_from(("end", "start")))
        text = body + entry if position == "end" else entry + body
        return Mutation(kind, text, name)
    if kind == "bad-date":
        value = draw(st.sampled_from(("2026-02-30", "2026-13-01", "26-01-05", "2026/01/05", "0000-01-01",
                                      "2026-1-5", "05.01.2026", "2026-01-05T10:00:00Z", "tomorrow")))
        return Mutation(kind, dump(_with(record, "date", value)), name)
    if kind == "unknown-item":
        checklists = {k: dict(v) for k, v in (record.get("checklists") or {}).items()}
        key = draw(st.sampled_from(("pre_release", "deployment")))
        item = draw(st.sampled_from(("perfomance", "smoke-test", "qa-sign-off", "no-such-item", "backups")))
        checklists.setdefault(key, {})[item] = "pending"
        return Mutation(kind, dump(_with(record, "checklists", checklists)), name)
    if kind == "unknown-key":
        key = draw(st.sampled_from(("colour", "sumary", "Version", "on", "no", "notes", "x_team", "<<x")))
        return Mutation(kind, dump(_with(record, key, "value")), name)
    if kind == "bad-enum":
        key, value = draw(st.sampled_from([("type", "hotfix"), ("type", "Major"), ("status", "shipped"),
                                           ("status", "Released"), ("type", "")]))
        return Mutation(kind, dump(_with(record, key, value)), name)
    if kind == "bad-version":
        version = draw(st.sampled_from(("v1.2.3", "1.2", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3+", "1..3",
                                        "1.2.3-rc..1", "1.2.3.4", "1.2.3-ä", " 1.2.3", "1.2.3 ", "x" * 300)))
        safe = re.fullmatch(r"[0-9A-Za-z.+-]{1,100}", version) is not None
        return Mutation(kind, dump(_with(record, "version", version)), _file_name(version) if safe else name)
    # bad-url
    bad = draw(st.sampled_from(("javascript:alert(1)", "ftp://files.example/x", "data:text/html,<b>x</b>",
                                "//evil.example/x", "https:/evil.example", "http://", "mailto:a@b.example",
                                "https://evil.example/\nx", " https://ok.example", "JaVaScRiPt:alert(1)")))
    where = draw(st.sampled_from(("documentation", "postmortem", "evidence")))
    changed = dict(record)
    if where == "documentation":
        changed["documentation"] = [{"title": "Docs", "url": bad}]
    elif where == "postmortem":
        changed["incident"] = {"summary": "Down", "detected_at": "2026-01-05T10:00:00Z", "postmortem": bad}
    else:
        checklists = {k: dict(v) for k, v in (record.get("checklists") or {}).items()}
        checklists.setdefault("pre_release", {})["smoke-tests"] = {"status": "done", "evidence": bad}
        changed["checklists"] = checklists
    return Mutation(kind, dump(changed), name)


# --- temporary projects -------------------------------------------------------------------------------------


@dataclass
class Project:
    """A throwaway releasebook project: mkdocs.yml with plugin options, policy.yml and releases/."""

    root: Path
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "releases").mkdir(exist_ok=True)
        shutil.copyfile(POLICY_FILE, self.root / "policy.yml")
        self.write_config(self.options)

    @property
    def config(self) -> Path:
        """The project's mkdocs.yml."""
        return self.root / "mkdocs.yml"

    @property
    def releases(self) -> Path:
        """The records folder."""
        return self.root / "releases"

    def write_config(self, options: dict[str, Any]) -> None:
        """mkdocs.yml with the releasebook plugin and these options."""
        plugins = [{"releasebook": options}] if options else ["releasebook"]
        self.config.write_text(yaml.safe_dump({"site_name": "Test", "plugins": plugins}), encoding="utf-8")

    def write(self, name: str, content: str | bytes) -> Path:
        """Write one record file under releases/ (text as UTF-8)."""
        path = self.releases / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
        return path

    def write_history(self, history: list[dict[str, Any]], *, flow: bool | None = False) -> None:
        """Every record as `<version>.yml` (flow=None lets PyYAML mix block and flow style)."""
        for record in history:
            self.write(f"{record['version']}.yml", dump(record, flow=flow))

    def clear(self) -> None:
        """Remove every record."""
        shutil.rmtree(self.releases)
        self.releases.mkdir()


PROBLEM_LINE = re.compile(
    r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>.*)$")


def parse_problems(output: str) -> list[dict[str, Any]]:
    """The `file:line:col: severity: message` lines of the text reporter."""
    found = []
    for line in output.splitlines():
        match = PROBLEM_LINE.match(line)
        if match:
            found.append({**match.groupdict(), "line": int(match["line"]), "col": int(match["col"])})
    return found
