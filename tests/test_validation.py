"""The shared args machinery: one TypedDict and its rules give the schema, the checks and defaults."""

import json
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any, TypedDict

import pulumi
import pytest
from jsonschema import Draft202012Validator
from typing_extensions import NotRequired, Required

from components import validation
from components.validation import InvalidArgs, Problem, check, checks, rule, rules, shown_default
from tests.conftest import Later


class Color(str, Enum):
    """A closed set."""

    RED = "red"
    BLUE = "blue"


@rules(level=rule("a level from 1 to 3", minimum=1, maximum=3))
class InnerArgs(TypedDict):
    """An inner object."""

    level: int
    """How deep."""


@rules(
    size=rule(minimum=0, default=1),
    name=rule("a name of letters", pattern="^[a-z]+$"),
    hours=rule(items=rule("hours from 0 to 23", minimum=0, maximum=23)),
    color=rule(default=Color.RED),
)
class ToyArgs(TypedDict):
    """A toy component's args."""

    name: str
    """Its name."""
    size: NotRequired[int]
    """How big."""
    color: NotRequired[Color]
    """Which color."""
    hours: NotRequired[list[int]]
    """When."""
    tags: NotRequired[dict[str, str]]
    """Labels."""
    inner: NotRequired[InnerArgs]
    """Nested."""
    items: NotRequired[list[InnerArgs]]
    """Nested list."""
    target: NotRequired[pulumi.Input[str] | None]
    """Known at deploy time."""


@checks(ToyArgs, "size", "color")
def _big_is_blue(doc):
    if doc["size"] > 10 and doc["color"] != "blue":
        yield "color", f"expected blue for a size above 10, got {doc['color']!r}"


def test_schema_names_fields_as_the_package_schema_does() -> None:
    schema = validation.json_schema(ToyArgs)
    Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    assert list(props) == ["name", "size", "color", "hours", "tags", "inner", "items", "target"]
    assert schema["required"] == ["name"]
    assert schema["additionalProperties"] is False
    assert props["size"] == {"description": "How big.", "type": "integer", "minimum": 0, "default": 1}
    assert props["color"]["enum"] == ["red", "blue"] and props["color"]["default"] == "red"
    assert props["hours"]["items"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 23,
        "x-expected": "hours from 0 to 23",
    }
    assert props["tags"] == {
        "description": "Labels.",
        "type": "object",
        "additionalProperties": {"type": "string"},
    }
    assert props["inner"]["$ref"] == "#/$defs/InnerArgs"
    assert schema["$defs"]["InnerArgs"]["properties"]["level"]["maximum"] == 3
    assert props["target"]["type"] == "string"


def test_every_problem_at_once_in_document_order() -> None:
    document = {
        "size": -1,
        "colour": "red",
        "name": "Bad Name",
        "hours": [1, 24, 25],
        "inner": {},
        "items": [{"level": 2}, {"level": 9, "depth": 1}],
    }
    found = validation.problems(ToyArgs, document, "toy")
    assert [str(p) for p in found] == [
        "toy.size: expected an integer >= 0, got -1",
        "toy.colour: unknown key; did you mean 'color'?",
        "toy.name: expected a name of letters, got 'Bad Name'",
        "toy.hours[1]: expected hours from 0 to 23, got 24",
        "toy.hours[2]: expected hours from 0 to 23, got 25",
        "toy.inner.level: is required",
        "toy.items[1].level: expected a level from 1 to 3, got 9",
        "toy.items[1].depth: unknown key; known keys: level",
    ]


def test_a_rule_between_fields_runs_on_defaults_and_skips_broken_fields() -> None:
    assert validation.problems(ToyArgs, {"name": "a", "size": 11}) == [
        Problem("color", "expected blue for a size above 10, got 'red'")
    ]
    assert validation.problems(ToyArgs, {"name": "a", "size": 11, "color": "blue"}) == []
    # The color's own problem is reported, not the rule that reads it.
    assert [p.path for p in validation.problems(ToyArgs, {"name": "a", "size": 11, "color": 3})] == ["color"]


def test_parse_takes_python_args_and_applies_defaults() -> None:
    target = Later()
    args = validation.parse(
        ToyArgs, {"name": "a", "color": "blue", "inner": {"level": 2}, "hours": (3,), "target": target}, ""
    )
    assert args["size"] == 1
    assert args["color"] is Color.BLUE
    assert args["inner"] == {"level": 2}
    assert args["hours"] == [3]
    # A value known only at deploy time passes through unchecked.
    assert args["target"] is target
    assert (
        validation.parse(ToyArgs, {"name": "a", "color": Color.BLUE, "description": None, "size": 2}, "")[
            "color"
        ]
        is Color.BLUE
    )


def test_parse_refuses_with_every_problem() -> None:
    with pytest.raises(InvalidArgs) as caught:
        validation.parse(ToyArgs, {"name": "A", "size": "8"}, "Toy t: ")
    assert str(caught.value) == (
        "Toy t: name: expected a name of letters, got 'A'\nToy t: size: expected an integer >= 0, got '8'"
    )
    assert isinstance(caught.value, pulumi.RunError)


class FloatArgs(TypedDict):
    """Args with a type no component uses, so validation has no schema for it."""

    ratio: float
    """A fraction."""


def test_a_field_type_without_a_schema_is_a_programming_error() -> None:
    with pytest.raises(TypeError) as caught:
        validation.json_schema(FloatArgs)
    assert str(caught.value) == "no JSON Schema for <class 'float'>"


@rules(mode=rule(default=Color.RED))
class OwnedArgs(TypedDict):
    """Args with an input its caller fills."""

    mode: NotRequired[Color]
    """Which mode."""
    owner: NotRequired[str]
    """Needed with red; the caller fills it."""
    size: NotRequired[int]
    """How big."""


def _red_needs_owner(doc):
    if doc["mode"] == "red" and "owner" not in doc:
        yield "owner", "is required with mode red"


def _small_red(doc):
    if doc["mode"] == "red" and doc.get("size", 0) > 2:
        yield "size", "expected at most 2 with mode red"


check(OwnedArgs, _red_needs_owner, "mode", "owner")
check(OwnedArgs, _small_red, "mode", "size")


def test_checks_registers_the_rule_it_decorates_and_keeps_it_callable() -> None:
    assert validation.problems(ToyArgs, {"name": "a", "size": 11}) == [
        Problem("color", "expected blue for a size above 10, got 'red'")
    ]
    assert validation.problems(ToyArgs, {"name": "a", "size": 11, "color": "blue"}) == []
    # The decorated function is the rule itself, called with a document.
    assert list(_big_is_blue({"size": 11, "color": "red"})) == [
        ("color", "expected blue for a size above 10, got 'red'")
    ]


def test_rules_between_fields_see_defaults() -> None:
    assert validation.problems(OwnedArgs, {}) == [Problem("owner", "is required with mode red")]
    assert validation.problems(OwnedArgs, {"size": 3, "owner": "o"}) == [
        Problem("size", "expected at most 2 with mode red")
    ]


class FilledArgs(TypedDict):
    """A config section as `spec`, and an input its caller fills beside it."""

    spec: OwnedArgs
    """The section."""
    filler: NotRequired[str]
    """Needed with spec.mode blue."""


def _blue_needs_filler(doc):
    if doc["spec"].get("mode") == "blue" and "filler" not in doc:
        yield "filler", "is required with spec.mode blue"


check(FilledArgs, _blue_needs_filler, "spec.mode", "filler")


def test_a_rule_reads_a_key_one_below() -> None:
    assert validation.problems(FilledArgs, {"spec": {"mode": "blue"}}) == [
        Problem("filler", "is required with spec.mode blue")
    ]
    # A problem elsewhere in the section does not hide it ...
    assert validation.problems(FilledArgs, {"spec": {"mode": "blue", "size": "x"}}) == [
        Problem("spec.size", "expected an integer, got 'x'"),
        Problem("filler", "is required with spec.mode blue"),
    ]
    # ... one of the key it reads does, and so does one of the section itself.
    assert validation.problems(FilledArgs, {"spec": {"mode": 5}}) == [
        Problem("spec.mode", "expected one of red, blue, got 5")
    ]
    assert validation.problems(FilledArgs, {"spec": "blue"}) == [
        Problem("spec", "expected an object, got 'blue'")
    ]
    assert validation.problems(FilledArgs, {}) == [Problem("spec", "is required")]


def test_a_closed_set_known_only_at_deploy_time_passes_through() -> None:
    mode = Later()
    assert validation.parse(OwnedArgs, {"mode": mode, "owner": "o"}, "")["mode"] is mode


@rules(tier=rule(refused={"gold": "gold is refused: it was retired"}, enum=["silver", "gold", "bronze"]))
class TierArgs(TypedDict):
    """Args with a value refused for a reason of its own."""

    tier: str
    """Which tier."""


def test_a_refused_value_gets_its_own_reason() -> None:
    schema = validation.json_schema(TierArgs)["properties"]["tier"]
    # Editors flag it too.
    assert schema["not"] == {"enum": ["gold"]}
    assert validation.problems(TierArgs, {"tier": "gold"}, "t") == [
        Problem("t.tier", "gold is refused: it was retired")
    ]
    assert [str(p) for p in validation.problems(TierArgs, {"tier": "tin"})] == [
        "tier: expected one of silver, gold, bronze, got 'tin'"
    ]
    assert validation.problems(TierArgs, {"tier": "silver"}) == []


@rules(size=validation.shown_default(rule(minimum=1), 3))
class ShownArgs(TypedDict):
    """Args whose default is shown, not filled in."""

    size: NotRequired[int]
    """How big (default 3)."""


def test_a_shown_default_is_not_filled_in() -> None:
    assert validation.json_schema(ShownArgs)["properties"]["size"]["default"] == 3
    # What a rule between fields and the component see: the field stays absent.
    assert validation.with_defaults(ShownArgs, {}) == {}
    assert validation.parse(ShownArgs, {}, "") == {}


def test_each_problem_is_a_line_under_the_refusers_name() -> None:
    """A problem of the whole document (no key path) reads without a leading colon."""
    refused = InvalidArgs([Problem("", "expected an object, got 'x'"), Problem("size", "too big")], "Toy t: ")
    assert str(refused) == "Toy t: expected an object, got 'x'\nToy t: size: too big"
    assert validation.problems(ToyArgs, "x") == [Problem("", "expected an object, got 'x'")]


@rules(anything=rule(**{"not": {"const": 0}}))
class UntypedArgs(TypedDict):
    anything: Any


def test_a_field_without_type_or_words_expects_a_valid_value() -> None:
    assert validation.problems(UntypedArgs, {"anything": 0}) == [
        Problem("anything", "expected a valid value, got 0")
    ]


@rules(
    label=rule(minLength=1),
    ceiling=rule(maximum=9),
    floor=rule(minimum=1),
    items=rule(minItems=2),
)
class BareRulesArgs(TypedDict):
    """Rules without expected words: the message is built from the schema."""

    label: NotRequired[str]
    ceiling: NotRequired[int]
    floor: NotRequired[int]
    items: NotRequired[list[str]]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"label": ""}, "label: expected a non-empty string, got ''"),
        ({"ceiling": 10}, "ceiling: expected an integer <= 9, got 10"),
        ({"floor": 0}, "floor: expected an integer >= 1, got 0"),
        ({"items": ["a"]}, 'items: expected a list of at least 2, got a list ["a"]'),
    ],
)
def test_messages_follow_the_schema_without_words(document: dict[str, Any], message: str) -> None:
    assert [str(p) for p in validation.problems(BareRulesArgs, document)] == [message]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("red", "'red'"),
        (None, "nothing"),
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (2.5, "2.5"),
        ({"a": 1}, 'an object {"a": 1}'),
        ([1, "b"], 'a list [1, "b"]'),
        ([b"x"], """a list ["b'x'"]"""),
        (list(range(40)), "a list " + json.dumps(list(range(40)))[:60]),
        (b"x", "a bytes"),
    ],
)
def test_values_are_quoted_as_config_writes_them(value: Any, shown: str) -> None:
    assert validation.describe(value) == shown


def test_rules_made_while_a_test_runs() -> None:
    """rule, rules, check and shown_default run when a component module is imported, before
    `make mutation` activates a mutant; made here, inside a test, their mutants meet it."""

    @rules(
        size=rule("a size from 1 to 9", minimum=1, maximum=9, default=2),
        tier=rule(refused={"old": "old is gone"}),
        kind=rule("a or b", replace=True, enum=["a", "b"]),
        names=rule(items=rule("a short name", maxLength=3)),
        labels=rule(values=rule("a short label", maxLength=3)),
        shown=shown_default(rule("a flag"), Color.RED),
    )
    class MadeArgs(TypedDict):
        size: NotRequired[int]
        tier: NotRequired[str]
        kind: NotRequired[str]
        names: NotRequired[list[str]]
        labels: NotRequired[dict[str, str]]
        shown: NotRequired[str]

    def small_for_a(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        if args.get("kind") == "a" and args["size"] > 5:
            yield "kind", "a takes sizes up to 5"

    check(MadeArgs, small_for_a, "size", "kind")
    assert validation.json_schema(MadeArgs)["properties"] == {
        "size": {
            "type": "integer",
            "minimum": 1,
            "maximum": 9,
            "x-expected": "a size from 1 to 9",
            "default": 2,
        },
        "tier": {"type": "string", "not": {"enum": ["old"]}, "x-refused": {"old": "old is gone"}},
        # replace: the keywords stand for the schema the type would give.
        "kind": {"enum": ["a", "b"], "x-expected": "a or b"},
        "names": {"type": "array", "items": {"type": "string", "maxLength": 3, "x-expected": "a short name"}},
        "labels": {
            "type": "object",
            "additionalProperties": {"type": "string", "maxLength": 3, "x-expected": "a short label"},
        },
        # shown_default: in the schema as its plain value, not filled in by parse.
        "shown": {"type": "string", "default": "red", "x-expected": "a flag"},
    }
    broken = {"size": 7, "tier": "old", "kind": "a", "names": ["abcd"], "labels": {"x": "abcd"}}
    assert [str(p) for p in validation.problems(MadeArgs, broken)] == [
        "tier: old is gone",
        "kind: a takes sizes up to 5",
        "names[0]: expected a short name, got 'abcd'",
        "labels.x: expected a short label, got 'abcd'",
    ]
    assert validation.parse(MadeArgs, {}, "") == {"size": 2}


def test_a_value_known_at_deploy_time_hides_no_other_problem() -> None:
    # The deferred value fails the schema first (its property is checked before unknown keys).
    assert validation.problems(ToyArgs, {"name": "a", "target": Later(), "colour": "red"}) == [
        Problem("colour", "unknown key; did you mean 'color'?")
    ]


@rules(level=rule(minimum=1), note=rule(minimum=0))
class LeafArgs(TypedDict):
    """A leaf with a rule of its own."""

    level: int
    """How high."""
    note: NotRequired[int]
    """A number."""
    depth: NotRequired[int]
    """How deep."""


def _shallow(doc):
    if doc.get("depth", 0) > 2:
        yield "depth", "expected at most 2"


check(LeafArgs, _shallow, "depth")


@rules(size=rule(minimum=0))
class TreeArgs(TypedDict):
    """Leaves, one or many."""

    name: NotRequired[str]
    """Its name."""
    size: NotRequired[int]
    """How big."""
    leaf: NotRequired[LeafArgs]
    """One leaf."""
    leaves: NotRequired[list[LeafArgs]]
    """Many leaves."""


def _deep_trees_have_a_leaf(doc):
    if doc.get("name") == "deep" and "leaf" not in doc:
        yield "leaf.level", "is required for a tree named deep"


check(TreeArgs, _deep_trees_have_a_leaf, "name", "leaf")


def test_problems_sort_where_their_keys_are_written() -> None:
    document = {"name": "deep", "size": -1, "leaves": [{"note": -1, "depth": 3}, {"level": 0, "depth": 3}]}
    # Found in another order: the schema's problems first, then the rules between fields
    # (an object's before its children's).
    expected = [
        "size: expected an integer >= 0, got -1",
        "leaves[0].note: expected an integer >= 0, got -1",
        "leaves[0].depth: expected at most 2",
        # A missing key: after what its object holds, where it would be added.
        "leaves[0].level: is required",
        "leaves[1].level: expected an integer >= 1, got 0",
        "leaves[1].depth: expected at most 2",
        # Below a key the document lacks: after all that the nearest key it has holds.
        "leaf.level: is required for a tree named deep",
    ]
    assert [str(p) for p in validation.problems(TreeArgs, document)] == expected
    # Under a path, the same order.
    assert [str(p) for p in validation.problems(TreeArgs, document, "tree")] == [
        f"tree.{e}" for e in expected
    ]


def test_an_unknown_key_hides_no_rule_of_the_keys_after_it() -> None:
    assert validation.problems(TreeArgs, {"stray": 1, "leaf": {"level": 1, "depth": 3}}) == [
        Problem("stray", "unknown key; known keys: name, size, leaf, leaves"),
        Problem("leaf.depth", "expected at most 2"),
    ]


@rules(tint=rule(default=Color.RED))
class ShapeArgs(TypedDict):
    """A value of a map, with a Python name to convert."""

    corner_count: int
    """Corners."""
    tint: NotRequired[Color]
    """Its color."""


class ShapesArgs(TypedDict):
    """A map of objects."""

    shapes: NotRequired[dict[str, ShapeArgs]]
    """Shapes by name."""


def test_a_map_of_objects_given_in_python_is_checked_with_schema_names() -> None:
    assert validation.parse(ShapesArgs, {"shapes": {"sq": {"corner_count": 4}}}, "") == {
        "shapes": {"sq": {"corner_count": 4, "tint": Color.RED}}
    }
    with pytest.raises(InvalidArgs) as caught:
        validation.parse(ShapesArgs, {"shapes": {"sq": {"corner_count": "4"}}}, "")
    assert str(caught.value) == "shapes.sq.cornerCount: expected an integer, got '4'"


class MarkedArgs(TypedDict, total=False):
    """Required fields marked one by one, and a private one."""

    name: Required[pulumi.Input[str]]
    """Its name."""
    size: int
    """How big."""
    _cache: int


def test_fields_are_read_as_the_analyzer_reads_them() -> None:
    found = validation.fields(MarkedArgs)
    # A private field is left out, as the analyzer leaves it out of the package schema.
    assert list(found) == ["name", "size"]
    assert (found["name"].type, found["name"].required) == (str, True)
    assert (found["size"].type, found["size"].required) == (int, False)
    assert validation.json_schema(MarkedArgs)["required"] == ["name"]


def test_fields_are_computed_once_per_class() -> None:
    """Reflection over a type costs once, not per value (the stack-wide validation reads
    each args class's fields for every object it checks)."""
    assert validation.fields(ToyArgs) is validation.fields(ToyArgs)


@rules(inner=rule(default={"level": 2}))
class HolderArgs(TypedDict):
    """Holds nested args, with a default object."""

    inner: NotRequired[InnerArgs]
    """Nested, defaulted."""
    items: NotRequired[list[ToyArgs]]
    """Nested list."""


def test_checked_args_get_their_defaults_at_every_depth_and_drop_nones() -> None:
    args = validation.checked(HolderArgs, {"items": [{"name": "a", "target": None}]})
    assert args == {"inner": {"level": 2}, "items": [{"name": "a", "size": 1, "color": Color.RED}]}


def test_parse_trusts_checked_args_of_its_class_only() -> None:
    """A parent's checked args reach the child as they are; the same dict marked for another
    class, or unmarked, is checked."""
    trusted = validation.checked(ToyArgs, {"name": "NOT letters"})
    assert validation.parse(ToyArgs, trusted, "Toy t: ") is trusted
    with pytest.raises(InvalidArgs):
        validation.parse(ToyArgs, dict(trusted), "Toy t: ")
    with pytest.raises(InvalidArgs):
        validation.parse(ToyArgs, validation.checked(HolderArgs, {"name": "NOT letters"}), "Toy t: ")


def test_parsed_args_are_checked() -> None:
    parsed = validation.parse(ToyArgs, {"name": "abc"}, "Toy t: ")
    assert isinstance(parsed, validation.Checked)
    assert validation.parse(ToyArgs, parsed, "Toy t: ") is parsed


# The rules below are registered and the classes defined while the test runs, not at import:
# mutation testing (tests/mutmut_plugin.py) activates a mutant only after the suite is
# imported, so what runs at import is reached only by a test that runs it again.


def test_a_rule_registered_with_checks_is_run_and_keeps_its_function() -> None:
    class Bounds(TypedDict):
        """Two bounds."""

        low: NotRequired[int]
        """Low."""
        high: NotRequired[int]
        """High."""

    def ordered(doc: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        if "low" in doc and "high" in doc and doc["low"] > doc["high"]:
            yield "high", f"expected at least low ({doc['low']}), got {doc['high']}"

    assert checks(Bounds, "low", "high")(ordered) is ordered
    assert [str(p) for p in validation.problems(Bounds, {"low": 3, "high": 1})] == [
        "high: expected at least low (3), got 1"
    ]
    assert validation.problems(Bounds, {"low": 1, "high": 3}) == []
    # A broken key the rule reads hides it, whichever of its keys that is.
    for broken in ({"low": "x", "high": 1}, {"low": 3, "high": "x"}):
        assert [p.message for p in validation.problems(Bounds, broken)] == ["expected an integer, got 'x'"]


def test_required_fields_are_read_from_the_annotations() -> None:
    class Total(TypedDict):
        """All required but one."""

        given: int
        """Required."""
        maybe: NotRequired[int]
        """Not."""

    class Partial(TypedDict, total=False):
        """None required but one."""

        must: Required[int]
        """Required."""
        may: int
        """Not."""

    assert {k: f.required for k, f in validation.fields(Total).items()} == {"given": True, "maybe": False}
    assert {k: f.required for k, f in validation.fields(Partial).items()} == {"must": True, "may": False}


def test_a_broken_object_on_the_way_to_a_key_a_nested_rule_reads_hides_the_rule() -> None:
    class Leaf(TypedDict):
        """Deepest."""

        level: NotRequired[int]
        """Level."""

    class Middle(TypedDict):
        """Between."""

        leaf: NotRequired[Leaf]
        """Leaf."""

    class Holder(TypedDict):
        """Holds a middle and its cap."""

        middle: NotRequired[Middle]
        """Middle."""
        cap: NotRequired[int]
        """Cap."""

    class Top(TypedDict):
        """The document."""

        holder: NotRequired[Holder]
        """Holder."""

    @checks(Holder, "middle.leaf.level", "cap")
    def within_cap(doc: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        # Reads into the objects on the way without looking: only sound where they are objects.
        level = doc.get("middle", {}).get("leaf", {}).get("level")
        if level is not None and "cap" in doc and level > doc["cap"]:
            yield "middle.leaf.level", f"expected at most cap ({doc['cap']}), got {level}"

    assert [
        str(p) for p in validation.problems(Top, {"holder": {"middle": {"leaf": {"level": 5}}, "cap": 1}})
    ] == ["holder.middle.leaf.level: expected at most cap (1), got 5"]
    assert [str(p) for p in validation.problems(Top, {"holder": {"middle": "x", "cap": 1}})] == [
        "holder.middle: expected an object, got 'x'"
    ]
    assert [str(p) for p in validation.problems(Top, {"holder": {"middle": {"leaf": "x"}, "cap": 1}})] == [
        "holder.middle.leaf: expected an object, got 'x'"
    ]


def test_to_document_leaves_out_none_and_keeps_what_follows() -> None:
    assert validation.to_document(ToyArgs, {"size": None, "name": "x", "target": None, "hours": [1]}) == {
        "name": "x",
        "hours": [1],
    }


def test_the_schema_checks_run_against_is_the_published_one_without_its_descriptions() -> None:
    def undocumented(value: Any) -> Any:
        if isinstance(value, dict):
            # A schema's description is a string; a field named description has a schema.
            return {
                k: undocumented(v)
                for k, v in value.items()
                if not (k == "description" and isinstance(v, str))
            }
        if isinstance(value, list):
            return [undocumented(v) for v in value]
        return value

    from components.platform import AdfDatabricksArgs

    for cls in (ToyArgs, AdfDatabricksArgs):
        published = validation.json_schema(cls)
        assert "description" in json.dumps(published)
        assert validation.json_schema(cls, descriptions=False) == undocumented(published)
