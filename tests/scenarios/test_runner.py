"""Running scenarios against a real server: expectations, captures, files,
clock, failures told as expected/actual, JUnit XML, and nothing called when
any file is bad."""
import io
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

from simulator.cli import main
from simulator.scenario import Target, load, run_scenario
from simulator.scenario.report import PlainReport

PASSING = """\
schema: awsbox/scenario/v1
title: runner smoke
variables:
  greeting: "hello ${run.Id}"
actors:
  dora: {type: user}
steps:
  - name: who am I
    call: {service: sts, operation: GetCallerIdentity}
    expect:
      fields:
        Account: "${run.Account}"
        Arn: {regex: ":root$"}
        UserId: {exists: true}
  - name: dora is herself
    as: dora
    call: {service: sts, operation: GetCallerIdentity}
    expect:
      fields:
        Arn: "${actors.dora.Arn}"
  - name: a key
    call: {service: kms, operation: CreateKey, params: {Description: "${greeting}"}}
    capture: {key: KeyMetadata, whole: ""}
  - name: encrypt a file's bytes
    call: {service: kms, operation: Encrypt, params: {KeyId: "${whole.KeyMetadata.Arn}", Plaintext: {file: secret.txt}}}
    capture: {blob: CiphertextBlob}
  - name: decrypt to the same bytes
    call: {service: kms, operation: Decrypt, params: {CiphertextBlob: "${blob}"}}
    expect:
      fields:
        Plaintext: {equals_file: secret.txt, length: 11}
        KeyId: {equals: "${key.Arn}", not_equals: nothing}
  - name: a day passes
    advance_clock: {days: 1}
  - name: an expected error
    call: {service: kms, operation: DescribeKey, params: {KeyId: "alias/does-not-exist-${run.Id}"}}
    expect:
      error: {code: NotFoundException, status: 400, message: {regex: "does-not-exist"}}
teardown:
  - name: delete the key
    call: {service: kms, operation: ScheduleKeyDeletion, params: {KeyId: "${key.KeyId}", PendingWindowInDays: 7}}
"""


def scenario(tmp_path, text, name="t.scenario.yaml"):
    (tmp_path / "secret.txt").write_bytes(b"hello world")
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_scenario_passes_and_cleans_up(server, tmp_path, iam):
    out = io.StringIO()
    result = run_scenario(load(scenario(tmp_path, PASSING)), Target(server.endpoint), PlainReport(out))
    assert result.passed, result.failure_text() + out.getvalue()
    assert [s.status for s in result.steps] == ["passed"] * 8
    assert "passed: 7/7 steps" in out.getvalue()
    # The actor made for the run is gone.
    names = [u["UserName"] for u in iam.list_users()["Users"]]
    assert not [n for n in names if n.startswith("dora-")]


def test_a_wrong_expectation_says_expected_and_actual(server, tmp_path):
    text = PASSING.replace('Arn: {regex: ":root$"}', 'Arn: {regex: ":user/nobody$"}').replace(
        "code: NotFoundException", "code: DisabledException")
    result = run_scenario(load(scenario(tmp_path, text)), Target(server.endpoint))
    assert not result.passed
    first = result.steps[0]
    assert first.status == "failed"
    assert first.problems == [f"Arn: expected a match for /:user/nobody$/, got 'arn:aws:iam::{server.account_id}:root'"]
    assert all(s.status == "skipped" for s in result.steps[1:7])
    text = result.failure_text()
    assert "step 1 (steps) 'who am I' [sts.GetCallerIdentity as root], line 8:" in text
    # Teardown ran; its variable was never captured, so it was skipped, not failed.
    assert result.steps[-1].section == "teardown" and result.steps[-1].status == "skipped"


def test_an_unexpected_error_and_a_missing_error(server, tmp_path):
    text = PASSING.replace("code: NotFoundException, status: 400", "code: NotFoundException, status: 404")
    result = run_scenario(load(scenario(tmp_path, text)), Target(server.endpoint))
    assert result.steps[6].problems == ["expected HTTP status 404, got 400"]
    text = PASSING.replace('"alias/does-not-exist-${run.Id}"', '"${key.KeyId}"')
    result = run_scenario(load(scenario(tmp_path, text)), Target(server.endpoint))
    assert result.steps[6].problems == ["expected error NotFoundException, got success (HTTP 200)"]


def test_downloaded_bytes_differ(server, tmp_path):
    text = PASSING.replace("{equals_file: secret.txt, length: 11}", "{equals_file: other.txt}")
    (tmp_path / "other.txt").write_bytes(b"hello there")
    result = run_scenario(load(scenario(tmp_path, text)), Target(server.endpoint))
    assert result.steps[4].problems == ["Plaintext: expected the bytes of other.txt (11 bytes), got 'hello world' (11 bytes)"]


def test_cli_run_writes_junit_and_fails_on_a_failure(server, tmp_path, capsys):
    good = scenario(tmp_path, PASSING, "good.yaml")
    bad = scenario(tmp_path, PASSING.replace("Account: \"${run.Account}\"", "Account: \"000000000000\""), "bad.yaml")
    report = tmp_path / "junit.xml"
    code = main(["scenario", "run", str(good), str(bad), "--endpoint", server.endpoint, "--junit-xml", str(report)])
    out = capsys.readouterr().out
    assert code == 1
    assert "1 of 2 scenarios passed" in out and "expected '000000000000'" in out
    suites = ET.parse(report).getroot()
    assert [s.get("failures") for s in suites] == ["0", "1"]
    failure = suites[1].find("testcase/failure")
    assert "Account: expected '000000000000'" in failure.get("message")


def test_a_bad_file_stops_the_run_before_any_call(server, tmp_path, capsys):
    good = scenario(tmp_path, PASSING.replace("title: runner smoke", "title: never run"), "good.yaml")
    bad = scenario(tmp_path, PASSING.replace("${key.Arn}", "${nothing.Arn}"), "bad.yaml")
    before = _key_count(server)
    assert main(["scenario", "run", str(good), str(bad), "--endpoint", server.endpoint]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:32: ${{nothing}} is used before anything defines it" in err
    assert _key_count(server) == before


def _key_count(server) -> int:
    return len(server.client("kms").get_paginator("list_keys").paginate().build_full_result()["Keys"])


def test_scenario_files_are_pytest_tests(server, tmp_path):
    """The plugin collects *.scenario.yaml; failures and schema errors read well."""
    scenario(tmp_path, PASSING, "ok.scenario.yaml")
    scenario(tmp_path, PASSING.replace("Account: \"${run.Account}\"", "Account: \"000000000000\""), "wrong.scenario.yaml")
    scenario(tmp_path, PASSING.replace("  - name: a key\n", "  - name: a key\n    colour: red\n"), "broken.scenario.yaml")
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    out = run.stdout
    assert run.returncode == 2, out  # a collection error interrupts the run
    assert "broken.scenario.yaml:22: unknown field 'colour'" in out
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                          str(tmp_path / "ok.scenario.yaml"), str(tmp_path / "wrong.scenario.yaml")],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    out = run.stdout
    assert "1 failed, 1 passed" in out, out
    assert "Account: expected '000000000000', got" in out
    assert "Traceback" not in out
