"""One definition per args type: it checks args, and becomes the stack-file and package schemas.

A component's args are a TypedDict, the form Pulumi's component analyzer turns into a package
schema (so every Pulumi language can use the component). What types alone cannot say (ranges,
patterns, defaults, how "expected ..." reads) is declared once beside it with `@rules`, and
rules between fields are registered with `@checks` (or `check`). From these:

- `json_schema` builds a JSON Schema whose property names are the package schema's (camelCase,
  as the analyzer names them), which are also the stack config's keys;
- `problems` validates a document against that schema with a real JSON Schema validator
  (`jsonschema`), then runs the cross-field checks, and returns every problem with its key path,
  in the order the keys appear;
- `parse` turns args given in Python (snake_case keys, enum members, Outputs) into a validated
  dict with defaults applied and closed sets as enum members, or raises `InvalidArgs` listing
  every problem.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import Any, ForwardRef, TypeVar, is_typeddict

import pulumi
from jsonschema import Draft202012Validator, ValidationError
from pulumi.provider.experimental import analyzer
from pulumi.provider.experimental.util import camel_case

T = TypeVar("T")
_MISSING: Any = object()


@dataclass(frozen=True)
class Rule:
    """What a field's type cannot say. Its keywords are JSON Schema's (minimum, pattern, ...)."""

    keywords: Mapping[str, Any] = field(default_factory=dict)
    """JSON Schema keywords added to the schema derived from the field's type."""
    expected: str | None = None
    """How a message names a valid value: "expected <this>, got ..."."""
    default: Any = _MISSING
    """The value an absent field takes (also the schema's `default`)."""
    replace: bool = False
    """The keywords replace the derived schema instead of adding to it (e.g. a oneOf)."""
    items: Rule | None = None
    """The rule for each item of a list field."""
    values: Rule | None = None
    """The rule for each value of a map field."""
    refused: Mapping[str, str] = field(default_factory=dict)
    """Values refused for a reason of their own, each with the whole message that gives it
    (e.g. a pricing tier that reached end of life); the schema gets `not: {enum: [...]}`."""


def rule(
    expected: str | None = None,
    *,
    default: Any = _MISSING,
    replace: bool = False,
    items: Rule | None = None,
    values: Rule | None = None,
    refused: Mapping[str, str] | None = None,
    **keywords: Any,
) -> Rule:
    """A field rule: `rule("an integer from 1 to 50", minimum=1, maximum=50)`."""
    return Rule(keywords, expected, default, replace, items, values, dict(refused or {}))


def shown_default(r: Rule, value: Any) -> Rule:
    """`r` with `value` as its schema's `default` (for editors and readers), which validation
    does not fill in: for a field whose absence a rule between fields must see."""
    return replace(r, keywords={**r.keywords, "default": _plain(value)})


Check = Callable[[Mapping[str, Any]], Iterable[tuple[str, str]]]
"""A rule between fields: takes the validated document (camelCase keys, defaults applied) of one
object and yields (relative key path, message) problems."""

_RULES: dict[type, Mapping[str, Rule]] = {}
_CHECKS: dict[type, list[tuple[Check, tuple[str, ...]]]] = {}


def rules(**fields: Rule) -> Callable[[type[T]], type[T]]:
    """Class decorator: the rules of a TypedDict's fields, by Python field name."""

    def register(cls: type[T]) -> type[T]:
        _RULES[cls] = fields
        return cls

    return register


def check(cls: type, fn: Check, read: str, *reads: str) -> None:
    """Register `fn` as a rule between fields of `cls`: it yields (key, message) problems.

    `read` and `reads` name the keys it looks at (a key further down as `spec.mode`); it is
    skipped when a problem was found at one of them, below one, or at an object on the way to
    one (that problem is reported instead). A rule is right on its own: it does not count on
    another rule having refused a value first.

    The call form registers a function defined elsewhere, or one made per key
    (`functools.partial`); `checks` decorates a rule where it is defined.
    """
    _CHECKS.setdefault(cls, []).append((fn, (read, *reads)))


C = TypeVar("C", bound=Check)


def checks(cls: type, read: str, *reads: str) -> Callable[[C], C]:
    """Decorator: the function below is a rule between fields of `cls` that reads `read` and
    `reads` (as `check`); the function itself is returned unchanged."""

    def register(fn: C) -> C:
        check(cls, fn, read, *reads)
        return fn

    return register


@dataclass(frozen=True)
class Problem:
    """A value that breaks a rule, at a key path."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidArgs(pulumi.RunError):
    """Args that break rules; its message lists every problem, one per line."""

    def __init__(self, problems: Sequence[Problem], prefix: str) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(f"{prefix}{p}" for p in self.problems))


# ---------------------------------------------------------------- fields of an args type


@dataclass(frozen=True)
class Field:
    """One field of a TypedDict, as the schema and the checks see it."""

    name: str
    """Python name (snake_case)."""
    key: str
    """Schema and config name (camelCase)."""
    type: Any
    """The value type, with Input, Optional and NotRequired taken off."""
    required: bool
    owner: type
    """The class that declares it (where its docstring is)."""
    rule: Rule


@functools.cache
def fields(cls: type) -> Mapping[str, Field]:
    """The fields of a TypedDict by camelCase key, as the analyzer sees them.

    Computed once per class (its `@rules` are registered when the class is defined, before
    anything reads its fields): reflection over types must not cost per value.

    Args types do not inherit from each other: at runtime a TypedDict forgets which class
    declared a field, and the analyzer would lose the inherited fields' docstrings.
    """
    optional = cls.__optional_keys__
    own_rules = _RULES.get(cls, {})
    # A recursive type (a ForEach's activities are activities) names an args class of its
    # module by a ForwardRef, the form Pulumi's analyzer resolves: resolved here the same way.
    namespace = vars(sys.modules[cls.__module__])
    annotations = {name: _resolve(a, namespace) for name, a in inspect.get_annotations(cls).items()}
    return MappingProxyType(
        {
            camel_case(name): Field(
                name=name,
                key=camel_case(name),
                type=_bare(annotation),
                required=_required(name, annotation, optional),
                owner=cls,
                rule=own_rules.get(name, Rule()),
            )
            for name, annotation in annotations.items()
            if not name.startswith("_")
        }
    )


def _resolve(annotation: Any, namespace: Mapping[str, Any]) -> Any:
    """The annotation with each ForwardRef to a TypedDict of `namespace` replaced by it (others,
    such as those inside pulumi.Input, are left alone)."""
    if isinstance(annotation, ForwardRef):
        target = namespace.get(annotation.__forward_arg__)
        return target if target is not None and is_typeddict(target) else annotation
    args = getattr(annotation, "__args__", None)
    if not args or not hasattr(annotation, "copy_with"):
        return annotation
    resolved = tuple(_resolve(a, namespace) for a in args)
    return annotation if resolved == args else annotation.copy_with(resolved)


def _required(name: str, annotation: Any, optional: frozenset[str]) -> bool:
    """Whether a field must be given, as the analyzer reads it: `Required[...]`, or neither
    `total=False` nor `NotRequired[...]`. From the annotation, not only `__required_keys__`:
    Python 3.10's TypedDict does not know typing_extensions' NotRequired."""
    if analyzer.is_required(annotation):
        return True
    return name not in optional and not analyzer.is_not_required(annotation)


_WRAPPERS: tuple[tuple[Callable[[Any], bool], Callable[[Any], Any]], ...] = (
    (analyzer.is_not_required, analyzer.unwrap_not_required),
    (analyzer.is_required, analyzer.unwrap_required),
    (analyzer.is_input, analyzer.unwrap_input),
    (analyzer.is_optional, analyzer.unwrap_optional),
)


@functools.cache
def _bare(annotation: Any) -> Any:
    """The value type of an annotation, without NotRequired, Required, Input or Optional."""
    for wraps, unwrap in _WRAPPERS:
        if wraps(annotation):
            return _bare(unwrap(annotation))
    return annotation


def _checks(cls: type) -> list[tuple[Check, tuple[str, ...]]]:
    return _CHECKS.get(cls, [])


# ---------------------------------------------------------------- JSON Schema


_DOCS = analyzer.Analyzer("adf-databricks")


def json_schema(cls: type, *, descriptions: bool = True) -> dict[str, Any]:
    """The JSON Schema of a TypedDict: `$defs` hold every object type it reaches. Without
    `descriptions` it leaves out the docstrings, which only readers of the schema need: the
    analyzer reads a field's from the source file (inspect.getsource), about half of a dev
    plan's own time."""
    defs: dict[str, Any] = {}
    root = _object_schema(cls, defs, descriptions)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **root, "$defs": defs}


def _object_schema(cls: type, defs: dict[str, Any], descriptions: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for key, f in fields(cls).items():
        properties[key] = _field_schema(f.type, f.rule, defs, descriptions)
        description = _DOCS.get_docstring(f.owner, f.name) if descriptions else None
        if description:
            properties[key] = {"description": inspect.cleandoc(description), **properties[key]}
        if f.required:
            required.append(key)
    schema: dict[str, Any] = {"type": "object"}
    if cls.__doc__ and descriptions:
        schema["description"] = inspect.cleandoc(cls.__doc__)
    schema["properties"] = properties
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _field_schema(typ: Any, r: Rule, defs: dict[str, Any], descriptions: bool) -> dict[str, Any]:
    schema = dict(r.keywords) if r.replace else {**_type_schema(typ, r, defs, descriptions), **r.keywords}
    if r.expected:
        schema["x-expected"] = r.expected
    if r.refused:
        schema["not"] = {"enum": list(r.refused)}
        schema["x-refused"] = dict(r.refused)
    if r.default is not _MISSING:
        schema["default"] = _plain(r.default)
    return schema


def _type_schema(typ: Any, r: Rule, defs: dict[str, Any], descriptions: bool) -> dict[str, Any]:
    if typ is str:
        return {"type": "string"}
    if typ is bool:
        return {"type": "boolean"}
    if typ is int:
        return {"type": "integer"}
    if typ is Any:
        return {}
    if isinstance(typ, type) and issubclass(typ, Enum):
        return {"type": "string", "enum": [m.value for m in typ]}
    if analyzer.is_list(typ):
        (item,) = typ.__args__
        return {"type": "array", "items": _field_schema(_bare(item), r.items or Rule(), defs, descriptions)}
    if analyzer.is_dict(typ):
        _, value = typ.__args__
        return {
            "type": "object",
            "additionalProperties": _field_schema(_bare(value), r.values or Rule(), defs, descriptions),
        }
    if is_typeddict(typ):
        name = typ.__name__
        if name not in defs:
            defs[name] = {}
            defs[name] = _object_schema(typ, defs, descriptions)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {typ!r}")


# ---------------------------------------------------------------- checking a document


def describe(value: Any) -> str:
    """How a given value is quoted in messages."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dict, list)):
        kind = "an object" if isinstance(value, dict) else "a list"
        return f"{kind} {json.dumps(value, default=str)[:60]}"
    return f"a {type(value).__name__}"


def join(path: str, part: str | int) -> str:
    """A key path one step down: `a.b`, `a[0]`."""
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


_TYPE_WORDS: dict[str | None, str] = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}


def _expected(schema: Mapping[str, Any]) -> str:
    if "x-expected" in schema:
        return schema["x-expected"]
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    kind = schema.get("type")
    words = _TYPE_WORDS.get(kind, "a valid value")  # json_schema writes one type or none
    if kind == "string" and schema.get("minLength"):
        words = "a non-empty string"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        words += f" from {low} to {high}"
    elif low is not None:
        words += f" >= {low}"
    elif high is not None:
        words += f" <= {high}"
    if kind == "array" and schema.get("minItems"):
        words += f" of at least {schema['minItems']}"
    return words


def _is_deferred(value: Any) -> bool:
    """A value known only at deploy time (an Output or awaitable): nothing to check now."""
    return isinstance(value, pulumi.Output) or inspect.isawaitable(value)


def _messages(error: ValidationError, path: str) -> Iterator[Problem]:
    # json_schema writes no boolean subschemas, so the failing schema is an object; "required"
    # and "additionalProperties" (false, on every args object) fail only on objects, and each
    # args object has properties (JSON Schema 2020-12, Validation 6.5.3; Core 10.3.2.3).
    schema = error.schema
    assert isinstance(schema, Mapping)
    here = path
    for part in error.absolute_path:
        here = join(here, part)
    refused = schema.get("x-refused", {})
    if isinstance(error.instance, str) and error.instance in refused:
        yield Problem(here, refused[error.instance])
    elif error.validator == "required":
        assert isinstance(error.instance, dict)
        assert isinstance(error.validator_value, list)
        for missing in error.validator_value:
            if missing not in error.instance:
                yield Problem(join(here, missing), "is required")
    elif error.validator == "additionalProperties":
        assert isinstance(error.instance, dict)
        known = list(schema["properties"])
        for key in error.instance:
            if key not in known:
                yield Problem(join(here, str(key)), unknown_key(str(key), known))
    else:
        yield Problem(here, f"expected {_expected(schema)}, got {describe(error.instance)}")


def unknown_key(key: str, known: Sequence[str]) -> str:
    """The message for a key an object does not take, naming the closest known key."""
    if not known:
        return "unknown key; none are declared here"
    close = difflib.get_close_matches(key, known)  # best first
    return (
        f"unknown key; did you mean '{close[0]}'?"
        if close
        else f"unknown key; known keys: {', '.join(known)}"
    )


def _order(document: Any, path: str) -> dict[str, tuple[int, int]]:
    """Each key path of a document: the position it is written at, and the last position of
    what it holds (its own, when it holds nothing)."""
    paths: list[str] = []
    last: dict[str, int] = {}

    def walk(value: Any, here: str) -> None:
        paths.append(here)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, join(here, str(key)))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, join(here, i))
        last[here] = len(paths) - 1

    walk(document, path)
    return {here: (i, last[here]) for i, here in enumerate(paths)}


def sort_problems(found: Iterable[Problem], document: Any, path: str) -> list[Problem]:
    """Problems in the order their keys are written in `document` (whose own path is `path`).

    A key the document does not have sorts after all that the nearest key above it holds,
    where it would be added.
    """
    order = _order(document, path)

    def position(problem: Problem) -> tuple[int, bool]:
        # Every candidate is a prefix of the problem's path (the document's own path is a
        # prefix of all), and a string sorts after its own prefixes: the greatest is nearest.
        nearest = max(p for p in order if p == path or _within(problem.path, p))
        first, last = order[nearest]
        return (first, False) if nearest == problem.path else (last, True)

    return sorted(found, key=position)


@functools.cache
def _validator(cls: type) -> Draft202012Validator:
    return Draft202012Validator(json_schema(cls, descriptions=False))


def problems(cls: type, document: Any, path: str = "") -> list[Problem]:
    """Every problem of a document (camelCase keys, as config writes it) against `cls`.

    Values known only at deploy time are not checked. A rule between fields is skipped when a
    field it reads has a problem of its own (a missing parent may hide its children).
    """
    validator = _validator(cls)
    found: list[Problem] = []
    broken: list[str] = []
    for error in validator.iter_errors(document):
        if _is_deferred(error.instance):
            continue
        for problem in _messages(error, path):
            # One message a value: a wrong type also fails its enum, range or pattern.
            if problem.path not in broken:
                found.append(problem)
                broken.append(problem.path)
    for problem in _cross_checks(cls, document, path, broken):
        # One message a key: two rules that both miss a value say the same thing twice.
        if problem.path not in broken:
            found.append(problem)
            broken.append(problem.path)
    return sort_problems(found, document, path)


def _cross_checks(cls: type, value: Any, path: str, broken: Sequence[str]) -> Iterator[Problem]:
    """Run every object's rules between fields, parents before children, where sound."""
    if not isinstance(value, dict):
        return
    if not any(b == path for b in broken):
        # An object's own rules first: they know more than its fields' (say why a nested key
        # is needed), and a later rule's message for the same key is dropped.
        document = with_defaults(cls, value)
        for fn, reads in _checks(cls):
            if any(_hides(b, path, key) for b in broken for key in reads):
                continue
            for relative, message in fn(document):
                yield Problem(join(path, relative) if relative else path, message)
    by_key = fields(cls)
    for key, item in value.items():
        f = by_key.get(key)
        if f is None:
            continue
        yield from _cross_checks_of(f.type, item, join(path, key), broken)


def _within(path: str, top: str) -> bool:
    """`path` is `top` or below it."""
    return path == top or path.startswith((f"{top}.", f"{top}["))


def _hides(broken: str, path: str, read: str) -> bool:
    """A broken key hides what a rule of the object at `path` reads: the key itself or what it
    holds, and for a key further down (`spec.mode`), the objects between."""
    if _within(broken, join(path, read)):
        return True
    parts = read.split(".")
    return any(broken == join(path, ".".join(parts[:i])) for i in range(1, len(parts)))


def _cross_checks_of(typ: Any, value: Any, path: str, broken: Sequence[str]) -> Iterator[Problem]:
    if is_typeddict(typ):
        yield from _cross_checks(typ, value, path, broken)
    elif analyzer.is_list(typ) and isinstance(value, list):
        (item,) = typ.__args__
        for i, v in enumerate(value):
            yield from _cross_checks_of(_bare(item), v, join(path, i), broken)
    elif analyzer.is_dict(typ) and isinstance(value, dict):
        _, item = typ.__args__
        for k, v in value.items():
            yield from _cross_checks_of(_bare(item), v, join(path, str(k)), broken)


def with_defaults(cls: type, document: Mapping[str, Any]) -> dict[str, Any]:
    """An object's document with the defaults of its absent fields filled in."""
    result = dict(document)
    for key, f in fields(cls).items():
        if key not in result and f.rule.default is not _MISSING:
            result[key] = _plain(f.rule.default)
    return result


# ---------------------------------------------------------------- args given in Python


def _plain(value: Any) -> Any:
    """A Python value as a JSON document holds it (enum members as their values)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def to_document(cls: type, args: Mapping[str, Any]) -> dict[str, Any]:
    """Args with Python names (or already camelCase) as a document with the schema's names."""
    by_name = {f.name: f for f in fields(cls).values()}
    document: dict[str, Any] = {}
    for name, value in args.items():
        if value is None:
            continue
        f = by_name.get(name)
        key = f.key if f else name
        document[key] = _to_document_value(f.type, value) if f else _plain(value)
    return document


def _to_document_value(typ: Any, value: Any) -> Any:
    # A value known only at deploy time is neither a Mapping nor a list: `_plain` keeps it.
    if is_typeddict(typ) and isinstance(value, Mapping):
        return to_document(typ, value)
    if analyzer.is_list(typ) and isinstance(value, (list, tuple)):
        (item,) = typ.__args__
        return [_to_document_value(_bare(item), v) for v in value]
    if analyzer.is_dict(typ) and isinstance(value, Mapping):
        _, item = typ.__args__
        return {k: _to_document_value(_bare(item), v) for k, v in value.items()}
    return _plain(value)


def from_document(cls: type, document: Mapping[str, Any]) -> dict[str, Any]:
    """A valid document as args: Python names, defaults applied, closed sets as enum members."""
    result: dict[str, Any] = {}
    for key, f in fields(cls).items():
        if key in document:
            result[f.name] = _from_document_value(f.type, document[key])
        elif f.rule.default is not _MISSING:
            result[f.name] = _from_document_value(f.type, _plain(f.rule.default))
    return result


def _from_document_value(typ: Any, value: Any) -> Any:
    if _is_deferred(value):
        return value
    if isinstance(typ, type) and issubclass(typ, Enum):
        return typ(value)
    if is_typeddict(typ) and isinstance(value, Mapping):
        return from_document(typ, value)
    if analyzer.is_list(typ) and isinstance(value, list):
        (item,) = typ.__args__
        return [_from_document_value(_bare(item), v) for v in value]
    if analyzer.is_dict(typ) and isinstance(value, Mapping):
        _, item = typ.__args__
        return {k: _from_document_value(_bare(item), v) for k, v in value.items()}
    return value


class Checked(dict):  # type: ignore[type-arg]
    """Args of `cls` whose values were validated already: `parse` returns them as they are.

    What `parse` returns, and what a parent builds with `checked` for a child from its own
    validated args, so that a value is checked once, at the boundary where it enters.
    """

    __slots__ = ("cls",)

    def __init__(self, cls: type, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.cls = cls


def checked(cls: type[T], args: Mapping[str, Any]) -> T:
    """Args a parent builds for a child from values it has validated (its own parsed args and
    its other children's outputs): absent (or None) fields get their defaults, and `parse`
    trusts the result instead of checking every value again."""
    return Checked(cls, _defaults_filled(cls, args))  # type: ignore[return-value]


def _defaults_filled(cls: type, args: Mapping[str, Any]) -> dict[str, Any]:
    """Python-named args with the defaults of absent fields filled in, at every depth."""
    result: dict[str, Any] = {}
    for f in fields(cls).values():
        value = args.get(f.name)
        if value is not None:
            result[f.name] = _filled_value(f.type, value)
        elif f.rule.default is not _MISSING:
            result[f.name] = _from_document_value(f.type, _plain(f.rule.default))
    return result


def _filled_value(typ: Any, value: Any) -> Any:
    if is_typeddict(typ) and isinstance(value, Mapping):
        return _defaults_filled(typ, value)
    if analyzer.is_list(typ) and isinstance(value, list):
        (item,) = typ.__args__
        return [_filled_value(_bare(item), v) for v in value]
    if analyzer.is_dict(typ) and isinstance(value, Mapping):
        _, item = typ.__args__
        return {k: _filled_value(_bare(item), v) for k, v in value.items()}
    return value


def parse(cls: type[T], args: Mapping[str, Any], component: str) -> T:
    """Validated args with defaults applied, or `InvalidArgs` listing every problem.

    `component` names who refuses them, e.g. "DatabricksCompute analytics: ". Args already
    `Checked` for `cls` are returned as they are.
    """
    if isinstance(args, Checked) and args.cls is cls:
        return args  # type: ignore[return-value]
    document = to_document(cls, args)
    found = problems(cls, document)
    if found:
        raise InvalidArgs(found, component)
    return Checked(cls, from_document(cls, document))  # type: ignore[return-value]
