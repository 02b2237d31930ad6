"""CatalogVolume: the schema and managed volume the notebooks write to, and the grants for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pulumi.provider.experimental.analyzer import Analyzer

from components import catalog, validation
from components.catalog import CatalogVolume, CatalogVolumeSpec
from components.settings import ConfigError, load
from components.validation import InvalidArgs
from tests.conftest import Render, activity, base, pipeline
from tools import engine

SCHEMA = "databricks:index/schema:Schema"
VOLUME = "databricks:index/volume:Volume"
GRANT = "databricks:index/grant:Grant"
PIPELINE = "azure-native:datafactory:Pipeline"
DEFAULT_PATH = "/Volumes/adf_databricks_test/adf_databricks_test/landing"


def check(raw: dict[str, Any], stack: str = "test") -> Any:
    return load(raw, project="adf-databricks", stack=stack).args["unity_catalog"]


# ---------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("workspace", "catalog_name"),
    [
        ("adf-databricks-dev", "adf_databricks_dev"),
        ("databricks-abc1234", "databricks_abc1234"),
        ("DBW_Prod", "dbw_prod"),
    ],
)
def test_workspace_catalog_is_named_after_the_workspace(workspace: str, catalog_name: str) -> None:
    assert catalog.workspace_catalog_name(workspace) == catalog_name


def problems(**args: Any) -> list[str]:
    """What CatalogVolume's own rules say about its section (names only)."""
    document = {"catalog": "main", "schema": "etl", **args}
    return [str(p) for p in validation.problems(CatalogVolumeSpec, document)]


@pytest.mark.parametrize("name", ["main", "adf_databricks_dev", "my-catalog", "c1"])
def test_catalog_names_accepted(name: str) -> None:
    assert problems(catalog=name) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("hive_metastore", "legacy Hive metastore"),
        ("system", "read-only"),
        ("samples", "read-only"),
        ("Main", "lower case"),
        ("my.catalog", "lower case"),
        ("my catalog", "lower case"),
        ("-x", "lower case"),
        ("", "lower case"),
    ],
)
def test_catalog_names_refused(name: str, message: str) -> None:
    [problem] = problems(catalog=name)
    assert problem.startswith("catalog: ") and message in problem


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("default", "exists in every catalog"),
        ("information_schema", "reserved"),
        ("Landing", "lower-case letters, digits and _"),
        ("my-schema", "lower-case letters, digits and _"),
        ("a" * 256, "at most 255"),
    ],
)
def test_schema_names_refused(name: str, message: str) -> None:
    [problem] = problems(schema=name)
    assert problem.startswith("schema: ") and message in problem


@pytest.mark.parametrize("name", ["raw-files", "Raw", "raw files", "raw.files"])
def test_volume_names_refused(name: str) -> None:
    [problem] = problems(volume=name)
    assert problem.startswith("volume: ") and "lower-case letters, digits and _" in problem


def test_component_checks_names_before_registering_anything() -> None:
    # No mocks are set: reaching the engine would fail differently.
    with pytest.raises(InvalidArgs) as caught:
        CatalogVolume("uc", {"spec": {"catalog": "hive_metastore", "schema": "default", "volume": "Raw"}})
    # Every problem at once, in key order.
    assert str(caught.value).splitlines() == [
        "CatalogVolume uc: spec.catalog: expected a Unity Catalog catalog, got 'hive_metastore'"
        " (the legacy Hive metastore, which has no volumes)",
        "CatalogVolume uc: spec.schema: expected a schema of the stack's own, got 'default': it exists"
        " in every catalog already; the stack creates a schema of its own",
        "CatalogVolume uc: spec.volume: expected a name of lower-case letters, digits and _ (at most"
        " 255), got 'Raw'",
    ]


def test_component_is_usable_from_other_languages() -> None:
    # Pulumi's component analyzer accepts the args and outputs (CONVENTIONS.md).
    result = Analyzer("adf-databricks").analyze([CatalogVolume])
    component = result["component_definitions"]["CatalogVolume"]
    assert set(component.inputs) == {"spec", "runAs", "protect", "files"}
    assert component.inputs["files"].optional
    assert component.inputs["spec"].ref == "#/types/adf-databricks:index:CatalogVolumeSpec"
    assert component.inputs["runAs"].optional
    spec = result["type_definitions"]["CatalogVolumeSpec"].properties
    assert set(spec) == {"catalog", "schema", "volume"}
    assert spec["volume"].optional
    assert set(component.outputs) == {"volumePath", "grants", "filePaths"}


# ---------------------------------------------------------------- config


def test_defaults_work_on_an_automatically_enabled_workspace() -> None:
    uc = check(base(), stack="dev")
    # The workspace is adf-databricks-dev; its workspace catalog is adf_databricks_dev.
    assert uc == {"catalog": "adf_databricks_dev", "schema": "adf_databricks_dev", "volume": "landing"}


def test_default_catalog_follows_the_workspace_name() -> None:
    assert check(base(workspace={"name": "dbw-Analytics-01"}))["catalog"] == "dbw_analytics_01"


def test_an_adopted_workspace_names_its_catalog() -> None:
    """An adopted workspace may predate automatic Unity Catalog enablement: no default there."""
    existing = {
        "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
        "/providers/Microsoft.Databricks/workspaces/shared-ws",
        "url": "adb-1234567890123456.7.azuredatabricks.net",
    }
    with pytest.raises(ConfigError) as err:
        check(base(workspace={"existing": existing}))
    assert str(err.value) == (
        "adf-databricks:unityCatalog.catalog: is required with workspace.existing: an adopted"
        " workspace may have no workspace catalog; name one the deployer may create a schema in"
    )
    assert (
        check(base(workspace={"existing": existing}, unityCatalog={"catalog": "main"}))["catalog"] == "main"
    )


def test_default_schema_is_a_valid_name_for_any_stack() -> None:
    uc = check(base(workspace={"name": "etl-prod-eu-1"}, unityCatalog={"catalog": "main"}), stack="prod.eu-1")
    assert uc["schema"] == "adf_databricks_prod_eu_1"


def test_default_names_are_checked_like_written_ones() -> None:
    # The stack prod.eu-1's workspace would be adf-databricks-prod.eu-1, which Azure refuses,
    # and its catalog adf_databricks_prod.eu_1: both refused before anything is declared.
    with pytest.raises(ConfigError) as err:
        check(base(), stack="prod.eu-1")
    assert str(err.value).splitlines() == [
        "adf-databricks:workspace.name: expected a workspace name (3-64 letters, digits, _ or -),"
        " got 'adf-databricks-prod.eu-1'",
        "adf-databricks:unityCatalog.catalog: expected a catalog name in lower case (letters, digits,"
        " _ and -, Unity Catalog stores names in lower case), got 'adf_databricks_prod.eu_1'",
    ]


def test_keys_are_read() -> None:
    uc = check(base(unityCatalog={"catalog": "main", "schema": "etl", "volume": "raw_files"}))
    assert uc == {"catalog": "main", "schema": "etl", "volume": "raw_files"}


def test_keys_arrive_as_json_from_the_cli(render: Render) -> None:
    result = render(base(unityCatalog={"catalog": "main", "schema": "etl", "volume": "raw_files"}))
    assert result.one(VOLUME).inputs["catalogName"] == "main"


@pytest.mark.parametrize(
    ("value", "path", "message"),
    [
        ({"catalog": "Main"}, "unityCatalog.catalog", "expected a catalog name in lower case"),
        ({"catalog": "hive_metastore"}, "unityCatalog.catalog", "legacy Hive metastore"),
        ({"catalog": ""}, "unityCatalog.catalog", "expected a catalog name in lower case"),
        ({"schema": "default"}, "unityCatalog.schema", "exists in every catalog"),
        ({"schema": 5}, "unityCatalog.schema", "expected a name of lower-case letters, digits and _"),
        ({"volume": "raw-files"}, "unityCatalog.volume", "got 'raw-files'"),
        ({"volumes": "x"}, "unityCatalog.volumes", "did you mean 'volume'"),
        ("main", "unityCatalog", "expected an object"),
    ],
)
def test_bad_values_name_their_key(value: Any, path: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as err:
        check(base(unityCatalog=value))
    assert err.value.path == path


def test_unknown_top_level_key_suggests_unity_catalog() -> None:
    with pytest.raises(ConfigError, match="did you mean 'unityCatalog'") as err:
        check(base(unityCatalogs={}))
    assert err.value.path == "unityCatalogs"


# ---------------------------------------------------------------- resources


def grants(result: engine.Result) -> dict[str, dict[str, Any]]:
    """Grant inputs by securable kind."""
    found = {}
    for r in result.of_type(GRANT):
        kind = next(k for k in ("catalog", "schema", "volume") if k in r.inputs)
        found[kind] = r.inputs
    return found


def test_schema_and_managed_volume(render: Render) -> None:
    result = render(base(unityCatalog={"catalog": "main", "schema": "etl", "volume": "raw_files"}))
    schema = result.one(SCHEMA)
    volume = result.one(VOLUME)
    comment = "Created by adf-databricks for the files its Data Factory pipelines' notebooks write."
    assert schema.inputs == {"catalogName": "main", "name": "etl", "comment": comment, "forceDestroy": True}
    assert volume.inputs == {
        "catalogName": "main",
        "schemaName": "etl",
        "name": "raw_files",
        "volumeType": "MANAGED",
        "comment": comment,
    }
    # The volume is created in the schema the stack declares.
    assert schema.urn in volume.dependencies


def test_run_as_gets_exactly_what_writing_a_file_takes(render: Render) -> None:
    result = render(base(unityCatalog={"catalog": "main", "schema": "etl", "volume": "raw_files"}))
    principal = engine.IDENTITY_CLIENT  # msi: the managed identity's application id
    assert grants(result) == {
        "catalog": {"catalog": "main", "principal": principal, "privileges": ["USE_CATALOG"]},
        "schema": {"schema": "main.etl", "principal": principal, "privileges": ["USE_SCHEMA"]},
        "volume": {
            "volume": "main.etl.raw_files",
            "principal": principal,
            "privileges": ["READ_VOLUME", "WRITE_VOLUME"],
        },
    }
    by_kind = {k: r for r in result.of_type(GRANT) for k in ("schema", "volume") if k in r.inputs}
    assert result.one(SCHEMA).urn in by_kind["schema"].dependencies
    assert result.one(VOLUME).urn in by_kind["volume"].dependencies


def test_token_mode_grants_nothing(render: Render) -> None:
    # The deployer runs the notebooks and owns the schema and volume it creates.
    result = render(base(auth={"mode": "token"}))
    assert result.of_type(GRANT) == []
    assert len(result.of_type(VOLUME)) == 1


def test_resources_are_children_on_the_workspace_provider(render: Render) -> None:
    result = render(base())
    component = result.one("adf-databricks:index:CatalogVolume")
    provider = result.one("pulumi:providers:databricks").urn
    for r in (*result.of_type(SCHEMA), *result.of_type(VOLUME), *result.of_type(GRANT)):
        assert r.parent == component.urn
        assert r.provider == provider


# ---------------------------------------------------------------- the volume reaches the notebook


def base_parameters(result: engine.Result) -> list[dict[str, str]]:
    return [a.get("baseParameters", {}) for a in result.one(PIPELINE).inputs["activities"]]


def test_uploaded_notebook_gets_the_volume(render: Render) -> None:
    result = render(base())
    assert base_parameters(result) == [{"volume": DEFAULT_PATH, "folder": "@pipeline().parameters.folder"}]


def test_uploaded_notebook_without_parameters_gets_only_the_volume(render: Render) -> None:
    act = {k: v for k, v in activity().items() if k != "baseParameters"}
    result = render(base(pipelines=[pipeline(activities=[act])]))
    assert base_parameters(result) == [{"volume": DEFAULT_PATH}]


def test_pipeline_names_the_volume_it_writes_to(render: Render) -> None:
    """The path comes from the volume resource, so the pipeline is declared after it; the
    grants are waited for by the trigger, which is what starts runs during `pulumi up`."""
    result = render(base())
    assert result.one(VOLUME).urn in result.one(PIPELINE).property_dependencies["activities"]


def test_volume_path_is_known_in_a_preview(render: Render) -> None:
    result = render(base(), preview=True)
    assert base_parameters(result)[0]["volume"] == DEFAULT_PATH


def test_explicit_volume_parameter_wins(render: Render) -> None:
    act = activity(baseParameters={"volume": "/Volumes/main/other/files"})
    result = render(base(pipelines=[pipeline(activities=[act])]))
    assert base_parameters(result) == [{"volume": "/Volumes/main/other/files"}]


def test_workspace_notebooks_get_no_volume(render: Render) -> None:
    acts = [activity(), {"name": "Audit", "notebookPath": "/team/audit", "baseParameters": {"x": "1"}}]
    result = render(base(pipelines=[pipeline(activities=acts)]))
    assert base_parameters(result)[1] == {"x": "1"}


def test_trigger_starts_only_after_the_unity_catalog_grants(render: Render) -> None:
    """The first scheduled run writes to the volume, so the trigger waits for every grant."""
    result = render(base())
    trigger = result.one("azure:datafactory/triggerSchedule:TriggerSchedule")
    grant_urns = {g.urn for g in result.of_type(GRANT)}
    assert len(grant_urns) == 3
    assert grant_urns <= set(trigger.dependencies)


def test_component_on_its_own_needs_both_names() -> None:
    with pytest.raises(InvalidArgs) as err:
        CatalogVolume("uc", {"spec": {"volume": "landing"}})
    assert str(err.value) == (
        "CatalogVolume uc: spec.catalog: is required\nCatalogVolume uc: spec.schema: is required"
    )


def test_destroy_drops_the_schema_with_its_contents_unless_protected(render: Render) -> None:
    """A non-empty schema stops destroy without force_destroy (terraform-provider-databricks
    docs/resources/schema.md); only a protected stack keeps what others put there."""
    schema = "databricks:index/schema:Schema"
    assert render(base()).one(schema).inputs["forceDestroy"] is True
    assert render(base(protect=True)).one(schema).inputs["forceDestroy"] is False


# ---------------------------------------------------------------- Python files in the volume

FILE = "databricks:index/file:File"
SCRIPT = "notebooks/summarize.py"


def python_activity(**python: Any) -> dict[str, Any]:
    return {"name": "Summarize", "python": {"file": SCRIPT, **python}}


def test_a_local_python_file_is_uploaded_into_the_volume_and_run_from_dbfs(render: Render) -> None:
    """databricks.File puts it in the volume's scripts folder, after the volume exists; the
    activity runs it as dbfs:/Volumes/... (Data Factory runs only DBFS paths) with --volume first."""
    p = pipeline(activities=[python_activity(parameters=["--folder", "x"])])
    result = render(base(pipelines=[p]))
    (uploaded,) = result.of_type(FILE)
    assert uploaded.inputs == {"path": f"{DEFAULT_PATH}/scripts/summarize.py", "source": SCRIPT}
    assert result.one(VOLUME).urn in uploaded.dependencies
    assert uploaded.parent == result.one("adf-databricks:index:CatalogVolume").urn
    (ran,) = result.one(PIPELINE).inputs["activities"]
    assert ran["pythonFile"] == f"dbfs:{DEFAULT_PATH}/scripts/summarize.py"
    assert ran["parameters"] == ["--volume", DEFAULT_PATH, "--folder", "x"]
    assert ran["linkedServiceName"]["referenceName"] == "AzureDatabricks"
    assert uploaded.urn in result.one(PIPELINE).dependencies


@pytest.mark.parametrize("given", [["--volume", "/Volumes/a/b/c"], ["--volume=/Volumes/a/b/c", "x"]])
def test_a_python_file_that_passes_its_volume_keeps_it(render: Render, given: list[str]) -> None:
    result = render(base(pipelines=[pipeline(activities=[python_activity(parameters=given)])]))
    assert result.one(PIPELINE).inputs["activities"][0]["parameters"] == given


def test_one_file_used_twice_is_uploaded_once(render: Render) -> None:
    p = pipeline(activities=[python_activity(), {**python_activity(), "name": "Again"}])
    result = render(base(pipelines=[p]))
    assert len(result.of_type(FILE)) == 1
    paths = {a["pythonFile"] for a in result.one(PIPELINE).inputs["activities"]}
    assert paths == {f"dbfs:{DEFAULT_PATH}/scripts/summarize.py"}


def test_without_python_files_nothing_is_uploaded(render: Render) -> None:
    p = pipeline(activities=[{"name": "Existing", "python": {"path": "dbfs:/a.py"}}])
    result = render(base(pipelines=[p]))
    assert result.of_type(FILE) == []
    # An existing file is run as given, without the stack's volume.
    assert "parameters" not in result.one(PIPELINE).inputs["activities"][0]


def test_component_checks_its_files_before_registering_anything(tmp_path: Path) -> None:
    same_name = tmp_path / "summarize.py"
    same_name.write_text("print('other')\n")
    with pytest.raises(InvalidArgs) as caught:
        CatalogVolume(
            "uc",
            {"spec": {"catalog": "main", "schema": "etl"}, "files": [SCRIPT, "missing.py", str(same_name)]},
        )
    # Every problem at once.
    assert [str(p) for p in caught.value.problems] == [
        f"files[1]: no such file 'missing.py' in {Path.cwd()}",
        f"files[2]: {str(same_name)!r} would overwrite 'notebooks/summarize.py' in the volume's scripts folder",
    ]
    with pytest.raises(InvalidArgs) as caught:
        CatalogVolume("uc", {"spec": {"catalog": "main", "schema": "etl"}, "files": ["notebooks/run.sql"]})
    assert [str(p) for p in caught.value.problems] == [
        "files[0]: expected a .py file, got 'notebooks/run.sql'"
    ]


def test_a_stack_refuses_two_python_files_of_one_name(tmp_path: Path) -> None:
    from components import platform

    same_name = tmp_path / "summarize.py"
    same_name.write_text("print('other')\n")
    p = pipeline(activities=[python_activity()])
    other = pipeline(
        name="other",
        activities=[
            {"name": "Third", "python": {"file": str(same_name)}},
            {"name": "Gone", "dependsOn": [{"activity": "Third"}], "python": {"file": "missing.py"}},
        ],
    )
    found = [str(x) for x in platform.problems(base(pipelines=[p, other]), "adf-databricks", "test")]
    assert found == [
        f"pipelines[1].activities[0].python.file: {str(same_name)!r} would overwrite"
        " 'notebooks/summarize.py' in the volume's scripts folder",
        f"pipelines[1].activities[1].python.file: no such file 'missing.py' in {Path.cwd()}",
    ]
