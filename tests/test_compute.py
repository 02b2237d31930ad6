"""DatabricksCompute: each cluster mode yields the linked service's cluster fields, and
compute that Data Factory or Databricks would refuse is refused first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components.compute import ComputeArgs, DatabricksCompute, InvalidComputeArgs, PoolSpec, Workers
from components.enums import ClusterMode, DataSecurityMode
from tests.conftest import Render, base, databricks_linked_service
from tools import engine

CLUSTER = {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_D4ds_v5"}
PYTHON3 = {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"}
SINGLE_NODE_CONF = {"spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]"}
RUN_AS = "33333333-3333-3333-3333-333333333333"
"""The identity Data Factory runs as (the stack passes WorkspaceAccess.run_as)."""


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
        "from components.compute import DatabricksCompute\n"
        "from tests.test_compute import PENDING\n"
        "DatabricksCompute('compute', PENDING[0])\n"
    )
    PENDING[:] = [args]
    return engine.run({}, "test", preview=False, program=program)


def interactive(**overrides: Any) -> ComputeArgs:
    fields: dict[str, Any] = {
        "mode": ClusterMode.INTERACTIVE,
        "spark_version": "15.4.x-scala2.12",
        "node_type": "Standard_D4ds_v5",
        "single_user_name": RUN_AS,
    }
    return ComputeArgs(**{**fields, **overrides})


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


def test_job_single_node(render: Render) -> None:
    fields = cluster_fields(
        render(
            base(
                cluster={
                    **CLUSTER,
                    "workers": 0,
                    "sparkConf": {"spark.speculation": "true", "spark.master": "local[*]"},
                    "customTags": {"team": "data"},
                }
            )
        )
    )
    assert fields["newClusterNumOfWorker"] == "0"
    assert fields["newClusterSparkConf"] == {"spark.speculation": "true", **SINGLE_NODE_CONF}
    assert fields["newClusterCustomTags"] == {"team": "data", "ResourceClass": "SingleNode"}


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
            workers=Workers(1, 4),
            autotermination_minutes=45,
            init_scripts=(
                "/Volumes/main/default/init.sh",
                "/Workspace/init.sh",
                "abfss://c@acct.dfs.core.windows.net/i.sh",
                "dbfs:/init/legacy.sh",
                "/dbfs/init/fuse.sh",
            ),
            log_destination="dbfs:/logs",
        ),
    )
    cluster = result.one("databricks:index/cluster:Cluster")
    assert cluster.inputs["sparkVersion"] == "15.4.x-scala2.12"
    assert cluster.inputs["nodeTypeId"] == "Standard_D4ds_v5"
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
    cluster = build(tmp_path, interactive(workers=Workers(0), custom_tags={"team": "data"})).one(
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
    with pytest.raises(InvalidComputeArgs, match=r"single_user_name: an interactive SINGLE_USER cluster"):
        DatabricksCompute("c", interactive(single_user_name=None))


# ---------------------------------------------------------------- component rules


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (ComputeArgs(mode=ClusterMode.POOL, workers=Workers(1, 3)), "workers: expected a fixed worker count"),
        (ComputeArgs(mode=ClusterMode.POOL, workers=Workers(0)), "workers: expected at least 1 worker"),
        (
            ComputeArgs(mode=ClusterMode.POOL, workers=Workers(3), pool=PoolSpec(max_capacity=3)),
            "workers: expected at most 2 workers",
        ),
        (ComputeArgs(init_scripts=("/Volumes/c/s/v/i.sh",)), "init_scripts[0]: expected a workspace file"),
        (
            ComputeArgs(init_scripts=tuple(f"/Workspace/{n}.sh" for n in range(11))),
            "init_scripts: expected at most 10",
        ),
        (
            ComputeArgs(workers=Workers(0), spark_conf={"spark.databricks.cluster.profile": "serverless"}),
            "spark_conf: 0 workers makes a single-node cluster",
        ),
        (
            ComputeArgs(data_security_mode="LEGACY_TABLE_ACL"),  # type: ignore[arg-type]
            "data_security_mode: LEGACY_TABLE_ACL is deprecated",
        ),
    ],
)
def test_component_refuses(args: ComputeArgs, fragment: str) -> None:
    with pytest.raises(InvalidComputeArgs) as caught:
        DatabricksCompute("c", args)
    assert fragment in str(caught.value)


def test_component_reports_every_problem() -> None:
    args = ComputeArgs(
        mode=ClusterMode.POOL, workers=Workers(1, 3), init_scripts=("abfss://c@a.dfs.core.windows.net/i",)
    )
    with pytest.raises(InvalidComputeArgs) as caught:
        DatabricksCompute("c", args)
    assert "workers:" in str(caught.value) and "init_scripts[0]:" in str(caught.value)


def test_autoscale_range_must_grow() -> None:
    with pytest.raises(ValueError, match="got '2:2'"):
        Workers(2, 2)
    assert Workers(1, 2).autoscale


# ---------------------------------------------------------------- existing


def test_existing_cluster(render: Render) -> None:
    result = render(base(cluster={"mode": "existing", "existingClusterId": "0606-101010-xyz"}))
    assert cluster_fields(result) == {"existingClusterId": "0606-101010-xyz"}
    assert result.of_type("databricks:index/cluster:Cluster") == []
    assert result.of_type("databricks:index/instancePool:InstancePool") == []
