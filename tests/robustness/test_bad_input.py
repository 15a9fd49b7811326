"""Every bad input gets an AWS-shaped error and changes nothing: no 5xx, no
traceback in the server log, the protocol's own error shape with a code,
and the account's state the same before and after.

The requests are built from botocore's input shapes (bad_values.py) and go
on the wire raw (raw_requests.py): boto3 would refuse most of them before
sending. Everything runs as the root of an account of its own, so the
shared session server's other tests see none of it.
"""
from __future__ import annotations

import importlib
import json
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from bad_values import cases, request
from botocore.exceptions import ClientError
from raw_requests import Raw, Wire, error_code, json_request, problems, query_request

from simulator import registry
from simulator.app import SERVICE_PACKAGES
from tests.stored import blob_ids

for package in SERVICE_PACKAGES:  # registers every service's handlers
    importlib.import_module(package)

SERVICES = ("kms", "iam", "sts", "cloudtrail", "s3")
CAP = 30  # cases per implemented operation (a seeded sample past that)
CAP_NOT_IMPLEMENTED = 3  # the request stops at "not implemented": a few prove it is answered well

KEY_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{account}:root"},
    "Action": "kms:*", "Resource": "*"}]})
IDENTITY_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


class Robustness:
    """An account of its own with one resource of each kind to aim at."""

    def __init__(self, server):
        self.server = server
        account = server.create_account("robustness")
        self.account_id = account["account_id"]
        self.keys = (account["access_key_id"], account["secret_access_key"])
        self.wire = Wire(server.endpoint, *self.keys)
        kms, iam, s3 = self.client("kms"), self.client("iam"), self.client("s3")
        self.key_id = kms.create_key(Description="robustness")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/robustness", TargetKeyId=self.key_id)
        iam.create_user(UserName="robustness")
        iam.create_group(GroupName="robustness")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account_id}:root"}, "Action": "sts:AssumeRole"}]})
        self.role_arn = iam.create_role(RoleName="robustness", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        self.policy_arn = iam.create_policy(PolicyName="robustness", PolicyDocument=IDENTITY_POLICY)["Policy"]["Arn"]
        self.bucket = f"robustness-{self.account_id}"
        s3.create_bucket(Bucket=self.bucket)
        s3.put_object(Bucket=self.bucket, Key="present", Body=b"present")
        self.known = {
            "kms": {"KeyId": self.key_id, "TargetKeyId": self.key_id, "DestinationKeyId": self.key_id,
                    "AliasName": "alias/robustness", "Policy": KEY_POLICY.replace("{account}", self.account_id)},
            "iam": {"UserName": "robustness", "GroupName": "robustness", "RoleName": "robustness",
                    "PolicyArn": self.policy_arn, "PolicyName": "robustness", "PolicyDocument": IDENTITY_POLICY,
                    "AssumeRolePolicyDocument": trust},
            "sts": {"RoleArn": self.role_arn, "RoleSessionName": "robustness"},
            "cloudtrail": {},
            "s3": {"Bucket": self.bucket, "Key": "present", "CopySource": f"{self.bucket}/present",
                   "UploadId": "robustness-upload", "Body": b"robustness"},
        }

    def client(self, service: str):
        return self.server.client(service, *self.keys)

    # -- what the account holds ------------------------------------------------
    def state(self, service: str):
        return getattr(self, f"_state_{service}")()

    def _state_kms(self):
        kms = self.client("kms")
        keys = {}
        for key in kms.list_keys()["Keys"]:
            meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            keys[key["KeyId"]] = (meta["KeyState"], meta.get("Description"), meta["KeyUsage"], meta["KeySpec"],
                                  kms.get_key_policy(KeyId=key["KeyId"])["Policy"],
                                  kms.list_resource_tags(KeyId=key["KeyId"])["Tags"],
                                  [g["GrantId"] for g in kms.list_grants(KeyId=key["KeyId"])["Grants"]])
        aliases = sorted((a["AliasName"], a.get("TargetKeyId")) for a in kms.list_aliases()["Aliases"])
        return keys, aliases

    def _state_iam(self):
        iam = self.client("iam")
        users = {u["UserName"]: (iam.list_user_policies(UserName=u["UserName"])["PolicyNames"],
                                 iam.list_attached_user_policies(UserName=u["UserName"])["AttachedPolicies"],
                                 [k["AccessKeyId"] for k in iam.list_access_keys(UserName=u["UserName"])["AccessKeyMetadata"]],
                                 [g["GroupName"] for g in iam.list_groups_for_user(UserName=u["UserName"])["Groups"]],
                                 iam.list_user_tags(UserName=u["UserName"])["Tags"])
                 for u in iam.list_users()["Users"]}
        roles = {r["RoleName"]: (r.get("Description"), r.get("MaxSessionDuration"),
                                 iam.list_role_policies(RoleName=r["RoleName"])["PolicyNames"],
                                 iam.list_attached_role_policies(RoleName=r["RoleName"])["AttachedPolicies"])
                 for r in iam.list_roles()["Roles"]}
        groups = {g["GroupName"]: (iam.list_group_policies(GroupName=g["GroupName"])["PolicyNames"],
                                   [u["UserName"] for u in iam.get_group(GroupName=g["GroupName"])["Users"]])
                  for g in iam.list_groups()["Groups"]}
        policies = {p["Arn"]: (p["DefaultVersionId"], p["AttachmentCount"],
                               [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=p["Arn"])["Versions"]])
                    for p in iam.list_policies(Scope="Local")["Policies"]}
        aliases = iam.list_account_aliases()["AccountAliases"]
        return users, roles, groups, policies, aliases

    def _state_sts(self):
        return self._state_iam()  # STS writes nothing but sessions; the identities it reads stay

    def _state_cloudtrail(self):
        return None  # CloudTrail here only reads the trail

    def _state_s3(self):
        s3 = self.client("s3")
        buckets = {}
        for bucket in s3.list_buckets()["Buckets"]:
            name = bucket["Name"]
            versions = s3.list_object_versions(Bucket=name)
            buckets[name] = (
                sorted((v["Key"], v["VersionId"], v["ETag"], v["Size"]) for v in versions.get("Versions", [])),
                sorted((m["Key"], m["VersionId"]) for m in versions.get("DeleteMarkers", [])),
                sorted(u["UploadId"] for u in s3.list_multipart_uploads(Bucket=name).get("Uploads", [])),
                s3.get_bucket_versioning(Bucket=name).get("Status"),
                self._optional(s3.get_bucket_tagging, name), self._optional(s3.get_bucket_policy, name),
                self._optional(s3.get_bucket_cors, name), self._optional(s3.get_bucket_lifecycle_configuration, name),
                self._optional(s3.get_bucket_encryption, name), self._optional(s3.get_public_access_block, name),
            )
        return buckets

    @staticmethod
    def _optional(get, bucket):
        try:
            answer = get(Bucket=bucket)
        except ClientError as error:  # the configuration is absent: its error code is the state
            return error.response["Error"]["Code"]
        answer.pop("ResponseMetadata", None)
        return answer

    # -- the server's log ----------------------------------------------------------
    def log_size(self) -> int:
        with open(self.server.log_path, "rb") as log:
            return log.seek(0, 2)

    def log_since(self, offset: int) -> str:
        with open(self.server.log_path, "rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def robustness(server):
    return Robustness(server)


def _all_cases(service: str, known: dict):
    svc = registry.service(service)
    found = []
    for operation in sorted(svc.model.operation_names):
        if service == "s3" and operation not in svc.handlers:
            continue  # S3 answers those 501 NotImplemented, as it should
        cap = CAP if operation in svc.handlers else CAP_NOT_IMPLEMENTED
        found += cases(service, operation, known, cap)
    return found


def _tracebacks(log: str) -> list[str]:
    """Each distinct traceback of the log as its last frame and its exception."""
    found = []
    for block in log.split("Traceback (most recent call last):")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        frames = [line.strip() for line in lines if line.strip().startswith("File ")]
        ending = next((line for line in lines if not line.startswith(" ")), "?")
        summary = f"{frames[-1] if frames else '?'}: {ending}"
        if summary not in found:
            found.append(summary)
    return found


def _report(found: list[str], log: str) -> str:
    shown = "\n".join(found[:60])
    more = f"\n... and {len(found) - 60} more" if len(found) > 60 else ""
    tracebacks = "\n".join(_tracebacks(log))
    return f"{len(found)} bad answers:\n{shown}{more}\ntracebacks in the server log:\n{tracebacks}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_refuses_bad_input_in_aws_words(robustness, service):
    every = _all_cases(service, robustness.known[service])
    strict = [request(service, case) for case in every if case.strict]
    lenient = [request(service, case) for case in every if not case.strict]
    assert strict, f"no case for {service}"
    offset = robustness.log_size()
    before = robustness.state(service)
    found = problems(robustness.wire.send_all(strict), strict=True)
    after = robustness.state(service)
    found += problems(robustness.wire.send_all(lenient), strict=False)
    log = robustness.log_since(offset)
    assert not found and "Traceback" not in log, _report(found, log)
    assert before == after, "requests refused for bad input changed the account's state"


# -- malformed envelopes ---------------------------------------------------------

def _json_bodies():
    nested = b"[" * 100_000 + b"]" * 100_000
    return {
        "truncated": b'{"KeyId": ', "not an object": b"[1, 2]", "a string": b'"KeyId"', "null": b"null",
        "trailing garbage": b'{"KeyId": "a"} garbage', "not UTF-8": b'{"KeyId": "\xff\xfe"}',
        "UTF-16": '{"KeyId": "a"}'.encode("utf-16"), "NaN for integer": b'{"KeyId": "a", "Limit": NaN}',
        "huge number": b'{"Limit": 1e999}', "nested 100k deep": nested, "object nested 100k deep":
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "NUL bytes": b"\x00" * 64, "duplicate members":
        b'{"KeyId": "a", "KeyId": "b"}', "lone surrogate key": b'{"\\ud800": 1}',
    }


@pytest.mark.parametrize("service,operation", [("kms", "DescribeKey"), ("kms", "ListKeys"), ("cloudtrail", "LookupEvents")])
def test_malformed_json_is_a_client_error(robustness, service, operation):
    raws = [json_request(service, operation, body, label=f"{service}.{operation} [{what}]")
            for what, body in _json_bodies().items()]
    raws += [json_request(service, operation, b'{}', label=f"{service}.{operation} [content type {ct!r}]", content_type=ct)
             for ct in ("text/plain", "application/xml", "", "application/x-amz-json-1.1; charset=latin-1")]
    raws.append(json_request(service, operation, b"", label=f"{service}.{operation} [empty body]"))
    _expect(robustness, raws, strict=operation == "DescribeKey")


def test_body_past_the_limit_is_refused(robustness):
    big = b'{"KeyId": "' + b"a" * (16 * 1024 * 1024 + 1) + b'"}'
    form_body = b"Action=GetUser&Version=2010-05-08&UserName=" + b"a" * (16 * 1024 * 1024 + 1)
    _expect(robustness, [json_request("kms", "DescribeKey", big, label="kms 16 MiB body"),
                         query_request("iam", form_body, label="iam 16 MiB body")])


def test_malformed_query_requests(robustness):
    version = "Version=2010-05-08"
    bodies = {
        "no Action": version, "unknown Action": f"Action=NoSuchThing&{version}",
        "empty Action": f"Action=&{version}", "not UTF-8": f"Action=GetUser&{version}&UserName=%ff%fe",
        "overlong UTF-8": f"Action=GetUser&{version}&UserName=%c0%af", "NUL": f"Action=GetUser&{version}&UserName=%00",
        "duplicate member": f"Action=GetUser&{version}&UserName=a&UserName=b",
        "duplicate Action": f"Action=GetUser&Action=DeleteUser&{version}&UserName=robustness-missing",
        "list index huge": f"Action=TagUser&{version}&UserName=robustness&Tags.member.99999999999999999999.Key=a",
    }
    raws = [query_request("iam", body.encode(), label=f"iam [{what}]") for what, body in bodies.items()]
    raws.append(query_request("iam", b"", query=f"Action=GetUser&{version}&UserName=%ff", label="iam [bad UTF-8 in URL]"))
    raws.append(query_request("sts", b"Action=AssumeRole&Version=2011-06-15&RoleArn=x&RoleArn=y&RoleSessionName=s",
                              label="sts [duplicate RoleArn]"))
    _expect(robustness, raws, strict=True)
    # Odd but not wrong (AWS reads what it recognises): any answer but a 5xx.
    odd = {
        "member and list": f"Action=ListUsers&{version}&MaxItems=5&MaxItems.member.1=6",
        "list index garbage": f"Action=ListUserTags&{version}&UserName=robustness&Tags.member.x.Key=a",
        "dots only": f"Action=GetUser&{version}&...=1&UserName.=a",
        "bare ampersands": f"&&&Action=GetUser&&{version}&&",
    }
    raws = [query_request("iam", body.encode(), label=f"iam [{what}]") for what, body in odd.items()]
    raws.append(query_request("iam", f"Action=GetUser&{version}&UserName=robustness-missing".encode(),
                              content_type="text/plain", label="iam [text/plain]"))
    _expect(robustness, raws, strict=False)


XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE Tagging [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key><Value>&xxe;</Value></Tag></TagSet></Tagging>"""
XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE Tagging [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]>
<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet/></Tagging>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Tagging [
 <!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key><Value>&i;</Value></Tag></TagSet></Tagging>"""


def _xml_bodies():
    tagging = b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>'
    return {
        "XXE file": XXE_FILE, "XXE parameter entity": XXE_PARAMETER, "billion laughs": BILLION_LAUGHS,
        "not well-formed": b"<Tagging><TagSet>", "not XML": b"{\"TagSet\": []}", "empty": b"",
        "wrong root": tagging.replace(b"Tagging", b"Nonsense"), "not UTF-8": tagging.replace(b"<Value>v", b"<Value>\xff\xfe"),
        "NUL": tagging.replace(b"<Value>v", b"<Value>\x00"), "deep": b"<Tagging>" + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</Tagging>",
        "past 10 MiB": tagging.replace(b"<Value>v", b"<Value>" + b"v" * (10 * 1024 * 1024 + 1)),
    }


def test_malformed_xml_is_refused_never_expanded(robustness):
    before = robustness.state("s3")
    raws = [Raw("s3", "PUT", f"/{robustness.bucket}", query="tagging", body=body, label=f"PutBucketTagging [{what}]")
            for what, body in _xml_bodies().items()]
    raws += [Raw("s3", "POST", f"/{robustness.bucket}", query="delete", body=body, label=f"DeleteObjects [{what}]")
             for what, body in _xml_bodies().items() if what != "empty"]
    started = time.monotonic()
    answers = _expect(robustness, raws, strict=True)
    assert time.monotonic() - started < 20, "XML bodies took too long: an entity was expanded?"
    for answer in answers:
        assert b"root:" not in answer.body and b"hahaha" not in answer.body, answer
    assert robustness.state("s3") == before


def test_malformed_s3_requests(robustness):
    bucket = robustness.bucket
    refused = {
        "key not UTF-8": ("GET", f"/{bucket}/%ff%fe", ""),
        "overlong UTF-8 key": ("PUT", f"/{bucket}/%c0%af", ""),
        "key too long": ("PUT", f"/{bucket}/{'k' * 1025}", ""),
        "max-keys not a number": ("GET", f"/{bucket}", "list-type=2&max-keys=many"),
        "max-keys past a long": ("GET", f"/{bucket}", "list-type=2&max-keys=99999999999999999999"),
        "partNumber not a number": ("PUT", f"/{bucket}/k", "partNumber=one&uploadId=u"),
        "bucket name uppercase": ("PUT", "/Robustness_Bad", ""),
        "bucket name NUL": ("PUT", "/robustness%00bad", ""),
    }
    _expect(robustness, [Raw("s3", method, path, query=query, label=f"s3 [{what}]")
                         for what, (method, path, query) in refused.items()], strict=True)
    odd = {
        "duplicate list-type": ("GET", f"/{bucket}", "list-type=2&list-type=2"),
        "duplicate max-keys": ("GET", f"/{bucket}", "list-type=2&max-keys=1&max-keys=abc"),
        "duplicate prefix": ("GET", f"/{bucket}", "prefix=a&prefix=b"),
        "duplicate versionId": ("GET", f"/{bucket}/present", "versionId=a&versionId=b"),
        "query without value": ("GET", f"/{bucket}", "list-type&prefix"),
        "query not UTF-8": ("GET", f"/{bucket}", "prefix=%ff%fe"),
    }
    _expect(robustness, [Raw("s3", method, path, query=query, label=f"s3 [{what}]")
                         for what, (method, path, query) in odd.items()], strict=False)


TRAVERSALS = ["../escape-1", "%2e%2e%2fescape-2", "a/../../escape-3", "..", "%2e%2e%2f%2e%2e", "./x", "a/./b/../c",
              "..%2f..%2f..%2fescape-4", "%2F..%2F..%2Fescape-5", "....//escape-6", "..\\..\\escape-7",
              "%252e%252e%252fescape-8", "/leading-slash", "//double", "trailing/..", "%c0%ae%c0%ae/escape-9"]


def _files_outside(data_dir: Path) -> set:
    parent = data_dir.parent
    return {p for p in parent.rglob("*") if data_dir not in p.parents and p != data_dir}


def test_path_traversal_keys_are_plain_keys(robustness):
    """A key is a name, never a path: `../` and its encodings store and read
    back as the very key sent, and nothing appears outside the data dir."""
    server, bucket, s3 = robustness.server, robustness.bucket, robustness.client("s3")
    data_dir = Path(server.data_dir).resolve()
    outside = _files_outside(data_dir)
    puts = [Raw("s3", "PUT", f"/{bucket}/{raw}", body=f"body of {raw}".encode(), label=f"PutObject {raw}")
            for raw in TRAVERSALS]
    answers = robustness.wire.send_all(puts)
    stored = {}
    for raw, answer in zip(TRAVERSALS, answers):
        assert answer.status < 500, answer
        if answer.status == 200:
            stored[raw] = answer
        else:
            assert error_code(answer), answer
    assert stored, "no traversal-looking key was accepted at all"
    gets = robustness.wire.send_all([Raw("s3", "GET", f"/{bucket}/{raw}", label=f"GetObject {raw}") for raw in stored])
    for raw, answer in zip(stored, gets):
        assert answer.status == 200 and answer.body == f"body of {raw}".encode(), answer
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    for raw in stored:
        assert unquote(raw) in listed, (raw, sorted(listed))
    assert _files_outside(data_dir) == outside
    assert not any("escape" in p.name for p in Path("/").glob("escape*"))
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": unquote(raw)} for raw in stored]})


def _expect(robustness, raws, *, strict=True):
    offset = robustness.log_size()
    answers = robustness.wire.send_all(raws)
    log = robustness.log_since(offset)
    found = problems(answers, strict=strict)
    assert not found and "Traceback" not in log, _report(found, log)
    return answers


# -- refused writes change nothing --------------------------------------------------

def test_refused_writes_change_nothing(robustness):
    """A sample of writes refused for their input, sent by the SDK (client
    validation off): each gets an AWS error; keys, identities, buckets,
    objects and blob files are as they were."""
    server, bucket, key_id = robustness.server, robustness.bucket, robustness.key_id
    config = {"parameter_validation": False}
    kms = server.client("kms", *robustness.keys, **config)
    iam = server.client("iam", *robustness.keys, **config)
    s3 = server.client("s3", *robustness.keys, **config)
    many_tags = [{"TagKey": f"k{i}", "TagValue": "v"} for i in range(51)]
    # The fuzzing above may have deleted objects; DeleteBucket must meet a non-empty bucket.
    s3.put_object(Bucket=bucket, Key="present", Body=b"present")
    bad_writes = [
        lambda: kms.create_key(KeySpec="NOT_A_SPEC"),
        lambda: kms.create_key(Policy="{not json"),
        lambda: kms.create_alias(AliasName="alias/aws/reserved", TargetKeyId=key_id),
        lambda: kms.create_alias(AliasName="alias/robustness-new", TargetKeyId="alias/robustness-missing"),
        lambda: kms.tag_resource(KeyId=key_id, Tags=many_tags),
        lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "aws:reserved", "TagValue": "v"}]),
        lambda: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=3),
        lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy="{not json"),
        lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=f"arn:aws:iam::{robustness.account_id}:root",
                                 Operations=["NotAnOperation"]),
        lambda: kms.update_key_description(KeyId=key_id, Description="d" * 8193),
        lambda: iam.create_user(UserName="bad name!"),
        lambda: iam.create_user(UserName="robustness"),
        lambda: iam.create_user(UserName="robustness-tags", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)]),
        lambda: iam.create_access_key(UserName="robustness-missing"),
        lambda: iam.put_user_policy(UserName="robustness", PolicyName="p", PolicyDocument="{not json"),
        lambda: iam.create_role(RoleName="robustness-bad-trust", AssumeRolePolicyDocument='{"Version": "2012-10-17"}'),
        lambda: iam.create_policy_version(PolicyArn=robustness.policy_arn, PolicyDocument="[]"),
        lambda: iam.add_user_to_group(UserName="robustness-missing", GroupName="robustness"),
        lambda: iam.create_group(GroupName="g" * 129),
        lambda: s3.create_bucket(Bucket="Bad_Bucket_Name"),
        lambda: s3.create_bucket(Bucket=bucket + "-x", CreateBucketConfiguration={"LocationConstraint": "nowhere-1"}),
        lambda: s3.put_object(Bucket=bucket, Key="bad-md5", Body=b"x", ContentMD5="AAAAAAAAAAAAAAAAAAAAAA=="),
        lambda: s3.put_object(Bucket=bucket, Key="bad-crc", Body=b"x", ChecksumCRC32="AAAAAA=="),
        lambda: s3.put_object(Bucket=bucket, Key="bad-kms", Body=b"x", ServerSideEncryption="aws:kms",
                              SSEKMSKeyId="alias/robustness-missing"),
        lambda: s3.put_object(Bucket=bucket, Key="bad-sse", Body=b"x", ServerSideEncryption="NOT_AN_ALGORITHM"),
        lambda: s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x"),
        lambda: s3.put_bucket_policy(Bucket=bucket, Policy="{not json"),
        lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}),
        lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Sometimes"}),
        lambda: s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/robustness-missing"),
        lambda: s3.delete_bucket(Bucket=bucket),
    ]
    states = {service: robustness.state(service) for service in ("kms", "iam", "s3")}
    blobs = blob_ids(server.data_dir)
    offset = robustness.log_size()
    accepted = []
    for write in bad_writes:
        try:
            write()
            accepted.append(write.__code__.co_firstlineno)
        except ClientError as error:
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            assert 400 <= status < 500 and error.response["Error"]["Code"], error
    log = robustness.log_since(offset)
    assert not accepted, f"bad writes accepted (lines {accepted})"
    assert "Traceback" not in log, _report([], log)
    assert {service: robustness.state(service) for service in ("kms", "iam", "s3")} == states
    assert blob_ids(server.data_dir) == blobs, "a refused upload left a blob behind"
