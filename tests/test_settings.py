"""Configuration validation: each rule refuses a bad value with a message naming its key."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components import settings
from components.enums import AuthMode, ClusterMode, DataSecurityMode, Frequency, ParameterType, WorkspaceSku
from components.pipeline import schedule_parameter_refused
from components.platform import AdfDatabricksArgs
from components.settings import ConfigError, load
from components.workspace_access import rotation_days
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
    act = s["pipelines"][0]["activities"][0]
    assert (act.get("timeout"), act.get("retries"), act.get("retry_interval_seconds")) == (
        "0.12:00:00",
        0,
        30,
    )
    assert (act.get("secure_input"), act.get("secure_output")) == (False, False)
    schedule = s["pipelines"][0]["schedule"]
    assert (schedule.get("interval"), schedule.get("time_zone"), schedule.get("enabled")) == (1, "UTC", True)
    assert schedule["frequency"] is Frequency.DAY


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


def test_cluster_edges_accepted() -> None:
    pool = check(
        base(cluster={**base()["cluster"], "mode": "pool", "workers": 9, "pool": {"maxCapacity": 10}})
    )["cluster"]
    assert pool.get("workers") == 9
    assert pool.get("pool") == {"min_idle": 0, "max_capacity": 10, "idle_minutes": 15}
    single = check(
        base(
            cluster={
                **base()["cluster"],
                "mode": "interactive",
                "workers": 0,
                "customTags": {"ResourceClass": "SingleNode"},
            }
        )
    )["cluster"]
    assert single.get("workers") == 0
    scripts = [f"/Workspace/i{n}.sh" for n in range(9)] + ["/dbfs/legacy.sh"]
    job = check(base(cluster={**base()["cluster"], "initScripts": scripts}))["cluster"]
    assert job.get("init_scripts") == scripts
    for mode in ("SINGLE_USER", "USER_ISOLATION", "NONE"):
        chosen = check(base(cluster={**base()["cluster"], "dataSecurityMode": mode}))["cluster"]
        assert chosen.get("data_security_mode") is DataSecurityMode(mode)
    # An explicit null counts as absent, at any depth.
    assert "policy_id" not in check(base(cluster={**base()["cluster"], "policyId": None}))["cluster"]
    assert check(base(workspace={"sku": "trial"}))["workspace"].get("sku") is WorkspaceSku.TRIAL
    assert check(base(workspace={"sku": None}))["workspace"] == {"name": "adf-databricks-test"}


def test_token_rotation_default_follows_short_lifetimes() -> None:
    s = check(base(auth={"mode": "token", "tokenLifetimeDays": 30}))
    assert s["auth"] == {"mode": AuthMode.TOKEN, "token_lifetime_days": 30}
    # WorkspaceAccess rotates it after two thirds of the lifetime (test_workspace_access renders it).
    assert rotation_days(30) == 20


def test_a_schedule_sets_only_string_parameters() -> None:
    """pulumi-azure's trigger sends its arguments as strings, and Data Factory does not convert
    them: every typed argument is refused at once, with its key path, type and reason
    (issue 17, item 11)."""
    types = {"n": "Int", "ratio": "Float", "full": "Bool", "flags": "Array", "opts": "Object"}
    p = pipeline(
        parameters={
            **{key: {"type": kind} for key, kind in types.items()},
            "folder": {"type": "String"},
            "key": {"type": "SecureString"},
        },
        schedule={
            "frequency": "Hour",
            "startTime": "2026-01-01T00:00:00Z",
            # Strings too: "5" would reach the Int parameter as the string "5".
            "parameters": {
                "n": "5",
                "ratio": 0.5,
                "full": True,
                "flags": ["a"],
                "opts": {"a": 1},
                "folder": "x",
                "key": "s3cr3t-value",
            },
        },
    )
    with pytest.raises(ConfigError) as caught:
        check(base(pipelines=[p]))
    assert str(caught.value).splitlines() == [
        f"adf-databricks:pipelines[0].schedule.parameters.{key}: "
        + schedule_parameter_refused(key, ParameterType(kind))
        for key, kind in types.items()
    ]
    assert "set the value as parameters.n.default instead" in schedule_parameter_refused(
        "n", ParameterType.INT
    )
    # The string types pass, as written.
    p["schedule"]["parameters"] = {"folder": "x", "key": "s3cr3t-value"}
    schedule = check(base(pipelines=[p]))["pipelines"][0]["schedule"]
    assert schedule.get("parameters") == {"folder": "x", "key": "s3cr3t-value"}


def test_parameter_types() -> None:
    p = pipeline(parameters={"folder": {"type": "String"}, "s": {"type": "SecureString", "default": "x"}})
    spec = check(base(pipelines=[p]))["pipelines"][0]
    assert spec.get("parameters", {})["s"]["type"] is ParameterType.SECURE_STRING


# ---------------------------------------------------------------- one test per rule

BAD: list[tuple[str, dict[str, Any], str, str]] = [
    # (rule, config, key path, message fragment)
    ("unknown top-level key", base(protet=True), "protet", "did you mean 'protect'?"),
    ("bool never coerced", base(protect="yes"), "protect", "expected true or false, got 'yes'"),
    ("resource group name", base(resourceGroupName="bad/name"), "resourceGroupName", "resource group name"),
    (
        "location needed to create the group",
        {k: v for k, v in base().items() if k != "location"},
        "location",
        "is required",
    ),
    ("tag names", base(tags={"a/b": "x"}), "tags", "Azure tags"),
    ("tags are a map", base(tags=["a"]), "tags", "expected a map of strings"),
    ("tag values are strings", base(tags={"a": 1}), "tags.a", "expected a string of at most 256 characters"),
    (
        "integration runtime name",
        base(integrationRuntime="bad.name"),
        "integrationRuntime",
        "Data Factory name",
    ),
    (
        "notebook folder absolute",
        base(notebookFolder="Shared/x"),
        "notebookFolder",
        "absolute workspace path",
    ),
    (
        "workspace sku",
        base(workspace={"sku": "gold"}),
        "workspace.sku",
        "expected one of premium, trial, got 'gold'",
    ),
    (
        "standard tier reached end of life",
        base(workspace={"sku": "standard"}),
        "workspace.sku",
        "standard is refused: Standard-tier workspaces reached end of life: Azure Databricks"
        " upgrades every remaining one to Premium on 2026-10-01",
    ),
    (
        "workspace noPublicIp bool",
        base(workspace={"noPublicIp": "true"}),
        "workspace.noPublicIp",
        "expected true or false",
    ),
    (
        "public network access",
        base(workspace={"publicNetworkAccess": "enabled"}),
        "workspace.publicNetworkAccess",
        "Enabled, Disabled",
    ),
    (
        "public network access off needs private link",
        base(workspace={"publicNetworkAccess": "Disabled"}),
        "workspace.publicNetworkAccess",
        "VNet injection and Private Link",
    ),
    ("workspace unknown key", base(workspace={"skus": "premium"}), "workspace.skus", "did you mean 'sku'?"),
    (
        "existing resource id",
        base(
            workspace={"existing": {"resourceId": "/subscriptions/x", "url": "adb-1.2.azuredatabricks.net"}}
        ),
        "workspace.existing.resourceId",
        "Microsoft.Databricks/workspaces",
    ),
    (
        "existing url",
        base(
            workspace={
                "existing": {
                    "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w",
                    "url": "example.com",
                }
            }
        ),
        "workspace.existing.url",
        "workspace URL",
    ),
    (
        "existing excludes sku",
        base(workspace={"sku": "premium", "existing": {}}),
        "workspace.sku",
        "not with workspace.existing",
    ),
    ("auth mode", base(auth={"mode": "password"}), "auth.mode", "expected one of msi, token, got 'password'"),
    (
        "token keys only with token",
        base(auth={"keyVault": False}),
        "auth.keyVault",
        "only with auth.mode token",
    ),
    (
        "token lifetime range",
        base(auth={"mode": "token", "tokenLifetimeDays": 1000}),
        "auth.tokenLifetimeDays",
        "from 2 to 730, got 1000",
    ),
    (
        "rotation below lifetime",
        base(auth={"mode": "token", "tokenLifetimeDays": 30, "rotateAfterDays": 30}),
        "auth.rotateAfterDays",
        "fewer days than auth.tokenLifetimeDays (30), got 30",
    ),
    (
        "cluster mode",
        base(cluster={"mode": "serverless"}),
        "cluster.mode",
        "expected one of job, interactive, pool, existing",
    ),
    (
        "spark version required",
        base(cluster={"nodeType": "Standard_D4ds_v5"}),
        "cluster.sparkVersion",
        "is required",
    ),
    (
        "node type required",
        base(cluster={"sparkVersion": "15.4.x-scala2.12"}),
        "cluster.nodeType",
        "is required",
    ),
    (
        "spark version shape",
        base(cluster={"sparkVersion": "latest", "nodeType": "Standard_D4ds_v5"}),
        "cluster.sparkVersion",
        "15.4.x-scala2.12",
    ),
    (
        "node type shape",
        base(cluster={"sparkVersion": "15.4.x-scala2.12", "nodeType": "D4"}),
        "cluster.nodeType",
        "Azure VM size",
    ),
    (
        "python version",
        base(cluster={**base()["cluster"], "pythonVersion": 2}),
        "cluster.pythonVersion",
        "expected 3, got 2",
    ),
    ("workers", base(cluster={**base()["cluster"], "workers": "8:2"}), "cluster.workers", '"min:max"'),
    (
        "autoscale needs max above min",
        base(cluster={**base()["cluster"], "workers": "2:2"}),
        "cluster.workers",
        "1 <= min < max (Databricks autoscales only when max_workers is greater than min_workers), got '2:2'",
    ),
    (
        "no autoscale with a pool",
        base(cluster={**base()["cluster"], "mode": "pool", "workers": "1:3"}),
        "cluster.workers",
        "expected a fixed worker count with a pool: Data Factory gives pool clusters only a fixed"
        " number of workers, got '1:3'",
    ),
    (
        "no single node with a pool",
        base(cluster={**base()["cluster"], "mode": "pool", "workers": 0}),
        "cluster.workers",
        "expected at least 1 worker with a pool: Data Factory drops the cluster tags of pool clusters,"
        " and a single-node cluster needs its ResourceClass tag (use mode interactive), got 0",
    ),
    (
        "single node keeps its spark conf",
        base(
            cluster={
                **base()["cluster"],
                "mode": "interactive",
                "workers": 0,
                "sparkConf": {"spark.master": "local[2]"},
            }
        ),
        "cluster.sparkConf",
        "needs spark.master=local[*]; got spark.master=local[2]",
    ),
    (
        "single node keeps its tag",
        base(
            cluster={
                **base()["cluster"],
                "mode": "interactive",
                "workers": 0,
                "customTags": {"ResourceClass": "x"},
            }
        ),
        "cluster.customTags",
        "needs ResourceClass=SingleNode; got ResourceClass=x",
    ),
    (
        "spark conf map",
        base(cluster={**base()["cluster"], "sparkConf": {"a": 1}}),
        "cluster.sparkConf.a",
        "expected a string, got 1",
    ),
    (
        "init scripts list",
        base(cluster={**base()["cluster"], "initScripts": "dbfs:/x.sh"}),
        "cluster.initScripts",
        "expected a list",
    ),
    (
        "job clusters take no volume init scripts",
        base(
            cluster={**base()["cluster"], "initScripts": ["/Workspace/a.sh", "/Volumes/main/default/v/i.sh"]}
        ),
        "cluster.initScripts[1]",
        "expected a workspace file (/Workspace/...) or a DBFS path (dbfs:/..., legacy): Data Factory"
        " job clusters take no other init scripts (a volume or abfss:// script needs mode interactive),"
        " got '/Volumes/main/default/v/i.sh'",
    ),
    (
        "pool clusters take no abfss init scripts",
        base(
            cluster={
                **base()["cluster"],
                "mode": "pool",
                "initScripts": ["abfss://c@acct.dfs.core.windows.net/i.sh"],
            }
        ),
        "cluster.initScripts[0]",
        "Data Factory job clusters take no other init scripts",
    ),
    (
        "init script location shape",
        base(cluster={**base()["cluster"], "mode": "interactive", "initScripts": ["s3://b/i.sh"]}),
        "cluster.initScripts[0]",
        "expected a workspace file (/Workspace/...), dbfs:/..., /Volumes/... or abfss://",
    ),
    (
        "abfss init script names an account",
        base(cluster={**base()["cluster"], "mode": "interactive", "initScripts": ["abfss://x/i.sh"]}),
        "cluster.initScripts[0]",
        "got 'abfss://x/i.sh'",
    ),
    (
        "at most 10 init scripts",
        base(cluster={**base()["cluster"], "initScripts": [f"/Workspace/i{n}.sh" for n in range(11)]}),
        "cluster.initScripts",
        "expected at most 10 init scripts per cluster, got 11",
    ),
    (
        "data security mode",
        base(cluster={**base()["cluster"], "dataSecurityMode": "open"}),
        "cluster.dataSecurityMode",
        "expected one of SINGLE_USER, USER_ISOLATION, NONE, got 'open'",
    ),
    (
        "legacy access modes are deprecated",
        base(cluster={**base()["cluster"], "dataSecurityMode": "LEGACY_SINGLE_USER"}),
        "cluster.dataSecurityMode",
        "LEGACY_SINGLE_USER is deprecated since Databricks Runtime 15.0",
    ),
    (
        "kind-only access modes",
        base(cluster={**base()["cluster"], "dataSecurityMode": "DATA_SECURITY_MODE_DEDICATED"}),
        "cluster.dataSecurityMode",
        "DATA_SECURITY_MODE_DEDICATED needs a cluster `kind`, which the Data Factory linked service"
        " cannot send and this component does not set; SINGLE_USER is the same mode",
    ),
    (
        "autotermination range",
        base(cluster={**base()["cluster"], "mode": "interactive", "autoterminationMinutes": 5}),
        "cluster.autoterminationMinutes",
        "from 10 to 10000, got 5",
    ),
    (
        "autotermination only interactive",
        base(cluster={**base()["cluster"], "autoterminationMinutes": 30}),
        "cluster.autoterminationMinutes",
        "only with cluster.mode interactive",
    ),
    (
        "pool only with pool",
        base(cluster={**base()["cluster"], "pool": {}}),
        "cluster.pool",
        "only with cluster.mode pool",
    ),
    (
        "pool keys",
        base(cluster={**base()["cluster"], "mode": "pool", "pool": {"maxCapacty": 3}}),
        "cluster.pool.maxCapacty",
        "did you mean 'maxCapacity'?",
    ),
    (
        "pool min idle",
        base(cluster={**base()["cluster"], "mode": "pool", "pool": {"minIdle": 5, "maxCapacity": 2}}),
        "cluster.pool.minIdle",
        "at most cluster.pool.maxCapacity (2)",
    ),
    (
        "no driver node type with a pool",
        base(cluster={**base()["cluster"], "mode": "pool", "driverNodeType": "Standard_D8ds_v5"}),
        "cluster.driverNodeType",
        "only with cluster.mode job or interactive",
    ),
    (
        "pool holds a driver and a worker",
        base(cluster={**base()["cluster"], "mode": "pool", "pool": {"maxCapacity": 1}}),
        "cluster.pool.maxCapacity",
        "expected an integer from 2 to 1000, got 1",
    ),
    (
        "pool fits the workers and the driver",
        base(cluster={**base()["cluster"], "mode": "pool", "workers": 10}),
        "cluster.workers",
        "expected at most 9 workers: the pool's capacity is 10 and the driver takes one instance, got 10",
    ),
    (
        "existing cluster id required",
        base(cluster={"mode": "existing"}),
        "cluster.existingClusterId",
        "is required",
    ),
    (
        "existing takes no spark settings",
        base(cluster={"mode": "existing", "existingClusterId": "x", "sparkVersion": "15.4.x-scala2.12"}),
        "cluster.sparkVersion",
        "only with cluster.mode job or interactive or pool",
    ),
    ("at least one pipeline", base(pipelines=[]), "pipelines", "at least one pipeline"),
    ("pipelines is a list", base(pipelines={"name": "x"}), "pipelines", "expected a list"),
    ("pipeline name rules", base(pipelines=[pipeline(name="a.b")]), "pipelines[0].name", "Data Factory name"),
    (
        "pipeline names unique",
        base(pipelines=[pipeline(), pipeline(schedule=None)]),
        "pipelines[1].name",
        "duplicate of pipelines[0].name",
    ),
    (
        "pipeline unknown key",
        base(pipelines=[pipeline(activites=[])]),
        "pipelines[0].activites",
        "did you mean 'activities'?",
    ),
    (
        "concurrency range",
        base(pipelines=[pipeline(concurrency=0)]),
        "pipelines[0].concurrency",
        "from 1 to 50, got 0",
    ),
    (
        "parameter type",
        base(pipelines=[pipeline(parameters={"x": {"type": "Text"}})]),
        "pipelines[0].parameters.x.type",
        "String, Int, Float, Bool, Array, Object, SecureString",
    ),
    (
        "parameter default type",
        base(pipelines=[pipeline(parameters={"x": {"type": "Int", "default": "5"}})]),
        "pipelines[0].parameters.x.default",
        "expected an integer (Int parameter), got '5'",
    ),
    (
        "at least one activity",
        base(pipelines=[pipeline(activities=[])]),
        "pipelines[0].activities",
        "at least one activity",
    ),
    (
        "activity name length",
        base(pipelines=[pipeline(activities=[activity(name="x" * 56)])]),
        "pipelines[0].activities[0].name",
        "at most 55 characters",
    ),
    (
        "activity names unique",
        base(pipelines=[pipeline(activities=[activity(), activity()])]),
        "pipelines[0].activities[1].name",
        "duplicate of activities[0].name",
    ),
    (
        "activity unknown key",
        base(pipelines=[pipeline(activities=[activity(retrys=2)])]),
        "pipelines[0].activities[0].retrys",
        "did you mean 'retries'?",
    ),
    (
        "notebook xor path",
        base(pipelines=[pipeline(activities=[activity(notebookPath="/Shared/x")])]),
        "pipelines[0].activities[0]",
        "exactly one of notebook",
    ),
    (
        "neither notebook nor path",
        base(pipelines=[pipeline(activities=[{"name": "x"}])]),
        "pipelines[0].activities[0]",
        "exactly one of notebook",
    ),
    (
        "notebook file exists",
        base(pipelines=[pipeline(activities=[activity(notebook="notebooks/missing.py")])]),
        "pipelines[0].activities[0].notebook",
        "no such file",
    ),
    (
        "notebook language",
        base(pipelines=[pipeline(activities=[activity(notebook="README.md")])]),
        "pipelines[0].activities[0].notebook",
        "expected a .py, .sql, .scala, .r file",
    ),
    (
        "notebook path absolute",
        base(pipelines=[pipeline(activities=[{"name": "x", "notebookPath": "Shared/x"}])]),
        "pipelines[0].activities[0].notebookPath",
        "absolute workspace path",
    ),
    (
        "timeout format",
        base(pipelines=[pipeline(activities=[activity(timeout="1h")])]),
        "pipelines[0].activities[0].timeout",
        "expected d.hh:mm:ss (at most 7 days), got '1h'",
    ),
    (
        "retries >= 0",
        base(pipelines=[pipeline(activities=[activity(retries=-1)])]),
        "pipelines[0].activities[0].retries",
        "expected an integer >= 0, got -1",
    ),
    (
        "retry interval range",
        base(pipelines=[pipeline(activities=[activity(retryIntervalSeconds=10)])]),
        "pipelines[0].activities[0].retryIntervalSeconds",
        "from 30 to 86400, got 10",
    ),
    (
        "secure input bool",
        base(pipelines=[pipeline(activities=[activity(secureInput="true")])]),
        "pipelines[0].activities[0].secureInput",
        "expected true or false, got 'true'",
    ),
    (
        "secure output bool",
        base(pipelines=[pipeline(activities=[activity(secureOutput=1)])]),
        "pipelines[0].activities[0].secureOutput",
        "expected true or false, got 1",
    ),
    (
        "base parameters are strings",
        base(pipelines=[pipeline(activities=[activity(baseParameters={"n": 5})])]),
        "pipelines[0].activities[0].baseParameters.n",
        "expected a string, got 5",
    ),
    (
        "user properties are strings",
        base(pipelines=[pipeline(activities=[activity(userProperties=["a"])])]),
        "pipelines[0].activities[0].userProperties",
        "expected a map of strings",
    ),
    (
        "library kind",
        base(pipelines=[pipeline(activities=[activity(libraries=[{"npm": "x"}])])]),
        "pipelines[0].activities[0].libraries[0].npm",
        "known keys: jar, egg, whl, pypi, cran, maven",
    ),
    (
        "library one kind per entry",
        base(pipelines=[pipeline(activities=[activity(libraries=[{"jar": "a", "whl": "b"}])])]),
        "pipelines[0].activities[0].libraries[0]",
        "as the only key",
    ),
    (
        "pypi needs package",
        base(pipelines=[pipeline(activities=[activity(libraries=[{"pypi": {"repo": "https://x"}}])])]),
        "pipelines[0].activities[0].libraries[0].pypi.package",
        "is required",
    ),
    (
        "maven exclusions list",
        base(
            pipelines=[
                pipeline(
                    activities=[
                        activity(libraries=[{"maven": {"coordinates": "a:b:1", "exclusions": "c:d"}}])
                    ]
                )
            ]
        ),
        "pipelines[0].activities[0].libraries[0].maven.exclusions",
        "expected a list",
    ),
    (
        "depends on a known activity",
        base(pipelines=[pipeline(activities=[activity(dependsOn=[{"activity": "Nope"}])])]),
        "pipelines[0].activities[0].dependsOn[0].activity",
        "expected another activity of this pipeline (Process Data), got 'Nope'",
    ),
    (
        "dependency condition",
        base(
            pipelines=[
                pipeline(
                    activities=[
                        activity(),
                        {
                            "name": "B",
                            "notebookPath": "/Shared/b",
                            "dependsOn": [{"activity": "Process Data", "conditions": ["Done"]}],
                        },
                    ]
                )
            ]
        ),
        "pipelines[0].activities[1].dependsOn[0].conditions[0]",
        "Succeeded, Failed, Skipped, Completed",
    ),
    (
        "no dependency cycles",
        base(
            pipelines=[
                pipeline(
                    activities=[
                        {"name": "A", "notebookPath": "/Shared/a", "dependsOn": [{"activity": "B"}]},
                        {"name": "B", "notebookPath": "/Shared/b", "dependsOn": [{"activity": "A"}]},
                    ]
                )
            ]
        ),
        "pipelines[0].activities",
        "cycle",
    ),
    (
        "schedule frequency",
        base(pipelines=[pipeline(schedule={"frequency": "Daily", "startTime": "2026-01-01T00:00:00Z"})]),
        "pipelines[0].schedule.frequency",
        "Minute, Hour, Day, Week, Month",
    ),
    (
        "schedule start required",
        base(pipelines=[pipeline(schedule={"frequency": "Day"})]),
        "pipelines[0].schedule.startTime",
        "is required",
    ),
    (
        "UTC schedule start ends in Z",
        base(pipelines=[pipeline(schedule={"frequency": "Day", "startTime": "2026-01-01T00:00:00"})]),
        "pipelines[0].schedule.startTime",
        "expected a UTC time (ending in Z), got '2026-01-01T00:00:00'",
    ),
    (
        "schedule start is a time",
        base(pipelines=[pipeline(schedule={"frequency": "Day", "startTime": "tomorrow"})]),
        "pipelines[0].schedule.startTime",
        "expected a UTC time as yyyy-MM-ddTHH:mm:ssZ (whole seconds), e.g. 2026-12-01T06:00:00Z, got 'tomorrow'",
    ),
    (
        "time zone other than UTC is refused with the reason",
        base(
            pipelines=[
                pipeline(
                    schedule={
                        "frequency": "Day",
                        "startTime": "2026-12-01T06:00:00Z",
                        "timeZone": "W. Europe Standard Time",
                    }
                )
            ]
        ),
        "pipelines[0].schedule.timeZone",
        "expected only UTC: Data Factory reads a time zone other than UTC from zoneless times",
    ),
    (
        "an IANA time zone gets its Windows id",
        base(
            pipelines=[
                pipeline(
                    schedule={
                        "frequency": "Day",
                        "startTime": "2026-12-01T06:00:00Z",
                        "timeZone": "Europe/Berlin",
                    }
                )
            ]
        ),
        "pipelines[0].schedule.timeZone",
        "got 'Europe/Berlin' (an IANA name; Data Factory's id for it is 'W. Europe Standard Time')",
    ),
    (
        "end after start",
        base(
            pipelines=[
                pipeline(
                    schedule={
                        "frequency": "Day",
                        "startTime": "2026-01-02T00:00:00Z",
                        "endTime": "2026-01-01T00:00:00Z",
                    }
                )
            ]
        ),
        "pipelines[0].schedule.endTime",
        "after startTime",
    ),
    (
        "interval >= 1",
        base(
            pipelines=[
                pipeline(schedule={"frequency": "Day", "startTime": "2026-01-01T00:00:00Z", "interval": 0})
            ]
        ),
        "pipelines[0].schedule.interval",
        ">= 1, got 0",
    ),
    (
        "hours range",
        base(
            pipelines=[
                pipeline(schedule={"frequency": "Day", "startTime": "2026-01-01T00:00:00Z", "hours": [24]})
            ]
        ),
        "pipelines[0].schedule.hours[0]",
        "from 0 to 23, got 24",
    ),
    (
        "minutes range",
        base(
            pipelines=[
                pipeline(schedule={"frequency": "Day", "startTime": "2026-01-01T00:00:00Z", "minutes": [60]})
            ]
        ),
        "pipelines[0].schedule.minutes[0]",
        "from 0 to 59, got 60",
    ),
    (
        "hours not with Hour",
        base(
            pipelines=[
                pipeline(schedule={"frequency": "Hour", "startTime": "2026-01-01T00:00:00Z", "hours": [1]})
            ]
        ),
        "pipelines[0].schedule.hours",
        "only with frequency Day or Week or Month",
    ),
    (
        "week days only weekly",
        base(
            pipelines=[
                pipeline(
                    schedule={"frequency": "Day", "startTime": "2026-01-01T00:00:00Z", "weekDays": ["Monday"]}
                )
            ]
        ),
        "pipelines[0].schedule.weekDays",
        "only with frequency Week",
    ),
    (
        "week day names",
        base(
            pipelines=[
                pipeline(
                    schedule={"frequency": "Week", "startTime": "2026-01-01T00:00:00Z", "weekDays": ["Mon"]}
                )
            ]
        ),
        "pipelines[0].schedule.weekDays[0]",
        "Monday, Tuesday",
    ),
    (
        "month days only monthly",
        base(
            pipelines=[
                pipeline(
                    schedule={"frequency": "Week", "startTime": "2026-01-01T00:00:00Z", "monthDays": [1]}
                )
            ]
        ),
        "pipelines[0].schedule.monthDays",
        "only with frequency Month",
    ),
    (
        "month day not 0",
        base(
            pipelines=[
                pipeline(
                    schedule={"frequency": "Month", "startTime": "2026-01-01T00:00:00Z", "monthDays": [0]}
                )
            ]
        ),
        "pipelines[0].schedule.monthDays[0]",
        "other than 0",
    ),
    (
        "month day range",
        base(
            pipelines=[
                pipeline(
                    schedule={"frequency": "Month", "startTime": "2026-01-01T00:00:00Z", "monthDays": [32]}
                )
            ]
        ),
        "pipelines[0].schedule.monthDays[0]",
        "from -31 to 31",
    ),
    (
        "trigger passes declared parameters",
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
        "did you mean 'folder'?",
    ),
    (
        "trigger parameter type",
        base(
            pipelines=[
                pipeline(
                    schedule={
                        "frequency": "Day",
                        "startTime": "2026-01-01T00:00:00Z",
                        "parameters": {"folder": 3},
                    }
                )
            ]
        ),
        "pipelines[0].schedule.parameters.folder",
        "expected a string (String parameter), got 3",
    ),
    (
        "secure values are not echoed",
        base(pipelines=[pipeline(parameters={"key": {"type": "SecureString", "default": 12345}})]),
        "pipelines[0].parameters.key.default",
        "expected a string (SecureString parameter), got a int",
    ),
    (
        "UTC schedules are written in UTC",
        base(pipelines=[pipeline(schedule={"frequency": "Day", "startTime": "2026-01-01T06:00:00+01:00"})]),
        "pipelines[0].schedule.startTime",
        "expected a UTC time (ending in Z)",
    ),
    (
        "enabled bool",
        base(
            pipelines=[
                pipeline(schedule={"frequency": "Day", "startTime": "2026-01-01T00:00:00Z", "enabled": "no"})
            ]
        ),
        "pipelines[0].schedule.enabled",
        "expected true or false, got 'no'",
    ),
    (
        "same notebook name twice",
        base(
            pipelines=[
                pipeline(
                    activities=[activity(), activity(name="B", notebook="tests/fixtures/process_data.py")]
                )
            ]
        ),
        "pipelines[0].activities[1].notebook",
        "would overwrite",
    ),
]


@pytest.mark.parametrize(("rule", "raw", "path", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_bad_value_names_its_key(rule: str, raw: dict[str, Any], path: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check(raw)
    assert caught.value.path == path, str(caught.value)
    message = str(caught.value)
    assert message.startswith(f"adf-databricks:{path}: ")
    assert fragment in message
    assert isinstance(caught.value, pulumi.RunError)


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


def test_an_activity_that_depends_on_itself_is_one_problem_not_also_a_cycle() -> None:
    act = activity(dependsOn=[{"activity": "Process Data"}])
    with pytest.raises(ConfigError) as caught:
        check(base(pipelines=[pipeline(activities=[act])]))
    assert str(caught.value) == (
        "adf-databricks:pipelines[0].activities[0].dependsOn[0].activity: expected another activity"
        " of this pipeline (Process Data), got 'Process Data'"
    )


def test_notebooks_after_a_workspace_path_are_still_checked_for_one_name() -> None:
    acts = [
        {"name": "Audit", "notebookPath": "/team/audit"},
        activity(name="A"),
        activity(name="B", notebook="tests/fixtures/process_data.py"),
    ]
    with pytest.raises(ConfigError) as caught:
        check(base(pipelines=[pipeline(activities=acts)]))
    assert caught.value.path == "pipelines[0].activities[2].notebook"


def test_a_location_is_required_only_to_create_the_resource_group() -> None:
    raw = base()
    del raw["location"]
    with pytest.raises(ConfigError) as caught:
        check(raw)
    assert str(caught.value) == (
        "adf-databricks:location: is required to create the resource group (or set"
        " azure-native:location, or deploy into an existing adf-databricks:resourceGroupName)"
    )
    assert "location" not in check({**raw, "resourceGroupName": "etl-prod"})


def test_an_adopted_workspace_keeps_its_name() -> None:
    existing = {
        "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shared/providers/Microsoft.Databricks/workspaces/analytics",
        "url": "adb-1234567890123456.7.azuredatabricks.net",
    }
    with pytest.raises(ConfigError) as caught:
        check(base(workspace={"name": "etl", "existing": existing}, unityCatalog={"catalog": "main"}))
    assert str(caught.value) == (
        "adf-databricks:workspace.name: applies to a created workspace, not with workspace.existing"
    )
    # No name is filled in for it either.
    assert (
        "name"
        not in check(base(workspace={"existing": existing}, unityCatalog={"catalog": "main"}))["workspace"]
    )


def test_a_schedule_cannot_pass_parameters_to_a_pipeline_without_any() -> None:
    p = {k: v for k, v in pipeline().items() if k != "parameters"}
    p["activities"] = [activity(baseParameters={"folder": "raw"})]
    p["schedule"] = {"frequency": "Day", "startTime": "2026-01-01T06:00:00Z", "parameters": {"folder": "x"}}
    with pytest.raises(ConfigError) as caught:
        check(base(pipelines=[p]))
    assert (
        str(caught.value)
        == "adf-databricks:pipelines[0].schedule.parameters.folder: unknown key; none are declared here"
    )


def test_a_schedule_must_end_after_it_starts() -> None:
    schedule = {"frequency": "Day", "startTime": "2026-01-01T06:00:00Z", "endTime": "2026-01-01T06:00:00Z"}
    with pytest.raises(ConfigError) as caught:
        check(base(pipelines=[pipeline(schedule=schedule)]))
    assert str(caught.value) == (
        "adf-databricks:pipelines[0].schedule.endTime: expected a time after startTime"
        " (2026-01-01T06:00:00Z), got '2026-01-01T06:00:00Z'"
    )


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
