"""JSON Schema and per-record checks, turning every finding into a located Problem."""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import semver

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError

from .load import DataPath, Document, format_path
from .model import (
    Change,
    Checklist,
    ChecklistSpec,
    Contact,
    Criterion,
    Incident,
    ItemSpec,
    ItemStatus,
    ItemStatusName,
    Link,
    NotesSection,
    Policy,
    Release,
    Rollback,
    Verification,
)
from .problems import MAX_PER_FILE, Problem, did_you_mean

_JSON_TYPES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


def _kind(value: Any) -> str:
    """How a loaded YAML value reads to an author."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing (null)"


# With one of these installed, jsonschema's check_schema also checks the metaschema's URI formats.
_URI_FORMAT_PACKAGES = ("rfc3987", "rfc3986_validator")


def _python_regexes_compile(schema: Any) -> bool:
    """Whether every `pattern` and `patternProperties` key anywhere in the schema compiles with Python's `re`.

    That is the one format jsonschema's check_schema checks here ('regex'); the walk also visits values that
    are not schema keywords, which can only send a valid schema down the slow path.
    """
    stack = [schema]
    try:
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key == "pattern" and isinstance(value, str):
                        re.compile(value)
                    elif key == "patternProperties" and isinstance(value, dict):
                        for pattern in value:
                            re.compile(pattern)
                    stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)
    except re.error:
        return False
    return True


def _quickly_valid(schema: Any) -> bool:
    """True when the schema is certainly valid Draft 2020-12, checked without importing jsonschema.

    jsonschema-rs checks it against the metaschema; False sends it to jsonschema's check_schema, which then
    raises the readable SchemaError as before (or accepts it).
    """
    if any(importlib.util.find_spec(name) is not None for name in _URI_FORMAT_PACKAGES):
        return False
    try:
        return bool(jsonschema_rs.meta.is_valid(schema)) and _python_regexes_compile(schema)
    except Exception:  # anything odd takes the slow, authoritative path
        return False


class SchemaChecker:
    """A compiled schema: a fast all-valid check, then readable located errors when it fails.

    jsonschema (slow to import) is only loaded when a schema or a record has something to report.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        if not _quickly_valid(schema):
            import jsonschema

            jsonschema.Draft202012Validator.check_schema(schema)
        self._slow_validator: jsonschema.Draft202012Validator | None = None
        # offline: a schema's $refs are never fetched over HTTP nor read from file:// URLs
        self._fast = jsonschema_rs.validator_for(schema, validate_formats=True, offline=True)
        defs = schema.get("$defs", {})
        version_pattern = schema.get("properties", {}).get("version", {}).get("pattern")
        self._pattern_hints: dict[str, str] = {}
        if version_pattern:
            self._pattern_hints[version_pattern] = "version"
        for name in ("url", "markdown", "title"):
            if "pattern" in defs.get(name, {}):
                self._pattern_hints[defs[name]["pattern"]] = name
        date_pattern = schema.get("properties", {}).get("date", {}).get("pattern")
        if date_pattern:
            self._pattern_hints[date_pattern] = "date"

    @property
    def _slow(self) -> jsonschema.Draft202012Validator:
        """The jsonschema validator that explains failures, made on first use."""
        if self._slow_validator is None:
            import jsonschema
            from referencing import Registry

            self._slow_validator = jsonschema.Draft202012Validator(
                self.schema,
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
                registry=Registry(),  # an empty registry: no $ref is ever fetched from the network
            )
        return self._slow_validator

    @classmethod
    def from_file(cls, path: Path) -> SchemaChecker:
        """Load and compile a schema file (raises OSError, ValueError or SchemaError on a bad schema)."""
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def check(self, document: Document) -> list[Problem]:
        """Every schema violation in one loaded document, located."""
        data = document.data
        if data is None or self._fast.is_valid(data):
            return []
        errors = self._slow.iter_errors(data)
        first = next(errors, None)
        if first is None:
            # The engines disagree on a few edges (Python's `$` matches before a final newline, Rust's does
            # not). The fast engine refused the record, so it must not pass: report its own findings.
            problems: list[Problem] = []
            for fast_error in self._fast.iter_errors(data):
                path = tuple(fast_error.instance_path)
                pattern = getattr(fast_error.kind, "pattern", None)
                form = getattr(fast_error.kind, "format", None)
                # A date-time format error reads as record_checks words it, so the two collapse into one.
                message = (self._pattern_message(fast_error.instance, pattern, path) if pattern is not None
                           else _format_message(fast_error.instance, form) if form is not None
                           else _clip(fast_error.message))
                problems.append(document.problem(path, message))
            return problems
        useful = _without_repeats(itertools.chain([first], errors))
        found = itertools.chain.from_iterable(self._describe(document, error) for error in useful)
        # One more than the pipeline lists tells it that more exist (see problems.MAX_PER_FILE). Count
        # distinct problems: jsonschema reports `required` once per missing key, each naming all of them.
        return list(itertools.islice(_distinct(found), MAX_PER_FILE + 1))

    def _describe(self, document: Document, error: ValidationError) -> Iterator[Problem]:
        path: DataPath = tuple(error.absolute_path)
        instance: Any = error.instance
        kind: Any = error.validator
        value: Any = error.validator_value
        schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
        if kind == "required" and isinstance(instance, dict):
            for name in value:
                if name not in instance:
                    if name == "note" and instance.get("status") == "skipped":
                        message = "a skipped item needs a 'note' that says why it was skipped"
                    else:
                        message = f"missing required key '{name}'"
                    yield document.problem(path, message)
            return
        if kind == "additionalProperties" and isinstance(instance, dict):
            known = list(schema.get("properties", {}))
            patterns = list(schema.get("patternProperties", {}))
            for name in instance:
                if name in known or any(re.search(p, name) for p in patterns):
                    continue
                hint = did_you_mean(name, known)
                if not hint and known:
                    hint = f" (known keys: {', '.join(known)})"
                extra = "; team extensions need an 'x-' prefix" if patterns else ""
                yield document.problem((*path, name), f"unknown key '{name}'{hint}{extra}", at_key=True)
            return
        yield document.problem(path, self._message(document, error, path))

    def _message(self, document: Document, error: ValidationError, path: DataPath) -> str:
        instance: Any = error.instance
        kind: Any = error.validator
        value: Any = error.validator_value
        if kind == "enum":
            if instance == "skipped" and isinstance(value, list) and "done" in value:
                return "'skipped' needs a note: write {status: skipped, note: \"why\"}"
            choices = [str(v) for v in value]
            hint = did_you_mean(str(instance), choices) if isinstance(instance, str) else ""
            return f"{_shown(instance)} is not one of: {', '.join(choices)}{hint}"
        if kind == "const":
            return f"{_shown(instance)} must be {_shown(value)}"
        if kind == "type":
            expected: list[str] = value if isinstance(value, list) else [value]
            wanted = " or ".join(_JSON_TYPES.get(t, t) for t in expected)
            if isinstance(instance, str) and "string" not in expected:
                return f"expected {wanted}, got text '{_clip(instance)}'{_number_hint(instance, expected)}"
            if "string" in expected and isinstance(instance, int | float | bool):
                _, node = document.node_at(path)
                written = getattr(node, "value", str(instance))
                return (f"expected text, but {written} was read as {_kind(instance)}; "
                        f"quote it: \"{written}\"")
            if instance is None:
                return f"expected {wanted}, but the value is empty"
            return f"expected {wanted}, got {_kind(instance)}"
        if kind == "pattern":
            return self._pattern_message(instance, value, path)
        if kind == "format":
            return _format_message(instance, value)
        if kind == "minLength":
            return "must not be empty" if value == 1 else f"must be at least {value} characters long"
        if kind == "maxLength":
            return f"{_subject(path)} is {len(instance)} characters long, over the limit of {value}"
        if kind == "minimum":
            return f"{_shown(instance)} is out of range: it must be at least {value}"
        if kind == "maximum":
            return f"{_shown(instance)} is out of range: it must be at most {value}"
        if kind == "exclusiveMinimum":
            return f"{_shown(instance)} is out of range: it must be greater than {value}"
        if kind == "exclusiveMaximum":
            return f"{_shown(instance)} is out of range: it must be less than {value}"
        if kind == "minItems":
            return f"needs at least {value} entr{'y' if value == 1 else 'ies'}"
        return error.message

    def _pattern_message(self, instance: Any, pattern: str, path: DataPath) -> str:
        hint = self._pattern_hints.get(pattern)
        if hint == "version":
            return f"'{instance}' is not a SemVer 2.0.0 version{_semver_hint(str(instance))}"
        if hint == "url":
            return f"'{instance}' is not an http(s) URL: only http:// and https:// links are allowed"
        if hint in ("markdown", "title"):
            return "must not be blank"
        if hint == "date":
            return f"'{instance}' is not a date in YYYY-MM-DD form"
        if path and path[-1] == "detected_at":
            return (f"'{instance}' is not an ISO 8601 date-time with seconds and a time zone, "
                    "e.g. 2026-08-12T14:05:00Z")
        return f"'{instance}' does not match the pattern {pattern}"


def _without_repeats(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """The errors minus those that only repeat a clearer one about the same value, lazily.

    The keywords of one value's subschema are checked together, so its errors arrive next to each other: a
    file of 500,000 bad values is never held in memory at once.
    """
    for _, group in itertools.groupby(errors, key=lambda error: tuple(error.absolute_path)):
        same_value = list(group)
        failed = {(tuple(error.absolute_path), error.validator) for error in same_value}
        yield from (error for error in same_value if not _redundant(error, failed))


def _redundant(error: ValidationError, failed: set[tuple[tuple[Any, ...], Any]]) -> bool:
    """True for an error that only repeats a clearer one: one message per value is enough."""
    path = tuple(error.absolute_path)
    if error.validator == "format":  # '2026-3-2' is already 'not a date in YYYY-MM-DD form'
        return (path, "pattern") in failed or (path, "type") in failed
    if error.validator == "pattern" and (path, "minLength") in failed:  # '' is already 'must not be empty'
        return True
    # A checklist id that fails propertyNames is unknown to the policy too (the policy schema has the same
    # pattern), and record_checks reports it at the key with a did-you-mean.
    return "propertyNames" in error.schema_path


def _format_message(instance: Any, form: str) -> str:
    """Why a value fails a `format`; for dates, the words record_checks uses too."""
    shown = _clip(str(instance))
    if form == "date":
        return f"'{shown}' is not a real calendar date"
    if form == "date-time":
        return f"'{shown}' is not a real date and time"
    return f"'{shown}' is not a valid {form}"


def _distinct(problems: Iterable[Problem]) -> Iterator[Problem]:
    """Problems without repeats, lazily."""
    seen: set[Problem] = set()
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            yield problem


def _shown(value: Any) -> str:
    return f"'{_clip(value)}'" if isinstance(value, str) else _clip(json.dumps(value))


def _clip(text: str, limit: int = 80) -> str:
    """A value echoed in a message, cut short so a hostile 20,000-character value cannot flood the output."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _subject(path: DataPath) -> str:
    """What a message is about: `'version'`, `'features[2].title'`, or `the value` at the top."""
    return f"'{format_path(path)}'" if path else "the value"


def _number_hint(text: str, expected: list[str]) -> str:
    """Why text that looks like a number was not read as one."""
    if not {"number", "integer"} & set(expected):
        return ""
    if re.fullmatch(r"[-+]?0[0-9]+(\.[0-9]*)?", text):
        return "; write it without leading zeros"
    if re.fullmatch(r"[-+]?[0-9]+(:[0-9]+)+(\.[0-9]*)?", text):
        return "; write one number, not a time such as 1:20 (hours are a decimal, e.g. 1.5)"
    return ""


def _semver_hint(text: str) -> str:
    """A short hint for the commonest SemVer mistakes."""
    if re.match(r"^[vV]\d", text):
        return f": drop the leading 'v' ({text[1:]})"
    if re.fullmatch(r"\d+(\.\d+)?", text):
        parts = text.split(".")
        return f": use three numbers, e.g. {'.'.join(parts + ['0'] * (3 - len(parts)))}"
    if re.search(r"-(?:.*\.)?0\d", text) and not re.search(r"\+", text.split("-", 1)[0]):
        return ": numeric pre-release identifiers must not have leading zeros"
    if re.match(r"^0\d|\.0\d", text):
        return ": numbers must not have leading zeros"
    return " (MAJOR.MINOR.PATCH, optionally -prerelease and +build)"


# --- per-record checks that a schema cannot express ---------------------------------------------------------


def record_checks(document: Document, policy: Policy | None, stem: str) -> list[Problem]:
    """What a schema cannot check: version equals the file stem, checklist ids exist, times are real."""
    data = document.data
    if data is None:
        return []
    problems: list[Problem] = []
    version = data.get("version")
    if isinstance(version, str) and version != stem:
        shown = _clip(version)
        suffix = Path(document.source.path).suffix or ".yml"
        fix = f"rename the file to '{version}{suffix}' or fix the version" if shown == version else "fix it"
        message = f"version '{shown}' does not match the file name '{_clip(stem)}': {fix}"
        problems.append(document.problem(("version",), message))
    date = data.get("date")
    # The fast schema engine accepts year 0000, which Python's calendar cannot hold: check every date here.
    if isinstance(date, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date) and not _parse_date(date):
        problems.append(document.problem(("date",), f"'{date}' is not a real calendar date"))
    checklists = data.get("checklists")
    if policy is not None and isinstance(checklists, dict):
        for key, items in checklists.items():
            spec = policy.checklist(key)
            if spec is None or not isinstance(items, dict):
                continue
            known = [item.id for item in spec.items]
            elsewhere = {item.id: other.key for other in policy.checklists if other.key != key
                         for item in other.items}
            for item_id in items:
                if len(problems) > MAX_PER_FILE:
                    break
                if item_id not in known:
                    if item_id in elsewhere:
                        other = elsewhere[item_id]
                        hint = f": it is a {other} item; move it under checklists.{other}"
                    else:
                        hint = did_you_mean(item_id, known) or f" (the {key} items are: {', '.join(known)})"
                    problems.append(document.problem(
                        ("checklists", key, item_id), f"unknown {key} checklist item '{item_id}'{hint}",
                        at_key=True))
    incident = data.get("incident")
    detected_at = incident.get("detected_at") if isinstance(incident, dict) else None
    # Only a value of the right form is checked here; the schema's pattern reports any other text.
    if (isinstance(detected_at, str) and _parse_datetime(detected_at) is None
            and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
                             r"([Zz]|[+-][0-9]{2}:[0-9]{2})", detected_at)):
        problems.append(document.problem(("incident", "detected_at"),
                                         f"'{detected_at}' is not a real date and time"))
    return problems


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _parse_datetime(text: str) -> dt.datetime | None:
    """A zoned date and time that also exists in UTC (9999-12-31T23:59:59-23:00 does not), or None."""
    try:
        parsed = dt.datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
        parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    return parsed


# --- data to model ------------------------------------------------------------------------------------------


def _changes(items: Iterable[dict[str, Any]] | None) -> tuple[Change, ...]:
    return tuple(
        Change(
            title=item["title"],
            description=item["description"],
            refs=tuple(item.get("refs", ())),
            migration=item.get("migration", ""),
            impact=item.get("impact", ""),
            workaround=item.get("workaround", ""),
        )
        for item in items or ()
    )


@lru_cache(maxsize=4096, typed=True)
def _item_status(item_id: str, text: str, status: ItemStatusName, conditional: bool, owner: str,
                 evidence: str, note: str) -> ItemStatus:
    """One item's state, shared by every record that states it alike (the object is frozen).

    Most records mark most items `done` the same way: at 5,000 records, 220,000 items are a few thousand
    distinct states, and each object saved is memory and work for every garbage collection of a build.
    """
    return ItemStatus(item_id, text, status, conditional, owner, evidence, note)


def build_checklists(data: dict[str, Any], policy: Policy) -> tuple[Checklist, ...]:
    """The record's checklist state in the policy's order; items it leaves out are pending."""
    recorded = data.get("checklists") or {}
    result = []
    for spec in policy.checklists:
        entries = recorded.get(spec.key) or {}
        items = []
        for item in spec.items:
            entry = entries.get(item.id, "pending")
            if isinstance(entry, str):
                entry = {"status": entry}
            items.append(_item_status(item.id, item.text, entry["status"], item.conditional,
                                      entry.get("owner", ""), entry.get("evidence", ""),
                                      entry.get("note", "")))
        result.append(Checklist(spec.key, spec.title, tuple(items)))
    return tuple(result)


def build_release(data: dict[str, Any], policy: Policy, source: str) -> Release:
    """A Release from a record that passed the schema and the record checks."""
    rollback = data.get("rollback") or {}
    verification = data.get("verification")
    incident = data.get("incident")
    detected = _parse_datetime(incident["detected_at"]) if incident else None
    return Release(
        version=data["version"],
        semver=semver.Version.parse(data["version"]),
        date=dt.date.fromisoformat(data["date"]),
        type=data["type"],
        status=data["status"],
        summary=data["summary"],
        source=source,
        name=data.get("name", ""),
        components=tuple(data.get("components", ())),
        features=_changes(data.get("features")),
        improvements=_changes(data.get("improvements")),
        fixes=_changes(data.get("fixes")),
        breaking_changes=_changes(data.get("breaking_changes")),
        migration_steps=tuple(data.get("migration_steps", ())),
        known_issues=_changes(data.get("known_issues")),
        documentation=tuple(Link(link["title"], link["url"]) for link in data.get("documentation", ())),
        checklists=build_checklists(data, policy),
        rollback=Rollback(
            plan=rollback.get("plan", ""),
            target=rollback.get("target", ""),
            steps=tuple(rollback.get("steps", ())),
            feature_flags=tuple(rollback.get("feature_flags", ())),
            database=rollback.get("database", ""),
            contacts=tuple(Contact(c["role"], c.get("name", ""), c.get("contact", ""))
                           for c in rollback.get("contacts", ())),
        ),
        verification=Verification(
            {k: v for k, v in verification.items() if k != "notes"}, verification.get("notes", "")
        ) if verification is not None else None,
        incident=Incident(incident["summary"], detected, incident.get("severity", ""),
                          incident.get("postmortem", "")) if incident and detected else None,
        extensions={k: v for k, v in data.items() if k.startswith("x-")},
    )


def build_policy(data: dict[str, Any], source: str) -> Policy:
    """A Policy from data that passed the policy schema."""
    criteria: list[Criterion] = []
    for level in ("immediate", "consider"):
        for entry in data["rollback_criteria"][level]:
            criteria.append(Criterion(
                id=entry["id"],
                text=entry["text"],
                field=entry["field"],
                level=level,
                threshold=entry.get("threshold"),
                unit=entry.get("unit", ""),
                label=entry.get("label", ""),
            ))
    return Policy(
        organization=data["organization"],
        title=data["title"],
        purpose=data["purpose"],
        release_types={k: (v["title"], v["description"]) for k, v in data["release_types"].items()},
        checklists=tuple(
            ChecklistSpec(key, data["checklists"][key]["title"], tuple(
                ItemSpec(item["id"], item["text"], bool(item.get("conditional", False)))
                for item in data["checklists"][key]["items"]
            ))
            for key in ("pre_release", "deployment")
        ),
        incident_trigger=data["incident_playbook"]["trigger"],
        playbook_steps=tuple(data["incident_playbook"]["steps"]),
        on_call=tuple(entry["role"] for entry in data["on_call"]),
        postmortem_hours=data["postmortem_hours"],
        criteria=tuple(criteria),
        rules=dict(data.get("rules", {})),
        notes_template=tuple(NotesSection(s["heading"], s["guidance"])
                             for s in data.get("release_notes_template", ())),
        source=source,
    )


def policy_checks(document: Document) -> list[Problem]:
    """Checks on a schema-valid policy: item ids unique across both checklists, criterion ids unique."""
    data = document.data
    if data is None:
        return []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for key in ("pre_release", "deployment"):
        for index, item in enumerate(data["checklists"][key]["items"]):
            where = f"{key}[{index}]"
            if item["id"] in seen:
                problems.append(document.problem(
                    ("checklists", key, "items", index, "id"),
                    f"checklist item id '{item['id']}' is already used at {seen[item['id']]}"))
            seen.setdefault(item["id"], where)
    criteria_seen: set[str] = set()
    for level in ("immediate", "consider"):
        for index, entry in enumerate(data["rollback_criteria"][level]):
            if entry["id"] in criteria_seen:
                problems.append(document.problem(("rollback_criteria", level, index, "id"),
                                                 f"criterion id '{entry['id']}' is used twice"))
            criteria_seen.add(entry["id"])
    return problems


__all__ = ["SchemaChecker", "build_checklists", "build_policy", "build_release", "format_path",
           "policy_checks", "record_checks"]
