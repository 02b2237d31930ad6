"""RunIdentity: its args, checked on their own (the stack's use is in test_platform)."""

from pathlib import Path

import pytest

from components import validation
from components.run_identity import RunIdentity
from components.validation import InvalidArgs
from components.workspace_access import AuthSpec
from tests.conftest import run_program
from tools import engine


def test_component_refuses_bad_args_with_every_problem() -> None:
    # No mocks are set: reaching the engine would fail differently.
    with pytest.raises(InvalidArgs) as caught:
        RunIdentity(
            "who",
            {"mode": "password", "resource_group_name": "rg.", "tags": {"a?": "x"}, "protect": "yes"},  # type: ignore[typeddict-item]
        )
    assert str(caught.value).splitlines() == [
        "RunIdentity who: mode: expected one of msi, token, got 'password'",
        "RunIdentity who: resourceGroupName: expected a resource group name (1-90 letters, digits,"
        " - _ . ( ), not ending in .), got 'rg.'",
        "RunIdentity who: tags: expected Azure tags (names of 1-512 characters without"
        " < > % & \\ ? /, values of at most 256), got 'a?'",
        "RunIdentity who: protect: expected true or false, got 'yes'",
    ]


def test_mode_is_required() -> None:
    with pytest.raises(InvalidArgs, match="RunIdentity who: mode: is required"):
        RunIdentity("who", {"resource_group_name": "rg"})  # type: ignore[typeddict-item]


TOKEN_PROGRAM = """
import pulumi
from components.run_identity import RunIdentity

who = RunIdentity("who", {"mode": "token", "resource_group_name": "rg"})
pulumi.export("runAs", who.run_as)
"""


def test_mode_as_a_plain_string(tmp_path: Path) -> None:
    """`{"mode": "token"}`, as other Pulumi languages send it: runs execute as the token owner."""
    result = run_program(tmp_path, TOKEN_PROGRAM)
    assert result.outputs["runAs"] == engine.CLIENT_CONFIG["clientId"]
    assert result.of_type("azure-native:managedidentity:UserAssignedIdentity") == []
    assert result.of_type("databricks:index/servicePrincipal:ServicePrincipal") == []


CHILDREN_PROGRAM = """
import pulumi
from components.run_identity import RunIdentity

who = RunIdentity("who", {"mode": %r, "resource_group_name": "rg"})
pulumi.export("jobRunAs", who.job_run_as)
pulumi.export("runAs", who.run_as)
pulumi.export("absent", [n for n in ("identity", "service_principal", "rule_set") if getattr(who, n) is None])
"""


@pytest.mark.parametrize(
    ("mode", "absent"),
    [("token", ["identity", "service_principal", "rule_set"]), ("msi", ["rule_set"])],
)
def test_python_programs_see_what_each_mode_declares(tmp_path: Path, mode: str, absent: list[str]) -> None:
    """What a mode does not declare is None; without an account id there is no role to wait
    for, so a job runs as the run identity itself."""
    result = run_program(tmp_path, CHILDREN_PROGRAM % mode)
    assert result.outputs["absent"] == absent
    assert result.outputs["jobRunAs"] == result.outputs["runAs"]
    assert result.outputs["runAs"] == (
        engine.CLIENT_CONFIG["clientId"] if mode == "token" else engine.IDENTITY_CLIENT
    )


ACCOUNT = "11111111-2222-4333-8444-555555555555"
DEPLOYERS_PROGRAM = """
import pulumi
from components.run_identity import RunIdentity

RunIdentity("who", {"mode": "msi", "resource_group_name": "rg", "account_id": %r, "deployers": %r})
"""


@pytest.mark.parametrize("order", [1, -1])
def test_every_deployer_holds_both_roles_in_one_sorted_list(tmp_path: Path, order: int) -> None:
    """The rule set is authoritative (terraform-provider-databricks access_control_rule_set.md):
    a deployer it leaves out loses Service Principal User, so it names every one, the current
    deployer included, sorted so that the order written does not change the preview."""
    others = ["users/ana@example.com", "groups/platform deployers"][::order]
    result = run_program(tmp_path, DEPLOYERS_PROGRAM % (ACCOUNT, others))
    (rule_set,) = result.of_type("databricks:index/accessControlRuleSet:AccessControlRuleSet")
    principals = sorted(
        [
            "groups/platform deployers",
            "users/ana@example.com",
            f"servicePrincipals/{engine.CLIENT_CONFIG['clientId']}",
        ]
    )
    assert rule_set.inputs["grantRules"] == [
        {"role": "roles/servicePrincipal.manager", "principals": principals},
        {"role": "roles/servicePrincipal.user", "principals": principals},
    ]


def test_the_current_deployer_named_again_is_listed_once(tmp_path: Path) -> None:
    me = f"servicePrincipals/{engine.CLIENT_CONFIG['clientId']}"
    result = run_program(tmp_path, DEPLOYERS_PROGRAM % (ACCOUNT, [me]))
    (rule_set,) = result.of_type("databricks:index/accessControlRuleSet:AccessControlRuleSet")
    assert [r["principals"] for r in rule_set.inputs["grantRules"]] == [[me], [me]]


def test_deployers_must_be_databricks_principals_named_once() -> None:
    with pytest.raises(InvalidArgs) as caught:
        RunIdentity(
            "who",
            {
                "mode": "msi",
                "resource_group_name": "rg",
                "account_id": ACCOUNT,
                "deployers": ["ana@example.com", "groups/ops", "groups/ops", "servicePrincipals/ci"],
            },
        )
    message = str(caught.value)
    assert "RunIdentity who: deployers[0]: expected a Databricks principal" in message
    assert "RunIdentity who: deployers[3]: expected a Databricks principal" in message
    assert "RunIdentity who: deployers: expected Databricks principals, each named once, got" in message


def test_stack_deployers_apply_only_with_an_account_id() -> None:
    """Without accountId there is no rule set to name them in: refused, not ignored."""
    with pytest.raises(InvalidArgs, match=r"auth\.deployers: applies only with auth\.accountId"):
        validation.parse(AuthSpec, {"mode": "msi", "deployers": ["groups/ops"]}, "auth.")
