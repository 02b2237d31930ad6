"""Rules Azure Resource Manager puts on resource group names and tags, shared by the components
that create Azure resources: each is written once here and used in their args' `@rules`
(Data Factory's own naming rules are in components.names).

Patterns are JSON Schema patterns, which editors read as ECMA-262 regular expressions: no
inline flags, so case-insensitive parts are spelled out with `any_case`.
"""

from .validation import rule


def any_case(text: str) -> str:
    """A pattern matching `text` in any letter case ("ab" -> "[Aa][Bb]"), special characters escaped."""
    return "".join(
        f"[{c.upper()}{c.lower()}]" if c.isalpha() else (f"\\{c}" if c in r".^$*+?()[]{}|\/" else c)
        for c in text
    )


RESOURCE_GROUP_NAME = rule(
    "a resource group name (1-90 letters, digits, - _ . ( ), not ending in .)",
    # Learn, azure-resource-manager/management/resource-name-rules, Microsoft.Resources.
    pattern=r"^[-\w.()]{0,89}[-\w()]$",
)
"""A resource group's name."""

TAGS = rule(
    "a map of strings",
    # Learn, azure-resource-manager/management/tag-resources, "Limitations".
    propertyNames={
        "minLength": 1,
        "maxLength": 512,
        "pattern": r"^[^<>%&\\?/]*$",
        "x-expected": "Azure tags (names of 1-512 characters without < > % & \\ ? /, values of at most 256)",
    },
    values=rule("a string of at most 256 characters", maxLength=256),
    default={},
)
"""Tags of an Azure resource (none by default)."""
