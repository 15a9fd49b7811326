"""S3's answers to bad input, each pinned to AWS's own: the error code, the
HTTP status, and that a refused request changed nothing.

Requests boto3 would refuse (or would never form) go on the wire raw and
signed (raw_requests.py); the rest through boto3. What AWS answers comes
from its error pages and answers recorded against it (see each comment).
Everything runs as the root of an account of its own on the session server.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import time
import urllib.error
import urllib.request

import botocore.exceptions
import pytest
from lxml import etree
from raw_requests import Raw, Wire, error_code

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
WELL_FORMED_VERSION = "A" * 32  # the shape of a version id, naming none


class Sweep:
    def __init__(self, server):
        account = server.create_account("s3-sweep")
        keys = (account["access_key_id"], account["secret_access_key"])
        self.server, self.keys = server, keys
        self.wire = Wire(server.endpoint, *keys)
        self.s3 = server.client("s3", *keys)
        self.loose = server.client("s3", *keys, parameter_validation=False)
        self.bucket = f"s3-sweep-{account['account_id']}"
        self.s3.create_bucket(Bucket=self.bucket)
        self.s3.put_object(Bucket=self.bucket, Key="obj", Body=b"0123456789")
        self.upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key="mp")["UploadId"]

    def send(self, method, path="", query="", body=b"", headers=None):
        headers = dict(headers or {})
        if body:
            headers.setdefault("Content-MD5", base64.b64encode(hashlib.md5(body).digest()).decode())
        return self.wire.send(Raw("s3", method, f"/{self.bucket}{path}", query=query, body=body, headers=headers,
                                  label=f"{method} {path}?{query}"))

    def state(self):
        s3, name = self.s3, self.bucket
        versions = s3.list_object_versions(Bucket=name)
        configs = {}
        for get in ("get_bucket_tagging", "get_bucket_lifecycle_configuration", "get_bucket_cors", "get_bucket_policy",
                    "get_public_access_block", "get_bucket_ownership_controls", "get_bucket_encryption",
                    "get_bucket_versioning", "get_bucket_acl"):
            try:
                answer = getattr(s3, get)(Bucket=name)
                answer.pop("ResponseMetadata")
                configs[get] = answer
            except botocore.exceptions.ClientError as error:
                configs[get] = error.response["Error"]["Code"]
        objects = sorted((v["Key"], v["VersionId"], v["ETag"]) for v in versions.get("Versions", []))
        tags = s3.get_object_tagging(Bucket=name, Key="obj")["TagSet"]
        parts = [p["PartNumber"] for p in s3.list_parts(Bucket=name, Key="mp", UploadId=self.upload).get("Parts", [])]
        return objects, configs, tags, parts


@pytest.fixture(scope="module")
def sweep(server):
    return Sweep(server)


def _error(answer) -> tuple:
    return error_code(answer), answer.status


def _fields(answer) -> dict:
    return {child.tag: child.text for child in etree.fromstring(answer.body)} if answer.body else {}


def _boto_error(call, **kwargs) -> tuple:
    with pytest.raises(botocore.exceptions.ClientError) as failure:
        call(**kwargs)
    response = failure.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]


# -- PUT-configuration documents ----------------------------------------------------

def _lifecycle(rule: str) -> bytes:
    return f"<LifecycleConfiguration {NS}><Rule><Status>Enabled</Status>{rule}</Rule></LifecycleConfiguration>".encode()


DAYS_1 = "<Expiration><Days>1</Days></Expiration>"
# (query, body, AWS's code, status)
BAD_DOCUMENTS = {
    # "did not validate against our published schema": wrong types, missing members, unknown enums.
    "tagging not well-formed": ("tagging", b"<Tagging><TagSet>", "MalformedXML", 400),
    "tagging without TagSet": ("tagging", f"<Tagging {NS}></Tagging>".encode(), "MalformedXML", 400),
    "tagging Tag without Value": ("tagging", f"<Tagging {NS}><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>".encode(),
                                  "MalformedXML", 400),
    "51 bucket tags": ("tagging", f"<Tagging {NS}><TagSet>{''.join(f'<Tag><Key>k{i}</Key><Value>v</Value></Tag>' for i in range(51))}</TagSet></Tagging>".encode(),
                       "InvalidTag", 400),
    "versioning lower-case status": ("versioning", f"<VersioningConfiguration {NS}><Status>enabled</Status></VersioningConfiguration>".encode(),
                                     "MalformedXML", 400),
    # localstack's AWS-validated test_bucket_versioning_crud.
    "versioning empty": ("versioning", f"<VersioningConfiguration {NS}/>".encode(),
                         "IllegalVersioningConfigurationException", 400),
    "encryption no rule": ("encryption", f"<ServerSideEncryptionConfiguration {NS}/>".encode(), "MalformedXML", 400),
    "encryption unknown algorithm": ("encryption", f"<ServerSideEncryptionConfiguration {NS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>".encode(),
                                     "MalformedXML", 400),
    "encryption boolean not a boolean": ("encryption", f"<ServerSideEncryptionConfiguration {NS}><Rule><BucketKeyEnabled>maybe</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>".encode(),
                                         "MalformedXML", 400),
    "cors no rules": ("cors", f"<CORSConfiguration {NS}/>".encode(), "MalformedXML", 400),
    "cors unknown method": ("cors", f"<CORSConfiguration {NS}><CORSRule><AllowedMethod>PATCH</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>".encode(),
                            "InvalidRequest", 400),
    "cors max age not a number": ("cors", f"<CORSConfiguration {NS}><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin><MaxAgeSeconds>abc</MaxAgeSeconds></CORSRule></CORSConfiguration>".encode(),
                                  "MalformedXML", 400),
    "ownership no rule": ("ownershipControls", f"<OwnershipControls {NS}/>".encode(), "MalformedXML", 400),
    "ownership unknown": ("ownershipControls", f"<OwnershipControls {NS}><Rule><ObjectOwnership>Nobody</ObjectOwnership></Rule></OwnershipControls>".encode(),
                          "MalformedXML", 400),
    "public access block not a boolean": ("publicAccessBlock", f"<PublicAccessBlockConfiguration {NS}><BlockPublicAcls>maybe</BlockPublicAcls></PublicAccessBlockConfiguration>".encode(),
                                          "MalformedXML", 400),
    "policy a list": ("policy", b"[]", "MalformedPolicy", 400),
    "policy no statement": ("policy", b'{"Version":"2012-10-17"}', "MalformedPolicy", 400),
    "policy deep": ("policy", b"{" * 100_000, "MalformedPolicy", 400),
    "policy for another bucket": ("policy", (b'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
                                             b'"Action":"s3:GetObject","Resource":"arn:aws:s3:::another-bucket/*"}]}'),
                                  "MalformedPolicy", 400),
    "lifecycle no rules": ("lifecycle", f"<LifecycleConfiguration {NS}/>".encode(), "MalformedXML", 400),
    "lifecycle days not a number": ("lifecycle", _lifecycle("<Filter/><Expiration><Days>abc</Days></Expiration>"), "MalformedXML", 400),
    "lifecycle days past an int": ("lifecycle", _lifecycle("<Filter/><Expiration><Days>99999999999999</Days></Expiration>"),
                                   "MalformedXML", 400),
    "lifecycle expiration days 0": ("lifecycle", _lifecycle("<Filter/><Expiration><Days>0</Days></Expiration>"), "InvalidArgument", 400),
    "lifecycle unknown storage class": ("lifecycle", _lifecycle("<Filter/><Transition><Days>1</Days><StorageClass>BOGUS</StorageClass></Transition>"),
                                        "MalformedXML", 400),
    # AWS: "'Date' must be at midnight GMT" (InvalidArgument), for Expiration and Transition dates.
    "lifecycle expiration date at 10:00": ("lifecycle", _lifecycle("<Filter/><Expiration><Date>2030-01-01T10:00:00Z</Date></Expiration>"),
                                           "InvalidArgument", 400),
    "lifecycle transition date at 00:00:01": ("lifecycle", _lifecycle("<Filter/><Transition><Date>2030-01-01T00:00:01Z</Date><StorageClass>GLACIER</StorageClass></Transition>"),
                                              "InvalidArgument", 400),
    # An Expiration is Days, or Date, or ExpiredObjectDeleteMarker: one of them.
    "lifecycle expiration days and date": ("lifecycle", _lifecycle("<Filter/><Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>"),
                                           "MalformedXML", 400),
    "lifecycle expiration days and marker": ("lifecycle", _lifecycle("<Filter/><Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"),
                                             "MalformedXML", 400),
    # A Filter holds one condition; two need <And>.
    "lifecycle filter prefix and tag": ("lifecycle", _lifecycle("<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>" + DAYS_1),
                                        "MalformedXML", 400),
    "lifecycle noncurrent days 0": ("lifecycle", _lifecycle("<Filter/><NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>"),
                                    "InvalidArgument", 400),
    "lifecycle abort days -5": ("lifecycle", _lifecycle("<Filter/><AbortIncompleteMultipartUpload><DaysAfterInitiation>-5</DaysAfterInitiation></AbortIncompleteMultipartUpload>"),
                                "InvalidArgument", 400),
}


def test_bad_configuration_documents_are_refused_and_change_nothing(sweep):
    before = sweep.state()
    found = []
    for what, (query, body, code, status) in BAD_DOCUMENTS.items():
        answer = sweep.send("PUT", query=query, body=body)
        if _error(answer) != (code, status):
            found.append(f"{what}: expected {code} {status}, got {answer}")
    assert not found, "\n".join(found)
    assert sweep.state() == before


def test_lifecycle_refusals_say_what_aws_says(sweep):
    answer = sweep.send("PUT", query="lifecycle", body=BAD_DOCUMENTS["lifecycle expiration date at 10:00"][1])
    assert _fields(answer)["Message"] == "'Date' must be at midnight GMT"
    assert _fields(answer)["ArgumentName"] == "Date"
    answer = sweep.send("PUT", query="lifecycle", body=BAD_DOCUMENTS["lifecycle abort days -5"][1])
    assert _fields(answer)["Message"] == ("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a"
                                          " positive integer")
    answer = sweep.send("PUT", query="lifecycle", body=BAD_DOCUMENTS["lifecycle noncurrent days 0"][1])
    assert _fields(answer)["Message"] == "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"
    # What is right still goes in: midnight dates, a filter's conditions under <And>.
    good = _lifecycle("<Filter><And><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter>"
                      "<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>")
    assert sweep.send("PUT", query="lifecycle", body=good).status == 200
    rule = sweep.s3.get_bucket_lifecycle_configuration(Bucket=sweep.bucket)["Rules"][0]
    assert rule["Expiration"]["Date"] == dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    sweep.s3.delete_bucket_lifecycle(Bucket=sweep.bucket)


XXE = f"""<?xml version="1.0"?>
<!DOCTYPE Tagging [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Tagging {NS}><TagSet><Tag><Key>k</Key><Value>&xxe;</Value></Tag></TagSet></Tagging>""".encode()
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "ha">' + b"".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)) + b"]>")


@pytest.mark.parametrize("query,root", [
    ("tagging", "Tagging"), ("versioning", "VersioningConfiguration"), ("encryption", "ServerSideEncryptionConfiguration"),
    ("lifecycle", "LifecycleConfiguration"), ("cors", "CORSConfiguration"), ("ownershipControls", "OwnershipControls"),
    ("publicAccessBlock", "PublicAccessBlockConfiguration"), ("acl", "AccessControlPolicy"),
])
def test_dtds_are_refused_never_expanded(sweep, query, root):
    """Every PUT-configuration document with a DTD: refused, no entity expanded."""
    before = sweep.state()
    started = time.monotonic()
    xxe = XXE.replace(b"Tagging", root.encode()) if query != "tagging" else XXE
    laughs = LAUGHS + f"<{root} {NS}>&i;</{root}>".encode()
    for body in (xxe, laughs):
        answer = sweep.send("PUT", query=query, body=body)
        assert answer.status == 400 and error_code(answer) in ("MalformedXML", "MalformedACLError"), answer
        assert b"root:" not in answer.body and b"hahaha" not in answer.body
    assert time.monotonic() - started < 5
    assert sweep.state() == before


def test_bad_multipart_and_delete_documents(sweep):
    etag = sweep.s3.upload_part(Bucket=sweep.bucket, Key="mp", UploadId=sweep.upload, PartNumber=1, Body=b"a" * 10)["ETag"]
    before = sweep.state()

    def complete(parts: str) -> bytes:
        return f"<CompleteMultipartUpload {NS}>{parts}</CompleteMultipartUpload>".encode()

    def delete(n: int) -> bytes:
        return f"<Delete {NS}>{''.join(f'<Object><Key>k{i}</Key></Object>' for i in range(n))}</Delete>".encode()

    upload = f"uploadId={sweep.upload}"
    cases = [
        ("POST", "/mp", upload, complete(""), "MalformedXML", 400),
        ("POST", "/mp", upload, complete(f"<Part><PartNumber>abc</PartNumber><ETag>{etag}</ETag></Part>"), "MalformedXML", 400),
        ("POST", "/mp", upload, complete('<Part><PartNumber>1</PartNumber><ETag>"deadbeef"</ETag></Part>'), "InvalidPart", 400),
        ("POST", "/mp", upload, complete(f"<Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part>" * 2), "InvalidPartOrder", 400),
        ("POST", "/mp", upload, b"<<<", "MalformedXML", 400),
        ("POST", "/mp", "uploadId=garbage", complete(f"<Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part>"), "NoSuchUpload", 404),
        ("POST", "", "delete", delete(0), "MalformedXML", 400),
        ("POST", "", "delete", delete(1001), "MalformedXML", 400),
        ("POST", "", "delete", f"<Delete {NS}><Object><VersionId>x</VersionId></Object></Delete>".encode(), "MalformedXML", 400),
        ("POST", "", "delete", f"<Delete {NS}><Quiet>maybe</Quiet><Object><Key>obj</Key></Object></Delete>".encode(), "MalformedXML", 400),
    ]
    found = [f"{c}: {answer}" for c, answer in ((c, sweep.send(*c[:4])) for c in cases) if _error(answer) != c[4:]]
    assert not found, "\n".join(found)
    assert sweep.state() == before


def test_configuration_documents_are_checked_against_their_digests(sweep):
    """Content-MD5 and x-amz-checksum-* on an XML body are checked before it
    is parsed: a mismatch is BadDigest, a malformed MD5 InvalidDigest, and
    nothing is applied (a wrong MD5 on DeleteObjects deletes nothing)."""
    before = sweep.state()
    tagging = f"<Tagging {NS}><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>".encode()
    delete = f"<Delete {NS}><Object><Key>obj</Key></Object></Delete>".encode()
    wrong_md5 = {"Content-MD5": base64.b64encode(hashlib.md5(b"other").digest()).decode()}
    wrong_crc = {"Content-MD5": base64.b64encode(hashlib.md5(delete).digest()).decode(),
                 "x-amz-checksum-crc32": "AAAAAA=="}
    cases = [
        ("PUT", "", "tagging", tagging, wrong_md5, "BadDigest", 400),
        ("PUT", "", "tagging", tagging, {"Content-MD5": "not-an-md5"}, "InvalidDigest", 400),
        ("PUT", "/obj", "tagging", tagging, wrong_md5, "BadDigest", 400),
        ("POST", "", "delete", delete, wrong_md5, "BadDigest", 400),
        ("POST", "", "delete", delete, wrong_crc, "BadDigest", 400),
    ]
    found = [f"{c[:3]}: {answer}" for c, answer in ((c, sweep.send(*c[:5])) for c in cases) if _error(answer) != c[5:]]
    assert not found, "\n".join(found)
    assert sweep.state() == before
    # The same documents with their own digests are applied.
    assert sweep.send("PUT", "", "tagging", tagging).status < 300
    assert sweep.s3.get_bucket_tagging(Bucket=sweep.bucket)["TagSet"] == [{"Key": "k", "Value": "v"}]
    sweep.s3.delete_bucket_tagging(Bucket=sweep.bucket)


def test_bad_restore_requests(sweep):
    sweep.s3.put_object(Bucket=sweep.bucket, Key="cold", Body=b"x", StorageClass="GLACIER")

    def restore(inner: str) -> bytes:
        return f"<RestoreRequest {NS}>{inner}</RestoreRequest>".encode()

    for body in (restore("<Days>abc</Days>"), restore(""), b"<<"):
        assert _error(sweep.send("POST", "/cold", "restore", body)) == ("MalformedXML", 400)
    assert _error(sweep.send("POST", "/obj", "restore", restore("<Days>1</Days>"))) == ("InvalidObjectState", 403)
    assert "Restore" not in sweep.s3.head_object(Bucket=sweep.bucket, Key="cold")
    sweep.s3.delete_object(Bucket=sweep.bucket, Key="cold")


def test_bad_acls(sweep):
    sweep.s3.put_bucket_ownership_controls(Bucket=sweep.bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    before = sweep.state()
    owner = sweep.s3.get_bucket_acl(Bucket=sweep.bucket)["Owner"]["ID"]

    def policy(grant: str) -> bytes:
        return (f'<AccessControlPolicy {NS} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Owner><ID>{owner}</ID>'
                f"</Owner><AccessControlList>{grant}</AccessControlList></AccessControlPolicy>").encode()

    all_users = '<Grantee xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>'
    cases = [
        (policy(f"<Grant>{all_users}<Permission>EVERYTHING</Permission></Grant>"), {}, "MalformedACLError", 400),
        (policy('<Grant><Grantee xsi:type="Alien"><ID>x</ID></Grantee><Permission>READ</Permission></Grant>'), {}, "MalformedACLError", 400),
        (policy(""), {"x-amz-acl": "private"}, "UnexpectedContent", 400),
        (b"", {"x-amz-acl": "private", "x-amz-grant-read": 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'}, "InvalidRequest", 400),
        (b"", {"x-amz-acl": "bogus"}, "InvalidArgument", 400),
        (b"", {"x-amz-grant-read": "nonsense"}, "InvalidArgument", 400),
    ]
    found = [f"{c}: {answer}" for c, answer in ((c, sweep.send("PUT", query="acl", body=c[0], headers=c[1])) for c in cases)
             if _error(answer) != c[2:]]
    assert not found, "\n".join(found)
    assert sweep.state() == before
    sweep.s3.delete_bucket_ownership_controls(Bucket=sweep.bucket)


# -- query parameters ------------------------------------------------------------------

def test_bad_listing_arguments(sweep):
    cases = {
        "max-keys=-1": "Argument maxKeys must be an integer between 0 and 2147483647",
        "list-type=2&max-keys=-1": "Argument maxKeys must be an integer between 0 and 2147483647",
        "versions&max-keys=-1": "Argument maxKeys must be an integer between 0 and 2147483647",
        "max-keys=abc": None, "list-type=2&max-keys=2147483648": None,
        # Python's int() reads these as 10 and 5; AWS's parser refuses them.
        "max-keys=1_0": "Provided max-keys not an integer or within integer range",
        "list-type=2&max-keys=%205": "Provided max-keys not an integer or within integer range",
        "encoding-type=bogus": "Invalid Encoding Method specified in Request",
        "list-type=2&encoding-type=bogus": "Invalid Encoding Method specified in Request",
        "versions&encoding-type=bogus": "Invalid Encoding Method specified in Request",
        "uploads&encoding-type=bogus": "Invalid Encoding Method specified in Request",
        "list-type=2&continuation-token=garbage": "The continuation token provided is incorrect",
        "list-type=2&fetch-owner=maybe": None,
        # AWS's own messages (recorded against it): a negative page size or marker names the argument.
        "uploads&max-uploads=-1": "Argument max-uploads must be an integer between 0 and 2147483647",
        "versions&version-id-marker=x": "A version-id marker cannot be specified without a key marker.",
        "versions&key-marker=obj&version-id-marker=": "A version-id marker cannot be empty.",
        "versions&key-marker=obj&version-id-marker=garbage": "Invalid version id specified",
    }
    found = []
    for query, message in cases.items():
        answer = sweep.send("GET", query=query)
        if _error(answer) != ("InvalidArgument", 400) or (message and _fields(answer).get("Message") != message):
            found.append(f"{query}: {answer}")
    assert not found, "\n".join(found)


def test_bad_list_parts_arguments(sweep):
    for query, message in {"max-parts=-1": "Argument max-parts must be an integer between 0 and 2147483647",
                           "part-number-marker=-1": "Argument part-number-marker must be an integer between 0 and 2147483647",
                           "max-parts=abc": None}.items():
        answer = sweep.send("GET", "/mp", f"uploadId={sweep.upload}&{query}")
        assert _error(answer) == ("InvalidArgument", 400), answer
        assert message is None or _fields(answer)["Message"] == message
    assert _error(sweep.send("GET", "/mp", "uploadId=garbage")) == ("NoSuchUpload", 404)


@pytest.mark.parametrize("number", ["0", "10001", "-1"])
def test_part_numbers_out_of_range(sweep, number):
    """1 to 10000, for reading a part (GetObject, HeadObject) as for writing one."""
    before = sweep.state()
    message = "Part number must be an integer between 1 and 10000, inclusive"
    for method, path, query, body in (("GET", "/obj", f"partNumber={number}", b""),
                                      ("PUT", "/mp", f"partNumber={number}&uploadId={sweep.upload}", b"x")):
        answer = sweep.send(method, path, query, body)
        assert _error(answer) == ("InvalidArgument", 400), answer
        assert _fields(answer)["Message"] == message and _fields(answer)["ArgumentName"] == "partNumber"
    assert sweep.send("HEAD", "/obj", f"partNumber={number}").status == 400
    assert sweep.send("HEAD", "/obj", "partNumber=2").status == 416  # in range, past the object's parts
    assert sweep.state() == before


def test_version_ids_malformed_empty_or_unknown(sweep):
    """AWS tells a malformed version id (400 InvalidArgument) from an
    empty one (400, its own message) and from a well-formed one naming no
    version (404 NoSuchVersion)."""
    before = sweep.state()
    s3, bucket = sweep.loose, sweep.bucket
    for call in (s3.get_object, s3.head_object, s3.delete_object, s3.get_object_tagging, s3.get_object_acl,
                 s3.delete_object_tagging):
        code, status, error = _boto_error(call, Bucket=bucket, Key="obj", VersionId="garbage")
        assert status == 400, call
        if call != s3.head_object:  # HEAD answers have no body
            assert code == "InvalidArgument" and error["Message"] == "Invalid version id specified", call
            assert error["ArgumentName"] == "versionId"
    for call in (s3.get_object, s3.get_object_tagging, s3.get_object_acl):
        assert _boto_error(call, Bucket=bucket, Key="obj", VersionId=WELL_FORMED_VERSION)[:2] == ("NoSuchVersion", 404)
    assert _boto_error(s3.head_object, Bucket=bucket, Key="obj", VersionId=WELL_FORMED_VERSION)[1] == 404
    answer = sweep.send("GET", "/obj", "versionId=")
    assert _error(answer) == ("InvalidArgument", 400)
    assert _fields(answer)["Message"] == "Version id cannot be the empty string"
    assert sweep.send("DELETE", "/obj", "versionId=").status == 400
    code, status, _ = _boto_error(s3.copy_object, Bucket=bucket, Key="copy", CopySource=f"{bucket}/obj?versionId=garbage")
    assert (code, status) == ("InvalidArgument", 400)
    code, status, _ = _boto_error(s3.put_object_tagging, Bucket=bucket, Key="obj", VersionId="garbage",
                                  Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    assert (code, status) == ("InvalidArgument", 400)
    assert sweep.s3.get_object(Bucket=bucket, Key="obj", VersionId="null")["Body"].read() == b"0123456789"
    assert sweep.state() == before


def test_unsatisfiable_and_ignored_ranges(sweep):
    """A Range S3 cannot use as one range is ignored (200, whole body); one
    starting past the end is 416 InvalidRange."""
    for header in ("bytes=abc", "bytes=5-2", "bytes=0-0,2-3", "chars=0-1", "bytes="):
        answer = sweep.send("GET", "/obj", headers={"Range": header})
        assert (answer.status, answer.body) == (200, b"0123456789"), header
    for header in ("bytes=10-", "bytes=100-200", "bytes=99999999999999999999999-"):
        answer = sweep.send("GET", "/obj", headers={"Range": header})
        assert _error(answer) == ("InvalidRange", 416), header
        assert _fields(answer)["ActualObjectSize"] == "10"


def test_copy_source_ranges_must_be_exact_and_within_the_source(sweep):
    before = sweep.state()
    query = f"partNumber=3&uploadId={sweep.upload}"
    source = {"x-amz-copy-source": f"{sweep.bucket}/obj"}
    for header in ("bytes=abc", "bytes=5-2", "0-1", "bytes=0-", "bytes=-3"):
        answer = sweep.send("PUT", "/mp", query, headers={**source, "x-amz-copy-source-range": header})
        assert _error(answer) == ("InvalidArgument", 400), (header, answer)
        assert _fields(answer)["ArgumentName"] == "x-amz-copy-source-range"
    answer = sweep.send("PUT", "/mp", query, headers={**source, "x-amz-copy-source-range": "bytes=0-10"})
    assert _error(answer) == ("InvalidArgument", 400)
    assert _fields(answer)["Message"] == "Range specified is not valid for source object of size: 10"
    assert sweep.state() == before
    copied = sweep.send("PUT", "/mp", query, headers={**source, "x-amz-copy-source-range": "bytes=0-9"})
    assert copied.status == 200, copied
    sweep.s3.abort_multipart_upload(Bucket=sweep.bucket, Key="mp", UploadId=sweep.upload)
    sweep.upload = sweep.s3.create_multipart_upload(Bucket=sweep.bucket, Key="mp")["UploadId"]


# -- headers ------------------------------------------------------------------------------

def test_conflicting_and_malformed_headers_store_nothing(sweep):
    before = sweep.state()
    key = b"k" * 32
    ssec = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
            "x-amz-server-side-encryption-customer-key": base64.b64encode(key).decode(),
            "x-amz-server-side-encryption-customer-key-md5": base64.b64encode(hashlib.md5(key).digest()).decode()}
    copy = {"x-amz-copy-source": f"{sweep.bucket}/obj"}
    cases = [
        ({**ssec, "x-amz-server-side-encryption": "aws:kms"}, "InvalidArgument"),
        ({**ssec, "x-amz-server-side-encryption": "AES256"}, "InvalidArgument"),
        ({**ssec, "x-amz-server-side-encryption-customer-algorithm": "DES"}, "InvalidEncryptionAlgorithmError"),
        ({"x-amz-server-side-encryption-customer-algorithm": "AES256"}, "InvalidArgument"),
        ({"x-amz-server-side-encryption": "rot13"}, "InvalidArgument"),
        ({"x-amz-storage-class": "BOGUS"}, "InvalidStorageClass"),
        ({"x-amz-acl": "bogus"}, "InvalidArgument"),
        ({"x-amz-tagging": "a=1&a=2"}, "InvalidTag"),
        ({"Content-MD5": "!!!"}, "InvalidDigest"),
        ({"Content-MD5": base64.b64encode(b"abc").decode()}, "InvalidDigest"),
        ({"Content-MD5": base64.b64encode(hashlib.md5(b"other").digest()).decode()}, "BadDigest"),
        ({"x-amz-checksum-crc32": "!!!"}, "InvalidRequest"),
        ({"x-amz-checksum-sha256": base64.b64encode(b"a" * 32).decode()}, "BadDigest"),
        ({"x-amz-checksum-crc32": "AAAAAA==", "x-amz-checksum-sha1": base64.b64encode(b"a" * 20).decode()}, "InvalidRequest"),
        ({"x-amz-sdk-checksum-algorithm": "MD4"}, "InvalidRequest"),
        ({"x-amz-copy-source": "nobucketnoslash"}, "InvalidArgument"),
        ({"x-amz-copy-source": f"{sweep.bucket}/"}, "InvalidArgument"),
        ({**copy, "x-amz-metadata-directive": "BOGUS"}, "InvalidArgument"),
        ({**copy, "x-amz-tagging-directive": "BOGUS"}, "InvalidArgument"),
        ({**copy, "x-amz-storage-class": "BOGUS"}, "InvalidStorageClass"),
    ]
    found = []
    for headers, code in cases:
        body = b"" if "x-amz-copy-source" in headers else b"x"
        answer = sweep.send("PUT", "/target", body=body, headers=headers)
        if _error(answer) != (code, 400):
            found.append(f"{headers}: expected {code}, got {answer}")
    assert _error(sweep.send("PUT", "/target", headers={**copy, "x-amz-copy-source-if-match": '"nope"'})) == (
        "PreconditionFailed", 412)
    assert _error(sweep.send("PUT", "/target", headers={"x-amz-copy-source": f"{sweep.bucket}/missing"})) == ("NoSuchKey", 404)
    assert not found, "\n".join(found)
    assert sweep.state() == before


# -- presigned URLs --------------------------------------------------------------------------

def test_tampered_presigned_urls(sweep):
    v4 = sweep.server.client("s3", *sweep.keys, signature_version="s3v4")
    url = v4.generate_presigned_url("get_object", Params={"Bucket": sweep.bucket, "Key": "obj"}, ExpiresIn=300)

    def fetch(target: str, method: str = "GET") -> tuple:
        try:
            with urllib.request.urlopen(urllib.request.Request(target, method=method)) as answer:
                return answer.status, None
        except urllib.error.HTTPError as error:
            return error.code, re.search(rb"<Code>(.*?)</Code>", error.read()).group(1).decode()

    assert fetch(url) == (200, None)
    signature = re.search(r"X-Amz-Signature=(\w+)", url).group(1)
    flipped = ("1" if signature[0] == "0" else "0") + signature[1:]
    tampered = {
        url.replace(signature, flipped): (403, "SignatureDoesNotMatch"),
        url.replace("/obj?", "/other?"): (403, "SignatureDoesNotMatch"),
        url + "&response-content-type=text/evil": (403, "SignatureDoesNotMatch"),
        url.replace("X-Amz-Expires=300", "X-Amz-Expires=604801"): (400, "AuthorizationQueryParametersError"),
        url.replace("X-Amz-Expires=300", "X-Amz-Expires=-1"): (400, "AuthorizationQueryParametersError"),
        re.sub(r"&X-Amz-Signature=\w+", "", url): (400, "AuthorizationQueryParametersError"),
        url.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"): (400, "AuthorizationQueryParametersError"),
    }
    for target, expected in tampered.items():
        assert fetch(target) == expected, target
    assert fetch(url, method="DELETE") == (403, "SignatureDoesNotMatch")
    assert sweep.s3.get_object(Bucket=sweep.bucket, Key="obj")["Body"].read() == b"0123456789"
