"""Request bodies verified while they stream.

``VerifiedPayload``: a plain body whose SHA-256 the client put in
x-amz-content-sha256; checked when the last byte has been read.

``AwsChunkedPayload``: the aws-chunked encoding S3 accepts with the
``STREAMING-*`` payload values::

    <hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n ... 0[;chunk-signature=<sig>]\\r\\n
    [<trailer name>:<value>\\r\\n ...][x-amz-trailer-signature:<sig>\\r\\n]\\r\\n

Each chunk signature chains from the previous one (the seed is the request's
own signature); the trailer signature chains from the final chunk's.

Both yield the decoded bytes at constant memory, raise ``AuthFailure`` as soon
as something does not verify (a consumer that writes the body to a temporary
file and commits only at the end thus never keeps a forged body), and expose
``decoded_length`` and ``trailers`` (lower-case names) once read to the end.
Reading to the end means reading until ``b""`` or until the length the client
declared (Content-Length, x-amz-decoded-content-length): the last checks run
before the last bytes are handed out.
"""
from __future__ import annotations

import hashlib

from ..pipeline import Stage
from .credentials import AuthFailure
from .sigv4 import EMPTY_SHA256, same_signature, sha256_hex, signature

BLOCK = 64 * 1024
# S3 refuses a chunk under 8 KiB that is followed by another holding data
# (InvalidChunkSizeError), signed or not, as recorded from S3 in versitygw
# issues 1683 and 1665.
MIN_CHUNK = 8192
_MAX_LINE = 4096  # a chunk header with its signature is under 100 bytes


def _bad_chunk(problem: str, message: str, **fields) -> AuthFailure:
    return AuthFailure("bad_chunk", message, {"problem": problem, **fields})


class VerifiedPayload:
    def __init__(self, raw, expected_sha256: str, length: int | None = None):
        self._raw = raw
        self._expected = expected_sha256.lower()
        self._length = length
        self._hash = hashlib.sha256()
        # Hashed beside the reading (and the consumer's work on the body).
        self._hashing = Stage(self._hash.update)
        self._checked = False
        self.decoded_length = 0
        self.trailers: dict[str, str] = {}

    def read(self, size: int = -1) -> bytes:
        if self._checked:
            return b""
        if size is None or size < 0:
            return b"".join(iter(self))
        if self._length is not None:
            size = min(size, self._length - self.decoded_length)
        data = self._raw.read(size) if size else b""
        self._hashing(data)
        self.decoded_length += len(data)
        if not data or self.decoded_length == self._length:
            self._check()
        return data

    def __iter__(self):
        while data := self.read(BLOCK):
            yield data

    def _check(self) -> None:
        self._checked = True
        self._hashing.wait()
        computed = self._hash.hexdigest()
        if computed != self._expected:
            raise AuthFailure("payload_mismatch", "x-amz-content-sha256 does not match the body",
                              {"client": self._expected, "computed": computed})


class ChunkSigner:
    """The chain of chunk signatures of one request."""

    def __init__(self, key: bytes, timestamp: str, scope: str, seed_signature: str):
        self._key = key
        self._timestamp = timestamp
        self._scope = scope
        self._previous = seed_signature

    def verify_chunk(self, data_sha256: str, provided: str | None) -> None:
        expected = signature(self._key, "\n".join([
            "AWS4-HMAC-SHA256-PAYLOAD", self._timestamp, self._scope, self._previous, EMPTY_SHA256, data_sha256]))
        if provided is None or not same_signature(expected, provided):
            raise _bad_chunk("signature", "chunk signature does not match")
        self._previous = expected

    def verify_trailer(self, canonical_trailers: bytes, provided: str | None) -> None:
        expected = signature(self._key, "\n".join([
            "AWS4-HMAC-SHA256-TRAILER", self._timestamp, self._scope, self._previous, sha256_hex(canonical_trailers)]))
        if provided is None or not same_signature(expected, provided):
            raise _bad_chunk("signature", "trailer signature does not match")


class _Source:
    """The raw body read in blocks, with line reads for the chunk framing."""

    def __init__(self, raw):
        self._raw = raw
        self._buffer = bytearray()
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._raw.read(BLOCK)
        if not data:
            self._eof = True
            return False
        self._buffer += data
        return True

    def line(self) -> bytes | None:
        """The next line without its CRLF; the rest of the body when it ends
        without one; None at the end of the body."""
        while True:
            end = self._buffer.find(b"\r\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[:end + 2]
                return line
            if len(self._buffer) > _MAX_LINE:
                raise _bad_chunk("framing", "chunk header line too long")
            if not self._fill():
                if not self._buffer:
                    return None
                line = bytes(self._buffer)
                self._buffer.clear()
                return line

    def take(self, size: int) -> bytes:
        if not self._buffer and not self._fill():
            return b""
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


class AwsChunkedPayload:
    def __init__(self, raw, *, signer: ChunkSigner | None, signed_trailer: bool,
                 declared_trailers: list[str], decoded_length: int | None, signed_chunks: bool = False):
        self._source = _Source(raw)
        self._signer = signer  # None: unsigned chunks, or permissive mode
        # The framing, checked even when signatures are not (permissive
        # mode): in the signed modes every chunk names its signature; in every
        # mode only the last chunk holding data may be under MIN_CHUNK bytes.
        self._signed_chunks = signed_chunks
        self._chunks = 0
        self._previous_size: int | None = None
        self._signed_trailer = signed_trailer
        self._declared_trailers = declared_trailers
        self._declared_length = decoded_length
        self._remaining = 0
        self._chunk_hash = hashlib.sha256()
        self._chunk_signature: str | None = None
        self._done = False
        self.decoded_length = 0
        self.trailers: dict[str, str] = {}

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(self))
        while not self._done and self._remaining == 0:
            self._start_chunk()
        if self._done or size == 0:
            return b""
        data = self._source.take(min(size, self._remaining))
        if not data:
            raise _bad_chunk("truncated", "the body ended inside a chunk")
        self._remaining -= len(data)
        self._chunk_hash.update(data)
        self.decoded_length += len(data)
        if self._remaining == 0:
            self._end_chunk()
            if self._declared_length is not None and self.decoded_length >= self._declared_length:
                # All the declared bytes are in: finish (final chunk, trailers,
                # signatures) before handing out the last of them.
                self._start_chunk()
                if not self._done:
                    raise self._length_differs()
        return data

    def __iter__(self):
        while data := self.read(BLOCK):
            yield data

    def _start_chunk(self) -> None:
        line = self._source.line()
        if line is None:
            raise _bad_chunk("truncated", "the body ended before the final chunk")
        size_text, _, extensions = line.partition(b";")
        try:
            size = int(size_text.strip(), 16)
        except ValueError:
            raise _bad_chunk("framing", "chunk size is not hexadecimal") from None
        if size < 0:
            raise _bad_chunk("framing", "negative chunk size")
        self._chunk_signature = None
        for extension in extensions.split(b";"):
            name, _, value = extension.strip().partition(b"=")
            if name == b"chunk-signature":
                self._chunk_signature = value.decode("ascii", "replace")
        self._chunks += 1
        if self._signed_chunks and self._chunk_signature is None:
            raise _bad_chunk("framing", "a signed chunk without chunk-signature")
        if size and self._previous_size is not None and self._previous_size < MIN_CHUNK:
            raise _bad_chunk("chunk_size", "a chunk before the last is too small", chunk=self._chunks,
                             size=self._previous_size)
        self._previous_size = size
        self._chunk_hash = hashlib.sha256()
        if size:
            self._remaining = size
            return
        if self._signer is not None:
            self._signer.verify_chunk(EMPTY_SHA256, self._chunk_signature)
        self._read_trailers()
        if self._declared_length is not None and self.decoded_length != self._declared_length:
            raise self._length_differs()
        self._done = True

    def _length_differs(self) -> AuthFailure:
        return _bad_chunk("decoded_length", "decoded length differs from x-amz-decoded-content-length",
                          expected=self._declared_length, provided=self.decoded_length)

    def _end_chunk(self) -> None:
        if self._source.line() != b"":
            raise _bad_chunk("framing", "chunk data not followed by CRLF")
        if self._signer is not None:
            self._signer.verify_chunk(self._chunk_hash.hexdigest(), self._chunk_signature)

    def _read_trailers(self) -> None:
        trailer_signature = None
        while line := self._source.line():
            name, sep, value = line.decode("utf-8", "replace").partition(":")
            if not sep:
                raise _bad_chunk("trailer", "trailer line without a colon")
            name, value = name.strip().lower(), value.strip()
            if name == "x-amz-trailer-signature":
                trailer_signature = value
            else:
                self.trailers[name] = value
        missing = [name for name in self._declared_trailers if name not in self.trailers]
        if missing:
            raise _bad_chunk("trailer", f"declared trailer {missing[0]} not sent")
        if self._signer is not None and self._signed_trailer:
            canonical = "".join(f"{name}:{self.trailers[name]}\n" for name in sorted(self.trailers))
            self._signer.verify_trailer(canonical.encode("utf-8"), trailer_signature)
