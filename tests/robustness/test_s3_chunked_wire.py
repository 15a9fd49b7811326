"""aws-chunked uploads on the wire: PutObject and UploadPart bodies in the
STREAMING-* encodings, encoded here from AWS's spec, sent over a raw socket
to the session's server (granian and the app), in odd pieces, cut short,
or with the framing, a signature, a length or a trailer wrong.

The seed signature is botocore's own (S3SigV4Auth, with the STREAMING-*
value as the payload line); chunk and trailer signatures chain from it as
"Signature Calculations for the Authorization Header: Transferring Payload
in Multiple Chunks" and "... Including Trailing Headers" describe
(https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html,
.../sigv4-streaming-trailers.html). Content-Length, Content-Encoding and
x-amz-decoded-content-length are signed, as in AWS's own example.

AWS's answers to the bad ones, as recorded against S3 itself in
versity/versitygw's issues (its maintainers diff the gateway with S3):
- a bad chunk signature: SignatureDoesNotMatch, 403 (#1147, #1056);
- bad framing (size not hex, signature extension missing, delimiters
  wrong, body ending early): IncompleteBody "The request body terminated
  unexpectedly", 400 (#1685 signed, #1666 unsigned);
- x-amz-decoded-content-length off: IncompleteBody "You did not provide
  the number of bytes specified by the Content-Length HTTP header" with
  NumberBytesExpected / NumberBytesProvided, 400 (#1684, #1676);
- a declared trailer missing: MalformedTrailerError, 400 (#1600, #1691);
- a chunk under 8 KiB that is not the last: InvalidChunkSizeError, 400 (#1683).

Every refused upload leaves the key as it was (absent, or the previous
version), no blob (files and rows, tests/stored.py), no temporary file and
no traceback in the server's log.
"""
from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import hmac
import http.client
import os
import random
import socket
import time
import uuid
import zlib
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from lxml import etree

from tests.stored import blob_ids

SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
REGION = "us-east-1"
CREDENTIALS = Credentials("test", "test")  # the session server's default account root
# Chunks of odd sizes, every one but the last at least 8 KiB (S3's minimum),
# over 96 KiB in all: the body goes to a blob file, not a database row.
SIZES = (70_001, 30_011, 777)
SMALL = (9_001, 123)  # under 96 KiB: an inline blob row
PIECES = (1, 7, 4096)  # the sizes the body is sent in
TERMINATED = "The request body terminated unexpectedly"
LENGTH_DIFFERS = "You did not provide the number of bytes specified by the Content-Length HTTP header"


def payload(sizes, seed=0) -> list[bytes]:
    rng = random.Random(seed)
    return [rng.randbytes(size) for size in sizes]


def crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def _hmac_hex(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


# -- signing --------------------------------------------------------------------------


@dataclasses.dataclass
class Signing:
    """The chain of one request's chunk signatures, seeded by its own."""

    key: bytes
    timestamp: str
    scope: str
    seed: str

    def chunk(self, previous: str, data: bytes) -> str:
        return _hmac_hex(self.key, "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", self.timestamp, self.scope, previous,
                                              EMPTY_SHA256, hashlib.sha256(data).hexdigest()]))

    def trailer(self, previous: str, canonical: str) -> str:
        return _hmac_hex(self.key, "\n".join(["AWS4-HMAC-SHA256-TRAILER", self.timestamp, self.scope, previous,
                                              hashlib.sha256(canonical.encode()).hexdigest()]))


# Signatures are always 64 hex digits: a body encoded with this chain has the
# length of the real one, which Content-Length (signed) must say up front.
PLACEHOLDER = Signing(b"k" * 32, "20130524T000000Z", f"20130524/{REGION}/s3/aws4_request", "0" * 64)


class _SeedSigner(S3SigV4Auth):
    """botocore's S3 signer, with the STREAMING-* value as the payload line
    (it would otherwise put the hash of the empty AWSRequest body there)."""

    def __init__(self, mode: str):
        super().__init__(CREDENTIALS, "s3", REGION)
        self._mode = mode

    def payload(self, request):
        return self._mode


def _signing_key(date: str) -> bytes:
    key = f"AWS4{CREDENTIALS.secret_key}".encode()
    for part in (date, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def encode(mode: str, chunks: list[bytes], signing: Signing, trailers: dict) -> list[bytes]:
    """The aws-chunked body as pieces: one per data chunk, then the final
    zero-length chunk with the trailer block (if any) and the closing CRLF."""
    pieces, previous = [], signing.seed
    for data in [*chunks, b""]:
        if mode == UNSIGNED_TRAILER:
            head = f"{len(data):x}\r\n"
        else:
            previous = signing.chunk(previous, data)
            head = f"{len(data):x};chunk-signature={previous}\r\n"
        pieces.append(head.encode() + data + (b"\r\n" if data else b""))
    block = "".join(f"{name}:{value}\r\n" for name, value in trailers.items())
    if mode == SIGNED_TRAILER:
        canonical = "".join(f"{name}:{value}\n" for name, value in sorted(trailers.items()))
        block += f"x-amz-trailer-signature:{signing.trailer(previous, canonical)}\r\n"
    pieces[-1] += block.encode() + b"\r\n"
    return pieces


@dataclasses.dataclass
class Upload:
    method: str
    head: bytes
    body: bytes


def build(endpoint: str, target: str, chunks: list[bytes], *, mode: str = SIGNED, trailers: dict | None = None,
          trailer_header: str | None = None, decoded_length: int | None = None, tamper=None) -> Upload:
    """A signed request carrying ``chunks`` aws-chunked. ``tamper(pieces)``
    edits the encoded pieces after signing; Content-Length is the length of
    what is then sent."""
    trailers = trailers or {}

    def body(signing: Signing) -> bytes:
        pieces = encode(mode, chunks, signing, trailers)
        if tamper is not None:
            tamper(pieces)
        return b"".join(pieces)

    headers = {"Content-Encoding": "aws-chunked", "Content-Length": str(len(body(PLACEHOLDER))),
               "X-Amz-Decoded-Content-Length": str(sum(map(len, chunks)) if decoded_length is None else decoded_length)}
    if trailer_header:
        # What boto3 sends with a checksum trailer.
        headers.update({"X-Amz-Trailer": trailer_header, "X-Amz-Sdk-Checksum-Algorithm": "CRC32"})
    request = AWSRequest(method="PUT", url=endpoint + target, headers=headers)
    _SeedSigner(mode).add_auth(request)
    timestamp = request.headers["X-Amz-Date"]
    signing = Signing(_signing_key(timestamp[:8]), timestamp, f"{timestamp[:8]}/{REGION}/s3/aws4_request",
                      request.headers["Authorization"].rsplit("Signature=", 1)[1])
    data = body(signing)
    assert len(data) == int(headers["Content-Length"])
    host = urlsplit(endpoint).netloc
    lines = [f"PUT {target} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in request.headers.items())]
    return Upload("PUT", ("\r\n".join(lines) + "\r\n\r\n").encode(), data)


# -- the wire -------------------------------------------------------------------------


@dataclasses.dataclass
class Answer:
    status: int
    body: bytes

    def error(self) -> dict:
        """The S3 error's members; empty when the body is not one."""
        try:
            root = etree.fromstring(self.body)
        except etree.XMLSyntaxError:
            return {}
        return {child.tag: child.text for child in root} if root.tag == "Error" else {}

    def __str__(self):
        return f"HTTP {self.status} {self.body[:400]!r}"


def connect(endpoint: str) -> socket.socket:
    parts = urlsplit(endpoint)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # each piece its own segment
    return sock


def send(endpoint: str, upload: Upload, *, rng: random.Random | None = None) -> Answer:
    """Send the head, then the body: whole, or (``rng``) in pieces of the
    PIECES sizes with short pauses between some of them."""
    with connect(endpoint) as sock:
        try:
            sock.sendall(upload.head)
            if rng is None:
                sock.sendall(upload.body)
            else:
                at = 0
                while at < len(upload.body):
                    size = rng.choice(PIECES)
                    sock.sendall(upload.body[at:at + size])
                    at += size
                    if rng.random() < 0.05:
                        time.sleep(0.002)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading all of a body it refuses: read that answer
        response = http.client.HTTPResponse(sock, method=upload.method)
        response.begin()
        return Answer(response.status, response.read())


# -- what the server keeps ------------------------------------------------------------


def temporary_files(data_dir) -> set[str]:
    return {p.name for p in (Path(data_dir) / "blobs" / "tmp").iterdir()}


def stored_object(s3, bucket: str, key: str):
    try:
        got = s3.get_object(Bucket=bucket, Key=key)
    except ClientError as error:
        assert error.response["Error"]["Code"] == "NoSuchKey", error.response
        return None
    return got["ETag"], got["Body"].read()


def log_size(server) -> int:
    return os.path.getsize(server.log_path)


def log_since(server, offset: int) -> str:
    with open(server.log_path, "rb") as log:
        log.seek(offset)
        return log.read().decode("utf-8", "replace")


@contextlib.contextmanager
def changes_nothing(server, s3, bucket: str, key: str, *, settle: float = 0.0):
    """The key as it was, no new blob or temporary file, no traceback logged.
    ``settle``: how long the server may take to notice a dropped connection."""
    blobs, temporary = blob_ids(server.data_dir), temporary_files(server.data_dir)
    before = stored_object(s3, bucket, key)
    offset = log_size(server)
    yield
    deadline = time.monotonic() + settle
    while (blob_ids(server.data_dir), temporary_files(server.data_dir)) != (blobs, temporary) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert blob_ids(server.data_dir) == blobs, "a refused upload left a blob"
    assert temporary_files(server.data_dir) == temporary, "a refused upload left a temporary file"
    assert stored_object(s3, bucket, key) == before
    log = log_since(server, offset)
    assert "Traceback" not in log, log[-3000:]


def refused(answer: Answer, code: str, status: int, message: str | None = None) -> dict:
    fields = answer.error()
    assert (answer.status, fields.get("Code")) == (status, code), str(answer)
    if message is not None:
        assert fields.get("Message") == message, str(answer)
    return fields


# -- tampering ------------------------------------------------------------------------


def _signature_at(piece: bytes) -> int:
    return piece.index(b"chunk-signature=") + len(b"chunk-signature=")


def flip_signature(index: int):
    """One hex digit of chunk ``index``'s signature changed."""
    def tamper(pieces):
        at = _signature_at(pieces[index]) + 10
        piece = bytearray(pieces[index])
        piece[at] = ord("1") if piece[at] == ord("0") else ord("0")
        pieces[index] = bytes(piece)
    return tamper


def flip_data(index: int):
    """One byte of chunk ``index``'s data changed (its length kept)."""
    def tamper(pieces):
        piece = bytearray(pieces[index])
        piece[-100] ^= 0x01
        pieces[index] = bytes(piece)
    return tamper


def drop_final_chunk(pieces):
    pieces.pop()


def size_not_hex(pieces):
    pieces[1] = b"xyz" + pieces[1][pieces[1].index(b";"):]


def no_signature_extension(pieces):
    head, _, rest = pieces[1].partition(b"\r\n")
    pieces[1] = head.partition(b";")[0] + b"\r\n" + rest


def absurd_header_line(pieces):
    pieces[1] = b"f" * 70_000 + pieces[1]


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bucket(server):
    name = f"chunked-wire-{uuid.uuid4().hex[:12]}"
    server.client("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture
def key():
    return f"k-{uuid.uuid4().hex[:12]}"


def put(server, bucket, key, chunks, **options) -> Answer:
    return send(server.endpoint, build(server.endpoint, f"/{bucket}/{key}", chunks, **options))


# -- PutObject ------------------------------------------------------------------------


def test_signed_chunks_in_odd_pieces_store_the_exact_bytes(server, s3, bucket, key):
    chunks = payload(SIZES)
    data = b"".join(chunks)
    blobs = blob_ids(server.data_dir)
    upload = build(server.endpoint, f"/{bucket}/{key}", chunks)
    answer = send(server.endpoint, upload, rng=random.Random(7))
    assert answer.status == 200, str(answer)
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == data
    assert got["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert got["ContentLength"] == len(data)
    assert len(blob_ids(server.data_dir) - blobs) == 1


def test_a_small_signed_upload_is_stored_too(server, s3, bucket, key):
    chunks = payload(SMALL, seed=1)
    assert put(server, bucket, key, chunks).status == 200
    assert stored_object(s3, bucket, key) == (f'"{hashlib.md5(b"".join(chunks)).hexdigest()}"', b"".join(chunks))


@pytest.mark.parametrize("sizes", [SIZES, SMALL], ids=["blob-file", "blob-row"])
def test_a_chunk_signature_that_does_not_match(server, s3, bucket, key, sizes):
    s3.put_object(Bucket=bucket, Key=key, Body=b"the previous version")
    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, payload(sizes), tamper=flip_signature(1))
        refused(answer, "SignatureDoesNotMatch", 403)


def test_the_final_chunk_signature_is_checked(server, s3, bucket, key):
    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, payload(SIZES), tamper=flip_signature(len(SIZES)))
        refused(answer, "SignatureDoesNotMatch", 403)


@pytest.mark.parametrize("sizes", [SIZES, SMALL], ids=["blob-file", "blob-row"])
def test_chunk_data_altered_after_signing(server, s3, bucket, key, sizes):
    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, payload(sizes), tamper=flip_data(1))
        refused(answer, "SignatureDoesNotMatch", 403)


def test_the_connection_dropped_inside_a_chunk(server, s3, bucket, key):
    """The second chunk declares 30011 bytes, 500 arrive, the client goes:
    no answer to read, nothing kept, the server serves the next request.
    The first chunk is over 1 MiB: the server has begun a blob file (it
    seals 16 frames of 64 KiB at a time) that it must throw away."""
    first = 1_300_000
    chunks = payload((first, 30_011, 777))
    upload = build(server.endpoint, f"/{bucket}/{key}", chunks)
    second = len(f"{first:x};chunk-signature=") + 64 + 2 + first + 2
    assert upload.body[second:second + 5] == f"{30_011:x};".encode()
    cut = second + len(f"{30_011:x};chunk-signature=") + 64 + 2 + 500
    temporary = temporary_files(server.data_dir)
    with changes_nothing(server, s3, bucket, key, settle=5.0), connect(server.endpoint) as sock:
        sock.sendall(upload.head + upload.body[:cut])
        # The first chunk verified, the server is writing a blob file: close
        # while it waits for the rest of the second.
        deadline = time.monotonic() + 5
        while temporary_files(server.data_dir) == temporary and time.monotonic() < deadline:
            time.sleep(0.01)
        assert temporary_files(server.data_dir) != temporary, "the server never began the blob"
    assert s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert put(server, bucket, key, payload(SMALL)).status == 200  # and a new upload of the same key works


def test_the_final_zero_length_chunk_missing(server, s3, bucket, key):
    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, payload(SIZES), tamper=drop_final_chunk)
        refused(answer, "IncompleteBody", 400, TERMINATED)


@pytest.mark.parametrize("offset", [-1000, +1000], ids=["declared-smaller", "declared-larger"])
def test_decoded_content_length_differs_from_the_chunks(server, s3, bucket, key, offset):
    chunks = payload((5000,))  # one chunk, the shape of the recorded answer
    declared = 5000 + offset
    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, chunks, decoded_length=declared)
        fields = refused(answer, "IncompleteBody", 400, LENGTH_DIFFERS)
    if offset < 0:  # the members S3 answered in versitygw#1684 (3 declared, 5 sent)
        assert (fields.get("NumberBytesExpected"), fields.get("NumberBytesProvided")) == (str(declared), "5000")


@pytest.mark.parametrize("tamper", [size_not_hex, no_signature_extension, absurd_header_line])
def test_a_malformed_chunk_header(server, s3, bucket, key, tamper):
    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, payload(SIZES), tamper=tamper)
        refused(answer, "IncompleteBody", 400, TERMINATED)


@pytest.mark.parametrize("mode", [SIGNED, UNSIGNED_TRAILER])
def test_a_small_chunk_that_is_not_the_last(server, s3, bucket, key, mode):
    """Signed or not (versitygw#1683, #1665, both recorded from S3)."""
    trailer = {"trailers": {"x-amz-checksum-crc32": crc32(b"\0" * 10100)}, "trailer_header": "x-amz-checksum-crc32"}
    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, payload((5000, 5000, 100)), mode=mode,
                     **(trailer if mode == UNSIGNED_TRAILER else {}))
        fields = refused(answer, "InvalidChunkSizeError", 400,
                         "Only the last chunk is allowed to have a size less than 8192 bytes")
    # As S3 answered in versitygw#1683 (chunks of 3, 2, 0 bytes: Chunk 2,
    # BadChunkSize 3): the chunk that follows the short one, and the short size.
    assert (fields["Chunk"], fields["BadChunkSize"]) == ("2", "5000")


# -- trailers -------------------------------------------------------------------------


@pytest.mark.parametrize("mode, seed", [(UNSIGNED_TRAILER, 2), (SIGNED_TRAILER, 3)], ids=["unsigned", "signed"])
def test_chunks_with_a_checksum_trailer(server, s3, bucket, key, mode, seed):
    chunks = payload(SIZES, seed=seed)
    data = b"".join(chunks)
    upload = build(server.endpoint, f"/{bucket}/{key}", chunks, mode=mode,
                   trailers={"x-amz-checksum-crc32": crc32(data)}, trailer_header="x-amz-checksum-crc32")
    answer = send(server.endpoint, upload, rng=random.Random(8 + seed))
    assert answer.status == 200, str(answer)
    assert s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")["ChecksumCRC32"] == crc32(data)
    assert stored_object(s3, bucket, key) == (f'"{hashlib.md5(data).hexdigest()}"', data)


@pytest.mark.parametrize("sizes", [SIZES, SMALL], ids=["blob-file", "blob-row"])
def test_unsigned_payload_with_a_wrong_checksum_trailer(server, s3, bucket, key, sizes):
    s3.put_object(Bucket=bucket, Key=key, Body=b"the previous version")
    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, payload(sizes), mode=UNSIGNED_TRAILER,
                     trailers={"x-amz-checksum-crc32": crc32(b"something else")},
                     trailer_header="x-amz-checksum-crc32")
        refused(answer, "BadDigest", 400, "The CRC32 you specified did not match the calculated checksum.")


@pytest.mark.parametrize("mode", [UNSIGNED_TRAILER, SIGNED_TRAILER])
def test_a_declared_trailer_that_is_not_sent(server, s3, bucket, key, mode):
    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, payload(SIZES), mode=mode, trailer_header="x-amz-checksum-crc32")
        refused(answer, "MalformedTrailerError", 400)


def test_a_trailer_signature_that_does_not_match(server, s3, bucket, key):
    data = b"".join(payload(SIZES))

    def tamper(pieces):
        at = pieces[-1].index(b"x-amz-trailer-signature:") + len(b"x-amz-trailer-signature:") + 5
        piece = bytearray(pieces[-1])
        piece[at] = ord("1") if piece[at] == ord("0") else ord("0")
        pieces[-1] = bytes(piece)

    with changes_nothing(server, s3, bucket, key):
        answer = put(server, bucket, key, payload(SIZES), mode=SIGNED_TRAILER,
                     trailers={"x-amz-checksum-crc32": crc32(data)}, trailer_header="x-amz-checksum-crc32",
                     tamper=tamper)
        refused(answer, "SignatureDoesNotMatch", 403)


# -- UploadPart -----------------------------------------------------------------------


@pytest.fixture
def multipart(s3, bucket, key):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    yield upload_id
    s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)


def _part_target(bucket, key, upload_id, number):
    return f"/{bucket}/{key}?partNumber={number}&uploadId={quote(upload_id, safe='')}"


def _parts(s3, bucket, key, upload_id):
    return [(p["PartNumber"], p["ETag"], p["Size"])
            for p in s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id).get("Parts", [])]


def test_upload_part_with_signed_chunks(server, s3, bucket, key, multipart):
    chunks = payload(SIZES, seed=4)
    data = b"".join(chunks)
    upload = build(server.endpoint, _part_target(bucket, key, multipart, 1), chunks)
    answer = send(server.endpoint, upload, rng=random.Random(10))
    assert answer.status == 200, str(answer)
    assert _parts(s3, bucket, key, multipart) == [(1, f'"{hashlib.md5(data).hexdigest()}"', len(data))]


@pytest.mark.parametrize("bad", ["chunk-signature", "data", "checksum-trailer", "final-chunk-missing"])
def test_a_refused_upload_part_is_not_listed(server, s3, bucket, key, multipart, bad):
    first = payload(SIZES, seed=5)
    assert send(server.endpoint, build(server.endpoint, _part_target(bucket, key, multipart, 1), first)).status == 200
    listed = _parts(s3, bucket, key, multipart)
    options, expected = {
        "chunk-signature": ({"tamper": flip_signature(1)}, ("SignatureDoesNotMatch", 403)),
        "data": ({"tamper": flip_data(0)}, ("SignatureDoesNotMatch", 403)),
        "checksum-trailer": ({"mode": UNSIGNED_TRAILER, "trailers": {"x-amz-checksum-crc32": crc32(b"else")},
                              "trailer_header": "x-amz-checksum-crc32"}, ("BadDigest", 400)),
        "final-chunk-missing": ({"tamper": drop_final_chunk}, ("IncompleteBody", 400)),
    }[bad]
    blobs, temporary = blob_ids(server.data_dir), temporary_files(server.data_dir)
    for number in (2, 1):  # a new part, and one replacing a listed part
        answer = send(server.endpoint, build(server.endpoint, _part_target(bucket, key, multipart, number),
                                             payload(SIZES, seed=6), **options))
        refused(answer, *expected)
    assert _parts(s3, bucket, key, multipart) == listed
    assert (blob_ids(server.data_dir), temporary_files(server.data_dir)) == (blobs, temporary)
