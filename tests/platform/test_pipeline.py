"""Pipeline stages: large chunks run on pool threads, in order, and a
failure reaches the caller."""
import hashlib
import os

import pytest

from simulator import pipeline
from simulator.store.blobs import BlobStore


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


def test_a_blob_whose_source_fails_leaves_no_file(tmp_path):
    store = BlobStore(tmp_path)

    def chunks():
        yield os.urandom(pipeline.PARALLEL_MIN)
        yield os.urandom(pipeline.PARALLEL_MIN)
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.write(chunks())
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    blob_id, size = store.write(iter([b"a" * pipeline.PARALLEL_MIN, b"b" * 10]))
    assert size == pipeline.PARALLEL_MIN + 10
    assert store.open(blob_id).read() == b"a" * pipeline.PARALLEL_MIN + b"b" * 10
