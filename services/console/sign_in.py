"""Who may sign in to the console, and as whom.

- An IAM user: account id or alias, user name, and the console password of
  the user's login profile (IAM keeps only its scrypt hash; it is checked
  with IAM's own ``password_matches``).
- The account's root user: account id or alias, and as password the secret
  access key of one of the account's active root access keys (``test`` for
  the default account unless ``--root-secret-access-key`` says otherwise;
  ``awsbox`` prints a created account's key when it creates it). awsbox has
  no e-mail addresses, so this stands in for AWS's root e-mail sign-in.

Every failure answers the same words, as AWS's sign-in page does, so the
form does not tell which accounts or users exist.
"""
from __future__ import annotations

import hmac
import re

from services.iam import entities, login_profiles
from services.iam.errors import NoSuchEntity
from services.iam.identifiers import USER
from simulator.accounts import root_principal
from simulator.context import Principal

FAILED = "Your authentication information is incorrect. Please try again."
_ACCOUNT_ID = re.compile(r"^\d{12}$")


class SignInFailed(Exception):
    def __init__(self, message: str = FAILED):
        super().__init__(message)
        self.message = message


def account_of(sim, account: str) -> str:
    """The account id an id or alias names."""
    account = account.strip()
    if _ACCOUNT_ID.match(account):
        if sim.accounts.exists(account):
            return account
        raise SignInFailed()
    row = sim.store.read().execute("SELECT account_id FROM iam_account_aliases WHERE alias = ?",
                                   (account.lower(),)).fetchone()
    if row is None:
        raise SignInFailed()
    return row[0]


def root(sim, account: str, password: str) -> Principal:
    account_id = account_of(sim, account)
    keys = sim.store.read().execute(
        "SELECT access_key_id FROM credentials WHERE account_id = ? AND principal_type = 'Root'"
        " AND status = 'Active' AND session_token_hash IS NULL",
        (account_id,),
    ).fetchall()
    for (access_key_id,) in keys:
        credential = sim.accounts.lookup(access_key_id)
        if credential is not None and hmac.compare_digest(credential.secret_access_key.encode(), password.encode()):
            return root_principal(account_id)
    raise SignInFailed()


def iam_user(sim, account: str, user_name: str, password: str) -> Principal:
    account_id = account_of(sim, account)
    db = sim.store.read()
    try:
        user = entities.find(db, account_id, USER, user_name.strip())
        profile = login_profiles.find(db, user)
    except NoSuchEntity:
        raise SignInFailed() from None
    if not login_profiles.password_matches(password, profile["password_hash"]):
        raise SignInFailed()
    return Principal(account_id=account_id, arn=entities.arn(user), type="IAMUser", user_id=user["entity_id"],
                     name=user["name"])
