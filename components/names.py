"""Data Factory's naming rules, shared by the objects of one factory.

Pipelines, their activities and parameters, triggers, linked services and integration
runtimes are named under one set of checks (Learn, data-factory/naming-rules: a letter,
digit or underscore first; none of . + ? / < > * % & : \\). A pattern here is also a JSON
Schema `pattern` (ECMA-262 and Python's `re` read it alike).
"""

from .validation import rule

NAME_PATTERN = r"^[A-Za-z0-9_][^<>*#.%&:\\+?/]*$"
"""A Data Factory object name: letter, digit or _ first, none of . + ? / < > * % & : \\ #."""
NAME_CHARACTERS = "letter, digit or _ first; none of . + ? / < > * % & : \\ #"
"""How messages spell NAME_PATTERN."""
MAX_NAME_LENGTH = 140
"""Pipelines, triggers, linked services and runtimes."""

DATA_FACTORY_NAME = rule(
    f"a Data Factory name ({NAME_CHARACTERS}; at most {MAX_NAME_LENGTH} characters)",
    pattern=NAME_PATTERN,
    maxLength=MAX_NAME_LENGTH,
)
"""The rule of a pipeline's, trigger's, linked service's or integration runtime's name."""
