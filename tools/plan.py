"""Offline plan: what a stack would declare, without cloud credentials or the Pulumi CLI.

    python -m tools.plan --stack dev             # resource tree, outputs, summary
    python -m tools.plan --stack prod --json     # shaped like `pulumi preview --json`
    python -m tools.plan --config-file my.yaml --json --out plan.json
    python -m tools.plan --stack prod --fill-placeholders   # stand-ins for refused placeholders
    python -m tools.plan --stack dev --graph [PIPELINE] [--mermaid]   # activity graphs (tools.graph)

Runs the real program (`__main__.py`) in-process against a recording mock engine
(tools.engine). Output is deterministic: sorted, no clock, secrets as "[secret]",
values known only after deploy as "[unknown]". A bad configuration exits with status 2
and one `error:` line per problem.
"""

from __future__ import annotations

import argparse
import graphlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pulumi

from tools import engine, graph

STACK_TYPE = "pulumi:pulumi:Stack"


def stack_urn(stack: str) -> str:
    return f"urn:pulumi:{stack}::{engine.PROJECT}::{STACK_TYPE}::{engine.PROJECT}-{stack}"


def default_provider(stack: str, type_: str) -> str:
    package = type_.split(":", 1)[0]
    return f"urn:pulumi:{stack}::{engine.PROJECT}::pulumi:providers:{package}::default"


def build(result: engine.Result, stack: str) -> dict[str, Any]:
    """The plan in the shape of `pulumi preview --json`, steps in dependency order."""
    root = stack_urn(stack)
    states: dict[str, dict[str, Any]] = {
        root: {
            "type": STACK_TYPE,
            "urn": root,
            "custom": False,
            "parent": "",
            "provider": "",
            "inputs": {},
            "dependencies": [],
            "propertyDependencies": {},
            "protect": False,
        }
    }
    for r in result.resources:
        provider = r.provider
        if r.custom and not provider and not r.type.startswith("pulumi:providers:"):
            provider = default_provider(stack, r.type)
        states[r.urn] = {
            "type": r.type,
            "urn": r.urn,
            "custom": r.custom,
            "parent": r.parent or root,
            "provider": provider,
            "inputs": r.inputs,
            "dependencies": sorted(set(r.dependencies)),
            "propertyDependencies": {
                key: sorted(set(urns)) for key, urns in sorted(r.property_dependencies.items()) if urns
            },
            "protect": r.protect,
        }
    graph = graphlib.TopologicalSorter()
    for urn, state in sorted(states.items()):
        before = {state["parent"], *state["dependencies"], state["provider"]} & states.keys()
        graph.add(urn, *sorted(before))
    graph.prepare()
    order: list[str] = []
    while graph.is_active():
        ready = sorted(graph.get_ready())
        order.extend(ready)
        graph.done(*ready)
    steps = [{"op": "create", "urn": urn, "newState": states[urn]} for urn in order]
    return {
        "steps": steps,
        "outputs": result.outputs,
        "changeSummary": {"create": len(steps)},
    }


def render_text(plan: dict[str, Any], stack: str) -> str:
    """The resource tree as `pulumi preview` draws it, then outputs and the summary."""
    children: dict[str, list[dict[str, Any]]] = {}
    for step in plan["steps"]:
        state = step["newState"]
        children.setdefault(state["parent"], []).append(state)
    rows: list[tuple[str, str]] = []

    def walk(state: dict[str, Any], prefix: str, branch: str) -> None:
        rows.append((prefix + branch + state["type"], state["urn"].rsplit("::", 1)[1]))
        kids = sorted(children.get(state["urn"], []), key=lambda s: (s["type"], s["urn"]))
        indent = prefix + ("   " if branch in ("└─ ", "") else "│  ")
        for i, kid in enumerate(kids):
            walk(kid, indent if branch else prefix, "└─ " if i == len(kids) - 1 else "├─ ")

    for top in children.get("", []):
        walk(top, "", "")
    width = max(len(r[0]) for r in rows) + 2
    name_width = max(len(r[1]) for r in rows) + 2
    lines = [
        f"Previewing update ({stack}), offline:",
        "",
        f"     {'Type':<{width}}{'Name':<{name_width}}Plan",
    ]
    lines += [f" +   {t:<{width}}{n:<{name_width}}create" for t, n in rows]
    lines += ["", "Outputs:"]
    for key, value in sorted(plan["outputs"].items()):
        lines.append(f"    {key}: {json.dumps(value, sort_keys=True)}")
    lines += ["", "Resources:", f"    + {plan['changeSummary']['create']} to create", ""]
    return "\n".join(lines)


PLACEHOLDER_FILLS: dict[str, tuple[str, ...]] = {
    # Pulumi.prod.yaml names no real Databricks account, and the program refuses the nil UUID
    # it carries; its committed plan is made with a stand-in (`make plans`).
    "prod": ("adf-databricks:auth.accountId=11111111-2222-4333-8444-555555555555",),
}
"""Per committed stack, the values its stack file leaves for the user to fill in."""


def with_values(config: dict[str, str], sets: Sequence[str]) -> dict[str, str]:
    """`config` (engine.read_stack_config's: an object value is its JSON) with each
    `namespace:key.path=value` set, as `pulumi config set --path` would: for a committed stack
    whose placeholder is refused until the user fills it in."""
    config = dict(config)
    for item in sets:
        key, _, value = item.partition("=")
        top, *path = key.split(".")
        if not path:
            config[top] = value
            continue
        document = json.loads(config.get(top, "{}"))
        node = document
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
        config[top] = json.dumps(document)
    return config


def plan_for(config_file: Path, stack: str, sets: Sequence[str] = ()) -> dict[str, Any]:
    config, secret_keys = engine.read_stack_config(config_file)
    config = with_values(config, sets)
    result = engine.run(config, stack, preview=True, secret_keys=secret_keys)
    return build(result, stack)


def dumps(plan: dict[str, Any]) -> str:
    return json.dumps(plan, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.plan", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--stack", default="dev", help="stack name; reads Pulumi.<stack>.yaml")
    parser.add_argument("--config-file", type=Path, help="read this stack file instead")
    parser.add_argument("--json", action="store_true", help="print the machine form")
    parser.add_argument("--out", type=Path, help="write the plan to this file")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NS:KEY.PATH=VALUE",
        help="override one config value (a path, as `pulumi config set --path`), e.g. a placeholder",
    )
    parser.add_argument(
        "--fill-placeholders",
        action="store_true",
        help="fill the stack's placeholders with stand-ins (PLACEHOLDER_FILLS), for committed plans",
    )
    parser.add_argument(
        "--graph",
        nargs="?",
        const="",
        metavar="PIPELINE",
        help="print the activity graph of this pipeline (of every pipeline without a name)",
    )
    parser.add_argument("--mermaid", action="store_true", help="with --graph: a Mermaid flowchart")
    args = parser.parse_args(argv)
    if args.mermaid and args.graph is None:
        parser.error("--mermaid needs --graph")
    sets = [*(PLACEHOLDER_FILLS.get(args.stack, ()) if args.fill_placeholders else ()), *args.set]
    config_file = args.config_file or engine.ROOT / f"Pulumi.{args.stack}.yaml"
    if not config_file.is_file():
        print(f"error: no stack file {config_file}", file=sys.stderr)
        return 2
    try:
        plan = plan_for(config_file.resolve(), args.stack, sets)
    except pulumi.RunError as err:
        # A configuration with several problems reports them all, one line each.
        for line in str(err).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    if args.graph is not None:
        found = graph.pipelines(plan)
        chosen = {args.graph: found[args.graph]} if args.graph in found else found if not args.graph else {}
        if not chosen:
            print(
                f"error: no pipeline {args.graph!r}; the stack has: {', '.join(found) or 'none'}",
                file=sys.stderr,
            )
            return 2
        render = graph.render_mermaid if args.mermaid else graph.render_text
        text = "\n".join(render(name, group) for name, group in chosen.items())
    else:
        text = dumps(plan) if args.json else render_text(plan, args.stack)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
