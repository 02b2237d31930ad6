"""tools/stack_file.py: a stack file means to the offline plan what it means to the pinned CLI.

Expected values are what Pulumi 3.272.0 hands the program, worked out from the sources the
module cites: go-yaml/yaml v3.0.1 resolve.go and decode.go, pulumi/pulumi
sdk/go/common/workspace/loaders.go and sdk/go/common/resource/config/object.go.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pulumi
import pytest

from tests.conftest import ROOT
from tools import engine, plan, stack_file

PROJECT = engine.PROJECT


def read(tmp_path: Path, body: str) -> tuple[dict[str, str], list[str]]:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text("config:\n" + body)
    return engine.read_stack_config(path)


@pytest.mark.parametrize(
    ("yaml_value", "program_sees"),
    [
        # YAML 1.1 (PyYAML) reads 2:8 as base 60, 128; yaml.v3 has no base-60 numbers.
        ("2:8", "2:8"),
        ("'2:8'", "2:8"),
        # YAML 1.1 booleans are strings in yaml.v3; only true/True/TRUE/false/... are bools.
        ("yes", "yes"),
        ("on", "on"),
        ("No", "No"),
        ("y", "y"),
        ("True", "true"),
        ("FALSE", "false"),
        # ParseInt(s, 0, 64) with `_` removed.
        ("1_000", "1000"),
        ("0777", "511"),
        ("0o17", "15"),
        ("0b101", "5"),
        ("0x1F", "31"),
        ("-12", "-12"),
        ("18446744073709551615", "18446744073709551615"),
        # 08 is no octal; ParseFloat takes it, and 8.0 is written again as 8.
        ("08", "8"),
        # Floats as Go's encoding/json writes them, after the CLI's own re-encode.
        ("1.5", "1.5"),
        ("1.0", "1"),
        ("1e6", "1000000"),
        ("1e21", "1e+21"),
        ("0.0000001", "1e-7"),
        ("-0.0", "0"),
        ("1e400", "1e400"),
        # Null forms; an object value "null" (object.go MarshalString of nil).
        ("", "null"),
        ("~", "null"),
        ("Null", "null"),
        ("nil", "nil"),
        # Quoted scalars are strings, whatever they look like.
        ('"2026-12-01T06:00:00Z"', "2026-12-01T06:00:00Z"),
        ("'0777'", "0777"),
        ('"true"', "true"),
        ("!!str 1_000", "1_000"),
        ("!!float 1", "1"),
    ],
)
def test_a_scalar_reaches_the_program_as_the_cli_hands_it(
    tmp_path: Path, yaml_value: str, program_sees: str
) -> None:
    config, secret_keys = read(tmp_path, f"  value: {yaml_value}\n")
    assert config == {f"{PROJECT}:value": program_sees}
    assert secret_keys == []


@pytest.mark.parametrize(
    ("yaml_value", "program_sees"),
    [
        # decode.go gives an unquoted timestamp a time.Time; object.go unmarshalObject turns it
        # into time.Time.String().
        ("2026-12-01T06:00:00Z", "2026-12-01 06:00:00 +0000 UTC"),
        ("2026-12-01", "2026-12-01 00:00:00 +0000 UTC"),
        ("2026-12-01 06:00:00", "2026-12-01 06:00:00 +0000 UTC"),
        ("2026-1-2t3:04:05.120Z", "2026-01-02 03:04:05.12 +0000 UTC"),
        ("2026-12-01T06:00:00+02:00", "2026-12-01 06:00:00 +0200 +0200"),
        ("2026-12-01T06:00:00.1234567891Z", "2026-12-01 06:00:00.123456789 +0000 UTC"),
        # Not a date time.Parse takes: a string.
        ("2026-02-30", "2026-02-30"),
        ("2026-12-01T06:00:00", "2026-12-01T06:00:00"),
    ],
)
def test_an_unquoted_timestamp_reaches_the_program_as_go_prints_it(
    tmp_path: Path, yaml_value: str, program_sees: str
) -> None:
    config, _ = read(tmp_path, f"  startTime: {yaml_value}\n")
    assert config == {f"{PROJECT}:startTime": program_sees}


def test_an_object_is_json_as_go_writes_it_with_timestamps_and_numbers_converted(tmp_path: Path) -> None:
    config, _ = read(
        tmp_path,
        "  schedule:\n"
        "    startTime: 2026-12-01T06:00:00Z\n"
        "    quoted: '2026-12-01T06:00:00Z'\n"
        "    workers: 2:8\n"
        "    enabled: on\n"
        "    count: 1_000\n"
        "    mode: 0777\n"
        "    ratio: 0.5\n"
        "    note: <a & b>\n"
        "    town: Zürich\n"
        "    hours: [6, yes, ~]\n",
    )
    assert config == {
        f"{PROJECT}:schedule": (
            '{"count":1000,"enabled":"on","hours":[6,"yes",null],"mode":511,'
            '"note":"\\u003ca \\u0026 b\\u003e","quoted":"2026-12-01T06:00:00Z","ratio":0.5,'
            '"startTime":"2026-12-01 06:00:00 +0000 UTC","town":"Zürich","workers":"2:8"}'
        )
    }


def test_keys_are_namespaced_and_mapping_keys_printed_as_go_prints_them(tmp_path: Path) -> None:
    config, _ = read(
        tmp_path,
        "  azure-native:location: westeurope\n  aws:config:region: eu-west-1\n  m: {1: a, true: b, 0o10: c}\n",
    )
    assert config == {
        "azure-native:location": "westeurope",
        "aws:region": "eu-west-1",
        f"{PROJECT}:m": '{"1":"a","8":"c","true":"b"}',
    }


def test_a_merge_key_fills_only_the_keys_not_set(tmp_path: Path) -> None:
    config, _ = read(tmp_path, "  base: &base {a: 1, b: 2}\n  m:\n    <<: *base\n    b: 3\n")
    assert config[f"{PROJECT}:m"] == '{"a":1,"b":3}'


def test_secure_values_are_secret_placeholders(tmp_path: Path) -> None:
    config, secret_keys = read(
        tmp_path,
        "  token:\n    secure: v1:AAAA\n"
        "  nested:\n    inner:\n      secure: v1:BBBB\n    plain: x\n"
        # Not a secret: object.go isSecureValue wants exactly one key with a string value.
        "  notSecret:\n    secure: 1\n",
    )
    assert config == {
        f"{PROJECT}:token": engine.ENCRYPTED,
        f"{PROJECT}:nested": '{"inner":"[encrypted]","plain":"x"}',
        f"{PROJECT}:notSecret": '{"secure":1}',
    }
    assert secret_keys == [f"{PROJECT}:token", f"{PROJECT}:nested"]


@pytest.mark.parametrize(
    ("body", "where", "problem"),
    [
        ("  a: 1\n  a: 2\n", ":3:3:", 'mapping key "a" already defined at line 2'),
        ("  a: .nan\n", ":2:6:", "json: unsupported value: NaN"),
        ("  a: !!int x\n", ":2:6:", "cannot decode !!str `x` as a !!int"),
        ("  a: &x [*x]\n", ":2:6:", "anchor value contains itself"),
        ("  a: [1\n", ":3:1:", "invalid YAML: did not find expected ',' or ']'"),
        ("  a:b:c: 1\n", ":2:3:", "could not parse a:b:c as a configuration key"),
    ],
)
def test_what_the_cli_refuses_is_an_error_naming_file_line_and_column(
    tmp_path: Path, body: str, where: str, problem: str
) -> None:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text("config:\n" + body)
    with pytest.raises(pulumi.RunError) as err:
        engine.read_stack_config(path)
    assert str(err.value).startswith(f"{path}{where} "), str(err.value)
    assert problem in str(err.value)


def test_a_yaml_1_2_directive_is_refused_as_yaml_v3_refuses_it(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text("%YAML 1.2\n---\nconfig: {}\n")
    with pytest.raises(
        pulumi.RunError, match=r":1:1: invalid YAML file: yaml: found incompatible YAML document"
    ):
        engine.read_stack_config(path)


def test_an_unquoted_start_time_is_a_config_error_in_the_plan_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PyYAML made it a datetime, and `tools.plan` died with `TypeError: Object of type
    datetime is not JSON serializable`. The CLI hands the program Go's text for it, which
    the schedule check refuses, naming the key."""
    text = (ROOT / "Pulumi.dev.yaml").read_text()
    assert 'startTime: "2026-01-01T06:00:00Z"' in text
    stack = tmp_path / "Pulumi.unquoted.yaml"
    stack.write_text(text.replace('startTime: "2026-01-01T06:00:00Z"', "startTime: 2026-01-01T06:00:00Z"))
    assert plan.main(["--config-file", str(stack), "--stack", "unquoted"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "error: adf-databricks:pipelines[0].schedule.startTime: expected yyyy-MM-ddTHH:mm:ss (whole seconds):"
        " with Z in UTC (2026-12-01T06:00:00Z), without a zone in another timeZone (2026-12-01T06:30:00),"
        " got '2026-01-01 06:00:00 +0000 UTC'"
    ]


@pytest.mark.parametrize(
    ("value", "g", "json_text"),
    [
        (1.0, "1", "1"),
        (100000.0, "100000", "100000"),
        (1e6, "1e+06", "1000000"),
        (123456.7, "123456.7", "123456.7"),
        (1e20, "1e+20", "100000000000000000000"),
        (1e21, "1e+21", "1e+21"),
        (0.0001, "0.0001", "0.0001"),
        (0.00001, "1e-05", "0.00001"),
        (1.5e-7, "1.5e-07", "1.5e-7"),
        (-2.5, "-2.5", "-2.5"),
        (-0.0, "-0", "-0"),
    ],
)
def test_go_float_formatting(value: float, g: str, json_text: str) -> None:
    """strconv.FormatFloat(f, 'g', -1, 64) and encoding/json's float64 encoder."""
    assert stack_file.go_format_g(value) == g
    assert stack_file.go_json_float(value) == json_text


def test_any_stack_file_text_is_read_or_refused_with_a_run_error(tmp_path: Path) -> None:
    """Hypothesis strings together YAML's pieces (anchors, merges, tags, flow and block
    collections, numbers and timestamps of every form); no other exception escapes."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from(
        ["config:", "\n", "  ", "a:", " ", "- ", "[", "]", "{", "}", ",", "&x", "*x", "<<:", "!!int", "!!str",
         "!!float", "!!timestamp", "!!binary", "!foo", "'", '"', "?", "|", ">", "#", "---", "%YAML 1.1\n---\n",
         "2026-12-01T06:00:00Z", "2026-02-30", "0777", "1_000", "1e400", "-0.0", ".nan", "0x", "0b2", "yes",
         "~", "x:y:z:", "1:", "true:", "secure:", "\t"]
    )  # fmt: skip
    path = tmp_path / "Pulumi.fuzz.yaml"

    @settings(
        max_examples=500,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(pieces, max_size=30).map("".join))
    def run(text: str) -> None:
        path.write_text("config:\n  " + text)
        with contextlib.suppress(pulumi.RunError):
            engine.read_stack_config(path)

    run()
