"""Payload verification: x-amz-content-sha256, and aws-chunked bodies
(signed chunks, unsigned and signed trailers) as boto3 1.43 sends them."""
import base64
import datetime as dt
import hashlib
import hmac
import io
import tracemalloc
import zlib

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from signed_requests import ALICE, ENDPOINT, ROOT, Keys, boto3_put_object, botocore_credentials, now, run, served, \
    sign, werkzeug_request

from simulator.auth import AuthFailure, authenticate

EMPTY = hashlib.sha256(b"").hexdigest()
PAYLOAD = bytes(range(256)) * 1200  # 300 KiB


def read_failure(body) -> AuthFailure:
    with pytest.raises(AuthFailure) as raised:
        b"".join(iter(body))
    return raised.value


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


# -- boto3 1.43 PutObject ------------------------------------------------------------


def test_boto3_put_object_over_https_sends_an_unsigned_trailer_and_decodes():
    request, raw_path = boto3_put_object("https://localhost:4566", PAYLOAD * 5, key="a b/c+d.bin")
    assert request.headers["X-Amz-Content-SHA256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert request.headers["Content-Encoding"] == "aws-chunked"
    credential, scope, body = run(request, raw_path, stream=True)
    assert credential.principal == ALICE
    data = b"".join(iter(body))
    assert data == PAYLOAD * 5
    assert body.decoded_length == len(PAYLOAD * 5)
    assert body.trailers == {"x-amz-checksum-crc32": crc32_b64(PAYLOAD * 5)}


def test_boto3_put_object_of_an_empty_body():
    request, raw_path = boto3_put_object("https://localhost:4566", b"")
    _, _, body = run(request, raw_path, stream=True)
    assert body.read(100) == b"" and body.trailers == {"x-amz-checksum-crc32": "AAAAAA=="}


def test_boto3_put_object_tampered_chunk_data_is_caught_by_the_checksum_trailer_not_auth():
    # The unsigned-trailer form is protected by TLS and the checksum, which
    # S3 (not auth) verifies against the trailer the reader exposes.
    request, raw_path = boto3_put_object("https://localhost:4566", b"hello world")
    raw = request.get_data().replace(b"hello", b"HELLO")
    tampered, _ = werkzeug_request("PUT", ENDPOINT + raw_path, dict(request.headers), raw)
    _, _, body = run(tampered, raw_path, stream=True)
    assert b"".join(iter(body)) == b"HELLO world"
    assert body.trailers["x-amz-checksum-crc32"] != crc32_b64(b"HELLO world")


def test_boto3_put_object_over_http_signs_the_payload_hash():
    request, raw_path = boto3_put_object(ENDPOINT, PAYLOAD)
    assert request.headers["X-Amz-Content-SHA256"] == hashlib.sha256(PAYLOAD).hexdigest()
    _, _, body = run(request, raw_path, stream=True)
    assert b"".join(iter(body)) == PAYLOAD

    tampered, _ = werkzeug_request("PUT", ENDPOINT + raw_path, dict(request.headers), PAYLOAD[:-1] + b"!")
    _, _, body = run(tampered, raw_path, stream=True)
    failure = read_failure(body)
    assert failure.kind == "payload_mismatch"
    assert failure.fields == {"client": hashlib.sha256(PAYLOAD).hexdigest(),
                              "computed": hashlib.sha256(PAYLOAD[:-1] + b"!").hexdigest()}


def test_payload_hash_is_checked_when_content_length_bytes_are_read():
    # A consumer that stops at Content-Length still gets the failure.
    request, raw_path = boto3_put_object(ENDPOINT, b"0123456789")
    tampered, _ = werkzeug_request("PUT", ENDPOINT + raw_path, dict(request.headers), b"0123456780")
    _, _, body = run(tampered, raw_path, stream=True)
    with pytest.raises(AuthFailure):
        body.read(10)


def test_bytes_body_with_a_wrong_hash_fails_at_once():
    request, raw_path = boto3_put_object(ENDPOINT, b"abc")
    tampered, _ = werkzeug_request("PUT", ENDPOINT + raw_path, dict(request.headers), b"abd")
    with pytest.raises(AuthFailure) as raised:
        run(tampered, raw_path)
    assert raised.value.kind == "payload_mismatch"


def test_unsigned_payload_passes_the_body_through():
    request = AWSRequest(method="PUT", url=ENDPOINT + "/bucket/k", data=b"anything",
                         headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    request, raw_path = served(sign(request, "s3", signer=SigV4Auth), body=b"something else")
    _, _, body = run(request, raw_path, stream=True)
    assert body.read() == b"something else"


# -- signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) ----------------------


def _key(secret, date, region, service):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signed_chunked_put(payload: bytes, *, chunk=64 * 1024, trailer=False, secret="alice-secret",
                       tamper=None):
    """A PUT with signed chunks, encoded here from the AWS spec (botocore
    only sends unsigned trailers). ``tamper(list_of_chunk_bytes)`` edits
    the encoded pieces after signing."""
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")
    headers = {"X-Amz-Content-SHA256": mode, "Content-Encoding": "aws-chunked",
               "X-Amz-Decoded-Content-Length": str(len(payload))}
    if trailer:
        headers["X-Amz-Trailer"] = "x-amz-checksum-crc32"
    request = sign(AWSRequest(method="PUT", url=ENDPOINT + "/bucket/big.bin", headers=headers), "s3",
                   signer=SigV4Auth, credentials=botocore_credentials(secret=secret))
    seed = request.headers["Authorization"].rsplit("Signature=", 1)[1]
    timestamp = request.headers["X-Amz-Date"]
    scope = f"{timestamp[:8]}/us-east-1/s3/aws4_request"
    key = _key(secret, timestamp[:8], "us-east-1", "s3")
    previous, pieces = seed, []
    for data in [payload[i:i + chunk] for i in range(0, len(payload), chunk)] + [b""]:
        to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", timestamp, scope, previous, EMPTY,
                             hashlib.sha256(data).hexdigest()])
        previous = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        head = f"{len(data):x};chunk-signature={previous}\r\n".encode()
        pieces.append(head + data + b"\r\n" if data or not trailer else head)
    if trailer:
        canonical = f"x-amz-checksum-crc32:{crc32_b64(payload)}\n"
        to_sign = "\n".join(["AWS4-HMAC-SHA256-TRAILER", timestamp, scope, previous,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        pieces.append(canonical.replace("\n", "\r\n").encode()
                      + f"x-amz-trailer-signature:{signature}\r\n\r\n".encode())
    if tamper:
        tamper(pieces)
    return served(request, body=b"".join(pieces))


@pytest.mark.parametrize("trailer", [False, True])
def test_signed_chunks_verify_and_decode(trailer):
    request, raw_path = signed_chunked_put(PAYLOAD, trailer=trailer)
    _, _, body = run(request, raw_path, stream=True)
    assert b"".join(iter(body)) == PAYLOAD
    assert body.decoded_length == len(PAYLOAD)
    assert body.trailers == ({"x-amz-checksum-crc32": crc32_b64(PAYLOAD)} if trailer else {})


def test_signed_chunks_read_in_odd_sizes():
    request, raw_path = signed_chunked_put(PAYLOAD, chunk=10_000)
    _, _, body = run(request, raw_path, stream=True)
    out = bytearray()
    while piece := body.read(7777):
        out += piece
    assert bytes(out) == PAYLOAD


def _flip(index, offset=-5):
    def tamper(pieces):
        piece = bytearray(pieces[index])
        piece[offset] ^= 1
        pieces[index] = bytes(piece)
    return tamper


@pytest.mark.parametrize("tamper,problem", [
    (_flip(1), "signature"),  # a byte of the second chunk's data
    (_flip(0, 30), "signature"),  # the first chunk's signature itself
    (lambda pieces: pieces.__setitem__(slice(0, 2), [pieces[1], pieces[0]]), "signature"),  # reordered
    (lambda pieces: pieces.pop(1), "signature"),  # a chunk dropped
    (lambda pieces: pieces.pop(), "truncated"),  # the final chunk missing
    (lambda pieces: pieces.__setitem__(slice(2, None), [pieces[2][:100]]), "truncated"),  # body cut in a chunk
    (lambda pieces: pieces.__setitem__(2, pieces[2][:100]), "framing"),  # a chunk shorter than its size
    (lambda pieces: pieces.__setitem__(0, b"zz" + pieces[0]), "framing"),  # size not hexadecimal
])
def test_tampered_signed_chunks(tamper, problem):
    request, raw_path = signed_chunked_put(PAYLOAD, tamper=tamper)
    _, _, body = run(request, raw_path, stream=True)
    failure = read_failure(body)
    assert (failure.kind, failure.fields["problem"]) == ("bad_chunk", problem)


def test_tampered_signed_trailer():
    def tamper(pieces):
        pieces[-1] = pieces[-1].replace(b"x-amz-checksum-crc32:", b"x-amz-checksum-crc32:A")
    request, raw_path = signed_chunked_put(PAYLOAD, trailer=True, tamper=tamper)
    _, _, body = run(request, raw_path, stream=True)
    assert read_failure(body).fields["problem"] == "signature"


def test_declared_trailer_missing():
    def tamper(pieces):
        pieces[-1] = b"\r\n"
    request, raw_path = signed_chunked_put(PAYLOAD, trailer=True, tamper=tamper)
    _, _, body = run(request, raw_path, stream=True)
    assert read_failure(body).fields["problem"] == "trailer"


def test_decoded_length_must_match():
    request, raw_path = signed_chunked_put(PAYLOAD)
    lying, _ = werkzeug_request("PUT", ENDPOINT + raw_path,
                                {**dict(request.headers), "X-Amz-Decoded-Content-Length": str(len(PAYLOAD) + 1)},
                                request.get_data())
    # x-amz-decoded-content-length is signed: changing it breaks the seed.
    with pytest.raises(AuthFailure):
        run(lying, raw_path, stream=True)


def test_wrong_secret_fails_on_the_seed_before_any_chunk():
    request, raw_path = signed_chunked_put(PAYLOAD, secret="not-alice")
    with pytest.raises(AuthFailure) as raised:
        run(request, raw_path, stream=True)
    assert raised.value.kind == "bad_signature"


def test_last_bytes_are_held_until_the_final_chunk_verifies():
    request, raw_path = signed_chunked_put(b"x" * 100, tamper=_flip(1, 30))  # final chunk's signature
    _, _, body = run(request, raw_path, stream=True)
    with pytest.raises(AuthFailure):
        body.read(100)  # exactly the declared length: the final chunk is checked before returning


def test_permissive_mode_still_decodes_aws_chunked():
    request, raw_path = signed_chunked_put(PAYLOAD, secret="anything")
    credential, _, body = run(request, raw_path, stream=True, permissive=True)
    assert credential.principal == ALICE
    assert b"".join(iter(body)) == PAYLOAD


class _GeneratedChunks(io.RawIOBase):
    """An aws-chunked unsigned-trailer body produced on the fly."""

    def __init__(self, chunks: int, size: int):
        self._left, self._size, self._pending = chunks, size, b""
        self._data = b"z" * size

    def read(self, n=-1):
        while len(self._pending) < n and self._left >= 0:
            if self._left == 0:
                self._pending += b"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"
            else:
                self._pending += f"{self._size:x}\r\n".encode() + self._data + b"\r\n"
            self._left -= 1
        out, self._pending = self._pending[:n], self._pending[n:]
        return out


def test_decoding_runs_at_constant_memory():
    chunks, size = 64, 256 * 1024  # 16 MiB
    headers = {"X-Amz-Content-SHA256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
               "X-Amz-Trailer": "x-amz-checksum-crc32", "X-Amz-Decoded-Content-Length": str(chunks * size)}
    request, raw_path = served(sign(AWSRequest(method="PUT", url=ENDPOINT + "/bucket/huge", headers=headers), "s3",
                                    signer=SigV4Auth))
    tracemalloc.start()
    try:
        _, _, body = authenticate(request, raw_path, _GeneratedChunks(chunks, size), lookup=Keys(),
                                  real_now=now(), sim_now=now(), permissive=False, default_principal=ROOT)
        total = sum(len(piece) for piece in body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == chunks * size
    assert peak < 2 * 1024 * 1024, peak


# -- AWS's published examples (docs: sig-v4-header-based-auth, sigv4-streaming,
# sigv4-query-string-auth), with their example key and timestamp ----------------------

AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_TIME = dt.datetime(2013, 5, 24, tzinfo=dt.timezone.utc)


def _aws_example(request, raw_path):
    from simulator.auth import Credential
    credential = Credential(AWS_KEY, AWS_SECRET, ROOT)
    return authenticate(request, raw_path, request.stream, lookup=lambda key: credential, real_now=AWS_TIME,
                        sim_now=AWS_TIME, permissive=False, default_principal=ROOT)


def test_aws_example_get_object():
    request, raw_path = werkzeug_request("GET", "http://examplebucket.s3.amazonaws.com/test.txt", {
        "Host": "examplebucket.s3.amazonaws.com", "Range": "bytes=0-9", "x-amz-content-sha256": EMPTY,
        "x-amz-date": "20130524T000000Z",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={AWS_KEY}/20130524/us-east-1/s3/aws4_request,"
                         "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                         "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"})
    _aws_example(request, raw_path)


def test_aws_example_presigned_get_object():
    request, raw_path = werkzeug_request(
        "GET", "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={AWS_KEY}%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z"
        "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", {})
    _aws_example(request, raw_path)


def test_aws_example_chunked_put_object():
    signatures = ["ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                  "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                  "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"]
    raw = (f"10000;chunk-signature={signatures[0]}\r\n".encode() + b"a" * 65536 + b"\r\n"
           + f"400;chunk-signature={signatures[1]}\r\n".encode() + b"a" * 1024 + b"\r\n"
           + f"0;chunk-signature={signatures[2]}\r\n\r\n".encode())
    assert len(raw) == 66824  # the example's Content-Length
    request, raw_path = werkzeug_request("PUT", "http://s3.amazonaws.com/examplebucket/chunkObject.txt", {
        "Host": "s3.amazonaws.com", "x-amz-date": "20130524T000000Z", "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": "66560",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={AWS_KEY}/20130524/us-east-1/s3/aws4_request,"
                         "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                         "x-amz-decoded-content-length;x-amz-storage-class,"
                         "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"}, raw)
    _, _, body = _aws_example(request, raw_path)
    assert b"".join(iter(body)) == b"a" * 66560
