"""The whole stack: both stack files, resource group handling, outputs, bad config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.provider.experimental.analyzer import Analyzer

from components import platform, validation
from components.catalog import CatalogVolume
from components.data_factory import DataFactory
from components.notebooks import Notebooks, NotebooksArgs
from components.platform import AdfDatabricksArgs
from components.run_identity import RunIdentity
from components.validation import InvalidArgs
from components.workspace import DatabricksWorkspace
from components.workspace_access import WorkspaceAccess
from tests.conftest import (
    ROOT,
    Render,
    activity,
    base,
    cli_config,
    databricks_linked_service,
    pipeline,
    run_program,
)
from tools import engine


def stack(fixture: str, name: str) -> engine.Result:
    """A fixture stack: the Learn exercise and the msi stack as Pulumi.dev/prod.yaml ship them
    (the user's own stack files may say anything)."""
    config, secret_keys = engine.read_stack_config(ROOT / "tests" / "fixtures" / f"Pulumi.{fixture}.yaml")
    return engine.run(config, name, preview=False, secret_keys=secret_keys)


def test_dev_is_the_learn_exercise() -> None:
    result = stack("learn", "dev")
    props = databricks_linked_service(result).inputs["properties"]
    assert props["accessToken"]["type"] == "AzureKeyVaultSecret"
    assert props["newClusterNumOfWorker"] == "1"
    assert props["newClusterNodeType"] == "Standard_D4ds_v5"
    assert props["newClusterSparkEnvVars"] == {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"}
    pipe = result.one("azure-native:datafactory:Pipeline").inputs
    assert pipe["pipelineName"] == "process-data"
    assert pipe["parameters"] == {"folder": {"type": "String", "defaultValue": "product_data"}}
    [act] = pipe["activities"]
    assert act["name"] == "Process Data"
    assert act["baseParameters"] == {
        "volume": "/Volumes/adf_databricks_dev/adf_databricks_dev/landing",
        "folder": "@pipeline().parameters.folder",
    }
    assert act["notebookPath"] == "/adf-databricks/dev/process_data"
    trigger = result.one("azure:datafactory/triggerSchedule:TriggerSchedule").inputs
    assert (trigger["frequency"], trigger["activated"]) == ("Day", True)
    assert result.outputs["authMode"] == "token"


def test_prod_is_msi_autoscaling_protected() -> None:
    result = stack("msi", "prod")
    assert result.outputs["authMode"] == "msi"
    assert result.of_type("databricks:index/token:Token") == []
    assert result.one("azure-native:databricks:Workspace").protect
    assert result.one("azure-native:datafactory:Factory").protect
    props = databricks_linked_service(result).inputs["properties"]
    assert props["authentication"] == "MSI"
    assert props["newClusterNumOfWorker"] == "2:8"
    for r in result.resources:
        if "tags" in r.inputs:
            assert r.inputs["tags"]["environment"] == "prod"
            assert r.inputs["tags"]["managed-by"] == "pulumi"


def test_outputs(render: Render) -> None:
    result = render(base())
    assert set(result.outputs) == {
        "workspaceUrl",
        "factoryName",
        "adfStudioUrl",
        "adfMonitorUrl",
        "pipelines",
        "triggers",
        "notebookPaths",
        "authMode",
        "runAs",
    }
    assert result.outputs["workspaceUrl"] == f"https://{engine.WORKSPACE_HOST}"
    assert result.outputs["authMode"] == "msi"


def test_msi_runs_as_the_user_assigned_identity(render: Render) -> None:
    """In msi mode the runs execute as the factory's user-assigned identity, declared in the
    workspace by its client id (its Databricks user name) before ADF first logs in."""
    result = render(base())
    principal = result.one("databricks:index/servicePrincipal:ServicePrincipal")
    workspace_provider = result.one("pulumi:providers:databricks")
    assert principal.raw_inputs["applicationId"] == engine.IDENTITY_CLIENT
    assert principal.raw_inputs["displayName"] == "adf-databricks-run-as-identity-0a1b2c3"
    # ADF creates a job cluster for every run in job mode.
    assert principal.raw_inputs["allowClusterCreate"] is True
    assert principal.provider == workspace_provider.urn
    assert result.outputs["runAs"] == engine.IDENTITY_CLIENT


def test_run_as_may_create_clusters_only_where_adf_creates_them(render: Render) -> None:
    result = render(base(cluster={"mode": "existing", "existingClusterId": "0101-abc"}))
    principal = result.one("databricks:index/servicePrincipal:ServicePrincipal")
    assert principal.raw_inputs["allowClusterCreate"] is False


def test_token_runs_as_the_token_owner(render: Render) -> None:
    """In token mode the runs execute as whoever the workspace provider authenticates as,
    which is the token's owner; no managed identity is declared."""
    result = render(base(auth={"mode": "token"}))
    assert result.outputs["runAs"] == engine.CLIENT_CONFIG["clientId"]
    assert result.of_type("databricks:index/servicePrincipal:ServicePrincipal") == []
    assert result.of_type("azure-native:managedidentity:UserAssignedIdentity") == []


def test_run_as_is_known_before_compute_and_factory(render: Render) -> None:
    """Declared ahead of the cluster and the factory, so both can be given `run_as`."""
    result = render(base())
    order = [r.type for r in result.resources]
    first = order.index("adf-databricks:index:RunIdentity")
    assert first < order.index("adf-databricks:index:DatabricksCompute")
    assert first < order.index("adf-databricks:index:DataFactory")


PROBE_PROGRAM = """
import pulumi
import pulumi_databricks as databricks
from components.enums import AuthMode
from components.run_identity import RunIdentity, RunIdentityArgs

who = RunIdentity("who", RunIdentityArgs(mode=AuthMode.MSI, resource_group_name="rg"))
databricks.Directory("probe", path=pulumi.Output.concat("/Users/", who.run_as))
"""


def test_run_as_depends_on_the_declared_principal(tmp_path: Path) -> None:
    """Whatever is granted to `run_as` waits until the principal exists in the workspace."""
    program = tmp_path / "program.py"
    program.write_text(PROBE_PROGRAM)
    result = engine.run({}, "test", preview=False, program=program)
    principal = result.one("databricks:index/servicePrincipal:ServicePrincipal")
    probe = result.one("databricks:index/directory:Directory")
    assert probe.raw_inputs["path"] == f"/Users/{engine.IDENTITY_CLIENT}"
    assert principal.urn in probe.dependencies


def test_existing_resource_group_is_not_created(render: Render) -> None:
    result = render(base(resourceGroupName="shared-data"))
    assert result.of_type("azure-native:resources:ResourceGroup") == []
    assert result.one("azure-native:datafactory:Factory").inputs["resourceGroupName"] == "shared-data"


def test_created_resource_group(render: Render) -> None:
    group = render(base()).one("azure-native:resources:ResourceGroup").inputs
    assert group["resourceGroupName"] == "adf-databricks-test"
    assert group["location"] == "westeurope"


def test_components_parent_their_children(render: Render) -> None:
    result = render(base(auth={"mode": "token"}))
    by_urn = {r.urn: r for r in result.resources}
    top = result.one("adf-databricks:index:AdfDatabricks")
    for r in result.resources:
        if r is top:
            continue
        assert r.parent in by_urn, f"{r.name} is not inside a component"
        assert r.name.startswith(by_urn[r.parent].name + "-"), (r.name, by_urn[r.parent].name)


def test_bad_config_declares_nothing(render: Render) -> None:
    bad = base()
    bad["pipelines"][0]["activities"][0]["timeout"] = "1h"
    partial = engine.Result()
    with pytest.raises(
        pulumi.RunError, match=r"pipelines\[0\]\.activities\[0\]\.timeout: expected d\.hh:mm:ss"
    ):
        engine.run(cli_config(bad), "test", preview=False, result=partial)
    assert partial.resources == []
    # The same run with a good value does register resources into the same kind of record.
    good = engine.Result()
    engine.run(cli_config(base()), "test", preview=False, result=good)
    assert good.resources


def test_same_config_same_inputs(render: Render) -> None:
    first = json.dumps(
        [(r.urn, r.inputs) for r in render(base(auth={"mode": "token"})).resources], sort_keys=True
    )
    second = json.dumps(
        [(r.urn, r.inputs) for r in render(base(auth={"mode": "token"})).resources], sort_keys=True
    )
    assert sorted(json.loads(first)) == sorted(json.loads(second))


def test_components_are_usable_from_other_languages() -> None:
    """Pulumi's component analyzer takes their args and outputs (CONVENTIONS.md), with the
    config's names for the config's sections, and a description on every input."""
    analyzed = Analyzer("adf-databricks").analyze(
        [DatabricksWorkspace, WorkspaceAccess, RunIdentity, DataFactory, Notebooks, CatalogVolume]
    )
    types = analyzed["type_definitions"]
    assert list(types["WorkspaceSpec"].properties) == [
        "name",
        "sku",
        "noPublicIp",
        "publicNetworkAccess",
        "managedResourceGroupName",
        "existing",
    ]
    assert list(types["ExistingWorkspace"].properties) == ["resourceId", "url"]
    assert list(types["AuthSpec"].properties) == [
        "mode",
        "tokenLifetimeDays",
        "rotateAfterDays",
        "keyVault",
        "accountId",
        "deployers",
    ]
    assert [m.value for m in types["AuthMode"].enum or []] == ["msi", "token"]
    # standard is refused, so it is no choice.
    assert [m.value for m in types["WorkspaceSku"].enum or []] == ["premium", "trial"]
    components = analyzed["component_definitions"]
    for owner, properties in [
        *((c.name, c.inputs) for c in components.values()),
        *((t.name, t.properties) for t in types.values() if t.properties),
    ]:
        for key, prop in properties.items():
            assert prop.description, f"{owner}.{key} is undocumented"
    # Python-only attributes (a package component, a resource without a Pulumi type) are not
    # outputs; Python reads them as properties.
    assert set(components["DataFactory"].outputs) == {
        "factory",
        "integrationRuntime",
        "linkedService",
        "serverlessLinkedService",
        "studioUrl",
        "monitorUrl",
    }
    assert "grantsPropagated" not in components["WorkspaceAccess"].outputs
    assert set(components["DatabricksWorkspace"].outputs) == {"url", "resourceId", "provider", "workspace"}


def test_every_resource_belongs_to_a_component(stacks: dict[str, engine.Result]) -> None:
    """Only the root component sits at the stack's root: each resource is a child of one of this
    package's components, so it moves, aliases and deletes with it."""
    for name, result in stacks.items():
        types = {r.urn: r.type for r in result.resources}
        at_root = [r.type for r in result.resources if r.parent not in types]
        assert at_root == ["adf-databricks:index:AdfDatabricks"], name
        not_in_a_component = [
            r.urn
            for r in result.resources
            if r.parent in types and not types[r.parent].startswith("adf-databricks:")
        ]
        assert not_in_a_component == [], name


def test_every_databricks_resource_uses_the_workspace_provider(stacks: dict[str, engine.Result]) -> None:
    """Each Databricks resource talks to the stack's workspace, never to a default provider
    (which would read DATABRICKS_HOST from the deployer's environment)."""
    for name, result in stacks.items():
        (provider,) = result.of_type("pulumi:providers:databricks")
        on_other = [
            r.urn
            for r in result.resources
            if r.custom and r.type.startswith("databricks:") and r.provider != provider.urn
        ]
        assert on_other == [], name
        assert len(result.resources) > 20


# ---------------------------------------------------------------- the stack's own rules


def problems_of(document: dict[str, Any]) -> list[str]:
    """What AdfDatabricks says of its whole document (as a stack file writes it), one line a
    problem, without the stack's `adf-databricks:` prefix (components.settings adds that)."""
    return [str(p) for p in platform.problems(document, "adf-databricks", "test")]


NO_LOCATION = {k: v for k, v in base().items() if k != "location"}


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        pytest.param(
            base(protet=True), "protet: unknown key; did you mean 'protect'?", id="unknown top-level key"
        ),
        pytest.param(
            base(protect="yes"), "protect: expected true or false, got 'yes'", id="bool never coerced"
        ),
        pytest.param(
            base(resourceGroupName="bad/name"),
            "resourceGroupName: expected a resource group name (1-90 letters, digits, - _ . ( ),"
            " not ending in .), got 'bad/name'",
            id="resource group name",
        ),
        pytest.param(
            NO_LOCATION,
            "location: is required to create the resource group (or set azure-native:location,"
            " or deploy into an existing adf-databricks:resourceGroupName)",
            id="location needed to create the group",
        ),
        pytest.param(
            base(tags={"a/b": "x"}),
            "tags: expected Azure tags (names of 1-512 characters without",
            id="tag names",
        ),
        pytest.param(base(tags=["a"]), "tags: expected a map of strings, got a list", id="tags are a map"),
        pytest.param(
            base(tags={"a": 1}),
            "tags.a: expected a string of at most 256 characters, got 1",
            id="tag values are strings",
        ),
        pytest.param(
            base(integrationRuntime="bad.name"),
            "integrationRuntime: expected a Data Factory name",
            id="integration runtime name",
        ),
        pytest.param(
            base(pipelines=[]),
            "pipelines: expected a list of at least one pipeline, got a list []",
            id="at least one pipeline",
        ),
        pytest.param(
            base(pipelines={"name": "x"}),
            'pipelines: expected a list of at least one pipeline, got an object {"name": "x"}',
            id="pipelines is a list",
        ),
        pytest.param(
            base(pipelines=[pipeline(), pipeline(schedule=None)]),
            "pipelines[1].name: duplicate of pipelines[0].name",
            id="pipeline names unique",
        ),
        pytest.param(
            # Both land at <notebookFolder>/process_data.
            base(
                pipelines=[
                    pipeline(
                        activities=[activity(), activity(name="B", notebook="tests/fixtures/process_data.py")]
                    )
                ]
            ),
            "pipelines[0].activities[1].notebook: 'tests/fixtures/process_data.py' would overwrite"
            " 'notebooks/process_data.py' in the workspace folder",
            id="same notebook name twice",
        ),
    ],
)
def test_the_stack_document_refuses(document: dict[str, Any], problem: str) -> None:
    """AdfDatabricks's own keys and the rules between its sections, each refused alone."""
    [found] = problems_of(document)
    assert found.startswith(problem), found


def test_a_location_is_required_only_to_create_the_resource_group() -> None:
    assert problems_of({**NO_LOCATION, "resourceGroupName": "etl-prod"}) == []
    assert "location" not in platform.parse({**NO_LOCATION, "resourceGroupName": "etl-prod"}, "p", "s")


def test_notebooks_after_a_workspace_path_are_still_checked_for_one_name() -> None:
    acts = [
        {"name": "Audit", "notebookPath": "/team/audit"},
        activity(name="A"),
        activity(name="B", notebook="tests/fixtures/process_data.py"),
    ]
    assert [p.split(":")[0] for p in problems_of(base(pipelines=[pipeline(activities=acts)]))] == [
        "pipelines[0].activities[2].notebook"
    ]


def test_an_adopted_workspace_gets_no_default_name() -> None:
    """It keeps its own (DatabricksWorkspace refuses a name next to `existing`)."""
    existing = {
        "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shared"
        "/providers/Microsoft.Databricks/workspaces/analytics",
        "url": "adb-1234567890123456.7.azuredatabricks.net",
    }
    document = base(workspace={"existing": existing}, unityCatalog={"catalog": "main"})
    assert problems_of(document) == []
    assert platform.parse(document, "adf-databricks", "test")["workspace"] == {
        "existing": {"resource_id": existing["resourceId"], "url": existing["url"]}
    }


# ---------------------------------------------------------------- AdfDatabricks from another program

ANOTHER_PROGRAM = """
import pulumi
import pulumi_azure_native as azure_native
from components.platform import AdfDatabricks


class Team(pulumi.ComponentResource):
    def __init__(self) -> None:
        super().__init__("team:index:Data", "team")


team = Team()
other = azure_native.Provider("other-subscription", subscription_id="11111111-2222-3333-4444-555555555555")
AdfDatabricks(
    "etl",
    {
        "location": "westeurope",
        "cluster": {"spark_version": "15.4.x-scala2.12", "node_type": "Standard_D4ds_v5"},
        "pipelines": [
            {
                "name": "load",
                "activities": [{"name": "Load", "notebook": "notebooks/process_data.py"}],
                "schedule": {"frequency": "Day", "start_time": "2026-01-01T06:00:00Z"},
            }
        ],
    },
    opts=pulumi.ResourceOptions(parent=team, providers=[other]),
)
"""


def another_program(tmp_path: Path, stack: str = "test") -> engine.Result:
    program = tmp_path / "program.py"
    program.write_text(ANOTHER_PROGRAM)
    return engine.run({}, stack, preview=False, program=program)


def test_component_names_its_defaults_after_the_program_running_it(tmp_path: Path) -> None:
    """Used from another program, the defaults that follow from the project and stack come
    from that program's, as the stack file's do from this one's."""
    result = another_program(tmp_path)
    assert result.one("azure-native:databricks:Workspace").inputs["workspaceName"] == "adf-databricks-test"
    assert (
        result.one("azure-native:resources:ResourceGroup").inputs["resourceGroupName"]
        == "adf-databricks-test"
    )
    assert result.one("databricks:index/directory:Directory").inputs["path"] == "/adf-databricks/test"
    assert result.one("databricks:index/schema:Schema").inputs["name"] == "adf_databricks_test"


def test_component_refuses_a_default_name_the_stack_makes_too_long(tmp_path: Path) -> None:
    stack = "s" * 55
    with pytest.raises(InvalidArgs) as caught:
        another_program(tmp_path, stack)
    assert str(caught.value) == (
        "AdfDatabricks etl: workspace.name: expected a workspace name (3-64 letters, digits, _ or -),"
        f" got 'adf-databricks-{stack}'"
    )


def test_component_takes_its_parent_and_providers_from_its_options(tmp_path: Path) -> None:
    """Everything, the subscription lookup for the trigger's provider included, goes through
    the caller's azure-native provider, under the caller's component."""
    result = another_program(tmp_path)
    team = result.one("team:index:Data").urn
    other = result.one("pulumi:providers:azure-native").urn
    assert result.one("adf-databricks:index:AdfDatabricks").parent == team
    assert result.one("azure-native:datafactory:Factory").provider == other
    lookups = [i.provider for i in result.invokes if i.token == "azure-native:authorization:getClientConfig"]
    # The workspace's (its managed resource group), the workspace access's and the trigger provider's.
    assert lookups == [other] * 3


def test_python_programs_reach_the_children_by_name(tmp_path: Path) -> None:
    """The Python-only properties (the package schema has the outputs instead)."""
    program = (
        ANOTHER_PROGRAM.replace(
            '"activities": [{"name": "Load", "notebook": "notebooks/process_data.py"}],',
            '"activities": [{"name": "Load", "notebook": "notebooks/process_data.py"},'
            ' {"name": "Job", "job": {"notebook": "notebooks/process_data.py"}, "depends_on": [{"activity": "Load"}]}],',
        )
        .replace('"location": "westeurope",', '"location": "westeurope", "auth": {"mode": "token"},')
        .replace("AdfDatabricks(\n", "etl = AdfDatabricks(\n")
        .replace(
            '"schedule": {"frequency": "Day", "start_time": "2026-01-01T06:00:00Z"},',
            '"schedule": {"frequency": "Day", "start_time": "2026-01-01T06:00:00Z"},'
            ' "tumbling_window": {"frequency": "Hour", "interval": 1, "start_time": "2026-01-01T00:00:00Z"},'
            ' "storage_event": {"storage_account_id": "/subscriptions/00000000-0000-0000-0000-000000000000'
            '/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/landing01",'
            ' "blob_path_ends_with": ".csv"},',
        )
    )
    program += (
        "pulumi.export('pipeline', etl.pipelines['load'].pipeline_name)\n"
        "pulumi.export('job', etl.jobs['load/Job'].job_id)\n"
        "pulumi.export('trigger', etl.triggers['load-schedule'].activated)\n"
        "pulumi.export('window', etl.windows['load-window'].trigger.name)\n"
        "pulumi.export('event', etl.storage_events['load-storage-event'].activated)\n"
        "pulumi.export('workspace', etl.workspace.url)\n"
        "pulumi.export('factory', etl.data_factory.factory.name)\n"
        "pulumi.export('monitoring', etl.monitoring is None)\n"
    )
    result = run_program(tmp_path, program)
    assert result.outputs == {
        "pipeline": "load",
        "job": result.one("databricks:index/job:Job").id,
        "trigger": True,
        "window": "load-window",
        "event": True,
        "workspace": f"https://{engine.WORKSPACE_HOST}",
        "factory": result.one("azure-native:datafactory:Factory").name + "-0a1b2c3",
        "monitoring": True,
    }


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> list[type]:
    """The args classes `validation.problems` checks a document against, one entry a pass."""
    passes: list[type] = []
    real = validation.problems

    def counting(cls: type, *args: Any, **kwargs: Any) -> list[validation.Problem]:
        passes.append(cls)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(validation, "problems", counting)
    return passes


def test_a_stack_file_is_validated_once(validated: list[type]) -> None:
    """Settings checks the stack's document once; AdfDatabricks and its children trust it."""
    stack("msi", "prod")
    assert validated == [AdfDatabricksArgs]


def test_a_program_building_the_component_has_its_args_validated_once(
    tmp_path: Path, validated: list[type]
) -> None:
    another_program(tmp_path)
    assert validated == [AdfDatabricksArgs]


def test_a_child_built_by_another_program_checks_its_own_args_once(
    tmp_path: Path, validated: list[type]
) -> None:
    run_program(
        tmp_path,
        "from components.notebooks import Notebooks\n"
        "Notebooks('nb', {'folder': '/team/etl', 'sources': ['tests/fixtures/process_data.py']})\n",
    )
    assert validated == [NotebooksArgs]


NETWORK = {
    "addressSpace": "10.20.0.0/22",
    "hostSubnet": "10.20.0.0/24",
    "containerSubnet": "10.20.1.0/24",
    "endpointSubnet": "10.20.2.0/27",
}


def test_a_private_stack_connects_the_whole_path_in_order(render: Render) -> None:
    """VNet before the workspace, the workspace's endpoints before the factory's and before
    any Databricks call, and no run before the factory's endpoints are approved."""
    result = render(base(network=NETWORK, workspace={"publicNetworkAccess": "Disabled"}))
    vnet = result.one("azure-native:network:VirtualNetwork")
    workspace = result.one("azure-native:databricks:Workspace")
    assert workspace.inputs["parameters"]["customVirtualNetworkId"] == {"value": vnet.id}
    assert vnet.urn in workspace.dependencies
    endpoints = [r.urn for r in result.of_type("azure-native:network:PrivateEndpoint")]
    zone_groups = [r.urn for r in result.of_type("azure-native:network:PrivateDnsZoneGroup")]
    assert len(endpoints) == 2 and len(zone_groups) == 2
    provider = result.one("pulumi:providers:databricks")
    assert set(endpoints + zone_groups) <= set(provider.dependencies)
    assert provider.inputs["host"] == f"https://{engine.WORKSPACE_HOST}"
    managed = result.one("azure-native:datafactory:ManagedPrivateEndpoint")
    assert set(endpoints + zone_groups) <= set(managed.dependencies)
    approval = result.one("azure-native:databricks:PrivateEndpointConnection")
    trigger = result.one("azure:datafactory/triggerSchedule:TriggerSchedule")
    assert approval.urn in trigger.dependencies
    assert databricks_linked_service(result).inputs["properties"]["connectVia"]["referenceName"] == (
        "ManagedVnetIntegrationRuntime"
    )


def test_a_private_stack_previews_before_anything_exists(render: Render) -> None:
    """The approval's connection is named by Azure: unknown in a first preview, not an error."""
    result = render(base(network=NETWORK), preview=True)
    approval = result.one("azure-native:databricks:PrivateEndpointConnection")
    assert approval.inputs["privateEndpointConnectionName"] == engine.UNKNOWN
    assert [i.token for i in result.invokes if "getWorkspace" in i.token] == []


def test_a_public_stack_declares_no_network(render: Render) -> None:
    result = render(base())
    assert [
        r.type
        for r in result.resources
        if r.type.startswith(("azure-native:network:", "azure-native:privatedns:"))
    ] == []
    assert result.of_type("azure-native:datafactory:ManagedPrivateEndpoint") == []


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        (
            {"integrationRuntime": "SelfHosted"},
            "integrationRuntime",
            "applies without network: a private stack's linked services connect via the runtime in"
            " the factory's managed virtual network",
        ),
        (
            {"workspace": {"noPublicIp": False}},
            "workspace.noPublicIp",
            "false is refused with a private network: back-end Private Link needs secure cluster"
            " connectivity (Learn, databricks/security/network/classic/private-link, requirements)",
        ),
        (
            {
                "workspace": {
                    "existing": {
                        "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups"
                        "/rg/providers/Microsoft.Databricks/workspaces/w",
                        "url": "adb-1.2.azuredatabricks.net",
                    }
                },
                "unityCatalog": {"catalog": "main"},
            },
            "network",
            "applies to a workspace the stack creates: VNet injection is chosen when a workspace is"
            " created and cannot be added to an existing one",
        ),
    ],
)
def test_a_stack_refuses_what_azure_refuses_of_a_private_workspace(
    overrides: dict[str, Any], path: str, message: str
) -> None:
    found = platform_problems(base(network=NETWORK, **overrides))
    assert [(p.path, p.message[: len(message)]) for p in found] == [(path, message)]


def platform_problems(document: dict[str, Any]) -> list[validation.Problem]:
    from components import platform

    return platform.problems(document, "adf-databricks", "test")


def test_activities_inside_containers_are_uploaded_and_get_their_jobs(render: Render) -> None:
    """A local notebook and a job inside a ForEach or an If branch get what top-level ones get:
    the uploaded copy with the `volume` widget, a created job run by id, the serverless linked
    service for the job."""
    p = pipeline(
        parameters={"tables": {"type": "Array", "default": ["a"]}},
        activities=[
            {
                "name": "Loop",
                "forEach": {
                    "items": "@pipeline().parameters.tables",
                    "activities": [
                        {
                            "name": "Inner",
                            "notebook": "notebooks/process_data.py",
                            "baseParameters": {"t": "@item()"},
                        }
                    ],
                },
            },
            {
                "name": "Branch",
                "dependsOn": [{"activity": "Loop"}],
                "ifCondition": {
                    "expression": "@true",
                    "ifTrueActivities": [{"name": "Job", "job": {"notebook": "notebooks/process_data.py"}}],
                },
            },
        ],
    )
    result = render(
        base(auth={"mode": "msi", "accountId": "00000000-0000-0000-0000-000000000001"}, pipelines=[p])
    )
    loop, branch = result.one("azure-native:datafactory:Pipeline").inputs["activities"]
    inner = loop["activities"][0]
    assert inner["notebookPath"].endswith("/process_data")
    assert set(inner["baseParameters"]) == {"volume", "t"}
    (job_activity,) = branch["ifTrueActivities"]
    assert job_activity["type"] == "DatabricksJob"
    assert len(result.of_type("databricks:index/job:Job")) == 1
    assert len(result.of_type("databricks:index/notebook:Notebook")) == 1
    linked = {
        r.inputs.get("linkedServiceName") for r in result.of_type("azure-native:datafactory:LinkedService")
    }
    assert "AzureDatabricksServerless" in linked  # detected from the nested job
    assert job_activity["linkedServiceName"]["referenceName"] == "AzureDatabricksServerless"


def test_a_nested_job_needs_the_account_in_msi_mode() -> None:
    p = pipeline(
        activities=[
            {
                "name": "B",
                "ifCondition": {
                    "expression": "@true",
                    "ifFalseActivities": [{"name": "J", "job": {"notebookPath": "/Shared/x"}}],
                },
            }
        ]
    )
    found = [
        str(x) for x in platform.problems(base(auth={"mode": "msi"}, pipelines=[p]), "adf-databricks", "test")
    ]
    assert any(
        f.startswith(
            "auth.accountId: is required with auth.mode msi: pipelines[0].activities[0].ifCondition.ifFalseActivities[0].job"
        )
        for f in found
    ), found


def test_python_and_jar_activities_run_on_the_cluster_beside_serverless_jobs(render: Render) -> None:
    """Spark Python and JAR activities need a cluster: they run through the cluster linked service
    (every stack has one: cluster.sparkVersion and nodeType, or existingClusterId, are required),
    never through AzureDatabricksServerless, even where every other activity is a serverless job;
    a local Python file inside a ForEach is uploaded and run from the volume as a top-level one."""
    p = pipeline(
        parameters={"tables": {"type": "Array", "default": ["a"]}},
        activities=[
            {"name": "Job", "job": {"notebook": "notebooks/process_data.py"}},
            {
                "name": "Loop",
                "dependsOn": [{"activity": "Job"}],
                "forEach": {
                    "items": "@pipeline().parameters.tables",
                    "activities": [
                        {
                            "name": "Per Table",
                            "python": {
                                "file": "notebooks/summarize.py",
                                "parameters": ["--folder", "@item()"],
                            },
                        }
                    ],
                },
            },
            {
                "name": "Pi",
                "dependsOn": [{"activity": "Loop"}],
                "jar": {"mainClassName": "org.example.Pi", "libraries": [{"jar": "dbfs:/libs/pi.jar"}]},
            },
        ],
    )
    result = render(
        base(auth={"mode": "msi", "accountId": "00000000-0000-0000-0000-000000000001"}, pipelines=[p])
    )
    job, loop, jar = result.one("azure-native:datafactory:Pipeline").inputs["activities"]
    (inner,) = loop["activities"]
    assert job["linkedServiceName"]["referenceName"] == "AzureDatabricksServerless"
    assert inner["linkedServiceName"]["referenceName"] == "AzureDatabricks"
    assert jar["linkedServiceName"]["referenceName"] == "AzureDatabricks"
    assert (
        inner["pythonFile"]
        == "dbfs:/Volumes/adf_databricks_test/adf_databricks_test/landing/scripts/summarize.py"
    )
    assert inner["parameters"][:2] == ["--volume", "/Volumes/adf_databricks_test/adf_databricks_test/landing"]
    assert len(result.of_type("databricks:index/file:File")) == 1
    # The cluster linked service the Spark activities name carries the cluster.
    assert "newClusterVersion" in databricks_linked_service(result).inputs["properties"]
