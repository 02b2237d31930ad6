"""Reading a stack's configuration: what `settings` adds to the components' own rules.

Each rule is tested beside its component (tests/test_<component>.py). Here: the `adf-databricks:`
namespace and full key paths of the stack file, every problem at once in the order it is
written, JSON strings and nulls as the CLI hands them over, local notebook files, defaults that
depend on the project, stack and machine, and properties over any configuration."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from components import platform, settings, validation
from components.enums import AuthMode, ClusterMode
from components.platform import AdfDatabricksArgs
from components.settings import ConfigError, load
from tests.conftest import ROOT, STACK_FILES, activity, base, cli_config, pipeline
from tools import engine, plan


def check(raw: dict[str, Any], stack: str = "test") -> AdfDatabricksArgs:
    return load(raw, project="adf-databricks", stack=stack).args


# ---------------------------------------------------------------- defaults


def test_defaults() -> None:
    s = check(base())
    # The loader fills what depends on the project and stack; the components their own defaults.
    assert s["auth"] == {"mode": AuthMode.MSI}
    # The cluster's other defaults are DatabricksCompute's (tests/test_compute.py).
    assert s["cluster"] == {
        "mode": ClusterMode.JOB,
        "spark_version": "15.4.x-scala2.12",
        "node_type": "Standard_D4ds_v5",
    }
    assert s["protect"] is False
    assert s["notebook_folder"] == "/adf-databricks/test"
    assert s["workspace"] == {"name": "adf-databricks-test"}
    assert s["unity_catalog"] == {
        "catalog": "adf_databricks_test",
        "schema": "adf_databricks_test",
        "volume": "landing",
    }
    assert s["tags"] == {}
    # The activities' and schedules' defaults are NotebookPipeline's and ScheduleTrigger's
    # (tests/test_pipeline.py, tests/test_trigger.py).


def test_location_defaults_to_azure_natives() -> None:
    raw = base()
    del raw["location"]
    s = load(raw, project="adf-databricks", stack="t", default_location="northeurope").args
    assert s["location"] == "northeurope"


def test_the_program_reads_azure_natives_location() -> None:
    """`pulumi config set azure-native:location` is where the stack's location comes from when
    the stack sets none (the provider's own key, which the resource group then uses)."""
    raw = base()
    del raw["location"]
    result = engine.run({**cli_config(raw), "azure-native:location": "northeurope"}, "test", preview=False)
    assert result.one("azure-native:resources:ResourceGroup").inputs["location"] == "northeurope"


def test_an_explicit_null_counts_as_absent_at_any_depth() -> None:
    """YAML's `key:` with nothing after it: the key takes its default, or stays unset."""
    assert "policy_id" not in check(base(cluster={**base()["cluster"], "policyId": None}))["cluster"]
    assert check(base(workspace={"sku": None}))["workspace"] == {"name": "adf-databricks-test"}
    acts = check(base(pipelines=[pipeline(activities=[activity(timeout=None)])]))["pipelines"][0][
        "activities"
    ]
    # Absent: the pipeline sends the default (0.12:00:00) for a Databricks activity.
    assert "timeout" not in acts[0]


# ---------------------------------------------------------------- key paths

# Each rule is tested beside its component (tests/test_<component>.py), relative to the args it
# checks. What the stack adds is where each section sits in the stack file: a problem of each
# nested section, named by its full key path under the `adf-databricks:` namespace.
NESTED: list[tuple[str, dict[str, Any], str]] = [
    (
        "cluster pool",
        base(cluster={**base()["cluster"], "mode": "pool", "pool": {"minIdle": 5, "maxCapacity": 2}}),
        "cluster.pool.minIdle",
    ),
    (
        "adopted workspace",
        base(
            workspace={
                "existing": {
                    "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
                    "/providers/Microsoft.Databricks/workspaces/w",
                    "url": "example.com",
                }
            },
            unityCatalog={"catalog": "main"},
        ),
        "workspace.existing.url",
    ),
    (
        "auth",
        base(auth={"mode": "token", "tokenLifetimeDays": 30, "rotateAfterDays": 30}),
        "auth.rotateAfterDays",
    ),
    (
        "pipeline parameter",
        base(
            pipelines=[
                pipeline(parameters={"folder": {"type": "String"}, "x": {"type": "Int", "default": "5"}})
            ]
        ),
        "pipelines[0].parameters.x.default",
    ),
    (
        "activity dependency",
        base(pipelines=[pipeline(activities=[activity(dependsOn=[{"activity": "Nope"}])])]),
        "pipelines[0].activities[0].dependsOn[0].activity",
    ),
    (
        "schedule",
        base(
            pipelines=[
                pipeline(
                    schedule={"frequency": "Month", "startTime": "2026-01-01T00:00:00Z", "monthDays": [0]}
                )
            ]
        ),
        "pipelines[0].schedule.monthDays[0]",
    ),
    (
        "schedule against the pipeline's parameters",
        base(
            pipelines=[
                pipeline(
                    schedule={
                        "frequency": "Day",
                        "startTime": "2026-01-01T00:00:00Z",
                        "parameters": {"foldr": "x"},
                    }
                )
            ]
        ),
        "pipelines[0].schedule.parameters.foldr",
    ),
]


@pytest.mark.parametrize(("section", "raw", "path"), NESTED, ids=[n[0] for n in NESTED])
def test_a_problem_names_its_full_key_path(section: str, raw: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check(raw)
    assert isinstance(caught.value, pulumi.RunError)
    assert [p.path for p in caught.value.problems] == [path]
    assert caught.value.path == path
    assert str(caught.value).startswith(f"adf-databricks:{path}: ")


def test_a_missing_notebook_file_is_named_at_its_key() -> None:
    """Local notebooks are looked up where the provider reads them: the working directory."""
    with pytest.raises(ConfigError) as caught:
        check(base(pipelines=[pipeline(activities=[activity(notebook="notebooks/missing.py")])]))
    assert str(caught.value) == (
        f"adf-databricks:pipelines[0].activities[0].notebook: no such file 'notebooks/missing.py' in {Path.cwd()}"
    )


@pytest.mark.parametrize(
    ("overrides", "path", "expected"),
    [
        ({"pipelines": None}, "pipelines", "is required"),
        ({"pipelines": "etl"}, "pipelines", "expected a list"),
        ({"pipelines": ["etl"]}, "pipelines[0]", "expected an object"),
        ({"pipelines": [pipeline(activities="Process Data")]}, "pipelines[0].activities", "expected a list"),
        (
            {"pipelines": [pipeline(activities=["Process Data"])]},
            "pipelines[0].activities[0]",
            "expected an object",
        ),
        ({"workspace": "etl"}, "workspace", "expected an object"),
    ],
)
def test_a_config_of_the_wrong_shape_is_reported_not_crashed_on(
    overrides: dict[str, Any], path: str, expected: str
) -> None:
    """The notebook-file check and the stack's defaults read the document before its shape is
    known to be right."""
    with pytest.raises(ConfigError) as caught:
        check(base(**overrides))
    assert caught.value.path == path
    assert f"adf-databricks:{path}: {expected}" in str(caught.value)


def test_a_written_location_wins_over_azure_natives() -> None:
    s = load(base(), project="adf-databricks", stack="t", default_location="northeurope").args
    assert s["location"] == "westeurope"


def test_cli_strings_are_parsed_once(tmp_path: Path) -> None:
    """Top-level structured values arrive from the CLI as JSON strings."""
    assert settings._parse("protect", "true") is True
    assert settings._parse("pipelines", '[{"name": "x"}]') == [{"name": "x"}]
    assert settings._parse("location", "true") == "true"
    # Not JSON: kept as given, so the field's check reports the expected type.
    assert settings._parse("protect", "yes") == "yes"


def test_every_independent_problem_at_once_in_key_order() -> None:
    """Mistakes at different depths: one run reports them all, in the order they are written,
    the missing notebook file (checked after the rest) among them."""
    raw = base(
        tags={"owner": 5},
        workspace={"sku": "standard"},
        auth={"mode": "msi", "keyVault": False},
        cluster={"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_D4ds_v5", "workers": "2:2"},
        pipelines=[
            pipeline(
                activities=[activity(notebook="notebooks/missing.py", timeout="1h")],
                schedule={
                    "frequency": "Day",
                    "startTime": "2026-01-01T06:00:00Z",
                    "timeZone": "Europe/Berlin",
                },
            )
        ],
        colour="blue",
    )
    with pytest.raises(ConfigError) as caught:
        check(raw)
    # base() writes location, cluster and pipelines first; the overrides follow.
    assert [p.path for p in caught.value.problems] == [
        "cluster.workers",
        "pipelines[0].activities[0].notebook",
        "pipelines[0].activities[0].timeout",
        "pipelines[0].schedule.timeZone",
        "tags.owner",
        "workspace.sku",
        "auth.keyVault",
        "colour",
    ]
    lines = str(caught.value).splitlines()
    assert len(lines) == 8 and all(line.startswith("adf-databricks:") for line in lines)
    assert lines[-1] == "adf-databricks:colour: unknown key; did you mean 'cluster'?"


def test_nothing_is_declared_when_anything_is_wrong(render: Any) -> None:
    with pytest.raises(pulumi.RunError) as caught:
        render(base(workspace={"sku": "standard"}, cluster={"workers": -1}))
    assert "adf-databricks:workspace.sku" in str(caught.value)
    assert "adf-databricks:cluster.workers" in str(caught.value)


# ---------------------------------------------------------------- properties over any configuration

# Configurations are made from valid ones (base() and the stack files the tests ship) by setting
# keys of schema/stack.json, the schema editors check stack files with, to values its types,
# patterns, ranges and closed sets allow, to values it refuses, or to anything at all.
# Deterministic and small, so that a run always tries the same cases and stays fast.
PROPERTY = hypothesis_settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
STACK_SCHEMA: dict[str, Any] = json.loads((ROOT / "schema" / "stack.json").read_text())


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**STACK_SCHEMA["$defs"][schema["$ref"].removeprefix("#/$defs/")], **siblings}
    return schema


def _schema_paths(
    schema: dict[str, Any], path: tuple[Any, ...] = (), above: tuple[str, ...] = ()
) -> list[tuple[tuple[Any, ...], Any]]:
    """Every key path of the configuration (a list's first item, a map's key "k"), with the
    schema of its value; a recursive type (a ForEach's activities) is followed once."""
    ref = schema.get("$ref")
    if ref in above:
        return []
    above = (*above, ref) if ref else above
    schema = _resolved(schema)
    found = [(path, schema)] if path else []
    for key, sub in schema.get("properties", {}).items():
        found += _schema_paths(sub, (*path, key), above)
    if isinstance(schema.get("items"), dict):
        found += _schema_paths(schema["items"], (*path, 0), above)
    if isinstance(schema.get("additionalProperties"), dict):
        found += _schema_paths(schema["additionalProperties"], (*path, "k"), above)
    return found


CONFIG_SCHEMA = {
    "properties": {
        name.removeprefix("config."): {"$ref": f"#/$defs/{name}"}
        for name in STACK_SCHEMA["$defs"]
        if name.startswith("config.")
    }
}
KEY_PATHS = _schema_paths(CONFIG_SCHEMA)
NAMES = st.sampled_from(["cost_center", "run_date", "spark.sql.shuffle.partitions"]) | st.text(
    st.characters(codec="ascii", categories=["L", "N"], include_characters="_-."), min_size=1, max_size=8
)
"""Names of map keys: user-chosen, so snake_case and dots stay as written."""
NOTEBOOKS = st.sampled_from(["notebooks/process_data.py", "tests/fixtures/process_data.py"])
"""Local notebooks that exist (the stack refuses any other)."""


# Strategies of named functions, not lambdas: Hypothesis reads a lambda's source with `ast` to
# describe it, which fails deep in the full suite on CPython 3.11 (see tests/test_expressions.py).


def _at_most(longest: int, text: str) -> bool:
    return len(text) <= longest


def _schema_values(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values the schema allows, its default and the values it refuses with a reason."""
    schema = _resolved(schema)
    options = [st.just(schema["default"])] if "default" in schema else []
    if schema.get("x-refused"):
        options.append(st.sampled_from(list(schema["x-refused"])))
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), *options)
    if "oneOf" in schema:
        return st.one_of(*(_schema_values(s, depth) for s in schema["oneOf"]), *options)
    kind = schema.get("type")
    if kind == "string" and "pattern" in schema:
        longest = schema.get("maxLength", 80)
        ascii_text = st.characters(codec="ascii", exclude_categories=["Cc"])
        pattern = st.from_regex(schema["pattern"], fullmatch=True, alphabet=ascii_text)
        options.append(pattern.filter(functools.partial(_at_most, longest)))
    elif kind == "string":
        options.append(NAMES)
    elif kind == "integer":
        low = schema.get("minimum", -5)
        options.append(st.integers(low, schema.get("maximum", low + 100)))
    elif kind == "boolean":
        options.append(st.booleans())
    elif kind == "array":
        fewest = schema.get("minItems", 0)
        items = _schema_values(schema["items"], depth + 1) if depth < 4 else st.nothing()
        options.append(st.lists(items, min_size=fewest, max_size=fewest + 2))
    elif kind == "object" and "properties" in schema:
        keys = {k: _schema_values(v, depth + 1) for k, v in schema["properties"].items()}
        required = set(schema.get("required", []))
        optional = {k: v for k, v in keys.items() if k not in required} if depth < 3 else {}
        options.append(st.fixed_dictionaries({k: keys[k] for k in required}, optional=optional))
    elif kind == "object":
        values = _schema_values(schema["additionalProperties"], depth + 1)
        options.append(st.dictionaries(NAMES, values, max_size=2))
    else:
        options.append(st.none() | st.booleans() | st.integers(-2, 10) | NAMES)
    return st.one_of(*options)


ODD_STRINGS = st.sampled_from(
    [
        "notebooks/" + "x" * 300 + ".py",
        "a\x00b.py",
        "/" + "x" * 5000,
        "../../etc/passwd.py",
        "notebooks",
        "",
        "2026-12-01 06:00:00 +0000 UTC",
        "9" * 400,
    ]
)


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | ODD_STRINGS,
    _containers,
    max_leaves=6,
)
ALLOWED_CHANGES = st.one_of(
    [st.tuples(st.just(p), NOTEBOOKS if p[-1] == "notebook" else _schema_values(s)) for p, s in KEY_PATHS]
)


def _key_of(path: tuple[Any, ...], key: str) -> tuple[Any, ...]:
    return (*path, key)


_ANY_CHANGE = {
    "allowed": ALLOWED_CHANGES,
    "anything": st.tuples(st.sampled_from([p for p, _ in KEY_PATHS]), ANY_JSON),
    "odd text": st.tuples(
        st.sampled_from([p for p, s in KEY_PATHS if s.get("type") == "string"]), ODD_STRINGS
    ),
    "unknown key": st.tuples(
        st.builds(_key_of, st.sampled_from([p for p, s in KEY_PATHS if "properties" in s]), NAMES),
        ANY_JSON,
    ),
}
# One kind of change first, then one of its own: a single one_of would flatten the allowed
# changes' branches (one a key path) into it, and pick the other kinds almost never.
ANY_CHANGES = st.sampled_from(list(_ANY_CHANGE)).flatmap(_ANY_CHANGE.__getitem__)


def _stack_file_configuration(stack: str) -> dict[str, Any]:
    """A stack file of the tests as `settings` reads it: its keys without the namespace, JSON
    values parsed."""
    config, _ = engine.read_stack_config(STACK_FILES[stack])
    prefix = f"{settings.NAMESPACE}:"
    return {
        key.removeprefix(prefix): settings._parse(key.removeprefix(prefix), value)
        for key, value in plan.with_values(config, plan.PLACEHOLDER_FILLS.get(stack, ())).items()
        if key.startswith(prefix)
    }


USER_NAMED_KEYS = base(
    tags={"cost_center": "data"},
    cluster={
        **base()["cluster"],
        "sparkConf": {"spark.sql.shuffle.partitions": "8"},
        "sparkEnvVars": {"RUN_MODE": "batch"},
        "customTags": {"cost_center": "data"},
    },
    pipelines=[
        pipeline(
            parameters={"run_date": {"type": "String", "default": "today"}},
            activities=[
                activity(
                    baseParameters={"run_date": "@pipeline().parameters.run_date"},
                    userProperties={"source_table": "products"},
                )
            ],
            schedule={
                "frequency": "Day",
                "startTime": "2026-01-01T06:00:00Z",
                "parameters": {"run_date": "x"},
            },
        )
    ],
)
"""A configuration whose maps hold keys the user names, in snake_case and with dots."""


def _valid_configuration(name: str) -> dict[str, Any]:
    if name == "base":
        return base()
    return copy.deepcopy(USER_NAMED_KEYS if name == "user-named keys" else _stack_file_configuration(name))


VALID = st.sampled_from(["base", "user-named keys", *STACK_FILES]).map(_valid_configuration)


def _set(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """`document` with the value at `path` replaced, containers made where missing."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(document) if isinstance(document, list) else []
        if not items:
            items.append({})
        items[0] = _set(items[0], rest, value)
        return items
    mapping = dict(document) if isinstance(document, dict) else {}
    mapping[head] = _set(mapping.get(head), rest, value)
    return mapping


def _changed(document: dict[str, Any], changes: list[tuple[tuple[Any, ...], Any]]) -> Any:
    for path, value in changes:
        document = _set(document, path, value)
    return document


ALLOWED_CONFIGURATIONS = st.builds(_changed, VALID, st.lists(ALLOWED_CHANGES, min_size=1, max_size=2))
"""Mostly valid: each key set to a value its own schema allows."""
ANY_CONFIGURATIONS = st.builds(_changed, VALID, st.lists(ANY_CHANGES, min_size=1, max_size=3))


@hypothesis_settings(PROPERTY, max_examples=60)
@given(ALLOWED_CONFIGURATIONS)
def test_parsing_is_idempotent(document: dict[str, Any]) -> None:
    """What `load` returns, given back as a configuration (as a program building AdfDatabricks
    would), is valid and parses to itself: no default that only some settings take is filled
    in the others, and every value keeps its meaning through the key-case change."""
    try:
        parsed = check(document, stack="fuzz")
    except ConfigError:
        assume(False)
        return
    again = validation.to_document(AdfDatabricksArgs, parsed)
    assert check(again, stack="fuzz") == parsed


def _holds(value: Any, path: str) -> bool:
    """Whether `value` has the key path `path` (`a.b[0].c`; map keys may hold dots)."""
    if path == "":
        return True
    if path.startswith("["):
        end = path.index("]")
        i = int(path[1:end])
        return isinstance(value, list) and i < len(value) and _holds(value[i], path[end + 1 :])
    path = path.removeprefix(".")
    return isinstance(value, dict) and any(
        _holds(item, path[len(key) :])
        for key, item in value.items()
        if path == key or path.startswith((f"{key}.", f"{key}["))
    )


def _parent(path: str) -> str:
    return path[: max(path.rfind("."), path.rfind("["), 0)]


@hypothesis_settings(PROPERTY, max_examples=150)
@given(ANY_CONFIGURATIONS)
def test_every_problem_names_a_key_of_the_configuration_or_its_parent(document: dict[str, Any]) -> None:
    """A problem names the key whose value it refuses, or, for a key that is missing, the
    object it is missing from. The configuration is read with the defaults `settings` fills (a
    section absent from the file reads as empty; the workspace name and catalog follow from
    the stack)."""
    try:
        check(document, stack="fuzz")
    except ConfigError as caught:
        read = validation.with_defaults(
            AdfDatabricksArgs, platform.stack_defaults(document, "adf-databricks", "fuzz")
        )
        for problem in caught.problems:
            if any(_holds(d, problem.path) for d in (document, read)):
                continue
            assert problem.message.startswith("is required"), str(problem)
            assert any(_holds(d, _parent(problem.path)) for d in (document, read)), str(problem)


@hypothesis_settings(PROPERTY, max_examples=150)
@given(ANY_CONFIGURATIONS)
def test_any_value_at_any_key_is_a_config_error_never_a_traceback(document: dict[str, Any]) -> None:
    """Any value at any key of a valid configuration (odd strings among them: long, NUL,
    paths): `load` either accepts it or raises a RunError."""
    with contextlib.suppress(pulumi.RunError):
        check(document, stack="fuzz")


def test_a_value_of_another_type_at_any_key_is_a_config_error_never_a_traceback() -> None:
    """Every key of the configuration, one at a time, given a value of each other JSON type:
    the rules that read a key before its type is known to be right must not trip over it."""
    crashed = []
    for path, _ in KEY_PATHS:
        for value in ("x", 7, [], {}, True):
            try:
                check(_set(base(), path, value), stack="fuzz")
            except pulumi.RunError:
                pass
            except Exception as error:
                crashed.append(f"{path} = {value!r}: {error!r}")
    assert crashed == []
