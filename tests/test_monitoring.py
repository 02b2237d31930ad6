"""Monitoring: diagnostics to Log Analytics, the action group and the failed-run, missed-run and
token alerts, as a stack with a `monitoring` section renders them; and nothing without one."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from components import missed_runs
from components.monitoring import azure_name, name_part, short_name
from components.settings import ConfigError, load
from tests.conftest import ROOT, Render, base, pipeline, run_program
from tools import engine, plan

DIAGNOSTIC = "azure-native:monitor:DiagnosticSetting"
WORKSPACE = "azure-native:operationalinsights:Workspace"
ACTION_GROUP = "azure-native:monitor:ActionGroup"
METRIC_ALERT = "azure-native:monitor:MetricAlert"
QUERY_RULE = "azure-native:monitor:ScheduledQueryRule"
TOPIC = "azure-native:eventgrid:SystemTopic"
SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription"
STATIC = "time:index/static:Static"
MONITORING_TYPES = {
    DIAGNOSTIC,
    WORKSPACE,
    ACTION_GROUP,
    METRIC_ALERT,
    QUERY_RULE,
    TOPIC,
    SUBSCRIPTION,
}
"""Types only monitoring declares (a Static also records when a workspace or vault was
created, so it is told apart by name: see since_statics)."""


def since_statics(names: Any) -> list[str]:
    """The missed-run rules' start-of-watching Statics among resource names."""
    return [n for n in names if "-missed-run-" in n and n.endswith("-since")]


EMAILS = ["data-platform@example.com", "on-call@example.com"]
ALERTING = {"alertEmails": EMAILS}
FACTORY_ID = (
    f"/subscriptions/{engine.SUBSCRIPTION}/resourceGroups/adf-databricks-test/providers/"
    "Microsoft.DataFactory/factories/adf-databricks-data-factory-factory-0a1b2c3"
)
MONITOR_URL = "https://adf.azure.com/en/monitoring/pipelineruns?factory=" + FACTORY_ID.replace("/", "%2F")
WORKSPACE_ID = engine.arm_id(
    "adf-databricks-test", "Microsoft.OperationalInsights", "workspaces", "adf-databricks-test"
)
SHARED_WORKSPACE = engine.arm_id("shared-logs", "Microsoft.OperationalInsights", "workspaces", "central-logs")


def monitored(**monitoring: Any) -> dict[str, Any]:
    return base(monitoring=monitoring)


def diagnostic(result: engine.Result, resource_type: str) -> engine.Registration:
    """The diagnostic setting on the resource of a type (Microsoft.DataFactory, ...)."""
    return next(
        r for r in result.of_type(DIAGNOSTIC) if f"/providers/{resource_type}/" in r.raw_inputs["resourceUri"]
    )


# ---------------------------------------------------------------- without monitoring: as before


def test_a_stack_without_monitoring_declares_none_of_it(render: Render) -> None:
    result = render(base(auth={"mode": "token"}))
    assert {r.type for r in result.resources} & MONITORING_TYPES == set()
    assert since_statics(r.name for r in result.of_type(STATIC)) == []
    assert "adf-databricks:index:Monitoring" not in {r.type for r in result.resources}
    assert "logAnalyticsWorkspaceId" not in result.outputs
    assert "failedRunsQuery" not in result.outputs


def _stack_file(tmp_path: Path, name: str, config: dict[str, Any]) -> Path:
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump({"config": {f"adf-databricks:{k}": v for k, v in config.items()}}))
    return path


ROTATION = "time:index/rotating:Rotating"
TOKEN = "databricks:index/token:Token"
SECRET = "azure-native:keyvault:Secret"


@pytest.mark.parametrize(
    ("auth", "monitoring"),
    [
        ({"mode": "token"}, ALERTING),
        ({"mode": "token", "keyVault": False}, ALERTING),
        ({"mode": "token"}, {}),
        ({}, ALERTING),
    ],
)
def test_monitoring_only_adds_to_the_plan(
    tmp_path: Path, auth: dict[str, Any], monitoring: dict[str, Any]
) -> None:
    """Turning monitoring on changes no step of the plan a stack had but, with token alerts,
    the token's rotation (see test_turning_token_alerts_on_reissues_the_token); it adds its own
    steps under the Monitoring component, and two outputs."""
    config = base(auth=auth)
    before = plan.plan_for(_stack_file(tmp_path, "s", config), "s")
    after = plan.plan_for(_stack_file(tmp_path, "s", {**config, "monitoring": monitoring}), "s")
    old = {s["urn"]: s for s in before["steps"]}
    new = {s["urn"]: s for s in after["steps"]}
    changed = [old[urn]["newState"]["type"] for urn in old if new[urn] != old[urn]]
    watched = auth.get("mode") == "token" and auth.get("keyVault", True) and "alertEmails" in monitoring
    assert changed == ([ROTATION] if watched else [])
    added = [new[urn]["newState"]["type"] for urn in new.keys() - old.keys()]
    assert added and all(t in {*MONITORING_TYPES, STATIC, "adf-databricks:index:Monitoring"} for t in added)
    assert all("Monitoring" in urn for urn in new.keys() - old.keys())
    assert {k: v for k, v in after["outputs"].items() if k in before["outputs"]} == before["outputs"]
    assert set(after["outputs"]) - set(before["outputs"]) == {"logAnalyticsWorkspaceId", "failedRunsQuery"}


def test_committed_plans_have_monitoring_only_where_the_stack_turns_it_on() -> None:
    for stack_file in sorted(ROOT.glob("Pulumi.*.yaml")):
        stack = stack_file.name[len("Pulumi.") : -len(".yaml")]
        config = yaml.safe_load(stack_file.read_text())["config"]
        steps = json.loads((ROOT / "plans" / f"{stack}.json").read_text())["steps"]
        types = {s["newState"]["type"] for s in steps}
        assert bool(types & MONITORING_TYPES) == ("adf-databricks:monitoring" in config), stack
        if "adf-databricks:monitoring" not in config:
            assert since_statics(s["urn"].rsplit("::", 1)[1] for s in steps) == [], stack


# ---------------------------------------------------------------- Log Analytics and diagnostics


def test_diagnostic_settings_on_the_factory(render: Render) -> None:
    result = render(monitored())
    factory = diagnostic(result, "Microsoft.DataFactory").raw_inputs
    assert factory["resourceUri"] == FACTORY_ID
    assert factory["workspaceId"] == WORKSPACE_ID
    assert factory["logAnalyticsDestinationType"] == "Dedicated"
    assert [(log["category"], log["enabled"]) for log in factory["logs"]] == [
        ("PipelineRuns", True),
        ("ActivityRuns", True),
        ("TriggerRuns", True),
    ]
    assert factory["metrics"] == [{"category": "AllMetrics", "enabled": True}]


def test_a_workspace_is_created_with_30_days_unless_told(render: Render) -> None:
    workspace = render(monitored()).one(WORKSPACE).raw_inputs
    assert workspace["workspaceName"] == "adf-databricks-test"
    assert workspace["sku"] == {"name": "PerGB2018"}
    assert workspace["retentionInDays"] == 30
    assert workspace["location"] == "westeurope"
    assert render(monitored(retentionDays=365)).one(WORKSPACE).raw_inputs["retentionInDays"] == 365


def test_an_existing_workspace_is_used_not_created(render: Render) -> None:
    result = render(monitored(logAnalyticsWorkspaceId=SHARED_WORKSPACE, **ALERTING))
    assert result.of_type(WORKSPACE) == []
    assert {d.raw_inputs["workspaceId"] for d in result.of_type(DIAGNOSTIC)} == {SHARED_WORKSPACE}
    assert result.one(QUERY_RULE).raw_inputs["scopes"] == [SHARED_WORKSPACE]
    assert result.outputs["logAnalyticsWorkspaceId"] == SHARED_WORKSPACE


def test_the_created_workspace_is_protected_with_the_stack(render: Render) -> None:
    assert render(monitored(), stack="test").one(WORKSPACE).protect is False
    assert render({**monitored(), "protect": True}).one(WORKSPACE).protect is True


def test_databricks_diagnostics_only_for_a_workspace_the_stack_creates(render: Render) -> None:
    created = diagnostic(render(monitored()), "Microsoft.Databricks").raw_inputs
    assert created["resourceUri"].endswith("/providers/Microsoft.Databricks/workspaces/adf-databricks-test")
    assert created["workspaceId"] == WORKSPACE_ID
    categories = [log["category"] for log in created["logs"]]
    assert {"jobs", "clusters", "notebook"} <= set(categories)
    assert all(log["enabled"] for log in created["logs"])
    # Databricks exposes no metrics to diagnostic settings.
    assert "metrics" not in created

    adopted = render(
        {
            **monitored(),
            "workspace": {
                "existing": {
                    "resourceId": engine.arm_id("shared", "Microsoft.Databricks", "workspaces", "team"),
                    "url": engine.WORKSPACE_HOST,
                }
            },
            "unityCatalog": {"catalog": "team"},
        }
    )
    assert [d.raw_inputs["resourceUri"] for d in adopted.of_type(DIAGNOSTIC)] == [FACTORY_ID]


# ---------------------------------------------------------------- action group and failed runs


def test_no_alerts_without_emails(render: Render) -> None:
    result = render(monitored())
    assert {r.type for r in result.resources} & {
        ACTION_GROUP,
        METRIC_ALERT,
        QUERY_RULE,
        TOPIC,
        SUBSCRIPTION,
    } == set()
    assert result.of_type(DIAGNOSTIC)


def test_action_group_mails_the_addresses(render: Render) -> None:
    group = render(monitored(**ALERTING)).one(ACTION_GROUP).raw_inputs
    assert [(r["name"], r["emailAddress"]) for r in group["emailReceivers"]] == [
        ("email-0", EMAILS[0]),
        ("email-1", EMAILS[1]),
    ]
    assert all(r["useCommonAlertSchema"] for r in group["emailReceivers"])
    assert group["location"] == "global"
    assert group["enabled"] is True
    assert 1 <= len(group["groupShortName"]) <= 12


def test_failed_run_alert_is_split_by_pipeline(render: Render) -> None:
    result = render(monitored(**ALERTING))
    group = result.one(ACTION_GROUP)
    alert = result.one(METRIC_ALERT).raw_inputs
    assert alert["scopes"] == [FACTORY_ID]
    [criterion] = alert["criteria"]["allOf"]
    assert alert["criteria"]["odataType"] == "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"
    assert criterion["metricName"] == "PipelineFailedRuns"
    assert criterion["metricNamespace"] == "Microsoft.DataFactory/factories"
    assert (criterion["operator"], criterion["threshold"], criterion["timeAggregation"]) == (
        "GreaterThan",
        0,
        "Total",
    )
    assert criterion["dimensions"] == [{"name": "Name", "operator": "Include", "values": ["*"]}]
    assert (alert["windowSize"], alert["evaluationFrequency"]) == ("PT5M", "PT1M")
    assert alert["location"] == "global"
    assert [a["actionGroupId"] for a in alert["actions"]] == [_id(group)]
    assert alert["actions"][0]["webHookProperties"] == {
        "stack": "adf-databricks/test",
        "monitor": MONITOR_URL,
    }
    assert alert["description"] == (
        "adf-databricks/test: a pipeline run failed in Data Factory (the alert's Name dimension is the"
        f" pipeline). Runs: {MONITOR_URL}"
    )


def _id(registration: engine.Registration) -> str:
    inputs = registration.raw_inputs
    return engine.arm_id(
        inputs["resourceGroupName"], "microsoft.insights", "actionGroups", inputs["actionGroupName"]
    )


def test_readme_says_when_the_failed_run_alert_resolves(render: Render) -> None:
    """A stateful metric alert resolves after three consecutive checks without the condition
    (Learn, alerts-types.md and alerts-overview.md "Alerts and state"), one a minute here: not
    a fixed 5 minutes."""
    alert = render(monitored(**ALERTING)).one(METRIC_ALERT).raw_inputs
    assert (alert["evaluationFrequency"], alert["windowSize"], alert["autoMitigate"]) == (
        "PT1M",
        "PT5M",
        True,
    )
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "5 minutes after the failures stop" not in readme
    assert "resolves itself once three evaluations in a row find the condition no longer met" in readme


def test_failed_run_alert_can_be_switched_off(render: Render) -> None:
    result = render(monitored(failedRunAlert=False, **ALERTING))
    assert result.of_type(METRIC_ALERT) == []
    assert result.of_type(QUERY_RULE)


# ---------------------------------------------------------------- missed runs


def _schedules_stack(**monitoring: Any) -> dict[str, Any]:
    daily = pipeline(name="daily", schedule={"frequency": "Day", "startTime": "2026-01-01T06:00:00Z"})
    hourly = pipeline(
        name="hourly",
        schedule={"frequency": "Hour", "startTime": "2026-01-01T00:00:00Z", "minutes": [0, 30]},
    )
    weekly = pipeline(
        name="weekly",
        schedule={
            "frequency": "Week",
            "interval": 2,
            "startTime": "2026-01-05T06:00:00Z",
            "hours": [18],
            "weekDays": ["Monday", "Thursday"],
        },
    )
    stopped = pipeline(
        name="stopped", schedule={"frequency": "Day", "startTime": "2026-01-01T06:00:00Z", "enabled": False}
    )
    manual = {k: v for k, v in pipeline(name="manual").items() if k != "schedule"}
    for i, p in enumerate([daily, hourly, weekly, stopped, manual]):
        p["activities"][0]["notebookPath"] = f"/Shared/notebook-{i}"
        del p["activities"][0]["notebook"]
    return base(pipelines=[daily, hourly, weekly, stopped, manual], monitoring={**ALERTING, **monitoring})


def _rules(result: engine.Result) -> dict[str, dict[str, Any]]:
    return {
        r.raw_inputs["actions"]["customProperties"]["pipeline"]: r.raw_inputs
        for r in result.of_type(QUERY_RULE)
    }


def test_one_missed_run_rule_per_enabled_schedule(render: Render) -> None:
    rules = _rules(render(_schedules_stack()))
    assert sorted(rules) == ["daily", "hourly", "weekly"]


def test_each_rule_follows_its_pipeline_schedule(render: Render) -> None:
    result = render(_schedules_stack())
    rules = _rules(result)
    for name, when, time_range, conditions in [
        (
            "daily",
            "every day at 06:00 UTC",
            "P2D",
            ["hourofday(slot) == 6", "datetime_part('minute', slot) == 0"],
        ),
        ("hourly", "every hour at minute 0, 30", "PT2H", ["datetime_part('minute', slot) in (0, 30)"]),
        (
            "weekly",
            "every 2 weeks on Monday, Thursday at 18:00 UTC",
            "P2D",
            [
                "datetime_diff('week', slot, start) % 2 == 0",
                "toint(dayofweek(slot) / 1d) in (1, 4)",
                "hourofday(slot) == 18",
            ],
        ),
    ]:
        rule = rules[name]
        [condition] = rule["criteria"]["allOf"]
        query = condition["query"]
        for expected in conditions:
            assert f"    | where {expected}\n" in query, (name, expected, query)
        assert f'PipelineName == "{name}"' in query
        assert f'_ResourceId =~ "{FACTORY_ID}"' in query
        assert rule["overrideQueryTimeRange"] == time_range, name
        assert rule["description"] == (
            f"adf-databricks/test: pipeline {name} has not run since it was due ({when}, 60 minutes grace)."
            f" Runs: {MONITOR_URL}"
        )
        assert rule["displayName"] == f"adf-databricks/test: {name} did not run"
        # One period that finds a row alerts (ScheduledQueryRule ConditionFailingPeriods).
        assert condition["failingPeriods"] == {"numberOfEvaluationPeriods": 1, "minFailingPeriodsToAlert": 1}
        assert rule["actions"]["customProperties"] == {
            "stack": "adf-databricks/test",
            "monitor": MONITOR_URL,
            "pipeline": name,
        }
        assert rule["scopes"] == [WORKSPACE_ID]
        assert (condition["operator"], condition["threshold"], condition["timeAggregation"]) == (
            "GreaterThan",
            0,
            "Count",
        )
        assert rule["autoMitigate"] is True
        assert (rule["kind"], rule["severity"]) == ("LogAlert", 2)


def test_a_missed_run_rule_is_replaced_when_its_workspace_changes(render: Render) -> None:
    """Azure refuses a new scope on a log search alert ("Scope can not be updated"), so moving
    the logs to another workspace replaces each rule; its fixed name makes the old one go first."""
    rules = render(_schedules_stack()).of_type(QUERY_RULE)
    assert len(rules) == 3
    for rule in rules:
        assert rule.replace_on_changes == ["scopes"], rule.name
        assert rule.delete_before_replace, rule.name


def test_the_failed_run_alert_takes_a_new_scope_in_place(render: Render) -> None:
    """A metric alert's scopes can be updated (azurerm updates them in place): it is not
    replaced, so it never goes missing for a while."""
    alert = render(monitored(**ALERTING)).one(METRIC_ALERT)
    assert alert.replace_on_changes == [] and not alert.delete_before_replace


def test_window_is_the_period_plus_grace(render: Render) -> None:
    rules = _rules(render(_schedules_stack(missedRunGraceMinutes=20)))
    # Every 30 minutes + 20 of grace + 15 of log latency; the query looks back that far and
    # counts a run as due once grace and latency have passed.
    hourly = rules["hourly"]["criteria"]["allOf"][0]["query"]
    assert "range slot from bin(now() - 65m, 1m) to now() - 35m step 1m" in hourly
    assert rules["hourly"]["overrideQueryTimeRange"] == "PT2H"
    daily = rules["daily"]["criteria"]["allOf"][0]["query"]
    assert "range slot from bin(now() - 1475m, 1m) to now() - 35m step 1m" in daily


def test_watching_starts_when_the_rule_and_its_trigger_exist(render: Render) -> None:
    result = render(_schedules_stack())
    query = _rules(result)["daily"]["criteria"]["allOf"][0]["query"]
    assert f"slot >= start and slot >= datetime({engine.WATCHED_SINCE})" in query
    since = next(r for r in result.of_type(STATIC) if r.name.endswith("-missed-run-daily-since"))
    trigger = next(
        r
        for r in result.of_type("azure:datafactory/triggerSchedule:TriggerSchedule")
        if r.inputs["name"] == "daily-schedule"
    )
    assert (
        since.raw_inputs["triggers"]["trigger"]
        == f"{trigger.raw_inputs['dataFactoryId']}/triggers/daily-schedule"
    )
    assert since.raw_inputs["triggers"]["workspace"] == WORKSPACE_ID
    assert since.raw_inputs["triggers"]["diagnostics"].startswith(
        FACTORY_ID + "/providers/microsoft.insights/"
    )


def test_missed_run_alert_can_be_switched_off(render: Render) -> None:
    result = render(_schedules_stack(missedRunAlert=False))
    assert result.of_type(QUERY_RULE) == []
    assert since_statics(r.name for r in result.of_type(STATIC)) == []
    assert result.of_type(METRIC_ALERT)


def test_learn_stack_daily_schedule(render: Render) -> None:
    """The base stack's one daily pipeline, start 06:00 UTC, gets its rule with the whole query."""
    result = render(monitored(**ALERTING))
    [rule] = result.of_type(QUERY_RULE)
    expected = missed_runs.missed_run_query(
        missed_runs.recurrence({"frequency": "Day", "start_time": "2026-01-01T06:00:00Z"}),
        pipeline="process-data",
        factory_id=FACTORY_ID,
        grace=timedelta(minutes=60),
        watched_from=f"datetime({engine.WATCHED_SINCE})",
    )
    assert rule.raw_inputs["criteria"]["allOf"][0]["query"] == expected


# ---------------------------------------------------------------- the token


def test_token_expiry_alerts_in_token_mode_with_key_vault(render: Render) -> None:
    result = render({**monitored(**ALERTING), "auth": {"mode": "token"}})
    vault = result.one("azure-native:keyvault:Vault")
    topic = result.one(TOPIC).raw_inputs
    assert topic["topicType"] == "Microsoft.KeyVault.vaults"
    assert topic["systemTopicName"] == "adf-databricks-test-key-vault"
    assert result.one(TOPIC).name == "adf-databricks-monitoring-key-vault-events"
    assert sorted(s.name for s in result.of_type(SUBSCRIPTION)) == [
        "adf-databricks-monitoring-token-expired",
        "adf-databricks-monitoring-token-near-expiry",
    ]
    assert topic["source"] == engine.arm_id(
        "adf-databricks-test", "Microsoft.KeyVault", "vaults", vault.raw_inputs["vaultName"]
    )
    subscriptions = {
        s.raw_inputs["eventSubscriptionName"]: s.raw_inputs for s in result.of_type(SUBSCRIPTION)
    }
    assert topic["location"] and topic["location"] == vault.raw_inputs["location"]
    assert sorted(subscriptions) == ["token-expired", "token-near-expiry"]
    for name, event, severity, meaning in [
        ("token-near-expiry", "Microsoft.KeyVault.SecretNearExpiry", "Sev2", "expires within 30 days"),
        ("token-expired", "Microsoft.KeyVault.SecretExpired", "Sev1", "has expired"),
    ]:
        subscription = subscriptions[name]
        assert subscription["systemTopicName"] == topic["systemTopicName"]
        assert subscription["filter"]["includedEventTypes"] == [event]
        assert subscription["eventDeliverySchema"] == "CloudEventSchemaV1_0"
        destination = subscription["destination"]
        assert (destination["endpointType"], destination["severity"]) == ("MonitorAlert", severity)
        assert destination["actionGroups"] == [_id(result.one(ACTION_GROUP))]
        assert destination["description"] == (
            f"adf-databricks/test: the Databricks token Data Factory uses {meaning}; run `pulumi up` to"
            f" rotate it (pipeline runs fail with 403 once it has expired). Runs: {MONITOR_URL}"
        )


def _needs(result: engine.Result, resource: engine.Registration) -> set[str]:
    """The URNs a resource waits for, directly or through what it waits for."""
    registered = {r.urn: r for r in result.resources}
    seen: set[str] = set()
    todo = list(resource.dependencies)
    while todo:
        urn = todo.pop()
        if urn not in seen:
            seen.add(urn)
            todo.extend(registered[urn].dependencies if urn in registered else [])
    return seen


def _token_alerted(render: Render, **monitoring: Any) -> engine.Result:
    return render({**monitored(**ALERTING, **monitoring), "auth": {"mode": "token"}})


def test_the_token_is_written_after_its_expiry_alerts_exist(render: Render) -> None:
    """Key Vault raises events only for secret versions written after a subscription exists
    (Learn, key-vault/general/event-grid-overview.md): the secret's token waits for both."""
    result = _token_alerted(render)
    subscriptions = {s.urn for s in result.of_type(SUBSCRIPTION)}
    assert len(subscriptions) == 2
    secret = result.one(SECRET)
    assert subscriptions <= _needs(result, secret)
    assert secret.raw_inputs["properties"]["value"] == engine.TOKEN_VALUE
    # ... through the rotation the token is issued from, which they trigger.
    rotation = result.one(ROTATION)
    assert set(rotation.dependencies) == subscriptions
    assert sorted(rotation.raw_inputs["triggers"].values()) == sorted(
        s.id for s in result.of_type(SUBSCRIPTION)
    )
    # No cycle: what the subscriptions wait for (the vault, the action group) waits for no secret.
    for subscription in result.of_type(SUBSCRIPTION):
        assert secret.urn not in _needs(result, subscription)


def test_turning_token_alerts_on_reissues_the_token(render: Render) -> None:
    """A stack whose secret predates the subscriptions gets a new token once: new triggers
    replace the rotation ("These conditions recreate the resource", pulumiverse_time Rotating
    `triggers`), whose new timestamp is in the token's comment, which replaces the token, and
    its new value is a new secret version (the same value would be none: Azure/bicep#6448)."""
    quiet = render(base(auth={"mode": "token"}))
    unalerted = render(monitored(retentionDays=30) | {"auth": {"mode": "token"}})
    alerted = _token_alerted(render)
    for result in (quiet, unalerted):
        assert "triggers" not in result.one(ROTATION).inputs
    triggers = alerted.one(ROTATION).raw_inputs["triggers"]
    assert sorted(triggers) == ["watcher-0", "watcher-1"]
    assert triggers["watcher-0"].endswith("/eventSubscriptions/token-near-expiry")
    assert triggers["watcher-1"].endswith("/eventSubscriptions/token-expired")
    token = alerted.one(TOKEN)
    assert "comment" in token.replace_on_changes
    assert alerted.one(ROTATION).urn in token.dependencies


def test_an_unchanged_token_stack_previews_unchanged(render: Render) -> None:
    """Run again as deployed, a stack with token alerts sends every resource the same inputs
    and dependencies: no second re-issue."""

    def sent(result: engine.Result) -> dict[str, tuple[Any, list[str]]]:
        # By URN: the order of registrations varies from run to run.
        return {r.urn: (r.raw_inputs, sorted(r.dependencies)) for r in result.resources}

    assert sent(_token_alerted(render)) == sent(_token_alerted(render))


@pytest.mark.parametrize("auth", [{"mode": "msi"}, {"mode": "token", "keyVault": False}])
def test_no_token_alert_without_a_vault(render: Render, auth: dict[str, Any]) -> None:
    result = render({**monitored(**ALERTING), "auth": auth})
    assert result.of_type(TOPIC) == []
    assert result.of_type(SUBSCRIPTION) == []


# ---------------------------------------------------------------- ownership and outputs


def test_taggable_monitoring_resources_carry_the_stack_tags(render: Render) -> None:
    result = render({**monitored(**ALERTING), "auth": {"mode": "token"}, "tags": {"owner": "data-platform"}})
    taggable = [
        r for r in result.resources if r.type in {WORKSPACE, ACTION_GROUP, METRIC_ALERT, QUERY_RULE, TOPIC}
    ]
    assert {r.type for r in taggable} == {WORKSPACE, ACTION_GROUP, METRIC_ALERT, QUERY_RULE, TOPIC}
    for r in taggable:
        assert r.raw_inputs["tags"] == {
            "owner": "data-platform",
            "environment": "test",
            "managed-by": "pulumi",
        }, r.name


def test_outputs_workspace_id_and_failed_runs_query(render: Render) -> None:
    result = render(monitored())
    assert result.outputs["logAnalyticsWorkspaceId"] == WORKSPACE_ID
    assert result.outputs["failedRunsQuery"] == missed_runs.failed_runs_query(FACTORY_ID)


MONITORING_PROGRAM = """
import pulumi
from components.monitoring import Monitoring

Monitoring(
    "ops",
    {
        "spec": {"logAnalyticsWorkspaceId": %r, "alertEmails": ["ops@example.com"]},
        "owner": "etl/prod",
        "resource_group_name": "etl-prod",
        "location": "northeurope",
        "factory_id": %r,
        "monitor_url": "https://adf.azure.com/en/monitoring/pipelineruns",
        "scheduled_pipelines": [
            {"pipeline_name": "load", "schedule": {"frequency": "Hour", "startTime": "2026-01-01T00:15:00Z"}},
        ],
    },
)
"""


def test_monitoring_is_usable_without_the_stack_config(tmp_path: Path) -> None:
    """Another program gives the component its own args, camelCase spec included."""
    result = run_program(tmp_path, MONITORING_PROGRAM % (SHARED_WORKSPACE, FACTORY_ID))
    rule = result.one(QUERY_RULE).raw_inputs
    assert rule["ruleName"] == "etl-prod-load-missed-run"
    assert rule["location"] == "northeurope"
    assert "datetime_part('minute', slot) == 15" in rule["criteria"]["allOf"][0]["query"]
    assert result.one(ACTION_GROUP).raw_inputs["groupShortName"] == "adf-prod"
    # Without a trigger id the watch starts once and restarts only with the logs' destination;
    # the key is there either way, so giving a trigger id later is a change, not a new key.
    (since_name,) = since_statics(r.name for r in result.of_type(STATIC))
    since = next(r for r in result.of_type(STATIC) if r.name == since_name).raw_inputs["triggers"]
    assert since["trigger"] == ""


def test_python_programs_reach_the_missed_run_alerts_by_pipeline(tmp_path: Path) -> None:
    program = MONITORING_PROGRAM.replace('\nMonitoring(\n    "ops"', '\nops = Monitoring(\n    "ops"') + (
        "pulumi.export('alerts', {p: a.urn for p, a in ops.missed_run_alerts.items()})\n"
    )
    result = run_program(tmp_path, program % (SHARED_WORKSPACE, FACTORY_ID))
    assert result.outputs["alerts"] == {"load": result.one(QUERY_RULE).urn}


def test_bad_component_args_are_refused_naming_the_component(tmp_path: Path) -> None:
    with pytest.raises(
        pulumi.RunError, match=r"Monitoring ops: spec\.retentionDays: expected an integer from 30"
    ):
        run_program(
            tmp_path,
            MONITORING_PROGRAM.replace('"alertEmails"', '"retentionDays": 7, "alertEmails"')
            % (
                SHARED_WORKSPACE,
                FACTORY_ID,
            ),
        )


# ---------------------------------------------------------------- bad values


def check(raw: dict[str, Any]) -> None:
    load(raw, project="adf-databricks", stack="test")


BAD = [
    ("not an email", {"alertEmails": ["ops"]}, "monitoring.alertEmails[0]", "expected an email address"),
    (
        "no emails",
        {"alertEmails": []},
        "monitoring.alertEmails",
        "expected a list of distinct email addresses",
    ),
    (
        "an email twice",
        {"alertEmails": ["ops@example.com", "ops@example.com"]},
        "monitoring.alertEmails",
        "expected a list of distinct email addresses",
    ),
    (
        "retention too short",
        {"retentionDays": 29},
        "monitoring.retentionDays",
        "expected an integer from 30 to 730",
    ),
    (
        "retention too long",
        {"retentionDays": 731},
        "monitoring.retentionDays",
        "expected an integer from 30 to 730",
    ),
    (
        "retention of a workspace not created",
        {"logAnalyticsWorkspaceId": SHARED_WORKSPACE, "retentionDays": 90},
        "monitoring.retentionDays",
        "applies to a workspace the stack creates, not with monitoring.logAnalyticsWorkspaceId"
        " (set retention on that workspace)",
    ),
    (
        "an alert without anyone to tell",
        {"failedRunAlert": True},
        "monitoring.failedRunAlert",
        "applies only with monitoring.alertEmails: alerts need someone to tell",
    ),
    (
        "a Databricks workspace id",
        {"logAnalyticsWorkspaceId": engine.arm_id("rg", "Microsoft.Databricks", "workspaces", "dbw")},
        "monitoring.logAnalyticsWorkspaceId",
        "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>",
    ),
    (
        "a workspace name, not its id",
        {"logAnalyticsWorkspaceId": "central-logs"},
        "monitoring.logAnalyticsWorkspaceId",
        "got 'central-logs'",
    ),
    (
        "no grace",
        {**ALERTING, "missedRunGraceMinutes": 0},
        "monitoring.missedRunGraceMinutes",
        "from 5 to 1440",
    ),
    (
        "grace over a day",
        {**ALERTING, "missedRunGraceMinutes": 1441},
        "monitoring.missedRunGraceMinutes",
        "from 5",
    ),
    (
        "grace as text",
        {**ALERTING, "missedRunGraceMinutes": "1h"},
        "monitoring.missedRunGraceMinutes",
        "got '1h'",
    ),
    (
        "alert switch as text",
        {**ALERTING, "failedRunAlert": "no"},
        "monitoring.failedRunAlert",
        "true or false",
    ),
    (
        "alerts without emails",
        {"failedRunAlert": True},
        "monitoring.failedRunAlert",
        "only with monitoring.alertEmails",
    ),
    (
        "grace without emails",
        {"missedRunGraceMinutes": 30},
        "monitoring.missedRunGraceMinutes",
        "only with monitoring.alertEmails",
    ),
    (
        "grace without missed-run alerts",
        {**ALERTING, "missedRunAlert": False, "missedRunGraceMinutes": 30},
        "monitoring.missedRunGraceMinutes",
        "applies only with monitoring.missedRunAlert true",
    ),
    ("misspelt key", {"alertEmail": EMAILS}, "monitoring.alertEmail", "did you mean 'alertEmails'?"),
]


@pytest.mark.parametrize(("case", "monitoring", "path", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_bad_value_names_its_key(case: str, monitoring: dict[str, Any], path: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check(monitored(**monitoring))
    assert caught.value.path == path, str(caught.value)
    assert str(caught.value).startswith(f"adf-databricks:{path}: ")
    assert fragment in str(caught.value)


def test_monitoring_must_be_an_object() -> None:
    with pytest.raises(ConfigError, match=r"adf-databricks:monitoring: expected an object, got 'yes'"):
        check(base(monitoring="yes"))


def test_edges_accepted() -> None:
    check(monitored())
    check(monitored(retentionDays=30, alertEmails=["a@b.io"], missedRunGraceMinutes=5))
    check(monitored(retentionDays=730, alertEmails=EMAILS, missedRunGraceMinutes=1440))
    check(monitored(logAnalyticsWorkspaceId=SHARED_WORKSPACE.lower(), failedRunAlert=False, **ALERTING))


# ---------------------------------------------------------------- schemas


def test_the_new_keys_are_in_both_schemas() -> None:
    stack = json.loads((ROOT / "schema" / "stack.json").read_text())
    spec = stack["$defs"]["MonitoringSpec"]["properties"]
    assert list(spec) == [
        "logAnalyticsWorkspaceId",
        "retentionDays",
        "alertEmails",
        "missedRunGraceMinutes",
        "failedRunAlert",
        "missedRunAlert",
    ]
    assert (
        spec["retentionDays"]["minimum"],
        spec["retentionDays"]["maximum"],
        spec["retentionDays"]["default"],
    ) == (
        30,
        730,
        30,
    )
    assert spec["alertEmails"]["uniqueItems"] is True
    assert spec["alertEmails"]["items"]["pattern"]
    assert stack["$defs"]["config.monitoring"] == {
        "description": stack["$defs"]["config.monitoring"]["description"],
        "$ref": "#/$defs/MonitoringSpec",
    }
    package = json.loads((ROOT / "schema" / "package.json").read_text())
    assert "adf-databricks:index:Monitoring" in package["resources"]
    platform = package["resources"]["adf-databricks:index:AdfDatabricks"]
    assert "monitoring" in platform["inputProperties"]
    assert {"logAnalyticsWorkspaceId", "failedRunsQuery"} <= set(platform["properties"])
    types = package["types"]
    assert set(types["adf-databricks:index:MonitoringSpec"]["properties"]) == set(spec)


@pytest.mark.parametrize(
    ("pipeline", "part"),
    [
        ("process-data", "process-data"),
        # Two names that read alike once Azure's characters are kept still get distinct rules.
        ("process data", "process-data-" + hashlib.sha256(b"process data").hexdigest()[:6]),
        ("p" * 250, "p" * 200 + "-" + hashlib.sha256(b"p" * 250).hexdigest()[:6]),
    ],
)
def test_a_pipeline_name_as_part_of_an_azure_name(pipeline: str, part: str) -> None:
    assert name_part(pipeline) == part


def test_action_group_short_name_is_the_stack_in_twelve_letters_and_digits() -> None:
    # groupShortName: at most 12 characters (azurerm monitor_action_group_resource.go).
    assert short_name("etl/Prod_Stack-1") == "adf-ProdStac"
    assert short_name("etl/dev") == "adf-dev"


def test_azure_names_keep_letters_digits_and_single_inner_hyphens() -> None:
    assert azure_name("etl/Prod__X-", 50) == "etl-Prod-X"
    assert azure_name("a" * 60 + "/prod", 50) == "a" * 50


def test_a_long_stack_name_is_cut_to_fifty_in_every_monitoring_name(tmp_path: Path) -> None:
    owner = "p" * 45 + "/" + "s" * 20
    result = run_program(
        tmp_path, MONITORING_PROGRAM.replace('"etl/prod"', repr(owner)) % (SHARED_WORKSPACE, FACTORY_ID)
    )
    slug = "p" * 45 + "-" + "s" * 4
    assert result.one(ACTION_GROUP).raw_inputs["actionGroupName"] == f"{slug}-alerts"
    assert result.one(QUERY_RULE).raw_inputs["ruleName"] == f"{slug}-load-missed-run"


def test_the_longest_missed_run_rule_name_keeps_to_azures_260_characters(tmp_path: Path) -> None:
    """A scheduled query rule's name takes 1-260 characters
    (learn.microsoft.com/azure/templates/microsoft.insights/2021-08-01/scheduledqueryrules): the
    longest slug (50) and the longest pipeline name (140, with characters Azure does not take,
    so it gets its digest) come to 209."""
    owner = "p" * 45 + "/" + "s" * 20
    pipeline = "a b" * 46 + "ab"
    program = MONITORING_PROGRAM.replace('"etl/prod"', repr(owner)).replace(
        '"pipeline_name": "load"', f'"pipeline_name": {pipeline!r}'
    )
    result = run_program(tmp_path, program % (SHARED_WORKSPACE, FACTORY_ID))
    digest = hashlib.sha256(pipeline.encode()).hexdigest()[:6]
    name = result.one(QUERY_RULE).raw_inputs["ruleName"]
    assert name == f"{'p' * 45}-{'s' * 4}-{'a-b' * 46}ab-{digest}-missed-run"
    assert len(pipeline) == 140 and len(name) == 209


def test_a_created_workspace_name_is_cut_to_azures_63_characters(tmp_path: Path) -> None:
    owner = "p" * 45 + "/" + "s" * 30
    program = MONITORING_PROGRAM.replace('"etl/prod"', repr(owner)).replace(
        '"logAnalyticsWorkspaceId": %r, ', ""
    )
    result = run_program(tmp_path, program % FACTORY_ID)
    # azurerm validate.LogAnalyticsWorkspaceName: 4-63 characters.
    assert result.one(WORKSPACE).raw_inputs["workspaceName"] == "p" * 45 + "-" + "s" * 17


def test_without_alert_emails_nothing_alerts(render: Render) -> None:
    """Logs only: no action group, no alert rule, and the component outputs none of them."""
    result = render(monitored())
    assert result.of_type(ACTION_GROUP) == [] and result.of_type(QUERY_RULE) == []
    component = result.one("adf-databricks:index:Monitoring")
    assert sorted(result.registered_outputs[component.urn]) == [
        "diagnostics",
        "failedRunsQuery",
        "workspaceId",
    ]


@pytest.mark.parametrize(
    ("monitoring", "message"),
    [
        (
            {**ALERTING, "missedRunAlert": False, "missedRunGraceMinutes": 30},
            "adf-databricks:monitoring.missedRunGraceMinutes: applies only with monitoring.missedRunAlert true",
        ),
        (
            {"failedRunAlert": True},
            "adf-databricks:monitoring.failedRunAlert: applies only with monitoring.alertEmails: alerts need"
            " someone to tell",
        ),
        (
            {"logAnalyticsWorkspaceId": SHARED_WORKSPACE, "retentionDays": 90},
            "adf-databricks:monitoring.retentionDays: applies to a workspace the stack creates, not with"
            " monitoring.logAnalyticsWorkspaceId (set retention on that workspace)",
        ),
    ],
)
def test_rules_between_monitoring_keys_say_so_in_full(monitoring: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check(monitored(**monitoring))
    assert str(caught.value) == message


def test_a_berlin_schedule_is_watched_on_berlins_clock(render: Render) -> None:
    """A schedule in another zone fires at its local times across daylight saving time: the
    query reads each UTC slot on that clock (components.missed_runs), and watching starts once
    its azure-native trigger exists."""
    schedule = {
        "frequency": "Week",
        "startTime": "2026-01-05T06:30:00",
        "timeZone": "W. Europe Standard Time",
        "hours": [6],
        "minutes": [30],
        "weekDays": ["Monday", "Wednesday", "Friday"],
    }
    result = render(base(monitoring=ALERTING, pipelines=[pipeline(schedule=schedule)]))
    rule = _rules(result)["process-data"]
    query = rule["criteria"]["allOf"][0]["query"]
    assert query.startswith("let start = datetime(2026-01-05T06:30:00);")
    assert '    | extend local = datetime_utc_to_local(slot, "Europe/Berlin")\n' in query
    assert "    | where hourofday(local) == 6\n" in query
    assert "at 06:30 W. Europe Standard Time" in rule["description"]
    since = next(r for r in result.of_type(STATIC) if r.name.endswith("-missed-run-process-data-since"))
    trigger = result.one("azure-native:datafactory:Trigger")
    assert (
        since.raw_inputs["triggers"]["trigger"]
        == trigger.id
        == f"{FACTORY_ID}/triggers/process-data-schedule"
    )


def test_a_tumbling_window_is_watched_for_windows_that_did_not_run(render: Render) -> None:
    """A window's run is due at its end plus its delay; a storage event is not watched (it has no
    time it is due at)."""
    loads = pipeline(
        name="load",
        schedule=None,
        tumblingWindow={
            "frequency": "Hour",
            "interval": 1,
            "startTime": "2026-01-01T00:00:00Z",
            "delay": "00:10:00",
        },
    )
    quiet = pipeline(
        name="quiet", schedule=None, tumblingWindow={**loads["tumblingWindow"], "enabled": False}
    )
    events = pipeline(
        name="on-arrival",
        schedule=None,
        storageEvent={
            "storageAccountId": f"/subscriptions/{engine.SUBSCRIPTION}/resourceGroups/data/providers"
            "/Microsoft.Storage/storageAccounts/landing01",
            "blobPathEndsWith": ".csv",
        },
    )
    result = render(base(monitoring=ALERTING, pipelines=[loads, quiet, events]))
    rules = _rules(result)
    assert sorted(rules) == ["load"]
    rule = rules["load"]
    assert rule["ruleName"] == "adf-databricks-test-load-missed-window"
    assert "(its windows' ends plus delay: every hour at minute 10, 60 minutes grace)" in rule["description"]
    query = rule["criteria"]["allOf"][0]["query"]
    assert query.startswith("let start = datetime(2026-01-01T01:10:00Z);")
    assert "    | where datetime_part('minute', slot) == 10\n" in query
    since = next(r for r in result.of_type(STATIC) if r.name.endswith("-missed-window-load-since"))
    window = next(
        r
        for r in result.of_type("azure:datafactory/triggerTumblingWindow:TriggerTumblingWindow")
        if r.inputs["name"] == "load-window"
    )
    assert since.raw_inputs["triggers"]["trigger"] == window.id


def test_monitoring_properties_name_the_window_alerts(tmp_path: Path) -> None:
    """Another program's windowed pipelines get their missed-window alert, reached by pipeline."""
    program = MONITORING_PROGRAM.replace(
        '\nMonitoring(\n    "ops"', '\nops = Monitoring(\n    "ops"'
    ).replace(
        '        "scheduled_pipelines": [',
        '        "windowed_pipelines": [\n'
        '            {"pipeline_name": "hourly", "tumbling_window":'
        ' {"frequency": "Hour", "interval": 1, "startTime": "2026-01-01T00:00:00Z"}},\n'
        "        ],\n"
        '        "scheduled_pipelines": [',
    ) + (
        "pulumi.export('windows', {p: a.urn for p, a in ops.missed_window_alerts.items()})\n"
        "pulumi.export('runs', sorted(ops.missed_run_alerts))\n"
    )
    result = run_program(tmp_path, program % (SHARED_WORKSPACE, FACTORY_ID))
    window = next(
        r for r in result.of_type(QUERY_RULE) if r.raw_inputs["ruleName"] == "etl-prod-hourly-missed-window"
    )
    assert result.outputs["windows"] == {"hourly": window.urn}
    assert result.outputs["runs"] == ["load"]
