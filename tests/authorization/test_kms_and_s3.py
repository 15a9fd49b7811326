"""Key policies, grants, kms:ViaService and SSE-KMS through S3 (KMS Developer
Guide, "Key policies", "Grants in AWS KMS", "kms:ViaService"; S3 User Guide,
"Using server-side encryption with AWS KMS keys": PutObject needs
kms:GenerateDataKey, GetObject and HeadObject need kms:Decrypt)."""
import json

from .conftest import allow, error_of, policy, unique

S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"


def key_policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def principal_allow(principal_arn, action="kms:*") -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": action, "Resource": "*"}


def sse_kms_bucket(s3, key_arn) -> str:
    bucket = unique("lab")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}}]})
    return bucket


def test_the_labs_second_user_cannot_read_the_encrypted_object(account, s3, kms):
    """The lab's last step: S3 access without key usage gets AccessDenied,
    because the policies say so."""
    key = kms.create_key(Description="lab key")["KeyMetadata"]
    bucket = sse_kms_bucket(s3, key["Arn"])
    s3.put_object(Bucket=bucket, Key="secret.txt", Body=b"top secret")
    second = account.user(managed=[S3_FULL])
    client = second.client("s3")
    client.list_objects_v2(Bucket=bucket)  # S3 access: yes
    code, message, status = error_of(client.get_object, Bucket=bucket, Key="secret.txt")
    assert (code, status) == ("AccessDenied", 403)
    # KMS's own sentence, as S3 passes it on since 2025.
    assert message == (f"User: {second.arn} is not authorized to perform: kms:Decrypt on resource: {key['Arn']}"
                       " because no identity-based policy allows the kms:Decrypt action")
    # Writing needs kms:GenerateDataKey on the bucket's key: S3 passes KMS's sentence on.
    code, message, _ = error_of(client.put_object, Bucket=bucket, Key="new.txt", Body=b"x")
    assert code == "AccessDenied"
    assert message.startswith(f"User: {second.arn} is not authorized to perform: kms:GenerateDataKey on resource: {key['Arn']}")
    # With key usage granted by IAM (the default key policy delegates to the account) it works.
    user = account.user(policy(allow(["kms:Decrypt", "kms:GenerateDataKey"], key["Arn"])), managed=[S3_FULL])
    assert user.client("s3").get_object(Bucket=bucket, Key="secret.txt")["Body"].read() == b"top secret"
    user.client("s3").put_object(Bucket=bucket, Key="new.txt", Body=b"x")


def test_kms_via_service_limits_key_use_to_s3(account, s3, kms, server):
    key = kms.create_key()["KeyMetadata"]
    bucket = sse_kms_bucket(s3, key["Arn"])
    via_s3 = {"StringEquals": {"kms:ViaService": f"s3.{server.region}.amazonaws.com"}}
    user = account.user(policy(allow(["kms:Decrypt", "kms:GenerateDataKey"], key["Arn"], Condition=via_s3)),
                        managed=[S3_FULL])
    client = user.client("s3")
    client.put_object(Bucket=bucket, Key="k", Body=b"through s3")
    assert client.get_object(Bucket=bucket, Key="k")["Body"].read() == b"through s3"
    code, _, status = error_of(user.client("kms").generate_data_key, KeyId=key["Arn"], KeySpec="AES_256")
    assert (code, status) == ("AccessDeniedException", 400)


def test_a_key_policy_without_account_delegation_locks_iam_only_users_out(account, kms):
    admin = account.user(policy(allow("kms:*")))
    user = account.user(policy(allow("kms:*")))
    named = key_policy(principal_allow(f"arn:aws:iam::{account.id}:root"), principal_allow(admin.arn))
    # The root ARN in a key policy delegates to the account's IAM policies; a
    # policy naming only the admin does not.
    locked = key_policy(principal_allow(admin.arn))
    open_key = kms.create_key(Policy=named)["KeyMetadata"]["KeyId"]
    locked_key = kms.create_key(Policy=locked, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["KeyId"]
    user.client("kms").describe_key(KeyId=open_key)
    code, message, status = error_of(user.client("kms").describe_key, KeyId=locked_key)
    assert (code, status) == ("AccessDeniedException", 400)
    assert message.endswith("because no resource-based policy allows the kms:DescribeKey action")
    admin.client("kms").describe_key(KeyId=locked_key)  # the key policy names it: no IAM policy needed
    # Even the account's root user gets nothing the key policy withholds.
    assert error_of(kms.describe_key, KeyId=locked_key)[0] == "AccessDeniedException"


def test_grants_allow_what_the_key_policy_does_not(account, kms):
    admin = account.user()
    grantee = account.user()
    key = kms.create_key(Policy=key_policy(principal_allow(admin.arn)), BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    assert error_of(grantee.client("kms").encrypt, KeyId=key["KeyId"], Plaintext=b"x")[0] == "AccessDeniedException"
    grant = admin.client("kms").create_grant(KeyId=key["KeyId"], GranteePrincipal=grantee.arn,
                                             Operations=["Encrypt", "Decrypt"],
                                             Constraints={"EncryptionContextSubset": {"purpose": "test"}})
    client = grantee.client("kms")
    blob = client.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"purpose": "test", "more": "1"})["CiphertextBlob"]
    assert client.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "test", "more": "1"})["Plaintext"] == b"x"
    # Outside the grant's constraint or operations: denied.
    assert error_of(client.encrypt, KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"purpose": "other"})[0] == "AccessDeniedException"
    assert error_of(client.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256",
                    EncryptionContext={"purpose": "test"})[0] == "AccessDeniedException"
    admin.client("kms").revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"])
    assert error_of(client.encrypt, KeyId=key["KeyId"], Plaintext=b"x",
                    EncryptionContext={"purpose": "test"})[0] == "AccessDeniedException"


def test_put_key_policy_refuses_to_lock_the_caller_out(account, kms):
    # KMS API Reference, PutKeyPolicy: BypassPolicyLockoutSafetyCheck.
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    someone = account.user()
    lockout = key_policy(principal_allow(someone.arn))
    code, message, status = error_of(kms.put_key_policy, KeyId=key, PolicyName="default", Policy=lockout)
    assert (code, status) == ("MalformedPolicyDocumentException", 400)
    assert message == "The new key policy will not allow you to update the key policy in the future."
    assert error_of(kms.create_key, Policy=lockout)[0] == "MalformedPolicyDocumentException"
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=lockout, BypassPolicyLockoutSafetyCheck=True)
    assert error_of(kms.describe_key, KeyId=key)[0] == "AccessDeniedException"
    someone.client("kms").describe_key(KeyId=key)


def test_kms_key_of_another_account_needs_both_sides(account, other_account, kms):
    # KMS Developer Guide, "Allowing users in other accounts to use a KMS key".
    user = other_account.user(policy(allow("kms:Encrypt")))
    stranger = other_account.user()
    key = kms.create_key(Policy=key_policy(
        principal_allow(f"arn:aws:iam::{account.id}:root"),
        principal_allow(f"arn:aws:iam::{other_account.id}:root", "kms:Encrypt")))["KeyMetadata"]
    user.client("kms").encrypt(KeyId=key["Arn"], Plaintext=b"x")
    assert error_of(stranger.client("kms").encrypt, KeyId=key["Arn"], Plaintext=b"x")[0] == "AccessDeniedException"
    assert error_of(user.client("kms").decrypt, KeyId=key["Arn"],
                    CiphertextBlob=kms.encrypt(KeyId=key["KeyId"], Plaintext=b"y")["CiphertextBlob"])[0] == "AccessDeniedException"
