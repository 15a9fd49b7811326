"""Policy documents: parse, validate and compile.

``parse_policy(text, kind)`` turns the JSON of an identity policy (also used
for permissions boundaries and session policies), a resource policy (S3 bucket
policy), a KMS key policy or a role trust policy into a compiled
:class:`Policy`. Compiled policies are cached by document text, so services
can hand the stored JSON to the evaluator on every request.

Invalid documents raise :class:`PolicyError` carrying the message IAM returns
with ``MalformedPolicyDocument``; services that use other codes (S3's
``MalformedPolicy``, KMS's ``MalformedPolicyDocumentException``) wrap it.
"""
from __future__ import annotations

import functools
import json
import re
from typing import Optional, Union

from policies.conditions import Condition, UnknownOperator
from policies.variables import Template

VERSIONS = ("2012-10-17", "2008-10-17")
KINDS = ("identity", "resource", "key", "trust")

SYNTAX_ERROR = "Syntax errors in policy."
LEGACY_PARSING = "The policy failed legacy parsing"
PRINCIPAL_FORBIDDEN = "Policy document should not specify a principal."
PRINCIPAL_MISSING = "Missing required field Principal"
INVALID_PRINCIPAL = "Invalid principal in policy"
MISSING_ACTIONS = "Policy statement must contain actions."
MISSING_RESOURCES = "Policy statement must contain resources."
RESOURCE_FORBIDDEN = "Has prohibited field Resource"
NOT_PRINCIPAL_FORBIDDEN = "Has prohibited field NotPrincipal"
NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
ONE_COLON = "Actions/Condition can contain only one colon."
TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."
SID_CHARACTERS = ("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
                  "regular expression [0-9A-Za-z]*")
SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique."

_PARTITIONS = {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
_TOP_LEVEL = {"Version", "Id", "Statement"}
_STATEMENT_FIELDS = {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                     "Resource", "NotResource", "Condition"}
_PRINCIPAL_TYPES = {"AWS", "Service", "Federated", "CanonicalUser"}
_VENDOR = re.compile(r"^[A-Za-z0-9-]+$")
_SID = re.compile(r"^[0-9A-Za-z]*$")
_ACCOUNT = re.compile(r"^\d{12}$")
_AWS_PRINCIPAL_ARN = re.compile(
    r"^arn:aws[a-z-]*:(?:iam::(\d{12}):(?:root|user/.+|role/.+|federated-user/.+)"
    r"|sts::(\d{12}):(?:assumed-role/.+/.+|federated-user/.+))$")
# IAM shows the unique id of a principal that was deleted after the policy
# named it (AIDA... users, AROA... roles).
_UNIQUE_ID = re.compile(r"^A[A-Z0-9]{3}[A-Z0-9]{12,}$")
_CANONICAL_USER = re.compile(r"^[0-9a-f]{64}$")


class PolicyError(ValueError):
    """The document is not a valid policy; ``message`` is IAM's wording."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PolicySizeError(PolicyError):
    """The document is larger than the limit the caller set. IAM answers
    ``LimitExceeded`` with this message for managed policies; services with
    other limits reword it."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"Cannot exceed quota for PolicySize: {limit}")
        self.size = size
        self.limit = limit


# --- compiled objects ---------------------------------------------------------

class PrincipalSet:
    """The principals a Principal/NotPrincipal element names."""

    __slots__ = ("everyone", "arns", "accounts", "services", "federated", "canonical_users", "unique_ids")

    def __init__(self):
        self.everyone = False
        self.arns: set = set()
        self.accounts: set = set()
        self.services: set = set()
        self.federated: set = set()
        self.canonical_users: set = set()
        self.unique_ids: set = set()


class Statement:
    __slots__ = ("index", "sid", "allow", "principals", "not_principal", "action_regex",
                 "not_action", "resources", "not_resource", "conditions")

    def __init__(self, index, sid, allow, principals, not_principal, action_regex, not_action,
                 resources, not_resource, conditions):
        self.index = index
        self.sid = sid
        self.allow = allow
        self.principals: Optional[PrincipalSet] = principals
        self.not_principal = not_principal
        self.action_regex: re.Pattern = action_regex
        self.not_action = not_action
        # None: the statement names no resources (trust policies).
        self.resources: Optional[tuple[Template, ...]] = resources
        self.not_resource = not_resource
        self.conditions: tuple[Condition, ...] = conditions

    @property
    def effect(self) -> str:
        return "Allow" if self.allow else "Deny"

    def matches_action(self, action_lower: str) -> bool:
        hit = self.action_regex.fullmatch(action_lower) is not None
        return hit != self.not_action

    def matches_resource(self, resource: str, context) -> bool:
        """``context`` is a callable returning the request context dict, so
        it is only built when a Resource holds a policy variable."""
        if self.resources is None:
            return True
        hit = False
        for template in self.resources:
            if template.is_wildcard:
                hit = True
                break
            regex = template.pattern(context()) if template.variables else template.pattern(None)
            if regex is not None and regex.fullmatch(resource) is not None:
                hit = True
                break
        return hit != self.not_resource


class Policy:
    """A compiled policy document. Immutable and shared: the cache hands the
    same object to every caller with the same text."""

    __slots__ = ("text", "kind", "version", "id", "statements", "principals", "_by_action")

    def __init__(self, text: str, kind: str, version: str, policy_id: Optional[str], statements: tuple,
                 principals: tuple):
        self.text = text
        self.kind = kind
        self.version = version
        self.id = policy_id
        self.statements: tuple[Statement, ...] = statements
        # Who the policy names (Principal and NotPrincipal), in every
        # statement, those without effect too: what services check exists.
        self.principals: tuple[PrincipalSet, ...] = principals
        self._by_action: dict = {}

    def statements_for(self, action_lower: str) -> tuple[Statement, ...]:
        """The statements whose Action/NotAction covers the action, memoized:
        a service asks about few distinct actions."""
        found = self._by_action.get(action_lower)
        if found is None:
            found = tuple(s for s in self.statements if s.matches_action(action_lower))
            if len(self._by_action) > 2048:
                self._by_action.clear()
            self._by_action[action_lower] = found
        return found

    def __repr__(self):
        return f"Policy(kind={self.kind!r}, statements={len(self.statements)})"


# --- parsing ------------------------------------------------------------------

def policy_size(text: str) -> int:
    """The size IAM counts against its quotas: characters other than white space."""
    return sum(1 for ch in text if not ch.isspace())


def parse_policy(document: Union[str, dict, Policy], kind: str = "identity", *,
                 max_size: Optional[int] = None) -> Policy:
    """Validate and compile a policy document (JSON text, or a dict for
    convenience). Raises :class:`PolicyError`."""
    if type(document) is str and max_size is None:
        return _compile(document, kind)  # the hot path: stored JSON text
    if isinstance(document, Policy):
        return document
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind {kind!r}")
    if isinstance(document, dict):
        document = json.dumps(document)
    if not isinstance(document, str):
        raise PolicyError(SYNTAX_ERROR)
    if max_size is not None:
        size = policy_size(document)
        if size > max_size:
            raise PolicySizeError(size, max_size)
    return _compile(document, kind)


@functools.lru_cache(maxsize=4096)
def _compile(text: str, kind: str) -> Policy:
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind {kind!r}")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise PolicyError(SYNTAX_ERROR) from None
    if not isinstance(data, dict) or set(data) - _TOP_LEVEL:
        raise PolicyError(SYNTAX_ERROR)
    version = data.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise PolicyError(LEGACY_PARSING)
    policy_id = data.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError(SYNTAX_ERROR)
    raw = data.get("Statement")
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise PolicyError(SYNTAX_ERROR)
    with_variables = version == "2012-10-17"
    compiled = [_statement(i, s, kind, with_variables) for i, s in enumerate(raw)]
    sids = [s.get("Sid") for s in raw if s.get("Sid")]
    if len(sids) != len(set(sids)):
        raise PolicyError(SID_UNIQUE)
    return Policy(text, kind, version, policy_id, tuple(s for s, _ in compiled if s is not None),
                  tuple(principals for _, principals in compiled if principals is not None))


def _statement(index: int, raw, kind: str, with_variables: bool) -> tuple[Optional[Statement], Optional[PrincipalSet]]:
    """The compiled statement (None for a key policy statement that has no
    effect) and the principals it names."""
    if not isinstance(raw, dict) or set(raw) - _STATEMENT_FIELDS:
        raise PolicyError(SYNTAX_ERROR)
    sid = raw.get("Sid")
    if sid is not None:
        if not isinstance(sid, str):
            raise PolicyError(SYNTAX_ERROR)
        # Resource policies (key policies, bucket policies) take any Sid text,
        # e.g. KMS's "Enable IAM User Permissions".
        if kind == "identity" and not _SID.match(sid):
            raise PolicyError(SID_CHARACTERS)
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(SYNTAX_ERROR)

    principals, not_principal = _principal_element(raw, kind)
    # KMS API reference (CreateKey, PutKeyPolicy: Policy): a key policy statement
    # without Resource or Action is accepted and has no effect.
    ineffective = kind == "key" and (_pair(raw, "Action")[0] is None or _pair(raw, "Resource")[0] is None)
    if ineffective:
        # What is there must still be valid.
        if _pair(raw, "Action")[0] is not None:
            _action_element(raw, kind)
        if _pair(raw, "Resource")[0] is not None:
            _resource_element(raw, kind, with_variables)
        _condition_element(raw.get("Condition"), with_variables)
        return None, principals
    action_regex, not_action = _action_element(raw, kind)
    resources, not_resource = _resource_element(raw, kind, with_variables)
    conditions = _condition_element(raw.get("Condition"), with_variables)
    return Statement(index, sid, effect == "Allow", principals, not_principal, action_regex,
                     not_action, resources, not_resource, conditions), principals


def _pair(raw: dict, name: str) -> tuple[Optional[object], bool]:
    """The value of X or NotX, and whether it was NotX."""
    plain, negated = raw.get(name), raw.get("Not" + name)
    if plain is not None and negated is not None:
        raise PolicyError(SYNTAX_ERROR)
    return (negated, True) if negated is not None else (plain, False)


def _strings(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        raise PolicyError(SYNTAX_ERROR)
    return values


def _principal_element(raw: dict, kind: str) -> tuple[Optional[PrincipalSet], bool]:
    value, negated = _pair(raw, "Principal")
    if kind == "identity":
        if value is not None:
            raise PolicyError(PRINCIPAL_FORBIDDEN)
        return None, False
    if negated and kind == "trust":
        # IAM User Guide, "AWS JSON policy elements: NotPrincipal": not usable in a
        # role trust policy (the wording is IAM's for its other prohibited fields).
        raise PolicyError(NOT_PRINCIPAL_FORBIDDEN)
    if value is None:
        raise PolicyError(PRINCIPAL_MISSING)
    principals = PrincipalSet()
    if value == "*":
        principals.everyone = True
        return principals, negated
    if not isinstance(value, dict) or not value:
        raise PolicyError(_invalid_principal(kind, value))
    for principal_type, names in value.items():
        if principal_type not in _PRINCIPAL_TYPES:
            raise PolicyError(_invalid_principal(kind, value))
        for name in _strings(names):
            if not _add_principal(principals, principal_type, name.strip()):
                raise PolicyError(_invalid_principal(kind, {principal_type: name}))
    return principals, negated


def _invalid_principal(kind: str, value) -> str:
    # IAM names the offending entry for trust policies; S3 and KMS do not.
    if kind == "trust" and isinstance(value, dict) and len(value) == 1:
        (principal_type, name), = value.items()
        if isinstance(name, str):
            return f'{INVALID_PRINCIPAL}: "{principal_type}":"{name}"'
    return INVALID_PRINCIPAL


def _add_principal(principals: PrincipalSet, principal_type: str, name: str) -> bool:
    if principal_type == "AWS":
        if name == "*":
            principals.everyone = True
        elif _ACCOUNT.match(name):
            principals.accounts.add(name)
        elif _UNIQUE_ID.match(name):
            principals.unique_ids.add(name)
        else:
            m = _AWS_PRINCIPAL_ARN.match(name)
            if m is None or "*" in name:
                return False
            if m.group(1) and name.endswith(":root"):
                # The account's root ARN names the account, as the bare id does.
                principals.accounts.add(m.group(1))
            else:
                principals.arns.add(name)
        return True
    if not name:
        return False
    if principal_type == "Service":
        if name == "*":
            principals.everyone = True
        else:
            principals.services.add(name.lower())
    elif principal_type == "Federated":
        principals.federated.add(name)
    else:
        if not _CANONICAL_USER.match(name):
            return False
        principals.canonical_users.add(name)
    return True


def _action_element(raw: dict, kind: str) -> tuple[re.Pattern, bool]:
    value, negated = _pair(raw, "Action")
    if value is None:
        raise PolicyError(MISSING_ACTIONS)
    actions = _strings(value)
    if not actions:
        raise PolicyError(MISSING_ACTIONS)
    alternatives = []
    for action in actions:
        if action == "*":
            if kind == "trust":
                raise PolicyError(TRUST_ACTIONS)
            alternatives.append(".*")
            continue
        if ":" not in action:
            raise PolicyError(NO_VENDOR)
        if action.count(":") > 1:
            raise PolicyError(ONE_COLON)
        vendor, name = action.split(":")
        if not vendor:
            raise PolicyError(NO_VENDOR)
        if not _VENDOR.match(vendor):
            raise PolicyError(f"Vendor {vendor} is not valid")
        if kind == "trust" and vendor.lower() != "sts":
            raise PolicyError(TRUST_ACTIONS)
        # Action names are case-insensitive: compare lowercased.
        alternatives.append(re.escape(action.lower()).replace(r"\*", ".*").replace(r"\?", "."))
    return re.compile("(?:" + "|".join(alternatives) + ")", re.DOTALL), negated


def _resource_element(raw: dict, kind: str, with_variables: bool) -> tuple[Optional[tuple], bool]:
    value, negated = _pair(raw, "Resource")
    if kind == "trust":
        if value is not None:
            raise PolicyError(RESOURCE_FORBIDDEN)
        return None, False
    if value is None:
        raise PolicyError(MISSING_RESOURCES)
    resources = _strings(value)
    if not resources:
        raise PolicyError(MISSING_RESOURCES)
    for resource in resources:
        if resource == "*":
            continue
        parts = resource.split(":", 5)
        if parts[0] != "arn" or len(parts) < 6:
            raise PolicyError(f'Resource {resource} must be in ARN format or "*".')
        partition = parts[1]
        if partition not in _PARTITIONS and "*" not in partition and "${" not in partition:
            raise PolicyError(f'Partition "{partition}" is not valid for resource "{resource}".')
    return tuple(Template(r, with_variables=with_variables, arn=True) for r in resources), negated


def _condition_element(value, with_variables: bool) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise PolicyError(SYNTAX_ERROR)
    conditions = []
    for operator, block in value.items():
        if not isinstance(block, dict) or not block:
            raise PolicyError(SYNTAX_ERROR)
        for key, values in block.items():
            if ":" not in key or not key.split(":", 1)[0]:
                raise PolicyError(NO_VENDOR)
            values = values if isinstance(values, list) else [values]
            if not values or not all(isinstance(v, (str, bool, int, float)) for v in values):
                raise PolicyError(SYNTAX_ERROR)
            try:
                conditions.append(Condition(operator, key, tuple(values), with_variables=with_variables))
            except UnknownOperator:
                raise PolicyError(SYNTAX_ERROR) from None
    return tuple(conditions)
