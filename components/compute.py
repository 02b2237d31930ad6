"""DatabricksCompute: the cluster the Notebook activities run on, as linked-service cluster fields.

`ComputeSpec` (with `PoolSpec`) is the stack's `cluster` config section and the `spec` of the
component's args (`ComputeArgs`), beside what AdfDatabricks fills itself: the same keys, rules
and messages. The rules are declared once, beside the args (components.validation): what a
field takes with `@rules`, rules between fields with `@checks`. The component validates its args
when constructed and refuses them listing every problem; components.settings validates the
config section against the same definitions.

No `from __future__ import annotations` here: Pulumi's component analyzer reads these
annotations to build the package schema.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

import pulumi
import pulumi_databricks as databricks
from typing_extensions import NotRequired

from . import outputs, validation
from .enums import ClusterMode, DataSecurityMode, InitScriptSource
from .notebooks import run_as_control
from .validation import checks, describe, rule, rules, shown_default

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

SPARK_VERSION = r"^\d+\.\d+\.x(-[a-z0-9]+)*-scala\d+\.\d+$"
NODE_TYPE = r"^Standard_[A-Za-z0-9_]+$"
WORKER_RANGE = r"^(\d+):(\d+)$"
WORKERS_EXPECTED = (
    'a worker count >= 0 or "min:max" with 1 <= min < max (Databricks autoscales only when'
    " max_workers is greater than min_workers)"
)
# Databricks: "max_workers must be strictly greater than min_workers" (databricks-sdk-go
# service/compute/model.go AutoScale; terraform docs cluster.md).

# An init script location: abfss://<container>@<account>.dfs.core.windows.net/<path>, a DBFS
# path, or an absolute path (workspace file, /Volumes/..., /dbfs/...); no `..` segment, not a
# folder. Which of them a mode's cluster runs is check_init_script_sources'.
INIT_SCRIPT = (
    r"^(?!.*/\.\.(/|$))(?!.*/$)"
    r"(abfss://[^@/\s]+@[^/\s]+\.dfs\.core\.windows\.net/\S+|dbfs:/.+|/.+)$"
)
# A cluster log destination: a DBFS path, or (mode interactive only: check_log_destination) a
# Unity Catalog volume path. The Clusters API's cluster_log_conf takes `dbfs` and `volumes`
# destinations (pulumi_databricks ClusterClusterLogConfArgs: dbfs, volumes, s3; terraform
# docs cluster.md, "cluster_log_conf"); s3 is AWS only.
LOG_DESTINATION = r"^(dbfs:/|/Volumes/)\S+$"
LOG_DESTINATION_EXPECTED = "a DBFS path (dbfs:/...) or a Unity Catalog volume path (/Volumes/...)"

INIT_SCRIPT_EXPECTED = (
    "a workspace file (/Workspace/...), dbfs:/..., /Volumes/... or"
    " abfss://<container>@<account>.dfs.core.windows.net/..."
)

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

_JOB_KEYS = (
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
)
MODE_KEYS: Mapping[ClusterMode, tuple[str, ...]] = {
    ClusterMode.JOB: _JOB_KEYS,
    ClusterMode.INTERACTIVE: (*_JOB_KEYS, "autoterminationMinutes"),
    # ADF ignores the driver node type for pool clusters: the pool's node type serves both.
    ClusterMode.POOL: (*(k for k in _JOB_KEYS if k != "driverNodeType"), "pool"),
    ClusterMode.EXISTING: ("existingClusterId",),
}
"""The keys each mode takes; `mode` goes with every mode."""

MODE_DEFAULTS: Mapping[str, Any] = {
    "pythonVersion": "3",
    "workers": 1,
    "sparkConf": {},
    "sparkEnvVars": {},
    "customTags": {},
    "initScripts": [],
    "dataSecurityMode": DataSecurityMode.SINGLE_USER.value,
    "autoterminationMinutes": 30,
    "pool": {},
}
"""Defaults of keys that only some modes take. They hold in those modes only, so the schema
shows them and the component applies them: validation fills a default in every mode, and a key
it filled in would read as given, in a mode that does not take it."""


def _filled(args: Mapping[str, Any]) -> dict[str, Any]:
    """A `cluster` document with the mode defaults of its absent keys."""
    return {**MODE_DEFAULTS, **args}


_NON_EMPTY = rule("a non-empty string", pattern=r"\S")
_VM_SIZE = rule("an Azure VM size like Standard_D4ds_v5", pattern=NODE_TYPE)


@rules(
    min_idle=rule(minimum=0, maximum=1000, default=0),
    # A pool cluster takes at least two instances: the driver and one worker.
    max_capacity=rule(minimum=2, maximum=1000, default=10),
    idle_minutes=rule(minimum=0, maximum=10000, default=15),
)
class PoolSpec(TypedDict):
    """Instance pool sizing (cluster mode `pool`)."""

    min_idle: NotRequired[int]
    """Instances kept warm (0 to 1000; default 0)."""
    max_capacity: NotRequired[int]
    """Upper bound on instances in the pool, the driver's included (2 to 1000; default 10)."""
    idle_minutes: NotRequired[int]
    """Minutes an idle instance above minIdle is kept (0 to 10000; default 15)."""


@rules(
    mode=rule(default=ClusterMode.JOB),
    spark_version=rule("a Databricks runtime like 15.4.x-scala2.12", pattern=SPARK_VERSION),
    node_type=_VM_SIZE,
    driver_node_type=_VM_SIZE,
    python_version=shown_default(rule("3", replace=True, enum=["3", 3]), MODE_DEFAULTS["pythonVersion"]),
    workers=shown_default(
        rule(
            WORKERS_EXPECTED,
            replace=True,
            oneOf=[{"type": "integer", "minimum": 0}, {"type": "string", "pattern": WORKER_RANGE}],
        ),
        MODE_DEFAULTS["workers"],
    ),
    spark_conf=shown_default(rule(), MODE_DEFAULTS["sparkConf"]),
    spark_env_vars=shown_default(rule(), MODE_DEFAULTS["sparkEnvVars"]),
    custom_tags=shown_default(rule(), MODE_DEFAULTS["customTags"]),
    init_scripts=shown_default(
        rule(items=rule(INIT_SCRIPT_EXPECTED, pattern=INIT_SCRIPT)), MODE_DEFAULTS["initScripts"]
    ),
    log_destination=rule(LOG_DESTINATION_EXPECTED, pattern=LOG_DESTINATION),
    policy_id=_NON_EMPTY,
    # The refused modes pass the schema so that check_access_mode can say why they are refused.
    data_security_mode=shown_default(
        rule(
            "one of " + ", ".join(m.value for m in DataSecurityMode),
            replace=True,
            type="string",
            enum=[*(m.value for m in DataSecurityMode), *REFUSED_ACCESS_MODES],
        ),
        MODE_DEFAULTS["dataSecurityMode"],
    ),
    autotermination_minutes=shown_default(
        rule(minimum=10, maximum=10000), MODE_DEFAULTS["autoterminationMinutes"]
    ),
    existing_cluster_id=_NON_EMPTY,
    pool=shown_default(rule(), MODE_DEFAULTS["pool"]),
)
class ComputeSpec(TypedDict):
    """The compute the Notebook activities run on. Each key applies to the modes named; a key
    outside its mode is refused (it would be ignored otherwise)."""

    mode: NotRequired[ClusterMode]
    """job (a new job cluster per activity run; default), interactive (an all-purpose cluster
    the stack creates), pool (job clusters from an instance pool the stack creates) or existing
    (a cluster that exists)."""
    spark_version: NotRequired[str]
    """Databricks runtime, e.g. 15.4.x-scala2.12. Required in modes job, interactive and pool."""
    node_type: NotRequired[str]
    """Worker VM size, e.g. Standard_D4ds_v5; in mode pool the pool's node type, which serves the
    driver too. Required in modes job, interactive and pool."""
    driver_node_type: NotRequired[str]
    """Driver VM size; the worker size when unset. Modes job and interactive (a pool's node type
    serves both)."""
    python_version: NotRequired[str]
    """Python version of the cluster: 3 (default), which sets
    `PYSPARK_PYTHON=/databricks/python3/bin/python3` as ADF's UI does. Modes job, interactive and
    pool."""
    workers: NotRequired[Any]
    """A fixed worker count (an integer >= 0; default 1) or an autoscale range "min:max" with
    1 <= min < max. 0 is a single-node cluster, in mode interactive only: the stack adds
    Databricks' single-node settings (`spark.databricks.cluster.profile: singleNode` and
    `spark.master: local[*]` in sparkConf, the tag `ResourceClass: SingleNode`) and refuses other
    values for them. Mode job refuses 0: Data Factory documents its job clusters' worker count
    only as a count like "1" or a range like "1:10", never a driver-only cluster, and azurerm's
    linked service takes no fewer than 1 worker. With a pool, a
    fixed count (Data Factory sizes pool clusters no other way, and drops their tags) of at least
    1 and at most pool.maxCapacity - 1 (the driver takes an instance too). Modes job, interactive
    and pool."""
    spark_conf: NotRequired[dict[str, str]]
    """Spark configuration. Modes job, interactive and pool."""
    spark_env_vars: NotRequired[dict[str, str]]
    """Environment variables; PYSPARK_PYTHON is derived from pythonVersion unless set here.
    Modes job, interactive and pool."""
    custom_tags: NotRequired[dict[str, str]]
    """Tags Databricks puts on the cluster's Azure resources (on the pool in mode pool, which
    passes them to its clusters: Data Factory ignores cluster tags with a pool). Modes job,
    interactive and pool."""
    init_scripts: NotRequired[list[str]]
    """At most 10 init script locations: workspace files (/Workspace/...) or DBFS (dbfs:/...,
    legacy; /dbfs/... is sent as dbfs:/...); mode interactive also takes volumes (/Volumes/...)
    and abfss://<container>@<account>.dfs.core.windows.net/... DBFS init scripts are deprecated,
    and newer workspaces refuse them. Modes job, interactive and pool."""
    log_destination: NotRequired[str]
    """Where cluster logs are delivered: a DBFS path (dbfs:/cluster-logs), or in mode interactive
    also a Unity Catalog volume path (/Volumes/<catalog>/<schema>/<volume>/...), which the stack
    sends as the Clusters API's cluster_log_conf.volumes. Modes job and pool refuse a volume
    (also written dbfs:/Volumes/...): Data Factory documents their log destination only as a
    location string whose example is a DBFS path. Modes job, interactive and pool."""
    policy_id: NotRequired[pulumi.Input[str]]
    """Cluster policy the clusters are created under. Modes job, interactive and pool."""
    data_security_mode: NotRequired[DataSecurityMode]
    """Access mode: SINGLE_USER (default), USER_ISOLATION or NONE. SINGLE_USER (dedicated): a
    job cluster belongs to the identity Data Factory runs as, and the interactive cluster is
    dedicated to singleUserName (in a stack that same identity), so people cannot attach
    notebooks to it: choose USER_ISOLATION (standard, shared) for that. NONE (no isolation
    shared) has no Unity Catalog, and Databricks refuses it where legacy features are disabled;
    without a mode a job cluster would get the workspace's default, often that one. LEGACY_*
    (deprecated since runtime 15.0) and DATA_SECURITY_MODE_* (they need a cluster kind, which
    the linked service cannot send) are refused. Modes job, interactive and pool."""
    autotermination_minutes: NotRequired[int]
    """Idle minutes before the cluster stops (10 to 10000; default 30). Mode interactive."""
    existing_cluster_id: NotRequired[pulumi.Input[str]]
    """The cluster to run on. Required in mode existing."""
    pool: NotRequired[PoolSpec]
    """Instance pool sizing. Mode pool."""


# ---------------------------------------------------------------- rules between fields
# Each takes the `cluster` document (camelCase keys, `mode` filled; _filled adds the mode
# defaults) and yields the key path and message of each problem. Keys outside their mode are
# check_mode_keys' to report, so the other rules leave mode existing alone.


@dataclass(frozen=True)
class _Size:
    """A valid `workers` value."""

    minimum: int
    maximum: int | None = None

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


def _size(workers: Any) -> _Size | None:
    """The size of workers the schema let through, or None when it breaks the rules beyond it.

    It is called after the schema (by rules between fields, and on parsed args): a string
    matches WORKER_RANGE, and a number is an integer >= 0 (JSON Schema also counts 2.0 as one).
    What is neither is known only at deploy time, too late: the size decides which settings and
    resources exist.
    """
    if isinstance(workers, str):
        low, high = (int(n) for n in workers.split(":"))
        return _Size(low, high) if 1 <= low < high else None
    if isinstance(workers, (int, float)):
        return _Size(int(workers))
    return None


def _existing(args: Mapping[str, Any]) -> bool:
    return args["mode"] == ClusterMode.EXISTING


@checks(ComputeSpec, "mode")
def check_mode_keys(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A key the chosen mode does not take (MODE_KEYS) is refused, not silently ignored."""
    mode = ClusterMode(args["mode"])
    for key in args:
        modes = [m.value for m, keys in MODE_KEYS.items() if key in keys]
        if modes and key not in MODE_KEYS[mode]:
            yield key, f"applies only with cluster.mode {' or '.join(modes)}"


@checks(ComputeSpec, "mode")
def check_required(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A created cluster needs a runtime and a VM size; mode existing needs the cluster's id."""
    needed = ("existingClusterId",) if _existing(args) else ("sparkVersion", "nodeType")
    for key in needed:
        if key not in args:
            yield key, "is required"


@checks(ComputeSpec, "mode", "workers")
def check_worker_range(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """An autoscale range grows: 1 <= min < max."""
    workers = _filled(args)["workers"]
    if not _existing(args) and _size(workers) is None:
        yield "workers", f"expected {WORKERS_EXPECTED}, got {describe(workers)}"


@checks(ComputeSpec, "mode", "workers", "pool")
def check_pool_workers(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """What a pool's clusters can be sized as."""
    args = _filled(args)
    size = _size(args["workers"])
    if args["mode"] != ClusterMode.POOL or size is None:
        return
    if size.autoscale:
        # azure-native datafactory/_inputs.py AzureDatabricksLinkedServiceArgs,
        # new_cluster_num_of_worker: "For instance pools, this is a string-formatted Int32,
        # and can only specify a fixed number of worker nodes".
        yield (
            "workers",
            "expected a fixed worker count with a pool: Data Factory gives pool clusters only a"
            f" fixed number of workers, got {size.adf()!r}",
        )
    elif size.single_node:
        # Same source, new_cluster_custom_tags: "ignored in instance pool configurations", so
        # a pool cluster cannot carry the ResourceClass tag a single-node cluster needs.
        yield (
            "workers",
            "expected at least 1 worker with a pool: Data Factory drops the cluster tags of pool"
            " clusters, and a single-node cluster needs its ResourceClass tag (use mode interactive), got 0",
        )
    else:
        # The driver comes from the pool too (driver_instance_pool_id defaults to
        # instance_pool_id: databricks-sdk-go service/compute/model.go).
        capacity = validation.with_defaults(PoolSpec, args["pool"])["maxCapacity"]
        if size.minimum + 1 > capacity:
            yield (
                "workers",
                f"expected at most {capacity - 1} workers: the pool's capacity is {capacity} and"
                f" the driver takes one instance, got {size.minimum}",
            )


# Why Data Factory's job clusters are not made single-node. Data Factory documents
# newClusterNumOfWorker for a new job cluster as "a string-formatted Int32, like '1' means
# numOfWorker is 1 or '1:10' means auto-scale from 1 (min) to 10 (max)" (azure-native
# datafactory/_inputs.py AzureDatabricksLinkedServiceArgs; Learn compute-linked-services, Azure
# Databricks linked service) and nowhere a driver-only cluster or "0"; azurerm's linked service
# takes no fewer than one worker (data_factory_linked_service_azure_databricks_resource.go,
# min_number_of_workers: validation.IntBetween(1, 25000); a single-node request there,
# hashicorp/terraform-provider-azurerm#22550, is open). What Data Factory does with "0" and the
# single-node conf and tag is therefore unknown: refused, with the mode that does it.
JOB_SINGLE_NODE_REFUSED = (
    "expected at least 1 worker in cluster.mode job, got 0: Data Factory documents"
    ' newClusterNumOfWorker for its job clusters only as a worker count like "1" or a range like'
    ' "1:10" (Learn compute-linked-services; azure-native AzureDatabricksLinkedServiceArgs), not a'
    " single-node (driver-only) cluster, and azurerm's Databricks linked service takes no fewer"
    " than 1 worker; for a single-node cluster use cluster.mode interactive, which the stack"
    " creates through the Databricks Clusters API"
)


@checks(ComputeSpec, "mode", "workers")
def check_job_workers(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A job cluster Data Factory creates has at least one worker (JOB_SINGLE_NODE_REFUSED)."""
    args = _filled(args)
    size = _size(args["workers"])
    if args["mode"] == ClusterMode.JOB and size is not None and size.single_node:
        yield "workers", JOB_SINGLE_NODE_REFUSED


def _is_volume(destination: str) -> bool:
    """A Unity Catalog volume path, also in its dbfs:/Volumes/ spelling."""
    return destination.removeprefix("dbfs:").startswith("/Volumes/")


@checks(ComputeSpec, "mode", "logDestination")
def check_log_destination(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Logs go to a volume only from the cluster the stack creates itself (mode interactive).

    Data Factory documents newClusterLogDestination as "a location to deliver Spark driver,
    worker, and event logs", a string (azure-native AzureDatabricksLinkedServiceArgs), whose
    one example is a DBFS path ("dbfs:/test", azure-sdk-for-net's Data Factory JSON samples,
    DatabricksLinkedServiceWithNewCluster); it says nowhere that a volume path becomes the
    Clusters API's cluster_log_conf.volumes. The interactive cluster is a
    pulumi_databricks.Cluster, whose cluster_log_conf takes `volumes` (ClusterClusterLogConfArgs).
    """
    destination = _filled(args).get("logDestination")
    mode = ClusterMode(args["mode"])
    if (
        mode in (ClusterMode.JOB, ClusterMode.POOL)
        and isinstance(destination, str)
        and _is_volume(destination)
    ):
        yield (
            "logDestination",
            f"expected a DBFS path (dbfs:/...) in cluster.mode {mode.value}, got {destination!r}:"
            " Data Factory documents newClusterLogDestination only as a location string whose"
            " example is a DBFS path, not a Unity Catalog volume (azure-native"
            " AzureDatabricksLinkedServiceArgs); a volume takes cluster.mode interactive, whose"
            " cluster the stack creates with cluster_log_conf.volumes",
        )


def _single_node_clash(
    args: Mapping[str, Any], key: str, settings: Mapping[str, str]
) -> Iterator[tuple[str, str]]:
    """A single-node cluster sets `settings`; a different value for one of them is refused.
    Only mode interactive makes one: 0 workers is refused in modes job and pool
    (check_job_workers, check_pool_workers), and mode existing takes no workers."""
    args = _filled(args)
    size = _size(args["workers"])
    if args["mode"] != ClusterMode.INTERACTIVE or size is None or not size.single_node:
        return
    given = args[key]
    clash = sorted(k for k in given if k in settings and given[k] != settings[k])
    if clash:
        wanted = ", ".join(f"{k}={settings[k]}" for k in clash)
        yield (
            key,
            f"0 workers makes a single-node cluster, which needs {wanted}; got {clash[0]}={given[clash[0]]}",
        )


@checks(ComputeSpec, "mode", "workers", "sparkConf")
def check_single_node_spark_conf(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A single-node cluster keeps Databricks' single-node Spark settings."""
    yield from _single_node_clash(args, "sparkConf", SINGLE_NODE_SPARK_CONF)


@checks(ComputeSpec, "mode", "workers", "customTags")
def check_single_node_tags(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A single-node cluster keeps the tag Databricks recognises it by."""
    yield from _single_node_clash(args, "customTags", SINGLE_NODE_TAGS)


@checks(ComputeSpec, "mode", "initScripts")
def check_init_script_count(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    scripts = _filled(args)["initScripts"]
    if not _existing(args) and len(scripts) > MAX_INIT_SCRIPTS:
        yield (
            "initScripts",
            f"expected at most {MAX_INIT_SCRIPTS} init scripts per cluster, got {len(scripts)}",
        )


@checks(ComputeSpec, "mode", "initScripts")
def check_init_script_sources(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Data Factory's job clusters run workspace and DBFS scripts only (INIT_SCRIPT_SOURCES)."""
    if _existing(args):
        return
    allowed = INIT_SCRIPT_SOURCES[ClusterMode(args["mode"])]
    for i, location in enumerate(_filled(args)["initScripts"]):
        if InitScript.of(location).source not in allowed:
            yield (
                f"initScripts[{i}]",
                "expected a workspace file (/Workspace/...) or a DBFS path (dbfs:/..., legacy):"
                " Data Factory job clusters take no other init scripts (a volume or abfss:// script"
                f" needs mode interactive), got {location!r}",
            )


@checks(ComputeSpec, "mode", "dataSecurityMode")
def check_access_mode(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """An access mode the API knows but a cluster without a `kind` cannot have, with the reason."""
    value = _filled(args)["dataSecurityMode"]
    if not _existing(args) and value in REFUSED_ACCESS_MODES:
        yield "dataSecurityMode", f"{value} {REFUSED_ACCESS_MODES[value]}"


@checks(PoolSpec, "minIdle", "maxCapacity")
def check_pool_min_idle(pool: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if pool["minIdle"] > pool["maxCapacity"]:
        yield (
            "minIdle",
            f"expected at most cluster.pool.maxCapacity ({pool['maxCapacity']}), got {pool['minIdle']}",
        )


@rules(single_user_name=_NON_EMPTY)
class ComputeArgs(TypedDict):
    """Inputs of DatabricksCompute."""

    spec: ComputeSpec
    """The compute: its mode, runtime, VM sizes, workers and the rest of the stack's `cluster`
    section."""
    single_user_name: NotRequired[pulumi.Input[str] | None]
    """Who the interactive cluster is dedicated to when spec.dataSecurityMode is SINGLE_USER: the
    identity Data Factory runs notebooks as (a user name, or a service principal's application
    id), or Databricks refuses ADF's runs on it. Required then; unused otherwise (job clusters
    belong to the identity that submits the run). AdfDatabricks fills it with its run-as
    identity."""
    run_as: NotRequired[pulumi.Input[str] | None]
    """The principal Data Factory's runs execute as (a user name, or a service principal's
    application id) when it is not whoever deploys: it gets Can Attach To on the pool and Can
    Restart on the interactive cluster this component creates, what running there takes
    (Databricks docs, compute/clusters-manage "Compute permissions", pools "Pool permissions").
    Leave it out when the deployer's token runs them: the deployer owns what it creates."""


@checks(ComputeArgs, "spec.mode", "spec.dataSecurityMode", "singleUserName")
def check_single_user_name(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A dedicated interactive cluster runs only its single user's commands, so it must be the
    identity Data Factory runs as (terraform docs cluster.md: "required when using
    data_security_mode set to SINGLE_USER")."""
    spec = _filled(validation.with_defaults(ComputeSpec, args["spec"]))
    if (
        spec["mode"] == ClusterMode.INTERACTIVE
        and spec["dataSecurityMode"] == DataSecurityMode.SINGLE_USER
        and "singleUserName" not in args
    ):
        yield (
            "singleUserName",
            "an interactive SINGLE_USER cluster must be dedicated to the identity Data Factory"
            " runs as; set it, or choose USER_ISOLATION",
        )


# ---------------------------------------------------------------- resources


@dataclass(frozen=True)
class InitScript:
    """An init script location, classified as the Clusters API wants it."""

    source: InitScriptSource
    destination: str
    """The location in the form its source takes (DBFS as dbfs:/...)."""

    @classmethod
    def of(cls, location: str) -> "InitScript":
        """Classify a location that matches INIT_SCRIPT."""
        if location.startswith("/Volumes/"):
            return cls(InitScriptSource.VOLUMES, location)
        if location.startswith("dbfs:/Volumes/"):
            return cls(InitScriptSource.VOLUMES, location.removeprefix("dbfs:"))
        if location.startswith("dbfs:/"):
            return cls(InitScriptSource.DBFS, location)
        if location.startswith("/dbfs/"):
            # The FUSE path of a DBFS file; the API wants its dbfs:/ form.
            return cls(InitScriptSource.DBFS, "dbfs:/" + location.removeprefix("/dbfs/"))
        if location.startswith("abfss://"):
            return cls(InitScriptSource.ABFSS, location)
        return cls(InitScriptSource.WORKSPACE, location)

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

    def job_task_args(self) -> databricks.JobTaskNewClusterInitScriptArgs:
        """The Jobs API's typed source for this script, on a job task's cluster (the sources a
        job cluster of mode job or pool takes: INIT_SCRIPT_SOURCES)."""
        if self.source is InitScriptSource.DBFS:
            return databricks.JobTaskNewClusterInitScriptArgs(
                dbfs=databricks.JobTaskNewClusterInitScriptDbfsArgs(destination=self.destination)
            )
        return databricks.JobTaskNewClusterInitScriptArgs(
            workspace=databricks.JobTaskNewClusterInitScriptWorkspaceArgs(destination=self.destination)
        )


def _env_vars(args: Mapping[str, Any]) -> dict[str, str]:
    return {"PYSPARK_PYTHON": PYSPARK_PYTHON[str(args["python_version"])], **args["spark_env_vars"]}


def _spark_conf(args: Mapping[str, Any], size: _Size) -> dict[str, str]:
    conf = args["spark_conf"]
    return {**conf, **SINGLE_NODE_SPARK_CONF} if size.single_node else dict(conf)


def _custom_tags(args: Mapping[str, Any], size: _Size) -> dict[str, str]:
    tags = args["custom_tags"]
    return {**tags, **SINGLE_NODE_TAGS} if size.single_node else dict(tags)


def _job_log_conf(destination: str) -> databricks.JobTaskNewClusterClusterLogConfArgs:
    """A job cluster's logs: DBFS, the one destination modes job and pool take
    (check_log_destination)."""
    return databricks.JobTaskNewClusterClusterLogConfArgs(
        dbfs=databricks.JobTaskNewClusterClusterLogConfDbfsArgs(destination=destination)
    )


def _log_conf(destination: str) -> databricks.ClusterClusterLogConfArgs:
    if destination.startswith("/Volumes/"):
        return databricks.ClusterClusterLogConfArgs(
            volumes=databricks.ClusterClusterLogConfVolumesArgs(destination=destination)
        )
    return databricks.ClusterClusterLogConfArgs(
        dbfs=databricks.ClusterClusterLogConfDbfsArgs(destination=destination)
    )


RUN_AS_LEVELS = {"cluster": "CAN_RESTART", "pool": "CAN_ATTACH_TO"}
"""The least that lets a run use it: attach to and restart a terminated interactive cluster;
draw instances from a pool (terraform-provider-databricks docs/resources/permissions.md,
"Cluster usage" and "Instance Pool usage")."""


class DatabricksCompute(pulumi.ComponentResource):
    """Creates the interactive cluster or instance pool a mode needs, and exposes the
    Azure Databricks linked service's cluster fields for that mode.

    Pass the workspace's provider with `opts=ResourceOptions(providers=[provider])`.
    """

    linked_service_fields: dict[str, Any]
    """Keyword arguments for `AzureDatabricksLinkedServiceArgs` (cluster part)."""
    # Python-only (NotebookJob's `cluster` input), built when asked for: see job_task_compute.
    _job_task: Callable[[], dict[str, Any]]
    cluster: databricks.Cluster | None
    """The interactive cluster (mode interactive)."""
    pool: databricks.InstancePool | None
    """The instance pool (mode pool)."""
    grants: list[databricks.Permissions]
    """What `run_as` may do on the pool or the cluster; whatever starts runs waits for them."""

    def __init__(self, name: str, args: ComputeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Validated, defaults applied, closed sets as enum members, snake_case keys.
        parsed = validation.parse(ComputeArgs, args, f"DatabricksCompute {name}: ")
        defaults = validation.from_document(ComputeSpec, MODE_DEFAULTS)
        super().__init__("adf-databricks:index:DatabricksCompute", name, None, opts)
        self.cluster = None
        self.pool = None
        self.grants = []
        self.linked_service_fields = self._declare(
            name, {**defaults, **parsed["spec"]}, parsed.get("single_user_name"), parsed.get("run_as")
        )
        outputs.register(self)

    def _declare(
        self,
        name: str,
        a: Mapping[str, Any],
        single_user_name: pulumi.Input[str] | None,
        run_as: pulumi.Input[str] | None,
    ) -> dict[str, Any]:
        """The cluster or pool the mode needs (`a`: the spec with every default), and the
        linked service's cluster fields."""
        if a["mode"] is ClusterMode.EXISTING:
            self._job_task = lambda: {"existing_cluster_id": a["existing_cluster_id"]}
            return {"existing_cluster_id": a["existing_cluster_id"]}
        size = _size(a["workers"])
        assert size is not None  # check_worker_range
        scripts = [InitScript.of(s) for s in a["init_scripts"]]
        if a["mode"] is ClusterMode.INTERACTIVE:
            dedicated = a["data_security_mode"] is DataSecurityMode.SINGLE_USER
            self.cluster = databricks.Cluster(
                f"{name}-cluster",
                cluster_name=name,
                spark_version=a["spark_version"],
                node_type_id=a["node_type"],
                driver_node_type_id=a.get("driver_node_type"),
                num_workers=None if size.autoscale else size.minimum,
                autoscale=databricks.ClusterAutoscaleArgs(min_workers=size.minimum, max_workers=size.maximum)
                if size.autoscale
                else None,
                autotermination_minutes=a["autotermination_minutes"],
                spark_conf=_spark_conf(a, size) or None,
                spark_env_vars=_env_vars(a),
                custom_tags=_custom_tags(a, size) or None,
                init_scripts=[s.cluster_args() for s in scripts] or None,
                cluster_log_conf=_log_conf(a["log_destination"]) if a.get("log_destination") else None,
                policy_id=a.get("policy_id"),
                data_security_mode=a["data_security_mode"].value,
                single_user_name=single_user_name if dedicated else None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self._grant_run_as(name, run_as, "cluster", cluster_id=self.cluster.id)
            cluster_id = self.cluster.id
            self._job_task = lambda: {"existing_cluster_id": cluster_id}
            return {"existing_cluster_id": self.cluster.id}
        fields: dict[str, Any] = {
            "new_cluster_version": a["spark_version"],
            "new_cluster_num_of_worker": size.adf(),
            "new_cluster_spark_env_vars": _env_vars(a),
        }
        if a["mode"] is ClusterMode.POOL:
            pool = a["pool"]
            self.pool = databricks.InstancePool(
                f"{name}-pool",
                instance_pool_name=name,
                node_type_id=a["node_type"],
                min_idle_instances=pool["min_idle"],
                max_capacity=pool["max_capacity"],
                idle_instance_autotermination_minutes=pool["idle_minutes"],
                preloaded_spark_versions=[a["spark_version"]],
                # Data Factory ignores newClusterCustomTags with a pool; the pool's own tags
                # propagate to its clusters (terraform docs instance_pool.md, custom_tags).
                custom_tags=dict(a["custom_tags"]) or None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self._grant_run_as(name, run_as, "pool", instance_pool_id=self.pool.id)
            fields["instance_pool_id"] = self.pool.id
        else:
            fields["new_cluster_node_type"] = a["node_type"]
            fields["new_cluster_driver_node_type"] = a.get("driver_node_type")
            fields["new_cluster_custom_tags"] = dict(a["custom_tags"])
        self._job_task = lambda: {"new_cluster": self._job_cluster(a, size, scripts)}
        # No single-node settings here: a job or pool cluster has at least one worker
        # (check_job_workers, check_pool_workers).
        fields.update(
            {
                "new_cluster_spark_conf": dict(a["spark_conf"]),
                # Strings, as Data Factory takes them: a workspace path, or a dbfs:/ path for
                # DBFS (the form Learn's newClusterInitScripts row first documented, "the DBFS
                # path"); a /dbfs/ FUSE path would read as a workspace path, so it is sent in
                # its dbfs:/ form.
                "new_cluster_init_scripts": [s.destination for s in scripts],
                "new_cluster_log_destination": a.get("log_destination"),
                "policy_id": a.get("policy_id"),
                # Without it a job cluster gets the workspace's default for jobs compute,
                # "No isolation shared" unless an admin chose otherwise (Databricks docs,
                # "Default access mode for jobs compute"): no Unity Catalog, and refused
                # where legacy features are disabled.
                "data_security_mode": a["data_security_mode"].value,
            }
        )
        return {k: v for k, v in fields.items() if v not in (None, {}, [])}

    @property
    def job_task_compute(self) -> dict[str, Any]:
        """Keyword arguments for `pulumi_databricks.JobTaskArgs` that run a job's task on this
        compute: a job cluster of the same settings as the linked service's (modes job and
        pool), or the cluster itself (modes interactive and existing)."""
        return self._job_task()

    def _job_cluster(
        self, a: Mapping[str, Any], size: _Size, scripts: list[InitScript]
    ) -> databricks.JobTaskNewClusterArgs:
        """A job task's cluster with the settings Data Factory's job clusters get from the
        linked service (the pool's node type and tags in mode pool)."""
        pooled = self.pool is not None
        return databricks.JobTaskNewClusterArgs(
            spark_version=a["spark_version"],
            node_type_id=None if pooled else a["node_type"],
            driver_node_type_id=a.get("driver_node_type"),  # refused with a pool (MODE_KEYS)
            instance_pool_id=self.pool.id if self.pool is not None else None,
            num_workers=None if size.autoscale else size.minimum,
            autoscale=databricks.JobTaskNewClusterAutoscaleArgs(
                min_workers=size.minimum, max_workers=size.maximum
            )
            if size.autoscale
            else None,
            spark_conf=dict(a["spark_conf"]) or None,
            spark_env_vars=_env_vars(a),
            custom_tags=None if pooled else dict(a["custom_tags"]) or None,
            init_scripts=[s.job_task_args() for s in scripts] or None,
            cluster_log_conf=_job_log_conf(a["log_destination"]) if a.get("log_destination") else None,
            policy_id=a.get("policy_id"),
            # Dedicated (SINGLE_USER) job clusters belong to the identity the job runs as.
            data_security_mode=a["data_security_mode"].value,
        )

    def _grant_run_as(self, name: str, run_as: pulumi.Input[str] | None, what: str, **target: Any) -> None:
        """Let the principal ADF runs as use the cluster or pool (without Can Manage)."""
        if run_as is None:
            return
        level = RUN_AS_LEVELS[what]
        permissions = databricks.Permissions(
            f"{name}-{what}-permissions",
            # Not authoritative for admins and the creator, whose rights Databricks keeps; for
            # anyone else it is: access given by hand is removed on the next `pulumi up`.
            access_controls=[
                pulumi.Output.from_input(run_as).apply(lambda principal: run_as_control(principal, level))
            ],
            opts=pulumi.ResourceOptions(parent=self),
            **target,
        )
        self.grants.append(permissions)
