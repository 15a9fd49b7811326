"""The awsbox command and the AWS CLI against a real server."""
import os
import signal
import subprocess
import sys
import time

import botocore.exceptions
import pytest
import yaml

from simulator import __version__
from simulator.embedded import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _aws_cli(server, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    env.pop("AWS_PROFILE", None)
    return subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", server.endpoint, *args],
        capture_output=True, text=True, env=env, timeout=60,
    )


def test_aws_cli_get_caller_identity_prints_the_root_arn(server):
    result = _aws_cli(server, "sts", "get-caller-identity", "--output", "json")
    assert result.returncode == 0, result.stderr
    assert '"Arn": "arn:aws:iam::123456789012:root"' in result.stdout


def test_version():
    result = subprocess.run([sys.executable, "-m", "simulator.cli", "--version"], capture_output=True, text=True)
    assert result.stdout.strip() == f"awsbox {__version__}"


def test_serve_prints_banner_is_ready_fast_and_stops_on_sigint(tmp_path):
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port), "--in-memory"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "auth:" in line:
            break
    ready_after = time.monotonic() - started
    banner = "".join(lines)
    assert f"http://127.0.0.1:{port}" in banner
    assert "123456789012" in banner and "AWS_ACCESS_KEY_ID=test" in banner and "us-east-1" in banner
    # Ready is reported, not asserted against a timer (noisy machines); see benchmarks/.
    print(f"ready after {ready_after:.2f}s")
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=15) == 0


def test_environment_variables_configure_serve(tmp_path):
    port = free_port()
    env = dict(os.environ, AWSBOX_PORT=str(port), AWSBOX_DATA_DIR=str(tmp_path / "d"), AWSBOX_REGION="eu-west-1")
    process = subprocess.Popen([sys.executable, "-m", "simulator.cli", "serve"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    banner = ""
    for line in process.stdout:
        banner += line
        if "auth:" in line:
            break
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=15)
    assert f"127.0.0.1:{port}" in banner and "eu-west-1" in banner
    assert (tmp_path / "d" / "state.sqlite3").exists()


def test_accounts_and_reset_commands(server):
    def awsbox(*args):
        return subprocess.run([sys.executable, "-m", "simulator.cli", *args, "--endpoint", server.endpoint],
                              capture_output=True, text=True, timeout=30)

    created = awsbox("accounts", "create", "cli-learner")
    assert created.returncode == 0, created.stderr
    assert '"access_key_id"' in created.stdout
    listed = awsbox("accounts", "list")
    assert "cli-learner" in listed.stdout
    bad = subprocess.run([sys.executable, "-m", "simulator.cli", "reset", "--endpoint", "http://127.0.0.1:1"],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode == 1 and "cannot reach" in bad.stderr


def test_compose_file_is_valid():
    path = os.path.join(ROOT, "docker-compose.yml")
    docker = subprocess.run(["docker", "compose", "-f", path, "config", "--quiet"], capture_output=True, text=True) \
        if _has_docker_compose() else None
    if docker is not None:
        assert docker.returncode == 0, docker.stderr
    compose = yaml.safe_load(open(path))
    service = compose["services"]["awsbox"]
    assert "4566:4566" in service["ports"]
    assert "--host" in service["command"] and "0.0.0.0" in service["command"]
    volume, _, target = service["volumes"][0].partition(":")
    assert volume in compose["volumes"] and target == "/data"
    assert "/_awsbox/health" in " ".join(service["healthcheck"]["test"])
    dockerfile = open(os.path.join(ROOT, "Dockerfile")).read()
    assert "awsbox" in dockerfile and "4566" in dockerfile


def _has_docker_compose() -> bool:
    try:
        return subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def test_root_keys_are_configurable(awsbox_server_factory):
    with awsbox_server_factory("--root-access-key-id", "AKIAROOTEXAMPLE00001", "--root-secret-access-key", "s3cret") as server:
        identity = server.client("sts", "AKIAROOTEXAMPLE00001", "s3cret").get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::123456789012:root"
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            server.client("sts").get_caller_identity()  # test/test is not a key here
        assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_a_second_server_on_a_taken_port_refuses_to_start(awsbox_server_factory, tmp_path):
    """granian's SO_REUSEPORT would let it join the first server's port, and
    requests would go at random to two servers with different stores."""
    first = awsbox_server_factory().start()
    first.client("s3").create_bucket(Bucket="first-store")
    second = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(first.port), "--data-dir", str(tmp_path / "second")],
        capture_output=True, text=True, timeout=60,
    )
    assert second.returncode == 1
    assert f"cannot listen on 127.0.0.1:{first.port}" in second.stderr
    assert not (tmp_path / "second").exists()  # refused before anything was made
    for _ in range(20):  # every request still reaches the first server's store
        assert [b["Name"] for b in first.client("s3").list_buckets()["Buckets"]] == ["first-store"]
