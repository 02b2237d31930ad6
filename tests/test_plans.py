"""The committed offline plans match the program, and the plan tool behaves as documented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, activity, base, pipeline
from tools import engine, plan

STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in ROOT.glob("Pulumi.*.yaml"))


@pytest.mark.parametrize("stack", STACKS)
def test_committed_plan_is_current(stack: str) -> None:
    committed = ROOT / "plans" / f"{stack}.json"
    assert committed.exists(), f"plans/{stack}.json is missing: run `make plans` and commit it"
    current = plan.dumps(
        plan.plan_for(ROOT / f"Pulumi.{stack}.yaml", stack, plan.PLACEHOLDER_FILLS.get(stack, ()))
    )
    assert committed.read_text() == current, (
        f"plans/{stack}.json is stale: run `make plans` and commit the result"
    )


@pytest.mark.parametrize("stack", STACKS)
def test_plan_shape(stack: str) -> None:
    data = json.loads((ROOT / "plans" / f"{stack}.json").read_text())
    assert set(data) == {"steps", "outputs", "changeSummary"}
    assert data["changeSummary"] == {"create": len(data["steps"])}
    urns = [step["urn"] for step in data["steps"]]
    assert len(urns) == len(set(urns))
    seen: set[str] = set()
    for step in data["steps"]:
        state = step["newState"]
        assert step["op"] == "create"
        assert set(state) == {
            "type",
            "urn",
            "custom",
            "parent",
            "provider",
            "inputs",
            "dependencies",
            "propertyDependencies",
            "protect",
        }
        # An input that carries another resource's output implies a dependency on it.
        for urns in state["propertyDependencies"].values():
            assert set(urns) <= set(state["dependencies"])
        # Dependency order: parents, providers and dependencies come first.
        for before in [state["parent"], *state["dependencies"]]:
            assert not before or before in seen, (state["urn"], before)
        seen.add(step["urn"])


FIXTURES = ROOT / "tests" / "fixtures"
"""Stacks of the tests' own, so a user's edits to Pulumi.<stack>.yaml keep the suite green."""


def test_plan_marks_secrets_and_unknowns() -> None:
    data = plan.plan_for(FIXTURES / "Pulumi.learn.yaml", "learn")
    secret = next(s for s in data["steps"] if s["newState"]["type"] == "azure-native:keyvault:Secret")
    assert secret["newState"]["inputs"]["properties"]["value"] == "[secret]"
    assert data["outputs"]["workspaceUrl"] == "[unknown]"


def test_a_plan_never_shows_a_secret_value() -> None:
    """Rendered from a run whose mocks do return the token, the plan still shows none of it."""
    config, secret_keys = engine.read_stack_config(FIXTURES / "Pulumi.learn.yaml")
    result = engine.run(config, "learn", preview=False, secret_keys=secret_keys)
    assert any(engine.TOKEN_VALUE in json.dumps(r.raw_inputs) for r in result.resources)
    assert engine.TOKEN_VALUE not in plan.dumps(plan.build(result, "learn"))


def test_encrypted_config_values_read_as_secret_placeholders(tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.s.yaml"
    stack.write_text(
        "config:\n  adf-databricks:token: {secure: v1:abc}\n"
        "  adf-databricks:pipelines:\n    - parameters:\n"
        "        key: {type: SecureString, default: {secure: v1:def}}\n"
    )
    config, secret_keys = engine.read_stack_config(stack)
    assert config["adf-databricks:token"] == engine.ENCRYPTED
    pipelines = json.loads(config["adf-databricks:pipelines"])
    assert pipelines[0]["parameters"]["key"]["default"] == engine.ENCRYPTED
    assert sorted(secret_keys) == ["adf-databricks:pipelines", "adf-databricks:token"]


def test_plan_is_byte_identical_across_runs() -> None:
    first = plan.dumps(plan.plan_for(FIXTURES / "Pulumi.msi.yaml", "msi"))
    second = plan.dumps(plan.plan_for(FIXTURES / "Pulumi.msi.yaml", "msi"))
    assert first == second


def test_text_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main(["--config-file", str(FIXTURES / "Pulumi.learn.yaml"), "--stack", "learn"]) == 0
    out = capsys.readouterr().out
    data = plan.plan_for(FIXTURES / "Pulumi.learn.yaml", "learn")
    assert out.startswith("Previewing update (learn), offline:")
    assert "└─ adf-databricks:index:AdfDatabricks" in out
    assert "azure-native:datafactory:Pipeline" in out
    assert "Outputs:" in out and 'authMode: "token"' in out
    assert out.rstrip().endswith(f"+ {data['changeSummary']['create']} to create")


def test_config_file_flag_and_out(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert (
        plan.main(
            [
                "--config-file",
                str(ROOT / "Pulumi.prod.yaml"),
                "--stack",
                "prod",
                "--fill-placeholders",
                "--json",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_text() == (ROOT / "plans" / "prod.json").read_text()


def test_committed_prod_stack_alone_is_refused_naming_what_to_fill_in(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Pulumi.prod.yaml as committed carries the nil UUID as its account id: `pulumi preview`
    refuses it, naming the key and where the real value is, instead of deploying and failing."""
    assert plan.main(["--stack", "prod", "--json"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: adf-databricks:auth.accountId: 00000000-0000-0000-0000-000000000000 is a placeholder: set your"
        " Databricks account id, shown in the account console (https://accounts.azuredatabricks.net)"
        " under your user name, top right",
    ]


def test_set_overrides_a_nested_value_as_config_set_path_does() -> None:
    config = {"adf-databricks:auth": '{"mode": "msi", "accountId": "x"}', "adf-databricks:location": "a"}
    assert plan.with_values(config, ["adf-databricks:auth.accountId=y", "adf-databricks:location=b"]) == {
        "adf-databricks:auth": '{"mode": "msi", "accountId": "y"}',
        "adf-databricks:location": "b",
    }
    assert config["adf-databricks:auth"] == '{"mode": "msi", "accountId": "x"}'


@pytest.mark.subprocess
def test_bad_config_exits_2_with_one_error_line(tmp_path: Path) -> None:
    bad = tmp_path / "Pulumi.bad.yaml"
    config = base(pipelines=[pipeline(activities=[activity(timeout="1h")])])
    bad.write_text(yaml.safe_dump({"config": {f"adf-databricks:{k}": v for k, v in config.items()}}))
    proc = subprocess.run(
        [sys.executable, "-m", "tools.plan", "--config-file", str(bad), "--stack", "bad"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        "error: adf-databricks:pipelines[0].activities[0].timeout: expected d.hh:mm:ss (at most 7 days), got '1h'"
    ]


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        (
            "config:\n  adf-databricks:location: [westeurope\n",
            ":3:1:",
            "invalid YAML: did not find expected ',' or ']'",
        ),
        ("config:\n  a: 1\n b: 2\n", ":3:2:", "invalid YAML:"),
        (
            "config:\n\tadf-databricks:location: x\n",
            ":2:1:",
            "invalid YAML: found character that cannot start any token",
        ),
        ("- just\n- a list\n", ":1:1:", "expected a YAML mapping (config: ...), got a list"),
    ],
)
def test_broken_yaml_exits_2_naming_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: str, problem: str
) -> None:
    broken = tmp_path / "Pulumi.broken.yaml"
    broken.write_text(text)
    assert plan.main(["--config-file", str(broken), "--stack", "broken"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {broken}{where} "), lines[0]
    assert problem in lines[0]


ORDERING_ONLY = {
    # The secret is deleted through the vault's data plane before the deployer's grant goes.
    ("azure-native:keyvault:Secret", "azure-native:authorization:RoleAssignment"),
    # The propagation wait starts once every grant exists, the deployer's included.
    ("time:index/sleep:Sleep", "azure-native:authorization:RoleAssignment"),
    # A trigger starts runs only after the grants they need have propagated.
    ("azure:datafactory/triggerSchedule:TriggerSchedule", "time:index/sleep:Sleep"),
    # ... and after the Unity Catalog grants that let its notebooks write to the volume.
    ("azure:datafactory/triggerSchedule:TriggerSchedule", "databricks:index/grant:Grant"),
    # ... and after the run identity's rights on the pool or interactive cluster, and its
    # job activities' identity may run their jobs (CAN_MANAGE_RUN).
    ("azure:datafactory/triggerSchedule:TriggerSchedule", "databricks:index/permissions:Permissions"),
    # ... and, in a private stack, after the factory's managed private endpoints are approved.
    (
        "azure:datafactory/triggerSchedule:TriggerSchedule",
        "azure-native:databricks:PrivateEndpointConnection",
    ),
    ("azure:datafactory/triggerSchedule:TriggerSchedule", "azure-native:keyvault:PrivateEndpointConnection"),
    # The managed runtime and endpoints name the managed virtual network ("default"), which must
    # exist first (a generic resource: azure-native has no type for it).
    ("azure-native:datafactory:IntegrationRuntime", "azure-native:resources:Resource"),
    ("azure-native:datafactory:ManagedPrivateEndpoint", "azure-native:resources:Resource"),
    # Azure takes one endpoint operation on a workspace at a time.
    ("azure-native:network:PrivateEndpoint", "azure-native:network:PrivateEndpoint"),
    ("azure-native:network:PrivateEndpoint", "azure-native:network:PrivateDnsZoneGroup"),
}
"""Edges that order resources without passing a value, each for the reason given."""


@pytest.mark.parametrize("stack", STACKS)
def test_every_dependency_carries_a_value(stack: str) -> None:
    """No resource waits on something it does not use: each edge comes from an input, or is
    one of the documented ordering edges."""
    data = json.loads((ROOT / "plans" / f"{stack}.json").read_text())
    types = {step["urn"]: step["newState"]["type"] for step in data["steps"]}
    for step in data["steps"]:
        state = step["newState"]
        used = {urn for urns in state["propertyDependencies"].values() for urn in urns}
        ordering = {urn for urn in state["dependencies"] if (state["type"], types[urn]) in ORDERING_ONLY}
        assert used <= set(state["dependencies"]), state["urn"]
        assert set(state["dependencies"]) - used <= ordering, state["urn"]


URNS = json.loads((ROOT / "tests" / "fixtures" / "urns.json").read_text())
"""The URNs of the fixture stacks as released before the components owned their args."""


@pytest.mark.parametrize("fixture", sorted(URNS))
def test_restructuring_keeps_every_released_urn(fixture: str) -> None:
    """Existing stacks must not churn: a resource whose URN changes is deleted and re-created
    unless it carries the old URN as an alias."""
    config, secret_keys = engine.read_stack_config(ROOT / "tests" / "fixtures" / f"Pulumi.{fixture}.yaml")
    result = engine.run(config, fixture, preview=True, secret_keys=secret_keys)
    known = {r.urn for r in result.resources} | {a for r in result.resources for a in r.aliases}
    assert [urn for urn in URNS[fixture] if urn not in known] == []
