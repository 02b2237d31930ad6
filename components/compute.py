"""DatabricksCompute: the cluster the Notebook activities run on, as linked-service cluster fields.

The rules for what Data Factory and Databricks accept live here, as small pure functions
that raise ValueError: the component applies them when it is constructed, and
components.settings applies the same functions to the stack's config keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_databricks as databricks

from components.enums import ClusterMode, DataSecurityMode, InitScriptSource

PYSPARK_PYTHON = {"3": "/databricks/python3/bin/python3"}
"""What the ADF UI's "Python version" sets in the cluster's environment."""

# Databricks' single-node settings for a cluster without a `kind` (the linked service cannot
# send one): driver only, Spark in local mode, and the tag Databricks recognises the cluster
# by. terraform-provider-databricks validated exactly this trio for num_workers = 0
# (clusters/resource_cluster.go numWorkerErr, before #4216) and still creates its own
# single-node clusters with it (storage/mounts.go, catalog/resource_sql_table.go);
# `is_single_node` needs `kind = CLASSIC_PREVIEW` (databricks-sdk-go service/compute/model.go).
SINGLE_NODE_SPARK_CONF = {"spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]"}
SINGLE_NODE_TAGS = {"ResourceClass": "SingleNode"}

_DEPRECATED = "is deprecated since Databricks Runtime 15.0 and removed in later runtimes"
_NEEDS_KIND = (
    "needs a cluster `kind`, which the Data Factory linked service cannot send and this"
    " component does not set"
)
REFUSED_ACCESS_MODES: Mapping[str, str] = {
    # databricks-sdk-go service/compute/model.go, DataSecurityMode.
    "LEGACY_TABLE_ACL": _DEPRECATED,
    "LEGACY_PASSTHROUGH": _DEPRECATED,
    "LEGACY_SINGLE_USER": _DEPRECATED,
    "LEGACY_SINGLE_USER_STANDARD": _DEPRECATED,
    # terraform-provider-databricks docs/resources/cluster.md: available "if `kind` is specified".
    "DATA_SECURITY_MODE_DEDICATED": f"{_NEEDS_KIND}; SINGLE_USER is the same mode",
    "DATA_SECURITY_MODE_STANDARD": f"{_NEEDS_KIND}; USER_ISOLATION is the same mode",
    "DATA_SECURITY_MODE_AUTO": f"{_NEEDS_KIND}; choose SINGLE_USER or USER_ISOLATION",
}
"""Access modes the API knows but this component refuses, with the reason."""

MAX_INIT_SCRIPTS = 10
"""Cluster-scoped init scripts per cluster (terraform-provider-databricks docs/resources/cluster.md)."""

ABFSS = re.compile(r"^abfss://[^@/\s]+@[^/\s]+\.dfs\.core\.windows\.net/\S+$")

# Learn, "Compute environments supported by Azure Data Factory" (compute-linked-services),
# Azure Databricks section: newClusterInitScripts are "in workspace files (recommended) or
# via the DBFS path (legacy)". The interactive cluster is created through the Clusters API,
# which also takes Unity Catalog volumes and ADLS Gen2 (abfss).
INIT_SCRIPT_SOURCES: Mapping[ClusterMode, tuple[InitScriptSource, ...]] = {
    ClusterMode.JOB: (InitScriptSource.WORKSPACE, InitScriptSource.DBFS),
    ClusterMode.POOL: (InitScriptSource.WORKSPACE, InitScriptSource.DBFS),
    ClusterMode.INTERACTIVE: tuple(InitScriptSource),
    ClusterMode.EXISTING: (),
}


@dataclass(frozen=True)
class Workers:
    """A fixed worker count (0: a single-node cluster), or an autoscaling range when
    `maximum` is set."""

    minimum: int
    """Worker count, or the lower bound of the autoscale range."""
    maximum: int | None = None
    """Upper bound of the autoscale range; None for a fixed size."""

    def __post_init__(self) -> None:
        # Databricks: "max_workers must be strictly greater than min_workers"
        # (databricks-sdk-go service/compute/model.go AutoScale; terraform docs cluster.md).
        if self.minimum < 0 or (self.maximum is not None and not 1 <= self.minimum < self.maximum):
            raise ValueError(
                'expected a worker count >= 0 or "min:max" with 1 <= min < max (Databricks'
                f" autoscales only when max_workers is greater than min_workers), got {self.adf()!r}"
            )

    @property
    def autoscale(self) -> bool:
        return self.maximum is not None

    @property
    def single_node(self) -> bool:
        """No workers: the driver runs Spark locally."""
        return self.maximum is None and self.minimum == 0

    def adf(self) -> str:
        """Data Factory's `newClusterNumOfWorker` form: "2" or "2:8"."""
        return str(self.minimum) if self.maximum is None else f"{self.minimum}:{self.maximum}"


@dataclass(frozen=True)
class PoolSpec:
    """Instance pool sizing (cluster mode `pool`)."""

    min_idle: int = 0
    """Instances kept warm."""
    max_capacity: int = 10
    """Upper bound on instances in the pool, the driver's included."""
    idle_minutes: int = 15
    """Minutes an idle instance above min_idle is kept."""


@dataclass(frozen=True)
class InitScript:
    """An init script location, classified as the Clusters API wants it."""

    source: InitScriptSource
    destination: str
    """The location in the form its source takes (DBFS as dbfs:/...)."""

    def cluster_args(self) -> databricks.ClusterInitScriptArgs:
        """The Clusters API's typed source for this script."""
        if self.source is InitScriptSource.VOLUMES:
            return databricks.ClusterInitScriptArgs(
                volumes=databricks.ClusterInitScriptVolumesArgs(destination=self.destination)
            )
        if self.source is InitScriptSource.ABFSS:
            return databricks.ClusterInitScriptArgs(
                abfss=databricks.ClusterInitScriptAbfssArgs(destination=self.destination)
            )
        if self.source is InitScriptSource.DBFS:
            return databricks.ClusterInitScriptArgs(
                dbfs=databricks.ClusterInitScriptDbfsArgs(destination=self.destination)
            )
        return databricks.ClusterInitScriptArgs(
            workspace=databricks.ClusterInitScriptWorkspaceArgs(destination=self.destination)
        )


@dataclass(frozen=True)
class ComputeArgs:
    """Inputs of DatabricksCompute, checked by `problems` when the component is constructed."""

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
    """Worker count or autoscale range; 0 makes a single-node cluster (not with a pool)."""
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    """Spark configuration."""
    spark_env_vars: Mapping[str, str] = field(default_factory=dict)
    """Environment variables; PYSPARK_PYTHON is derived from python_version unless set here."""
    custom_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags Databricks puts on the cluster's Azure resources (on the pool in mode pool)."""
    init_scripts: Sequence[str] = ()
    """Init script locations: workspace files (/Workspace/...) or DBFS (dbfs:/..., legacy);
    the interactive cluster also takes volumes (/Volumes/...) and abfss://."""
    log_destination: str | None = None
    """Where cluster logs are delivered, e.g. dbfs:/cluster-logs."""
    policy_id: str | None = None
    """Cluster policy the clusters are created under."""
    data_security_mode: DataSecurityMode = DataSecurityMode.SINGLE_USER
    """Access mode. SINGLE_USER (dedicated) job clusters belong to the identity Data Factory
    runs as; an interactive SINGLE_USER cluster belongs to `single_user_name`."""
    single_user_name: pulumi.Input[str] | None = None
    """Who the interactive cluster is dedicated to when data_security_mode is SINGLE_USER: the
    identity Data Factory runs notebooks as (a user name, or a service principal's
    application id), or Databricks refuses ADF's runs on it. Required then; unused
    otherwise (job clusters belong to the identity that submits the run)."""
    autotermination_minutes: int = 30
    """Idle minutes before an interactive cluster stops."""
    existing_cluster_id: str | None = None
    """Cluster id (mode existing)."""
    pool: PoolSpec = PoolSpec()
    """Pool sizing (mode pool)."""

    def env_vars(self) -> dict[str, str]:
        return {"PYSPARK_PYTHON": PYSPARK_PYTHON[self.python_version], **self.spark_env_vars}


# ---------------------------------------------------------------- rules


def access_mode(value: Any) -> DataSecurityMode:
    """An access mode valid on a cluster without a `kind`."""
    if isinstance(value, str) and value in REFUSED_ACCESS_MODES:
        raise ValueError(f"{value} {REFUSED_ACCESS_MODES[value]}")
    for member in DataSecurityMode:
        if value == member.value:
            return member
    choices = ", ".join(m.value for m in DataSecurityMode)
    raise ValueError(f"expected one of {choices}, got {value!r}")


def check_workers(mode: ClusterMode, workers: Workers, pool: PoolSpec) -> None:
    """What a mode's cluster can be sized as."""
    if mode is not ClusterMode.POOL:
        return
    if workers.autoscale:
        # azure-native datafactory/_inputs.py AzureDatabricksLinkedServiceArgs,
        # new_cluster_num_of_worker: "For instance pools, this is a string-formatted Int32,
        # and can only specify a fixed number of worker nodes".
        raise ValueError(
            "expected a fixed worker count with a pool: Data Factory gives pool clusters only a"
            f" fixed number of workers, got {workers.adf()!r}"
        )
    if workers.single_node:
        # Same source, new_cluster_custom_tags: "ignored in instance pool configurations", so
        # a pool cluster cannot carry the ResourceClass tag a single-node cluster needs.
        raise ValueError(
            "expected at least 1 worker with a pool: Data Factory drops the cluster tags of pool"
            " clusters, and a single-node cluster needs its ResourceClass tag (use mode job), got 0"
        )
    # The driver comes from the pool too (driver_instance_pool_id defaults to
    # instance_pool_id: databricks-sdk-go service/compute/model.go).
    if workers.minimum + 1 > pool.max_capacity:
        raise ValueError(
            f"expected at most {pool.max_capacity - 1} workers: the pool's capacity is"
            f" {pool.max_capacity} and the driver takes one instance, got {workers.minimum}"
        )


def check_single_node_settings(
    workers: Workers, given: Mapping[str, str], settings: Mapping[str, str]
) -> None:
    """A single-node cluster sets `settings`; a different value for one of them is refused."""
    if not workers.single_node:
        return
    clash = sorted(key for key in given if key in settings and given[key] != settings[key])
    if clash:
        wanted = ", ".join(f"{key}={settings[key]}" for key in clash)
        raise ValueError(
            f"0 workers makes a single-node cluster, which needs {wanted}; got {clash[0]}={given[clash[0]]}"
        )


def init_script(mode: ClusterMode, location: Any) -> InitScript:
    """Classify an init script location and check the mode's cluster can run it."""
    script = _classify(location)
    allowed = INIT_SCRIPT_SOURCES[mode]
    if script.source not in allowed:
        raise ValueError(
            "expected a workspace file (/Workspace/...) or a DBFS path (dbfs:/..., legacy):"
            " Data Factory job clusters take no other init scripts (a volume or abfss:// script"
            f" needs mode interactive), got {location!r}"
        )
    return script


def _classify(location: Any) -> InitScript:
    if isinstance(location, str) and ".." not in location.split("/") and not location.endswith("/"):
        if location.startswith("/Volumes/"):
            return InitScript(InitScriptSource.VOLUMES, location)
        if location.startswith("dbfs:/Volumes/"):
            return InitScript(InitScriptSource.VOLUMES, location.removeprefix("dbfs:"))
        if location.startswith("dbfs:/") and len(location) > len("dbfs:/"):
            return InitScript(InitScriptSource.DBFS, location)
        if location.startswith("/dbfs/") and len(location) > len("/dbfs/"):
            # The FUSE path of a DBFS file; the API wants its dbfs:/ form.
            return InitScript(InitScriptSource.DBFS, "dbfs:/" + location.removeprefix("/dbfs/"))
        if ABFSS.match(location):
            return InitScript(InitScriptSource.ABFSS, location)
        if location.startswith("/") and len(location) > 1:
            return InitScript(InitScriptSource.WORKSPACE, location)
    raise ValueError(
        "expected a workspace file (/Workspace/...), dbfs:/..., /Volumes/... or"
        f" abfss://<container>@<account>.dfs.core.windows.net/..., got {location!r}"
    )


def check_init_script_count(scripts: Sequence[Any]) -> None:
    if len(scripts) > MAX_INIT_SCRIPTS:
        raise ValueError(f"expected at most {MAX_INIT_SCRIPTS} init scripts per cluster, got {len(scripts)}")


def problems(args: ComputeArgs) -> list[str]:
    """Every rule `args` breaks, as `field: reason`."""
    if args.mode is ClusterMode.EXISTING:
        return []
    found: list[str] = []

    def check(path: str, rule: Any, *values: Any) -> None:
        try:
            rule(*values)
        except ValueError as err:
            found.append(f"{path}: {err}")

    check("workers", check_workers, args.mode, args.workers, args.pool)
    check("init_scripts", check_init_script_count, args.init_scripts)
    for i, location in enumerate(args.init_scripts):
        check(f"init_scripts[{i}]", init_script, args.mode, location)
    check("spark_conf", check_single_node_settings, args.workers, args.spark_conf, SINGLE_NODE_SPARK_CONF)
    check("custom_tags", check_single_node_settings, args.workers, args.custom_tags, SINGLE_NODE_TAGS)
    check(
        "data_security_mode", access_mode, getattr(args.data_security_mode, "value", args.data_security_mode)
    )
    if (
        args.mode is ClusterMode.INTERACTIVE
        and args.data_security_mode is DataSecurityMode.SINGLE_USER
        and args.single_user_name is None
    ):
        # A dedicated cluster runs only its single_user_name's commands, so it must be the
        # identity Data Factory runs as (terraform docs cluster.md: "required when using
        # data_security_mode set to SINGLE_USER").
        found.append(
            "single_user_name: an interactive SINGLE_USER cluster must be dedicated to the"
            " identity Data Factory runs as; set it, or choose USER_ISOLATION"
        )
    return found


class InvalidComputeArgs(pulumi.RunError):
    """ComputeArgs that Data Factory or Databricks would refuse."""


def _spark_conf(args: ComputeArgs) -> dict[str, str]:
    return (
        {**args.spark_conf, **SINGLE_NODE_SPARK_CONF} if args.workers.single_node else dict(args.spark_conf)
    )


def _custom_tags(args: ComputeArgs) -> dict[str, str]:
    return {**args.custom_tags, **SINGLE_NODE_TAGS} if args.workers.single_node else dict(args.custom_tags)


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
        found = problems(args)
        if found:
            raise InvalidComputeArgs(f"DatabricksCompute {name}: " + "; ".join(found))
        super().__init__("adf-databricks:index:DatabricksCompute", name, None, opts)
        self.cluster = None
        self.pool = None
        if args.mode is ClusterMode.EXISTING:
            self.linked_service_fields = {"existing_cluster_id": args.existing_cluster_id}
        elif args.mode is ClusterMode.INTERACTIVE:
            dedicated = args.data_security_mode is DataSecurityMode.SINGLE_USER
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
                spark_conf=_spark_conf(args) or None,
                spark_env_vars=args.env_vars(),
                custom_tags=_custom_tags(args) or None,
                init_scripts=[init_script(args.mode, s).cluster_args() for s in args.init_scripts] or None,
                cluster_log_conf=_log_conf(args.log_destination) if args.log_destination else None,
                policy_id=args.policy_id,
                data_security_mode=args.data_security_mode.value,
                single_user_name=args.single_user_name if dedicated else None,
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
                    # Data Factory ignores newClusterCustomTags with a pool; the pool's own tags
                    # propagate to its clusters (terraform docs instance_pool.md, custom_tags).
                    custom_tags=dict(args.custom_tags) or None,
                    opts=pulumi.ResourceOptions(parent=self),
                )
                fields["instance_pool_id"] = self.pool.id
            else:
                fields["new_cluster_node_type"] = args.node_type
                fields["new_cluster_driver_node_type"] = args.driver_node_type
                fields["new_cluster_custom_tags"] = _custom_tags(args)
            fields.update(
                {
                    "new_cluster_spark_conf": _spark_conf(args),
                    # Strings, as Data Factory takes them: a workspace path, or a dbfs:/ path for
                    # DBFS (the form Learn's newClusterInitScripts row first documented, "the DBFS
                    # path"); a /dbfs/ FUSE path would read as a workspace path, so it is sent
                    # in its dbfs:/ form.
                    "new_cluster_init_scripts": [
                        init_script(args.mode, s).destination for s in args.init_scripts
                    ],
                    "new_cluster_log_destination": args.log_destination,
                    "policy_id": args.policy_id,
                    # Without it a job cluster gets the workspace's default for jobs compute,
                    # "No isolation shared" unless an admin chose otherwise (Databricks docs,
                    # "Default access mode for jobs compute"): no Unity Catalog, and refused
                    # where legacy features are disabled.
                    "data_security_mode": args.data_security_mode.value,
                }
            )
            self.linked_service_fields = {k: v for k, v in fields.items() if v not in (None, {}, [])}
        self.register_outputs({})
