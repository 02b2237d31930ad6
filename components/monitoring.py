"""Monitoring: the factory's run history in Log Analytics, and alerts when a pipeline failed or did not run.

`MonitoringSpec` is also the stack config's `monitoring` section: its rules below are the ones
config is checked with (paths relative to the section: `retentionDays`, `alertEmails[0]`).

What it builds (the pieces teams wire up by hand after the Learn module's "monitor pipeline
runs in the Monitor section"):

- a Log Analytics workspace, unless an existing one is given;
- diagnostic settings sending the factory's PipelineRuns, ActivityRuns and TriggerRuns logs to
  the resource-specific tables ADFPipelineRun, ADFActivityRun and ADFTriggerRun, with its
  metrics; and the Databricks workspace's audit logs when the stack created that workspace;
- with `alertEmails`: an action group mailing them, a metric alert on `PipelineFailedRuns`
  split by pipeline, a log search alert per enabled schedule for runs that never happened
  and per enabled tumbling window for windows whose run did not start (components.missed_runs;
  a storage event is not watched: it has no time it is due at), and, with a Key Vault holding a
  Databricks token, Key Vault's near-expiry and expired events as alerts.
"""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.
# validation.parse fills every default, so keys with a default are read with [].
# pyright: reportTypedDictNotRequiredAccess=false

import functools
import hashlib
import re
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native.eventgrid as eventgrid
import pulumi_azure_native.monitor as monitor
import pulumi_azure_native.operationalinsights as operationalinsights
import pulumiverse_time as time
from typing_extensions import NotRequired

from . import missed_runs, outputs, validation
from .arm import RESOURCE_GROUP_NAME, TAGS, any_case
from .names import DATA_FACTORY_NAME
from .trigger import ScheduleSpec
from .tumbling_window import TumblingWindowSpec
from .validation import check, checks, rule, rules, shown_default

DEFAULT_RETENTION_DAYS = 30
DEFAULT_GRACE_MINUTES = 60
DEFAULT_FAILED_RUN_ALERT = True
DEFAULT_MISSED_RUN_ALERT = True
ALERT_KEYS = ("failedRunAlert", "missedRunAlert", "missedRunGraceMinutes")
"""MonitoringSpec keys about alerts, which need `alertEmails`. Their defaults (above) are applied
by the component, not by rules: a rule's default would hide whether the key was written."""

LOG_ANALYTICS_WORKSPACE_ID = (
    f"^/{any_case('subscriptions')}/[0-9a-fA-F-]{{36}}/{any_case('resourceGroups')}/[-\\w.()]+"
    f"/{any_case('providers')}/{any_case('Microsoft.OperationalInsights')}/{any_case('workspaces')}"
    "/[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$"
)
"""A Log Analytics workspace's ARM id (names: 4-63 letters, digits and -, a letter or digit at
both ends; terraform-provider-azurerm loganalytics/validate/log_analytics_workspace_name.go)."""

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
"""An email address: something, @, a domain with a dot."""

FACTORY_LOGS = ("PipelineRuns", "ActivityRuns", "TriggerRuns")
"""Data Factory's run logs, which go to ADFPipelineRun, ADFActivityRun and ADFTriggerRun in
resource-specific mode (MicrosoftDocs/azure-reference-other, azure-monitor-ref/supported-logs/
includes/microsoft-datafactory-factories-logs-include.md)."""

DATABRICKS_LOGS = ("accounts", "clusters", "instancePools", "jobs", "notebook", "workspace")
"""Databricks audit-log categories for what this stack's runs touch: sign-ins and tokens
(accounts), the clusters and pools they run on, the job runs Data Factory submits, the
notebooks and the workspace folder. Diagnostic logs need the Premium tier (Learn, databricks
administration-guide/account-settings/azure-diagnostic-logs); the category names are Azure's
(azure-monitor-ref/supported-logs/includes/microsoft-databricks-workspaces-logs-include.md),
and accounts, clusters, notebook and jobs are the ones the CIS Azure Foundations Benchmark
v5.0.0 asks for."""

FAILED_RUNS_METRIC = "PipelineFailedRuns"
"""Failed pipeline runs, Total, with dimensions FailureType and Name (the pipeline), 1-minute
grain (azure-monitor-ref/supported-metrics/includes/Microsoft-DataFactory-factories-metrics-include.md)."""

KEY_VAULT_EVENTS = {
    "near-expiry": ("Microsoft.KeyVault.SecretNearExpiry", "Sev2", "expires within 30 days"),
    "expired": ("Microsoft.KeyVault.SecretExpired", "Sev1", "has expired"),
}
"""Key Vault's secret expiry events (Learn, event-grid/event-schema-key-vault.md: near expiry
"is triggered 30 days before the expiration date"), by subscription: type, alert severity,
what it means."""

MISSED_RUN_EVALUATION = "PT15M"
"""How often a missed-run rule runs its query."""


@rules(
    log_analytics_workspace_id=rule(
        "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>",
        pattern=LOG_ANALYTICS_WORKSPACE_ID,
    ),
    # terraform-provider-azurerm log_analytics_workspace_resource.go: retention_in_days 30 to 730
    # (the REST API says only "per pricing plan"; 7 is the Free tier's).
    retention_days=shown_default(rule(minimum=30, maximum=730), DEFAULT_RETENTION_DAYS),
    alert_emails=rule(
        "a list of distinct email addresses",
        minItems=1,
        uniqueItems=True,
        items=rule("an email address like ops@example.com", pattern=EMAIL),
    ),
    # At most a day, so that a due run plus its grace stays inside the two days an alert
    # query can look back (components.missed_runs.MAX_QUERY_RANGE).
    missed_run_grace_minutes=shown_default(rule(minimum=5, maximum=1440), DEFAULT_GRACE_MINUTES),
    failed_run_alert=shown_default(rule(), DEFAULT_FAILED_RUN_ALERT),
    missed_run_alert=shown_default(rule(), DEFAULT_MISSED_RUN_ALERT),
)
class MonitoringSpec(TypedDict):
    """Diagnostics to Log Analytics, and who is told when a pipeline failed or did not run."""

    log_analytics_workspace_id: NotRequired[str]
    """ARM id of an existing Log Analytics workspace to send the logs to, which the alert rules
    then query; the stack creates one when unset (named `<project>-<stack>`)."""
    retention_days: NotRequired[int]
    """Days the created workspace keeps data, 30 to 730 (default 30; not with
    logAnalyticsWorkspaceId)."""
    alert_emails: NotRequired[list[str]]
    """Addresses the alerts mail; no alerts without them."""
    missed_run_grace_minutes: NotRequired[int]
    """Minutes a scheduled run may start late before it counts as missed, 5 to 1440 (default 60;
    with alertEmails and missedRunAlert)."""
    failed_run_alert: NotRequired[bool]
    """Alert when a pipeline run fails (default true; with alertEmails)."""
    missed_run_alert: NotRequired[bool]
    """Alert when an enabled schedule's run did not happen (default true; with alertEmails)."""


@checks(MonitoringSpec, "logAnalyticsWorkspaceId", "retentionDays")
def _retention_of_a_created_workspace(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "logAnalyticsWorkspaceId" in spec and "retentionDays" in spec:
        yield (
            "retentionDays",
            "applies to a workspace the stack creates, not with monitoring.logAnalyticsWorkspaceId"
            " (set retention on that workspace)",
        )


def _needs_emails(key: str, spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "alertEmails" not in spec and key in spec:
        yield key, "applies only with monitoring.alertEmails: alerts need someone to tell"


# Reads only whether alertEmails is there, so a broken address does not hide this.
for _key in ALERT_KEYS:
    check(MonitoringSpec, functools.partial(_needs_emails, _key), _key)


@checks(MonitoringSpec, "missedRunAlert", "missedRunGraceMinutes")
def _grace_of_a_missed_run_alert(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if spec.get("missedRunAlert") is False and "missedRunGraceMinutes" in spec:
        yield "missedRunGraceMinutes", "applies only with monitoring.missedRunAlert true"


@rules(pipeline_name=DATA_FACTORY_NAME)
class ScheduledPipeline(TypedDict):
    """A pipeline run by a schedule trigger, which the missed-run alert watches."""

    pipeline_name: str
    """The pipeline's name in the factory."""
    schedule: ScheduleSpec
    """Its trigger's schedule; only an enabled one is watched."""
    trigger_id: NotRequired[pulumi.Input[str]]
    """ARM id of the trigger: watching starts once it exists, and again when it is replaced."""


@rules(pipeline_name=DATA_FACTORY_NAME)
class WindowedPipeline(TypedDict):
    """A pipeline run by a tumbling-window trigger, which the missed-run alert watches: a window
    whose run did not start once it was due (its end plus delay)."""

    pipeline_name: str
    """The pipeline's name in the factory."""
    tumbling_window: TumblingWindowSpec
    """Its trigger's windows; only an enabled trigger is watched."""
    trigger_id: NotRequired[pulumi.Input[str]]
    """ARM id of the trigger: watching starts once it exists, and again when it is replaced."""


@rules(
    owner=rule("project/stack, e.g. adf-databricks/prod", pattern=r"^[\w.-]+/[\w.-]+$"),
    resource_group_name=RESOURCE_GROUP_NAME,
    tags=TAGS,
    protect=rule(default=False),
    scheduled_pipelines=rule(default=[]),
    windowed_pipelines=rule(default=[]),
)
class MonitoringArgs(TypedDict):
    """Inputs of Monitoring."""

    spec: MonitoringSpec
    """What to monitor and whom to tell."""
    owner: str
    """Who the alerts are about, `<project>/<stack>`: every alert names it, and Azure names
    derive from it."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the workspace, the action group and the alert rules."""
    location: NotRequired[pulumi.Input[str] | None]
    """Azure region of the workspace and the log alert rules; the resource group's when unset."""
    tags: NotRequired[dict[str, str]]
    """Tags for every taggable resource."""
    protect: NotRequired[bool]
    """Protect a created Log Analytics workspace (the run history) against deletion by Pulumi."""
    factory_id: pulumi.Input[str]
    """ARM id of the Data Factory."""
    monitor_url: pulumi.Input[str]
    """ADF Studio's Monitor hub for the factory, which every alert links to."""
    databricks_workspace_id: NotRequired[pulumi.Input[str] | None]
    """ARM id of a Databricks workspace the stack created (premium or trial), whose audit logs
    go to Log Analytics too; leave unset for an adopted workspace."""
    key_vault_id: NotRequired[pulumi.Input[str] | None]
    """ARM id of the Key Vault holding the Databricks token (its only secret), whose expiry
    events become alerts."""
    scheduled_pipelines: NotRequired[list[ScheduledPipeline]]
    """The scheduled pipelines, each with its schedule."""
    windowed_pipelines: NotRequired[list[WindowedPipeline]]
    """The pipelines run by tumbling windows, each with its windows. A pipeline run by storage
    events has no place here: an event trigger has no time it is due at, so no run can be
    missed."""


def azure_name(text: str, limit: int) -> str:
    """A name Azure takes for workspaces, action groups, alert rules and Event Grid topics:
    letters, digits and -, a letter or digit at both ends, at most `limit` characters."""
    return re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9-]", "-", text))[:limit].strip("-")


def name_part(text: str) -> str:
    """A pipeline's name as part of an Azure name: as it is when Azure takes it, else with a
    digest of itself, so two pipelines whose names differ only in other characters (`a b`,
    `a-b`) do not share a rule name."""
    name = azure_name(text, 200)
    return name if name == text else f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:6]}"


def short_name(owner: str) -> str:
    """An action group's short name (at most 12 characters, shown in SMS and email; azurerm
    monitor_action_group_resource.go): `adf-` and the stack."""
    return ("adf-" + re.sub(r"[^A-Za-z0-9]", "", owner.split("/")[-1]))[:12]


class Monitoring(pulumi.ComponentResource):
    """Diagnostic settings to Log Analytics and alerts on failed, missed and unauthenticated runs."""

    workspace_id: pulumi.Output[str]
    """ARM id of the Log Analytics workspace the logs go to."""
    failed_runs_query: pulumi.Output[str]
    """KQL for the factory's failed pipeline runs of the last day, to run in that workspace."""
    action_group: monitor.ActionGroup | None
    """The action group mailing alertEmails (None without them)."""
    failed_run_alert: monitor.MetricAlert | None
    """The metric alert on failed pipeline runs, split by pipeline."""
    diagnostics: monitor.DiagnosticSetting
    """The factory's diagnostic setting."""
    # Python-only: a map of resources is no schema type. Read through `missed_run_alerts`.
    _missed_run_alerts: dict[str, monitor.ScheduledQueryRule]
    # Python-only too: read through `missed_window_alerts`.
    _missed_window_alerts: dict[str, monitor.ScheduledQueryRule]
    # Python-only too: read through `token_alerts`.
    _token_expiry_alerts: dict[str, eventgrid.SystemTopicEventSubscription]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        args = validation.parse(MonitoringArgs, args, f"Monitoring {name}: ")
        super().__init__("adf-databricks:index:Monitoring", name, None, opts)
        spec = args["spec"]
        owner = args["owner"]
        slug = azure_name(owner, 50)
        tags = dict(args["tags"])
        location = args.get("location")
        group = args["resource_group_name"]
        child = pulumi.ResourceOptions(parent=self)

        if "log_analytics_workspace_id" in spec:
            self.workspace_id = pulumi.Output.from_input(spec["log_analytics_workspace_id"])
        else:
            workspace = operationalinsights.Workspace(
                f"{name}-log-analytics",
                workspace_name=azure_name(owner, 63),
                resource_group_name=group,
                location=location,
                # Pay-as-you-go per GB ingested, the SKU of every new workspace.
                sku=operationalinsights.WorkspaceSkuArgs(
                    name=operationalinsights.WorkspaceSkuNameEnum.PER_GB2018
                ),
                retention_in_days=spec.get("retention_days", DEFAULT_RETENTION_DAYS),
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self, protect=args["protect"]),
            )
            self.workspace_id = workspace.id

        self.diagnostics = monitor.DiagnosticSetting(
            f"{name}-factory-diagnostics",
            name=f"{slug}-log-analytics",
            resource_uri=args["factory_id"],
            workspace_id=self.workspace_id,
            # Resource-specific tables: "we *highly recommend* that you select Resource-Specific
            # mode" (Learn, data-factory/monitor-configure-diagnostics.md); the REST API's
            # value for it is Dedicated.
            log_analytics_destination_type="Dedicated",
            logs=[monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True) for c in FACTORY_LOGS],
            metrics=[monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)],
            opts=child,
        )
        databricks_id = args.get("databricks_workspace_id")
        if databricks_id is not None:
            monitor.DiagnosticSetting(
                f"{name}-databricks-diagnostics",
                name=f"{slug}-log-analytics",
                resource_uri=databricks_id,
                workspace_id=self.workspace_id,
                logs=[monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True) for c in DATABRICKS_LOGS],
                opts=child,
            )
        self.failed_runs_query = pulumi.Output.from_input(args["factory_id"]).apply(
            missed_runs.failed_runs_query
        )

        self.action_group = None
        self.failed_run_alert = None
        self._missed_run_alerts = {}
        self._missed_window_alerts = {}
        self._token_expiry_alerts = {}
        emails = spec.get("alert_emails")
        if emails:
            self.action_group = monitor.ActionGroup(
                f"{name}-action-group",
                action_group_name=f"{slug}-alerts",
                group_short_name=short_name(owner),
                resource_group_name=group,
                # Action groups are global resources (azurerm monitor_action_group_resource.go).
                location="global",
                # enabled: the SDK sends its default, true (monitor/action_group.py).
                email_receivers=[
                    monitor.MicrosoftCommonEmailReceiverArgs(
                        name=f"email-{i}", email_address=address, use_common_alert_schema=True
                    )
                    for i, address in enumerate(emails)
                ],
                tags=tags,
                opts=child,
            )
            links = {"stack": owner, "monitor": args["monitor_url"]}
            if spec.get("failed_run_alert", DEFAULT_FAILED_RUN_ALERT):
                self.failed_run_alert = self._failed_run_alert(name, args, slug, links)
            if spec.get("missed_run_alert", DEFAULT_MISSED_RUN_ALERT):
                grace = timedelta(minutes=spec.get("missed_run_grace_minutes", DEFAULT_GRACE_MINUTES))
                for scheduled in args["scheduled_pipelines"]:
                    if scheduled["schedule"]["enabled"]:  # parse fills its default (True)
                        self._missed_run_alerts[scheduled["pipeline_name"]] = self._missed_run_alert(
                            name, args, slug, links, scheduled, grace
                        )
                for windowed in args["windowed_pipelines"]:
                    if windowed["tumbling_window"]["enabled"]:  # parse fills its default (True)
                        self._missed_window_alerts[windowed["pipeline_name"]] = self._missed_run_alert(
                            name, args, slug, links, windowed, grace
                        )
            if args.get("key_vault_id") is not None:
                self._token_alerts(name, args, slug)
        outputs.register(self)

    @property
    def missed_window_alerts(self) -> dict[str, monitor.ScheduledQueryRule]:
        """The missed-window alert of each enabled tumbling-window pipeline, by pipeline name."""
        return self._missed_window_alerts

    @property
    def missed_run_alerts(self) -> dict[str, monitor.ScheduledQueryRule]:
        """The missed-run alert of each enabled scheduled pipeline, by pipeline name."""
        return self._missed_run_alerts

    @property
    def token_alerts(self) -> dict[str, eventgrid.SystemTopicEventSubscription]:
        """The Event Grid subscriptions on the token's Key Vault, by purpose (near-expiry,
        expired); empty without a Key Vault or alertEmails. They see only secret versions
        written after they exist: give their ids to the token's WorkspaceAccess
        (`token_watchers`)."""
        return self._token_expiry_alerts

    def _failed_run_alert(
        self, name: str, args: Mapping[str, Any], slug: str, links: Mapping[str, pulumi.Input[str]]
    ) -> monitor.MetricAlert:
        assert self.action_group is not None
        return monitor.MetricAlert(
            f"{name}-failed-runs",
            rule_name=f"{slug}-pipeline-failed",
            resource_group_name=args["resource_group_name"],
            # Metric alert rules are global (azurerm monitor_metric_alert_resource.go).
            location="global",
            description=pulumi.Output.concat(
                args["owner"],
                ": a pipeline run failed in Data Factory (the alert's Name dimension is the pipeline)."
                " Runs: ",
                args["monitor_url"],
            ),
            severity=1,
            enabled=True,
            # Updated in place when the factory is replaced: a metric alert's scopes may change
            # (azurerm monitor_metric_alert_resource.go updates `scopes` with CreateOrUpdate, no
            # ForceNew), unlike a log search alert's.
            scopes=[args["factory_id"]],
            evaluation_frequency="PT1M",
            window_size="PT5M",
            criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                all_of=[
                    monitor.MetricCriteriaArgs(
                        criterion_type="StaticThresholdCriterion",
                        name="FailedPipelineRuns",
                        metric_namespace="Microsoft.DataFactory/factories",
                        metric_name=FAILED_RUNS_METRIC,
                        time_aggregation=monitor.AggregationTypeEnum.TOTAL,
                        operator=monitor.Operator.GREATER_THAN,
                        threshold=0,
                        # "*" splits by every value, present and future: one alert per pipeline.
                        dimensions=[
                            monitor.MetricDimensionArgs(name="Name", operator="Include", values=["*"])
                        ],
                    )
                ],
            ),
            auto_mitigate=True,
            actions=[
                monitor.MetricAlertActionArgs(
                    action_group_id=self.action_group.id, web_hook_properties=dict(links)
                )
            ],
            tags=dict(args["tags"]),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _missed_run_alert(
        self,
        name: str,
        args: Mapping[str, Any],
        slug: str,
        links: Mapping[str, pulumi.Input[str]],
        scheduled: Mapping[str, Any],
        grace: timedelta,
    ) -> monitor.ScheduledQueryRule:
        assert self.action_group is not None
        pipeline = scheduled["pipeline_name"]
        if "tumbling_window" in scheduled:
            # A window's run is due once the window has ended, plus its delay.
            recurrence = missed_runs.window_recurrence(scheduled["tumbling_window"])
            kind, what = "window", f"its windows' ends plus delay: {missed_runs.describe(recurrence)}"
        else:
            recurrence = missed_runs.recurrence(scheduled["schedule"])
            kind, what = "run", missed_runs.describe(recurrence)
        window = missed_runs.query_window(recurrence, grace)
        # When this rule started watching, recorded once, after the trigger and the diagnostic
        # setting exist, and again when either is replaced or the logs go to another workspace:
        # a due run before it may predate the trigger or the logs.
        since = time.Static(
            f"{name}-missed-{kind}-{pipeline}-since",
            triggers={
                "trigger": scheduled.get("trigger_id", ""),
                "diagnostics": self.diagnostics.id,
                "workspace": self.workspace_id,
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
        query = pulumi.Output.all(args["factory_id"], since.rfc3339).apply(
            lambda values: missed_runs.missed_run_query(
                recurrence,
                pipeline=pipeline,
                factory_id=values[0],
                grace=grace,
                watched_from=f"datetime({values[1]})",
            )
        )
        return monitor.ScheduledQueryRule(
            f"{name}-missed-{kind}-{pipeline}",
            rule_name=f"{slug}-{name_part(pipeline)}-missed-{kind}",
            resource_group_name=args["resource_group_name"],
            location=args.get("location"),
            kind="LogAlert",
            display_name=f"{args['owner']}: {pipeline} did not run",
            description=pulumi.Output.concat(
                args["owner"],
                f": pipeline {pipeline} has not run since it was due ({what},"
                f" {int(grace / timedelta(minutes=1))} minutes grace). Runs: ",
                args["monitor_url"],
            ),
            severity=2,
            enabled=True,
            scopes=[self.workspace_id],
            evaluation_frequency=MISSED_RUN_EVALUATION,
            window_size=MISSED_RUN_EVALUATION,
            # The query filters its own window; the range only has to cover it.
            override_query_time_range=missed_runs.query_time_range(window),
            criteria=monitor.ScheduledQueryRuleCriteriaArgs(
                all_of=[
                    monitor.ConditionArgs(
                        query=query,
                        time_aggregation=monitor.TimeAggregation.COUNT,
                        # A row is a missed run (the REST API's ConditionOperator, e.g.
                        # azure-rest-api-specs monitor 2025-01-01-preview
                        # examples/createOrUpdateScheduledQueryRule.json).
                        operator="GreaterThan",
                        threshold=0,
                        failing_periods=monitor.ConditionFailingPeriodsArgs(
                            number_of_evaluation_periods=1, min_failing_periods_to_alert=1
                        ),
                    )
                ]
            ),
            # Stateful: one notification when the run is missed, resolved once the pipeline has
            # run since (or the due run ages out of the two days the query can see).
            auto_mitigate=True,
            actions=monitor.ActionsArgs(
                action_groups=[self.action_group.id],
                custom_properties={**links, "pipeline": pipeline},
            ),
            tags=dict(args["tags"]),
            opts=pulumi.ResourceOptions(
                parent=self,
                # Azure refuses to move a rule to another workspace (400 "Scope can not be
                # updated"; azurerm monitor_scheduled_query_rules_alert_v2 docs, `scopes`:
                # "Changing this forces a new resource to be created"), which azure-native 3.x
                # tries in place (pulumi-azure-native#4839): replace it instead. Its name stays,
                # so the old rule goes first.
                replace_on_changes=["scopes"],
                delete_before_replace=True,
            ),
        )

    def _token_alerts(self, name: str, args: Mapping[str, Any], slug: str) -> None:
        """Key Vault's expiry events for the token's secret, delivered as Azure Monitor alerts
        ("Azure Monitor alerts as a destination in Event Grid event subscriptions is currently
        available only for Azure Key Vault system events", which need the Cloud Events schema;
        Learn, event-grid/handler-azure-monitor-alerts.md)."""
        assert self.action_group is not None
        topic = eventgrid.SystemTopic(
            f"{name}-key-vault-events",
            system_topic_name=f"{slug}-key-vault",  # slug: an Azure name of at most 50
            resource_group_name=args["resource_group_name"],
            location=args.get("location"),
            source=args["key_vault_id"],
            topic_type="Microsoft.KeyVault.vaults",
            tags=dict(args["tags"]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for purpose, (event, severity, meaning) in KEY_VAULT_EVENTS.items():
            self._token_expiry_alerts[purpose] = eventgrid.SystemTopicEventSubscription(
                f"{name}-token-{purpose}",
                event_subscription_name=f"token-{purpose}",
                system_topic_name=topic.name,
                resource_group_name=args["resource_group_name"],
                event_delivery_schema=eventgrid.EventDeliverySchema.CLOUD_EVENT_SCHEMA_V1_0,
                filter=eventgrid.EventSubscriptionFilterArgs(included_event_types=[event]),
                destination=eventgrid.MonitorAlertEventSubscriptionDestinationArgs(
                    endpoint_type="MonitorAlert",
                    severity=severity,
                    action_groups=[self.action_group.id],
                    description=pulumi.Output.concat(
                        args["owner"],
                        f": the Databricks token Data Factory uses {meaning}; run `pulumi up` to"
                        " rotate it (pipeline runs fail with 403 once it has expired). Runs: ",
                        args["monitor_url"],
                    ),
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
