"""Tests for the CrossGuard policy pack in policy/.

Plans (the hand-made sample and every committed `plans/*.json`) are turned into the SDK's own
argument objects, with `"[unknown]"` replaced by the engine's unknown sentinel and props wrapped
in the SDK's unknown-checking proxy, so each policy's `validate` sees what the engine hands it.
"""

from __future__ import annotations

import copy
import importlib
import json
import runpy
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pulumi_policy
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

REPO = Path(__file__).resolve().parents[1]
POLICY_DIR = REPO / "policy"
SAMPLE_PLAN = Path(__file__).resolve().parent / "fixtures" / "plan_sample.json"
COMMITTED_PLANS = sorted((REPO / "plans").glob("*.json"))


def _load_rules() -> ModuleType:
    # The CLI runs the pack with policy/ first on sys.path, so `rules` is a top-level module;
    # importing it the same way lets runpy of __main__.py reuse this very module object.
    if str(POLICY_DIR) not in sys.path:
        sys.path.insert(0, str(POLICY_DIR))
    return importlib.import_module("rules")


rules = _load_rules()

EXPECTED_LEVELS = {
    "notebook-activity-timeout-and-retry": EnforcementLevel.MANDATORY,
    "databricks-clusters-autoterminate-and-cap-workers": EnforcementLevel.MANDATORY,
    "no-inline-token-when-protected": EnforcementLevel.MANDATORY,
    "databricks-linked-service-https": EnforcementLevel.MANDATORY,
    "required-tags": EnforcementLevel.ADVISORY,
    "prod-protects-workspace-and-factory": EnforcementLevel.MANDATORY,
    "prod-workspace-is-private": EnforcementLevel.MANDATORY,
}

# Steps for resources leaving the stack carry no newState; nothing is evaluated for them.
_GONE_OPS = frozenset(
    {"delete", "delete-replaced", "discard", "discard-replaced", "read-discard", "remove-pending-replace"}
)


# --- plan -> SDK objects ----------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    policy: str
    message: str
    urn: str | None


def load_plan(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def plan_states(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The newState of every resource the plan leaves in the stack, last step per URN winning."""
    steps = plan.get("steps")
    assert isinstance(steps, list) and steps, "plan has no steps"
    by_urn: dict[str, dict[str, Any]] = {}
    for index, step in enumerate(steps):
        op = step.get("op")
        if op in _GONE_OPS:
            continue
        state = step.get("newState")
        # Fail loudly rather than silently skip a step shape this loader does not understand.
        assert isinstance(state, dict), f"step {index} ({op} {step.get('urn')}) has no newState"
        for key in ("type", "urn"):
            assert key in state, f"step {index} newState lacks {key!r}"
        by_urn[state["urn"]] = state
    return list(by_urn.values())


def _engine_value(value: Any) -> Any:
    """Plans print unknowns as "[unknown]"; the engine passes a sentinel the proxy traps."""
    if value == "[unknown]":
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {key: _engine_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_engine_value(item) for item in value]
    return value


def _props(state: dict[str, Any]) -> Any:
    return unknown_checking_proxy(_engine_value(state.get("inputs") or {}))


def _opts(state: dict[str, Any]) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=bool(state.get("protect", False)),
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=state.get("parent") or None,
    )


def resource_args(state: dict[str, Any], config: dict[str, Any] | None = None) -> ResourceValidationArgs:
    urn = state["urn"]
    return ResourceValidationArgs(
        state["type"], _props(state), urn, rules.name_from_urn(urn), _opts(state), None, config
    )


def stack_args(states: list[dict[str, Any]], config: dict[str, Any] | None = None) -> StackValidationArgs:
    resources = {
        state["urn"]: PolicyResource(
            state["type"],
            _props(state),
            state["urn"],
            rules.name_from_urn(state["urn"]),
            _opts(state),
            None,
            None,
            [],
            {},
        )
        for state in states
    }
    # Link parents and dependencies the way the SDK's AnalyzeStack does.
    for state in states:
        resource = resources[state["urn"]]
        resource.parent = resources.get(state.get("parent") or "")
        resource.dependencies = [resources[d] for d in state.get("dependencies", []) if d in resources]
    return StackValidationArgs(list(resources.values()), config)


def _collector(policy: str, urn: str | None, sink: list[Violation]) -> Any:
    def report_violation(message: str, violation_urn: str | None = None) -> None:
        sink.append(Violation(policy, message, violation_urn or urn))

    return report_violation


def run_policy(
    name: str, states: list[dict[str, Any]], config: dict[str, Any] | None = None
) -> list[Violation]:
    """Run one policy's `validate` over the states, as the engine would."""
    (policy,) = [p for p in rules.POLICIES if p.name == name]
    violations: list[Violation] = []
    if isinstance(policy, StackValidationPolicy):
        result = policy.validate(stack_args(states, config), _collector(name, None, violations))
        assert result is None
        return violations
    assert isinstance(policy, ResourceValidationPolicy)
    for state in states:
        # Components are not cloud resources; the resource policies skip them.
        if not state.get("custom", True):
            continue
        result = policy.validate(resource_args(state, config), _collector(name, state["urn"], violations))
        assert result is None
    return violations


def run_all(states: list[dict[str, Any]]) -> list[Violation]:
    return [v for policy in rules.POLICIES for v in run_policy(policy.name, states)]


@pytest.fixture
def sample() -> list[dict[str, Any]]:
    return copy.deepcopy(plan_states(load_plan(SAMPLE_PLAN)))


def find(states: list[dict[str, Any]], resource_type: str, name: str | None = None) -> dict:
    matches = [
        s for s in states if s["type"] == resource_type and (name is None or s["urn"].endswith("::" + name))
    ]
    assert len(matches) == 1, f"expected one {resource_type} {name or ''}, got {len(matches)}"
    return matches[0]


def databricks_ls(states: list[dict[str, Any]]) -> dict[str, Any]:
    return find(states, rules.LINKED_SERVICE, "databricks")


def rename_stack(states: list[dict[str, Any]], stack: str) -> None:
    for state in states:
        state["urn"] = state["urn"].replace("urn:pulumi:dev::", f"urn:pulumi:{stack}::", 1)


# --- the pack ---------------------------------------------------------------------------------


def test_pack_has_exactly_the_seven_policies() -> None:
    assert {p.name: p.enforcement_level for p in rules.POLICIES} == EXPECTED_LEVELS
    assert len(rules.POLICIES) == len(EXPECTED_LEVELS)
    stack_policies = [p.name for p in rules.POLICIES if isinstance(p, StackValidationPolicy)]
    assert stack_policies == ["no-inline-token-when-protected"]


def test_main_builds_the_policy_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[dict[str, Any]] = []

    class RecordingPolicyPack:
        """Stands in for PolicyPack, whose constructor would serve gRPC and block forever."""

        def __init__(self, **kwargs: Any) -> None:
            built.append(kwargs)

    monkeypatch.setattr(pulumi_policy, "PolicyPack", RecordingPolicyPack)
    runpy.run_path(str(POLICY_DIR), run_name="__main__")

    (kwargs,) = built
    assert kwargs["name"] == rules.PACK_NAME
    assert kwargs["policies"] is rules.POLICIES

    # What the engine would be told, via the servicer the real PolicyPack serves (private API).
    servicer = pulumi_policy.policy._PolicyAnalyzerServicer(
        kwargs["name"], "0.0.1", kwargs["policies"], kwargs["enforcement_level"]
    )
    info = servicer.GetAnalyzerInfo(None, None)
    assert [p.name for p in info.policies] == list(EXPECTED_LEVELS)
    caps = next(p for p in info.policies if p.name.startswith("databricks-clusters"))
    assert caps.configSchema.properties["maxWorkers"]["default"] == rules.DEFAULT_MAX_WORKERS


def test_engine_round_trip_with_unknowns_and_config() -> None:
    """Drive the real analyzer servicer: unknowns raise nothing, config overrides the cap."""
    servicer = pulumi_policy.policy._PolicyAnalyzerServicer(
        rules.PACK_NAME, "0.0.1", rules.POLICIES, EnforcementLevel.ADVISORY
    )

    def analyze(resource_type: str, props: dict[str, Any]) -> list[Any]:
        struct = struct_pb2.Struct()
        struct.update(props)
        request = proto.AnalyzeRequest(
            type=resource_type,
            properties=struct,
            urn=f"urn:pulumi:dev::adf-databricks::{resource_type}::r",
            name="r",
            options=proto.AnalyzerResourceOptions(protect=False),
        )
        return list(servicer.Analyze(request, None).diagnostics)

    unknown_ls = {"properties": {"type": "AzureDatabricks", "domain": UNKNOWN_STRING_VALUE}}
    assert analyze(rules.LINKED_SERVICE, unknown_ls) == []
    http_ls = {"properties": {"type": "AzureDatabricks", "domain": "http://adb-1.azuredatabricks.net"}}
    (diagnostic,) = analyze(rules.LINKED_SERVICE, http_ls)
    assert diagnostic.policyName == "databricks-linked-service-https"
    assert "http://adb-1" in diagnostic.message
    assert diagnostic.enforcementLevel == proto.MANDATORY

    cluster = {"numWorkers": 6, "autoterminationMinutes": 30}
    assert analyze(rules.CLUSTER, cluster) == []
    config = proto.PolicyConfig()
    config.properties.update({"maxWorkers": 4})
    request = proto.ConfigureAnalyzerRequest(
        policyConfig={"databricks-clusters-autoterminate-and-cap-workers": config}
    )
    servicer.Configure(request, None)
    (diagnostic,) = analyze(rules.CLUSTER, cluster)
    assert "numWorkers 6 exceeds the cap of 4" in diagnostic.message


# --- good plans pass --------------------------------------------------------------------------


def test_sample_plan_passes_every_policy(sample: list[dict[str, Any]]) -> None:
    assert run_all(sample) == []


@pytest.mark.parametrize("plan_path", COMMITTED_PLANS, ids=[p.name for p in COMMITTED_PLANS])
def test_committed_plan_passes_every_policy(plan_path: Path) -> None:
    states = plan_states(load_plan(plan_path))
    # An empty or components-only plan would pass vacuously; make that visible instead.
    assert any(state.get("custom", True) for state in states), f"{plan_path.name} has no resources"
    violations = run_all(states)
    assert violations == [], "\n".join(f"{v.policy} {v.urn}: {v.message}" for v in violations)


# --- 1. notebook-activity-timeout-and-retry ---------------------------------------------------


def test_activity_timeout_and_retry_interval_fire(sample: list[dict[str, Any]]) -> None:
    pipeline = find(sample, rules.PIPELINE)
    ingest, for_each, _ = pipeline["inputs"]["activities"]
    ingest["policy"]["timeout"] = "1.00:00:00"
    for_each["activities"][0]["policy"]["retryIntervalInSeconds"] = 10

    messages = [v.message for v in run_policy("notebook-activity-timeout-and-retry", sample)]

    assert len(messages) == 2
    assert "'ingest'" in messages[0] and "'1.00:00:00'" in messages[0]
    assert "'per-table/transform'" in messages[1] and "retryIntervalInSeconds 10" in messages[1]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0.12:00:00", 43200), ("12:00:00", 43200), ("00:10:00", 600), ("2.00:00:00", 172800)],
)
def test_parse_adf_timespan(text: str, seconds: int) -> None:
    assert rules.parse_adf_timespan(text) == seconds


def test_activity_timeout_edge_cases() -> None:
    def check(policy: Any) -> list[str]:
        props = {"activities": [{"name": "a", "type": "DatabricksNotebook", "policy": policy}]}
        return rules.check_activity_timeouts(rules.PIPELINE, props)

    assert check({"timeout": "12:00:01"}) != []
    assert check({"timeout": "13:00:00"}) != []
    assert "not an ADF timespan" in check({"timeout": "12h"})[0]
    # A missing timeout bounds nothing (the service default may be 7 days); a missing retry
    # interval takes ADF's 30 s. Unknowns and run-time expressions cannot be judged at preview.
    assert "no timeout set" in check({})[0]
    assert "no timeout set" in check(None)[0]
    assert check({"timeout": "0.12:00:00"}) == []
    assert check(rules.UNKNOWN) == []
    assert check({"timeout": "[unknown]", "retryIntervalInSeconds": rules.UNKNOWN}) == []
    assert check({"timeout": "@pipeline().parameters.timeout"}) == []
    assert check({"timeout": {"type": "Expression", "value": "@x"}}) == []
    assert rules.check_activity_timeouts(rules.FACTORY, {"activities": []}) == []


def test_job_activities_time_out_and_wait_between_retries() -> None:
    """Pulumi.prod.yaml runs its notebook as a DatabricksJob activity: the rule covers it."""
    states = plan_states(load_plan(REPO / "plans" / "prod.json"))
    pipeline = next(s for s in states if s["type"] == rules.PIPELINE)
    (job_activity,) = [a for a in pipeline["inputs"]["activities"] if a["type"] == "DatabricksJob"]
    assert run_policy("notebook-activity-timeout-and-retry", states) == []
    job_activity["policy"]["retryIntervalInSeconds"] = 5
    del job_activity["policy"]["timeout"]
    messages = [v.message for v in run_policy("notebook-activity-timeout-and-retry", states)]
    assert messages == [
        "pipeline 'process-data' activity 'Process Data': no timeout set (the service default may be 7 days)"
    ]
    job_activity["policy"]["timeout"] = "1.00:00:00"
    messages = [v.message for v in run_policy("notebook-activity-timeout-and-retry", states)]
    assert len(messages) == 2
    assert "exceeds the 12-hour maximum" in messages[0] and "retryIntervalInSeconds 5" in messages[1]


# --- 2. databricks-clusters-autoterminate-and-cap-workers -------------------------------------


def test_the_clusters_of_a_databricks_job_stay_under_the_cap() -> None:
    def check(props: dict[str, Any]) -> list[str]:
        return rules.check_compute_caps(rules.JOB, props)

    # A serverless task creates no cluster to cap.
    assert check({"tasks": [{"taskKey": "notebook", "notebookTask": {"notebookPath": "/a"}}]}) == []
    assert check({"tasks": [{"taskKey": "n", "newCluster": {"autoscale": {"maxWorkers": 50}}}]}) == [
        "job task 'n' newCluster autoscale.maxWorkers 50 exceeds the cap of 20 workers"
    ]
    assert check({"jobClusters": [{"jobClusterKey": "j", "newCluster": {"numWorkers": 21}}]}) == [
        "job jobCluster 'j' newCluster numWorkers 21 exceeds the cap of 20 workers"
    ]
    assert check({"newCluster": {"numWorkers": 30}}) == [
        "job newCluster numWorkers 30 exceeds the cap of 20 workers"
    ]
    assert check({"tasks": [{"taskKey": "n", "newCluster": {"numWorkers": rules.UNKNOWN}}]}) == []


def test_compute_caps_fire(sample: list[dict[str, Any]]) -> None:
    cluster = find(sample, rules.CLUSTER)
    cluster["inputs"]["autoterminationMinutes"] = 0
    cluster["inputs"]["autoscale"]["maxWorkers"] = 50
    find(sample, rules.INSTANCE_POOL)["inputs"]["maxCapacity"] = 64
    databricks_ls(sample)["inputs"]["properties"]["newClusterNumOfWorker"] = "2:40"

    messages = [v.message for v in run_policy("databricks-clusters-autoterminate-and-cap-workers", sample)]

    assert any("autoterminationMinutes 0" in m for m in messages)
    assert any("autoscale.maxWorkers 50" in m for m in messages)
    assert any("maxCapacity 64" in m for m in messages)
    assert any("newClusterNumOfWorker '2:40'" in m for m in messages)
    assert len(messages) == 4


def test_compute_cap_comes_from_policy_config(sample: list[dict[str, Any]]) -> None:
    policy = "databricks-clusters-autoterminate-and-cap-workers"
    # Config numbers arrive as floats over gRPC; the sample's largest count is 10 (the pool).
    assert run_policy(policy, sample, {"maxWorkers": 10.0}) == []
    messages = [v.message for v in run_policy(policy, sample, {"maxWorkers": 5.0})]
    assert any("maxCapacity 10 exceeds the cap of 5" in m for m in messages)
    assert any("newClusterNumOfWorker '2:8' exceeds the cap of 5" in m for m in messages)


def test_num_of_worker_parsing_and_unknowns() -> None:
    assert rules.parse_num_of_worker("2") == 2
    assert rules.parse_num_of_worker("2:8") == 8
    assert rules.parse_num_of_worker(3) == 3
    assert rules.parse_num_of_worker("@pipeline().parameters.workers") is None
    assert rules.check_compute_caps(rules.CLUSTER, {"numWorkers": 21}) != []
    assert rules.check_compute_caps(rules.CLUSTER, {"numWorkers": 20}) == []
    assert rules.check_compute_caps(rules.CLUSTER, {"numWorkers": rules.UNKNOWN}) == []
    # Absent autotermination takes the provider's default of 60 minutes.
    assert rules.check_compute_caps(rules.CLUSTER, {}) == []


# --- 3. no-inline-token-when-protected --------------------------------------------------------


def test_inline_token_fires_only_when_stack_protects(sample: list[dict[str, Any]]) -> None:
    linked_service = databricks_ls(sample)
    linked_service["inputs"]["properties"]["accessToken"] = {
        "type": "SecureString",
        "value": "[secret]",
    }
    policy = "no-inline-token-when-protected"
    assert run_policy(policy, sample) == []

    find(sample, rules.FACTORY)["protect"] = True
    (violation,) = run_policy(policy, sample)

    assert violation.urn == linked_service["urn"]
    assert "'SecureString'" in violation.message
    assert "adf-databricks-factory" in violation.message


def test_inline_token_ignores_key_vault_and_msi() -> None:
    def view(properties: dict[str, Any], protect: bool = False) -> Any:
        props = {"properties": {"type": "AzureDatabricks", **properties}}
        return rules.ResourceView(rules.LINKED_SERVICE, props, "urn:pulumi:dev::p::t::ls", protect)

    key_vault = view({"accessToken": {"type": "AzureKeyVaultSecret"}}, protect=True)
    msi = view({"authentication": "MSI"}, protect=True)
    unknown = view({"accessToken": rules.UNKNOWN}, protect=True)
    assert rules.check_no_inline_token_when_protected([key_vault, msi, unknown]) == []


# --- 4. databricks-linked-service-https -------------------------------------------------------


def test_https_fires_on_known_plain_http_domain(sample: list[dict[str, Any]]) -> None:
    domain = "http://adb-1234567890123456.7.azuredatabricks.net"
    databricks_ls(sample)["inputs"]["properties"]["domain"] = domain

    (violation,) = run_policy("databricks-linked-service-https", sample)

    assert domain in violation.message


def test_https_ignores_unknown_domain_and_other_linked_services(
    sample: list[dict[str, Any]],
) -> None:
    databricks_ls(sample)["inputs"]["properties"]["domain"] = "[unknown]"
    find(sample, rules.LINKED_SERVICE, "keyvault")["inputs"]["properties"]["baseUrl"] = "http://x"
    assert run_policy("databricks-linked-service-https", sample) == []
    props = {"properties": {"type": "AzureDatabricks", "domain": "adb-1.azuredatabricks.net"}}
    assert rules.check_linked_service_https(rules.LINKED_SERVICE, props) != []


# --- 5. required-tags -------------------------------------------------------------------------


def test_required_tags_fire(sample: list[dict[str, Any]]) -> None:
    vault = find(sample, rules.KEY_VAULT)
    vault["inputs"]["tags"] = {"environment": "dev", "owner": "data-team"}
    del find(sample, rules.RESOURCE_GROUP)["inputs"]["tags"]

    violations = run_policy("required-tags", sample)

    by_urn = {v.urn: v.message for v in violations}
    assert len(violations) == 2
    assert "managed-by" in by_urn[vault["urn"]] and "owner" in by_urn[vault["urn"]]
    assert "environment, managed-by" in by_urn[find(sample, rules.RESOURCE_GROUP)["urn"]]


def test_required_tags_config_and_untaggable_types(sample: list[dict[str, Any]]) -> None:
    messages = [v.message for v in run_policy("required-tags", sample, {"requiredTags": ["cost-center"]})]
    assert len(messages) == len(rules.TAGGABLE_TYPES)
    assert all("cost-center" in m for m in messages)
    assert rules.check_required_tags(rules.PIPELINE, {}) == []
    assert rules.check_required_tags(rules.FACTORY, {"tags": rules.UNKNOWN}) == []
    blank = {"tags": {"environment": " ", "managed-by": "pulumi"}}
    assert "environment" in rules.check_required_tags(rules.FACTORY, blank)[0]


# --- 6. prod-protects-workspace-and-factory ---------------------------------------------------


def test_prod_stack_requires_protection(sample: list[dict[str, Any]]) -> None:
    rename_stack(sample, "prod-weu")

    violations = run_policy("prod-protects-workspace-and-factory", sample)

    assert {v.urn for v in violations} == {
        find(sample, rules.WORKSPACE)["urn"],
        find(sample, rules.FACTORY)["urn"],
    }
    assert all("protect=False" in v.message and "'prod-weu'" in v.message for v in violations)

    for state in sample:
        state["protect"] = state["type"] in rules.PROTECTED_IN_PROD_TYPES
    assert run_policy("prod-protects-workspace-and-factory", sample) == []


def test_prod_environment_tag_requires_protection(sample: list[dict[str, Any]]) -> None:
    find(sample, rules.FACTORY)["inputs"]["tags"]["environment"] = "Production"

    (violation,) = run_policy("prod-protects-workspace-and-factory", sample)

    assert "'Production'" in violation.message


@pytest.mark.parametrize(
    ("stack", "prod"),
    [
        ("prod", True),
        ("production", True),
        ("prod-eu", True),
        ("prod_2", True),
        ("dev", False),
        ("products", False),
        ("preprod", False),
    ],
)
def test_prod_stack_names(stack: str, prod: bool) -> None:
    urn = f"urn:pulumi:{stack}::adf-databricks::{rules.FACTORY}::f"
    assert rules.stack_from_urn(urn) == stack
    assert (rules.check_prod_protection(rules.FACTORY, {}, False, urn) != []) is prod


# --- 7. prod-workspace-is-private -------------------------------------------------------------


def test_a_public_workspace_in_production_is_refused(sample: list[dict[str, Any]]) -> None:
    rename_stack(sample, "prod")
    workspace = find(sample, rules.WORKSPACE)

    messages = [v.message for v in run_policy("prod-workspace-is-private", sample)]

    name = workspace["urn"].rsplit("::", 1)[-1]
    assert messages == [
        f"workspace '{name}' is not injected into a VNet but stack 'prod' is prod-like; give the stack a network",
        f"workspace '{name}' has requiredNsgRules 'AllRules', not back-end Private Link (NoAzureDatabricksRules),"
        " but stack 'prod' is prod-like",
        f"workspace '{name}' has publicNetworkAccess 'Enabled' but stack 'prod' is prod-like; set"
        " workspace.publicNetworkAccess: Disabled",
    ]
    workspace["inputs"].setdefault("parameters", {})["customVirtualNetworkId"] = {"value": "[unknown]"}
    workspace["inputs"]["requiredNsgRules"] = "NoAzureDatabricksRules"
    workspace["inputs"]["publicNetworkAccess"] = "Disabled"
    assert run_policy("prod-workspace-is-private", sample) == []


def test_only_production_must_be_private(sample: list[dict[str, Any]]) -> None:
    assert run_policy("prod-workspace-is-private", sample) == []
    find(sample, rules.WORKSPACE)["inputs"]["tags"]["environment"] = "production"
    assert len(run_policy("prod-workspace-is-private", sample)) == 3


# --- plumbing ---------------------------------------------------------------------------------


def test_plan_loader_rejects_unknown_step_shapes() -> None:
    with pytest.raises(AssertionError, match="has no newState"):
        plan_states({"steps": [{"op": "create", "urn": "urn:x"}]})


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def test_to_plain_replaces_engine_unknowns() -> None:
    proxied = unknown_checking_proxy({"a": [UNKNOWN_STRING_VALUE, {"b": UNKNOWN_STRING_VALUE}]})
    plain = rules.to_plain(proxied)
    assert plain == {"a": [rules.UNKNOWN, {"b": rules.UNKNOWN}]}
    assert all(isinstance(v, (dict, list, type(rules.UNKNOWN))) for v in _walk(plain))
