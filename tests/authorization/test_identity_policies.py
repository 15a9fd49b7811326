"""Identity-based policies through boto3 on the real server: users, groups,
managed policies, boundaries, explicit deny (IAM User Guide, "Policy
evaluation logic"), and denials in each service's own words."""
import secrets

from .conftest import allow, deny, error_of, policy, unique


def test_a_user_without_policies_is_denied_everywhere_in_aws_words(account):
    # IAM User Guide, "Policy evaluation logic": no allow = implicit deny.
    nobody = account.user()
    code, message, status = error_of(nobody.client("s3").list_buckets)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: {nobody.arn} is not authorized to perform: s3:ListAllMyBuckets "
                       "because no identity-based policy allows the s3:ListAllMyBuckets action")
    code, message, status = error_of(nobody.client("kms").create_key)
    assert (code, status) == ("AccessDeniedException", 400)
    # KMS keeps "on resource: *", IAM names the user: as real denials record them.
    assert message == (f"User: {nobody.arn} is not authorized to perform: kms:CreateKey on resource: * because no"
                       " identity-based policy allows the kms:CreateKey action")
    code, message, status = error_of(nobody.client("iam").get_user, UserName="someone")
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: {nobody.arn} is not authorized to perform: iam:GetUser on resource: user someone"
                       " because no identity-based policy allows the iam:GetUser action")
    code, message, _ = error_of(nobody.client("iam").list_users)
    assert message == (f"User: {nobody.arn} is not authorized to perform: iam:ListUsers on resource:"
                       f" arn:aws:iam::{account.id}:user/ because no identity-based policy allows the iam:ListUsers"
                       " action")
    code, message, _ = error_of(nobody.client("iam").create_policy, PolicyName="p",
                                PolicyDocument=policy(allow("s3:ListBucket")))
    assert "iam:CreatePolicy on resource: policy p because" in message
    # No permission is needed to ask who you are (STS API Reference, GetCallerIdentity).
    assert nobody.client("sts").get_caller_identity()["Arn"] == nobody.arn


def test_the_root_user_may_do_everything_in_its_account(account, s3, kms):
    s3.list_buckets()
    kms.list_keys()
    account.iam.list_users()


def test_inline_policy_allows_exactly_what_it_names(account, s3):
    bucket = unique("authz")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="reports/a.txt", Body=b"a")
    s3.put_object(Bucket=bucket, Key="private/b.txt", Body=b"b")
    reader = account.user(policy(allow("s3:GetObject", f"arn:aws:s3:::{bucket}/reports/*")))
    client = reader.client("s3")
    assert client.get_object(Bucket=bucket, Key="reports/a.txt")["Body"].read() == b"a"
    assert client.head_object(Bucket=bucket, Key="reports/a.txt")["ContentLength"] == 1  # HeadObject -> s3:GetObject
    code, message, status = error_of(client.get_object, Bucket=bucket, Key="private/b.txt")
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f'User: {reader.arn} is not authorized to perform: s3:GetObject on resource: '
                       f'"arn:aws:s3:::{bucket}/private/b.txt" because no identity-based policy allows the '
                       's3:GetObject action')
    assert error_of(client.put_object, Bucket=bucket, Key="reports/c.txt", Body=b"c")[0] == "AccessDenied"


def test_list_objects_is_s3_list_bucket_with_its_prefix_condition(account, s3):
    # S3 User Guide, "Condition key examples": s3:prefix on s3:ListBucket.
    bucket = unique("authz")
    s3.create_bucket(Bucket=bucket)
    user = account.user(policy(allow("s3:ListBucket", f"arn:aws:s3:::{bucket}",
                                     Condition={"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}})))
    name = user.arn.rsplit("/", 1)[1]
    client = user.client("s3")
    assert client.list_objects_v2(Bucket=bucket, Prefix=f"home/{name}/")["KeyCount"] == 0
    assert error_of(client.list_objects_v2, Bucket=bucket)[0] == "AccessDenied"
    assert error_of(client.list_objects_v2, Bucket=bucket, Prefix="home/other/")[0] == "AccessDenied"


def test_group_and_managed_policies_count(account, s3):
    bucket = unique("authz")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    readers = account.group(policy(allow("s3:GetObject", f"arn:aws:s3:::{bucket}/*")))
    via_group = account.user(groups=[readers])
    assert via_group.client("s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    via_aws_managed = account.user(managed=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
    assert via_aws_managed.client("s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    assert error_of(via_aws_managed.client("s3").delete_object, Bucket=bucket, Key="k")[0] == "AccessDenied"


def test_an_explicit_deny_wins_over_any_allow(account, s3):
    # IAM User Guide, "Policy evaluation logic": an explicit deny overrides every allow.
    bucket = unique("authz")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    guard = account.managed_policy(policy(deny("s3:DeleteObject")))
    user = account.user(policy(allow("*")), managed=[guard])
    client = user.client("s3")
    client.get_object(Bucket=bucket, Key="k")
    code, message, status = error_of(client.delete_object, Bucket=bucket, Key="k")
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f'User: {user.arn} is not authorized to perform: s3:DeleteObject on resource: '
                       f'"arn:aws:s3:::{bucket}/k" with an explicit deny in an identity-based policy: {guard}')


def test_a_permissions_boundary_limits_what_policies_grant(account, s3):
    # IAM User Guide, "Permissions boundaries for IAM entities".
    boundary = account.managed_policy(policy(allow("s3:ListAllMyBuckets")))
    user = account.user(policy(allow("*")), boundary=boundary)
    user.client("s3").list_buckets()
    code, message, _ = error_of(user.client("kms").list_keys)
    assert code == "AccessDeniedException"
    assert message.endswith("because no permissions boundary allows the kms:ListKeys action")


def test_iam_actions_act_on_the_named_entity_with_its_path(account):
    # ${aws:username} lets users manage their own access keys (IAM User Guide example).
    own_keys = policy(allow(["iam:CreateAccessKey", "iam:ListAccessKeys"], "arn:aws:iam::*:user/${aws:username}"))
    user = account.user(own_keys)
    client = user.client("iam")
    assert client.list_access_keys()["AccessKeyMetadata"]  # no UserName: the caller itself
    other = unique("other")
    account.iam.create_user(UserName=other, Path="/team/")
    code, message, _ = error_of(client.list_access_keys, UserName=other)
    assert code == "AccessDenied"
    assert f"iam:ListAccessKeys on resource: user {other} because" in message  # IAM's words
    # The decision was on the user's ARN with its path; ListUsers on that path.
    lister = account.user(policy(allow("iam:ListUsers", f"arn:aws:iam::{account.id}:user/team/*")))
    assert other in [u["UserName"] for u in lister.client("iam").list_users(PathPrefix="/team/")["Users"]]
    assert error_of(lister.client("iam").list_users)[0] == "AccessDenied"


def test_kms_actions_on_a_key_named_by_alias_act_on_the_key(account, kms):
    key = kms.create_key()["KeyMetadata"]
    alias = f"alias/{unique('authz')}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    user = account.user(policy(allow("kms:Encrypt", key["Arn"])))
    user.client("kms").encrypt(KeyId=alias, Plaintext=secrets.token_bytes(8))
    code, message, _ = error_of(user.client("kms").decrypt, CiphertextBlob=kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"])
    assert code == "AccessDeniedException"
    assert f"kms:Decrypt on resource: {key['Arn']} because no identity-based policy allows" in message


def test_the_policy_simulator_answers_with_the_same_engine(account):
    # IAM API Reference, SimulatePrincipalPolicy / SimulateCustomPolicy.
    user = account.user(policy(allow("s3:GetObject", "arn:aws:s3:::b/*"), deny("s3:GetObject", "arn:aws:s3:::b/secret/*")))
    results = account.iam.simulate_principal_policy(
        PolicySourceArn=user.arn, ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::b/x", "arn:aws:s3:::b/secret/y"])["EvaluationResults"]
    decisions = {(r["EvalActionName"], r["EvalResourceName"]): r["EvalDecision"] for r in results}
    assert decisions == {
        ("s3:GetObject", "arn:aws:s3:::b/x"): "allowed",
        ("s3:GetObject", "arn:aws:s3:::b/secret/y"): "explicitDeny",
        ("s3:PutObject", "arn:aws:s3:::b/x"): "implicitDeny",
        ("s3:PutObject", "arn:aws:s3:::b/secret/y"): "implicitDeny",
    }
    allowed = results[0]
    assert allowed["MatchedStatements"] == [{"SourcePolicyId": "p0", "SourcePolicyType": "user"}]
    custom = account.iam.simulate_custom_policy(
        PolicyInputList=[policy(allow("kms:Decrypt", Condition={"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}))],
        ActionNames=["kms:Decrypt"],
        ContextEntries=[{"ContextKeyName": "kms:ViaService", "ContextKeyValues": ["s3.us-east-1.amazonaws.com"],
                         "ContextKeyType": "string"}])["EvaluationResults"]
    assert custom[0]["EvalDecision"] == "allowed"
    missing = account.iam.simulate_custom_policy(
        PolicyInputList=[policy(allow("kms:Decrypt", Condition={"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}))],
        ActionNames=["kms:Decrypt"])["EvaluationResults"][0]
    assert missing["EvalDecision"] == "implicitDeny"
    assert missing["MissingContextValues"] == ["kms:ViaService"]
    code, _, _ = error_of(account.iam.simulate_custom_policy, PolicyInputList=["{not json"], ActionNames=["s3:GetObject"])
    assert code == "InvalidInput"


def test_a_policy_change_takes_effect_on_the_next_request(account):
    user = account.user()
    name = user.arn.rsplit("/", 1)[1]
    assert error_of(user.client("iam").list_users)[0] == "AccessDenied"
    account.iam.put_user_policy(UserName=name, PolicyName="list", PolicyDocument=policy(allow("iam:ListUsers")))
    user.client("iam").list_users()
    account.iam.delete_user_policy(UserName=name, PolicyName="list")
    assert error_of(user.client("iam").list_users)[0] == "AccessDenied"
