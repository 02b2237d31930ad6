"""The multi-language package: every public component passes pulumi's analyzer, the committed
schema is fresh, and the plugin serves it over gRPC the way the Pulumi engine asks for it.

Generic over components/package.py COMPONENTS: a component added there is checked here too.
No `from __future__ import annotations` in this module: the sample classes below must carry
real annotations, as the analyzer needs them.
"""

import __future__

import inspect
import json
import re
import selectors
import subprocess
import sys
import time
import types
import typing
from collections.abc import Awaitable, Iterator, Mapping, Sequence
from concurrent import futures
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, ForwardRef, TypedDict, Union

import grpc
import pulumi
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2, provider_pb2_grpc
from typing_extensions import NotRequired, Required

from components import validation
from components.package import COMPONENTS, NAME
from tests.conftest import ROOT
from tools import engine, package_schema

PLUGIN = ROOT / "provider"
TOKENS = {f"{NAME}:index:{component.__name__}": component for component in COMPONENTS}

# ---------------------------------------------------------------- what the analyzer accepts


def fields(cls: type) -> dict[str, Any]:
    """The annotations the analyzer reads: the whole MRO but pulumi's bases, no private names."""
    annotations: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass in (object, pulumi.Resource, pulumi.ComponentResource):
            continue
        annotations.update(inspect.get_annotations(klass))
    return {k: v for k, v in annotations.items() if not k.startswith("_")}


def input_inner(members: list[Any]) -> Any:
    """T if `members` are pulumi.Input[T] (T | Awaitable[T] | Output[T]), else None."""
    if len(members) != 3:
        return None
    awaitable = [m for m in members if typing.get_origin(m) is Awaitable]
    output = [
        m
        for m in members
        if typing.get_origin(m) is pulumi.Output
        or (isinstance(m, ForwardRef) and m.__forward_arg__.startswith("Output["))
    ]
    plain = [m for m in members if m not in awaitable and m not in output]
    if (len(awaitable), len(output), len(plain)) != (1, 1, 1):
        return None
    return plain[0] if typing.get_args(awaitable[0]) == (plain[0],) else None


def is_local_type(tp: Any) -> bool:
    """A class of this program's own that the analyzer turns into a schema type."""
    return (
        isinstance(tp, type)
        and not issubclass(tp, (Enum, pulumi.Resource))
        and tp.__module__.split(".")[0] not in ("builtins", "typing", "pulumi")
        and not tp.__module__.startswith("pulumi_")
    )


def type_problems(tp: Any, where: str, modules: set[str], seen: set[type]) -> Iterator[str]:
    """What the analyzer would refuse, or silently get wrong, in one annotation."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if isinstance(tp, str):
        yield f"{where}: annotation {tp!r} is a string (from __future__ import annotations?)"
    elif origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        inner = input_inner(members)
        if inner is not None:
            yield from type_problems(inner, where, modules, seen)
        elif len(members) == 1:
            yield from type_problems(members[0], where, modules, seen)
        else:
            # The analyzer keeps the first member of `X | Y | None` and drops the rest unsaid.
            yield f"{where}: {tp} is a union; the analyzer supports only `X | None`"
    elif origin is Annotated:
        # analyzer.py analyze_property has no case for it: is_enum's issubclass() raises TypeError.
        yield f"{where}: {tp} is Annotated, which the analyzer refuses"
    elif origin in (NotRequired, Required, pulumi.Output, list, dict, Sequence, Mapping):
        for arg in args:
            yield from type_problems(arg, where, modules, seen)
    elif isinstance(tp, type) and issubclass(tp, pulumi.ComponentResource):
        if not hasattr(tp, "pulumi_type"):
            # A resource reference needs a generated SDK's pulumi_type and pulumi-plugin.json.
            yield f"{where}: {tp.__name__} is a component of this program, not a package resource"
    elif is_local_type(tp) and tp not in seen:
        seen.add(tp)
        modules.add(tp.__module__)
        for name, annotation in fields(tp).items():
            yield from type_problems(annotation, f"{tp.__name__}.{name}", modules, seen)


def component_problems(component: type[pulumi.ComponentResource]) -> list[str]:
    """Everything in a component's args and outputs that keeps it from other languages."""
    modules = {component.__module__}
    seen: set[type] = set()
    args = inspect.get_annotations(component.__init__).get("args")
    problems: list[str] = []
    if args is None:
        problems.append(f"{component.__name__}.__init__ has no annotated `args`")
    else:
        problems += type_problems(args, f"{component.__name__}(args)", modules, seen)
    for name, annotation in fields(component).items():
        problems += type_problems(annotation, f"{component.__name__}.{name}", modules, seen)
    for module in sorted(modules):
        if getattr(sys.modules[module], "annotations", None) is __future__.annotations:
            problems.append(f"{module}: `from __future__ import annotations` turns annotations into strings")
    return problems


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_component_is_accepted_by_the_analyzer(component: type[pulumi.ComponentResource]) -> None:
    assert component_problems(component) == []
    definition = Analyzer(NAME).analyze([component])["component_definitions"][component.__name__]
    assert definition.inputs, f"{component.__name__} has no inputs in the schema"
    assert definition.outputs, f"{component.__name__} has no outputs in the schema"


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_component_registers_its_package_type(component: type[pulumi.ComponentResource]) -> None:
    # The engine asks the plugin for `adf-databricks:index:<Name>`; the component must register
    # under that type, or the URN the plugin returns names another type.
    token = f"{NAME}:index:{component.__name__}"
    source = inspect.getsource(sys.modules[component.__module__])
    assert f'"{token}"' in source, f"{component.__module__} does not register {component.__name__} as {token}"


def test_component_list_has_no_duplicates() -> None:
    assert len({c.__name__ for c in COMPONENTS}) == len(COMPONENTS)


# The checker itself, on what it must refuse (so an empty list above means something).


class _Nested(TypedDict):
    count: int | str | None
    """Silently becomes an optional integer."""


class _BadArgs(TypedDict):
    name: pulumi.Input[str] | int
    nested: NotRequired[_Nested]
    fine: NotRequired[pulumi.Input[str] | None]
    also_fine: list[pulumi.Input[str]]


class _Inner(pulumi.ComponentResource):
    def __init__(self, name: str, args: _Nested, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Inner", name, None, opts)


class _Bad(pulumi.ComponentResource):
    inner: _Inner
    path: pulumi.Output[str]

    def __init__(self, name: str, args: _BadArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Bad", name, None, opts)


def test_checker_finds_what_the_analyzer_refuses_or_gets_wrong() -> None:
    problems = component_problems(_Bad)
    assert len(problems) == 3, problems
    assert problems[0].startswith("_BadArgs.name: typing.Union[str, ") and "is a union" in problems[0]
    assert problems[1].startswith("_Nested.count: int | str | None is a union")
    assert problems[2] == "_Bad.inner: _Inner is a component of this program, not a package resource"


class _AnnotatedArgs(TypedDict):
    name: Annotated[str, "a note"]


class _WithAnnotated(pulumi.ComponentResource):
    def __init__(self, name: str, args: _AnnotatedArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:WithAnnotated", name, None, opts)


def test_checker_refuses_annotated_as_the_analyzer_does() -> None:
    """The checker once looked through Annotated[T, ...] to T; the real analyzer fails on it."""
    with pytest.raises(TypeError):
        Analyzer(NAME).analyze([_WithAnnotated])
    assert component_problems(_WithAnnotated) == [
        "_AnnotatedArgs.name: typing.Annotated[str, 'a note'] is Annotated, which the analyzer refuses"
    ]


def test_checker_finds_future_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "future_component.py").write_text(
        "from __future__ import annotations\n"
        "from typing import TypedDict\n"
        "import pulumi\n"
        "class Args(TypedDict):\n"
        "    name: str\n"
        "class C(pulumi.ComponentResource):\n"
        "    def __init__(self, name: str, args: Args, opts: pulumi.ResourceOptions | None = None):\n"
        "        super().__init__('test:index:C', name, None, opts)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = __import__("future_component")
    try:
        problems = component_problems(module.C)
    finally:
        del sys.modules["future_component"]
    assert "annotation 'Args' is a string" in problems[0]
    assert problems[-1] == (
        "future_component: `from __future__ import annotations` turns annotations into strings"
    )


# ---------------------------------------------------------------- the committed schema


def versionless(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without the versions of the provider SDKs it references. Those are the ones
    installed (pulumi-databricks 1.x for a `databricks.Grant` output): a release within
    requirements.txt's range changes them without any change to the components."""
    text = re.sub(r'"/([^/"]+)/v[^/"]+/schema\.json#', r'"/\1/v*/schema.json#', json.dumps(schema))
    result = json.loads(text)
    for dependency in result.get("dependencies", []):
        dependency["version"] = "*"
    return result


def committed() -> dict[str, Any]:
    assert package_schema.PATH.exists(), "schema/package.json is missing: run `make package-schema`"
    return json.loads(package_schema.PATH.read_text())


def test_committed_schema_is_fresh() -> None:
    assert versionless(committed()) == versionless(package_schema.schema()), (
        "schema/package.json is stale: run `make package-schema` and commit the result"
    )


def test_versionless_ignores_only_sdk_versions() -> None:
    schema = package_schema.schema()
    bumped = json.loads(
        json.dumps(schema).replace("/v1.", "/v1.999").replace('"version": "1.', '"version": "1.999')
    )
    assert bumped != schema and versionless(bumped) == versionless(schema)
    renamed = json.loads(json.dumps(schema).replace('"volumePath"', '"path"'))
    assert versionless(renamed) != versionless(schema)


def assert_lists_the_public_components(schema: dict[str, Any]) -> None:
    assert schema["name"] == NAME
    assert set(schema["resources"]) == set(TOKENS)
    for token, resource in schema["resources"].items():
        assert resource["isComponent"] is True
        assert resource.get("description"), f"{token} has no description"
        assert resource["inputProperties"] and resource["properties"], token
        assert set(resource.get("requiredInputs", [])) <= set(resource["inputProperties"]), token
        for kind in ("inputProperties", "properties"):
            for name, prop in resource[kind].items():
                assert "type" in prop or "$ref" in prop, f"{token} {kind}.{name} has no type"
                assert prop.get("description"), f"{token} {kind}.{name} has no description"


def test_committed_schema_lists_the_public_components() -> None:
    assert_lists_the_public_components(committed())


def test_catalog_volume_in_the_schema() -> None:
    # One component spelled out: names, types and plainness as consumers see them.
    schema = committed()
    volume = schema["resources"][f"{NAME}:index:CatalogVolume"]
    assert volume["requiredInputs"] == ["spec"]
    assert volume["inputProperties"]["spec"]["$ref"] == f"#/types/{NAME}:index:CatalogVolumeSpec"
    spec = schema["types"][f"{NAME}:index:CatalogVolumeSpec"]
    # Optional in the schema because AdfDatabricks derives them from the stack; CatalogVolume
    # on its own refuses to go without them (tests/test_catalog.py), and says so.
    assert spec.get("required", []) == []
    assert "Required" in spec["properties"]["catalog"]["description"]
    assert spec["properties"]["volume"]["type"] == "string"
    assert volume["inputProperties"]["runAs"]["type"] == "string"
    assert "plain" not in volume["inputProperties"]["runAs"]  # an Output is accepted
    assert volume["properties"]["volumePath"]["type"] == "string"
    assert volume["properties"]["grants"]["items"]["$ref"].endswith(
        "/schema.json#/resources/databricks:index%2Fgrant:Grant"
    )
    assert sorted(d["name"] for d in schema["dependencies"]) == ["azure", "azure-native", "databricks"]


# ---------------------------------------------------------------- the plugin, as Pulumi runs it

PORT_TIMEOUT = 30.0


def plugin_python() -> Path:
    """The interpreter Pulumi would use: PulumiPlugin.yaml's virtualenv, relative to the plugin."""
    manifest = yaml.safe_load((PLUGIN / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    virtualenv = PLUGIN / manifest["runtime"]["options"]["virtualenv"]
    python = virtualenv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    assert python.exists(), f"{python} is missing: the plugin's virtualenv is not installed"
    return python


def read_port(process: subprocess.Popen[bytes], timeout: float) -> int:
    """The first line the plugin writes to stdout, as the engine reads it."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    line = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise TimeoutError(f"no port on stdout within {timeout}s")
            chunk = process.stdout.read1(64)
            if not chunk:
                raise EOFError(f"plugin exited with {process.wait()} before printing its port")
            line += chunk
    return int(line.strip())


@pytest.fixture
def engine_address() -> Iterator[str]:
    """A real, empty Engine gRPC server: the plugin gets an address that answers, although
    serving a schema needs nothing from the engine (pulumi/provider/server.py only uses it in
    Construct)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    engine_pb2_grpc.add_EngineServicer_to_server(engine_pb2_grpc.EngineServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(grace=None)


@pytest.fixture
def plugin_port(engine_address: str, tmp_path: Path) -> Iterator[int]:
    # pulumi-language-python's RunPlugin: `python <plugin dir> <engine args...>`, working
    # directory the consumer's project (here an empty one).
    stderr = tmp_path / "plugin.stderr"
    with stderr.open("wb") as err:
        process = subprocess.Popen(
            [str(plugin_python()), str(PLUGIN), "--logtostderr", engine_address],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
        )
    try:
        try:
            port = read_port(process, PORT_TIMEOUT)
        except (TimeoutError, EOFError, ValueError) as e:
            pytest.fail(f"{e}\nplugin stderr:\n{stderr.read_text()}")
        yield port
    finally:
        process.kill()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


@pytest.mark.subprocess
def test_plugin_serves_the_schema_over_grpc(plugin_port: int) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{plugin_port}") as channel:
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        response = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=10)
        info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=10)
    served = json.loads(response.schema)
    assert_lists_the_public_components(served)
    # What consumers get is what is committed and reviewed.
    assert versionless(served) == versionless(committed())
    assert info.version == served["version"]


def test_components_register_the_outputs_their_schema_declares(
    stacks: dict[str, engine.Result],
) -> None:
    """What a component registers (its outputs in the stack's state) is what the package schema
    says it outputs, by the same names; every declared output is set in some fixture stack."""
    resources = committed()["resources"]
    seen: dict[str, set[str]] = {token: set() for token in resources}
    for fixture, result in stacks.items():
        for component in (r for r in result.resources if r.type in resources):
            registered = result.registered_outputs[component.urn]
            assert set(registered) <= set(resources[component.type]["properties"]), (fixture, component.urn)
            assert None not in registered.values(), (fixture, component.urn)
            seen[component.type] |= set(registered)
    assert {token: sorted(set(resources[token]["properties"]) - names) for token, names in seen.items()} == {
        token: [] for token in resources
    }


def test_registered_outputs_hold_the_components_values(stacks: dict[str, engine.Result]) -> None:
    """The root component registers the values the stack exports under the same names, and a
    child resource an output names is that component's own child."""
    result = stacks["full"]
    root = result.one(f"{NAME}:index:AdfDatabricks")
    registered = result.registered_outputs[root.urn]
    shared = set(registered) & set(result.outputs)
    assert shared and {k: registered[k] for k in shared} == {k: result.outputs[k] for k in shared}
    for component in (r for r in result.resources if r.type in TOKENS):
        for name, value in result.registered_outputs[component.urn].items():
            if isinstance(value, dict) and "urn" in value and rpc_ref(value):
                assert result.by_urn(value["urn"]).parent == component.urn, (component.urn, name)


def rpc_ref(value: dict[str, Any]) -> bool:
    return value.get(pulumi.runtime.rpc._special_sig_key) == pulumi.runtime.rpc._special_resource_sig


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_component_refuses_bad_args_under_its_own_name(component: type[pulumi.ComponentResource]) -> None:
    """Used from another program, a component names itself in every problem it lists."""
    with pytest.raises(validation.InvalidArgs) as caught:
        component("x", {})  # pyright: ignore[reportCallIssue]
    lines = str(caught.value).splitlines()
    assert lines and all(line.startswith(f"{component.__name__} x: ") for line in lines)
