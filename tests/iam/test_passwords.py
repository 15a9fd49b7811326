"""Console passwords: the account password policy (default and custom),
ChangePassword, and GetAccountSummary. Each test that sets a policy does so
in an account of its own, so that other tests keep the default policy."""
import json

import pytest
from botocore.exceptions import ClientError

from .conftest import error_of

VIOLATION = ("PasswordPolicyViolation", "Password does not conform to the account password policy.", 400)
CHANGE_OWN_PASSWORD = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "*"}]})


@pytest.fixture
def account(server, name):
    """A fresh account: (its id, its root IAM client). Client-side parameter
    validation is off so that out-of-range input reaches the endpoint."""
    made = server.create_account(name("pw"))
    return made["account_id"], server.client("iam", access_key=made["access_key_id"],
                                             secret_key=made["secret_access_key"], parameter_validation=False)


def fails(call, **params):
    with pytest.raises(ClientError) as e:
        call(**params)
    return error_of(e)


def test_no_policy_until_set(account):
    account_id, iam = account
    missing = ("NoSuchEntity", f"The Password Policy with domain name {account_id} cannot be found.", 404)
    assert fails(iam.get_account_password_policy) == missing
    assert fails(iam.delete_account_password_policy) == missing


def test_update_takes_defaults_for_members_left_out(account):
    _, iam = account
    iam.update_account_password_policy()
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": False,
        "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False, "ExpirePasswords": False}
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
                                       RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
                                       AllowUsersToChangePassword=True, MaxPasswordAge=90,
                                       PasswordReusePrevention=24, HardExpiry=False)
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
        "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": True, "ExpirePasswords": True, "MaxPasswordAge": 90,
        "PasswordReusePrevention": 24, "HardExpiry": False}
    # No partial updates: what is left out goes back to its default.
    iam.update_account_password_policy(RequireSymbols=True)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 6 and policy["ExpirePasswords"] is False
    assert "MaxPasswordAge" not in policy and "PasswordReusePrevention" not in policy and "HardExpiry" not in policy
    iam.delete_account_password_policy()
    assert fails(iam.get_account_password_policy)[0] == "NoSuchEntity"


@pytest.mark.parametrize("member,value", [("MinimumPasswordLength", 5), ("MinimumPasswordLength", 129),
                                          ("MaxPasswordAge", 1096), ("PasswordReusePrevention", 25)])
def test_update_out_of_range_changes_nothing(account, member, value):
    _, iam = account
    iam.update_account_password_policy(MinimumPasswordLength=10)
    code, _, status = fails(iam.update_account_password_policy, **{member: value})
    assert (code, status) == ("ValidationError", 400)
    assert iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 10


def test_default_policy(account, name):
    _, iam = account
    user = name("u")
    iam.create_user(UserName=user)
    for weak in ("Ab1!", "alllowercase", "lowercase123", "UPPER-lower"[:7]):
        assert fails(iam.create_login_profile, UserName=user, Password=weak) == VIOLATION
    # Three of the four character types are enough.
    iam.create_login_profile(UserName=user, Password="lower-UPPER")
    assert fails(iam.update_login_profile, UserName=user, Password="weakweak") == VIOLATION
    iam.update_login_profile(UserName=user, Password="lower-123")


def test_custom_policy_applies_to_login_profiles(account, name):
    _, iam = account
    iam.update_account_password_policy(MinimumPasswordLength=10, RequireSymbols=True, RequireNumbers=True)
    user = name("u")
    iam.create_user(UserName=user)
    for bad in ("short-1", "no-numbers-here", "nosymbols123"):
        assert fails(iam.create_login_profile, UserName=user, Password=bad) == VIOLATION
    assert fails(iam.get_login_profile, UserName=user)[0] == "NoSuchEntity"
    # A custom policy replaces the default: no uppercase needed now.
    iam.create_login_profile(UserName=user, Password="long-enough-1")
    assert fails(iam.update_login_profile, UserName=user, Password="nodigits-here") == VIOLATION


def _console_user(server, iam, name, password):
    user = name("console")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="own", PolicyDocument=CHANGE_OWN_PASSWORD)
    iam.create_login_profile(UserName=user, Password=password, PasswordResetRequired=True)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return user, server.client("iam", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def test_change_password(server, account, name):
    _, iam = account
    user, own = _console_user(server, iam, name, "First-pass-1")
    code, _, status = fails(own.change_password, OldPassword="Wrong-pass-1", NewPassword="Second-pass-2")
    assert (code, status) == ("AccessDenied", 403)
    assert fails(own.change_password, OldPassword="First-pass-1", NewPassword="weak") == VIOLATION
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"] is True
    own.change_password(OldPassword="First-pass-1", NewPassword="Second-pass-2")
    # The new password is the one that counts, and no reset is pending any more.
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"] is False
    assert fails(own.change_password, OldPassword="First-pass-1", NewPassword="Third-pass-3")[0] == "AccessDenied"
    own.change_password(OldPassword="Second-pass-2", NewPassword="Third-pass-3")


def test_change_password_refuses_reuse(server, account, name):
    _, iam = account
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=2)
    user, own = _console_user(server, iam, name, "password-a")
    own.change_password(OldPassword="password-a", NewPassword="password-b")
    assert fails(own.change_password, OldPassword="password-b", NewPassword="password-a") == VIOLATION
    assert fails(iam.update_login_profile, UserName=user, Password="password-b") == VIOLATION
    own.change_password(OldPassword="password-b", NewPassword="password-c")
    # Only the last two count.
    own.change_password(OldPassword="password-c", NewPassword="password-a")


def test_change_password_needs_an_iam_user_with_a_login_profile(server, account, name):
    _, iam = account
    assert fails(iam.change_password, OldPassword="Any-pass-1", NewPassword="Any-pass-2")[0] == "InvalidUserType"
    user = name("nologin")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="own", PolicyDocument=CHANGE_OWN_PASSWORD)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    own = server.client("iam", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    assert fails(own.change_password, OldPassword="Any-pass-1", NewPassword="Any-pass-2") == (
        "NoSuchEntity", f"Login Profile for User {user} cannot be found.", 404)


def test_change_password_is_authorized_on_the_callers_own_arn(server, account, name):
    _, iam = account
    user = name("denied")
    iam.create_user(UserName=user)
    iam.create_login_profile(UserName=user, Password="First-pass-1")
    key = iam.create_access_key(UserName=user)["AccessKey"]
    own = server.client("iam", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    code, message, status = fails(own.change_password, OldPassword="First-pass-1", NewPassword="Second-pass-2")
    assert (code, status) == ("AccessDenied", 403) and "iam:ChangePassword" in message and user in message


def test_account_summary(account, name):
    _, iam = account
    before = iam.get_account_summary()["SummaryMap"]
    assert before["Users"] == 0 and before["Groups"] == 0 and before["Roles"] == 0 and before["Policies"] == 0
    assert before["AccessKeysPerUserQuota"] == 2 and before["UsersQuota"] == 5000 and before["GroupsQuota"] == 300
    assert before["PolicySizeQuota"] == 6144 and before["UserPolicySizeQuota"] == 2048
    assert before["AttachedPoliciesPerRoleQuota"] == 10 and before["VersionsPerPolicyQuota"] == 5
    user, group = name("u"), name("g")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    arn = iam.create_policy(PolicyName=name("p"), PolicyDocument=CHANGE_OWN_PASSWORD)["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    after = iam.get_account_summary()["SummaryMap"]
    assert (after["Users"], after["Groups"], after["Policies"], after["PolicyVersionsInUse"]) == (1, 1, 1, 1)


def test_allow_users_to_change_password_needs_no_identity_policy(server, account, name):
    _, iam = account
    user = name("selfservice")
    iam.create_user(UserName=user)
    iam.create_login_profile(UserName=user, Password="First-pass-1")
    key = iam.create_access_key(UserName=user)["AccessKey"]
    own = server.client("iam", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    iam.update_account_password_policy(AllowUsersToChangePassword=True)
    assert own.get_account_password_policy()["PasswordPolicy"]["AllowUsersToChangePassword"] is True
    own.change_password(OldPassword="First-pass-1", NewPassword="Second-pass-2")
    # Only their own: other IAM actions still need a policy.
    assert fails(own.list_users)[0] == "AccessDenied"
    # An explicit deny still wins.
    iam.put_user_policy(UserName=user, PolicyName="no", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"}]}))
    assert fails(own.change_password, OldPassword="Second-pass-2", NewPassword="Third-pass-3")[0] == "AccessDenied"
    # Without the setting, the allow is the identity policies' to give.
    iam.delete_user_policy(UserName=user, PolicyName="no")
    iam.update_account_password_policy(AllowUsersToChangePassword=False)
    assert fails(own.change_password, OldPassword="Second-pass-2", NewPassword="Third-pass-3")[0] == "AccessDenied"
