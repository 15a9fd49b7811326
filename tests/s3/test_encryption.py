"""Encryption at rest: SSE-S3, SSE-KMS (the lab), SSE-C and bucket defaults.
Bodies on disk are ciphertext, whatever the mode."""
import base64
import hashlib
import os
import pathlib

import pytest

from tests.stored import database
from .conftest import error_body, error_of, unique

SECRET = b"The quick brown fox: a plaintext that must never reach the disk. " * 2000


def files_containing(server, needle: bytes) -> list[pathlib.Path]:
    """Files of the data dir holding ``needle``: blob files, and the state
    database and its WAL, which hold small bodies."""
    root = pathlib.Path(server.data_dir)
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.mark.parametrize("size", [100, len(SECRET)], ids=["small, a row", "large, a file"])
def test_sse_s3_by_default_and_nothing_plaintext_on_disk(server, s3, bucket, size):
    marker = os.urandom(8).hex().encode()
    body = marker + SECRET[:size]
    put = s3.put_object(Bucket=bucket, Key="secret.txt", Body=body)
    assert put["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="secret.txt")["Body"].read() == body
    assert files_containing(server, marker) == []
    assert files_containing(server, SECRET[:64]) == []


def test_bucket_encryption_defaults_to_sse_s3(s3, bucket):
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]


def test_lab_sse_kms_disable_and_enable_key(server, s3, kms, bucket):
    """The lab: a KMS key, an SSE-KMS upload with a storage class, download,
    disable the key (download fails with AWS's error), enable it again."""
    key = kms.create_key(Description="lab key")["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{unique('lab')}", TargetKeyId=key["KeyId"])
    body = os.urandom(200_000)
    put = s3.put_object(Bucket=bucket, Key="report.pdf", Body=body, ServerSideEncryption="aws:kms",
                        SSEKMSKeyId=key["KeyId"], StorageClass="STANDARD_IA")
    assert put["ServerSideEncryption"] == "aws:kms"
    assert put["SSEKMSKeyId"] == key["Arn"]
    assert put["ETag"] != f'"{hashlib.md5(body).hexdigest()}"'  # not the MD5 under SSE-KMS, as in AWS
    got = s3.get_object(Bucket=bucket, Key="report.pdf")
    assert got["Body"].read() == body
    assert (got["ServerSideEncryption"], got["SSEKMSKeyId"], got["StorageClass"]) == \
        ("aws:kms", key["Arn"], "STANDARD_IA")
    kms.disable_key(KeyId=key["KeyId"])
    code, message, status = error_of(s3.get_object, Bucket=bucket, Key="report.pdf")
    assert (code, status) == ("KMS.DisabledException", 400)
    assert key["Arn"] in message and "disabled" in message
    # HEAD needs no decryption and still answers.
    assert s3.head_object(Bucket=bucket, Key="report.pdf")["SSEKMSKeyId"] == key["Arn"]
    # Nor can anything be written under a disabled key.
    assert error_of(s3.put_object, Bucket=bucket, Key="new", Body=b"x", ServerSideEncryption="aws:kms",
                    SSEKMSKeyId=key["KeyId"])[0] == "KMS.DisabledException"
    kms.enable_key(KeyId=key["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="report.pdf")["Body"].read() == body
    assert s3.get_object(Bucket=bucket, Key="report.pdf", Range="bytes=100-199")["Body"].read() == body[100:200]


def test_key_pending_deletion_fails_reads(s3, kms, bucket):
    key = kms.create_key()["KeyMetadata"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    code, _, status = error_of(s3.get_object, Bucket=bucket, Key="k")
    assert (code, status) == ("KMS.KMSInvalidStateException", 400)
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    kms.enable_key(KeyId=key["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_sse_kms_by_alias_and_unknown_key(s3, kms, bucket):
    key = kms.create_key()["KeyMetadata"]
    alias = f"alias/{unique('s3')}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=alias)
    assert put["SSEKMSKeyId"] == key["Arn"]
    code, _, status = error_of(s3.put_object, Bucket=bucket, Key="k2", Body=b"x", ServerSideEncryption="aws:kms",
                               SSEKMSKeyId="alias/does-not-exist")
    assert (code, status) == ("KMS.NotFoundException", 400)
    assert error_of(s3.head_object, Bucket=bucket, Key="k2")[2] == 404  # nothing stored


def test_sse_kms_without_key_uses_aws_managed_key(s3, kms, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms")
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert put["SSEKMSKeyId"] == managed["Arn"]
    assert managed["KeyManager"] == "AWS"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_sse_kms_encryption_context(s3, kms, bucket):
    key = kms.create_key()["KeyMetadata"]
    context = base64.b64encode(b'{"project":"lab"}').decode()
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"],
                        SSEKMSEncryptionContext=context)
    assert put["SSEKMSEncryptionContext"] == context
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    bad = base64.b64encode(b"not json").decode()
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms",
                    SSEKMSEncryptionContext=bad)[0] == "InvalidArgument"


def test_kms_headers_need_aws_kms(s3, bucket):
    code, message, _ = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", SSEKMSKeyId="some-key")
    assert code == "InvalidArgument"
    assert message == ("Server Side Encryption with AWS KMS managed key requires HTTP header"
                       " x-amz-server-side-encryption : aws:kms")
    error = error_body(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="AES512")
    assert (error["Code"], error["ArgumentName"]) == ("InvalidArgument", "x-amz-server-side-encryption")


def test_bucket_default_sse_kms_with_bucket_key(s3, kms, bucket):
    key = kms.create_key()["KeyMetadata"]
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["KeyId"]},
        "BucketKeyEnabled": True}]})
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["KeyId"]}
    assert rule["BucketKeyEnabled"] is True
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"default kms")
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"], put["BucketKeyEnabled"]) == \
        ("aws:kms", key["Arn"], True)
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["BucketKeyEnabled"] is True
    # An explicit request wins over the default.
    assert s3.put_object(Bucket=bucket, Key="s3", Body=b"x", ServerSideEncryption="AES256")[
        "ServerSideEncryption"] == "AES256"
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.put_object(Bucket=bucket, Key="k2", Body=b"x")["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"default kms"


def test_bucket_encryption_validation(s3, bucket):
    assert error_of(s3.put_bucket_encryption, Bucket=bucket,
                    ServerSideEncryptionConfiguration={"Rules": []})[0] == "MalformedXML"
    error = error_body(s3.put_bucket_encryption, Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "k"}}]})
    assert (error["Code"], error["ArgumentName"]) == ("InvalidArgument", "ApplyServerSideEncryptionByDefault")
    assert error_of(s3.get_bucket_encryption, Bucket=unique())[0] == "NoSuchBucket"


CUSTOMER_KEY = os.urandom(32)


def test_sse_c_round_trip(server, s3, bucket):
    marker = os.urandom(8).hex().encode()
    body = marker + SECRET
    put = s3.put_object(Bucket=bucket, Key="c", Body=body, SSECustomerAlgorithm="AES256", SSECustomerKey=CUSTOMER_KEY)
    key_md5 = base64.b64encode(hashlib.md5(CUSTOMER_KEY).digest()).decode()
    assert (put["SSECustomerAlgorithm"], put["SSECustomerKeyMD5"]) == ("AES256", key_md5)
    assert "ServerSideEncryption" not in put
    got = s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=CUSTOMER_KEY)
    assert got["Body"].read() == body
    assert got["SSECustomerKeyMD5"] == key_md5
    part = s3.get_object(Bucket=bucket, Key="c", Range="bytes=70000-70099", SSECustomerAlgorithm="AES256",
                         SSECustomerKey=CUSTOMER_KEY)
    assert part["Body"].read() == body[70000:70100]
    # Without the key, with another key, or a key on a non-SSE-C object: AWS's answers.
    code, _, status = error_of(s3.get_object, Bucket=bucket, Key="c")
    assert (code, status) == ("InvalidRequest", 400)
    code, _, status = error_of(s3.get_object, Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256",
                               SSECustomerKey=os.urandom(32))
    assert (code, status) == ("AccessDenied", 403)
    assert error_of(s3.head_object, Bucket=bucket, Key="c")[2] == 400
    assert s3.head_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256",
                          SSECustomerKey=CUSTOMER_KEY)["ContentLength"] == len(body)
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert error_of(s3.get_object, Bucket=bucket, Key="plain", SSECustomerAlgorithm="AES256",
                    SSECustomerKey=CUSTOMER_KEY)[0] == "InvalidRequest"
    # The key is nowhere on disk: not in blobs, not in the state store.
    assert files_containing(server, marker) == []
    state = (pathlib.Path(server.data_dir) / "state.sqlite3").read_bytes()
    assert CUSTOMER_KEY not in state and base64.b64encode(CUSTOMER_KEY) not in state


def test_sse_c_header_checks(s3, bucket):
    key_b64 = base64.b64encode(CUSTOMER_KEY).decode()
    wrong_md5 = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    code, message, _ = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", SSECustomerAlgorithm="AES256",
                                SSECustomerKey=key_b64, SSECustomerKeyMD5=wrong_md5)
    assert (code, message) == ("InvalidArgument",
                               "The calculated MD5 hash of the key did not match the hash that was provided.")
    short = os.urandom(16)
    code, message, _ = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", SSECustomerAlgorithm="AES256",
                                SSECustomerKey=short)
    assert message == "The secret key was invalid for the specified algorithm."
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", SSECustomerAlgorithm="AES128",
                    SSECustomerKey=CUSTOMER_KEY)[0] == "InvalidEncryptionAlgorithmError"
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", SSECustomerAlgorithm="AES256",
                    SSECustomerKey=CUSTOMER_KEY, ServerSideEncryption="AES256")[0] == "InvalidArgument"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_copy_changes_encryption(s3, kms, bucket):
    key = kms.create_key()["KeyMetadata"]
    s3.put_object(Bucket=bucket, Key="plain", Body=b"copy me")
    copied = s3.copy_object(Bucket=bucket, Key="kms", CopySource=f"{bucket}/plain", ServerSideEncryption="aws:kms",
                            SSEKMSKeyId=key["KeyId"])
    assert (copied["ServerSideEncryption"], copied["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])
    s3.copy_object(Bucket=bucket, Key="customer", CopySource=f"{bucket}/kms", SSECustomerAlgorithm="AES256",
                   SSECustomerKey=CUSTOMER_KEY)
    back = s3.copy_object(Bucket=bucket, Key="back", CopySource=f"{bucket}/customer",
                          CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=CUSTOMER_KEY)
    assert back["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="back")["Body"].read() == b"copy me"
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(s3.copy_object, Bucket=bucket, Key="again", CopySource=f"{bucket}/kms")[0] == \
        "KMS.DisabledException"
    kms.enable_key(KeyId=key["KeyId"])


def _one_bit_flipped(data: bytes) -> bytes:
    return data[:10] + bytes([data[10] ^ 1]) + data[11:]


@pytest.mark.parametrize("size", [1000, 200_000], ids=["small, a row", "large, a file"])
def test_tampered_blob_is_never_served(server, s3, bucket, size):
    s3.put_object(Bucket=bucket, Key="k", Body=b"A" * size)
    with database(server.data_dir) as db, db:
        [blob_id] = db.execute("SELECT blob_id FROM s3_objects WHERE bucket = ? AND key = 'k'", (bucket,)).fetchone()
        if blob_id.startswith("db"):
            row_id = int(blob_id[2:], 16)
            [data] = db.execute("SELECT data FROM blobs WHERE id = ?", (row_id,)).fetchone()
            db.execute("UPDATE blobs SET data = ? WHERE id = ?", (_one_bit_flipped(data), row_id))
        else:
            blob = pathlib.Path(server.data_dir) / "blobs" / blob_id[:2] / blob_id
            blob.write_bytes(_one_bit_flipped(blob.read_bytes()))
    assert blob_id.startswith("db") == (size < 96 * 1024)
    code, _, status = error_of(s3.get_object, Bucket=bucket, Key="k")
    assert (code, status) == ("InternalError", 500)
