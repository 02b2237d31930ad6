"""Data Factory's expression language: a parser, the documented functions, and a resolver that
checks an expression against where it runs, before a run fails on it at night.

What a value means (Learn, "Expressions and functions in Azure Data Factory and Azure Synapse
Analytics", "Expressions": MicrosoftDocs/azure-docs
articles/data-factory/control-flow-expression-language-functions.md):

- a value that starts with `@` is an expression, and the value is its result (of any type):
  `@pipeline().parameters.folder`;
- `@@` stands for a literal `@`: `"@@"` is the one-character string `@`, and
  `"Answer is: @@{x}"` is the text `Answer is: @{x}`;
- anywhere else in a string, `@{ ... }` is string interpolation: `"Day @{utcNow('d')}"`;
- any other text is literal (`" @"` is the two characters ` @`).

The grammar this module reads (every example of the page parses except three: an object literal,
`string( { "name": "Sophie Owen" } )`, and `parameters()` and `body()` in `xpath()`'s examples,
copied from Logic Apps' reference; and a `json(xml('... id='1' ...'))` whose inner quotes end its
string early):

    value       := "@" expression | (text | "@@" | "@{" expression "}")*
    expression  := primary postfix*
    primary     := string | number | "true" | "false" | "null" | name "(" arguments? ")"
    arguments   := expression ("," expression)*
    postfix     := ("." | "?.") property | ("[" | "?[") expression "]"
    string      := "'" ("''" | any character but ')* "'"      ('' is one quote: "Escaping
                                                               single quote character")
    number      := "-"? (digits ("." digits?)? | "." digits)   (`sub(10.3, .3)`, `addDays(x, -5)`)

Whitespace may separate tokens. Function names are matched without regard to case: the page's
own examples call `utcNow` as `utcnow()` ("Append Date to a filename"). Names the pipeline
declares (parameters, variables, activities) must be spelt as declared: a name that differs only
in case is refused with the declared spelling, which is right whether or not Data Factory would
have matched it.

Positions are 1-based character positions in the value (the `@` of `@concat(...)` is 1).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

# ---------------------------------------------------------------- syntax


@dataclass(frozen=True)
class Constant:
    """A literal: a string, an integer, a float, true, false or null."""

    value: str | int | float | bool | None
    position: int


@dataclass(frozen=True)
class Call:
    """A function call: `name(arguments)`."""

    name: str
    arguments: tuple[Node, ...]
    position: int
    """Of the function's name."""


@dataclass(frozen=True)
class Member:
    """A property of a value: `target.name`, or `target?.name` (null when target is null)."""

    target: Node
    name: str
    optional: bool
    position: int
    """Of the property's name."""


@dataclass(frozen=True)
class Index:
    """An item or property of a value by key: `target[index]`, or `target?[index]`."""

    target: Node
    index: Node
    optional: bool
    position: int
    """Of the `[`."""


Node = Constant | Call | Member | Index


@dataclass(frozen=True)
class Template:
    """A string value as Data Factory reads it."""

    parts: tuple[str | Node, ...]
    """Literal text (with `@@` read as `@`) and the expressions it interpolates; one expression
    alone when `whole`."""
    whole: bool = False
    """The value is one expression (it starts with `@`), not text."""

    @property
    def expressions(self) -> tuple[Node, ...]:
        return tuple(p for p in self.parts if not isinstance(p, str))


class ExpressionError(ValueError):
    """A value that is not a valid expression, at a position."""

    def __init__(self, position: int, message: str, redacted: str) -> None:
        super().__init__(f"at character {position}: {message}")
        self.position = position
        self.message = message
        self.redacted = redacted
        """The message without any of the value's text (for values that may be secret)."""


_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CALL = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*\(")
_PROPERTY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_LITERALS: Mapping[str, bool | None] = {"true": True, "false": False, "null": None}
_EXPRESSION_STARTS = "a function call, a string in single quotes, a number, true, false or null"
ESCAPE_HINT = "a value that starts with @ is an expression; write @@ for a literal @"


class _Parser:
    """Recursive descent over one expression of a value, from `start` (0-based)."""

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.i = start

    def error(self, message: str, redacted: str | None = None, at: int | None = None) -> ExpressionError:
        return ExpressionError((self.i if at is None else at) + 1, message, redacted or message)

    def got(self) -> str:
        return "the end of the value" if self.i >= len(self.text) else repr(self.text[self.i])

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def skip_space(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def expected(self, what: str, redacted: str | None = None) -> ExpressionError:
        got = self.got()
        # The end of the value is not the value's text; a character of it is.
        shown = got if self.i >= len(self.text) else "a character of the value"
        return self.error(f"expected {what}, got {got}", f"expected {redacted or what}, got {shown}")

    def expression(self) -> Node:
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            self.skip_space()
            start = self.i
            optional = self.peek() == "?"
            if optional:
                self.i += 1
            if self.peek() == ".":
                self.i += 1
                match = _PROPERTY.match(self.text, self.i)
                if match is None:
                    raise self.expected("a property name after '.'")
                node = Member(node, match.group(), optional, self.i + 1)
                self.i = match.end()
            elif self.peek() == "[":
                self.i += 1
                index = self.expression()
                self.skip_space()
                if self.peek() != "]":
                    raise self.expected(f"']' to close the '[' at character {start + optional + 1}")
                self.i += 1
                node = Index(node, index, optional, start + optional + 1)
            elif optional:
                raise self.expected("'.' or '[' after '?'")
            else:
                return node

    def primary(self) -> Node:
        self.skip_space()
        start = self.i
        c = self.peek()
        if c == "'":
            return self.string()
        number = _NUMBER.match(self.text, self.i)
        if number:
            self.i = number.end()
            token = number.group()
            value: int | float = float(token) if "." in token else int(token)
            return Constant(value, start + 1)
        name = _NAME.match(self.text, self.i)
        if name is None:
            raise self.expected(f"an expression ({_EXPRESSION_STARTS})")
        self.i = name.end()
        if name.group() in _LITERALS:
            return Constant(_LITERALS[name.group()], start + 1)
        self.skip_space()
        if self.peek() != "(":
            raise self.expected(f"'(' after the function name {name.group()!r}", "'(' after a function name")
        self.i += 1
        return Call(name.group(), self.arguments(self.i), start + 1)

    def string(self) -> Constant:
        start = self.i
        self.i += 1
        chars: list[str] = []
        while True:
            end = self.text.find("'", self.i)
            if end < 0:
                self.i = len(self.text)
                raise self.error(
                    f"the string that starts at character {start + 1} has no closing '"
                    " (a quote inside a string is written '')",
                    at=start,
                )
            chars.append(self.text[self.i : end])
            if self.text.startswith("''", end):
                chars.append("'")
                self.i = end + 2
            else:
                self.i = end + 1
                return Constant("".join(chars), start + 1)

    def arguments(self, opened: int) -> tuple[Node, ...]:
        """The arguments after the `(` at `opened` (1-based), through the closing `)`."""
        self.skip_space()
        if self.peek() == ")":
            self.i += 1
            return ()
        found: list[Node] = []
        while True:
            found.append(self.expression())
            self.skip_space()
            if self.peek() == ",":
                self.i += 1
            elif self.peek() == ")":
                self.i += 1
                return tuple(found)
            else:
                raise self.expected(f"',' or ')' to close the '(' at character {opened}")


def parse(text: str) -> Template:
    """A string value as Data Factory reads it, or `ExpressionError` at the first mistake."""
    if text.startswith("@") and not text.startswith(("@@", "@{")):
        parser = _Parser(text, 1)
        try:
            node = parser.expression()
        except ExpressionError as err:
            if _CALL.match(text, 1):
                raise
            # Not even the start of a function call: likely text meant literally ("@home").
            raise ExpressionError(
                err.position, f"{err.message} ({ESCAPE_HINT})", f"{err.redacted} ({ESCAPE_HINT})"
            ) from None
        parser.skip_space()
        if parser.i < len(text):
            raise parser.expected(
                "the end of the expression (to mix text and expressions, write text @{expression} text)"
            )
        return Template((node,), whole=True)
    parts: list[str | Node] = []
    text_run: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("@@", i):
            text_run.append("@")
            i += 2
        elif text.startswith("@{", i):
            if text_run:
                parts.append("".join(text_run))
                text_run = []
            parser = _Parser(text, i + 2)
            parts.append(parser.expression())
            parser.skip_space()
            if parser.peek() != "}":
                raise parser.expected(f"'}}' to close the '@{{' at character {i + 1}")
            i = parser.i + 1
        else:
            text_run.append(text[i])
            i += 1
    if text_run:
        parts.append("".join(text_run))
    return Template(tuple(parts))


# ---------------------------------------------------------------- the functions


class Scope(str, Enum):
    """Where an expression is evaluated, which decides the system functions it may call."""

    PIPELINE = "pipeline"
    """An activity's properties, in a pipeline run."""
    TRIGGER = "trigger"
    """A trigger's arguments to its pipeline, when the trigger fires."""
    DATASET = "dataset"
    """A dataset's own definition."""
    LINKED_SERVICE = "linkedService"
    """A linked service's own definition."""


SCOPE_WORDS: Mapping[Scope, str] = {
    Scope.PIPELINE: "in a pipeline's activities",
    Scope.TRIGGER: "in a trigger's arguments to its pipeline",
    Scope.DATASET: "in a dataset's definition",
    Scope.LINKED_SERVICE: "in a linked service's definition",
}


class TriggerType(str, Enum):
    """The trigger types whose system variables the page on them documents."""

    SCHEDULE = "ScheduleTrigger"
    TUMBLING_WINDOW = "TumblingWindowTrigger"
    BLOB_EVENTS = "BlobEventsTrigger"
    CUSTOM_EVENTS = "CustomEventsTrigger"


@dataclass(frozen=True)
class Function:
    """A function of the expression language and how many arguments it takes."""

    name: str
    """As the reference spells it."""
    low: int
    """Fewest arguments."""
    high: int | None
    """Most arguments; None: no limit (`concat('<text1>', '<text2>', ...)`)."""
    returns: str | None = None
    """What it returns, in parameter type words (String, Int, Float, Number, Bool, Array,
    Object), when the reference names one type."""
    booleans: tuple[int, ...] = ()
    """Arguments (0-based) that must be true or false."""
    scope: Scope | None = None
    """Where it may be called; None: anywhere."""


_F = Function
# Names, arities and return types from the function reference (control-flow-expression-language-
# functions.md, "Function reference": each function's signature and its parameter table, whose
# "Required: No" parameters are the optional ones), by the page's sections; read in
# MicrosoftDocs/azure-docs at 0319d6aa1c8c4e196fa72e8710f7f894538fa02 (ms.date 07/16/2021).
_DOCUMENTED: tuple[Function, ...] = (
    # String functions
    _F("concat", 2, None, "String"),  # "At least two strings to combine"
    _F("endsWith", 2, 2, "Bool"),
    _F("guid", 0, 1, "String"),
    _F("indexOf", 2, 2, "Int"),
    _F("lastIndexOf", 2, 2, "Int"),
    _F("replace", 3, 3, "String"),
    _F("split", 2, 2, "Array"),
    _F("startsWith", 2, 2, "Bool"),
    _F("substring", 3, 3, "String"),  # <length> is "Required: Yes"
    _F("toLower", 1, 1, "String"),
    _F("toUpper", 1, 1, "String"),
    _F("trim", 1, 1, "String"),
    # Collection functions
    _F("contains", 2, 2, "Bool"),
    _F("empty", 1, 1, "Bool"),
    _F("first", 1, 1),
    _F("intersection", 2, None),
    _F("join", 2, 2, "String"),
    _F("last", 1, 1),
    _F("length", 1, 1, "Int"),
    _F("skip", 2, 2, "Array"),
    _F("take", 2, 2),
    _F("union", 2, None),
    # Logical functions
    _F("and", 2, 2, "Bool", booleans=(0, 1)),  # and(<expression1>, <expression2>)
    _F("equals", 2, 2, "Bool"),
    _F("greater", 2, 2, "Bool"),
    _F("greaterOrEquals", 2, 2, "Bool"),
    _F("if", 3, 3, booleans=(0,)),
    _F("less", 2, 2, "Bool"),
    _F("lessOrEquals", 2, 2, "Bool"),
    _F("not", 1, 1, "Bool", booleans=(0,)),
    _F("or", 2, 2, "Bool", booleans=(0, 1)),
    # Conversion functions
    _F("array", 1, 1, "Array"),
    _F("base64", 1, 1, "String"),
    _F("base64ToBinary", 1, 1, "String"),
    _F("base64ToString", 1, 1, "String"),
    _F("binary", 1, 1, "String"),
    _F("bool", 1, 1, "Bool"),
    _F("coalesce", 1, None),  # "One or more items"
    _F("createArray", 2, None, "Array"),  # "At least two items"; one item: array()
    _F("dataUri", 1, 1, "String"),
    _F("dataUriToBinary", 1, 1, "String"),
    _F("dataUriToString", 1, 1, "String"),
    _F("decodeBase64", 1, 1, "String"),
    _F("decodeDataUri", 1, 1, "String"),
    _F("decodeUriComponent", 1, 1, "String"),
    _F("encodeUriComponent", 1, 1, "String"),
    _F("float", 1, 1, "Float"),
    _F("int", 1, 1, "Int"),
    _F("json", 1, 1),
    _F("string", 1, 1, "String"),
    _F("uriComponent", 1, 1, "String"),
    _F("uriComponentToBinary", 1, 1, "String"),
    _F("uriComponentToString", 1, 1, "String"),
    _F("xml", 1, 1, "Object"),
    _F("xpath", 2, 2),
    # Math functions
    _F("add", 2, 2, "Number"),
    _F("div", 2, 2, "Int"),
    _F("max", 1, None, "Number"),  # max(<number1>, <number2>, ...) or max([<numbers>])
    _F("min", 1, None, "Number"),
    _F("mod", 2, 2, "Number"),
    _F("mul", 2, 2, "Number"),
    _F("rand", 2, 2, "Int"),
    _F("range", 2, 2, "Array"),
    _F("sub", 2, 2, "Number"),
    # Date functions
    _F("addDays", 2, 3, "String"),
    _F("addHours", 2, 3, "String"),
    _F("addMinutes", 2, 3, "String"),
    _F("addSeconds", 2, 3, "String"),
    _F("addToTime", 3, 4, "String"),
    _F("convertFromUtc", 2, 3, "String"),
    _F("convertTimeZone", 3, 4, "String"),
    _F("convertToUtc", 2, 3, "String"),
    _F("dayOfMonth", 1, 1, "Int"),
    _F("dayOfWeek", 1, 1, "Int"),
    _F("dayOfYear", 1, 1, "Int"),
    _F("formatDateTime", 1, 2, "String"),
    _F("getFutureTime", 2, 3, "String"),
    _F("getPastTime", 2, 3, "String"),
    _F("startOfDay", 1, 2, "String"),
    _F("startOfHour", 1, 2, "String"),
    _F("startOfMonth", 1, 2, "String"),
    _F("subtractFromTime", 3, 4, "String"),
    _F("ticks", 1, 1, "Int"),
    _F("utcNow", 0, 1, "String"),
    # System functions. pipeline(), activity('name'), item() and dataset() from the same page
    # ("Expressions", "Examples"); trigger() and triggerBody() from control-flow-system-
    # variables.md (trigger scopes) and how-to-create-event-trigger.md; variables('name') from
    # control-flow-set-variable-activity.md; linkedService() from parameterize-linked-services.md.
    _F("pipeline", 0, 0, "Object", scope=Scope.PIPELINE),
    _F("activity", 1, 1, "Object", scope=Scope.PIPELINE),
    _F("variables", 1, 1, scope=Scope.PIPELINE),
    _F("item", 0, 0, scope=Scope.PIPELINE),
    _F("trigger", 0, 0, "Object", scope=Scope.TRIGGER),
    _F("triggerBody", 0, 0, "Object", scope=Scope.TRIGGER),
    _F("dataset", 0, 0, "Object", scope=Scope.DATASET),
    _F("linkedService", 0, 0, "Object", scope=Scope.LINKED_SERVICE),
)

FUNCTIONS: Mapping[str, Function] = {f.name.lower(): f for f in _DOCUMENTED}
"""Every function an expression may call, by its name in lower case."""

PIPELINE_PROPERTIES = (
    "DataFactory",
    "Pipeline",
    "RunId",
    "TriggerType",
    "TriggerId",
    "TriggerName",
    "TriggerTime",
    "GroupId",
    "TriggeredByPipelineName",
    "TriggeredByPipelineRunId",
    "parameters",
    "globalParameters",
)
"""What `pipeline()` has: its system variables (Learn, control-flow-system-variables.md,
"Pipeline scope"), its parameters, and the factory's global parameters
(author-global-parameters.md: `pipeline().globalParameters.<name>`)."""

TRIGGER_PROPERTIES: Mapping[TriggerType, Mapping[str, tuple[str, ...]]] = {
    TriggerType.SCHEDULE: {"scheduledTime": (), "startTime": ()},
    TriggerType.TUMBLING_WINDOW: {"outputs": ("windowStartTime", "windowEndTime")},
    TriggerType.BLOB_EVENTS: {"startTime": ()},
    TriggerType.CUSTOM_EVENTS: {"startTime": ()},
}
"""What `trigger()` has in each trigger type's arguments, and what those properties have
(control-flow-system-variables.md, "Schedule trigger scope", "Tumbling window trigger scope",
"Storage event trigger scope", "Custom event trigger scope")."""

EVENT_TRIGGERS = (TriggerType.BLOB_EVENTS, TriggerType.CUSTOM_EVENTS)
"""The trigger types that set `triggerBody()` (the event's fileName, folderPath, event)."""


# ---------------------------------------------------------------- resolving names


@dataclass(frozen=True)
class Context:
    """Where an expression is evaluated, and what is declared there."""

    scope: Scope = Scope.PIPELINE
    parameters: Mapping[str, str] = field(default_factory=dict)
    """The pipeline's parameters and their types (String, Int, Bool, ...)."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """The pipeline's variables and their types."""
    activities: Sequence[str] = ()
    """Every activity of the pipeline."""
    preceding: frozenset[str] = frozenset()
    """The activities that have ended before this one starts, on every path: its dependencies,
    direct or through others."""
    current: str | None = None
    """The activity the expression belongs to."""
    in_foreach: bool = False
    """The activity runs inside a ForEach activity (item() is its current item)."""
    hidden: Mapping[str, str] = field(default_factory=dict)
    """Activities of the pipeline out of this one's scope (inside a container it is not in),
    with where they are."""
    enclosing: str | None = None
    """The container activity this one runs inside (it has not ended while this one runs)."""
    trigger: TriggerType | None = None
    """The trigger whose arguments these are (scope trigger)."""
    secret: bool = False
    """The value may be secret: messages quote none of its text."""


@dataclass(frozen=True)
class Issue:
    """A problem of an expression, at a position of its value."""

    position: int
    message: str
    redacted: str
    """The message without the value's text."""


@dataclass(frozen=True)
class _Step:
    """One property or index on the way from a call to the value read."""

    key: str | None
    """The property, or the index when it is a string literal; None otherwise."""
    position: int


def _chain(node: Node) -> tuple[Node, list[_Step], list[Node]]:
    """The value a chain of properties and indexes starts from, its steps in order, and the
    index expressions along the way."""
    steps: list[_Step] = []
    indexes: list[Node] = []
    while isinstance(node, Member | Index):
        if isinstance(node, Member):
            steps.append(_Step(node.name, node.position))
        else:
            indexes.append(node.index)
            key = node.index.value if isinstance(node.index, Constant) else None
            steps.append(_Step(key if isinstance(key, str) else None, node.index.position))
        node = node.target
    steps.reverse()
    indexes.reverse()
    return node, steps, indexes


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _arity(fn: Function) -> str:
    if fn.high is None:
        return f"at least {fn.low} argument{'s' * (fn.low != 1)}"
    if fn.low == fn.high:
        return f"{fn.low} argument{'s' * (fn.low != 1)}" if fn.low else "no arguments"
    return f"{fn.low} to {fn.high} arguments"


def close_matches(name: str, known: Iterable[str]) -> list[str]:
    """Known names like `name`: one spelt the same but for case first, then difflib's."""
    known = list(known)
    same = [k for k in known if k.lower() == name.lower()]
    return same or difflib.get_close_matches(name, known)


def _hint(name: str, known: Sequence[str], kind: str) -> str:
    """`(did you mean 'x'?)`, or what is declared."""
    if not known:
        return f" (no {kind} {'are' if kind.endswith('s') else 'is'} declared)"
    close = close_matches(name, known)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (declared: {', '.join(known)})"


class _Resolver:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.found: list[Issue] = []

    def add(self, position: int, message: str, redacted: str | None = None) -> None:
        self.found.append(Issue(position, message, redacted or message))

    def visit(self, node: Node) -> None:
        base, steps, indexes = _chain(node)
        for index in indexes:
            self.visit(index)
        if isinstance(base, Call):
            self.call(base, steps)

    def call(self, node: Call, steps: list[_Step]) -> None:
        for argument in node.arguments:
            self.visit(argument)
        fn = FUNCTIONS.get(node.name.lower())
        if fn is None:
            names = [f.name for f in _DOCUMENTED]
            close = close_matches(node.name, names) or [
                names[[n.lower() for n in names].index(c)]
                for c in difflib.get_close_matches(node.name.lower(), list(FUNCTIONS))
            ]
            hint = f"did you mean {close[0]}()?" if close else "not in Data Factory's function reference"
            self.add(node.position, f"unknown function {node.name}() ({hint})", "unknown function")
            return
        given = len(node.arguments)
        if given < fn.low or (fn.high is not None and given > fn.high):
            self.add(node.position, f"{fn.name}() takes {_arity(fn)}, got {given}")
            return
        if fn.scope is not None and fn.scope is not self.context.scope:
            self.add(node.position, self._out_of_scope(fn))
            return
        handler = getattr(self, f"_{fn.name.lower()}", None)
        if handler is not None:
            handler(node, steps)
        for i in fn.booleans:
            self._boolean(fn, i, node.arguments[i])

    def _out_of_scope(self, fn: Function) -> str:
        assert fn.scope is not None
        message = (
            f"{fn.name}() is available only {SCOPE_WORDS[fn.scope]}, not {SCOPE_WORDS[self.context.scope]}"
        )
        if fn.scope is Scope.TRIGGER and self.context.scope is Scope.PIPELINE:
            # Learn, how-to-use-trigger-parameterization: a pipeline reads trigger metadata
            # through a parameter the trigger sets.
            message += (
                ": set a pipeline parameter to it in the trigger's parameters, and read"
                " pipeline().parameters.<name> here"
            )
        elif self.context.scope is Scope.TRIGGER:
            message += ": the trigger evaluates its arguments before the pipeline run exists"
        return message

    # -- the system functions, by name

    def _activity(self, node: Call, steps: list[_Step]) -> None:
        argument = node.arguments[0]
        if not isinstance(argument, Constant) or not isinstance(argument.value, str):
            return  # a name computed at run time: nothing to look up
        name, context = argument.value, self.context
        if name == context.current:
            self.add(
                argument.position,
                f"activity({name!r}) is this activity itself: an activity cannot read its own output",
                "an activity cannot read its own output",
            )
        elif name == context.enclosing:
            self.add(
                argument.position,
                f"activity {name!r} is the container this activity runs in: it has not ended,"
                " so it has no output yet",
                "the activity named is the container this one runs in",
            )
        elif name in context.hidden:
            self.add(
                argument.position,
                f"activity {name!r} is {context.hidden[name]}: an activity reads only activities of"
                " its own container and, inside a container, those before the container",
                "the activity named is out of this one's scope",
            )
        elif name in context.activities:
            if name not in context.preceding:
                self.add(
                    argument.position,
                    f"activity {name!r} does not run before this one: add it to dependsOn,"
                    " directly or through an activity this one depends on",
                    "the activity named does not run before this one",
                )
        else:
            self.add(
                argument.position,
                f"no activity {name!r} in this pipeline{_hint(name, context.activities, 'activities')}",
                "no activity of that name in this pipeline",
            )

    def _variables(self, node: Call, steps: list[_Step]) -> None:
        argument = node.arguments[0]
        if not isinstance(argument, Constant) or not isinstance(argument.value, str):
            return
        declared = list(self.context.variables)
        if argument.value not in declared:
            self.add(
                argument.position,
                f"unknown variable {argument.value!r}{_hint(argument.value, declared, 'variables')}",
                "unknown variable",
            )

    def _item(self, node: Call, steps: list[_Step]) -> None:
        if not self.context.in_foreach:
            self.add(
                node.position,
                "item() is the current item of a ForEach activity: it is available only in the"
                " activities inside one",
            )

    def _pipeline(self, node: Call, steps: list[_Step]) -> None:
        first = steps[0].key if steps else None
        if first is None:
            return
        known = {p.lower(): p for p in PIPELINE_PROPERTIES}.get(first.lower())
        if known is None:
            self.add(
                steps[0].position,
                f"pipeline() has no property {first!r}{_hint(first, PIPELINE_PROPERTIES, 'properties')}",
                "pipeline() has no such property",
            )
            return
        name = steps[1].key if known == "parameters" and len(steps) > 1 else None
        declared = list(self.context.parameters)
        if name is not None and name not in declared:
            self.add(
                steps[1].position,
                f"unknown pipeline parameter {name!r}{_hint(name, declared, 'parameters')}",
                "unknown pipeline parameter",
            )

    def _trigger(self, node: Call, steps: list[_Step]) -> None:
        kind = self.context.trigger
        first = steps[0].key if steps else None
        if kind is None or first is None:
            return
        properties = TRIGGER_PROPERTIES[kind]
        if first == "outputs" and "outputs" not in properties:
            self.add(
                steps[0].position,
                "trigger().outputs (windowStartTime, windowEndTime) is set only by a tumbling"
                f" window trigger, not a {kind.value}, which sets"
                f" {' and '.join(f'trigger().{p}' for p in properties)}",
            )
            return
        if first not in properties:
            self.add(
                steps[0].position,
                f"a {kind.value} sets no trigger().{first}{_hint(first, list(properties), 'properties')}",
                f"a {kind.value} sets no such trigger() property",
            )
            return
        inner = properties[first]
        second = steps[1].key if inner and len(steps) > 1 else None
        if second is not None and second not in inner:
            self.add(
                steps[1].position,
                f"trigger().{first} has no {second!r}{_hint(second, inner, 'properties')}",
                f"trigger().{first} has no such property",
            )

    def _triggerbody(self, node: Call, steps: list[_Step]) -> None:
        kind = self.context.trigger
        if kind is not None and kind not in EVENT_TRIGGERS:
            self.add(
                node.position,
                f"triggerBody() is set only by storage and custom event triggers, not a {kind.value}",
            )

    # -- types, where they are known

    def type_of(self, node: Node) -> tuple[str, str] | None:
        """The type of a value, and how a message names the value, when known before the run."""
        if isinstance(node, Constant):
            if isinstance(node.value, bool):
                return "Bool", "a boolean"
            if isinstance(node.value, int):
                return "Int", "an integer"
            if isinstance(node.value, float):
                return "Float", "a number"
            if isinstance(node.value, str):
                return "String", "a string"
            return None
        base, steps, _ = _chain(node)
        if not isinstance(base, Call):
            return None
        fn = FUNCTIONS.get(base.name.lower())
        if fn is None:
            return None
        if fn.name == "pipeline" and len(steps) == 2 and (steps[0].key or "").lower() == "parameters":
            kind = self.context.parameters.get(steps[1].key or "")
            return (kind, f"pipeline parameter {steps[1].key!r} ({kind})") if kind else None
        if fn.name == "variables" and not steps and isinstance(base.arguments[0], Constant):
            kind = self.context.variables.get(str(base.arguments[0].value))
            return (kind, f"variable {base.arguments[0].value!r} ({kind})") if kind else None
        if steps or fn.returns is None or fn.returns == "Object":
            return None
        return fn.returns, f"{fn.name}(), which returns a {fn.returns}"

    def _boolean(self, fn: Function, i: int, argument: Node) -> None:
        known = self.type_of(argument)
        if known is None or known[0] == "Bool":
            return
        kind, what = known
        # Data Factory does not convert: "'if' expected bool as 1st argument, but got string"
        # (Azure/Azure-DataFactory#518, a string where if() takes a boolean).
        self.add(
            argument.position,
            f"{fn.name}() takes true or false as its {_ordinal(i + 1)} argument, got {what}:"
            f" Data Factory does not convert it (\"'{fn.name}' expected bool as {_ordinal(i + 1)}"
            f' argument, but got {kind.lower()}", Azure/Azure-DataFactory#518)',
            f"{fn.name}() takes true or false as its {_ordinal(i + 1)} argument, got a {kind}",
        )


def issues(text: str, context: Context) -> list[Issue]:
    """Every problem of a string value in `context`, in the order of their positions. A value
    that does not parse has one: its first syntax error."""
    try:
        template = parse(text)
    except ExpressionError as err:
        return [Issue(err.position, err.message, err.redacted)]
    resolver = _Resolver(context)
    for node in template.expressions:
        resolver.visit(node)
    return sorted(resolver.found, key=lambda issue: issue.position)


def result_type(text: str, context: Context) -> tuple[str, str] | None:
    """The type of a string value's result (String, Bool, Array, ...) and how a message names
    it, when known before the run: text, or text with `@{...}` in it, is a string; a whole
    expression has its type where the resolver knows it. None for a value that does not parse."""
    try:
        template = parse(text)
    except ExpressionError:
        return None
    if not template.whole:
        return "String", "a string"
    (node,) = template.parts
    assert not isinstance(node, str)
    return _Resolver(context).type_of(node)


def problem(value: Any, context: Context) -> str | None:
    """One message naming every problem of `value` (a string; anything else has none), with
    their positions, or None."""
    if not isinstance(value, str):
        return None
    found = issues(value, context)
    if not found:
        return None
    message = "; ".join(
        f"at character {i.position}: {i.redacted if context.secret else i.message}" for i in found
    )
    return f"{message} (the value is not shown: it may be secret)" if context.secret else message


def preceding(name: str, depends_on: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """The activities that end before `name` starts on every path: what it depends on, directly
    or through others (every dependency of an activity must be met before it runs). Names that
    are not activities, and cycles, are left to the rules that refuse them."""
    seen: set[str] = set()
    todo = list(depends_on.get(name, ()))
    while todo:
        other = todo.pop()
        if other not in seen and other != name:
            seen.add(other)
            todo.extend(depends_on.get(other, ()))
    return frozenset(seen)
