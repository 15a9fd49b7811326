"""What one client process does, one call at a time. Each factory takes the
process's boto3 clients and a spec (plain data sent by the parent) and returns
``call(i) -> units``: the i-th operation of this process, answering how many
units it moved (1 per call, keys for listing, bytes for large bodies)."""
from __future__ import annotations

import http.client
import io
import os
import urllib.parse


class _Positioned(io.RawIOBase):
    """A seekable stream that holds nothing but its position (and a size, for
    SEEK_END)."""

    size = 0
    position = 0

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position


class PatternBody(_Positioned):
    """A seekable body of ``size`` bytes made by repeating one random MiB, so a
    1 GiB upload never sits in the client's memory."""

    def __init__(self, size: int, seed_block: bytes | None = None):
        self.size = size
        self.block = seed_block or os.urandom(1 << 20)
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self.size - self.position)
        done = 0
        while done < wanted:
            start = (self.position + done) % len(self.block)
            piece = min(wanted - done, len(self.block) - start)
            view[done:done + piece] = self.block[start:start + piece]
            done += piece
        self.position += done
        return done

    def readall(self) -> bytes:  # never the whole body at once
        raise io.UnsupportedOperation("PatternBody is read in chunks")


class DiscardSink(_Positioned):
    """A seekable writer that keeps nothing, counting what it was given: a
    download's destination that takes no memory or disk. Seekable, so that
    boto3 writes each ranged part at its offset as it arrives instead of
    holding parts that come early."""

    def __init__(self):
        self.position = 0
        self.received = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        size = memoryview(data).nbytes
        self.position += size
        self.received += size
        return size


def kms_encrypt(clients, spec):
    kms, key_id, plaintext = clients("kms"), spec["key_id"], os.urandom(spec["size"])

    def call(i):
        kms.encrypt(KeyId=key_id, Plaintext=plaintext)
        return 1
    return call


def kms_decrypt(clients, spec):
    kms, blobs = clients("kms"), spec["ciphertexts"]

    def call(i):
        kms.decrypt(CiphertextBlob=blobs[i % len(blobs)])
        return 1
    return call


def kms_generate_data_key(clients, spec):
    kms, key_id = clients("kms"), spec["key_id"]

    def call(i):
        kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
        return 1
    return call


def _sse(spec) -> dict:
    if spec.get("kms_key_id"):
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": spec["kms_key_id"]}
    return {}


def s3_put(clients, spec):
    s3, bucket, extra = clients("s3"), spec["bucket"], _sse(spec)
    body = os.urandom(spec["size"])
    prefix = f"{spec['prefix']}/{spec['worker']}-{os.getpid()}/"

    def call(i):
        s3.put_object(Bucket=bucket, Key=f"{prefix}{i:08d}", Body=body, **extra)
        return 1
    return call


def s3_get(clients, spec):
    s3, bucket, keys = clients("s3"), spec["bucket"], spec["keys"]
    offset = spec["worker"] * 7

    def call(i):
        s3.get_object(Bucket=bucket, Key=keys[(i + offset) % len(keys)])["Body"].read()
        return 1
    return call


EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def s3_put_keys(clients, spec):
    """Empty objects named by ``key_format``: this process's share of the keys
    from ``start``. Filling a bucket with 100,000 keys is set-up, not a
    measurement: requests are signed with botocore's own SigV4 signer and sent
    on one kept-alive connection, a fifth of boto3's client CPU per call."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    endpoint, bucket, template = spec["endpoint"], spec["bucket"], spec["key_format"]
    signer = S3SigV4Auth(Credentials(spec["access_key"], spec["secret_key"]), "s3", spec["region"])
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(endpoint).netloc, timeout=60)
    first, stride = spec["start"] + spec["worker"], spec["workers"]

    def call(i):
        path = f"/{bucket}/" + urllib.parse.quote(template.format(first + i * stride))
        request = AWSRequest(method="PUT", url=endpoint + path, data=b"", headers={"x-amz-content-sha256": EMPTY_SHA256})
        signer.add_auth(request)
        connection.request("PUT", path, body=b"", headers=dict(request.prepare().headers))
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise RuntimeError(f"PUT {path}: HTTP {response.status} {answer[:300]!r}")
        return 1
    return call


def s3_list(clients, spec):
    """One ListObjectsV2 page per call, starting over at the end of the bucket."""
    s3, bucket = clients("s3"), spec["bucket"]
    state = {"token": None}

    def call(i):
        params = {"Bucket": bucket, "MaxKeys": 1000}
        if state["token"]:
            params["ContinuationToken"] = state["token"]
        page = s3.list_objects_v2(**params)
        state["token"] = page.get("NextContinuationToken")
        return page.get("KeyCount", 0)
    return call


def s3_put_large(clients, spec):
    s3, bucket, key, size = clients("s3"), spec["bucket"], spec["key"], spec["size"]

    def call(i):
        s3.put_object(Bucket=bucket, Key=key, Body=PatternBody(size))
        return size
    return call


def s3_get_large(clients, spec):
    s3, bucket, key = clients("s3"), spec["bucket"], spec["key"]

    def call(i):
        received = 0
        for chunk in s3.get_object(Bucket=bucket, Key=key)["Body"].iter_chunks(1 << 20):
            received += len(chunk)
        return received
    return call


def _transfer_config(spec):
    """boto3's managed transfers in parts of ``part_size`` over ``threads``
    connections, as ``upload_fileobj`` / ``download_fileobj`` make them; the
    threshold makes even an object of one part go the multipart way. The
    classic (Python) transfer client, whichever machine this runs on."""
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(multipart_threshold=min(spec["part_size"], spec["size"]),
                          multipart_chunksize=spec["part_size"], max_concurrency=spec["threads"],
                          preferred_transfer_client="classic")


def s3_multipart_upload(clients, spec):
    """CreateMultipartUpload, UploadPart from several threads, Complete. boto3
    reads each part of a file object into memory before sending it: the
    client holds at most ten parts at a time (s3transfer's limit), never the
    object."""
    s3, bucket, key, size, config = clients("s3"), spec["bucket"], spec["key"], spec["size"], _transfer_config(spec)

    def call(i):
        s3.upload_fileobj(PatternBody(size), bucket, key, Config=config)
        return size
    return call


def s3_multipart_download(clients, spec):
    """HeadObject, then ranged GetObject calls from several threads, written
    to a sink that keeps nothing."""
    s3, bucket, key, size, config = clients("s3"), spec["bucket"], spec["key"], spec["size"], _transfer_config(spec)

    def call(i):
        sink = DiscardSink()
        s3.download_fileobj(bucket, key, sink, Config=config)
        if sink.received != size:
            raise RuntimeError(f"downloaded {sink.received:,} bytes of {size:,}")
        return sink.received
    return call


OPERATIONS = {
    "kms.Encrypt": kms_encrypt,
    "kms.Decrypt": kms_decrypt,
    "kms.GenerateDataKey": kms_generate_data_key,
    "s3.PutObject": s3_put,
    "s3.GetObject": s3_get,
    "s3.PutKeys": s3_put_keys,
    "s3.ListObjectsV2": s3_list,
    "s3.PutLargeObject": s3_put_large,
    "s3.GetLargeObject": s3_get_large,
    "s3.MultipartUpload": s3_multipart_upload,
    "s3.MultipartDownload": s3_multipart_download,
}
