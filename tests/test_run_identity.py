"""RunIdentity: its args, checked on their own (the stack's use is in test_platform)."""

from pathlib import Path

import pytest

from components.run_identity import RunIdentity
from components.validation import InvalidArgs
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
