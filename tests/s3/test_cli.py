"""The AWS CLI against awsbox: s3 cp/ls/sync/presign and s3api, including
the lab's SSE-KMS flow from the terminal."""
import json
import os
import subprocess
import urllib.request

import pytest

from .conftest import unique


@pytest.fixture
def aws(server, tmp_path):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))

    def run(*args, check=True):
        result = subprocess.run(["aws", "--endpoint-url", server.endpoint, *args], env=env, capture_output=True,
                                text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
        return result

    return run


def test_cp_ls_sync_and_back(aws, tmp_path):
    bucket = unique()
    aws("s3", "mb", f"s3://{bucket}")
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_bytes(b"alpha")
    (source / "sub" / "b name.bin").write_bytes(os.urandom(9 * 1024 * 1024))  # multipart for the CLI (8 MiB chunks)
    aws("s3", "cp", str(source / "a.txt"), f"s3://{bucket}/a.txt")
    aws("s3", "sync", str(source), f"s3://{bucket}/tree")
    listing = aws("s3", "ls", "--recursive", f"s3://{bucket}").stdout
    assert "a.txt" in listing and "tree/sub/b name.bin" in listing
    assert "PRE tree/" in aws("s3", "ls", f"s3://{bucket}/").stdout
    back = tmp_path / "back"
    aws("s3", "sync", f"s3://{bucket}/tree", str(back))
    assert (back / "sub" / "b name.bin").read_bytes() == (source / "sub" / "b name.bin").read_bytes()
    # A second sync has nothing to do.
    assert aws("s3", "sync", str(source), f"s3://{bucket}/tree").stdout.strip() == ""
    aws("s3", "rb", "--force", f"s3://{bucket}")


def test_presigned_get_url(aws, tmp_path):
    # SigV4 presigning; the CLI's us-east-1 default (SigV2 query auth) is the auth layer's to accept.
    (tmp_path / "none").write_text("[default]\ns3 =\n    signature_version = s3v4\n")
    bucket = unique()
    aws("s3", "mb", f"s3://{bucket}")
    (tmp_path / "f").write_bytes(b"presigned body")
    aws("s3", "cp", str(tmp_path / "f"), f"s3://{bucket}/dir/f one")
    url = aws("s3", "presign", f"s3://{bucket}/dir/f one", "--expires-in", "300").stdout.strip()
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"presigned body"


def test_lab_flow_from_the_terminal(aws, tmp_path):
    key = json.loads(aws("kms", "create-key", "--description", "lab").stdout)["KeyMetadata"]
    bucket = unique()
    aws("s3api", "create-bucket", "--bucket", bucket)
    (tmp_path / "report.txt").write_bytes(b"quarterly numbers")
    put = json.loads(aws("s3api", "put-object", "--bucket", bucket, "--key", "report.txt", "--body",
                         str(tmp_path / "report.txt"), "--server-side-encryption", "aws:kms",
                         "--ssekms-key-id", key["KeyId"], "--storage-class", "STANDARD_IA").stdout)
    assert put["SSEKMSKeyId"] == key["Arn"]
    aws("s3", "cp", f"s3://{bucket}/report.txt", str(tmp_path / "got.txt"))
    assert (tmp_path / "got.txt").read_bytes() == b"quarterly numbers"
    aws("kms", "disable-key", "--key-id", key["KeyId"])
    failed = aws("s3api", "get-object", "--bucket", bucket, "--key", "report.txt", str(tmp_path / "no.txt"),
                 check=False)
    assert failed.returncode != 0
    assert "KMS.DisabledException" in failed.stderr
    aws("kms", "enable-key", "--key-id", key["KeyId"])
    aws("s3api", "get-object", "--bucket", bucket, "--key", "report.txt", str(tmp_path / "again.txt"))
    assert (tmp_path / "again.txt").read_bytes() == b"quarterly numbers"
    head = json.loads(aws("s3api", "head-object", "--bucket", bucket, "--key", "report.txt").stdout)
    assert (head["ServerSideEncryption"], head["StorageClass"]) == ("aws:kms", "STANDARD_IA")
