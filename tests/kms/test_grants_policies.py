"""Grants (CreateGrant, ListGrants, ListRetirableGrants, RetireGrant,
RevokeGrant) and key policies (Get/Put/ListKeyPolicies)."""
import json

from .conftest import error_of

BOB = "arn:aws:iam::123456789012:user/bob"
CAROL = "arn:aws:iam::123456789012:user/carol"


def test_grant_life(kms, key):
    constraints = {"EncryptionContextSubset": {"dept": "it"}}
    made = kms.create_grant(KeyId=key["Arn"], GranteePrincipal=BOB, RetiringPrincipal=CAROL, Operations=["Encrypt", "Decrypt"],
                            Constraints=constraints, Name="g1")
    assert len(made["GrantId"]) == 64 and made["GrantToken"]
    grants = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert len(grants) == 1
    grant = grants[0]
    assert (grant["KeyId"], grant["GrantId"], grant["Name"], grant["GranteePrincipal"], grant["RetiringPrincipal"]) == (
        key["Arn"], made["GrantId"], "g1", BOB, CAROL)
    assert (grant["Operations"], grant["Constraints"], grant["IssuingAccount"]) == (["Encrypt", "Decrypt"], constraints, "arn:aws:iam::123456789012:root")
    # The grant token is accepted by the operations that take GrantTokens.
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "it"}, GrantTokens=[made["GrantToken"]])
    # Retried with the same name and terms: the same grant.
    assert kms.create_grant(KeyId=key["Arn"], GranteePrincipal=BOB, RetiringPrincipal=CAROL, Operations=["Decrypt", "Encrypt"],
                            Constraints=constraints, Name="g1")["GrantId"] == made["GrantId"]
    retirable = kms.list_retirable_grants(RetiringPrincipal=CAROL)["Grants"]
    assert made["GrantId"] in [g["GrantId"] for g in retirable]
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key["KeyId"], GranteePrincipal=BOB)["Grants"]] == [made["GrantId"]]
    assert kms.list_grants(KeyId=key["KeyId"], GranteePrincipal=CAROL)["Grants"] == []
    kms.retire_grant(GrantToken=made["GrantToken"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_revoke_and_retire_by_id(kms, key):
    one = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=["Decrypt"])
    two = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=["GenerateDataKey"])
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=one["GrantId"])
    kms.retire_grant(KeyId=key["Arn"], GrantId=two["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    assert error_of(kms.revoke_grant, KeyId=key["KeyId"], GrantId=one["GrantId"])[0] == "NotFoundException"
    assert error_of(kms.revoke_grant, KeyId=key["KeyId"], GrantId="not-a-grant-id")[0] == "InvalidGrantIdException"
    assert error_of(kms.retire_grant, GrantToken="garbage")[0] == "InvalidGrantTokenException"
    assert error_of(kms.retire_grant)[0] == "ValidationException"


def test_grant_bad_input(kms, key):
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=["Sign"])[0] == "ValidationException"
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=["Fly"])[0] == "ValidationException"
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=[])[0] == "ValidationException"
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=["DescribeKey"],
                    Constraints={"EncryptionContextEquals": {"a": "b"}})[0] == "ValidationException"
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=["Decrypt"], DryRun=True)[0] == "DryRunOperationException"
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=["Decrypt"])[0] == "DisabledException"
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_list_grants_pages(kms, key):
    made = [kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=["Decrypt"])["GrantId"] for _ in range(3)]
    first = kms.list_grants(KeyId=key["KeyId"], Limit=2)
    rest = kms.list_grants(KeyId=key["KeyId"], Limit=2, Marker=first["NextMarker"])
    assert first["Truncated"] and not rest["Truncated"]
    assert sorted(g["GrantId"] for g in first["Grants"] + rest["Grants"]) == sorted(made)


def test_default_key_policy_exactly_as_aws_writes_it(kms, key, server):
    out = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")
    assert out["PolicyName"] == "default"
    assert out["Policy"] == (
        "{\n"
        '  "Version" : "2012-10-17",\n'
        '  "Id" : "key-default-1",\n'
        '  "Statement" : [ {\n'
        '    "Sid" : "Enable IAM User Permissions",\n'
        '    "Effect" : "Allow",\n'
        '    "Principal" : {\n'
        f'      "AWS" : "arn:aws:iam::{server.account_id}:root"\n'
        "    },\n"
        '    "Action" : "kms:*",\n'
        '    "Resource" : "*"\n'
        "  } ]\n"
        "}"
    )
    assert kms.list_key_policies(KeyId=key["KeyId"])["PolicyNames"] == ["default"]


def test_put_key_policy(kms, key, server):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:root"}, "Action": "kms:*", "Resource": "*"}]})
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=policy)
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == policy
    for bad in ("{not json", json.dumps({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "kms:*"}]}),
                json.dumps({"Version": "2012-10-17"}), json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]})):
        assert error_of(kms.put_key_policy, KeyId=key["KeyId"], Policy=bad)[0] == "MalformedPolicyDocumentException"
    too_big = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Sid": "x" * 33000}]})
    assert error_of(kms.put_key_policy, KeyId=key["KeyId"], Policy=too_big)[0] == "LimitExceededException"
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == policy
    assert error_of(kms.get_key_policy, KeyId=key["KeyId"], PolicyName="other")[0] == "NotFoundException"


def test_create_key_with_policy(kms, server):
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]})
    key = kms.create_key(Policy=policy)["KeyMetadata"]
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == policy


def test_key_for_authorization(server):
    """The policy engine's view of a key: ARN, policy and grants in one call."""
    import datetime as dt
    import uuid

    from simulator.app import Simulator
    from simulator.config import Config
    from simulator.context import Principal, RequestContext
    from services.kms import keys

    simulator = Simulator(Config(in_memory=True))
    try:
        principal = Principal("123456789012", "arn:aws:iam::123456789012:root", "Root", "123456789012")

        def ctx(operation, params):
            return RequestContext(str(uuid.uuid4()), "kms", operation, "123456789012", "us-east-1", principal, params,
                                  dt.datetime.now(dt.timezone.utc), simulator)

        made = simulator.execute(ctx("CreateKey", {}))["KeyMetadata"]
        simulator.execute(ctx("CreateAlias", {"AliasName": "alias/authz", "TargetKeyId": made["KeyId"]}))
        grant = simulator.execute(ctx("CreateGrant", {"KeyId": made["KeyId"], "GranteePrincipal": BOB, "Operations": ["Decrypt"]}))
        for form in (made["KeyId"], made["Arn"], "alias/authz", "arn:aws:kms:us-east-1:123456789012:alias/authz"):
            view = keys.key_for_authorization(ctx("Decrypt", {}), form)
            assert view.arn == made["Arn"] and '"key-default-1"' in view.policy
            assert [g["GrantId"] for g in view.grants] == [grant["GrantId"]]
        assert keys.key_for_authorization(ctx("Decrypt", {}), "alias/none") is None
        managed = keys.aws_managed_key(ctx("GenerateDataKey", {}), "s3")
        assert managed == keys.aws_managed_key(ctx("GenerateDataKey", {}), "s3")
        assert simulator.execute(ctx("DescribeKey", {"KeyId": "alias/aws/s3"}))["KeyMetadata"]["Arn"] == managed
    finally:
        simulator.close()
