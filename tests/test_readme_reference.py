"""README's configuration reference: generated from the stack schema, and committed fresh."""

import json
import re
from typing import Any

import pytest

from tests.conftest import ROOT
from tools import readme_reference
from tools.readme_reference import BEGIN, END, anchor, escape, render, updated

README = ROOT / "README.md"
STACK_SCHEMA = json.loads((ROOT / "schema" / "stack.json").read_text())


def block() -> str:
    text = README.read_text()
    return text[text.index(BEGIN) : text.index(END) + len(END)]


def rows() -> dict[str, list[str]]:
    """The committed tables' rows by key path (the first cell), each as its cells."""
    found: dict[str, list[str]] = {}
    for line in block().splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            found[cells[0].strip("`")] = cells
    return found


def test_committed_readme_reference_is_fresh() -> None:
    assert README.read_text() == updated(README.read_text()), (
        "README.md's configuration reference is stale: run `make readme-reference` (or `make schemas`)"
        " and commit the result"
    )


def _key_paths(node: Any, path: str, defs: dict[str, Any], above: tuple[str, ...] = ()) -> list[str]:
    """Every key a stack file may hold under `path`, in field order, read from schema/stack.json;
    a recursive type (a ForEach's activities are activities) is documented once, where it first
    appears."""
    while "$ref" in node:  # config.<key> refers on to its type
        if node["$ref"] in above:
            return []
        above = (*above, node["$ref"])
        node = defs[node["$ref"].split("/")[-1]]
    if "properties" in node:
        found: list[str] = []
        for key, prop in node["properties"].items():
            here = f"{path}.{key}" if path else key
            found += [here, *_key_paths(prop, here, defs, above)]
        return found
    if isinstance(node.get("items"), dict):
        return _key_paths(node["items"], f"{path}[]", defs, above)
    if isinstance(node.get("additionalProperties"), dict) and node["additionalProperties"]:
        return _key_paths(node["additionalProperties"], f"{path}.<name>", defs, above)
    return []


def test_every_config_key_has_a_row_in_field_order() -> None:
    """Config is the product's interface: each key a stack file may hold is documented, once,
    beside its siblings in the order their fields are declared."""
    defs = STACK_SCHEMA["$defs"]
    top = {
        "properties": {
            key: {"$ref": f"#/$defs/config.{key}"}
            for key in STACK_SCHEMA["properties"]["config"]["properties"]
            if ":" not in key
        }
    }
    keys = _key_paths(top, "", defs)
    assert len(keys) > 100
    assert "pipelines[].activities[].libraries[].maven.exclusions" in keys
    documented = list(rows())
    assert sorted(documented) == sorted(keys)
    assert block().count("\n| `") == len(keys)  # once each

    def siblings(paths: list[str], parent: str) -> list[str]:
        return [p for p in paths if p.rpartition(".")[0] == parent]

    for parent in {k.rpartition(".")[0] for k in keys}:
        assert siblings(documented, parent) == siblings(keys, parent), parent


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    return STACK_SCHEMA["$defs"][node["$ref"].split("/")[-1]] if "$ref" in node else node


def _schema_at(key: str) -> dict[str, Any]:
    """The committed schema of a key path such as `pipelines[].schedule.hours`."""
    first, *rest = re.findall(r"\[\]|<name>|[^.\[\]]+", key)
    node: dict[str, Any] = STACK_SCHEMA["$defs"][f"config.{first}"]
    for part in rest:
        if part == "[]":
            node = node["items"]
        elif part == "<name>":
            node = node["additionalProperties"]
        else:
            node = _resolved(node)["properties"][part]
    return node


@pytest.mark.parametrize(
    ("key", "kind", "default", "allowed"),
    [
        ("auth.tokenLifetimeDays", "integer", "`90`", "2 to 730"),
        ("pipelines[].name", "string", "required", "x-expected"),
        ("workspace.sku", "string", "`premium`", "one of `premium`, `trial`; refused: `standard`"),
        ("workspace.existing", "[object](#workspaceexisting)", "optional", ""),
        ("pipelines[].activities", "list of [objects](#pipelinesactivities)", "required", "x-expected"),
        ("pipelines[].schedule.hours", "list of integers", "optional", "each: 0 to 23"),
        ("pipelines[].activities[].retries", "integer", "`0`", ">= 0"),
        ("pipelines[].activities[].jobParameters", "map of strings", "optional", ""),
        (
            "pipelines[].activities[].dependsOn[].conditions",
            "list of strings",
            '`["Succeeded"]`',
            "a list of at least one condition; each: one of `Succeeded`, `Failed`, `Skipped`, `Completed`",
        ),
        ("cluster.workers", "integer or string", "`1`", "x-expected"),
    ],
)
def test_a_row_says_what_the_rules_and_docstring_say(key: str, kind: str, default: str, allowed: str) -> None:
    """Type, required or default, what the rules allow (in their own words, `x-expected`, where
    they have them; not when those only name the type) and the docstring, all from the schema."""
    node = _schema_at(key)
    cells = rows()[key]
    assert cells[1:3] == [kind, default]
    assert cells[3] == (escape(node["x-expected"]) if allowed == "x-expected" else allowed)
    assert cells[4] == escape(node["description"])


def test_cells_are_escaped_outside_code_and_stay_five() -> None:
    schema = {
        "type": "object",
        "description": "A <thing> with * and [x]",
        "properties": {
            "odd": {
                "type": "string",
                "description": "a|b <tag> *x* `c|d <e>` SINGLE_USER _x_",
                "x-expected": "none of < > * \\ |",
            }
        },
    }
    text = render(schema)
    assert "A \\<thing> with \\* and \\[x\\]" in text
    (row,) = [line for line in text.splitlines() if line.startswith("| `odd`")]
    assert row == (
        "| `odd` | string | optional | none of \\< > \\* \\\\ \\| |"
        " a\\|b \\<tag> \\*x\\* `c\\|d <e>` SINGLE_USER \\_x\\_ |"
    )
    assert len(re.split(r"(?<!\\)\|", row)) == 7


def test_updated_replaces_only_the_block() -> None:
    text = f"prose before\n{BEGIN}\nold tables\n{END}\nprose after\n"
    assert updated(text, "NEW") == "prose before\nNEW\nprose after\n"
    with pytest.raises(ValueError, match="BEGIN GENERATED"):
        updated("no markers here\n", "NEW")
    with pytest.raises(ValueError, match="BEGIN GENERATED"):
        updated(f"{END}\n{BEGIN}\n", "NEW")


def test_render_is_stable() -> None:
    """Nothing in it depends on the run: field order, not dict hashing or the clock."""
    assert render() == render()
    assert render().startswith(BEGIN) and render().endswith(END)


def test_each_link_names_one_heading() -> None:
    """A table's object links to its section; GitHub suffixes a repeated anchor, so each must
    be unique among README's headings."""
    headings = [
        anchor(line.lstrip("#").strip()) for line in README.read_text().splitlines() if line.startswith("#")
    ]
    links = set(re.findall(r"\]\(#([^)]+)\)", block()))
    assert {"workspaceexisting", "pipelinesactivitiesjob", "pipelinesparametersname"} <= links
    assert all(headings.count(link) == 1 for link in links), links


def test_make_schemas_regenerates_it() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^schemas:.*\breadme-reference\b", makefile, re.M)
    assert f"$(PY) -m {readme_reference.__name__}" in makefile
