"""ListObjects, ListObjectsV2: prefixes, delimiters, pages, markers, URL encoding."""
import pytest

from .conftest import error_of

KEYS = sorted(
    ["a.txt", "b.txt", "photos/2023/jan.jpg", "photos/2023/feb.jpg", "photos/2024/mar.jpg", "photos/index.html",
     "videos/x.mp4", "videos/y.mp4", "z/deep/er/key", "zz"]
)


@pytest.fixture
def filled(s3, bucket):
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def test_v2_plain_listing(s3, filled):
    listed = s3.list_objects_v2(Bucket=filled)
    assert [o["Key"] for o in listed["Contents"]] == KEYS
    assert listed["KeyCount"] == len(KEYS)
    assert listed["IsTruncated"] is False
    first = listed["Contents"][0]
    assert first["Size"] == len(KEYS[0]) and first["StorageClass"] == "STANDARD" and first["ETag"].startswith('"')
    assert first["ChecksumAlgorithm"] == ["CRC32"]  # boto3's default checksum, kept


def test_v2_delimiter_and_prefix(s3, filled):
    top = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert [o["Key"] for o in top["Contents"]] == ["a.txt", "b.txt", "zz"]
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["photos/", "videos/", "z/"]
    assert top["KeyCount"] == 6
    photos = s3.list_objects_v2(Bucket=filled, Prefix="photos/", Delimiter="/")
    assert [o["Key"] for o in photos["Contents"]] == ["photos/index.html"]
    assert [p["Prefix"] for p in photos["CommonPrefixes"]] == ["photos/2023/", "photos/2024/"]
    assert s3.list_objects_v2(Bucket=filled, Prefix="nothing/").get("Contents") is None


def test_v2_pages_through_keys_and_prefixes(s3, filled):
    seen_keys, seen_prefixes, pages = [], [], 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=filled, Delimiter="/", PaginationConfig={
            "PageSize": 2}):
        pages += 1
        assert page["KeyCount"] <= 2
        seen_keys += [o["Key"] for o in page.get("Contents", [])]
        seen_prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    assert pages == 3
    assert seen_keys == ["a.txt", "b.txt", "zz"]
    assert seen_prefixes == ["photos/", "videos/", "z/"]
    all_keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=filled, PaginationConfig={"PageSize": 3}) for o in page["Contents"]]
    assert all_keys == KEYS


def test_v2_start_after_and_max_keys(s3, filled):
    listed = s3.list_objects_v2(Bucket=filled, StartAfter="photos/2023/jan.jpg", MaxKeys=2)
    assert [o["Key"] for o in listed["Contents"]] == ["photos/2024/mar.jpg", "photos/index.html"]
    assert listed["IsTruncated"] is True
    assert listed["StartAfter"] == "photos/2023/jan.jpg"
    empty = s3.list_objects_v2(Bucket=filled, MaxKeys=0)
    assert empty["KeyCount"] == 0 and "Contents" not in empty
    assert error_of(s3.list_objects_v2, Bucket=filled, ContinuationToken="%%%")[0] == "InvalidArgument"


def test_v1_marker_and_next_marker(s3, filled):
    first = s3.list_objects(Bucket=filled, MaxKeys=3)
    assert [o["Key"] for o in first["Contents"]] == KEYS[:3]
    assert first["IsTruncated"] is True and "NextMarker" not in first
    assert first["Contents"][0]["Owner"]["ID"]
    rest = s3.list_objects(Bucket=filled, Marker=first["Contents"][-1]["Key"])
    assert [o["Key"] for o in rest["Contents"]] == KEYS[3:]
    delimited = s3.list_objects(Bucket=filled, Delimiter="/", MaxKeys=3)
    assert delimited["NextMarker"] == "photos/"
    after = s3.list_objects(Bucket=filled, Delimiter="/", Marker=delimited["NextMarker"])
    assert [p["Prefix"] for p in after["CommonPrefixes"]] == ["videos/", "z/"]
    assert [o["Key"] for o in after["Contents"]] == ["zz"]


def test_url_encoding_round_trips_odd_keys(s3, bucket):
    keys = sorted(["a b", "a+b", "ü/ñ", "tab\tkey", "x%2Fy", "amp&er"])
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    # boto3 asks for encoding-type=url and decodes the answer.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == keys
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == keys
    prefixes = s3.list_objects_v2(Bucket=bucket, Delimiter="/")["CommonPrefixes"]
    assert [p["Prefix"] for p in prefixes] == ["ü/"]


def test_raw_encoding_type_url_answer(server, bucket, s3):
    import requests
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    s3.put_object(Bucket=bucket, Key="a b+c", Body=b"")
    request = AWSRequest(method="GET", url=f"{server.endpoint}/{bucket}?list-type=2&encoding-type=url")
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    response = requests.get(request.url, headers=dict(request.headers))
    assert b"<Key>a%20b%2Bc</Key>" in response.content
    assert b"<EncodingType>url</EncodingType>" in response.content
    assert error_of(s3.list_objects_v2, Bucket=bucket, EncodingType="base64")[0] == "InvalidArgument"


def test_raw_listing_escapes_markup_and_keeps_carriage_returns(server, bucket, s3):
    """Without encoding-type=url the keys travel as XML text: markup escaped,
    CR as a character reference (a parser turns a bare CR into LF), and what
    XML cannot hold at all replaced by U+FFFD."""
    import requests
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from lxml import etree

    keys = sorted(["a&b", "<tag>", "x>y", "cr\rkey", "quote\"'key", "bell\x07key"])
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    request = AWSRequest(method="GET", url=f"{server.endpoint}/{bucket}?list-type=2")
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    response = requests.get(request.url, headers=dict(request.headers))
    assert response.status_code == 200
    assert b"<Key>cr&#13;key</Key>" in response.content and b"<Key>a&amp;b</Key>" in response.content
    listed = [e.text for e in etree.fromstring(response.content).iter("{*}Key")]
    assert listed == [k.replace("\x07", "\ufffd") for k in keys]
