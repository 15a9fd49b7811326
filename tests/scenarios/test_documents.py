"""Scenario files are checked before any call: schema errors and semantic
errors name the file and the line."""
import textwrap

import pytest

from simulator.cli import main
from simulator.scenario import SCENARIOS_DIR, ScenarioError, load
from simulator.scenario.document import parse

GOOD = """\
schema: awsbox/scenario/v1
title: t
steps:
  - name: who am I
    call: {service: sts, operation: GetCallerIdentity}
    capture: {me: Arn}
  - name: create a key
    call:
      service: kms
      operation: CreateKey
      params: {Description: "${me}"}
"""


def write(tmp_path, text, name="x.scenario.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def error_of(tmp_path, text) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load(write(tmp_path, text))
    return caught.value


def test_a_good_file_loads(tmp_path):
    doc = load(write(tmp_path, GOOD))
    assert doc.data["title"] == "t"
    assert doc.line_of(("steps", 1, "call", "params", "Description")) == 11


@pytest.mark.parametrize("path", sorted(SCENARIOS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_is_valid(path):
    load(path)


def test_at_least_eight_shipped_scenarios():
    assert len(list(SCENARIOS_DIR.glob("*.yaml"))) >= 8


def test_not_yaml(tmp_path):
    error = error_of(tmp_path, "schema: awsbox/scenario/v1\ntitle: [unclosed\nsteps: []\n")
    assert error.line == 3 and "not valid YAML" in str(error)
    assert str(error).startswith(str(tmp_path / "x.scenario.yaml") + ":3:")


def test_empty_and_not_a_mapping(tmp_path):
    assert "empty" in str(error_of(tmp_path, ""))
    assert "mapping" in str(error_of(tmp_path, "- a\n- b\n"))


def test_unknown_schema_version(tmp_path):
    error = error_of(tmp_path, GOOD.replace("awsbox/scenario/v1", "awsbox/scenario/v9"))
    assert error.line == 1 and "awsbox/scenario/v1" in error.problem


def test_unknown_field_names_file_and_line(tmp_path):
    error = error_of(tmp_path, GOOD.replace("    capture: {me: Arn}", "    capture: {me: Arn}\n    expectt: {}"))
    assert error.line == 7
    assert "unknown field 'expectt'" in error.problem and "expect" in error.problem


def test_wrong_type_names_the_line(tmp_path):
    error = error_of(tmp_path, GOOD.replace("title: t", "title: 42"))
    assert error.line == 2 and "title" in error.problem


def test_duplicate_key(tmp_path):
    error = error_of(tmp_path, GOOD.replace("title: t", "title: t\ntitle: u"))
    assert error.line == 3 and "twice" in error.problem


def test_unknown_service(tmp_path):
    error = error_of(tmp_path, GOOD.replace("service: kms", "service: kmz"))
    assert error.line == 9 and "unknown service 'kmz'" in error.problem


def test_unknown_operation_with_a_hint(tmp_path):
    error = error_of(tmp_path, GOOD.replace("operation: CreateKey", "operation: Createkey"))
    assert error.line == 10 and "no operation 'Createkey'" in error.problem and "CreateKey" in error.problem


def test_unknown_parameter(tmp_path):
    error = error_of(tmp_path, GOOD.replace("{Description:", "{Descripton:"))
    assert error.line == 11 and "unknown parameter 'Descripton'" in error.problem


def test_missing_required_parameter(tmp_path):
    text = GOOD + "  - name: d\n    call: {service: kms, operation: DescribeKey, params: {}}\n"
    assert "missing required parameter 'KeyId'" in error_of(tmp_path, text).problem


def test_parameter_of_the_wrong_type(tmp_path):
    text = GOOD + "  - name: d\n    call: {service: kms, operation: ListKeys, params: {Limit: many}}\n"
    assert "expected a integer" in error_of(tmp_path, text).problem


def test_variable_never_captured(tmp_path):
    error = error_of(tmp_path, GOOD.replace('"${me}"', '"${key.KeyMetadata.Arn}"'))
    assert error.line == 11 and "${key}" in error.problem


def test_variable_used_before_its_capture(tmp_path):
    text = GOOD.replace("capture: {me: Arn}", "capture: {me: Arn}\n    expect: {fields: {Arn: '${later}'}}") + (
        "    capture: {later: KeyMetadata}\n")
    assert "${later}" in error_of(tmp_path, text).problem


def test_forgotten_variable(tmp_path):
    text = GOOD.replace("capture: {me: Arn}", "capture: {me: Arn}\n    forget: [me]")
    assert "forgot" in error_of(tmp_path, text).problem


def test_capture_path_not_in_the_answer(tmp_path):
    error = error_of(tmp_path, GOOD.replace("capture: {me: Arn}", "capture: {me: Arnn}"))
    assert error.line == 6 and "no field 'Arnn'" in error.problem


def test_undeclared_actor(tmp_path):
    error = error_of(tmp_path, GOOD.replace("  - name: who am I\n", "  - name: who am I\n    as: mallory\n"))
    assert error.line == 5 and "mallory" in error.problem


def test_role_assumed_by_root_is_refused(tmp_path):
    text = GOOD.replace("steps:", "actors:\n  r: {type: role, assumed_by: root}\nsteps:")
    assert "root user cannot assume" in error_of(tmp_path, text).problem


def test_missing_upload_file(tmp_path):
    text = GOOD + "  - name: up\n    call: {service: s3, operation: PutObject, params: {Bucket: b, Key: k, Body: {file: nope.txt}}}\n"
    assert "no such file 'nope.txt'" in error_of(tmp_path, text).problem


def test_setup_is_checked_as_a_seed(tmp_path):
    text = GOOD.replace("steps:", "setup:\n  keys:\n    - {id: not-a-uuid}\nsteps:")
    error = error_of(tmp_path, text)
    assert error.line == 5 and "keys.0.id" in error.problem


def test_seed_file_errors_name_the_line(tmp_path):
    path = write(tmp_path, "schema: awsbox/seed/v1\nusers:\n  - name: alice\n    colour: blue\n", "s.seed.yaml")
    with pytest.raises(ScenarioError) as caught:
        parse(path, "seed")
    assert caught.value.line == 4 and "colour" in caught.value.problem


def test_cli_check(tmp_path, capsys):
    good, bad = write(tmp_path, GOOD, "good.yaml"), write(tmp_path, GOOD.replace("kms", "kmz"), "bad.yaml")
    assert main(["scenario", "check", str(good)]) == 0
    assert "ok" in capsys.readouterr().out
    assert main(["scenario", "check", str(good), str(bad)]) == 2
    assert f"{bad}:9: unknown service 'kmz'" in capsys.readouterr().err


def test_cli_list(capsys):
    assert main(["scenario", "list"]) == 0
    out = capsys.readouterr().out
    assert "kms-s3-lab.yaml" in out and "INVALID" not in out
