"""Secrets never reach disk, logs or the trail in plaintext: after a session
of secret-bearing calls, no file under the data dir (SQLite database and
WAL, blobs, server log) holds any of them, raw or base64."""
import base64
import hashlib
import os
import secrets


def _forms(secret: bytes) -> list[bytes]:
    return [secret, base64.b64encode(secret), secret.hex().encode()]


def _files(root):
    for folder, _, names in os.walk(root):
        for name in names:
            yield os.path.join(folder, name)


def test_no_secret_is_stored_in_plaintext(awsbox_server_factory):
    server = awsbox_server_factory().start()
    found = []  # (what, bytes) of every secret the calls handled
    account = server.create_account("secrets")
    found.append(("account root secret", account["secret_access_key"].encode()))

    iam = server.client("iam")
    iam.create_user(UserName="keeper")
    key = iam.create_access_key(UserName="keeper")["AccessKey"]
    found.append(("IAM secret access key", key["SecretAccessKey"].encode()))
    password = "Pw-" + secrets.token_urlsafe(18)
    iam.create_login_profile(UserName="keeper", Password=password)
    found.append(("console password", password.encode()))
    iam.create_role(RoleName="assumable", AssumeRolePolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},'
        '"Action":"sts:AssumeRole"}]}'))
    iam.put_user_policy(UserName="keeper", PolicyName="assume", PolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}'))
    session = server.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(RoleArn="arn:aws:iam::123456789012:role/assumable",
                                               RoleSessionName="secrets")["Credentials"]
    found += [("session secret", session["SecretAccessKey"].encode()), ("session token", session["SessionToken"].encode())]

    kms = server.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    marker = b"KMS-PLAINTEXT-" + secrets.token_bytes(24)
    blob = kms.encrypt(KeyId=key_id, Plaintext=marker)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == marker
    found.append(("KMS plaintext", marker))
    found.append(("data key", kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")["Plaintext"]))
    found.append(("data key pair private key",
                  kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="ECC_NIST_P256")["PrivateKeyPlaintext"]))

    s3 = server.client("s3")
    s3.create_bucket(Bucket="secrets-bucket")
    body = b"OBJECT-BODY-" + secrets.token_bytes(64)
    s3.put_object(Bucket="secrets-bucket", Key="plain", Body=body)
    s3.put_object(Bucket="secrets-bucket", Key="kms", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
    customer_key = secrets.token_bytes(32)
    s3.put_object(Bucket="secrets-bucket", Key="ssec", Body=body, SSECustomerAlgorithm="AES256",
                  SSECustomerKey=customer_key)
    assert s3.get_object(Bucket="secrets-bucket", Key="ssec", SSECustomerAlgorithm="AES256",
                         SSECustomerKey=customer_key)["Body"].read() == body
    found += [("object body", body), ("SSE-C key", customer_key),
              ("SSE-C key MD5", base64.b64encode(hashlib.md5(customer_key).digest()))]

    server.stop()  # flushes the trail; WAL and logs stay on disk as they are
    leaks, bucket_name_seen = [], False
    for path in _files(server.data_dir):
        content = open(path, "rb").read()
        bucket_name_seen |= b"secrets-bucket" in content
        for what, secret in found:
            if what == "SSE-C key MD5":
                continue  # AWS echoes the key's MD5 in headers; it is not the key
            if any(form in content for form in _forms(secret)):
                leaks.append((what, os.path.relpath(path, server.data_dir)))
    assert bucket_name_seen, "the scan read nothing: the bucket's own name should be on disk"
    assert leaks == []
