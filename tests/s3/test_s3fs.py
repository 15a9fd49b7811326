"""s3fs (fsspec) against awsbox: write, list, read ranges, delete."""
import pytest

s3fs = pytest.importorskip("s3fs")


def test_s3fs_round_trip(server, bucket):
    fs = s3fs.S3FileSystem(key="test", secret="test", client_kwargs={"endpoint_url": server.endpoint,
                                                                     "region_name": "us-east-1"})
    with fs.open(f"{bucket}/dir/data.bin", "wb") as out:
        out.write(b"0123456789" * 1000)
    fs.pipe(f"{bucket}/dir/small.txt", b"small")
    assert sorted(fs.ls(f"{bucket}/dir")) == [f"{bucket}/dir/data.bin", f"{bucket}/dir/small.txt"]
    assert fs.cat(f"{bucket}/dir/small.txt") == b"small"
    with fs.open(f"{bucket}/dir/data.bin", "rb") as stream:
        stream.seek(5005)
        assert stream.read(10) == b"5678901234"
    assert fs.info(f"{bucket}/dir/data.bin")["size"] == 10000
    fs.rm(f"{bucket}/dir", recursive=True)
    assert fs.ls(bucket, refresh=True) == []
