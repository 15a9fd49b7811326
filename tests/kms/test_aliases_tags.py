"""CreateAlias, UpdateAlias, DeleteAlias, ListAliases; TagResource,
UntagResource, ListResourceTags."""
from .conftest import error_of


def test_alias_life(kms, key, server):
    kms.create_alias(AliasName="alias/life", TargetKeyId=key["Arn"])
    listed = [a for a in kms.list_aliases(KeyId=key["KeyId"])["Aliases"]]
    assert [(a["AliasName"], a["TargetKeyId"], a["AliasArn"]) for a in listed] == [
        ("alias/life", key["KeyId"], f"arn:aws:kms:{server.region}:{server.account_id}:alias/life")]
    assert error_of(kms.create_alias, AliasName="alias/life", TargetKeyId=key["KeyId"]) == (
        "AlreadyExistsException", f"An alias with the name arn:aws:kms:{server.region}:{server.account_id}:alias/life already exists", 400)
    other = kms.create_key()["KeyMetadata"]
    kms.update_alias(AliasName="alias/life", TargetKeyId=other["KeyId"])
    assert kms.describe_key(KeyId="alias/life")["KeyMetadata"]["KeyId"] == other["KeyId"]
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert error_of(kms.update_alias, AliasName="alias/life", TargetKeyId=signing["KeyId"])[0] == "ValidationException"
    kms.delete_alias(AliasName="alias/life")
    assert error_of(kms.describe_key, KeyId="alias/life")[0] == "NotFoundException"
    assert error_of(kms.delete_alias, AliasName="alias/life")[0] == "NotFoundException"
    assert error_of(kms.update_alias, AliasName="alias/life", TargetKeyId=key["KeyId"])[0] == "NotFoundException"


def test_alias_names(kms, key):
    # Pinned from AWS.
    assert error_of(kms.create_alias, AliasName="no-prefix", TargetKeyId=key["KeyId"]) == (
        "ValidationException",
        'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
        400,
    )
    assert error_of(kms.create_alias, AliasName="alias/aws/reserved", TargetKeyId=key["KeyId"])[0] == "NotAuthorizedException"
    assert error_of(kms.create_alias, AliasName="alias/bad name!", TargetKeyId=key["KeyId"])[0] == "ValidationException"
    # An alias cannot point at an alias: KMS's answer wherever a key id is required.
    assert error_of(kms.create_alias, AliasName="alias/to-nowhere", TargetKeyId="alias/other")[0] == "InvalidArnException"
    assert error_of(kms.create_alias, AliasName="alias/to-nowhere", TargetKeyId="0f9b04ee-ab13-4f35-a2b2-d0902bfe6a1e")[0] == "NotFoundException"
    assert not kms.list_aliases(KeyId=key["KeyId"])["Aliases"]


def test_alias_to_a_key_pending_deletion(kms, key):
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert error_of(kms.create_alias, AliasName="alias/doomed", TargetKeyId=key["KeyId"])[0] == "KMSInvalidStateException"


def test_list_aliases_pages(kms, key):
    for n in range(5):
        kms.create_alias(AliasName=f"alias/page-{n}", TargetKeyId=key["KeyId"])
    first = kms.list_aliases(KeyId=key["KeyId"], Limit=3)
    assert len(first["Aliases"]) == 3 and first["Truncated"]
    rest = kms.list_aliases(KeyId=key["KeyId"], Limit=3, Marker=first["NextMarker"])
    assert len(rest["Aliases"]) == 2 and not rest["Truncated"]
    assert error_of(kms.list_aliases, KeyId=key["KeyId"], Marker=first["NextMarker"] + "x")[0] == "InvalidMarkerException"


def test_tags(kms):
    key = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "blue"}])["KeyMetadata"]
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "blue"}]
    kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "team", "TagValue": "red"}, {"TagKey": "env", "TagValue": ""}])
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "env", "TagValue": ""}, {"TagKey": "team", "TagValue": "red"}]
    kms.untag_resource(KeyId=key["KeyId"], TagKeys=["env", "absent"])
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "red"}]


def test_tag_limits(kms, key):
    assert error_of(kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "aws:x", "TagValue": "1"}])[0] == "TagException"
    assert error_of(kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "k" * 129, "TagValue": "1"}])[0] == "ValidationException"
    assert error_of(kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "k", "TagValue": "v" * 257}])[0] == "ValidationException"
    kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": f"t{n:02}", "TagValue": "1"} for n in range(50)])
    # 50 tags per key: the 51st fails and the request changes nothing.
    assert error_of(kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "t00", "TagValue": "2"}, {"TagKey": "t50", "TagValue": "1"}])[0] == "LimitExceededException"
    page = kms.list_resource_tags(KeyId=key["KeyId"], Limit=30)
    assert len(page["Tags"]) == 30 and page["Truncated"] and page["Tags"][0] == {"TagKey": "t00", "TagValue": "1"}
    rest = kms.list_resource_tags(KeyId=key["KeyId"], Marker=page["NextMarker"])
    assert len(rest["Tags"]) == 20 and not rest["Truncated"]


def test_tag_errors_in_kmss_words(kms):
    # localstack's AWS-validated KMS snapshot (recorded to 2025).
    many = [{"TagKey": f"t{n:02}", "TagValue": "1"} for n in range(51)]
    assert error_of(kms.create_key, Tags=many) == ("TagException", "Too many tags", 400)
    for reserved in ("aws:key1", "AWS:key1"):
        assert error_of(kms.create_key, Tags=[{"TagKey": reserved, "TagValue": "v"}]) == (
            "TagException", "Tags beginning with aws: are reserved", 400)
