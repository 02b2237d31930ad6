"""DatabricksCompute: each cluster mode yields the linked service's cluster fields, and
compute that Data Factory or Databricks would refuse is refused first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.provider.experimental.analyzer import Analyzer

from components import compute, validation
from components.compute import ComputeArgs, ComputeSpec, DatabricksCompute
from components.enums import ClusterMode, DataSecurityMode
from components.settings import ConfigError, load
from components.validation import InvalidArgs
from tests.conftest import Later, Render, base, databricks_linked_service, run_program
from tools import engine

CLUSTER = {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_D4ds_v5"}
PYTHON3 = {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"}
SINGLE_NODE_CONF = {"spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]"}
RUN_AS = "33333333-3333-3333-3333-333333333333"
"""The identity Data Factory runs as (the stack passes WorkspaceAccess.run_as)."""


def cluster_fields_of(result: engine.Result) -> dict[str, Any]:
    """The linked-service fields a `build` program's DatabricksCompute exposes."""
    return dict(result.raw_outputs["fields"])


def cluster_fields(result: engine.Result) -> dict[str, Any]:
    ls = databricks_linked_service(result)
    props = dict(ls.inputs["properties"])
    for key in ("type", "description", "domain", "authentication", "workspaceResourceId", "credential"):
        props.pop(key, None)
    return props


PENDING: list[ComputeArgs] = []
"""The args `build` hands to its one-component program."""


def build(tmp_path: Path, args: ComputeArgs) -> engine.Result:
    """Run a program that declares only DatabricksCompute with `args`, as a component user
    (or the stack, which fills single_user_name) would."""
    program = tmp_path / "compute_program.py"
    program.write_text(
        "import pulumi\n"
        "from components.compute import DatabricksCompute\n"
        "from tests.test_compute import PENDING\n"
        "pulumi.export('fields', DatabricksCompute('compute', PENDING[0]).linked_service_fields)\n"
    )
    PENDING[:] = [args]
    return engine.run({}, "test", preview=False, program=program)


def interactive(single_user_name: str | None = RUN_AS, run_as: str | None = None, **spec: Any) -> ComputeArgs:
    """An interactive cluster's args: `spec` overrides the section, as the stack fills the rest."""
    fields: dict[str, Any] = {
        "mode": ClusterMode.INTERACTIVE,
        "spark_version": "15.4.x-scala2.12",
        "node_type": "Standard_D4ds_v5",
    }
    return ComputeArgs(
        spec=ComputeSpec(**{**fields, **spec}), single_user_name=single_user_name, run_as=run_as
    )


SIZED = {"spark_version": "15.4.x-scala2.12", "node_type": "Standard_D4ds_v5"}
"""What every created cluster needs."""


# ---------------------------------------------------------------- job clusters


def test_job_cluster_fields(render: Render) -> None:
    result = render(
        base(
            cluster={
                **CLUSTER,
                "driverNodeType": "Standard_D8ds_v5",
                "workers": "2:8",
                "sparkConf": {"spark.speculation": "true"},
                "sparkEnvVars": {"STAGE": "test"},
                "customTags": {"team": "data"},
                "initScripts": ["/Workspace/init/setup.sh", "dbfs:/init/legacy.sh", "/dbfs/init/fuse.sh"],
                "logDestination": "dbfs:/cluster-logs",
                "policyId": "ABC123",
                "dataSecurityMode": "USER_ISOLATION",
            }
        )
    )
    assert cluster_fields(result) == {
        "newClusterVersion": "15.4.x-scala2.12",
        "newClusterNodeType": "Standard_D4ds_v5",
        "newClusterDriverNodeType": "Standard_D8ds_v5",
        "newClusterNumOfWorker": "2:8",
        "newClusterSparkConf": {"spark.speculation": "true"},
        "newClusterSparkEnvVars": {**PYTHON3, "STAGE": "test"},
        "newClusterCustomTags": {"team": "data"},
        # Data Factory reads a dbfs:/ entry as DBFS and any other path as a workspace file:
        # the /dbfs/ FUSE path goes in its dbfs:/ form, not as a workspace path.
        "newClusterInitScripts": ["/Workspace/init/setup.sh", "dbfs:/init/legacy.sh", "dbfs:/init/fuse.sh"],
        "newClusterLogDestination": "dbfs:/cluster-logs",
        "policyId": "ABC123",
        "dataSecurityMode": "USER_ISOLATION",
    }
    assert result.of_type("databricks:index/cluster:Cluster") == []


def test_job_cluster_minimal_is_dedicated(render: Render) -> None:
    # No access mode would give the workspace's default for jobs compute, "No isolation
    # shared" unless an admin changed it: SINGLE_USER is sent instead.
    assert cluster_fields(render(base(cluster=CLUSTER))) == {
        "newClusterVersion": "15.4.x-scala2.12",
        "newClusterNodeType": "Standard_D4ds_v5",
        "newClusterNumOfWorker": "1",
        "newClusterSparkEnvVars": PYTHON3,
        "dataSecurityMode": "SINGLE_USER",
    }


def test_job_cluster_smallest_autoscale_range(render: Render) -> None:
    assert (
        cluster_fields(render(base(cluster={**CLUSTER, "workers": "1:2"})))["newClusterNumOfWorker"] == "1:2"
    )


def config_problems(cluster: dict[str, Any]) -> list[str]:
    """What the stack says of a `cluster` section, one line a problem."""
    with pytest.raises(ConfigError) as caught:
        load(base(cluster=cluster), project="adf-databricks", stack="test")
    return str(caught.value).splitlines()


def test_job_mode_refuses_what_data_factory_does_not_document() -> None:
    """0 workers and a volume log destination are refused in mode job, together, with the key
    path, the reason and the mode that takes them (issue 17, item 11)."""
    assert config_problems({**CLUSTER, "workers": 0, "logDestination": "/Volumes/main/ops/logs"}) == [
        "adf-databricks:cluster.workers: " + compute.JOB_SINGLE_NODE_REFUSED,
        "adf-databricks:cluster.logDestination: expected a DBFS path (dbfs:/...) in cluster.mode job,"
        " got '/Volumes/main/ops/logs': Data Factory documents newClusterLogDestination only as a"
        " location string whose example is a DBFS path, not a Unity Catalog volume (azure-native"
        " AzureDatabricksLinkedServiceArgs); a volume takes cluster.mode interactive, whose cluster"
        " the stack creates with cluster_log_conf.volumes",
    ]
    assert "use cluster.mode interactive" in compute.JOB_SINGLE_NODE_REFUSED


@pytest.mark.parametrize("destination", ["/Volumes/main/ops/logs", "dbfs:/Volumes/main/ops/logs"])
@pytest.mark.parametrize("mode", ["job", "pool"])
def test_job_clusters_log_to_dbfs_only(mode: str, destination: str) -> None:
    (problem,) = validation.problems(ComputeSpec, {**CLUSTER, "mode": mode, "logDestination": destination})
    assert problem.path == "logDestination"
    assert problem.message.startswith(
        f"expected a DBFS path (dbfs:/...) in cluster.mode {mode}, got {destination!r}"
    )


@pytest.mark.parametrize("destination", ["logs", "/mnt/logs", "s3://bucket/logs", "dbfs:/", "/Volumes/", 5])
@pytest.mark.parametrize("mode", ["job", "pool", "interactive"])
def test_log_destination_shape(mode: str, destination: Any) -> None:
    (problem,) = validation.problems(ComputeSpec, {**CLUSTER, "mode": mode, "logDestination": destination})
    assert problem.path == "logDestination"
    assert problem.message.startswith(f"expected {compute.LOG_DESTINATION_EXPECTED}")


def test_one_worker_is_not_single_node(render: Render) -> None:
    fields = cluster_fields(render(base(cluster={**CLUSTER, "workers": 1})))
    assert "newClusterSparkConf" not in fields and "newClusterCustomTags" not in fields


# ---------------------------------------------------------------- pool


def test_pool(render: Render) -> None:
    result = render(
        base(
            cluster={
                **CLUSTER,
                "mode": "pool",
                "workers": 5,
                "customTags": {"team": "data"},
                "initScripts": ["/Workspace/init/setup.sh"],
                "pool": {"minIdle": 1, "maxCapacity": 6, "idleMinutes": 20},
            }
        )
    )
    pool = result.one("databricks:index/instancePool:InstancePool").inputs
    assert pool["nodeTypeId"] == "Standard_D4ds_v5"
    assert (pool["minIdleInstances"], pool["maxCapacity"], pool["idleInstanceAutoterminationMinutes"]) == (
        1,
        6,
        20,
    )
    assert pool["preloadedSparkVersions"] == ["15.4.x-scala2.12"]
    # Data Factory ignores newClusterCustomTags with a pool: the tags go on the pool, whose
    # tags Databricks propagates to its clusters.
    assert pool["customTags"] == {"team": "data"}
    assert cluster_fields(result) == {
        "instancePoolId": "0101-120000-pool-0123",
        "newClusterVersion": "15.4.x-scala2.12",
        # 5 workers and the driver fill the 6 instances.
        "newClusterNumOfWorker": "5",
        "newClusterSparkEnvVars": PYTHON3,
        "newClusterInitScripts": ["/Workspace/init/setup.sh"],
        "dataSecurityMode": "SINGLE_USER",
    }


# ---------------------------------------------------------------- interactive


# pulumi-databricks deprecates DBFS init scripts (terraform-provider-databricks
# clusters/resource_cluster.go DbfsDeprecationWarning); README calls them legacy.
@pytest.mark.filterwarnings("ignore:For init scripts use:DeprecationWarning")
def test_interactive_cluster_is_dedicated_to_the_run_as_identity(tmp_path: Path) -> None:
    result = build(
        tmp_path,
        interactive(
            workers="1:4",
            autotermination_minutes=45,
            init_scripts=[
                "/Volumes/main/default/init.sh",
                "/Workspace/init.sh",
                "abfss://c@acct.dfs.core.windows.net/i.sh",
                "dbfs:/init/legacy.sh",
                "/dbfs/init/fuse.sh",
            ],
            log_destination="dbfs:/logs",
            driver_node_type="Standard_D8ds_v5",
            policy_id="ABC123",
        ),
    )
    cluster = result.one("databricks:index/cluster:Cluster")
    assert cluster.name == "compute-cluster"
    assert cluster.inputs["clusterName"] == "compute"
    assert cluster.inputs["sparkVersion"] == "15.4.x-scala2.12"
    assert cluster.inputs["nodeTypeId"] == "Standard_D4ds_v5"
    assert cluster.inputs["driverNodeTypeId"] == "Standard_D8ds_v5"
    assert cluster.inputs["policyId"] == "ABC123"
    assert cluster.inputs["autoscale"] == {"minWorkers": 1, "maxWorkers": 4}
    assert "numWorkers" not in cluster.inputs
    assert cluster.inputs["autoterminationMinutes"] == 45
    assert cluster.inputs["sparkEnvVars"] == PYTHON3
    assert cluster.inputs["dataSecurityMode"] == "SINGLE_USER"
    assert cluster.inputs["singleUserName"] == RUN_AS
    # Each location as its own source; the FUSE path is DBFS, not a workspace file.
    assert cluster.inputs["initScripts"] == [
        {"volumes": {"destination": "/Volumes/main/default/init.sh"}},
        {"workspace": {"destination": "/Workspace/init.sh"}},
        {"abfss": {"destination": "abfss://c@acct.dfs.core.windows.net/i.sh"}},
        {"dbfs": {"destination": "dbfs:/init/legacy.sh"}},
        {"dbfs": {"destination": "dbfs:/init/fuse.sh"}},
    ]
    assert cluster.inputs["clusterLogConf"] == {"dbfs": {"destination": "dbfs:/logs"}}
    compute = next(r for r in result.resources if r.type == "adf-databricks:index:DatabricksCompute")
    assert cluster.parent == compute.urn


def test_interactive_single_node(tmp_path: Path) -> None:
    cluster = build(tmp_path, interactive(workers=0, custom_tags={"team": "data"})).one(
        "databricks:index/cluster:Cluster"
    )
    assert cluster.inputs["numWorkers"] == 0 and "autoscale" not in cluster.inputs
    assert cluster.inputs["sparkConf"] == SINGLE_NODE_CONF
    assert cluster.inputs["customTags"] == {"team": "data", "ResourceClass": "SingleNode"}


def test_interactive_user_isolation_from_config(render: Render) -> None:
    result = render(
        base(cluster={**CLUSTER, "mode": "interactive", "workers": 2, "dataSecurityMode": "USER_ISOLATION"})
    )
    cluster = result.one("databricks:index/cluster:Cluster")
    assert cluster.inputs["numWorkers"] == 2 and "autoscale" not in cluster.inputs
    assert cluster.inputs["autoterminationMinutes"] == 30
    assert cluster.inputs["dataSecurityMode"] == "USER_ISOLATION"
    assert "singleUserName" not in cluster.inputs
    assert "sparkConf" not in cluster.inputs and "customTags" not in cluster.inputs
    assert cluster_fields(result) == {"existingClusterId": "0101-120000-abcdefgh"}


@pytest.mark.parametrize(
    ("auth", "owner"),
    [({"mode": "msi"}, engine.IDENTITY_CLIENT), ({"mode": "token"}, engine.CLIENT_CONFIG["clientId"])],
    ids=["msi-managed-identity", "token-owner"],
)
def test_stack_dedicates_interactive_cluster_to_the_identity_adf_runs_as(
    render: Render, auth: dict[str, str], owner: str
) -> None:
    """ADF's runs on a SINGLE_USER cluster are refused unless they come from its single user:
    the stack gives the cluster the run identity (the managed identity's application id, or
    the token's owner), not a name from config."""
    result = render(base(auth=auth, cluster={**CLUSTER, "mode": "interactive"}))
    cluster = result.one("databricks:index/cluster:Cluster")
    assert cluster.inputs["dataSecurityMode"] == "SINGLE_USER"
    assert cluster.inputs["singleUserName"] == owner


def test_single_user_name_only_goes_with_single_user(tmp_path: Path) -> None:
    cluster = build(tmp_path, interactive(data_security_mode=DataSecurityMode.USER_ISOLATION)).one(
        "databricks:index/cluster:Cluster"
    )
    assert "singleUserName" not in cluster.inputs


def test_interactive_single_user_needs_single_user_name() -> None:
    # The default access mode of every mode is SINGLE_USER.
    with pytest.raises(InvalidArgs) as caught:
        DatabricksCompute("c", interactive(single_user_name=None))
    assert str(caught.value) == (
        "DatabricksCompute c: singleUserName: an interactive SINGLE_USER cluster must be dedicated to"
        " the identity Data Factory runs as; set it, or choose USER_ISOLATION"
    )
    # It reads the section's mode and access mode only: a problem elsewhere in it hides nothing.
    with pytest.raises(InvalidArgs) as caught:
        DatabricksCompute("c", interactive(single_user_name=None, workers="4:2"))
    assert [p.path for p in caught.value.problems] == ["spec.workers", "singleUserName"]


# ---------------------------------------------------------------- component rules


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (
            {**SIZED, "mode": "pool", "workers": "1:3"},
            "workers: expected a fixed worker count with a pool: Data Factory gives pool clusters only"
            " a fixed number of workers, got '1:3'",
        ),
        ({**SIZED, "mode": "pool", "workers": 0}, "workers: expected at least 1 worker with a pool"),
        (
            {**SIZED, "mode": "pool", "workers": 3, "pool": {"max_capacity": 3}},
            "workers: expected at most 2 workers: the pool's capacity is 3",
        ),
        (
            {**SIZED, "workers": "2:2"},
            'workers: expected a worker count >= 0 or "min:max" with 1 <= min < max (Databricks'
            " autoscales only when max_workers is greater than min_workers), got '2:2'",
        ),
        ({**SIZED, "workers": -1}, 'workers: expected a worker count >= 0 or "min:max"'),
        ({**SIZED, "workers": (2, 8)}, 'workers: expected a worker count >= 0 or "min:max"'),
        (
            {**SIZED, "init_scripts": ["/Volumes/c/s/v/i.sh"]},
            "initScripts[0]: expected a workspace file (/Workspace/...) or a DBFS path (dbfs:/..., legacy):"
            " Data Factory job clusters take no other init scripts (a volume or abfss:// script needs mode"
            " interactive), got '/Volumes/c/s/v/i.sh'",
        ),
        (
            {**SIZED, "init_scripts": [f"/Workspace/{n}.sh" for n in range(11)]},
            "initScripts: expected at most 10 init scripts per cluster, got 11",
        ),
        ({**SIZED, "workers": 0}, "workers: expected at least 1 worker in cluster.mode job, got 0"),
        (
            {
                **SIZED,
                "mode": "interactive",
                "data_security_mode": "USER_ISOLATION",
                "workers": 0,
                "spark_conf": {"spark.databricks.cluster.profile": "serverless"},
            },
            "sparkConf: 0 workers makes a single-node cluster",
        ),
        (
            {**SIZED, "data_security_mode": "LEGACY_TABLE_ACL"},
            "dataSecurityMode: LEGACY_TABLE_ACL is deprecated",
        ),
        ({**SIZED, "data_security_mode": "open"}, "dataSecurityMode: expected one of SINGLE_USER,"),
        ({**SIZED, "mode": "serverless"}, "mode: expected one of job, interactive, pool, existing"),
        ({"node_type": "Standard_D4ds_v5"}, "sparkVersion: is required"),
        ({"mode": "existing"}, "existingClusterId: is required"),
        (
            {"mode": "existing", "existing_cluster_id": "0101-abc", "spark_version": "15.4.x-scala2.12"},
            "sparkVersion: applies only with cluster.mode job or interactive or pool",
        ),
        ({**SIZED, "autotermination_minutes": 30}, "autoterminationMinutes: applies only with cluster.mode"),
        # A key outside its mode is refused even with its default value.
        (
            {"mode": "existing", "existing_cluster_id": "0101-abc", "workers": 1},
            "workers: applies only with cluster.mode job or interactive or pool",
        ),
        (
            {**SIZED, "mode": "pool", "pool": {"min_idle": 5, "max_capacity": 2}},
            "pool.minIdle: expected at most cluster.pool.maxCapacity (2), got 5",
        ),
        ({**SIZED, "spark_version": "latest"}, "sparkVersion: expected a Databricks runtime like"),
        (
            {**SIZED, "sparkVersoin": "15.4.x-scala2.12"},
            "sparkVersoin: unknown key; did you mean 'sparkVersion'?",
        ),
    ],
)
def test_component_refuses(args: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidArgs) as caught:
        DatabricksCompute("c", {"spec": args, "single_user_name": RUN_AS})
    assert f"DatabricksCompute c: spec.{problem}" in str(caught.value)


def cluster_problems(cluster: dict[str, Any]) -> list[str]:
    """What the stack says of a `cluster` section, relative to it: the section as a stack file
    writes it, so these cases do not depend on how ComputeArgs nests what the stack fills."""
    prefix = "adf-databricks:cluster."
    lines = config_problems(cluster)
    assert all(line.startswith(prefix) for line in lines), lines
    return [line.removeprefix(prefix) for line in lines]


@pytest.mark.parametrize(
    ("cluster", "problem"),
    [
        pytest.param({"sparkVersion": "15.4.x-scala2.12"}, "nodeType: is required", id="node type required"),
        pytest.param(
            {**CLUSTER, "nodeType": "D4"},
            "nodeType: expected an Azure VM size like Standard_D4ds_v5, got 'D4'",
            id="node type shape",
        ),
        pytest.param(
            {**CLUSTER, "pythonVersion": 2}, "pythonVersion: expected 3, got 2", id="python version"
        ),
        pytest.param(
            {**CLUSTER, "mode": "interactive", "workers": 0, "sparkConf": {"spark.master": "local[2]"}},
            "sparkConf: 0 workers makes a single-node cluster, which needs spark.master=local[*];"
            " got spark.master=local[2]",
            id="single node keeps its spark master",
        ),
        pytest.param(
            {**CLUSTER, "mode": "interactive", "workers": 0, "customTags": {"ResourceClass": "x"}},
            "customTags: 0 workers makes a single-node cluster, which needs ResourceClass=SingleNode;"
            " got ResourceClass=x",
            id="single node keeps its tag",
        ),
        pytest.param(
            {**CLUSTER, "sparkConf": {"a": 1}}, "sparkConf.a: expected a string, got 1", id="spark conf map"
        ),
        pytest.param(
            {**CLUSTER, "initScripts": "dbfs:/x.sh"},
            "initScripts: expected a list, got 'dbfs:/x.sh'",
            id="init scripts list",
        ),
        pytest.param(
            {**CLUSTER, "dataSecurityMode": "DATA_SECURITY_MODE_DEDICATED"},
            "dataSecurityMode: DATA_SECURITY_MODE_DEDICATED needs a cluster `kind`, which the Data Factory"
            " linked service cannot send and this component does not set; SINGLE_USER is the same mode",
            id="kind-only access modes",
        ),
        pytest.param(
            {**CLUSTER, "mode": "interactive", "autoterminationMinutes": 5},
            "autoterminationMinutes: expected an integer from 10 to 10000, got 5",
            id="autotermination range",
        ),
        pytest.param(
            {**CLUSTER, "pool": {}}, "pool: applies only with cluster.mode pool", id="pool only with pool"
        ),
        pytest.param(
            {**CLUSTER, "mode": "pool", "pool": {"maxCapacty": 3}},
            "pool.maxCapacty: unknown key; did you mean 'maxCapacity'?",
            id="pool keys",
        ),
    ],
)
def test_cluster_section_refuses(cluster: dict[str, Any], problem: str) -> None:
    assert cluster_problems(cluster) == [problem]


def parsed_cluster(cluster: dict[str, Any]) -> dict[str, Any]:
    """A `cluster` section as the stack parses it (see cluster_problems)."""
    return dict(load(base(cluster=cluster), project="adf-databricks", stack="test").args["cluster"])


def test_cluster_section_edges_accepted() -> None:
    pool = parsed_cluster({**CLUSTER, "mode": "pool", "workers": 9, "pool": {"maxCapacity": 10}})
    assert pool.get("workers") == 9
    assert pool.get("pool") == {"min_idle": 0, "max_capacity": 10, "idle_minutes": 15}
    single = parsed_cluster(
        {**CLUSTER, "mode": "interactive", "workers": 0, "customTags": {"ResourceClass": "SingleNode"}}
    )
    assert single.get("workers") == 0
    scripts = [f"/Workspace/i{n}.sh" for n in range(9)] + ["/dbfs/legacy.sh"]
    assert parsed_cluster({**CLUSTER, "initScripts": scripts}).get("init_scripts") == scripts
    for mode in ("SINGLE_USER", "USER_ISOLATION", "NONE"):
        chosen = parsed_cluster({**CLUSTER, "dataSecurityMode": mode})
        assert chosen.get("data_security_mode") is DataSecurityMode(mode)


def test_component_reports_every_problem_in_key_order() -> None:
    """Used from another program, the component refuses bad args by itself, listing them all."""
    args: dict[str, Any] = {
        "mode": "pool",
        "spark_version": "15.4.x-scala2.12",
        "node_type": "Standard_D4ds_v5",
        "workers": "2:8",
        "init_scripts": ["/Workspace/a.sh", "dbfs:/b.sh", "abfss://c@a.dfs.core.windows.net/i.sh"],
        "driver_node_type": "Standard_D8ds_v5",
        "data_security_mode": "DATA_SECURITY_MODE_AUTO",
        "pool": {"max_capacity": 1},
    }
    with pytest.raises(InvalidArgs) as caught:
        DatabricksCompute("c", {"spec": args})
    assert isinstance(caught.value, pulumi.RunError)
    assert [str(p).removeprefix("spec.") for p in caught.value.problems] == [
        # The pool's own problem hides the worker rules that read it.
        "initScripts[2]: expected a workspace file (/Workspace/...) or a DBFS path (dbfs:/..., legacy):"
        " Data Factory job clusters take no other init scripts (a volume or abfss:// script needs mode"
        " interactive), got 'abfss://c@a.dfs.core.windows.net/i.sh'",
        "driverNodeType: applies only with cluster.mode job or interactive",
        "dataSecurityMode: DATA_SECURITY_MODE_AUTO needs a cluster `kind`, which the Data Factory linked"
        " service cannot send and this component does not set; choose SINGLE_USER or USER_ISOLATION",
        "pool.maxCapacity: expected an integer from 2 to 1000, got 1",
    ]
    args["pool"] = {"max_capacity": 4}
    with pytest.raises(InvalidArgs) as caught:
        DatabricksCompute("c", {"spec": args})
    assert [p.path for p in caught.value.problems] == [
        "spec.workers",
        "spec.initScripts[2]",
        "spec.driverNodeType",
        "spec.dataSecurityMode",
    ]
    assert str(caught.value).splitlines()[0].startswith("DatabricksCompute c: spec.workers: expected a fixed")


def test_closed_sets_take_their_string_values(tmp_path: Path) -> None:
    """`{"mode": "pool"}` is pool mode (it used to fall back to a job cluster without a pool)."""
    result = build(tmp_path, {"spec": {**SIZED, "mode": "pool", "data_security_mode": "USER_ISOLATION"}})
    pool = result.one("databricks:index/instancePool:InstancePool").inputs
    assert (pool["maxCapacity"], pool["minIdleInstances"], pool["idleInstanceAutoterminationMinutes"]) == (
        10,
        0,
        15,
    )
    fields = cluster_fields_of(result)
    assert fields["instance_pool_id"] == "0101-120000-pool-0123"
    assert fields["data_security_mode"] == "USER_ISOLATION"
    assert "new_cluster_node_type" not in fields


# YAML 3.0 is a JSON Schema integer (a number with no fraction): Data Factory gets "3".
@pytest.mark.parametrize(("workers", "adf"), [(1, "1"), (3, "3"), (3.0, "3"), ("2:8", "2:8"), ("1:2", "1:2")])
def test_workers_accepted(tmp_path: Path, workers: Any, adf: str) -> None:
    assert (
        validation.problems(
            ComputeSpec,
            {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_D4ds_v5", "workers": workers},
        )
        == []
    )
    result = build(tmp_path, {"spec": {**SIZED, "workers": workers}})
    assert cluster_fields_of(result)["new_cluster_num_of_worker"] == adf


# Autoscaling needs max > min strictly (Databricks: max_workers greater than min_workers).
# A deferred count is refused too: the size decides which settings and resources exist.
@pytest.mark.parametrize(
    "workers", [-1, "8:2", "2:2", "4:4", "0:4", "2-8", "two", True, 1.5, [2, 8], Later()]
)
def test_workers_refused(workers: Any) -> None:
    (problem,) = validation.problems(
        ComputeSpec, {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_D4ds_v5", "workers": workers}
    )
    assert problem.path == "workers"
    assert problem.message.startswith('expected a worker count >= 0 or "min:max" with 1 <= min < max')


@pytest.mark.parametrize(
    ("location", "source", "destination"),
    [
        ("/Workspace/init.sh", "workspace", "/Workspace/init.sh"),
        ("/Shared/init.sh", "workspace", "/Shared/init.sh"),
        ("dbfs:/init/a.sh", "dbfs", "dbfs:/init/a.sh"),
        ("/dbfs/init/a.sh", "dbfs", "dbfs:/init/a.sh"),
        ("/Volumes/main/default/v/i.sh", "volumes", "/Volumes/main/default/v/i.sh"),
        ("dbfs:/Volumes/main/default/v/i.sh", "volumes", "/Volumes/main/default/v/i.sh"),
        ("abfss://c@acct.dfs.core.windows.net/i.sh", "abfss", "abfss://c@acct.dfs.core.windows.net/i.sh"),
    ],
)
def test_init_script_locations(location: str, source: str, destination: str) -> None:
    assert (
        validation.problems(ComputeSpec, {**CLUSTER, "mode": "interactive", "initScripts": [location]}) == []
    )
    script = compute.InitScript.of(location)
    assert (script.source.value, script.destination) == (source, destination)


@pytest.mark.parametrize(
    "location",
    ["s3://b/i.sh", "abfss://x/i.sh", "/Workspace/a/../b.sh", "/Workspace/dir/", "dbfs:/", "/", "init.sh", 5],
)
def test_init_script_location_shape(location: Any) -> None:
    (problem,) = validation.problems(
        ComputeSpec, {**CLUSTER, "mode": "interactive", "initScripts": [location]}
    )
    assert problem.path == "initScripts[0]"
    assert problem.message.startswith(
        "expected a workspace file (/Workspace/...), dbfs:/..., /Volumes/... or abfss://"
    )


CONFIG_KEYS = [
    "mode",
    "sparkVersion",
    "nodeType",
    "driverNodeType",
    "pythonVersion",
    "workers",
    "sparkConf",
    "sparkEnvVars",
    "customTags",
    "initScripts",
    "logDestination",
    "policyId",
    "dataSecurityMode",
    "autoterminationMinutes",
    "existingClusterId",
    "pool",
]
"""The `cluster` section's keys (README, "cluster")."""


def test_package_schema_speaks_the_config_vocabulary() -> None:
    """Pulumi's analyzer accepts the args and outputs; its property names are the config keys."""
    analyzed = Analyzer("adf-databricks").analyze([DatabricksCompute])
    component = analyzed["component_definitions"]["DatabricksCompute"]
    # The config section is the spec; singleUserName and runAs are inputs the stack fills.
    assert list(component.inputs) == ["spec", "singleUserName", "runAs"]
    assert component.inputs["spec"].ref == "#/types/adf-databricks:index:ComputeSpec"
    spec = analyzed["type_definitions"]["ComputeSpec"].properties
    assert list(spec) == CONFIG_KEYS
    assert list(validation.json_schema(ComputeSpec)["properties"]) == CONFIG_KEYS
    assert all(p.description for p in [*component.inputs.values(), *spec.values()])
    assert sorted(analyzed["type_definitions"]["PoolSpec"].properties) == [
        "idleMinutes",
        "maxCapacity",
        "minIdle",
    ]
    assert spec["mode"].ref == "#/types/adf-databricks:index:ClusterMode"
    assert spec["workers"].ref == "pulumi.json#/Any"
    assert sorted(component.outputs) == ["cluster", "grants", "linkedServiceFields", "pool"]
    assert (component.outputs["cluster"].ref or "").endswith("#/resources/databricks:index%2Fcluster:Cluster")


@pytest.mark.parametrize("mode", list(ClusterMode))
def test_parsed_args_are_valid_args(mode: ClusterMode) -> None:
    """A parent (the stack) parses args and hands them on: what parse returns passes again, so
    a default that only some modes take is not filled in the others."""
    args: dict[str, Any] = (
        {"spec": {"mode": mode.value, "existing_cluster_id": "0101-abc"}}
        if mode is ClusterMode.EXISTING
        else {"spec": {**SIZED, "mode": mode.value}, "single_user_name": RUN_AS}
    )
    parsed = validation.parse(ComputeArgs, args, "")
    assert parsed["spec"]["mode"] is mode
    assert validation.parse(ComputeArgs, parsed, "") == parsed


# ---------------------------------------------------------------- existing


def test_existing_cluster(render: Render) -> None:
    result = render(base(cluster={"mode": "existing", "existingClusterId": "0606-101010-xyz"}))
    assert cluster_fields(result) == {"existingClusterId": "0606-101010-xyz"}
    assert result.of_type("databricks:index/cluster:Cluster") == []
    assert result.of_type("databricks:index/instancePool:InstancePool") == []


PERMISSIONS = "databricks:index/permissions:Permissions"


@pytest.mark.parametrize(
    ("cluster", "target", "level"),
    [
        ({**CLUSTER, "mode": "pool", "workers": 2}, "instancePoolId", "CAN_ATTACH_TO"),
        ({**CLUSTER, "mode": "interactive"}, "clusterId", "CAN_RESTART"),
    ],
    ids=["pool", "interactive"],
)
def test_msi_run_identity_may_use_what_the_stack_creates(
    render: Render, cluster: dict[str, Any], target: str, level: str
) -> None:
    """ADF's runs as the managed identity attach to the pool or restart the terminated
    interactive cluster; the identity gets that much, not Can Manage."""
    result = render(base(cluster=cluster))
    [permissions] = [p for p in result.of_type(PERMISSIONS) if target in p.inputs]
    kind = "pool" if target == "instancePoolId" else "cluster"
    assert permissions.name == f"adf-databricks-compute-{kind}-permissions"
    assert permissions.inputs["accessControls"] == [
        {"servicePrincipalName": engine.IDENTITY_CLIENT, "permissionLevel": level}
    ]
    created = result.one(
        "databricks:index/instancePool:InstancePool"
        if target == "instancePoolId"
        else "databricks:index/cluster:Cluster"
    )
    assert permissions.property_dependencies[target] == [created.urn]
    # The trigger starts runs, so it waits for them.
    trigger = result.one("azure:datafactory/triggerSchedule:TriggerSchedule")
    assert permissions.urn in trigger.dependencies


@pytest.mark.parametrize("mode", ["pool", "interactive"])
def test_token_owner_needs_no_grant_on_what_it_created(render: Render, mode: str) -> None:
    result = render(base(auth={"mode": "token"}, cluster={**CLUSTER, "mode": mode, "workers": 2}))
    assert not [p for p in result.of_type(PERMISSIONS) if {"instancePoolId", "clusterId"} & set(p.inputs)]


def test_job_clusters_need_no_grant(render: Render) -> None:
    result = render(base())
    assert not [p for p in result.of_type(PERMISSIONS) if {"instancePoolId", "clusterId"} & set(p.inputs)]


def test_a_pool_may_keep_every_instance_idle() -> None:
    """minIdle may equal maxCapacity: the rule refuses only more idle instances than the pool holds."""
    args = {**SIZED, "mode": "pool", "workers": 2, "pool": {"min_idle": 3, "max_capacity": 3}}
    assert validation.parse(ComputeSpec, args, "")["pool"]["min_idle"] == 3


@pytest.mark.parametrize(
    ("run_as", "grantee"),
    [
        (RUN_AS, {"servicePrincipalName": RUN_AS}),
        ("someone@example.com", {"userName": "someone@example.com"}),
    ],
)
def test_the_identity_adf_runs_as_may_restart_the_cluster(
    tmp_path: Path, run_as: str, grantee: dict[str, str]
) -> None:
    """A service principal is granted by application id, a user (token mode) by user name."""
    result = build(tmp_path, interactive(single_user_name=run_as, run_as=run_as))
    (permissions,) = result.of_type("databricks:index/permissions:Permissions")
    assert permissions.name == "compute-cluster-permissions"
    assert permissions.inputs["accessControls"] == [{**grantee, "permissionLevel": "CAN_RESTART"}]


@pytest.mark.parametrize(
    ("destination", "log_conf"),
    [
        ("dbfs:/logs", {"dbfs": {"destination": "dbfs:/logs"}}),
        ("/Volumes/main/ops/logs", {"volumes": {"destination": "/Volumes/main/ops/logs"}}),
    ],
)
def test_interactive_cluster_logs_go_to_dbfs_or_a_volume(
    tmp_path: Path, destination: str, log_conf: dict[str, Any]
) -> None:
    cluster = build(tmp_path, interactive(log_destination=destination)).one(
        "databricks:index/cluster:Cluster"
    )
    assert cluster.inputs["clusterLogConf"] == log_conf


@pytest.mark.parametrize(
    ("mode", "absent"), [("job", ["cluster", "pool"]), ("pool", ["cluster"]), ("interactive", ["pool"])]
)
def test_python_programs_see_what_each_mode_declares(tmp_path: Path, mode: str, absent: list[str]) -> None:
    """What a mode does not declare is None."""
    result = run_program(
        tmp_path,
        "import pulumi\n"
        "from components.compute import DatabricksCompute\n"
        f"c = DatabricksCompute('c', {{'spec': {{'mode': {mode!r}, 'spark_version': '15.4.x-scala2.12',"
        " 'node_type': 'Standard_D4ds_v5', 'workers': 2}, 'single_user_name': 'etl@example.com'})\n"
        "pulumi.export('absent', [n for n in ('cluster', 'pool') if getattr(c, n) is None])\n",
    )
    assert result.outputs["absent"] == absent


def test_single_node_settings_are_checked_only_on_a_single_node_cluster() -> None:
    clash = {"spark.databricks.cluster.profile": "serverless", "spark.master": "local[4]"}
    shared = {**CLUSTER, "mode": "interactive", "dataSecurityMode": "USER_ISOLATION"}
    found = validation.problems(ComputeSpec, {**shared, "workers": 0, "sparkConf": clash})
    assert [str(p) for p in found] == [
        "sparkConf: 0 workers makes a single-node cluster, which needs"
        " spark.databricks.cluster.profile=singleNode, spark.master=local[*];"
        " got spark.databricks.cluster.profile=serverless"
    ]
    # With workers, the same settings are the user's own.
    assert validation.problems(ComputeSpec, {**shared, "workers": 2, "sparkConf": clash}) == []
    # A job cluster is never single-node: its 0 workers is the one problem.
    found = validation.problems(ComputeSpec, {**CLUSTER, "workers": 0, "sparkConf": clash})
    assert [p.path for p in found] == ["workers"]
    # An existing cluster takes none of these keys: one problem each, and no clash on top.
    existing = {"mode": "existing", "existingClusterId": "0101-120000-abcdefgh", "workers": 0}
    found = validation.problems(
        ComputeSpec, {**existing, "sparkConf": clash, "customTags": {"ResourceClass": "x"}}
    )
    assert [str(p) for p in found] == [
        f"{key}: applies only with cluster.mode job or interactive or pool"
        for key in ("workers", "sparkConf", "customTags")
    ]


# ---------------------------------------------------------------- each rule on its own

CLASH = {"spark.databricks.cluster.profile": "serverless", "spark.master": "local[4]"}
"""Spark settings a single-node cluster would override."""

OUT_OF_MODE = {
    "workers": 0,
    "sparkConf": CLASH,
    "customTags": {"ResourceClass": "x"},
    "initScripts": ["abfss://c@a.dfs.core.windows.net/i.sh"] * 11,
    "logDestination": "/Volumes/main/ops/logs",
    "dataSecurityMode": "LEGACY_TABLE_ACL",
}
"""Keys mode existing does not take, each with a value some rule refuses in another mode."""

ALONE = [
    compute.check_worker_range,
    compute.check_pool_workers,
    compute.check_job_workers,
    compute.check_log_destination,
    compute.check_single_node_spark_conf,
    compute.check_single_node_tags,
    compute.check_init_script_count,
    compute.check_init_script_sources,
    compute.check_access_mode,
]


@pytest.mark.parametrize("workers", [0, "4:2"])
@pytest.mark.parametrize("check", ALONE, ids=lambda c: c.__name__)
def test_rules_leave_keys_outside_the_mode_to_check_mode_keys(check: Any, workers: Any) -> None:
    """Run alone, without check_mode_keys before it (which would skip it), a rule says nothing
    of a key mode existing does not take: that is check_mode_keys' one problem."""
    document = {
        "mode": "existing",
        "existingClusterId": "0101-120000-abcdefgh",
        **OUT_OF_MODE,
        "workers": workers,
    }
    assert list(check(document)) == []
    assert [key for key, _ in compute.check_mode_keys(document)] == list(OUT_OF_MODE)


@pytest.mark.parametrize("mode", ["job", "pool"])
@pytest.mark.parametrize(
    "check", [compute.check_single_node_spark_conf, compute.check_single_node_tags], ids=lambda c: c.__name__
)
def test_single_node_rules_only_judge_the_cluster_that_can_be_single_node(check: Any, mode: str) -> None:
    """0 workers in modes job and pool is check_job_workers' and check_pool_workers' to refuse;
    on its own, a single-node rule does not read such a cluster as single-node."""
    document = {
        **CLUSTER,
        "mode": mode,
        "workers": 0,
        "sparkConf": CLASH,
        "customTags": {"ResourceClass": "x"},
    }
    assert list(check(document)) == []
    interactive = {**document, "mode": "interactive"}
    assert [key for key, _ in check(interactive)] == [
        "sparkConf" if check is compute.check_single_node_spark_conf else "customTags"
    ]
