"""The on-disk framing of object bodies (services/s3/encryption.py): every
size and range round-trips, and any tampering is detected."""
import hashlib
import io
import os
import random

import pytest
from cryptography.exceptions import InvalidTag

from services.s3 import checksums
from simulator import pipeline
from services.s3.encryption import FRAME, SEALED_FRAME, BodyCipher, new_body_id

SIZES = [0, 1, FRAME - 1, FRAME, FRAME + 1, 3 * FRAME, 5 * FRAME + 7]


def _seal(cipher, data, chunk=100_003):
    return b"".join(cipher.seal([data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""]))


@pytest.mark.parametrize("size", SIZES + [16 * FRAME, 16 * FRAME + 1, 40 * FRAME - 3])
def test_the_layout_does_not_depend_on_how_the_body_arrives(size):
    """Chunks of any sizes (1 MiB reads, single bytes, empty ones) seal to the
    same frames."""
    key, body_id = os.urandom(32), new_body_id()
    data = os.urandom(size)
    expected = _seal(BodyCipher(key, body_id), data, chunk=FRAME)
    for chunk in (1 << 20, FRAME - 1, FRAME + 1, 3 * FRAME, 7):
        if size > 200_000 and chunk < 1000:
            continue
        pieces = [data[i : i + chunk] for i in range(0, size, chunk)]
        pieces[len(pieces) // 2 : len(pieces) // 2] = [b""]
        assert b"".join(BodyCipher(key, body_id).seal(pieces)) == expected


@pytest.mark.parametrize("chunk", [1 << 20, pipeline.PARALLEL_MIN - 1, 1000])
def test_body_digests_match_one_pass_hashing(chunk):
    data = os.urandom(3 * (1 << 20) + 5)
    md5, crc = hashlib.md5(), checksums.Checksum("CRC32")
    digests = checksums.BodyDigests(md5, crc)
    passed = b"".join(digests.passing(data[i : i + chunk] for i in range(0, len(data), chunk)))
    expected = checksums.Checksum("CRC32")
    expected.update(data)
    assert (passed, digests.size, md5.digest(), crc.digest()) == (data, len(data), hashlib.md5(data).digest(),
                                                                 expected.digest())


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_and_ranges(size):
    cipher = BodyCipher(os.urandom(32), new_body_id())
    data = os.urandom(size)
    sealed = _seal(cipher, data)
    assert size < 16 or data[:16] not in sealed
    assert b"".join(cipher.open(io.BytesIO(sealed), size, 0, size - 1)) == data
    rng = random.Random(size)
    for _ in range(25 if size else 0):
        first = rng.randrange(size)
        last = rng.randrange(first, size)
        assert b"".join(cipher.open(io.BytesIO(sealed), size, first, last)) == data[first : last + 1]


def test_tampering_is_detected():
    key, body_id = os.urandom(32), new_body_id()
    cipher = BodyCipher(key, body_id)
    data = os.urandom(3 * FRAME)
    sealed = _seal(cipher, data)
    flipped = bytearray(sealed)
    flipped[FRAME + 100] ^= 1
    swapped = sealed[SEALED_FRAME : 2 * SEALED_FRAME] + sealed[:SEALED_FRAME] + sealed[2 * SEALED_FRAME :]
    for bad in (bytes(flipped), swapped):
        with pytest.raises(InvalidTag):
            b"".join(BodyCipher(key, body_id).open(io.BytesIO(bad), len(data), 0, len(data) - 1))
    # Cut after a frame boundary: the new last frame was not sealed as final.
    with pytest.raises(InvalidTag):
        b"".join(cipher.open(io.BytesIO(sealed[: 2 * SEALED_FRAME]), 2 * FRAME, 0, 2 * FRAME - 1))
    # Another body's id (a blob moved between objects) does not open.
    with pytest.raises(InvalidTag):
        b"".join(BodyCipher(key, new_body_id()).open(io.BytesIO(sealed), len(data), 0, 10))
