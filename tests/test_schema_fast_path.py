"""SchemaChecker checks a schema without importing jsonschema when it is valid, with the same outcome as the
full `check_schema` followed by compiling it with jsonschema-rs (what it did before)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
from releasebook.validate import SchemaChecker

REPO = Path(__file__).resolve().parent.parent
RELEASE_SCHEMA = json.loads((REPO / "schemas" / "release.schema.json").read_text(encoding="utf-8"))
POLICY_SCHEMA = json.loads((REPO / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))

SCHEMAS: list[Any] = [
    RELEASE_SCHEMA,
    POLICY_SCHEMA,
    {"type": "object"},
    {"type": "strnig"},
    {"type": "object", "properties": {"a": {"pattern": "["}}},
    {"type": "object", "patternProperties": {"[": {"type": "string"}}},
    {"type": "object", "properties": {"pattern": {"type": "string"}}},  # a property named 'pattern'
    {"properties": {"a": {"pattern": "(?P<name>x)"}}},  # Python-only regex syntax
    {"properties": {"a": {"pattern": "\\p{L}+"}}},  # ECMA-only regex syntax
    {"minLength": -1},
    {"required": "version"},
    {"$defs": {"x": {"enum": []}}},
    {"items": [{"type": "string"}]},
    {"const": {"pattern": "["}},  # not a schema position: valid
    {"properties": {"a": {"$ref": "#/$defs/missing"}}},
    [],
    5,
]


def _outcome(action: Any, schema: Any) -> tuple[str, str]:
    try:
        action(schema)
    except Exception as error:  # the exact type and text are what is compared
        return type(error).__name__, str(error)
    return "ok", ""


def _before(schema: Any) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema_rs.validator_for(schema, validate_formats=True)


def _checker(schema: Any) -> None:
    if isinstance(schema, dict):
        SchemaChecker(schema)
        return
    # A non-mapping schema fails later in the constructor either way; compare the schema check alone.
    try:
        SchemaChecker(schema)
    except AttributeError:
        return


@pytest.mark.parametrize("schema", SCHEMAS, ids=[json.dumps(s)[:40] for s in SCHEMAS])
def test_schema_check_has_the_same_outcome_as_before(schema: Any) -> None:
    before = _outcome(_before, schema)
    after = _outcome(_checker, schema)
    assert after == before


def test_valid_schemas_never_import_jsonschema(tmp_path: Path) -> None:
    (tmp_path / "releases").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    for name in ("policy.yml", "schemas/release.schema.json", "schemas/policy.schema.json"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes((REPO / name).read_bytes())
    code = (
        "import sys\n"
        "from releasebook.cli import main\n"
        "code = main(['validate'])\n"
        "print('jsonschema loaded:', 'jsonschema' in sys.modules)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "jsonschema loaded: False" in result.stdout


def test_a_record_with_errors_still_gets_jsonschema_messages(tmp_path: Path) -> None:
    checker = SchemaChecker(RELEASE_SCHEMA)
    from releasebook.load import Source, load_text

    document = load_text(Source("releases/1.0.0.yml", "version: 1.0.0\ndate: '2026-01-01'\ntype: minr\n"))
    messages = [p.message for p in checker.check(document)]
    assert "'minr' is not one of: patch, minor, major (did you mean 'minor'?)" in messages
    assert "missing required key 'status'" in messages
