"""Pipeline stages: large chunks run on pool threads, in order, and a
failure reaches the caller."""
import hashlib
import os

import pytest

from simulator import pipeline
from simulator.store import Store
from simulator.store.blobs import INLINE_MAX
from tests.stored import blob_ids


def test_a_stage_keeps_the_order_of_its_calls():
    seen = []
    stage = pipeline.Stage(lambda chunk: seen.append(chunk[:1]))
    chunks = [bytes([n]) * pipeline.PARALLEL_MIN for n in range(40)] + [b"\x28"]
    for chunk in chunks:
        stage(chunk)
    stage.wait()
    assert seen == [chunk[:1] for chunk in chunks]


def test_a_stage_hashes_as_one_pass_would():
    data = os.urandom(5 * pipeline.PARALLEL_MIN + 17)
    running = hashlib.sha256()
    stage = pipeline.Stage(running.update)
    for n in range(0, len(data), pipeline.PARALLEL_MIN + 3):
        stage(data[n : n + pipeline.PARALLEL_MIN + 3])
    stage.wait()
    assert running.digest() == hashlib.sha256(data).digest()


def test_a_failure_on_a_pool_thread_is_raised_to_the_caller():
    def refuse(chunk):
        raise OSError(28, "No space left on device")

    stage = pipeline.Stage(refuse)
    stage(b"x" * pipeline.PARALLEL_MIN)  # handed over: the failure comes later
    with pytest.raises(OSError):
        stage.wait()


@pytest.mark.parametrize("piece", [pipeline.PARALLEL_MIN, 100], ids=["large, a file", "small, a row"])
def test_a_blob_whose_source_fails_leaves_nothing(tmp_path, piece):
    store = Store(tmp_path).blobs

    def chunks():
        yield os.urandom(piece)
        yield os.urandom(piece)
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.write(chunks())
    assert blob_ids(tmp_path) == set()
    blob_id, size = store.write(iter([b"a" * piece, b"b" * 10]))
    assert size == piece + 10
    assert store.open(blob_id).read() == b"a" * piece + b"b" * 10
    assert blob_ids(tmp_path) == {blob_id}
    assert (tmp_path / "blobs" / blob_id[:2] / blob_id).is_file() == (piece > INLINE_MAX)
    store.delete(blob_id, blob_id)
    assert blob_ids(tmp_path) == set()
