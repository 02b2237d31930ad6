"""The expression checker: Data Factory's grammar, its documented functions, and names resolved
against where an expression runs (components/expressions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components import expressions
from components.expressions import (
    FUNCTIONS,
    Call,
    Constant,
    Context,
    ExpressionError,
    Index,
    Member,
    Node,
    Scope,
    TriggerType,
    issues,
    parse,
    problem,
)

DOCS_PIPELINE = Context(
    parameters={
        "password": "SecureString",
        "firstName": "String",
        "lastName": "String",
        "myString": "String",
        "myNumber": "Int",
        "subfield3": "String",
        "inputPath": "String",
        "outputPath": "String",
    },
    variables={"companyName": "String"},
    activities=("Web1", "activityName", "Current"),
    preceding=frozenset({"Web1", "activityName"}),
    current="Current",
    in_foreach=True,
)
"""What the page's pipeline examples declare around them."""

CONTEXTS: dict[str, Context] = {
    "pipeline": DOCS_PIPELINE,
    "schedule": Context(scope=Scope.TRIGGER, trigger=TriggerType.SCHEDULE),
    "tumbling": Context(scope=Scope.TRIGGER, trigger=TriggerType.TUMBLING_WINDOW),
    "blob event": Context(scope=Scope.TRIGGER, trigger=TriggerType.BLOB_EVENTS),
    "dataset": Context(scope=Scope.DATASET),
    "linked service": Context(scope=Scope.LINKED_SERVICE),
}

# Real expressions, as Microsoft's documentation writes them. F: Learn, "Expressions and functions
# in Azure Data Factory and Azure Synapse Analytics" (MicrosoftDocs/azure-docs articles/data-factory/
# control-flow-expression-language-functions.md; function examples prefixed with @ as a value
# writes them). S: control-flow-system-variables.md. E: how-to-create-event-trigger.md.
# L: parameterize-linked-services.md.
DOCUMENTED: list[tuple[str, str]] = [
    # F, "Expressions"
    ("@pipeline().parameters.password", "pipeline"),
    ("parameters", "pipeline"),
    ("parameters[1]", "pipeline"),
    ("@@", "pipeline"),
    (" @", "pipeline"),
    (
        "First Name: @{pipeline().parameters.firstName} Last Name: @{pipeline().parameters.lastName}",
        "pipeline",
    ),
    ("@pipeline().parameters.myString", "pipeline"),
    ("@{pipeline().parameters.myString}", "pipeline"),
    ("@{pipeline().parameters.myNumber}", "pipeline"),
    ("Answer is: @{pipeline().parameters.myNumber}", "pipeline"),
    ("@concat('Answer is: ', string(pipeline().parameters.myNumber))", "pipeline"),
    ("Answer is: @@{pipeline().parameters.myNumber}", "pipeline"),
    ("@item()", "pipeline"),
    ("@range(0,10)", "pipeline"),
    ("@activity('Web1').output", "pipeline"),
    ("@activity('Web1').output.data", "pipeline"),
    # F, "Examples"
    (
        "@activity('activityName').output.subfield1.subfield2[pipeline().parameters.subfield3].subfield4",
        "pipeline",
    ),
    ("@concat('Test_',  formatDateTime(utcnow(), 'yyyy-dd-MM'))", "pipeline"),
    ("@concat('Test_',  convertFromUtc(utcnow(), 'Pacific Standard Time'))", "pipeline"),
    ("@concat('Test_',  pipeline().TriggerTime)", "pipeline"),
    ("@{if(equals(1, 2), 'Blob', 'Table' )}", "pipeline"),
    ("@{toUpper('myData')}", "pipeline"),
    ("@dataset().path", "dataset"),
    ("@pipeline().parameters.inputPath", "pipeline"),
    ("@uriComponentToString(replace(uriComponent(variables('companyName')), '%0A', ''))", "pipeline"),
    ("@concat('Baba', '''s ', 'book store')", "pipeline"),
    # F, "Function reference"
    ("@add(1, 1.5)", "pipeline"),
    ("@addDays('2018-03-15T13:00:00Z', 10)", "pipeline"),
    ("@addDays('2018-03-15T00:00:00Z', -5)", "pipeline"),
    ("@addHours('2018-03-15T15:00:00Z', -5)", "pipeline"),
    ("@addMinutes('2018-03-15T00:20:00Z', -5)", "pipeline"),
    ("@addSeconds('2018-03-15T00:00:30Z', -5)", "pipeline"),
    ("@addToTime('2018-01-01T00:00:00Z', 1, 'Day', 'D')", "pipeline"),
    ("@and(equals(1, 1), equals(2, 2))", "pipeline"),
    ("@and(false, true)", "pipeline"),
    ("@array('hello')", "pipeline"),
    ("@base64('hello')", "pipeline"),
    ("@base64ToBinary('aGVsbG8=')", "pipeline"),
    ("@base64ToString('aGVsbG8=')", "pipeline"),
    ("@binary('hello')", "pipeline"),
    ("@bool(1)", "pipeline"),
    ("@coalesce(null, true, false)", "pipeline"),
    ("@coalesce(null, 'hello', 'world')", "pipeline"),
    ("@contains('hello world', 'world')", "pipeline"),
    ("@convertFromUtc('2018-01-01T08:00:00.0000000Z', 'Pacific Standard Time', 'D')", "pipeline"),
    ("@convertTimeZone('2018-01-01T08:00:00.0000000Z', 'UTC', 'Pacific Standard Time')", "pipeline"),
    ("@convertToUtc('01/01/2018 00:00:00', 'Pacific Standard Time', 'D')", "pipeline"),
    ("@createArray('h', 'e', 'l', 'l', 'o')", "pipeline"),
    ("@dataUri('hello')", "pipeline"),
    ("@dataUriToBinary('data:text/plain;charset=utf-8;base64,aGVsbG8=')", "pipeline"),
    ("@dataUriToString('data:text/plain;charset=utf-8;base64,aGVsbG8=')", "pipeline"),
    ("@dayOfMonth('2018-03-15T13:27:36Z')", "pipeline"),
    ("@dayOfWeek('2018-03-15T13:27:36Z')", "pipeline"),
    ("@dayOfYear('2018-03-15T13:27:36Z')", "pipeline"),
    ("@decodeBase64('aGVsbG8=')", "pipeline"),
    ("@decodeDataUri('data:text/plain;charset=utf-8;base64,aGVsbG8=')", "pipeline"),
    ("@decodeUriComponent('http%3A%2F%2Fcontoso.com')", "pipeline"),
    ("@div(11, 5)", "pipeline"),
    ("@encodeUriComponent('https://contoso.com')", "pipeline"),
    ("@empty('')", "pipeline"),
    ("@endsWith('hello world', 'universe')", "pipeline"),
    ("@equals(true, 1)", "pipeline"),
    ("@first(createArray(0, 1, 2))", "pipeline"),
    ("@float('10.333')", "pipeline"),
    ("@formatDateTime('03/15/2018 12:00:00', 'yyyy-MM-ddTHH:mm:ss')", "pipeline"),
    ("@getFutureTime(5, 'Day', 'D')", "pipeline"),
    ("@getPastTime(5, 'Day')", "pipeline"),
    ("@greater('apple', 'banana')", "pipeline"),
    ("@greaterOrEquals(5, 5)", "pipeline"),
    ("@guid()", "pipeline"),
    ("@guid('P')", "pipeline"),
    ("@if(equals(1, 1), 'yes', 'no')", "pipeline"),
    ("@indexOf('hello world', 'world')", "pipeline"),
    ("@int('10')", "pipeline"),
    ("@json('[1, 2, 3]')", "pipeline"),
    ('@json(\'{"fullName": "Sophia Owen"}\')', "pipeline"),
    ("@intersection(createArray(1, 2, 3), createArray(101, 2, 1, 10), createArray(6, 8, 1, 2))", "pipeline"),
    ("@join(createArray('a', 'b', 'c'), '.')", "pipeline"),
    ("@last(createArray(0, 1, 2, 3))", "pipeline"),
    ("@lastIndexOf('hello world', 'world')", "pipeline"),
    ("@length('abcd')", "pipeline"),
    ("@less(5, 10)", "pipeline"),
    ("@lessOrEquals('apply', 'apple')", "pipeline"),
    ("@max(1, 2, 3)", "pipeline"),
    ("@min(createArray(1, 2, 3))", "pipeline"),
    ("@mod(3, 2)", "pipeline"),
    ("@mul(1.5, 2)", "pipeline"),
    ("@not(equals(1, 2))", "pipeline"),
    ("@or(equals(1, 1), equals(1, 2))", "pipeline"),
    ("@rand(1, 5)", "pipeline"),
    ("@range(1, 4)", "pipeline"),
    ("@replace('the old string', 'old', 'new')", "pipeline"),
    ("@skip(createArray(0, 1, 2, 3), 1)", "pipeline"),
    ("@split('a_b_c', '_')", "pipeline"),
    ("@startOfDay('2018-03-15T13:30:30Z')", "pipeline"),
    ("@startOfHour('2018-03-15T13:30:30Z')", "pipeline"),
    ("@startOfMonth('2018-03-15T13:30:30Z')", "pipeline"),
    ("@startsWith('hello world', 'hello')", "pipeline"),
    ("@string(10)", "pipeline"),
    ("@sub(10.3, .3)", "pipeline"),
    ("@substring('hello world', 6, 5)", "pipeline"),
    ("@subtractFromTime('2018-01-02T00:00:00Z', 1, 'Day', 'D')", "pipeline"),
    ("@take('abcde', 3)", "pipeline"),
    ("@take(createArray(0, 1, 2, 3, 4), 3)", "pipeline"),
    ("@toLower('Hello World')", "pipeline"),
    ("@trim(' Hello World  ')", "pipeline"),
    ("@union(createArray(1, 2, 3), createArray(1, 2, 10, 101))", "pipeline"),
    ("@uriComponent('https://contoso.com')", "pipeline"),
    ("@uriComponentToBinary('http%3A%2F%2Fcontoso.com')", "pipeline"),
    ("@utcNow()", "pipeline"),
    ("@utcNow('D')", "pipeline"),
    ('@xml(json(\'{ \\"name\\": \\"Sophia Owen\\" }\'))', "pipeline"),
    # S
    ("@pipeline().DataFactory", "pipeline"),
    ("@pipeline().RunId", "pipeline"),
    ("@pipeline().TriggerType", "pipeline"),
    ("@pipeline().GroupId", "pipeline"),
    ("@pipeline()?.TriggeredByPipelineName", "pipeline"),
    ("@pipeline()?.TriggeredByPipelineRunId", "pipeline"),
    ("@trigger().scheduledTime", "schedule"),
    ("@trigger().startTime", "schedule"),
    ("@trigger().outputs.windowStartTime", "tumbling"),
    ("@trigger().outputs.windowEndTime", "tumbling"),
    # E, L
    ("@triggerBody().folderPath", "blob event"),
    ("@triggerBody().fileName", "blob event"),
    ("@{linkedService().DBName}", "linked service"),
]


def test_the_table_holds_at_least_thirty_documented_expressions() -> None:
    assert len([v for v, _ in DOCUMENTED if "@" in v.lstrip(" ")[:2]]) >= 30


@pytest.mark.parametrize(("value", "where"), DOCUMENTED)
def test_documented_expressions_parse_and_resolve(value: str, where: str) -> None:
    parse(value)
    assert issues(value, CONTEXTS[where]) == []


# ---------------------------------------------------------------- what a value means


def test_values_as_the_page_reads_them() -> None:
    assert parse("parameters[1]").parts == ("parameters[1]",)
    assert parse("@@").parts == ("@",)
    assert parse(" @").parts == (" @",)
    # @@ escapes the interpolation: text, no expression.
    assert parse("Answer is: @@{pipeline().parameters.myNumber}").parts == (
        "Answer is: @{pipeline().parameters.myNumber}",
    )
    assert parse("user@example.com").expressions == ()
    whole = parse("@pipeline().parameters.myString")
    assert whole.whole
    assert whole.parts == (
        Member(Member(Call("pipeline", (), 2), "parameters", False, 13), "myString", False, 24),
    )
    mixed = parse("Day @{utcNow('d')}!")
    assert not mixed.whole
    assert mixed.parts == ("Day ", Call("utcNow", (Constant("d", 14),), 7), "!")


def test_literals() -> None:
    (call,) = parse("@f('a''b', '', 1, -5, 1.5, .3, true, false, null)").expressions
    assert isinstance(call, Call)
    assert [a.value for a in call.arguments if isinstance(a, Constant)] == [
        "a'b",
        "",
        1,
        -5,
        1.5,
        0.3,
        True,
        False,
        None,
    ]
    assert [type(a.value) for a in call.arguments if isinstance(a, Constant)][2:6] == [int, int, float, float]


def test_member_and_index_access() -> None:
    (node,) = parse("@activity('a').output?.value[0]?['name']").expressions
    assert node == Index(
        Index(
            Member(Member(Call("activity", (Constant("a", 11),), 2), "output", False, 16), "value", True, 24),
            Constant(0, 30),
            False,
            29,
        ),
        Constant("name", 34),
        True,
        33,
    )


def test_whitespace_between_tokens() -> None:
    assert issues("@concat( 'a' ,\n 'b' ) ", DOCS_PIPELINE) == []
    assert issues("x @{ pipeline().RunId } y", DOCS_PIPELINE) == []


def test_function_names_ignore_case() -> None:
    """The page calls utcNow as utcnow() in its own example."""
    assert issues("@UTCNOW()", DOCS_PIPELINE) == []
    assert issues("@Concat('a', TOLOWER('B'))", DOCS_PIPELINE) == []


def test_every_function_checks_its_arity() -> None:
    for fn in FUNCTIONS.values():
        context = Context(scope=fn.scope or Scope.PIPELINE, in_foreach=True)

        def call(n: int, name: str = fn.name) -> str:
            return f"@{name}({', '.join(['true'] * n)})"

        assert [i.message for i in issues(call(fn.low), context)] == [], fn.name
        if fn.low:
            assert f"{fn.name}() takes " in issues(call(fn.low - 1), context)[0].message
        if fn.high is not None:
            assert f"{fn.name}() takes " in issues(call(fn.high + 1), context)[0].message
        else:
            assert issues(call(fn.low + 5), context) == []


# ---------------------------------------------------------------- mistakes, refused with their position

PIPELINE = Context(
    parameters={"folder": "String", "full": "Bool", "limit": "Int"},
    variables={"tables": "Array"},
    activities=("Process Data", "Load", "Audit", "Later"),
    preceding=frozenset({"Process Data", "Load"}),
    current="Audit",
)
SCHEDULE = CONTEXTS["schedule"]

MISTAKES: list[tuple[str, Context, str]] = [
    (
        "@pipeline().parameters.fodler",
        PIPELINE,
        "at character 24: unknown pipeline parameter 'fodler' (did you mean 'folder'?)",
    ),
    (
        "@pipeline().parameters.Folder",
        PIPELINE,
        "at character 24: unknown pipeline parameter 'Folder' (did you mean 'folder'?)",
    ),
    (
        "@pipeline().parameters['xyz']",
        PIPELINE,
        "at character 24: unknown pipeline parameter 'xyz' (declared: folder, full, limit)",
    ),
    (
        "@pipeline().parameters.x",
        Context(),
        "at character 24: unknown pipeline parameter 'x' (no parameters are declared)",
    ),
    (
        "@activity('Proces Data').output.runOutput",
        PIPELINE,
        "at character 11: no activity 'Proces Data' in this pipeline (did you mean 'Process Data'?)",
    ),
    (
        "@activity('Later').output",
        PIPELINE,
        "at character 11: activity 'Later' does not run before this one: add it to dependsOn,"
        " directly or through an activity this one depends on",
    ),
    (
        "@activity('Audit').output",
        PIPELINE,
        "at character 11: activity('Audit') is this activity itself: an activity cannot read its own output",
    ),
    (
        "@variables('table')",
        PIPELINE,
        "at character 12: unknown variable 'table' (did you mean 'tables'?)",
    ),
    ("@concatt('a', 'b')", PIPELINE, "at character 2: unknown function concatt() (did you mean concat()?)"),
    (
        "@xyzzy()",
        PIPELINE,
        "at character 2: unknown function xyzzy() (not in Data Factory's function reference)",
    ),
    ("@concat('a')", PIPELINE, "at character 2: concat() takes at least 2 arguments, got 1"),
    ("@if(true, 'a')", PIPELINE, "at character 2: if() takes 3 arguments, got 2"),
    ("@utcNow('o', 'x')", PIPELINE, "at character 2: utcNow() takes 0 to 1 arguments, got 2"),
    ("@pipeline(1)", PIPELINE, "at character 2: pipeline() takes no arguments, got 1"),
    (
        "@concat(pipeline().parameters.folder",
        PIPELINE,
        "at character 37: expected ',' or ')' to close the '(' at character 8, got the end of the value",
    ),
    (
        "@concat('a', 'b'))",
        PIPELINE,
        "at character 18: expected the end of the expression (to mix text and expressions, write"
        " text @{expression} text), got ')'",
    ),
    (
        "@pipeline().parameters.folder/data.csv",
        PIPELINE,
        "at character 30: expected the end of the expression (to mix text and expressions, write"
        " text @{expression} text), got '/'",
    ),
    (
        "in/@{pipeline().parameters.folder/x",
        PIPELINE,
        "at character 34: expected '}' to close the '@{' at character 4, got '/'",
    ),
    (
        "day @{utcNow()",
        PIPELINE,
        "at character 15: expected '}' to close the '@{' at character 5, got the end of the value",
    ),
    (
        "@{}",
        PIPELINE,
        "at character 3: expected an expression (a function call, a string in single quotes,"
        " a number, true, false or null), got '}'",
    ),
    (
        "@activity('a').output[0",
        PIPELINE,
        "at character 24: expected ']' to close the '[' at character 22, got the end of the value",
    ),
    (
        "@concat('a', 'b', )",
        PIPELINE,
        "at character 19: expected an expression (a function call, a string in single"
        " quotes, a number, true, false or null), got ')'",
    ),
    (
        "@pipeline().",
        PIPELINE,
        "at character 13: expected a property name after '.', got the end of the value",
    ),
    (
        "@pipeline()?TriggeredByPipelineName",
        PIPELINE,
        "at character 13: expected '.' or '[' after '?', got 'T'",
    ),
    (
        "@concat('Baba', ''s ')",
        PIPELINE,
        "at character 19: expected ',' or ')' to close the '(' at character 8, got 's'",
    ),
    (
        "@concat('a, 'b')",
        PIPELINE,
        "at character 14: expected ',' or ')' to close the '(' at character 8, got 'b'",
    ),
    (
        "@concat('open",
        PIPELINE,
        "at character 9: the string that starts at character 9 has no closing ' (a quote inside a"
        " string is written '')",
    ),
    (
        "@home/reports",
        PIPELINE,
        "at character 6: expected '(' after the function name 'home', got '/' (a value that starts"
        " with @ is an expression; write @@ for a literal @)",
    ),
    (
        "@item().name",
        PIPELINE,
        "at character 2: item() is the current item of a ForEach activity: it is available only in"
        " the activities inside one",
    ),
    (
        "@pipeline().parametrs.folder",
        PIPELINE,
        "at character 13: pipeline() has no property 'parametrs' (did you mean 'parameters'?)",
    ),
    (
        "@trigger().outputs.windowStartTime",
        SCHEDULE,
        "at character 12: trigger().outputs (windowStartTime, windowEndTime) is set only by a tumbling"
        " window trigger, not a ScheduleTrigger, which sets trigger().scheduledTime and trigger().startTime",
    ),
    (
        "@trigger().scheduleTime",
        SCHEDULE,
        "at character 12: a ScheduleTrigger sets no trigger().scheduleTime (did you mean 'scheduledTime'?)",
    ),
    (
        "@trigger().outputs.windowStart",
        CONTEXTS["tumbling"],
        "at character 20: trigger().outputs has no 'windowStart' (did you mean 'windowStartTime'?)",
    ),
    (
        "@triggerBody().fileName",
        SCHEDULE,
        "at character 2: triggerBody() is set only by storage and custom event triggers, not a ScheduleTrigger",
    ),
    (
        "@trigger().outputs.windowStartTime",
        PIPELINE,
        "at character 2: trigger() is available only in a trigger's arguments to its pipeline, not in a"
        " pipeline's activities: set a pipeline parameter to it in the trigger's parameters, and read"
        " pipeline().parameters.<name> here",
    ),
    (
        "@pipeline().RunId",
        SCHEDULE,
        "at character 2: pipeline() is available only in a pipeline's activities, not in a trigger's"
        " arguments to its pipeline: the trigger evaluates its arguments before the pipeline run exists",
    ),
    (
        "@dataset().path",
        PIPELINE,
        "at character 2: dataset() is available only in a dataset's definition, not in a pipeline's activities",
    ),
    (
        "@if(pipeline().parameters.folder, 'a', 'b')",
        PIPELINE,
        "at character 27: if() takes true or false as its 1st argument, got pipeline parameter 'folder'"
        " (String): Data Factory does not convert it (\"'if' expected bool as 1st argument, but got"
        ' string", Azure/Azure-DataFactory#518)',
    ),
    (
        "@not(concat('a', 'b'))",
        PIPELINE,
        "at character 6: not() takes true or false as its 1st argument, got concat(), which returns a"
        " String: Data Factory does not convert it (\"'not' expected bool as 1st argument, but got"
        ' string", Azure/Azure-DataFactory#518)',
    ),
    (
        "@and(true, variables('tables'))",
        PIPELINE,
        "at character 12: and() takes true or false as its 2nd argument, got variable 'tables' (Array):"
        " Data Factory does not convert it (\"'and' expected bool as 2nd argument, but got array\","
        " Azure/Azure-DataFactory#518)",
    ),
    (
        "@or('true', false)",
        PIPELINE,
        "at character 5: or() takes true or false as its 1st argument, got a string: Data Factory does"
        " not convert it (\"'or' expected bool as 1st argument, but got string\", Azure/Azure-DataFactory#518)",
    ),
]


@pytest.mark.parametrize(("value", "context", "message"), MISTAKES)
def test_mistakes_are_refused_with_their_position(value: str, context: Context, message: str) -> None:
    assert problem(value, context) == message


def test_known_booleans_and_unknown_types_pass() -> None:
    for value in [
        "@if(pipeline().parameters.full, 'a', 'b')",
        "@if(equals(pipeline().parameters.limit, 1), 'a', 'b')",
        "@if(activity('Load').output.ok, 'a', 'b')",
        "@if(bool(pipeline().parameters.folder), 'a', 'b')",
        "@not(first(variables('tables')))",
    ]:
        assert issues(value, PIPELINE) == [], value


def test_every_problem_of_a_value_at_once() -> None:
    value = (
        "@{pipeline().parameters.fodler}/@{activity('Later').output.path}/@{concatt('a')}"
        "/@{formatDateTime(utcNow(), 'yyyy', 'x')}"
    )
    assert [(i.position, i.message.split(" (")[0]) for i in issues(value, PIPELINE)] == [
        (25, "unknown pipeline parameter 'fodler'"),
        (
            44,
            "activity 'Later' does not run before this one: add it to dependsOn, directly or through an activity this one depends on",
        ),
        (68, "unknown function concatt()"),
        (84, "formatDateTime() takes 1 to 2 arguments, got 3"),
    ]
    assert problem(value, PIPELINE).count("at character ") == 4  # type: ignore[union-attr]


def test_problems_inside_arguments_and_indexes_are_found() -> None:
    value = "@activity('Load').output[pipeline().parameters.fodler][variables('nope')]"
    assert [i.position for i in issues(value, PIPELINE)] == [48, 66]


def test_names_computed_at_run_time_are_not_looked_up() -> None:
    for value in [
        "@activity(pipeline().parameters.folder).output",
        "@variables(concat('a', 'b'))",
        "@pipeline().parameters[pipeline().parameters.folder]",
        "@pipeline().globalParameters.anything",
    ]:
        assert issues(value, PIPELINE) == [], value


def test_a_secret_value_is_not_quoted() -> None:
    secret = Context(scope=Scope.TRIGGER, trigger=TriggerType.SCHEDULE, secret=True)
    for value in ["@hunter2", "@S3cr3t(x", "@{pipeline().RunId}p4ss", "@concat('p4ss')", "@s3cret()"]:
        message = problem(value, secret)
        assert message is not None
        assert message.endswith("(the value is not shown: it may be secret)")
        for fragment in ("hunter2", "S3cr3t", "p4ss", "s3cret"):
            assert fragment not in message, (value, message)
    assert problem("@hunter2", secret) == (
        "at character 9: expected '(' after a function name, got the end of the value (a value that"
        " starts with @ is an expression; write @@ for a literal @) (the value is not shown: it may be secret)"
    )
    assert problem("plain s3cret @ text", secret) is None


def test_only_strings_are_checked() -> None:
    assert problem(5, PIPELINE) is None
    assert problem(None, PIPELINE) is None


def test_parse_errors_carry_their_position() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("@concat('a'")
    assert caught.value.position == 12
    assert str(caught.value).startswith("at character 12: expected ',' or ')'")


def test_preceding_is_every_dependency_direct_or_not() -> None:
    graph = {"A": [], "B": ["A"], "C": ["B", "Nope"], "D": ["A"], "E": ["C", "D"]}
    assert expressions.preceding("E", graph) == {"A", "B", "C", "D", "Nope"}
    assert expressions.preceding("B", graph) == {"A"}
    assert expressions.preceding("A", graph) == set()
    cycle = {"A": ["C"], "B": ["A"], "C": ["B"]}
    assert expressions.preceding("A", cycle) == {"B", "C"}


# ---------------------------------------------------------------- properties

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


def _render(node: Node) -> str:
    """Expression text for a node."""
    if isinstance(node, Constant):
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        if node.value is None:
            return "null"
        if isinstance(node.value, str):
            return "'" + node.value.replace("'", "''") + "'"
        return repr(node.value)
    if isinstance(node, Call):
        return f"{node.name}({', '.join(_render(a) for a in node.arguments)})"
    if isinstance(node, Member):
        return f"{_render(node.target)}{'?' * node.optional}.{node.name}"
    return f"{_render(node.target)}{'?' * node.optional}[{_render(node.index)}]"


def _shape(node: Node) -> Any:
    """A node without positions."""
    if isinstance(node, Constant):
        return ("constant", type(node.value).__name__, node.value)
    if isinstance(node, Call):
        return ("call", node.name, tuple(_shape(a) for a in node.arguments))
    if isinstance(node, Member):
        return ("member", _shape(node.target), node.name, node.optional)
    return ("index", _shape(node.target), _shape(node.index), node.optional)


# Named functions, not lambdas: Hypothesis reads a lambda's source with `ast` to describe it, and
# CPython 3.11's ast then fails ("AST constructor recursion depth mismatch") deep in this suite.


def _not_a_literal(name: str) -> bool:
    return name not in ("true", "false", "null")


def _decimal(whole: int, fraction: int) -> float:
    return float(f"{whole}.{fraction}")


def _constant(value: Any) -> Node:
    return Constant(value, 0)


def _call(name: str, arguments: list[Node] | None = None) -> Node:
    return Call(name, tuple(arguments or ()), 0)


def _target(node: Node) -> Node:
    """A value a property or index can follow as written: `5.x` would read as the number `5.`."""
    return Call("f", (node,), 0) if isinstance(node, Constant) else node


def _member(target: Node, name: str, optional: bool) -> Node:
    return Member(_target(target), name, optional, 0)


def _index(target: Node, index: Node, optional: bool) -> Node:
    return Index(_target(target), index, optional, 0)


def _compound(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(_call, _NAMES, st.lists(inner, max_size=3)),
        st.builds(_member, inner, st.from_regex(r"\A[A-Za-z_$][A-Za-z0-9_$]{0,6}\Z"), st.booleans()),
        st.builds(_index, inner, inner, st.booleans()),
    )


_NAMES = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,8}\Z").filter(_not_a_literal)
_CONSTANTS = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(-(10**6), 10**6),
    st.builds(_decimal, st.integers(0, 10**6), st.integers(0, 999)),
    _TEXT,
).map(_constant)
_NODES = st.recursive(st.one_of(_CONSTANTS, st.builds(_call, _NAMES)), _compound, max_leaves=12)
# Generated, not slow: the suite runs on 2 shared cores.
_PROPERTY_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(_PROPERTY_SETTINGS, max_examples=300)
@given(_NODES)
def test_an_expression_reads_back_as_written(node: Node) -> None:
    text = _render(node)
    (whole,) = parse("@" + text).parts
    assert _shape(whole) == _shape(node)  # type: ignore[arg-type]
    before, after = "text ", " more"
    template = parse(f"{before}@{{{text}}}{after}")
    assert template.parts[0] == before and template.parts[2] == after
    assert _shape(template.parts[1]) == _shape(node)  # type: ignore[arg-type]


@settings(_PROPERTY_SETTINGS, max_examples=300)
@given(st.text(st.characters(blacklist_characters="@", blacklist_categories=("Cs",)), max_size=60))
def test_text_without_an_at_sign_is_text(value: str) -> None:
    assert parse(value).parts == ((value,) if value else ())
    assert issues(value, PIPELINE) == []


@settings(_PROPERTY_SETTINGS, max_examples=500)
@given(st.text(st.sampled_from("@{}()[].?,' ab1-"), max_size=40))
def test_any_value_gets_issues_or_none_never_a_crash(value: str) -> None:
    for issue in issues(value, PIPELINE):
        assert 1 <= issue.position <= len(value) + 1
        assert issue.message


def test_an_activity_out_of_scope_or_the_enclosing_container_is_refused() -> None:
    context = expressions.Context(
        activities=["A", "Loop"],
        preceding=frozenset({"A"}),
        current="Inner",
        hidden={"Other": "inside If (If.ifCondition.ifTrueActivities), out of scope here"},
        enclosing="Loop",
    )
    assert expressions.problem("@activity('A').output", context) is None
    assert expressions.problem("@activity('Other').output", context) == (
        "at character 11: activity 'Other' is inside If (If.ifCondition.ifTrueActivities), out of scope"
        " here: an activity reads only activities of its own container and, inside a container, those"
        " before the container"
    )
    assert expressions.problem("@activity('Loop').output", context) == (
        "at character 11: activity 'Loop' is the container this activity runs in: it has not ended, so"
        " it has no output yet"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("plain", "String"),
        ("day @{utcNow()}", "String"),
        ("@equals(1, 2)", "Bool"),
        ("@pipeline().parameters.tables", "Array"),
        ("@variables('seen')", "Array"),
        ("@json('[1]')", None),
        ("@concat(", None),
    ],
)
def test_result_type_is_known_where_the_resolver_knows_it(text: str, kind: str | None) -> None:
    context = expressions.Context(parameters={"tables": "Array"}, variables={"seen": "Array"})
    known = expressions.result_type(text, context)
    assert (known[0] if known else None) == kind
