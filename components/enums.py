"""The closed sets of values the configuration and the components accept, in one place."""

from __future__ import annotations

from enum import Enum


class AuthMode(str, Enum):
    """How Data Factory authenticates to the Databricks workspace."""

    MSI = "msi"
    """The factory's system-assigned managed identity (Contributor on the workspace)."""
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


class DependencyCondition(str, Enum):
    """When an activity runs relative to the activity it depends on."""

    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    SKIPPED = "Skipped"
    COMPLETED = "Completed"


class DataSecurityMode(str, Enum):
    """Databricks cluster access modes (Unity Catalog)."""

    NONE = "NONE"
    SINGLE_USER = "SINGLE_USER"
    USER_ISOLATION = "USER_ISOLATION"
    LEGACY_TABLE_ACL = "LEGACY_TABLE_ACL"
    LEGACY_PASSTHROUGH = "LEGACY_PASSTHROUGH"
    LEGACY_SINGLE_USER = "LEGACY_SINGLE_USER"
    LEGACY_SINGLE_USER_STANDARD = "LEGACY_SINGLE_USER_STANDARD"
    DATA_SECURITY_MODE_STANDARD = "DATA_SECURITY_MODE_STANDARD"
    DATA_SECURITY_MODE_DEDICATED = "DATA_SECURITY_MODE_DEDICATED"
    DATA_SECURITY_MODE_AUTO = "DATA_SECURITY_MODE_AUTO"
