"""Uploads as today's SDKs send them: trailing checksums, flexible
checksums, Content-MD5, multipart through boto3's transfer manager, and
nothing visible after a failed upload."""
import base64
import hashlib
import os
import socket
import zlib

import pytest
from boto3.s3.transfer import TransferConfig

from .conftest import error_body, error_of

MiB = 1024 * 1024


def test_boto3_defaults_send_a_trailing_crc32_that_is_kept(server, s3, bucket):
    body = b"default checksum"
    put = s3.put_object(Bucket=bucket, Key="k", Body=body)
    crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    assert put["ChecksumCRC32"] == crc
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["ChecksumCRC32"] == crc
    assert got["ChecksumType"] == "FULL_OBJECT"
    # Only when asked: boto3 asks by default, this client does not.
    plain = server.client("s3", response_checksum_validation="when_required")
    assert "ChecksumCRC32" not in plain.get_object(Bucket=bucket, Key="k")
    assert s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")["ChecksumCRC32"] == crc


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_flexible_checksums(s3, bucket, algorithm):
    body = os.urandom(100_000)
    put = s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumAlgorithm=algorithm)
    value = put[f"Checksum{algorithm}"]
    if algorithm == "SHA256":
        assert value == base64.b64encode(hashlib.sha256(body).digest()).decode()
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == value
    assert got["Body"].read() == body


@pytest.mark.parametrize("algorithm,size", [("CRC32", 4), ("SHA256", 32)])
def test_checksum_mismatch_is_bad_digest(s3, bucket, algorithm, size):
    wrong = base64.b64encode(b"\x01" * size).decode()
    code, message, status = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"data",
                                     **{f"Checksum{algorithm}": wrong})
    assert (code, status) == ("BadDigest", 400)
    assert message == f"The {algorithm} you specified did not match the calculated checksum."
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_content_md5(s3, bucket):
    body = b"md5 checked"
    good = base64.b64encode(hashlib.md5(body).digest()).decode()
    s3.put_object(Bucket=bucket, Key="k", Body=body, ContentMD5=good)
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    assert error_of(s3.put_object, Bucket=bucket, Key="bad", Body=body, ContentMD5=wrong)[:1] == ("BadDigest",)
    assert error_of(s3.put_object, Bucket=bucket, Key="bad", Body=body, ContentMD5="not-base64!")[0] == "InvalidDigest"
    assert error_of(s3.head_object, Bucket=bucket, Key="bad")[2] == 404


def test_transfer_manager_multipart_round_trip(s3, bucket, tmp_path):
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(17 * MiB + 123))
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    s3.upload_file(str(source), bucket, "big.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="big.bin", ChecksumMode="ENABLED")
    assert head["ContentLength"] == source.stat().st_size
    assert head["ETag"].endswith('-4"')
    assert head["ChecksumCRC32"].endswith("-4")  # boto3 asks for a composite CRC32
    target = tmp_path / "back.bin"
    s3.download_file(bucket, "big.bin", str(target), Config=config)
    assert target.read_bytes() == source.read_bytes()
    assert s3.get_object(Bucket=bucket, Key="big.bin", PartNumber=2)["ContentLength"] == 5 * MiB
    middle = s3.get_object(Bucket=bucket, Key="big.bin", Range=f"bytes={5 * MiB - 10}-{5 * MiB + 9}")
    assert middle["Body"].read() == source.read_bytes()[5 * MiB - 10 : 5 * MiB + 10]


def test_multipart_rules(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    small = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"a" * 100)
    last = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=b"b" * 100)
    parts = [{"PartNumber": 1, "ETag": small["ETag"]}, {"PartNumber": 2, "ETag": last["ETag"]}]
    error = error_body(s3.complete_multipart_upload, Bucket=bucket, Key="mp", UploadId=upload,
                       MultipartUpload={"Parts": parts})
    assert error["Code"] == "EntityTooSmall"
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="mp", UploadId=upload,
                    MultipartUpload={"Parts": parts[::-1]})[0] == "InvalidPartOrder"
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="mp", UploadId=upload,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0000"'}]})[0] == "InvalidPart"
    listed = s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload)
    assert [p["PartNumber"] for p in listed["Parts"]] == [1, 2]
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]] == [upload]
    # A single part may be small: it is the last one.
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                        MultipartUpload={"Parts": [parts[0]]})
    expected = hashlib.md5(bytes.fromhex(small["ETag"].strip('"'))).hexdigest() + "-1"
    assert done["ETag"] == f'"{expected}"'
    assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == b"a" * 100
    assert error_of(s3.upload_part, Bucket=bucket, Key="mp", UploadId=upload, PartNumber=3, Body=b"x")[0] == \
        "NoSuchUpload"
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)


def test_abort_multipart_upload(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload)
    assert error_of(s3.list_parts, Bucket=bucket, Key="mp", UploadId=upload)[0] == "NoSuchUpload"
    assert error_of(s3.upload_part, Bucket=bucket, Key="mp", UploadId="bogus", PartNumber=1, Body=b"x")[0] == \
        "NoSuchUpload"


def test_multipart_sse_kms_and_part_copy(s3, kms, bucket):
    key = kms.create_key()["KeyMetadata"]
    s3.put_object(Bucket=bucket, Key="source", Body=b"s" * (6 * MiB))
    created = s3.create_multipart_upload(Bucket=bucket, Key="mp", ServerSideEncryption="aws:kms",
                                         SSEKMSKeyId=key["KeyId"], ChecksumAlgorithm="SHA256")
    assert created["SSEKMSKeyId"] == key["Arn"]
    upload = created["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                                CopySource=f"{bucket}/source", CopySourceRange=f"bytes=0-{5 * MiB - 1}")
    second = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=b"tail",
                            ChecksumAlgorithm="SHA256")
    assert second["SSEKMSKeyId"] == key["Arn"]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"],
         "ChecksumSHA256": first["CopyPartResult"]["ChecksumSHA256"]},
        {"PartNumber": 2, "ETag": second["ETag"], "ChecksumSHA256": second["ChecksumSHA256"]}]})
    assert done["ChecksumSHA256"].endswith("-2")
    got = s3.get_object(Bucket=bucket, Key="mp")
    assert got["SSEKMSKeyId"] == key["Arn"]
    assert got["Body"].read() == b"s" * (5 * MiB) + b"tail"
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(s3.get_object, Bucket=bucket, Key="mp")[0] == "KMS.DisabledException"
    kms.enable_key(KeyId=key["KeyId"])


def test_dropped_connection_stores_nothing(server, s3, bucket):
    """A body cut off mid-upload: no object, no leftover blob."""
    import urllib.parse

    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = f"{server.endpoint}/{bucket}/cut"
    request = AWSRequest(method="PUT", url=url, data=b"", headers={
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "Content-Length": str(10 * MiB)})
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    parsed = urllib.parse.urlsplit(url)
    with socket.create_connection((parsed.hostname, parsed.port)) as sock:
        head = f"PUT {parsed.path} HTTP/1.1\r\nHost: {parsed.netloc}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in request.headers.items() if k.lower() != "host") + "\r\n"
        sock.sendall(head.encode() + b"x" * MiB)
    import time

    time.sleep(0.5)
    assert error_of(s3.head_object, Bucket=bucket, Key="cut")[2] == 404
    leftovers = list((__import__("pathlib").Path(server.data_dir) / "blobs" / "tmp").iterdir())
    assert leftovers == []
