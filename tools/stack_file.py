"""Stack files read as the pinned Pulumi CLI reads them, so an offline plan sees what `pulumi up` sees.

The CLI (3.272.0, .github/workflows/deploy.yml) loads `Pulumi.<stack>.yaml` with
`gopkg.in/yaml.v3` v3.0.1 (pulumi/pulumi sdk/go.mod; sdk/go/common/encoding/marshal.go):
sdk/go/common/workspace/loaders.go `LoadProjectStackBytes` decodes the file into `any`,
namespaces the config keys, encodes it again (sdk/go/common/util/yamlutil/encode.go) and
decodes that into `config.Map`, whose values go through sdk/go/common/resource/config/object.go
(`unmarshalObject`, `MarshalString`): scalars other than strings reach the program as their
JSON text, objects and arrays as JSON, a timestamp as Go's `time.Time.String()`.

yaml.v3 is a port of libyaml (its README), so the syntax is parsed by libyaml here too
(PyYAML's C composer, already a dependency; the pure-Python composer where libyaml is
missing). What differs between YAML 1.1 and yaml.v3 is what a plain scalar means, and that
is decided below, from the composed nodes (plain or quoted, explicit tag or none), as
go-yaml/yaml v3.0.1 resolve.go `resolve` and decode.go `scalar`/`mapping`/`merge` decide it:
bools only true/True/TRUE/false/False/FALSE, null only ""/~/null/Null/NULL, integers by Go's
`strconv.ParseInt(s, 0, 64)` with `_` removed (so `0777` is octal and `0o`, `0x`, `0b` work),
floats, timestamps only when unquoted, no base-60 numbers, duplicate keys an error.
"""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pulumi
import yaml

_ComposeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_ComposeBase):  # type: ignore[misc, valid-type]
    """Composes nodes without resolving implicit tags: an untagged node keeps the tag ""."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return ""


class StackFileError(pulumi.RunError):
    """A stack file the CLI would refuse; the message starts with file:line:col."""


class TimeString(str):
    """A timestamp as the program sees it (`time.Time.String()`); `rfc3339` is what
    `json.Marshal` of the `time.Time` gives (project defaults take that path)."""

    rfc3339: str


# ---------------------------------------------------------------- resolve.go


_STR, _BOOL, _NULL, _INT, _FLOAT, _TIMESTAMP, _BINARY, _MERGE = (
    "!!str",
    "!!bool",
    "!!null",
    "!!int",
    "!!float",
    "!!timestamp",
    "!!binary",
    "!!merge",
)
_LONG_PREFIX = "tag:yaml.org,2002:"
_RESOLVABLE = {"", _STR, _BOOL, _INT, _FLOAT, _NULL, _TIMESTAMP}

# resolve.go resolveMapList; `yes`, `on`, `y` and the like are strings.
_RESOLVE_MAP: dict[str, tuple[str, Any]] = {
    **{s: (_BOOL, True) for s in ("true", "True", "TRUE")},
    **{s: (_BOOL, False) for s in ("false", "False", "FALSE")},
    **{s: (_NULL, None) for s in ("", "~", "null", "Null", "NULL")},
    **{s: (_FLOAT, float("nan")) for s in (".nan", ".NaN", ".NAN")},
    **{s: (_FLOAT, float("inf")) for s in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{s: (_FLOAT, float("-inf")) for s in ("-.inf", "-.Inf", "-.INF")},
    "<<": (_MERGE, "<<"),
}
# resolve.go resolveTable: the first character says what a plain scalar may be.
_HINT_SIGN_OR_DIGIT = frozenset("+-0123456789")
_HINT_IN_MAP = frozenset("yYnNtTfFoO~")

_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", re.ASCII)
# strconv.ParseFloat of a scalar starting with "." (resolve.go tries it unguarded): Go's
# decimal float syntax, underscores only between digits.
_DOT_FLOAT = re.compile(r"\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?", re.ASCII)
_DIGITS = {
    2: re.compile(r"[01]+"),
    8: re.compile(r"[0-7]+"),
    10: re.compile(r"[0-9]+", re.ASCII),
    16: re.compile(r"[0-9a-fA-F]+"),
}
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_LONG_PREFIX) :] if tag.startswith(_LONG_PREFIX) else tag


def _go_parse_int(s: str, signed: bool) -> int | None:
    """strconv.ParseInt(s, 0, 64) (signed) or ParseUint(s, 0, 64); None where Go errs."""
    body, negative = s, False
    if signed and body[:1] in ("+", "-"):
        negative, body = body[0] == "-", body[1:]
    base = 10
    prefix = body[:2].lower()
    if prefix in ("0x", "0o", "0b"):
        base, body = {"0x": 16, "0o": 8, "0b": 2}[prefix], body[2:]
    elif body[:1] == "0" and len(body) > 1:
        base, body = 8, body[1:]
    if not _DIGITS[base].fullmatch(body):
        return None
    value = -int(body, base) if negative else int(body, base)
    if signed:
        return value if _INT64_MIN <= value <= _INT64_MAX else None
    return value if value <= _UINT64_MAX else None


def _go_parse_float(s: str) -> float | None:
    """strconv.ParseFloat(s, 64) for the forms resolve.go hands it; None where Go errs
    (out of range is an error in Go, infinity in Python)."""
    value = float(s)
    return None if value in (float("inf"), float("-inf")) else value


def _resolve(tag: str, value: str) -> tuple[str, Any]:
    """resolve.go `resolve(tag, in)`: the tag and value of a scalar that is not quoted
    (or carries an explicit tag other than !!str)."""
    if tag not in _RESOLVABLE:
        return tag, value
    rtag, out = _resolve_untyped(tag, value)
    if tag in ("", rtag):
        return rtag, out
    if tag == _FLOAT and rtag == _INT:
        return _FLOAT, float(out)
    raise ValueError(f"cannot decode {rtag} `{value}` as a {tag}")


def _resolve_untyped(tag: str, value: str) -> tuple[str, Any]:
    first = value[:1]
    if tag != _STR and (value == "" or first in _HINT_SIGN_OR_DIGIT or first in _HINT_IN_MAP or first == "."):
        item = _RESOLVE_MAP.get(value)
        if item is not None:
            return item
        if first == ".":
            if _DOT_FLOAT.fullmatch(value):
                f = _go_parse_float(value)
                if f is not None:
                    return _FLOAT, f
        elif first in _HINT_SIGN_OR_DIGIT:
            # Timestamps only for an unquoted scalar or an explicit !!timestamp.
            if tag in ("", _TIMESTAMP):
                t = _parse_timestamp(value)
                if t is not None:
                    return _TIMESTAMP, t
            plain = value.replace("_", "")
            i = _go_parse_int(plain, signed=True)
            if i is None:
                i = _go_parse_int(plain, signed=False)
            if i is not None:
                return _INT, i
            if _YAML_STYLE_FLOAT.fullmatch(plain):
                f = _go_parse_float(plain)
                if f is not None:
                    return _FLOAT, f
            # resolve.go then retries "0b", "-0b", "0o", "-0o" by hand; ParseInt with base 0
            # has accepted those prefixes since Go 1.13, so nothing is left for them to match.
    return _STR, value


# ---------------------------------------------------------------- timestamps (time.Parse)


# resolve.go allowedTimestampFormats, as Go's time.Parse reads them: a 4-digit year, one- or
# two-digit month, day, hour, minute and second, any number of fraction digits after "." or ","
# (nanoseconds from the first nine), "Z" or ±hh:mm; a run of spaces where the layout has one.
_TS_ZONED = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})"
    r"(?:[.,]([0-9]+))?(?:(Z)|([-+])([0-9]{2}):([0-9]{2}))",
    re.ASCII,
)
_TS_SPACED = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) +([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,]([0-9]+))?",
    re.ASCII,
)
_TS_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _parse_timestamp(s: str) -> TimeString | None:
    """resolve.go `parseTimestamp`, and the value as `time.Time.String()` prints it
    ("2006-01-02 15:04:05.999999999 -0700 MST")."""
    if len(s) < 5 or s[4] != "-" or not s[:4].isdigit():
        return None
    m = _TS_ZONED.fullmatch(s) or _TS_SPACED.fullmatch(s) or _TS_DATE.fullmatch(s)
    if m is None:
        return None
    groups = m.groups() + (None,) * (11 - len(m.groups()))
    year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
    hour, minute, second = (int(g) if g else 0 for g in groups[3:6])
    fraction = (groups[6] or "")[:9].ljust(9, "0")
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 59:
        return None
    if not 1 <= day <= _DAYS_IN_MONTH[month - 1] + (month == 2 and leap):
        return None
    offset = 0
    if groups[8]:
        off_hours, off_minutes = int(groups[9]), int(groups[10])
        if off_hours > 24 or off_minutes > 60:
            return None
        offset = (off_hours * 60 + off_minutes) * (-1 if groups[8] == "-" else 1)
    nanos = fraction.rstrip("0")
    wall = f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
    sign = "-" if offset < 0 else "+"
    numeric = f"{sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
    # "Z", no zone, or a zero offset: UTC. Any other offset: time.Parse records a zone without
    # a name, which String() prints as the offset again. (Where the offset is that of the
    # deployer's local zone, Go takes that zone and its abbreviation instead; the pinned CLI
    # runs in CI runners on UTC, where only a zero offset is local.)
    name = "UTC" if offset == 0 else numeric
    text = TimeString(f"{wall}{'.' + nanos if nanos else ''} {numeric} {name}")
    colon_offset = "Z" if offset == 0 else f"{sign}{numeric[1:3]}:{numeric[3:]}"
    text.rfc3339 = (
        f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
        + (f".{nanos}" if nanos else "")
        + colon_offset
    )
    return text


# ---------------------------------------------------------------- Go's number formatting


def _digits(f: float) -> tuple[str, int]:
    """The shortest decimal digits of |f| (as strconv's -1 precision) and the position of
    the decimal point."""
    _, digits, exponent = Decimal(repr(abs(f))).normalize().as_tuple()
    text = "".join(map(str, digits))
    return text, len(text) + int(exponent)


def _format_e(sign: str, digits: str, point: int) -> str:
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    exp = point - 1
    return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _format_f(sign: str, digits: str, point: int) -> str:
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def go_format_g(f: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64), which is also fmt's %v of a float64."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    sign = "-" if str(f).startswith("-") else ""
    if f == 0:
        return sign + "0"
    digits, point = _digits(f)
    exp = point - 1
    # Shortest precision decides %e against %f with precision 6 (strconv/ftoa.go).
    return _format_e(sign, digits, point) if exp < -4 or exp >= 6 else _format_f(sign, digits, point)


def go_json_float(f: float) -> str:
    """encoding/json's float64 (floatEncoder): %f, or %e below 1e-6 and from 1e21 on."""
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError(f"json: unsupported value: {go_format_g(f)}")
    sign = "-" if str(f).startswith("-") else ""
    if f == 0:
        return sign + "0"
    digits, point = _digits(f)
    if abs(f) < 1e-6 or abs(f) >= 1e21:
        text = _format_e(sign, digits, point)
        # encoding/json turns e-07 into e-7
        return re.sub(r"e-0([0-9])$", r"e-\1", text)
    return _format_f(sign, digits, point)


_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML_UNSAFE = re.compile("[<>&\u2028\u2029]")


def go_json(value: Any) -> str:
    """json.Marshal: compact, keys sorted, UTF-8 kept, <, >, & and U+2028/U+2029 escaped."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{go_json(k)}:{go_json(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    if isinstance(value, float):
        return go_json_float(value)
    text = json.dumps(value, ensure_ascii=False)
    return _HTML_UNSAFE.sub(lambda m: _HTML_ESCAPES[m.group()], text) if isinstance(value, str) else text


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def go_json_fast(value: Any) -> str:
    """go_json, by the stdlib's C encoder where no float needs Go's formatting."""
    if _has_float(value):
        return go_json(value)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return _HTML_UNSAFE.sub(lambda m: _HTML_ESCAPES[m.group()], text)


# ---------------------------------------------------------------- decode.go into `any`


class _Decoder:
    """yaml.v3's decoding of a node into `any`, then the CLI's re-encode and second decode:
    keys become strings as object.go's `fmt.Sprintf("%v", k)` makes them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.active: set[int] = set()

    def fail(self, node: Any, message: str) -> StackFileError:
        mark = node.start_mark
        return StackFileError(f"{self.path}:{mark.line + 1}:{mark.column + 1}: {message}")

    def scalar(self, node: Any) -> Any:
        tag = _short_tag(node.tag) if node.tag not in ("", "!") else ""
        plain = node.style in (None, "")
        if tag == _STR or (tag == "" and not plain):
            return node.value
        if tag == "" and node.value == "<<":
            return "<<"  # parser.go gives a plain "<<" the !!merge tag, which decodes as the text
        if tag == _BINARY:
            try:
                return base64.b64decode(node.value.encode(), validate=False).decode("utf-8", "replace")
            except ValueError:
                raise self.fail(
                    node, "invalid YAML file: yaml: !!binary value contains invalid base64 data"
                ) from None
        try:
            rtag, value = _resolve(tag, node.value)
        except ValueError as err:
            raise self.fail(node, f"invalid YAML file: yaml: {err}") from None
        if rtag == _FLOAT:
            # The CLI encodes the float again (encode.go floatv: %g) and decodes that text:
            # an integral float below 1e6 comes back an int, -0 as 0.
            if value != value or value in (float("inf"), float("-inf")):
                raise self.fail(node, f"invalid YAML file: json: unsupported value: {go_format_g(value)}")
            _, value = _resolve("", go_format_g(value))
        return value

    def decode(self, node: Any) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            raise self.fail(node, "invalid YAML file: yaml: anchor value contains itself")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.decode(item) for item in node.value]
            return self.mapping(node, {}, None)
        finally:
            self.active.discard(id(node))

    def key(self, node: Any) -> tuple[Any, str]:
        """A mapping key: its Go value's identity (type and value) and its text (%v)."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, "invalid YAML file: yaml: invalid map key: a key must be a scalar")
        value = self.scalar(node)
        if value is None:
            return (None, None), "<nil>"
        if isinstance(value, bool):
            return (bool, value), "true" if value else "false"
        if isinstance(value, float):
            return (float, value), go_format_g(value)
        return (type(value), str(value)), str(value)

    def mapping(self, node: Any, out: dict[str, Any], merged: set[Any] | None) -> dict[str, Any]:
        pairs = node.value
        for i, (ki, _) in enumerate(pairs):  # decode.go mapping: d.uniqueKeys
            for kj, _ in pairs[i + 1 :]:
                if type(ki) is type(kj) and ki.value == kj.value and isinstance(ki, yaml.ScalarNode):
                    raise self.fail(
                        kj,
                        f"mapping key {json.dumps(kj.value, ensure_ascii=False)} already defined at line "
                        f"{ki.start_mark.line + 1}",
                    )
        texts: dict[str, Any] = {}
        merge_node = None
        for key_node, value_node in pairs:
            if (
                isinstance(key_node, yaml.ScalarNode)
                and key_node.value == "<<"
                and key_node.style in (None, "")
                and key_node.tag in ("", "!", _LONG_PREFIX + "merge")
            ):
                merge_node = value_node
                continue
            identity, text = self.key(key_node)
            if merged is not None:
                if identity in merged:
                    continue
                merged.add(identity)
            if texts.get(text, identity) != identity:
                raise self.fail(
                    key_node,
                    f"keys {texts[text][1]!r} and {identity[1]!r} both become {text!r}, and the Pulumi CLI "
                    "keeps either of them at random",
                )
            texts[text] = identity
            out[text] = self.decode(value_node)
        if merge_node is not None:
            self.merge(node, merge_node, out, merged)
        return out

    def merge(self, parent: Any, merge: Any, out: dict[str, Any], merged: set[Any] | None) -> None:
        """decode.go merge: keys set before win, then each merged map in turn."""
        if merged is None:
            merged = {
                self.key(k)[0]
                for k, _ in parent.value
                if not (isinstance(k, yaml.ScalarNode) and k.value == "<<")
            }
        sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
        if not isinstance(merge, (yaml.MappingNode, yaml.SequenceNode)) or not all(
            isinstance(s, yaml.MappingNode) for s in sources
        ):
            raise self.fail(
                merge, "invalid YAML file: yaml: map merge requires map or seq of maps as the value"
            )
        for source in sources:
            if id(source) in self.active:
                raise self.fail(source, "invalid YAML file: yaml: anchor value contains itself")
            self.active.add(id(source))
            try:
                self.mapping(source, out, merged)
            finally:
                self.active.discard(id(source))


def _check_directives(path: Path, data: bytes) -> None:
    """parserc.go accepts only `%YAML 1.1` (libyaml also takes 1.2)."""
    for number, line in enumerate(data.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        if not stripped.startswith(b"%"):
            return
        parts = stripped.split()
        if parts[0] == b"%YAML" and (len(parts) < 2 or parts[1] != b"1.1"):
            raise StackFileError(
                f"{path}:{number}:1: invalid YAML file: yaml: found incompatible YAML document"
            )


def load(path: Path) -> tuple[dict[str, Any], Any] | None:
    """A YAML file's top-level mapping as yaml.v3 decodes it (keys as text, values as Python
    values: str, bool, int, float, None, TimeString, list, dict), and its node; None for an
    empty file. Broken YAML is a RunError naming the file, line and column."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise StackFileError(f"{path}: cannot read: {err.strerror}") from None
    _check_directives(path, data)
    try:
        # yaml.v3 Unmarshal reads the first document only.
        node = next(iter(yaml.compose_all(data, Loader=_Loader)), None)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise StackFileError(f"{where}: invalid YAML: {err.problem or err.context}") from None
    except yaml.YAMLError as err:
        raise StackFileError(f"{path}: invalid YAML: {err}") from None
    if node is None or (
        isinstance(node, yaml.ScalarNode)
        and _resolve_untyped("", node.value)[0] == _NULL
        and node.style in (None, "")
    ):
        return None
    if not isinstance(node, yaml.MappingNode):
        raise StackFileError(f"{path}:1:1: expected a YAML mapping (config: ...), got a {_kind(node)}")
    decoder = _Decoder(path)
    try:
        return decoder.mapping(node, {}, None), node
    except RecursionError:
        raise StackFileError(f"{path}: nested too deeply to read") from None


def _kind(node: Any) -> str:
    return "list" if isinstance(node, yaml.SequenceNode) else "scalar"


def config_node(path: Path, root: Any, name: str) -> Any:
    """The value node of `name` in the top-level mapping, for error positions."""
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return value
    return root


def is_secure(value: Any) -> bool:
    """object.go isSecureValue: a map of exactly one key "secure" whose value is a string."""
    return (
        isinstance(value, dict)
        and len(value) == 1
        and isinstance(value.get("secure"), str)
        and not isinstance(value["secure"], TimeString)
    )


def cli_string(value: Any) -> str:
    """object.go MarshalString after unmarshalObject: a string as it is, a timestamp as
    time.Time.String(), other scalars and objects as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return go_json_fast(value)


def project_default_string(value: Any) -> str:
    """pkg/workspace/config.go createConfigValue for a project default: string, int and bool
    with %v, anything else as json.Marshal of it (a timestamp as RFC 3339)."""
    if isinstance(value, TimeString):
        return json.dumps(value.rfc3339)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return go_json(_times_as_rfc3339(value))


def _times_as_rfc3339(value: Any) -> Any:
    if isinstance(value, TimeString):
        return value.rfc3339
    if isinstance(value, dict):
        return {k: _times_as_rfc3339(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_times_as_rfc3339(v) for v in value]
    return value


def read_config(path: Path, project: str) -> dict[str, Any]:
    """The stack file's `config`, by full key (loaders.go stackConfigNamespacedWithProject,
    then map.go UnmarshalYAML and key.go ParseKey), values decoded as yaml.v3 does."""
    loaded = load(path)
    if loaded is None:
        return {}
    content, root = loaded
    if not _string_keys(root):
        # workspace/project.go SimplifyMarshalledValue
        raise StackFileError(f"{path}:1:1: expected only string keys at the top level")
    config = content.get("config")
    if config is None:
        return {}
    node = config_node(path, root, "config")
    if not isinstance(config, dict):
        mark = node.start_mark
        raise StackFileError(
            f"{path}:{mark.line + 1}:{mark.column + 1}: config must be a mapping of keys to values"
        )
    # A key that is not a string (`1:`, `true:`) leaves the whole map unnamespaced.
    string_keys = _string_keys(node)
    result: dict[str, Any] = {}
    for key, value in config.items():
        full = key if ":" in key or not string_keys else f"{project}:{key}"
        parts = full.split(":")
        if len(parts) == 3 and parts[1] == "config":
            full = f"{parts[0]}:{parts[2]}"
        elif len(parts) != 2:
            mark = node.start_mark
            raise StackFileError(
                f"{path}:{mark.line + 1}:{mark.column + 1}: could not parse {full} as a configuration key "
                "(configuration keys should be of the form `<namespace>:<name>`)"
            )
        result[full] = value
    return result


def _string_keys(node: Any) -> bool:
    """decode.go isStringMap: every key a string (quoted, !!str, or plain text that resolves
    to a string) or a merge."""
    return all(
        isinstance(k, yaml.ScalarNode)
        and (
            _short_tag(k.tag) == _STR
            or (
                k.tag in ("", "!")
                and (k.style not in (None, "") or _resolve_untyped("", k.value)[0] in (_STR, _MERGE))
            )
        )
        for k, _ in node.value
    )
