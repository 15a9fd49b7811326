"""The account password policy: the rules every IAM user's console password
must meet (CreateLoginProfile, UpdateLoginProfile, ChangePassword).

Until the account sets its own, IAM's default policy applies: at least 8
characters, at least three of the four character types, and not the
account's name (IAM User Guide, "Set an account password policy for IAM
users"). A custom policy replaces it whole; UpdateAccountPasswordPolicy
does no partial updates, so every member left out takes its default.
"""
from __future__ import annotations

from .errors import NoSuchEntity, PasswordPolicyViolation

# The symbols IAM counts as non-alphanumeric (UpdateAccountPasswordPolicy, RequireSymbols).
SYMBOLS = frozenset("!@#$%^&*()_+-=[]{}|'")
DEFAULT_MINIMUM_LENGTH = 8
# Defaults of UpdateAccountPasswordPolicy's members (IAM API Reference).
_DEFAULTS = {"MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": False,
             "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
             "AllowUsersToChangePassword": False, "MaxPasswordAge": 0, "PasswordReusePrevention": 0}
_COLUMNS = {"MinimumPasswordLength": "minimum_length", "RequireSymbols": "require_symbols",
            "RequireNumbers": "require_numbers", "RequireUppercaseCharacters": "require_uppercase",
            "RequireLowercaseCharacters": "require_lowercase", "AllowUsersToChangePassword": "allow_users_to_change",
            "MaxPasswordAge": "max_age_days", "PasswordReusePrevention": "reuse_prevention"}
_BOOLEANS = ("RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters", "RequireLowercaseCharacters",
             "AllowUsersToChangePassword")


def violation() -> PasswordPolicyViolation:
    return PasswordPolicyViolation("Password does not conform to the account password policy.")


def find(db, account_id: str):
    """The account's own policy row, or None while the default applies."""
    return db.execute("SELECT * FROM iam_password_policies WHERE account_id = ?", (account_id,)).fetchone()


def required(db, account_id: str):
    row = find(db, account_id)
    if row is None:
        raise NoSuchEntity(f"The Password Policy with domain name {account_id} cannot be found.")
    return row


def put(db, account_id: str, params: dict) -> None:
    values = {member: params.get(member, default) for member, default in _DEFAULTS.items()}
    hard_expiry = params.get("HardExpiry")
    db.execute(
        f"INSERT OR REPLACE INTO iam_password_policies (account_id, {', '.join(_COLUMNS.values())}, hard_expiry)"
        f" VALUES ({', '.join('?' * (len(_COLUMNS) + 2))})",
        (account_id, *(int(values[m]) for m in _COLUMNS), None if hard_expiry is None else int(hard_expiry)),
    )


def delete(db, account_id: str) -> None:
    required(db, account_id)
    db.execute("DELETE FROM iam_password_policies WHERE account_id = ?", (account_id,))


def shape(row) -> dict:
    """The PasswordPolicy structure: MaxPasswordAge, PasswordReusePrevention
    and HardExpiry appear only once set, as in IAM's answers."""
    out = {"MinimumPasswordLength": row["minimum_length"]}
    out.update({member: bool(row[_COLUMNS[member]]) for member in _BOOLEANS})
    out["ExpirePasswords"] = row["max_age_days"] > 0
    if row["max_age_days"]:
        out["MaxPasswordAge"] = row["max_age_days"]
    if row["reuse_prevention"]:
        out["PasswordReusePrevention"] = row["reuse_prevention"]
    if row["hard_expiry"] is not None:
        out["HardExpiry"] = bool(row["hard_expiry"])
    return out


def _kinds(password: str) -> dict[str, bool]:
    return {"upper": any("A" <= c <= "Z" for c in password), "lower": any("a" <= c <= "z" for c in password),
            "number": any(c.isascii() and c.isdigit() for c in password),
            "symbol": any(c in SYMBOLS for c in password)}


def check(db, account_id: str, password: str) -> int:
    """Raise PasswordPolicyViolation unless the password meets the policy in
    force; return how many previous passwords it must not repeat."""
    row = find(db, account_id)
    kinds = _kinds(password)
    if row is None:
        account = db.execute("SELECT name FROM accounts WHERE account_id = ?", (account_id,)).fetchone()
        if (len(password) < DEFAULT_MINIMUM_LENGTH or sum(kinds.values()) < 3
                or (account is not None and password == account[0])):
            raise violation()
        return 0
    wanted = {"upper": row["require_uppercase"], "lower": row["require_lowercase"],
              "number": row["require_numbers"], "symbol": row["require_symbols"]}
    if len(password) < row["minimum_length"] or any(need and not kinds[kind] for kind, need in wanted.items()):
        raise violation()
    return row["reuse_prevention"]

