"""The closed sets of values the configuration and the components accept, in one place."""

from __future__ import annotations

from enum import Enum


class AuthMode(str, Enum):
    """How Data Factory authenticates to the Databricks workspace."""

    MSI = "msi"
    """A user-assigned managed identity the factory carries (Contributor on the workspace)."""
    TOKEN = "token"
    """A Databricks personal access token, rotated before it expires."""


class ClusterMode(str, Enum):
    """Which compute the Notebook activities run on."""

    JOB = "job"
    """A new job cluster for every activity run."""
    INTERACTIVE = "interactive"
    """A long-lived all-purpose cluster created by the stack."""
    POOL = "pool"
    """Job clusters drawn from an instance pool created by the stack."""
    EXISTING = "existing"
    """A cluster that already exists in the workspace."""


class WorkspaceSku(str, Enum):
    """Azure Databricks pricing tiers a new workspace can have.

    `standard` is not one: Standard-tier workspaces reached end of life (see
    components.workspace.RETIRED_SKUS).
    """

    PREMIUM = "premium"
    TRIAL = "trial"


class PublicNetworkAccess(str, Enum):
    """Whether the workspace is reachable from the public internet."""

    ENABLED = "Enabled"
    DISABLED = "Disabled"


class Frequency(str, Enum):
    """Schedule trigger recurrence units, as Data Factory names them."""

    MINUTE = "Minute"
    HOUR = "Hour"
    DAY = "Day"
    WEEK = "Week"
    MONTH = "Month"


class WindowFrequency(str, Enum):
    """Tumbling-window units, as Data Factory names them (TumblingWindowFrequency)."""

    MINUTE = "Minute"
    HOUR = "Hour"
    MONTH = "Month"


class BlobEvent(str, Enum):
    """Storage events a storage-event trigger runs on (BlobEventTypes, without their
    `Microsoft.Storage.` prefix)."""

    CREATED = "BlobCreated"
    DELETED = "BlobDeleted"


class WeekDay(str, Enum):
    """Days a weekly schedule may run on."""

    MONDAY = "Monday"
    TUESDAY = "Tuesday"
    WEDNESDAY = "Wednesday"
    THURSDAY = "Thursday"
    FRIDAY = "Friday"
    SATURDAY = "Saturday"
    SUNDAY = "Sunday"


class ParameterType(str, Enum):
    """Data Factory pipeline parameter types."""

    STRING = "String"
    INT = "Int"
    FLOAT = "Float"
    BOOL = "Bool"
    ARRAY = "Array"
    OBJECT = "Object"
    SECURE_STRING = "SecureString"


class VariableType(str, Enum):
    """Data Factory pipeline variable types (azure-native VariableType)."""

    STRING = "String"
    BOOL = "Bool"
    ARRAY = "Array"


class DependencyCondition(str, Enum):
    """When an activity runs relative to the activity it depends on."""

    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    SKIPPED = "Skipped"
    COMPLETED = "Completed"


class DataSecurityMode(str, Enum):
    """Databricks cluster access modes valid on a cluster without a `kind`.

    The Data Factory linked service cannot send a cluster `kind`, so the
    `DATA_SECURITY_MODE_*` names are not here, nor the `LEGACY_*` modes deprecated since
    Databricks Runtime 15.0 (components.compute.REFUSED_ACCESS_MODES says why).
    """

    SINGLE_USER = "SINGLE_USER"
    """Dedicated: only `single_user_name` (for job clusters, the identity that runs the
    job) uses the cluster; Unity Catalog, every language."""
    USER_ISOLATION = "USER_ISOLATION"
    """Standard (formerly shared): users isolated from each other; Unity Catalog, some
    language and API limits."""
    NONE = "NONE"
    """No isolation shared: no Unity Catalog; refused where legacy features are disabled."""


class InitScriptSource(str, Enum):
    """Where a cluster init script is stored, as the Clusters API names the source."""

    WORKSPACE = "workspace"
    """A workspace file, e.g. /Workspace/Shared/init.sh."""
    DBFS = "dbfs"
    """DBFS (legacy), e.g. dbfs:/init/setup.sh."""
    VOLUMES = "volumes"
    """A Unity Catalog volume, e.g. /Volumes/main/default/scripts/init.sh."""
    ABFSS = "abfss"
    """ADLS Gen2, e.g. abfss://container@account.dfs.core.windows.net/init.sh."""


class JobCompute(str, Enum):
    """What the notebook task of a job the stack creates runs on."""

    SERVERLESS = "serverless"
    """Databricks serverless compute for jobs: no cluster spec, nothing to start or keep idle."""
    CLUSTER = "cluster"
    """The stack's `cluster` settings: a job cluster per run (modes job and pool), or the
    stack's interactive or existing cluster."""
