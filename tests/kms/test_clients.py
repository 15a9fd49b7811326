"""Real clients beyond boto3: the AWS CLI and the AWS Encryption SDK."""
import base64
import json
import os
import subprocess

import aws_encryption_sdk
import botocore.session
from aws_encryption_sdk import CommitmentPolicy


def _cli(server, *args):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": server.region,
           "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
    done = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", "kms", *args],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_aws_cli_create_key_encrypt_decrypt(server, tmp_path):
    key = _cli(server, "create-key", "--description", "from the cli")["KeyMetadata"]
    assert key["KeyState"] == "Enabled"
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"cli plaintext")
    encrypted = _cli(server, "encrypt", "--key-id", key["KeyId"], "--plaintext", f"fileb://{secret}",
                     "--encryption-context", "app=cli")
    blob = tmp_path / "blob.bin"
    blob.write_bytes(base64.b64decode(encrypted["CiphertextBlob"]))
    decrypted = _cli(server, "decrypt", "--ciphertext-blob", f"fileb://{blob}", "--encryption-context", "app=cli")
    assert base64.b64decode(decrypted["Plaintext"]) == b"cli plaintext" and decrypted["KeyId"] == key["Arn"]


def test_aws_encryption_sdk_round_trip(server, tmp_path, monkeypatch):
    key = server.client("kms").create_key(Description="encryption sdk")["KeyMetadata"]
    # The SDK makes its own KMS clients; botocore's service endpoint variable points them here.
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", server.endpoint)
    session = botocore.session.Session()
    session.set_credentials("test", "test")
    session.set_config_variable("region", server.region)
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key["Arn"]], botocore_session=session)
    client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    source = tmp_path / "file.txt"
    source.write_bytes(os.urandom(100_000))
    ciphertext, header = client.encrypt(source=source.read_bytes(), key_provider=provider, encryption_context={"file": "file.txt"})
    assert header.encryption_context["file"] == "file.txt"
    plaintext, decrypted_header = client.decrypt(source=ciphertext, key_provider=provider)
    assert plaintext == source.read_bytes()
    assert decrypted_header.encryption_context["file"] == "file.txt"
