"""schema/stack.json: what editors check Pulumi.<stack>.yaml with, from the program's own rules."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from components import platform
from tests.conftest import ROOT, base
from tools import plan, stack_schema

COMMITTED = ROOT / "schema" / "stack.json"
STACK_FILES = sorted(p for p in ROOT.glob("Pulumi.*.yaml"))
FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("Pulumi.*.yaml"))
VALIDATOR = Draft202012Validator(json.loads(COMMITTED.read_text()))


def stack_file(config: dict[str, Any], **pulumi_keys: Any) -> dict[str, Any]:
    return {"config": {f"adf-databricks:{k}": v for k, v in config.items()}, **pulumi_keys}


def errors(document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def test_committed_schema_is_fresh() -> None:
    assert COMMITTED.read_text() == stack_schema.dumps(stack_schema.schema()), (
        "schema/stack.json is stale: run `make stack-schema` and commit the result"
    )
    Draft202012Validator.check_schema(json.loads(COMMITTED.read_text()))


@pytest.mark.parametrize("path", [*STACK_FILES, *FIXTURES], ids=lambda p: p.name)
def test_every_committed_stack_file_is_valid(path: Path) -> None:
    """With its placeholders filled in (tools.plan.PLACEHOLDER_FILLS), as `make plans` does."""
    document = yaml.safe_load(path.read_text())
    for item in plan.PLACEHOLDER_FILLS.get(path.name[len("Pulumi.") : -len(".yaml")], ()):
        key, _, value = item.partition("=")
        top, *keys = key.split(".")
        node = document["config"][top]
        for part in keys[:-1]:
            node = node[part]
        node[keys[-1]] = value
    assert errors(document) == []


def test_editors_flag_the_prod_placeholder_account_id() -> None:
    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())
    assert document["config"]["adf-databricks:auth"]["accountId"] == "00000000-0000-0000-0000-000000000000"
    assert errors(document) and all(e.startswith("config/adf-databricks:auth") for e in errors(document))


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: p.name)
def test_every_stack_file_names_the_schema_for_editors(path: Path) -> None:
    first = path.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema/stack.json"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda c: c.update(colour="blue"), "config"),
        (lambda c: c.update(protect="yes"), "config/adf-databricks:protect"),
        (lambda c: c.update(auth={"mode": "oauth"}), "config/adf-databricks:auth"),
        (lambda c: c["cluster"].update(sparkVersoin="15.4.x-scala2.12"), "config/adf-databricks:cluster"),
        (
            lambda c: c["cluster"].update(mode="interactive", autoterminationMinutes=5),
            "config/adf-databricks:cluster",
        ),
        (
            lambda c: c["pipelines"][0]["activities"][0].update(timeout="1h"),
            "config/adf-databricks:pipelines",
        ),
        (lambda c: c["pipelines"][0]["schedule"].update(hours=[24]), "config/adf-databricks:pipelines"),
        (lambda c: c.update(pipelines=[]), "config/adf-databricks:pipelines"),
        (lambda c: c.pop("pipelines"), "config"),
    ],
    ids=[
        "unknown key",
        "wrong type",
        "not in the closed set",
        "misspelt nested key",
        "out of range",
        "pattern",
        "item out of range",
        "empty list",
        "missing required key",
    ],
)
def test_typical_mistakes_are_flagged_where_they_are(change: Any, where: str) -> None:
    config = copy.deepcopy(base())
    change(config)
    found = errors(stack_file(config))
    assert found, "the schema accepted a mistake"
    assert all(e.startswith(where) for e in found), found
    # The program refuses the same document: one definition feeds both.
    assert platform.problems(config, "adf-databricks", "test")


def test_pulumis_own_keys_secrets_and_other_namespaces_are_accepted() -> None:
    config = base()
    config["pipelines"][0]["parameters"]["key"] = {"type": "SecureString", "default": {"secure": "v1:abc"}}
    document = stack_file(
        config,
        secretsprovider="azurekeyvault://vault.vault.azure.net/keys/pulumi",
        encryptedkey="ZW5jcnlwdGVk",
        environment=["data-platform/dev"],
    )
    document["config"]["adf-databricks:location"] = {"secure": "v1:def"}
    document["config"]["azure-native:location"] = "westeurope"
    document["config"]["notebookFolder"] = "/team/etl"  # the project's namespace is implied
    assert errors(document) == []


def test_config_keys_are_the_package_schemas_names() -> None:
    """A YAML program using the package and a stack file speak one vocabulary."""
    package = json.loads((ROOT / "schema" / "package.json").read_text())
    inputs = package["resources"]["adf-databricks:index:AdfDatabricks"]["inputProperties"]
    stack = json.loads(COMMITTED.read_text())["properties"]["config"]["properties"]
    assert sorted(k for k in stack if ":" not in k) == sorted(inputs)
