"""A JSON Schema for `Pulumi.<stack>.yaml`, generated from AdfDatabricksArgs and its rules.

    python -m tools.stack_schema      # (make stack-schema) write schema/stack.json

Editors that speak the YAML language server read it through the modeline each committed stack
file starts with (`# yaml-language-server: $schema=schema/stack.json`) and complete and check
the `adf-databricks:` keys as you type: types, enums, ranges, patterns, required and unknown
keys. It is the schema the program itself validates a stack's config against
(components.platform.problems), wrapped in the stack file's own layout: Pulumi's keys
(`secretsprovider`, `encryptedkey`, `environment`), other namespaces' config left open, and a
`{secure: ...}` value accepted wherever `pulumi config set --secret` may put one. The rules
between keys (an autoscale range that grows, keys of another cluster mode, ...) are code and
run when the program does. tests/test_stack_schema.py fails when the committed file is stale.
"""

from pathlib import Path
from typing import Any

from components import validation
from components.platform import AdfDatabricksArgs
from components.settings import NAMESPACE
from tools.package_schema import dumps as dumps  # the tests compare with it
from tools.package_schema import write

PATH = Path(__file__).resolve().parent.parent / "schema" / "stack.json"

SECURE = {
    "type": "object",
    "description": "A value encrypted by `pulumi config set --secret`.",
    "properties": {"secure": {"type": "string"}},
    "required": ["secure"],
    "additionalProperties": False,
}


def config_schema() -> dict[str, Any]:
    """The schema of the `adf-databricks:` keys (also README's reference, tools.readme_reference)."""
    return validation.json_schema(AdfDatabricksArgs)


def schema() -> dict[str, Any]:
    """The stack file's schema."""
    args = config_schema()
    defs = {**args.pop("$defs"), "Secure": SECURE}
    config: dict[str, Any] = {}
    for key, prop in args["properties"].items():
        # The project's own keys may also be written without the namespace.
        defs[f"config.{key}"] = prop
        either = {"anyOf": [{"$ref": f"#/$defs/config.{key}"}, {"$ref": "#/$defs/Secure"}]}
        config[f"{NAMESPACE}:{key}"] = either
        config[key] = either
    return {
        "$schema": args["$schema"],
        "title": "Pulumi stack file of adf-databricks",
        "description": args["description"],
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "properties": config,
                # Another namespace's keys (azure-native:location, ...) are its provider's.
                "patternProperties": {rf"^(?!{NAMESPACE}:)[^:]+:.+$": {}},
                "additionalProperties": False,
                "anyOf": [{"required": [f"{NAMESPACE}:{key}"]} for key in args.get("required", [])]
                + [{"required": [key]} for key in args.get("required", [])],
            },
            "secretsprovider": {"type": "string", "description": "Pulumi's secrets provider for this stack."},
            "encryptedkey": {"type": "string", "description": "The stack's data key, encrypted."},
            "encryptionsalt": {"type": "string", "description": "Salt of the passphrase secrets provider."},
            "environment": {"description": "Pulumi ESC environments the stack imports."},
        },
        "required": ["config"],
        "additionalProperties": False,
        "$defs": defs,
    }


def main() -> None:
    write(PATH, schema())


if __name__ == "__main__":
    main()
