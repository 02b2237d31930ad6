"""README's per-key configuration reference, generated from the stack file's schema.

    python -m tools.readme_reference      # (make readme-reference) rewrite README's block

The tables between README's BEGIN and END markers come from the schema schema/stack.json is
made of (tools.stack_schema.config_schema: AdfDatabricksArgs with its rules, and the
docstrings), one table per object a stack file holds, in field order: each key's full path,
its type, whether it is required or its default, the values its rules allow, and its
docstring. To change a row, change the field's docstring or rule in components/ and run
`make schemas`; tests/test_readme_reference.py fails while the committed README is stale.
Prose around the block stays hand-written.
"""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.stack_schema import config_schema

PATH = Path(__file__).resolve().parent.parent / "README.md"
BEGIN = (
    "<!-- BEGIN GENERATED: config-reference (make readme-reference, from the docstrings and"
    " rules in components/; do not edit) -->"
)
END = "<!-- END GENERATED: config-reference -->"

COLUMNS = ("key", "type", "required / default", "allowed", "description")

_PLURAL = {"string": "strings", "integer": "integers", "boolean": "booleans", "object": "objects"}


@dataclass(frozen=True)
class Section:
    """One object of a stack file: its key path (`pipelines[].schedule`), description and keys."""

    path: str
    schema: Mapping[str, Any]
    """The object's schema, its `$ref` followed."""
    description: str
    """The object type's own (its class docstring), not the key's that holds it."""
    depth: int
    ref: str | None = None
    """The `$defs` entry it is, if any."""


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    """A subschema with its `$ref` (this schema's only kind: `#/$defs/<name>`) followed."""
    ref = node.get("$ref")
    if ref is None:
        return node
    return {**defs[ref.split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}


def _object(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The args object a subschema is, if it is one (an object with declared keys)."""
    node = _resolve(node, defs)
    return node if "properties" in node else None


def _children(path: str, node: Mapping[str, Any], defs: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """The objects a key's value holds, with their paths: itself, its items or its values."""
    if _object(node, defs) is not None:
        yield path, node
    elif isinstance(node.get("items"), Mapping) and _object(node["items"], defs) is not None:
        yield f"{path}[]", node["items"]
    elif isinstance(values := node.get("additionalProperties"), Mapping) and _object(values, defs):
        yield f"{path}.<name>", values


def sections(schema: Mapping[str, Any]) -> list[Section]:
    """Every object of the document, depth first in field order: a parent before its children."""
    defs = schema.get("$defs", {})
    found: list[Section] = []

    def walk(path: str, node: Mapping[str, Any], depth: int, above: tuple[str, ...]) -> None:
        resolved = _object(node, defs)
        assert resolved is not None
        own = defs[node["$ref"].split("/")[-1]] if "$ref" in node else node
        found.append(Section(path, resolved, own.get("description", ""), depth, node.get("$ref")))
        for key, prop in resolved["properties"].items():
            for child, value in _children(_join(path, key), prop, defs):
                ref = _resolve_ref(value)
                # A recursive type (a ForEach's activities are activities) is shown once: its
                # section above already lists its keys.
                if ref is None or ref not in above:
                    walk(child, value, depth + 1, (*above, *([ref] if ref else [])))

    walk("", schema, 0, ())
    return found


def _resolve_ref(node: Mapping[str, Any]) -> str | None:
    """The `$ref` a subschema or its items name, if any."""
    items = node.get("items")
    ref = node.get("$ref") or (items.get("$ref") if isinstance(items, Mapping) else None)
    return ref if isinstance(ref, str) else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def heading(section: Section) -> str:
    return f"`{section.path}`" if section.path else "Top level"


def anchor(text: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def escape(text: str) -> str:
    """Text for a table cell: one line, and outside code spans no `|`, HTML tag, emphasis or link.

    An `_` between two letters or digits stays as it is (SINGLE_USER): CommonMark takes no
    emphasis from it.
    """
    parts = re.split(r"(`[^`]*`)", " ".join(text.split()))
    return "".join(part.replace("|", "\\|") if part.startswith("`") else _escaped(part) for part in parts)


def _escaped(text: str) -> str:
    text = re.sub(r"([\\|<*\[\]])", r"\\\1", text)
    return re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)


def _code(value: Any) -> str:
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"`{shown}`".replace("|", "\\|")


def _kind(node: Mapping[str, Any], defs: Mapping[str, Any], link: str | None = None) -> str:
    """A subschema's type in words, an object linked to its section (`link`, an anchor)."""
    node = _resolve(node, defs)
    options = node.get("oneOf") or node.get("anyOf")
    if options:
        return " or ".join(_kind(option, defs) for option in options)
    kind = node.get("type")
    if kind == "array":
        return "list of " + _plural(_kind(node["items"], defs, link))
    if kind == "object" and "properties" in node:
        return f"[object](#{link})" if link else "object"
    if kind == "object":
        values = node.get("additionalProperties")
        return "map of " + (_plural(_kind(values, defs, link)) if values else "values")
    if kind is None and "enum" in node:
        names = {str: "string", int: "integer", bool: "boolean"}
        return " or ".join(dict.fromkeys(names[type(v)] for v in node["enum"]))
    return kind or "any"


def _plural(kind: str) -> str:
    """`string or integer` as `strings or integers`; `[object](#x)` as `[objects](#x)`."""
    return " or ".join(
        re.sub(r"^\[object\]", "[objects]", one) if one.startswith("[") else _PLURAL.get(one, one)
        for one in kind.split(" or ")
    )


def _allowed(node: Mapping[str, Any], defs: Mapping[str, Any]) -> list[str]:
    """What a subschema's rules allow, as they state it (`x-expected`) or its keywords say."""
    node = _resolve(node, defs)
    if "properties" in node and "x-expected" not in node:
        return []  # an object: its keys are its own section's rows
    refused = node.get("x-refused", {})
    parts: list[str] = []
    if "x-expected" in node:
        if node["x-expected"] not in (f"a {_kind(node, defs)}", f"an {_kind(node, defs)}"):
            parts.append(escape(node["x-expected"]))  # unless it only says the type
    elif "enum" in node:
        values = [_code(v) for v in node["enum"] if v not in refused]
        parts.append(("one of " if len(values) > 1 else "only ") + ", ".join(values))
    else:
        parts.extend(_range(node))
    if refused:
        parts.append("refused: " + ", ".join(_code(v) for v in refused))
    for key, words in (("items", "each"), ("propertyNames", "names"), ("additionalProperties", "values")):
        if isinstance(node.get(key), Mapping):
            inner = _allowed(node[key], defs)
            if inner:
                parts.append(f"{words}: " + "; ".join(inner))
    if "x-expected" not in node:  # else it says what each option takes
        for option in node.get("oneOf", []):
            parts.extend(_allowed(option, defs))
    return parts


def _range(node: Mapping[str, Any]) -> list[str]:
    low, high = node.get("minimum"), node.get("maximum")
    parts = []
    if low is not None and high is not None:
        parts.append(f"{low} to {high}")
    elif low is not None:
        parts.append(f">= {low}")
    elif high is not None:
        parts.append(f"<= {high}")
    if "pattern" in node:
        parts.append(f"matching {_code(node['pattern'])}")
    if node.get("minLength"):
        parts.append(f"at least {node['minLength']} characters")
    if "maxLength" in node:
        parts.append(f"at most {node['maxLength']} characters")
    if node.get("minItems"):
        parts.append(f"at least {node['minItems']}")
    if node.get("uniqueItems"):
        parts.append("each once")
    return parts


def _default(key: str, node: Mapping[str, Any], required: list[str]) -> str:
    if key in required:
        return "required"
    if "default" in node:
        return _code(node["default"])
    return "optional"


def render(schema: Mapping[str, Any] | None = None) -> str:
    """The generated block, markers included."""
    schema = config_schema() if schema is None else schema
    defs = schema.get("$defs", {})
    lines = [BEGIN]
    found = sections(schema)
    shown = {s.path for s in found}
    first: dict[str, str] = {}
    for s in found:
        if s.ref:
            first.setdefault(s.ref, s.path)
    for section in found:
        lines += ["", f"{'###' if section.depth < 2 else '####'} {heading(section)}", ""]
        if section.description:
            lines += [escape(section.description), ""]
        lines += [f"| {' | '.join(COLUMNS)} |", "|" + " --- |" * len(COLUMNS)]
        required = section.schema.get("required", [])
        for key, prop in section.schema["properties"].items():
            path = _join(section.path, key)
            # A recursive type's key links to the section its type has above.
            child = next(
                (
                    anchor(f"`{p if p in shown else first.get(_resolve_ref(value) or '', p)}`")
                    for p, value in _children(path, prop, defs)
                ),
                None,
            )
            row = [
                _code(path),
                _kind(prop, defs, child),
                _default(key, prop, required),
                "; ".join(_allowed(prop, defs)),
                escape(prop.get("description", "")),
            ]
            lines.append("| " + " | ".join(row) + " |")
    lines += ["", END]
    return "\n".join(lines)


def updated(text: str, block: str | None = None) -> str:
    """README's text with its generated block replaced (the markers must be there, once each)."""
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ValueError(f"README.md needs one {BEGIN!r} line and, after it, one {END!r} line")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    return head + (render() if block is None else block) + tail


def main() -> None:
    PATH.write_text(updated(PATH.read_text()))
    print(PATH.name)


if __name__ == "__main__":
    main()
