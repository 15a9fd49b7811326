"""How an object body is laid out on disk: AES-256-GCM frames.

Every body (a single-PUT object, or one part of a multipart object) is cut
into frames of FRAME bytes of plaintext; each frame is sealed on its own with
the object's data key, so a range GET reads and decrypts only the frames it
covers, and memory stays at a few frames whatever the object's size.

- nonce (96 bits) = the body's 8-byte nonce prefix || frame index (32 bits,
  big-endian). A data key seals exactly one object (multipart parts share it,
  each part with its own random body id, hence its own prefix), so nonces never
  repeat under a key.
- associated data = "awsbox-s3-frame" || body id (16 random bytes kept in the
  object's row) || frame index || final flag. A frame moved to another
  position, another body, or a body cut short after a frame boundary (whose new
  last frame lacks the final flag) fails to open.
- an empty body is one empty final frame, so even it is authenticated.
"""
from __future__ import annotations

import secrets
import struct
from typing import BinaryIO, Iterable, Iterator

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FRAME = 64 * 1024
TAG = 16
SEALED_FRAME = FRAME + TAG
# Frames read and decrypted per yield on GET: fewer, larger writes to the socket.
FRAMES_PER_READ = 16
_AAD = b"awsbox-s3-frame"


def new_body_id() -> bytes:
    return secrets.token_bytes(16)


def frame_count(size: int) -> int:
    return max(1, -(-size // FRAME))


class BodyCipher:
    """Seals and opens one body's frames under a data key."""

    def __init__(self, data_key: bytes, body_id: bytes):
        if len(data_key) != 32 or len(body_id) != 16:
            raise ValueError("a body cipher needs a 256-bit data key and a 16-byte body id")
        self._aead = AESGCM(data_key)
        self._body_id = body_id
        self._prefix = body_id[:8]

    def _nonce(self, index: int) -> bytes:
        return self._prefix + struct.pack(">I", index)

    def _aad(self, index: int, final: bool) -> bytes:
        return _AAD + self._body_id + struct.pack(">I?", index, final)

    def seal(self, chunks: Iterable[bytes]) -> Iterator[bytearray]:
        """The sealed frames of the plaintext ``chunks`` (of any sizes), one
        buffer per chunk: the frames it completes, sealed straight from the
        chunk into that buffer. The last frame is held back until more data
        shows it is not the final one."""
        index = 0
        held = bytearray()  # plaintext not sealed yet: 1..FRAME bytes once any data came
        for chunk in chunks:
            if not chunk:
                continue
            data = memoryview(chunk)
            if len(held) < FRAME:
                room = FRAME - len(held)
                held += data[:room]
                data = data[room:]
            if not data:
                continue
            # Seal what is held, and every whole frame of the chunk but the
            # bytes (1..FRAME) of its end, which may be the final frame.
            whole = (len(data) - 1) // FRAME
            out = bytearray((1 + whole) * SEALED_FRAME)
            sink = memoryview(out)
            self._aead.encrypt_into(self._nonce(index), held, self._aad(index, False), sink[:SEALED_FRAME])
            index += 1
            for n in range(whole):
                self._aead.encrypt_into(self._nonce(index), data[n * FRAME : (n + 1) * FRAME],
                                        self._aad(index, False), sink[(n + 1) * SEALED_FRAME : (n + 2) * SEALED_FRAME])
                index += 1
            held = bytearray(data[whole * FRAME :])
            sink.release()
            yield out
        yield self._aead.encrypt(self._nonce(index), bytes(held), self._aad(index, True))

    def open(self, blob: BinaryIO, size: int, first: int, last: int) -> Iterator[bytes]:
        """Plaintext bytes ``first``..``last`` (inclusive) of a body of
        ``size`` bytes sealed in ``blob``. Raises InvalidTag on any tampering."""
        frames = frame_count(size)
        index = first // FRAME
        end_index = last // FRAME if size else 0
        blob.seek(index * SEALED_FRAME)
        skip = first - index * FRAME
        remaining = last - first + 1 if size else 0
        while index <= end_index:
            batch_end = min(end_index, index + FRAMES_PER_READ - 1)
            sealed = blob.read((batch_end - index + 1) * SEALED_FRAME)
            view = memoryview(sealed)
            out = []
            offset = 0
            while index <= batch_end:
                final = index == frames - 1
                length = (size - index * FRAME + TAG) if final else SEALED_FRAME
                frame = view[offset : offset + length]
                if len(frame) != length:
                    raise ValueError("object body is shorter than its metadata says")
                plain = self._aead.decrypt(self._nonce(index), frame, self._aad(index, final))
                if skip or len(plain) > remaining:
                    plain = plain[skip : skip + remaining]
                    skip = 0
                remaining -= len(plain)
                out.append(plain)
                offset += length
                index += 1
            view.release()
            yield b"".join(out)
