"""A pipeline's activity graph, read from a plan, as text or as a Mermaid flowchart.

    python -m tools.plan --stack dev --graph                  # every pipeline, as text
    python -m tools.plan --stack dev --graph process-data --mermaid

Reviewers would rather look than read JSON: the graph is drawn from exactly what the plan sends
to Data Factory (the Pipeline resource's `activities`), so it shows what will run. An edge is
an activity's `dependsOn`; its label is the dependency conditions unless they are just
`Succeeded` (Data Factory's own default reading of a dependency: Learn "Pipelines and
activities", "Activity dependency"). Activities that hold activities (ForEach's `activities`,
IfCondition's `ifTrueActivities`/`ifFalseActivities`, Switch's `cases[].activities` and
`defaultActivities`, Until's `activities`; Microsoft's Pipeline model) are drawn as nested
groups, their inner dependencies inside them.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PIPELINE_TYPE = "azure-native:datafactory:Pipeline"

SUCCEEDED: tuple[str, ...] = ("Succeeded",)


@dataclass
class Group:
    """The activities of one container: a pipeline, or one branch of a control activity."""

    title: str
    activities: list[Activity] = field(default_factory=list)


@dataclass
class Activity:
    name: str
    type: str
    depends_on: list[tuple[str, tuple[str, ...]]]
    """(activity, conditions) pairs, in the order the pipeline gives them."""
    groups: list[Group] = field(default_factory=list)
    """The containers this activity holds (a ForEach's body, an If's two branches, ...)."""


def _branches(activity: Mapping[str, Any]) -> Iterator[tuple[str, list[Mapping[str, Any]]]]:
    """The activity lists a control activity holds, with their titles (Microsoft's model names)."""
    for key in ("activities", "ifTrueActivities", "ifFalseActivities"):
        if isinstance(activity.get(key), list):
            yield key, activity[key]
    for case in activity.get("cases") or []:
        if isinstance(case, Mapping) and isinstance(case.get("activities"), list):
            yield f"case {case.get('value', '')}", case["activities"]
    if isinstance(activity.get("defaultActivities"), list):
        yield "defaultActivities", activity["defaultActivities"]


def group_of(title: str, activities: Sequence[Mapping[str, Any]]) -> Group:
    """A container's activities, each with its dependencies and nested containers."""
    group = Group(title)
    for activity in activities:
        depends_on = [
            (str(d.get("activity", "")), tuple(d.get("dependencyConditions") or SUCCEEDED))
            for d in activity.get("dependsOn") or []
        ]
        group.activities.append(
            Activity(
                name=str(activity.get("name", "")),
                type=str(activity.get("type", "")),
                depends_on=depends_on,
                groups=[group_of(t, inner) for t, inner in _branches(activity)],
            )
        )
    return group


def pipelines(plan: Mapping[str, Any]) -> dict[str, Group]:
    """Every pipeline of a plan by its Data Factory name."""
    found: dict[str, Group] = {}
    for step in plan.get("steps", []):
        state = step.get("newState") or {}
        if state.get("type") != PIPELINE_TYPE:
            continue
        inputs = state.get("inputs") or {}
        name = str(inputs.get("pipelineName", step.get("urn", "").rsplit("::", 1)[-1]))
        found[name] = group_of(name, inputs.get("activities") or [])
    return dict(sorted(found.items()))


def ordered(group: Group) -> list[Activity]:
    """The container's activities in an order in which each comes after what it depends on
    (ties in the pipeline's own order). Dependencies on names outside the container are left
    to the caller to show; a cycle (which Data Factory refuses) keeps the pipeline's order."""
    names = [a.name for a in group.activities]
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for activity in group.activities:
        sorter.add(activity.name, *(d for d, _ in activity.depends_on if d in names))
    try:
        sorter.prepare()
    except graphlib.CycleError:
        return list(group.activities)
    by_name = {a.name: a for a in group.activities}
    result: list[Activity] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=names.index)
        result.extend(by_name[n] for n in ready)
        sorter.done(*ready)
    return result


def _conditions(conditions: tuple[str, ...]) -> str:
    return "" if conditions == SUCCEEDED else "/".join(conditions)


def render_text(name: str, group: Group) -> str:
    """One line per activity, indented inside its container, with what it waits for."""
    lines = [f"pipeline {name}"]

    def walk(group: Group, depth: int) -> None:
        for activity in ordered(group):
            waits = ", ".join(
                f"{d} ({_conditions(c)})" if _conditions(c) else d for d, c in activity.depends_on
            )
            after = f"  <- {waits}" if waits else ""
            lines.append(f"{'  ' * depth}{activity.name} [{activity.type}]{after}")
            for inner in activity.groups:
                lines.append(f"{'  ' * (depth + 1)}{inner.title}:")
                walk(inner, depth + 2)

    walk(group, 1)
    return "\n".join(lines) + "\n"


def _node_id(path: Sequence[int]) -> str:
    """A Mermaid node id for an activity at a path of positions (activity, branch, activity,
    ...): ids take only letters, digits and _, so names, which may hold anything else, go in
    the labels, where two names that differ only in such characters stay two nodes."""
    return "a" + "_".join(str(i) for i in path)


def _label(text: str) -> str:
    """A Mermaid label: quoted, with its double quotes as the #quot; entity Mermaid reads."""
    return '"' + text.replace('"', "#quot;") + '"'


def render_mermaid(name: str, group: Group) -> str:
    """A Mermaid flowchart (top-down), containers as subgraphs."""
    lines = ["flowchart TD", f"  %% pipeline {name}"]
    edges: list[str] = []

    def walk(group: Group, path: tuple[int, ...], depth: int) -> None:
        indent = "  " * depth
        ids = {a.name: _node_id((*path, i)) for i, a in enumerate(group.activities)}
        for activity in ordered(group):
            node = ids[activity.name]
            if activity.groups:
                lines.append(f"{indent}subgraph {node} [{_label(f'{activity.name} [{activity.type}]')}]")
                for index, inner in enumerate(activity.groups):
                    inner_path = (*path, group.activities.index(activity), index)
                    lines.append(f"{indent}  subgraph {_node_id(inner_path)} [{_label(inner.title)}]")
                    walk(inner, inner_path, depth + 2)
                    lines.append(f"{indent}  end")
                lines.append(f"{indent}end")
            else:
                lines.append(f"{indent}{node}[{_label(f'{activity.name} [{activity.type}]')}]")
            for dependency, conditions in activity.depends_on:
                if dependency not in ids:
                    continue
                label = _conditions(conditions)
                arrow = f" -->|{_label(label)}| " if label else " --> "
                edges.append(f"  {ids[dependency]}{arrow}{node}")

    walk(group, (), 1)
    return "\n".join([*lines, *edges]) + "\n"
