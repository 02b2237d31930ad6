"""Reading a stack's configuration: what `settings` adds to the components' own rules.

Each rule is tested beside its component (tests/test_<component>.py). Here: the `adf-databricks:`
namespace and full key paths of the stack file, every problem at once in the order it is
written, JSON strings and nulls as the CLI hands them over, local notebook files, defaults that
depend on the project, stack and machine, and properties over any configuration."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components import settings
from components.enums import AuthMode, ClusterMode
from components.platform import AdfDatabricksArgs
from components.settings import ConfigError, load
from tests.conftest import activity, base, cli_config, pipeline
from tools import engine


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
    assert acts[0].get("timeout") == "0.12:00:00"


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


# ---------------------------------------------------------------- any value, never a traceback


def _key_paths(cls: type, prefix: tuple[Any, ...] = (), depth: int = 0) -> list[tuple[tuple[Any, ...], Any]]:
    """Every key path of the configuration (a list's first item, a map's key "k"), with the
    type of its value."""
    from typing import is_typeddict

    from pulumi.provider.experimental import analyzer

    from components import validation

    found = []
    for key, f in validation.fields(cls).items():
        path, typ = (*prefix, key), f.type
        found.append((path, typ))
        while analyzer.is_list(typ) or analyzer.is_dict(typ):
            path, typ = (*path, 0 if analyzer.is_list(typ) else "k"), validation._bare(typ.__args__[-1])
            found.append((path, typ))
        if is_typeddict(typ) and depth < 4:
            found += _key_paths(typ, path, depth + 1)
    return found


KEY_PATHS = [path for path, _ in _key_paths(AdfDatabricksArgs)]
STRING_PATHS = [path for path, typ in _key_paths(AdfDatabricksArgs) if typ is str]


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


def test_any_value_at_any_key_is_a_config_error_never_a_traceback() -> None:
    """Hypothesis puts arbitrary JSON values (and odd strings: long, NUL, paths) at key paths
    of a valid configuration; `load` either accepts it or raises a RunError."""
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    odd_strings = st.sampled_from(
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
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | odd_strings
    values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=6,
    )

    any_value_anywhere = st.tuples(st.sampled_from(KEY_PATHS), values)
    odd_text_where_text_goes = st.tuples(st.sampled_from(STRING_PATHS), odd_strings)

    @hypothesis_settings(
        max_examples=300,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(any_value_anywhere | odd_text_where_text_goes, min_size=1, max_size=3))
    def run(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
        document: Any = base()
        for path, value in changes:
            document = _set(document, path, value)
        with contextlib.suppress(pulumi.RunError):
            load(document, project="adf-databricks", stack="fuzz")

    run()
