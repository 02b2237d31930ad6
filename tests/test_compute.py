"""DatabricksCompute: each cluster mode yields the linked service's cluster fields."""

from __future__ import annotations

from typing import Any

from tests.conftest import Render, base, databricks_linked_service
from tools import engine

CLUSTER = {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_D4ds_v5"}
PYTHON3 = {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"}


def cluster_fields(result: engine.Result) -> dict[str, Any]:
    ls = databricks_linked_service(result)
    props = dict(ls.inputs["properties"])
    for key in ("type", "description", "domain", "authentication", "workspaceResourceId", "credential"):
        props.pop(key, None)
    return props


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
                "initScripts": ["/Workspace/init/setup.sh"],
                "logDestination": "dbfs:/cluster-logs",
                "policyId": "ABC123",
                "dataSecurityMode": "SINGLE_USER",
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
        "newClusterInitScripts": ["/Workspace/init/setup.sh"],
        "newClusterLogDestination": "dbfs:/cluster-logs",
        "policyId": "ABC123",
        "dataSecurityMode": "SINGLE_USER",
    }
    assert result.of_type("databricks:index/cluster:Cluster") == []


def test_job_cluster_minimal(render: Render) -> None:
    assert cluster_fields(render(base(cluster=CLUSTER))) == {
        "newClusterVersion": "15.4.x-scala2.12",
        "newClusterNodeType": "Standard_D4ds_v5",
        "newClusterNumOfWorker": "1",
        "newClusterSparkEnvVars": PYTHON3,
    }


def test_interactive_cluster(render: Render) -> None:
    result = render(
        base(
            cluster={
                **CLUSTER,
                "mode": "interactive",
                "workers": "1:4",
                "autoterminationMinutes": 45,
                "initScripts": [
                    "/Volumes/main/default/init.sh",
                    "/Workspace/init.sh",
                    "abfss://c@acct.dfs.core.windows.net/i.sh",
                ],
                "logDestination": "dbfs:/logs",
            }
        )
    )
    cluster = result.one("databricks:index/cluster:Cluster")
    assert cluster.inputs["sparkVersion"] == "15.4.x-scala2.12"
    assert cluster.inputs["nodeTypeId"] == "Standard_D4ds_v5"
    assert cluster.inputs["autoscale"] == {"minWorkers": 1, "maxWorkers": 4}
    assert "numWorkers" not in cluster.inputs
    assert cluster.inputs["autoterminationMinutes"] == 45
    assert cluster.inputs["sparkEnvVars"] == PYTHON3
    assert cluster.inputs["initScripts"] == [
        {"volumes": {"destination": "/Volumes/main/default/init.sh"}},
        {"workspace": {"destination": "/Workspace/init.sh"}},
        {"abfss": {"destination": "abfss://c@acct.dfs.core.windows.net/i.sh"}},
    ]
    assert cluster.inputs["clusterLogConf"] == {"dbfs": {"destination": "dbfs:/logs"}}
    assert cluster_fields(result) == {"existingClusterId": "0101-120000-abcdefgh"}


def test_interactive_fixed_size(render: Render) -> None:
    cluster = render(base(cluster={**CLUSTER, "mode": "interactive", "workers": 2})).one(
        "databricks:index/cluster:Cluster"
    )
    assert cluster.inputs["numWorkers"] == 2 and "autoscale" not in cluster.inputs
    assert cluster.inputs["autoterminationMinutes"] == 30


def test_pool(render: Render) -> None:
    result = render(
        base(
            cluster={
                **CLUSTER,
                "mode": "pool",
                "workers": "1:3",
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
    assert cluster_fields(result) == {
        "instancePoolId": "0101-120000-pool-0123",
        "newClusterVersion": "15.4.x-scala2.12",
        "newClusterNumOfWorker": "1:3",
        "newClusterSparkEnvVars": PYTHON3,
    }


def test_existing_cluster(render: Render) -> None:
    result = render(base(cluster={"mode": "existing", "existingClusterId": "0606-101010-xyz"}))
    assert cluster_fields(result) == {"existingClusterId": "0606-101010-xyz"}
    assert result.of_type("databricks:index/cluster:Cluster") == []
    assert result.of_type("databricks:index/instancePool:InstancePool") == []
