"""DatabricksCompute: the cluster the Notebook activities run on, as linked-service cluster fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_databricks as databricks

from components.enums import ClusterMode, DataSecurityMode

PYSPARK_PYTHON = {"3": "/databricks/python3/bin/python3"}
"""What the ADF UI's "Python version" sets in the cluster's environment."""


@dataclass(frozen=True)
class Workers:
    """A fixed worker count, or an autoscaling range when `maximum` is set."""

    minimum: int
    """Worker count, or the lower bound of the autoscale range."""
    maximum: int | None = None
    """Upper bound of the autoscale range; None for a fixed size."""

    @property
    def autoscale(self) -> bool:
        return self.maximum is not None

    def adf(self) -> str:
        """Data Factory's `newClusterNumOfWorker` form: "2" or "2:8"."""
        return str(self.minimum) if self.maximum is None else f"{self.minimum}:{self.maximum}"


@dataclass(frozen=True)
class PoolSpec:
    """Instance pool sizing (cluster mode `pool`)."""

    min_idle: int = 0
    """Instances kept warm."""
    max_capacity: int = 10
    """Upper bound on instances in the pool."""
    idle_minutes: int = 15
    """Minutes an idle instance above min_idle is kept."""


@dataclass(frozen=True)
class ComputeArgs:
    """Inputs of DatabricksCompute. Validated by components.settings when read from config."""

    mode: ClusterMode = ClusterMode.JOB
    """job, interactive, pool or existing."""
    spark_version: str | None = None
    """Databricks runtime, e.g. 15.4.x-scala2.12 (all modes but existing)."""
    node_type: str | None = None
    """Worker VM size, e.g. Standard_D4ds_v5 (all modes but existing)."""
    driver_node_type: str | None = None
    """Driver VM size; the worker size when unset."""
    python_version: str = "3"
    """Python version of the cluster."""
    workers: Workers = Workers(1)
    """Worker count or autoscale range."""
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    """Spark configuration."""
    spark_env_vars: Mapping[str, str] = field(default_factory=dict)
    """Environment variables; PYSPARK_PYTHON is derived from python_version unless set here."""
    custom_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags Databricks puts on the cluster's Azure resources."""
    init_scripts: Sequence[str] = ()
    """Init script locations: workspace files (/Workspace/...), volumes (/Volumes/...) or abfss://."""
    log_destination: str | None = None
    """Where cluster logs are delivered, e.g. dbfs:/cluster-logs."""
    policy_id: str | None = None
    """Cluster policy the clusters are created under."""
    data_security_mode: DataSecurityMode | None = None
    """Unity Catalog access mode."""
    autotermination_minutes: int = 30
    """Idle minutes before an interactive cluster stops."""
    existing_cluster_id: str | None = None
    """Cluster id (mode existing)."""
    pool: PoolSpec = PoolSpec()
    """Pool sizing (mode pool)."""

    def env_vars(self) -> dict[str, str]:
        return {"PYSPARK_PYTHON": PYSPARK_PYTHON[self.python_version], **self.spark_env_vars}


def _init_script(location: str) -> databricks.ClusterInitScriptArgs:
    """Map an init script location to the cluster API's typed source."""
    if location.startswith("/Volumes/"):
        return databricks.ClusterInitScriptArgs(
            volumes=databricks.ClusterInitScriptVolumesArgs(destination=location)
        )
    if location.startswith("abfss://"):
        return databricks.ClusterInitScriptArgs(
            abfss=databricks.ClusterInitScriptAbfssArgs(destination=location)
        )
    return databricks.ClusterInitScriptArgs(
        workspace=databricks.ClusterInitScriptWorkspaceArgs(destination=location)
    )


def _log_conf(destination: str) -> databricks.ClusterClusterLogConfArgs:
    if destination.startswith("/Volumes/"):
        return databricks.ClusterClusterLogConfArgs(
            volumes=databricks.ClusterClusterLogConfVolumesArgs(destination=destination)
        )
    return databricks.ClusterClusterLogConfArgs(
        dbfs=databricks.ClusterClusterLogConfDbfsArgs(destination=destination)
    )


class DatabricksCompute(pulumi.ComponentResource):
    """Creates the interactive cluster or instance pool a mode needs, and exposes the
    Azure Databricks linked service's cluster fields for that mode.

    Pass the workspace's provider with `opts=ResourceOptions(providers=[provider])`.
    """

    linked_service_fields: dict[str, Any]
    """Keyword arguments for `AzureDatabricksLinkedServiceArgs` (cluster part)."""
    cluster: databricks.Cluster | None
    """The interactive cluster (mode interactive)."""
    pool: databricks.InstancePool | None
    """The instance pool (mode pool)."""

    def __init__(self, name: str, args: ComputeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("adf-databricks:index:DatabricksCompute", name, None, opts)
        self.cluster = None
        self.pool = None
        if args.mode is ClusterMode.EXISTING:
            self.linked_service_fields = {"existing_cluster_id": args.existing_cluster_id}
        elif args.mode is ClusterMode.INTERACTIVE:
            self.cluster = databricks.Cluster(
                f"{name}-cluster",
                cluster_name=name,
                spark_version=args.spark_version,
                node_type_id=args.node_type,
                driver_node_type_id=args.driver_node_type,
                num_workers=None if args.workers.autoscale else args.workers.minimum,
                autoscale=databricks.ClusterAutoscaleArgs(
                    min_workers=args.workers.minimum, max_workers=args.workers.maximum
                )
                if args.workers.autoscale
                else None,
                autotermination_minutes=args.autotermination_minutes,
                spark_conf=dict(args.spark_conf) or None,
                spark_env_vars=args.env_vars(),
                custom_tags=dict(args.custom_tags) or None,
                init_scripts=[_init_script(s) for s in args.init_scripts] or None,
                cluster_log_conf=_log_conf(args.log_destination) if args.log_destination else None,
                policy_id=args.policy_id,
                data_security_mode=args.data_security_mode.value if args.data_security_mode else None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.linked_service_fields = {"existing_cluster_id": self.cluster.id}
        else:
            fields: dict[str, Any] = {
                "new_cluster_version": args.spark_version,
                "new_cluster_num_of_worker": args.workers.adf(),
                "new_cluster_spark_env_vars": args.env_vars(),
            }
            if args.mode is ClusterMode.POOL:
                self.pool = databricks.InstancePool(
                    f"{name}-pool",
                    instance_pool_name=name,
                    node_type_id=args.node_type,
                    min_idle_instances=args.pool.min_idle,
                    max_capacity=args.pool.max_capacity,
                    idle_instance_autotermination_minutes=args.pool.idle_minutes,
                    preloaded_spark_versions=[args.spark_version] if args.spark_version else None,
                    custom_tags=dict(args.custom_tags) or None,
                    opts=pulumi.ResourceOptions(parent=self),
                )
                fields["instance_pool_id"] = self.pool.id
            else:
                fields["new_cluster_node_type"] = args.node_type
                fields["new_cluster_driver_node_type"] = args.driver_node_type
            optional = {
                "new_cluster_spark_conf": dict(args.spark_conf),
                "new_cluster_custom_tags": dict(args.custom_tags),
                "new_cluster_init_scripts": list(args.init_scripts),
                "new_cluster_log_destination": args.log_destination,
                "policy_id": args.policy_id,
                "data_security_mode": args.data_security_mode.value if args.data_security_mode else None,
            }
            fields.update({k: v for k, v in optional.items() if v})
            self.linked_service_fields = {k: v for k, v in fields.items() if v is not None}
        self.register_outputs({})
