"""Contract checks: does each Data Factory resource in a plan match Microsoft's own models?

Pulumi's mocks accept any property, and Data Factory's REST models allow additional
properties, so a misspelled or misplaced key (`retrys`, `notebookpath`) can go all the way
to a real deployment and then be silently ignored or rejected there. This module validates
the inputs of every `azure-native:datafactory:*` resource (and generic `resources:Resource` of a
Data Factory type) in an offline plan (the JSON
`python -m tools.plan --json` writes, shaped like `pulumi preview --json`) against the
msrest models shipped in `azure-mgmt-datafactory` 9.x, read straight from each class's
`_attribute_map`, `_validation` and `_subtype_map` (and, for what the generated code only
documents, its docstring). Nothing in the schema is copied by hand.

Rules: no unknown keys (with a "did you mean"), required keys present, discriminators
known (then the subtype's own properties are checked), types as the model declares them,
`_validation` bounds and patterns, enum values the model lists, literal types of ADF
"X (or Expression with resultType X)" properties, ADF timespans (`[d.]hh:mm:ss`),
Databricks library shapes, Databricks job ids and job parameters (DatabricksJob activities),
and the schedule rules ADF documents for schedule triggers.

`"[secret]"` and `"[unknown]"` stand for values hidden or not yet known: they are
accepted wherever a value is, and count as present for required keys.

    python -m tools.contract plan.json     # prints one error per line, exit status 1 if any
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
import functools
import inspect
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azure.mgmt.datafactory import models as adf

SECRET = "[secret]"
UNKNOWN = "[unknown]"
OPAQUE = frozenset({SECRET, UNKNOWN})

# ADF's timespan format, as ActivityPolicy's docstring (and TumblingWindow's `_validation`)
# spell it, with the dot escaped and anchored: 9.3.0 declares no `_validation` pattern for
# `ActivityPolicy.timeout`, so without this `"1h"` would pass as a plain `object`.
ADF_TIMESPAN = re.compile(r"^((\d+)\.)?(\d\d):(60|([0-5][0-9])):(60|([0-5][0-9]))$")

_TIMESPAN_MESSAGE = "expected an ADF timespan [d.]hh:mm:ss such as '0.12:00:00', got {value!r}"

TRIGGER_SCHEDULE = "azure:datafactory/triggerSchedule:TriggerSchedule"
TRIGGER_TUMBLING_WINDOW = "azure:datafactory/triggerTumblingWindow:TriggerTumblingWindow"

# Plan steps whose inputs are not going to be sent to Data Factory.
_SKIPPED_OPS = frozenset(
    {
        "delete",
        "delete-replaced",
        "discard",
        "discard-replaced",
        "read",
        "read-replacement",
        "remove-pending-replace",
    }
)

# Pulumi-internal bookkeeping an engine may leave in inputs.
_PULUMI_INTERNAL_KEYS = frozenset({"__defaults"})

Errors = list[str]


# --- small helpers ---------------------------------------------------------------------------


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _err(path: str, message: str) -> str:
    return f"{path}: {message}" if path else message


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "object"}.get(
        type(value), type(value).__name__
    )


def _got(value: Any) -> str:
    return f"got {_kind(value)} {_show(value)}"


def _suggest(word: str, known: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


def _is_opaque(value: Any) -> bool:
    return isinstance(value, str) and value in OPAQUE


def _is_expression(value: Any) -> bool:
    """An ADF dynamic expression: `"@..."` (but `"@@"` escapes a literal `@`) or an Expression object."""
    if isinstance(value, str):
        return value.startswith("@") and not value.startswith("@@")
    return isinstance(value, dict) and value.get("type") == "Expression" and "value" in value


def _as_object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _is_int(value: Any) -> bool:
    # Numbers that went through protobuf (Pulumi mocks) come back as floats: 30 -> 30.0.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parse_time(value: str) -> dt.datetime | None:
    # Python 3.10's fromisoformat does not read a trailing Z (3.11 does).
    try:
        return dt.datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        return None


# --- what the models say ---------------------------------------------------------------------

_IVAR = re.compile(r":ivar (\w+):(.*?)\n\s*:vartype \1:(.*?)(?=\n\s*:ivar |\Z)", re.S)
_ENUM_REF = re.compile(r"~azure\.mgmt\.datafactory\.models\.(\w+)")
_RESULT_TYPE = re.compile(r"Type: ([A-Za-z ]+?)\s*\(or Expression with resultType ([A-Za-z ]+?)\s*\)")
_DOC_MINIMUM = re.compile(r"\(or Expression with resultType [A-Za-z ]+\)\s*,\s*minimum: (-?\d+)")
_LITERAL_KINDS: Mapping[str, str] = {
    "string": "str",
    "integer": "int",
    "int": "int",
    "boolean": "bool",
    "bool": "bool",
    "double": "number",
    "number": "number",
    "array": "list",
    "array of strings": "list",
    "array of objects": "list",
}


@dataclass(frozen=True)
class Field:
    """One model attribute as it appears in Pulumi inputs."""

    owner: str
    attr: str
    key: str
    type: str
    rules: Mapping[str, Any]
    enum: tuple[str, ...] = ()
    literal_kinds: frozenset[str] = frozenset()
    doc_minimum: int | None = None
    timespan: bool = False

    @property
    def required(self) -> bool:
        return bool(self.rules.get("required")) and not self.readonly

    @property
    def readonly(self) -> bool:
        return bool(self.rules.get("readonly"))


def model(name: str) -> type:
    cls = getattr(adf, name, None)
    if not (inspect.isclass(cls) and hasattr(cls, "_attribute_map")):
        raise KeyError(f"azure.mgmt.datafactory.models has no model {name!r}")
    return cls


def is_model(name: str) -> bool:
    cls = getattr(adf, name, None)
    return inspect.isclass(cls) and hasattr(cls, "_attribute_map")


@functools.cache
def _ivar_docs(cls: type) -> dict[str, tuple[str, str]]:
    """attr -> (description, vartype), whitespace-normalised, from the generated docstring."""
    return {
        attr: (" ".join(desc.split()), " ".join(vartype.split()))
        for attr, desc, vartype in _IVAR.findall(cls.__doc__ or "")
    }


def _enum_values(vartype: str) -> tuple[str, ...]:
    for name in _ENUM_REF.findall(vartype):
        candidate = getattr(adf, name, None)
        if inspect.isclass(candidate) and issubclass(candidate, enum.Enum):
            return tuple(str(member.value) for member in candidate)
    return ()


def _literal_kinds(description: str) -> frozenset[str]:
    """What a literal may be for an "X (or Expression with resultType Y)" property; empty = anything."""
    match = _RESULT_TYPE.search(description)
    if not match:
        return frozenset()
    kinds = {_LITERAL_KINDS.get(part.strip().lower()) for part in match.groups()}
    # Only when both sides are understood: "key value pairs" or an enum name stay unchecked.
    return frozenset() if None in kinds else frozenset(k for k in kinds if k)


def _rest_leaf(key: str) -> str:
    # msrest keys flatten with unescaped dots ("typeProperties.domain"); "\\." is a literal dot.
    return re.split(r"(?<!\\)\.", key)[-1].replace("\\.", ".")


def _lower_camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@functools.cache
def fields(cls: type) -> dict[str, Field]:
    """Input key -> Field for a model class.

    azure-native flattens `typeProperties`/`properties`, so an input key is the last segment
    of the REST key, with its first letter lowered ("SOQLQuery" arrives as "sOQLQuery").
    Where azure-native renamed a property (SynapseSparkJobDefinitionActivity's REST "args"
    is "arguments") it used the model's client name, so that spelling is accepted too.
    """
    docs = _ivar_docs(cls)
    validation: Mapping[str, Mapping[str, Any]] = getattr(cls, "_validation", {})
    out: dict[str, Field] = {}
    aliases: dict[str, Field] = {}
    for attr, spec in cls._attribute_map.items():
        if not spec["key"]:  # additional_properties: the catch-all we are here to refuse
            continue
        description, vartype = docs.get(attr, ("", ""))
        minimum = _DOC_MINIMUM.search(description)
        field = Field(
            owner=cls.__name__,
            attr=attr,
            key=_rest_leaf(spec["key"]),
            type=spec["type"],
            rules=validation.get(attr, {}),
            enum=_enum_values(vartype) if spec["type"] in ("str", "[str]", "{str}") else (),
            literal_kinds=_literal_kinds(description) if spec["type"] == "object" else frozenset(),
            doc_minimum=int(minimum.group(1)) if minimum else None,
            timespan=spec["type"] == "object" and "(\\d\\d):(60|([0-5][0-9]))" in description,
        )
        # First wins: Datasets carry both a top-level and a typeProperties "schema".
        out.setdefault(field.key, field)
        for alias in (field.key[:1].lower() + field.key[1:], _lower_camel(attr)):
            aliases.setdefault(alias, field)
    for alias, field in aliases.items():
        out.setdefault(alias, field)
    return out


def _canonical_keys(cls: type) -> list[str]:
    return sorted({f.key[:1].lower() + f.key[1:] for f in fields(cls).values() if not f.readonly})


@functools.cache
def subtypes(cls: type) -> tuple[str, dict[str, type]] | None:
    """(discriminator attr, value -> class) over all descendants, or None if not polymorphic."""
    own = cls.__dict__.get("_subtype_map")
    if not own:
        return None
    ((attr, mapping),) = own.items()
    out: dict[str, type] = {}
    for value, name in mapping.items():
        sub = model(name)
        out.setdefault(value, sub)
        nested = subtypes(sub)
        for nested_value, nested_cls in (nested[1] if nested else {}).items():
            out.setdefault(nested_value, nested_cls)
    return attr, out


@functools.cache
def own_discriminator(cls: type) -> tuple[str, str] | None:
    """(attr, value) a subclass must carry, found in its ancestors' `_subtype_map`."""
    for base in cls.__mro__[1:]:
        for attr, mapping in base.__dict__.get("_subtype_map", {}).items():
            for value, name in mapping.items():
                if name == cls.__name__:
                    return attr, value
    return None


# --- value checks ----------------------------------------------------------------------------


def check_value(type_name: str, value: Any, path: str) -> Errors:
    """Check `value` against an msrest type string: str, int, [T], {T}, a model name..."""
    if _is_opaque(value):
        return []
    if type_name.startswith("[") and type_name.endswith("]"):
        if not isinstance(value, list):
            return [_err(path, f"expected a list ({type_name}), {_got(value)}")]
        return [e for i, item in enumerate(value) for e in check_value(type_name[1:-1], item, f"{path}[{i}]")]
    if type_name.startswith("{") and type_name.endswith("}"):
        if not isinstance(value, dict):
            return [_err(path, f"expected a map ({type_name}), {_got(value)}")]
        return [e for k, item in value.items() for e in check_value(type_name[1:-1], item, _join(path, k))]
    scalar = _SCALARS.get(type_name)
    if scalar is not None:
        accepts, expected = scalar
        return [] if accepts(value) else [_err(path, f"expected {expected}, {_got(value)}")]
    if is_model(type_name):
        return check_model(model(type_name), value, path)
    return []  # a serializer type this package never uses; nothing sound to say


def _is_iso_time(value: Any) -> bool:
    return isinstance(value, str) and _parse_time(value) is not None


_SCALARS: Mapping[str, tuple[Callable[[Any], bool], str]] = {
    "str": (lambda v: isinstance(v, str), "str"),
    "int": (_is_int, "int"),
    "long": (_is_int, "int"),
    "float": (_is_number, "number"),
    "bool": (lambda v: isinstance(v, bool), "bool"),
    "object": (lambda v: True, "any"),
    "iso-8601": (_is_iso_time, "an ISO 8601 timestamp"),
}


def check_model(cls: type, value: Any, path: str) -> Errors:
    """Check a JSON object against a model class, resolving its discriminator first."""
    if _is_opaque(value):
        return []
    if not isinstance(value, dict):
        return [_err(path, f"expected an object ({cls.__name__}), {_got(value)}")]
    cls, errors, subtype_known = _resolve_subtype(cls, value, path)
    if errors:
        return errors
    known = fields(cls)
    for key, item in value.items():
        field = known.get(key)
        if field is None:
            if subtype_known:
                errors.append(
                    _err(
                        _join(path, key),
                        f"unknown property {key!r} for {cls.__name__}{_suggest(key, _canonical_keys(cls))}",
                    )
                )
            continue
        if field.readonly:
            errors.append(_err(_join(path, key), f"{cls.__name__}.{key} is read-only (set by the service)"))
        elif item is not None:
            errors.extend(check_field(field, item, _join(path, key)))
    present = {f.attr for k, f in known.items() if value.get(k) is not None}
    for field in {f.attr: f for f in known.values()}.values():
        if field.required and field.attr not in present:
            errors.append(_err(path, f"missing required property {field.key!r} ({cls.__name__})"))
    hook = _MODEL_HOOKS.get(cls.__name__)
    return errors + (hook(value, path) if hook else [])


def _resolve_subtype(cls: type, value: Mapping[str, Any], path: str) -> tuple[type, Errors, bool]:
    """(concrete class, errors, whether unknown keys can be judged)."""
    poly = subtypes(cls)
    own = own_discriminator(cls)
    attr = poly[0] if poly else own[0] if own else None
    if attr is None:
        return cls, [], True
    key = next(k for k, f in fields(cls).items() if f.attr == attr)
    given = value.get(key)
    if given is None:
        return cls, [], True  # reported as a missing required discriminator
    if _is_opaque(given):
        return cls, [], False
    allowed = dict(poly[1]) if poly else {}
    if own:
        allowed.setdefault(own[1], cls)
    if isinstance(given, str) and given in allowed:
        return allowed[given], [], True
    base = cls.__name__
    message = f"unknown {base} {key} {given!r}{_suggest(str(given), allowed)}"
    if not poly and own:
        message = f"{base} needs {key} {own[1]!r}, {_got(given)}"
    return cls, [_err(_join(path, key), message)], False


def check_field(field: Field, value: Any, path: str) -> Errors:
    """Type, `_validation`, enum and documented ADF rules for one property value."""
    errors = check_value(field.type, value, path)
    if errors or _is_opaque(value):
        return errors
    errors.extend(_check_validation(field.rules, value, path))
    errors.extend(_check_enum(field, value, path))
    errors.extend(_check_literal(field, value, path))
    rule = _FIELD_RULES.get((field.owner, field.attr))
    if rule is not None:
        errors.extend(rule(value, path))
    return list(dict.fromkeys(errors))


def _check_validation(rules: Mapping[str, Any], value: Any, path: str) -> Errors:
    # Same comparisons as azure.mgmt.datafactory's serializer, applied before sending.
    errors: Errors = []
    if _is_number(value):
        if "minimum" in rules and value < rules["minimum"]:
            errors.append(_err(path, f"{_show(value)} is below minimum {rules['minimum']}"))
        if "maximum" in rules and value > rules["maximum"]:
            errors.append(_err(path, f"{_show(value)} is above maximum {rules['maximum']}"))
    if isinstance(value, (str, list)):
        if "min_length" in rules and len(value) < rules["min_length"]:
            errors.append(_err(path, f"length {len(value)} is below min_length {rules['min_length']}"))
        if "max_length" in rules and len(value) > rules["max_length"]:
            errors.append(_err(path, f"length {len(value)} is above max_length {rules['max_length']}"))
    if isinstance(value, list):
        if "min_items" in rules and len(value) < rules["min_items"]:
            errors.append(_err(path, f"{len(value)} items, fewer than min_items {rules['min_items']}"))
        if "max_items" in rules and len(value) > rules["max_items"]:
            errors.append(_err(path, f"{len(value)} items, more than max_items {rules['max_items']}"))
    if isinstance(value, str) and "pattern" in rules and not re.match(rules["pattern"], value):
        errors.append(_err(path, f"{_show(value)} does not match pattern {rules['pattern']}"))
    return errors


def _check_enum(field: Field, value: Any, path: str) -> Errors:
    if not field.enum:
        return []
    if isinstance(value, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    elif isinstance(value, dict):
        items = [(_join(path, k), v) for k, v in value.items()]
    else:
        items = [(path, value)]
    return [
        _err(p, f"{v!r} is not one of {', '.join(field.enum)}{_suggest(v, field.enum)}")
        for p, v in items
        if isinstance(v, str) and not _is_opaque(v) and v not in field.enum
    ]


def _check_literal(field: Field, value: Any, path: str) -> Errors:
    """Literals of "X (or Expression with resultType X)" properties, which the model types as object."""
    if _is_expression(value):
        return []
    errors: Errors = []
    if field.literal_kinds and not any(_LITERAL_CHECKS[k](value) for k in field.literal_kinds):
        expected = " or ".join(sorted(field.literal_kinds))
        errors.append(_err(path, f"expected {expected} (or an ADF expression), {_got(value)}"))
    if field.doc_minimum is not None and _is_number(value) and value < field.doc_minimum:
        errors.append(_err(path, f"{_show(value)} is below minimum {field.doc_minimum}"))
    if field.timespan and isinstance(value, str) and not ADF_TIMESPAN.match(value):
        errors.append(_err(path, _TIMESPAN_MESSAGE.format(value=value)))
    return errors


_LITERAL_CHECKS: Mapping[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "int": _is_int,
    "bool": lambda v: isinstance(v, bool),
    "number": _is_number,
    "list": lambda v: isinstance(v, list),
}


# --- documented ADF rules the generated models only describe ----------------------------------


def _timeout_rule(value: Any, path: str) -> Errors:
    # Explicit so that this survives a docstring rewording in a later SDK; the messages
    # match _check_literal's so check_field can drop the duplicates.
    if _is_expression(value):
        return []
    if not isinstance(value, str):
        return [_err(path, f"expected str (or an ADF expression), {_got(value)}")]
    if not ADF_TIMESPAN.match(value):
        return [_err(path, _TIMESPAN_MESSAGE.format(value=value))]
    return []


def _notebook_path_rule(value: Any, path: str) -> Errors:
    # "This path must begin with a slash" (DatabricksNotebookActivity.notebook_path).
    if isinstance(value, str) and not _is_expression(value) and not value.startswith("/"):
        return [_err(path, f"notebook path must be absolute (start with '/'), got {value!r}")]
    return []


def _job_id_rule(value: Any, path: str) -> Errors:
    # The id Databricks gives a job is a number (databricks-sdk-go service/jobs/model.go,
    # RunNow.JobId int64), which ADF takes as a string (DatabricksJobActivity.job_id).
    if isinstance(value, str) and not _is_expression(value) and not value.isdigit():
        return [_err(path, f"expected a Databricks job id (digits) or an ADF expression, got {value!r}")]
    return []


def _job_parameters_rule(value: Any, path: str) -> Errors:
    # Databricks takes job parameters as strings (RunNow.JobParameters map[string]string).
    if not isinstance(value, dict):
        return []
    return [
        _err(_join(path, key), f"expected a string (or an ADF expression), {_got(item)}")
        for key, item in value.items()
        if not (isinstance(item, str) or _is_expression(item) or _is_opaque(item))
    ]


def _range_rule(low: int, high: int, *, nonzero: bool = False) -> Callable[[Any, str], Errors]:
    def check(values: Any, path: str) -> Errors:
        items = values if isinstance(values, list) else [values]
        errors: Errors = []
        for i, item in enumerate(items):
            where = f"{path}[{i}]" if isinstance(values, list) else path
            if _is_number(item) and (not low <= item <= high or (nonzero and item == 0)):
                bounds = f"{low}..{high}" + (", not 0" if nonzero else "")
                errors.append(_err(where, f"{_show(item)} is outside {bounds}"))
        return errors

    return check


def _at_least(low: int) -> Callable[[Any, str], Errors]:
    def check(value: Any, path: str) -> Errors:
        return (
            [_err(path, f"{_show(value)} is below minimum {low}")]
            if _is_number(value) and value < low
            else []
        )

    return check


# Databricks library specs ADF passes to the Jobs API; the model only says [{object}].
_LIBRARY_FILES = ("jar", "egg", "whl")
_LIBRARY_PACKAGES: Mapping[str, tuple[tuple[str, ...], Mapping[str, str]]] = {
    # kind: (required keys, key -> "str" | "[str]")
    "pypi": (("package",), {"package": "str", "repo": "str"}),
    "maven": (("coordinates",), {"coordinates": "str", "repo": "str", "exclusions": "[str]"}),
    "cran": (("package",), {"package": "str", "repo": "str"}),
}
_LIBRARY_KINDS = (*_LIBRARY_FILES, *_LIBRARY_PACKAGES)


def check_library(library: Any, path: str) -> Errors:
    """One entry of a Databricks activity's `libraries`."""
    if _is_opaque(library) or _is_expression(library):
        return []
    if not isinstance(library, dict):
        return [
            _err(path, f"expected a library object such as {{'pypi': {{'package': ...}}}}, {_got(library)}")
        ]
    kinds = list(library)
    if len(kinds) != 1:
        return [_err(path, f"a library has exactly one of {', '.join(_LIBRARY_KINDS)}, got keys {kinds}")]
    kind, spec = kinds[0], library[kinds[0]]
    where = _join(path, kind)
    if kind not in _LIBRARY_KINDS:
        return [_err(where, f"unknown library kind {kind!r}{_suggest(kind, _LIBRARY_KINDS)}")]
    if _is_opaque(spec) or _is_expression(spec):
        return []
    if kind in _LIBRARY_FILES:
        return [] if isinstance(spec, str) else [_err(where, f"expected a path string, {_got(spec)}")]
    required, keys = _LIBRARY_PACKAGES[kind]
    if not isinstance(spec, dict):
        return [_err(where, f"expected an object with {', '.join(keys)}, {_got(spec)}")]
    errors = [
        _err(_join(where, k), f"unknown {kind} library key {k!r}{_suggest(k, keys)}")
        for k in spec
        if k not in keys
    ]
    errors += [_err(where, f"missing required {kind} key {k!r}") for k in required if spec.get(k) is None]
    errors += [
        e
        for k, v in spec.items()
        if k in keys and v is not None
        for e in check_value(keys[k], v, _join(where, k))
    ]
    return errors


def _libraries_rule(value: Any, path: str) -> Errors:
    if not isinstance(value, list):
        return []
    return [e for i, library in enumerate(value) for e in check_library(library, f"{path}[{i}]")]


_FIELD_RULES: Mapping[tuple[str, str], Callable[[Any, str], Errors]] = {
    ("ActivityPolicy", "timeout"): _timeout_rule,
    ("DatabricksNotebookActivity", "notebook_path"): _notebook_path_rule,
    ("DatabricksNotebookActivity", "libraries"): _libraries_rule,
    ("DatabricksSparkJarActivity", "libraries"): _libraries_rule,
    ("DatabricksSparkPythonActivity", "libraries"): _libraries_rule,
    ("DatabricksJobActivity", "job_id"): _job_id_rule,
    ("DatabricksJobActivity", "job_parameters"): _job_parameters_rule,
    # ADF's schedule-trigger documentation; RecurrenceSchedule declares no `_validation`.
    ("RecurrenceSchedule", "hours"): _range_rule(0, 23),
    ("RecurrenceSchedule", "minutes"): _range_rule(0, 59),
    ("RecurrenceSchedule", "month_days"): _range_rule(-31, 31, nonzero=True),
    ("RecurrenceScheduleOccurrence", "occurrence"): _range_rule(-5, 5, nonzero=True),
    ("ScheduleTriggerRecurrence", "interval"): _at_least(1),
}


@dataclass(frozen=True)
class Recurrence:
    """The parts of a schedule recurrence checked together, with where each came from."""

    frequency: Any = None
    start: Any = None
    end: Any = None
    time_zone: Any = None
    week_days: Any = None
    month_days: Any = None
    monthly: Any = None
    paths: Mapping[str, str] = dataclasses.field(default_factory=dict)


def check_recurrence(rec: Recurrence) -> Errors:
    """Cross-property rules: end after start, week/month days only with that frequency."""
    errors: Errors = []
    start = _parse_time(rec.start) if isinstance(rec.start, str) and not _is_opaque(rec.start) else None
    end = _parse_time(rec.end) if isinstance(rec.end, str) and not _is_opaque(rec.end) else None
    # A naive and an offset-aware time cannot be ordered without the time zone database.
    if start and end and (start.tzinfo is None) == (end.tzinfo is None) and end <= start:
        errors.append(_err(rec.paths["end"], f"end time {rec.end!r} is not after start time {rec.start!r}"))
    errors += _times_of_the_zone(rec, {"start": start, "end": end})
    frequency = rec.frequency
    # An unknown frequency is reported by its enum check; pairing it with days would be noise.
    if frequency in _model_field("ScheduleTriggerRecurrence", "frequency").enum:
        if rec.week_days and frequency != "Week":
            errors.append(_err(rec.paths["week_days"], f"week days need frequency 'Week', not {frequency!r}"))
        for name in ("month_days", "monthly"):
            if getattr(rec, name) and frequency != "Month":
                errors.append(_err(rec.paths[name], f"month days need frequency 'Month', not {frequency!r}"))
    return errors


def _times_of_the_zone(rec: Recurrence, parsed: Mapping[str, dt.datetime | None]) -> Errors:
    """ "When timeZone is set to 'UTC', timestamps are expected in format 'yyyy-MM-ddTHH:mm:ssZ'";
    for any other zone "'yyyy-MM-ddTHH:mm:ss'" without the Z, which would make Data Factory read
    the time as UTC and ignore the zone (Microsoft's announcement of time zone support for
    schedule triggers, Azure Data Factory blog, October 2020)."""
    zone = rec.time_zone
    if not isinstance(zone, str) or _is_opaque(zone):
        return []
    errors: Errors = []
    for key, value in parsed.items():
        if value is None:
            continue
        if zone == "UTC" and value.tzinfo is None:
            errors.append(
                _err(rec.paths[key], f"time zone UTC takes times ending in Z, got {getattr(rec, key)!r}")
            )
        elif zone != "UTC" and value.tzinfo is not None:
            errors.append(
                _err(
                    rec.paths[key],
                    f"time zone {zone!r} takes zoneless local times, got {getattr(rec, key)!r}",
                )
            )
    return errors


def _schedule_trigger_recurrence_hook(value: Mapping[str, Any], path: str) -> Errors:
    schedule = _as_object(value.get("schedule"))
    spath = _join(path, "schedule")
    return check_recurrence(
        Recurrence(
            frequency=value.get("frequency"),
            start=value.get("startTime"),
            end=value.get("endTime"),
            time_zone=value.get("timeZone"),
            week_days=schedule.get("weekDays"),
            month_days=schedule.get("monthDays"),
            monthly=schedule.get("monthlyOccurrences"),
            paths={
                "start": _join(path, "startTime"),
                "end": _join(path, "endTime"),
                "week_days": _join(spath, "weekDays"),
                "month_days": _join(spath, "monthDays"),
                "monthly": _join(spath, "monthlyOccurrences"),
            },
        )
    )


def _blob_events_trigger_hook(value: Mapping[str, Any], path: str) -> Errors:
    """ "You have to provide a value for at least one of these properties: blobPathBeginsWith or
    blobPathEndsWith"; a path naming a container has the "/blobs/" segment after it (Learn,
    data-factory/how-to-create-event-trigger.md, "JSON schema" and its examples)."""
    begins, ends = value.get("blobPathBeginsWith"), value.get("blobPathEndsWith")
    errors: Errors = []
    if begins is None and ends is None:
        errors.append(_err(path, "a BlobEventsTrigger needs blobPathBeginsWith, blobPathEndsWith or both"))
    for key, text in (("blobPathBeginsWith", begins), ("blobPathEndsWith", ends)):
        if not isinstance(text, str) or _is_opaque(text):
            continue
        parts = text.split("/")
        if key == "blobPathBeginsWith" and not text.startswith("/"):
            errors.append(
                _err(_join(path, key), f"expected a path from its container, /<container>/..., got {text!r}")
            )
        elif text.startswith("/") and len(parts) > 2 and parts[2] not in ("", "blobs"):
            errors.append(
                _err(_join(path, key), f"expected /<container>/blobs/... after the container, got {text!r}")
            )
    return errors


_MODEL_HOOKS: Mapping[str, Callable[[Mapping[str, Any], str], Errors]] = {
    "ScheduleTriggerRecurrence": _schedule_trigger_recurrence_hook,
    "BlobEventsTrigger": _blob_events_trigger_hook,
}


# --- resources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceShape:
    """How an azure-native Data Factory resource lays its inputs over an ADF model.

    `path` keys go to the ARM URL (always strings); the model body is either the input
    `body` key or, when `body` is None, every other input key.
    """

    body_type: str
    body: str | None
    path: tuple[str, ...]
    required_path: tuple[str, ...] = ("resourceGroupName", "factoryName")
    body_required: bool = True


_IN_FACTORY = ("resourceGroupName", "factoryName")

RESOURCES: Mapping[str, ResourceShape] = {
    "Factory": ResourceShape("Factory", None, _IN_FACTORY, required_path=("resourceGroupName",)),
    "Pipeline": ResourceShape("PipelineResource", None, (*_IN_FACTORY, "pipelineName")),
    "ChangeDataCapture": ResourceShape(
        "ChangeDataCaptureResource", None, (*_IN_FACTORY, "changeDataCaptureName")
    ),
    "LinkedService": ResourceShape("LinkedService", "properties", (*_IN_FACTORY, "linkedServiceName")),
    "Dataset": ResourceShape("Dataset", "properties", (*_IN_FACTORY, "datasetName")),
    "DataFlow": ResourceShape("DataFlow", "properties", (*_IN_FACTORY, "dataFlowName")),
    "Trigger": ResourceShape("Trigger", "properties", (*_IN_FACTORY, "triggerName")),
    "IntegrationRuntime": ResourceShape(
        "IntegrationRuntime", "properties", (*_IN_FACTORY, "integrationRuntimeName")
    ),
    "CredentialOperation": ResourceShape("Credential", "properties", (*_IN_FACTORY, "credentialName")),
    "GlobalParameter": ResourceShape(
        "{GlobalParameterSpecification}", "properties", (*_IN_FACTORY, "globalParameterName")
    ),
    "ManagedPrivateEndpoint": ResourceShape(
        "ManagedPrivateEndpoint",
        "properties",
        (*_IN_FACTORY, "managedVirtualNetworkName", "managedPrivateEndpointName"),
        required_path=(*_IN_FACTORY, "managedVirtualNetworkName"),
    ),
    "PrivateEndpointConnection": ResourceShape(
        "PrivateLinkConnectionApprovalRequest",
        "properties",
        (*_IN_FACTORY, "privateEndpointConnectionName"),
        body_required=False,
    ),
}


GENERIC_RESOURCE = "azure-native:resources:Resource"
"""azure-native's generic ARM resource, which declares Data Factory types azure-native has no
resource for (a managed virtual network: its REST API has no DELETE)."""

GENERIC_MODELS: Mapping[str, str] = {"managedVirtualNetworks": "ManagedVirtualNetwork"}
"""Data Factory resource types (`resourceType` of a generic resource) and their models."""

_GENERIC_PATH = (
    "resourceGroupName",
    "resourceProviderNamespace",
    "parentResourcePath",
    "resourceType",
    "resourceName",
)
_GENERIC_API_VERSIONS = frozenset({"2018-06-01"})
"""The Data Factory API versions the models describe (azure-mgmt-datafactory's)."""


def is_generic_datafactory(type_token: str, inputs: Mapping[str, Any]) -> bool:
    """A generic resource of a Data Factory type."""
    namespace = inputs.get("resourceProviderNamespace")
    return (
        type_token == GENERIC_RESOURCE
        and isinstance(namespace, str)
        and namespace.lower() == "microsoft.datafactory"
    )


def check_generic(inputs: Mapping[str, Any], *, label: str = GENERIC_RESOURCE) -> Errors:
    """Errors for a generic resource of a Data Factory type: its path under a factory, the API
    version, and `properties` against the type's model."""
    errors: Errors = []
    for key in _GENERIC_PATH:
        if not isinstance(inputs.get(key), str):
            errors.append(_err(key, f"expected str, {_got(inputs.get(key))}"))
    parent = inputs.get("parentResourcePath")
    if isinstance(parent, str) and not _is_opaque(parent) and not parent.lower().startswith("factories/"):
        errors.append(_err("parentResourcePath", f"expected factories/<factory name>, got {parent!r}"))
    version = inputs.get("apiVersion")
    if version not in _GENERIC_API_VERSIONS:
        errors.append(_err("apiVersion", f"expected one of {sorted(_GENERIC_API_VERSIONS)}, got {version!r}"))
    kind = inputs.get("resourceType")
    model_name = GENERIC_MODELS.get(kind) if isinstance(kind, str) else None
    if model_name is None:
        errors.append(
            _err(
                "resourceType",
                f"no Data Factory model known for {kind!r}{_suggest(str(kind), GENERIC_MODELS)}",
            )
        )
    else:
        errors += check_value(model_name, inputs.get("properties", {}), "properties")
    return [f"{label}: {e}" for e in errors]


def _native_resource_name(type_token: str) -> str | None:
    """'azure-native:datafactory:Pipeline' (or a versioned 'datafactory/v20180601') -> 'Pipeline'."""
    parts = type_token.split(":")
    if len(parts) != 3 or parts[0] != "azure-native":
        return None
    module = parts[1]
    if module != "datafactory" and not module.startswith("datafactory/"):
        return None
    return parts[2]


def is_datafactory(type_token: str) -> bool:
    return _native_resource_name(type_token) is not None or type_token in (
        TRIGGER_SCHEDULE,
        TRIGGER_TUMBLING_WINDOW,
    )


def check_resource(type_token: str, inputs: Mapping[str, Any], *, label: str | None = None) -> Errors:
    """Errors for one resource's Pulumi inputs, each prefixed with `label` (default: the type)."""
    label = label or type_token
    if type_token == TRIGGER_SCHEDULE:
        return check_trigger_schedule(inputs, label=label)
    if type_token == TRIGGER_TUMBLING_WINDOW:
        return check_trigger_tumbling_window(inputs, label=label)
    name = _native_resource_name(type_token)
    shape = RESOURCES.get(name or "")
    if shape is None:
        # Suggest on the last segment: the shared prefix would make every token look close.
        return [
            f"{label}: no Data Factory model known for type {type_token!r}{_suggest(name or '', RESOURCES)}"
        ]
    return [f"{label}: {e}" for e in _check_shape(shape, inputs)]


def _check_shape(shape: ResourceShape, inputs: Mapping[str, Any]) -> Errors:
    errors: Errors = []
    body: dict[str, Any] = {}
    allowed = [*shape.path, *([shape.body] if shape.body else _canonical_keys(model(shape.body_type)))]
    for key, value in inputs.items():
        if key in _PULUMI_INTERNAL_KEYS or value is None:
            continue
        if key in shape.path:
            if not isinstance(value, str):
                errors.append(_err(key, f"expected str, {_got(value)}"))
        elif shape.body is None:
            body[key] = value
        elif key != shape.body:
            errors.append(_err(key, f"unknown input {key!r}{_suggest(key, allowed)}"))
    errors += [
        _err("", f"missing required input {k!r}") for k in shape.required_path if inputs.get(k) is None
    ]
    if shape.body is None:
        return errors + check_model(model(shape.body_type), body, "")
    if inputs.get(shape.body) is None:
        return errors + ([_err("", f"missing required input {shape.body!r}")] if shape.body_required else [])
    return errors + check_value(shape.body_type, inputs[shape.body], shape.body)


# --- pulumi-azure's TriggerSchedule ----------------------------------------------------------

# pulumi-azure input -> the (model, attribute) of ScheduleTrigger it becomes on the wire.
_TRIGGER_FIELDS: Mapping[str, tuple[str, str]] = {
    "description": ("ScheduleTrigger", "description"),
    "annotations": ("ScheduleTrigger", "annotations"),
    "frequency": ("ScheduleTriggerRecurrence", "frequency"),
    "interval": ("ScheduleTriggerRecurrence", "interval"),
    "startTime": ("ScheduleTriggerRecurrence", "start_time"),
    "endTime": ("ScheduleTriggerRecurrence", "end_time"),
    "timeZone": ("ScheduleTriggerRecurrence", "time_zone"),
    "pipelineName": ("PipelineReference", "reference_name"),
    "pipelineParameters": ("TriggerPipelineReference", "parameters"),
}
# Provider-only inputs: the factory's ARM id, the trigger's name, and start/stop.
_TRIGGER_ENVELOPE: Mapping[str, str] = {"dataFactoryId": "str", "name": "str", "activated": "bool"}
_TRIGGER_PIPELINE_FIELDS: Mapping[str, tuple[str, str]] = {
    "name": ("PipelineReference", "reference_name"),
    "parameters": ("TriggerPipelineReference", "parameters"),
}
_TRIGGER_SCHEDULE_FIELDS: Mapping[str, tuple[str, str]] = {
    "hours": ("RecurrenceSchedule", "hours"),
    "minutes": ("RecurrenceSchedule", "minutes"),
    "daysOfWeeks": ("RecurrenceSchedule", "week_days"),
    "daysOfMonths": ("RecurrenceSchedule", "month_days"),
}
_TRIGGER_MONTHLY_FIELDS: Mapping[str, tuple[str, str]] = {
    "weekday": ("RecurrenceScheduleOccurrence", "day"),
    "week": ("RecurrenceScheduleOccurrence", "occurrence"),
}
_TRIGGER_REQUIRED = ("dataFactoryId",)
_TRIGGER_PIPELINE_REQUIRED = ("name",)
_TRIGGER_MONTHLY_REQUIRED = ("weekday", "week")


def _model_field(model_name: str, attr: str) -> Field:
    cls = model(model_name)
    return next(f for f in fields(cls).values() if f.attr == attr)


def _check_mapped(
    value: Any,
    path: str,
    mapping: Mapping[str, tuple[str, str]],
    required: Sequence[str],
    what: str,
    extra: Mapping[str, Callable[[Any, str], Errors]] | None = None,
) -> Errors:
    """A pulumi-azure object whose keys each stand for one ADF model attribute."""
    if _is_opaque(value):
        return []
    if not isinstance(value, dict):
        return [_err(path, f"expected an object ({what}), {_got(value)}")]
    extra = extra or {}
    known = [*mapping, *extra]
    errors: Errors = []
    for key, item in value.items():
        where = _join(path, key)
        if key in _PULUMI_INTERNAL_KEYS or item is None:
            continue
        if key in extra:
            errors.extend(extra[key](item, where))
        elif key in mapping:
            errors.extend(check_field(_model_field(*mapping[key]), item, where))
        else:
            errors.append(_err(where, f"unknown {what} input {key!r}{_suggest(key, known)}"))
    errors += [_err(path, f"missing required {what} input {k!r}") for k in required if value.get(k) is None]
    return errors


def _list_of(check: Callable[[Any, str], Errors]) -> Callable[[Any, str], Errors]:
    def each(value: Any, path: str) -> Errors:
        if _is_opaque(value):
            return []
        if not isinstance(value, list):
            return [_err(path, f"expected a list, {_got(value)}")]
        return [e for i, item in enumerate(value) for e in check(item, f"{path}[{i}]")]

    return each


def _check_trigger_pipeline(value: Any, path: str) -> Errors:
    return _check_mapped(value, path, _TRIGGER_PIPELINE_FIELDS, _TRIGGER_PIPELINE_REQUIRED, "pipeline")


def _check_trigger_monthly(value: Any, path: str) -> Errors:
    return _check_mapped(value, path, _TRIGGER_MONTHLY_FIELDS, _TRIGGER_MONTHLY_REQUIRED, "monthly")


def _check_trigger_schedule_block(value: Any, path: str) -> Errors:
    return _check_mapped(
        value, path, _TRIGGER_SCHEDULE_FIELDS, (), "schedule", {"monthlies": _list_of(_check_trigger_monthly)}
    )


def _check_scalar(type_name: str) -> Callable[[Any, str], Errors]:
    return lambda value, path: check_value(type_name, value, path)


def check_trigger_schedule(inputs: Mapping[str, Any], *, label: str = TRIGGER_SCHEDULE) -> Errors:
    """Errors for a pulumi-azure TriggerSchedule, judged by the ScheduleTrigger models' rules."""
    extra: dict[str, Callable[[Any, str], Errors]] = {
        k: _check_scalar(t) for k, t in _TRIGGER_ENVELOPE.items()
    }
    extra["pipelines"] = _list_of(_check_trigger_pipeline)
    extra["schedule"] = _check_trigger_schedule_block
    errors = _check_mapped(inputs, "", _TRIGGER_FIELDS, _TRIGGER_REQUIRED, "TriggerSchedule", extra)
    schedule = _as_object(inputs.get("schedule"))
    errors += check_recurrence(
        Recurrence(
            frequency=inputs.get("frequency"),
            start=inputs.get("startTime"),
            end=inputs.get("endTime"),
            time_zone=inputs.get("timeZone"),
            week_days=schedule.get("daysOfWeeks"),
            month_days=schedule.get("daysOfMonths"),
            monthly=schedule.get("monthlies"),
            paths={
                "start": "startTime",
                "end": "endTime",
                "week_days": "schedule.daysOfWeeks",
                "month_days": "schedule.daysOfMonths",
                "monthly": "schedule.monthlies",
            },
        )
    )
    return [f"{label}: {e}" for e in errors]


# --- pulumi-azure's TriggerTumblingWindow ----------------------------------------------------

# pulumi-azure input -> the (model, attribute) of TumblingWindowTrigger it becomes on the wire
# (terraform-provider-azurerm data_factory_trigger_tumbling_window_resource.go, CreateUpdate).
_WINDOW_FIELDS: Mapping[str, tuple[str, str]] = {
    "description": ("TumblingWindowTrigger", "description"),
    "annotations": ("TumblingWindowTrigger", "annotations"),
    "frequency": ("TumblingWindowTrigger", "frequency"),
    "interval": ("TumblingWindowTrigger", "interval"),
    "startTime": ("TumblingWindowTrigger", "start_time"),
    "endTime": ("TumblingWindowTrigger", "end_time"),
    "delay": ("TumblingWindowTrigger", "delay"),
    "maxConcurrency": ("TumblingWindowTrigger", "max_concurrency"),
}
_WINDOW_ENVELOPE: Mapping[str, str] = {
    "dataFactoryId": "str",
    "name": "str",
    "activated": "bool",
    "additionalProperties": "{str}",
}
# Required by the model; azurerm sends maxConcurrency 50 when it is not given.
_WINDOW_REQUIRED = ("dataFactoryId", "frequency", "interval", "pipeline", "startTime")
_WINDOW_RETRY_FIELDS: Mapping[str, tuple[str, str]] = {
    "count": ("RetryPolicy", "count"),
    "interval": ("RetryPolicy", "interval_in_seconds"),
}
_WINDOW_OTHER_DEPENDENCY: Mapping[str, tuple[str, str]] = {
    "triggerName": ("TriggerReference", "reference_name"),
    "offset": ("TumblingWindowTriggerDependencyReference", "offset"),
    "size": ("TumblingWindowTriggerDependencyReference", "size"),
}
# Without a trigger name azurerm sends a SelfDependencyTumblingWindowTriggerReference.
_WINDOW_SELF_DEPENDENCY: Mapping[str, tuple[str, str]] = {
    "offset": ("SelfDependencyTumblingWindowTriggerReference", "offset"),
    "size": ("SelfDependencyTumblingWindowTriggerReference", "size"),
}
_WINDOW_MIN_MINUTES = 15
# "The minimum interval allowed is 15 Minutes" (TumblingWindowTrigger.interval's docstring).


def _check_window_dependency(value: Any, path: str) -> Errors:
    if isinstance(value, dict) and value.get("triggerName") is None:
        return _check_mapped(value, path, _WINDOW_SELF_DEPENDENCY, ("offset",), "self-dependency")
    return _check_mapped(value, path, _WINDOW_OTHER_DEPENDENCY, ("triggerName",), "trigger dependency")


def check_trigger_tumbling_window(
    inputs: Mapping[str, Any], *, label: str = TRIGGER_TUMBLING_WINDOW
) -> Errors:
    """Errors for a pulumi-azure TriggerTumblingWindow, judged by the TumblingWindowTrigger models."""
    extra: dict[str, Callable[[Any, str], Errors]] = {
        k: _check_scalar(t) for k, t in _WINDOW_ENVELOPE.items()
    }
    extra["pipeline"] = _check_trigger_pipeline
    extra["retry"] = lambda value, path: _check_mapped(value, path, _WINDOW_RETRY_FIELDS, ("count",), "retry")
    extra["triggerDependencies"] = _list_of(_check_window_dependency)
    errors = _check_mapped(inputs, "", _WINDOW_FIELDS, _WINDOW_REQUIRED, "TriggerTumblingWindow", extra)
    frequency, interval = inputs.get("frequency"), inputs.get("interval")
    if frequency == "Minute" and isinstance(interval, int | float) and interval < _WINDOW_MIN_MINUTES:
        errors.append(_err("interval", f"{_show(interval)} minutes is below the minimum of 15"))
    errors += check_recurrence(
        Recurrence(
            start=inputs.get("startTime"),
            end=inputs.get("endTime"),
            # "Only UTC time is currently supported" (TumblingWindowTrigger.start_time).
            time_zone="UTC",
            paths={"start": "startTime", "end": "endTime"},
        )
    )
    return [f"{label}: {e}" for e in errors]


# --- plans -----------------------------------------------------------------------------------


def check_plan(plan: Mapping[str, Any]) -> Errors:
    """Errors for every Data Factory resource a plan creates or updates, each naming its URN."""
    errors: Errors = []
    for index, step in enumerate(plan.get("steps") or []):
        state = step.get("newState")
        if step.get("op") in _SKIPPED_OPS or not isinstance(state, dict):
            continue
        type_token = state.get("type", "")
        inputs = state.get("inputs") or {}
        label = state.get("urn") or step.get("urn") or f"steps[{index}]"
        if is_generic_datafactory(type_token, inputs):
            errors.extend(check_generic(inputs, label=label))
        elif is_datafactory(type_token):
            errors.extend(check_resource(type_token, inputs, label=label))
    return errors


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m tools.contract PLAN.json", file=sys.stderr)
        return 2
    errors = check_plan(json.loads(Path(args[0]).read_text()))
    for error in errors:
        print(error)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
