"""The repository as a Python package: `pip install` of it gives `adf_databricks`, which a
program outside the repository imports and builds under Pulumi's own mocks."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import components
from tests.conftest import ROOT

CONSUMER_TEST = '''
"""A consumer project's own test: the components under pulumi.runtime mocks."""
import sys

import pulumi


SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        outputs = dict(args.inputs)
        if args.typ == "azure-native:databricks:Workspace":
            outputs["workspaceUrl"] = "adb-1.1.azuredatabricks.net"
            outputs["workspaceId"] = "1"
        if args.typ == "time:index/static:Static":
            outputs["unix"] = 1768469400
        if args.typ == "azure-native:datafactory:Factory":
            outputs["identity"] = {"principalId": "00000000-0000-0000-0000-000000000005"}
        if args.typ == "azure-native:managedidentity:UserAssignedIdentity":
            outputs["principalId"] = "00000000-0000-0000-0000-000000000006"
            outputs["clientId"] = "00000000-0000-0000-0000-000000000007"
        # ARM-shaped ids: the components read subscriptions and scopes from them.
        kind = args.typ.split(":")[-1]
        return [f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/Test/{kind}/{args.name}", outputs]

    def call(self, args):
        return {
            "subscriptionId": "00000000-0000-0000-0000-000000000001",
            "tenantId": "00000000-0000-0000-0000-000000000002",
            "objectId": "00000000-0000-0000-0000-000000000003",
            "clientId": "00000000-0000-0000-0000-000000000004",
            "userName": "me@example.com",
            "aclPrincipalId": "users/me@example.com",
            "id": "1",
        }


pulumi.runtime.set_mocks(Mocks(), project="team-etl", stack="dev", preview=False)

from adf_databricks import __version__  # noqa: E402
from adf_databricks.platform import AdfDatabricks  # noqa: E402


@pulumi.runtime.test
def test_the_installed_components_build():
    assert "components" not in sys.modules
    platform = AdfDatabricks(
        "etl",
        {
            "location": "westeurope",
            "cluster": {"mode": "job", "sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_D4ds_v5"},
            "pipelines": [
                {"name": "load", "activities": [{"name": "Load", "notebook": "load.py"}]}
            ],
        },
    )
    return pulumi.Output.all(platform.pipeline_names, platform.notebook_paths).apply(
        lambda values: print("built", __version__, values)
    )
'''


@pytest.mark.subprocess
def test_a_program_outside_the_repository_installs_and_builds_the_components(tmp_path: Path) -> None:
    wheels, site, consumer = tmp_path / "wheels", tmp_path / "site", tmp_path / "consumer"
    consumer.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    # No build isolation: setuptools comes from requirements-dev.txt, not a download.
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    [wheel] = wheels.glob("adf_databricks-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    (consumer / "load.py").write_text("# Databricks notebook source\nprint('load')\n")
    (consumer / "test_consumer.py").write_text(textwrap.dedent(CONSUMER_TEST))
    # The SDKs from this venv, the package from its install: not the checkout.
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "test_consumer.py"],
        cwd=consumer,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # The installed package's version is the repository's (one version, components.__version__).
    assert f"built {components.__version__} [['load'], ['/team-etl/dev/load']]" in run.stdout
    assert not (ROOT / "build").exists() or "build/" in (ROOT / ".gitignore").read_text()
