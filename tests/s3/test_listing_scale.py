"""Listing stays an indexed range scan: a page deep inside a large bucket
costs what a page of a small one does. Runs the listing domain against a
real state store filled through SQL (PUTting 200,000 objects over HTTP
would take minutes)."""
import time

import pytest

from services.s3 import listing
from simulator.store import Store

ROWS = 200_000


@pytest.fixture(scope="module")
def big_bucket(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("listing"), durable=False)
    with store.tx() as db:
        db.execute("INSERT INTO s3_buckets (name, account_id, region, created) VALUES ('big', '1', 'us-east-1', 0)")
        db.executemany(
            "INSERT INTO s3_objects (bucket, key, version_id, account_id, region, is_latest, last_modified, owner,"
            " size, etag, sse) VALUES ('big', ?, 'null', '1', 'us-east-1', 1, 0, '1', 1, 'e', '{}')",
            ((f"dir{i % 100:03d}/file{i:07d}",) for i in range(ROWS)),
        )
    yield store
    store.close()


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def test_pages_deep_in_a_large_bucket_are_fast(big_bucket):
    db = big_bucket.read()
    page, _ = _timed(lambda: listing.current(db, "big", prefix="", delimiter=None, after=None, limit=1000))
    assert len(page.entries) == 1000 and page.truncated
    deep, elapsed = _timed(lambda: listing.current(db, "big", prefix="", delimiter=None, after="dir090/",
                                                   limit=1000))
    assert deep.entries[0]["key"].startswith("dir090/")
    assert elapsed < 0.25, elapsed


def test_delimiter_seeks_past_common_prefixes(big_bucket):
    db = big_bucket.read()
    page, elapsed = _timed(lambda: listing.current(db, "big", prefix="", delimiter="/", after=None, limit=1000))
    # 100 common prefixes of 2,000 keys each, found without reading the keys.
    assert page.common_prefixes == [f"dir{i:03d}/" for i in range(100)]
    assert page.entries == [] and not page.truncated
    assert elapsed < 0.25, elapsed
    within, elapsed = _timed(lambda: listing.current(db, "big", prefix="dir050/", delimiter="/", after=None,
                                                     limit=10))
    assert [r["key"] for r in within.entries][:2] == ["dir050/file0000050", "dir050/file0000150"]
    assert elapsed < 0.25, elapsed


def test_version_listing_needs_no_sort(big_bucket):
    plan = big_bucket.read().execute(
        "EXPLAIN QUERY PLAN SELECT * FROM s3_objects WHERE bucket = ? AND key > ? ORDER BY key, id DESC",
        ("big", "dir050/")).fetchall()
    detail = " ".join(row[3] for row in plan)
    assert "s3_objects_versions" in detail and "TEMP B-TREE" not in detail
    page, elapsed = _timed(lambda: listing.versions(big_bucket.read(), "big", prefix="", delimiter=None,
                                                    key_marker="dir090/", version_marker=None, limit=1000))
    assert len(page.entries) == 1000 and elapsed < 0.25, elapsed
