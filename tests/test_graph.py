"""tools.graph: a pipeline's activity graph from a plan, as text and as Mermaid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import base
from tools import engine, graph, plan


def _plan(*pipelines: tuple[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "steps": [
            {
                "urn": f"urn:pulumi:s::p::{graph.PIPELINE_TYPE}::{name}",
                "newState": {
                    "type": graph.PIPELINE_TYPE,
                    "inputs": {"pipelineName": name, "activities": acts},
                },
            }
            for name, acts in pipelines
        ]
    }


def _after(name: str, *conditions: str) -> dict[str, Any]:
    return {"activity": name, "dependencyConditions": list(conditions) or ["Succeeded"]}


# A ForEach over tables calling a notebook per table, an If on its result and a Fail branch,
# shaped as Microsoft's Pipeline model has them (control activities hold activity lists).
CONTROL_FLOW = [
    {"name": "Load", "type": "DatabricksNotebook", "dependsOn": [_after("Per table")]},
    {
        "name": "Per table",
        "type": "ForEach",
        "activities": [
            {"name": "Copy", "type": "DatabricksNotebook"},
            {"name": "Check", "type": "DatabricksNotebook", "dependsOn": [_after("Copy")]},
        ],
    },
    {
        "name": "Loaded?",
        "type": "IfCondition",
        "dependsOn": [_after("Load", "Succeeded", "Failed")],
        "ifTrueActivities": [{"name": "Done", "type": "Wait"}],
        "ifFalseActivities": [{"name": "Stop", "type": "Fail"}],
    },
]


def test_activities_come_after_what_they_wait_for_with_non_default_conditions_shown() -> None:
    ((name, group),) = graph.pipelines(_plan(("etl", CONTROL_FLOW))).items()
    assert name == "etl"
    assert graph.render_text(name, group) == (
        "pipeline etl\n"
        "  Per table [ForEach]\n"
        "    activities:\n"
        "      Copy [DatabricksNotebook]\n"
        "      Check [DatabricksNotebook]  <- Copy\n"
        "  Load [DatabricksNotebook]  <- Per table\n"
        "  Loaded? [IfCondition]  <- Load (Succeeded/Failed)\n"
        "    ifTrueActivities:\n"
        "      Done [Wait]\n"
        "    ifFalseActivities:\n"
        "      Stop [Fail]\n"
    )


def test_mermaid_draws_containers_as_subgraphs_and_dependencies_as_edges() -> None:
    group = graph.pipelines(_plan(("etl", CONTROL_FLOW)))["etl"]
    text = graph.render_mermaid("etl", group)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    # Ids are positions: activity 1 of the pipeline, its branch 0, that branch's activity 0.
    assert '  subgraph a1 ["Per table [ForEach]"]' in lines
    assert '    subgraph a1_0 ["activities"]' in lines
    assert '      a1_0_0["Copy [DatabricksNotebook]"]' in lines
    # Inner dependencies stay inside their container's ids; conditions label the edge.
    assert "  a1_0_0 --> a1_0_1" in lines
    assert "  a1 --> a0" in lines
    assert '  a0 -->|"Succeeded/Failed"| a2' in lines
    # Every subgraph is closed, and every edge joins declared nodes or subgraphs.
    assert text.count("subgraph ") == sum(line.strip() == "end" for line in lines)
    declared = {line.split("[")[0].split()[-1] for line in lines if "[" in line and "-->" not in line}
    for line in lines:
        if "-->" in line:
            ends = line.replace('|"Succeeded/Failed"|', "").split("-->")
            assert {e.strip() for e in ends} <= declared, line


def test_names_mermaid_cannot_take_are_quoted_and_ids_stay_unique() -> None:
    acts = [
        {"name": 'Say "hi"', "type": "Wait"},
        {"name": "a b", "type": "Wait"},
        {"name": "a_b", "type": "Wait", "dependsOn": [_after("a b")]},
    ]
    text = graph.render_mermaid("p", graph.pipelines(_plan(("p", acts)))["p"])
    assert '  a0["Say #quot;hi#quot; [Wait]"]' in text
    # Names that differ only in characters ids cannot hold stay two nodes.
    assert '  a1["a b [Wait]"]' in text and '  a2["a_b [Wait]"]' in text
    assert "  a1 --> a2" in text


def test_a_cycle_keeps_the_pipelines_order() -> None:
    acts = [
        {"name": "A", "type": "Wait", "dependsOn": [_after("B")]},
        {"name": "B", "type": "Wait", "dependsOn": [_after("A")]},
    ]
    group = graph.pipelines(_plan(("p", acts)))["p"]
    assert [a.name for a in graph.ordered(group)] == ["A", "B"]


def _stack(tmp_path: Path) -> Path:
    config = base()
    config["pipelines"][0]["activities"] = [
        {"name": "Extract", "notebook": "notebooks/process_data.py"},
        {
            "name": "Load",
            "notebook": "notebooks/process_data.py",
            "dependsOn": [{"activity": "Extract", "conditions": ["Completed"]}],
        },
    ]
    path = tmp_path / "Pulumi.g.yaml"
    path.write_text(yaml.safe_dump({"config": {f"{engine.PROJECT}:{k}": v for k, v in config.items()}}))
    return path


def test_the_plan_command_prints_the_graph_of_what_the_stack_sends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = str(_stack(tmp_path))
    assert plan.main(["--config-file", stack, "--stack", "g", "--graph"]) == 0
    assert capsys.readouterr().out == (
        "pipeline process-data\n"
        "  Extract [DatabricksNotebook]\n"
        "  Load [DatabricksNotebook]  <- Extract (Completed)\n"
    )
    assert plan.main(["--config-file", stack, "--stack", "g", "--graph", "process-data", "--mermaid"]) == 0
    assert '  a0 -->|"Completed"| a1\n' in capsys.readouterr().out
    assert plan.main(["--config-file", stack, "--stack", "g", "--graph", "nope"]) == 2
    assert "no pipeline 'nope'; the stack has: process-data" in capsys.readouterr().err


def test_the_committed_dev_plan_draws_the_foreach_and_if_containers() -> None:
    """The committed plan's process-tables pipeline, as the component renders its containers."""
    import json

    data = json.loads((Path(__file__).resolve().parent.parent / "plans" / "dev.json").read_text())
    group = graph.pipelines(data)["process-tables"]
    assert graph.render_text("process-tables", group) == (
        "pipeline process-tables\n"
        "  For Each Table [ForEach]\n"
        "    activities:\n"
        "      Process Table [DatabricksNotebook]\n"
        "      Record Table [AppendVariable]  <- Process Table\n"
        "  Check Tables [DatabricksNotebook]  <- For Each Table\n"
        "  All Tables Written [IfCondition]  <- Check Tables\n"
        "    ifFalseActivities:\n"
        "      Report Missing Tables [Fail]\n"
    )
    mermaid = graph.render_mermaid("process-tables", group)
    assert 'subgraph a0 ["For Each Table [ForEach]"]' in mermaid
    assert "a0_0_0 --> a0_0_1" in mermaid
