"""Flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and the
legacy Content-MD5.

A client names one checksum per request: as a header
(``x-amz-checksum-crc32: <base64>``), or as a trailer after an aws-chunked body
(``x-amz-trailer: x-amz-checksum-crc32``; the auth layer hands us the
trailers once the body is read), or only the algorithm
(``x-amz-sdk-checksum-algorithm``, for multipart uploads). S3 computes it
over the plaintext while the body streams in, rejects a mismatch before
anything is stored, keeps the value and returns it with ``ChecksumMode=ENABLED``.
Without any, S3 computes a CRC64NVME of its own, as AWS does for every upload
since its default data-integrity protections.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from typing import Iterable, Iterator

from awscrt import checksums as crt

from simulator.pipeline import Stage

from .errors import BadDigest, InvalidDigest, InvalidRequest

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
DEFAULT_ALGORITHM = "CRC64NVME"
# CRC32 from zlib: awscrt 0.38 computes it with a table on x86 (perf shows
# aws_checksums_crc32_sw), 0.35 s per GiB against zlib's 0.26 on the CI
# machine; its CRC32C and CRC64NVME use the CPU's instructions (0.02 s).
_CRCS = {"CRC32": (zlib.crc32, 4), "CRC32C": (crt.crc32c, 4), "CRC64NVME": (crt.crc64nvme, 8)}
_COMBINE = {"CRC32": crt.combine_crc32, "CRC32C": crt.combine_crc32c, "CRC64NVME": crt.combine_crc64nvme}
_DIGEST_SIZES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}
# Checksums botocore models that awsbox does not compute.
UNSUPPORTED = ("SHA512", "MD5", "XXHASH64", "XXHASH3", "XXHASH128")


def member(algorithm: str) -> str:
    """The botocore member carrying this algorithm's value: ChecksumCRC32..."""
    return "Checksum" + algorithm


def header(algorithm: str) -> str:
    return "x-amz-checksum-" + algorithm.lower()


class Checksum:
    """A running checksum of one algorithm."""

    def __init__(self, algorithm: str):
        self.algorithm = algorithm
        crc = _CRCS.get(algorithm)
        if crc:
            self._crc, self._size = crc
            self._value = 0
            self._hash = None
        else:
            self._hash = hashlib.new(algorithm.lower())

    def update(self, data) -> None:
        if self._hash is not None:
            self._hash.update(data)
        else:
            self._value = self._crc(data, self._value)

    def digest(self) -> bytes:
        if self._hash is not None:
            return self._hash.digest()
        return self._value.to_bytes(self._size, "big")

    def value(self) -> str:
        return base64.b64encode(self.digest()).decode()


class BodyDigests:
    """The hashes of one body, fed in order as its chunks pass by. Each hash
    is a pipeline stage: a large chunk is hashed on pool threads while the
    consumer encrypts and writes it and reads the next one."""

    def __init__(self, *hashes):
        self._stages = [Stage(running.update) for running in hashes]
        self.size = 0

    def passing(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """``chunks`` unchanged, each hashed as it passes; every hash is
        complete when the iteration ends (or fails)."""
        try:
            for chunk in chunks:
                for stage in self._stages:
                    stage(chunk)
                self.size += len(chunk)
                yield chunk
        finally:
            for stage in self._stages:
                stage.wait()


def decode(algorithm: str, value: str, *, name: str | None = None) -> bytes:
    """A checksum value as sent: base64 of the right length, else AWS's error."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _DIGEST_SIZES[algorithm]:
        raise InvalidRequest(f"Value for {name or header(algorithm)} header is invalid.")
    return raw


class Expectation:
    """What the client told us about the body's checksum, read before the body."""

    def __init__(self, params: dict, http=None):
        values = {alg: params[member(alg)] for alg in ALGORITHMS if params.get(member(alg)) is not None}
        if any(params.get(member(alg)) is not None for alg in UNSUPPORTED):
            raise InvalidRequest("The checksum algorithm you specified is not supported by awsbox.")
        self.trailer = None
        trailer = http.headers.get("x-amz-trailer") if http is not None else None
        if trailer:
            name = trailer.strip().lower()
            algorithm = name.removeprefix("x-amz-checksum-").upper()
            if not name.startswith("x-amz-checksum-") or algorithm not in ALGORITHMS:
                raise InvalidRequest("The value specified in the x-amz-trailer header is not supported")
            self.trailer = name
            values.setdefault(algorithm, None)
        if len(values) > 1:
            raise InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
        declared = params.get("ChecksumAlgorithm")
        if declared and declared not in ALGORITHMS:
            raise InvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid"
                                 " types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
        self.algorithm = next(iter(values), None) or declared
        self.value = values.get(self.algorithm) if self.algorithm else None
        if self.value is not None:
            decode(self.algorithm, self.value)
        if declared and self.algorithm != declared:
            raise InvalidRequest(
                "Value for x-amz-sdk-checksum-algorithm header is invalid.", ArgumentName="x-amz-sdk-checksum-algorithm"
            )

    def running(self) -> Checksum:
        return Checksum(self.algorithm or DEFAULT_ALGORITHM)

    def verify(self, computed: Checksum, trailers: dict | None) -> None:
        """Raise AWS's error if the body does not match what the client sent."""
        expected = self.value
        if self.trailer is not None:
            lowered = {k.lower(): v for k, v in (trailers or {}).items()}
            expected = lowered.get(self.trailer)
            if expected is None:
                raise InvalidRequest("x-amz-trailer header specified, but no corresponding trailer was found.")
            decode(self.algorithm, expected.strip(), name=self.trailer)
            expected = expected.strip()
        if expected is not None and base64.b64decode(expected) != computed.digest():
            raise BadDigest(f"The {self.algorithm} you specified did not match the calculated checksum.")


def content_md5(value: str | None) -> bytes | None:
    """The decoded Content-MD5 header, or InvalidDigest if it is not one."""
    if value is None:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 16:
        raise InvalidDigest(**{"Content-MD5": value})
    return raw


def verify_md5(expected: bytes | None, computed: bytes) -> None:
    if expected is not None and expected != computed:
        raise BadDigest(
            ExpectedDigest=base64.b64encode(expected).decode(), CalculatedDigest=base64.b64encode(computed).decode()
        )


def verify_document(headers: dict, data: bytes, *, required: bool = False) -> None:
    """A configuration document (tagging, DeleteObjects, lifecycle...)
    against the Content-MD5 and the flexible checksum sent with it: S3
    answers a mismatch with BadDigest and applies nothing, and refuses a
    document without either where the operation requires one (as recorded
    from S3 in versitygw#1040). Read from the headers: botocore's newer
    models drop these members from some inputs (DeleteObjects) while the
    SDKs still send them."""
    if required and "content-md5" not in headers and not any(header(alg) in headers for alg in ALGORITHMS + UNSUPPORTED):
        raise InvalidRequest("Missing required header for this request: Content-MD5 OR x-amz-checksum-*")
    verify_md5(content_md5(headers.get("content-md5")), hashlib.md5(data).digest())
    expectation = Expectation({member(alg): headers[header(alg)] for alg in ALGORITHMS if header(alg) in headers})
    if expectation.value is not None:
        running = expectation.running()
        running.update(data)
        expectation.verify(running, None)


def combine(algorithm: str, parts: list[tuple[str, int]]) -> str:
    """The full-object CRC of a multipart object from its parts' (value, size)."""
    fn = _COMBINE[algorithm]
    size = _DIGEST_SIZES[algorithm]
    total = None
    for value, length in parts:
        crc = int.from_bytes(base64.b64decode(value), "big")
        total = crc if total is None else fn(total, crc, length)
    return base64.b64encode((total or 0).to_bytes(size, "big")).decode()


def composite(algorithm: str, part_values: list[str]) -> str:
    """A composite checksum: the checksum of the parts' checksums, then -N."""
    running = Checksum(algorithm)
    for value in part_values:
        running.update(base64.b64decode(value))
    return f"{running.value()}-{len(part_values)}"

