"""Condition operators (IAM User Guide, "IAM JSON policy elements: Condition
operators" and "Conditions with multiple context keys or values")."""
from __future__ import annotations

import datetime as dt

import pytest

from policies.conditions import Condition, UnknownOperator, parse_operator

T = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def holds(operator, key, values, context, **kw):
    values = tuple(values) if isinstance(values, list) else (values,)
    return Condition(operator, key, values, **kw).test({k.lower(): v for k, v in context.items()})


@pytest.mark.parametrize("operator, values, actual, expected", [
    ("StringEquals", "blue", "blue", True),
    ("StringEquals", "blue", "Blue", False),
    ("StringEquals", ["red", "blue"], "blue", True),
    ("StringNotEquals", "blue", "red", True),
    ("StringNotEquals", ["red", "blue"], "red", False),
    ("StringEqualsIgnoreCase", "BLUE", "blue", True),
    ("StringNotEqualsIgnoreCase", "BLUE", "blue", False),
    ("StringLike", "home/*", "home/alice/x", True),
    ("StringLike", "home/?", "home/ab", False),
    ("StringLike", "*.txt", "a.TXT", False),
    ("StringNotLike", "home/*", "tmp/x", True),
    ("StringNotLike", "home/*", "home/x", False),
    ("StringEquals", "true", True, True),
    ("StringEquals", "5", 5, True),
    ("NumericEquals", "5", "5", True),
    ("NumericEquals", 5, 5.0, True),
    ("NumericNotEquals", "5", 6, True),
    ("NumericLessThan", "10", 9, True),
    ("NumericLessThan", "10", 10, False),
    ("NumericLessThanEquals", "10", 10, True),
    ("NumericGreaterThan", "10", 11, True),
    ("NumericGreaterThanEquals", "10", 9, False),
    ("NumericEquals", "ten", 10, False),
    ("NumericLessThan", "10", "not-a-number", False),
    ("DateEquals", "2026-06-01T12:00:00Z", T, True),
    ("DateNotEquals", "2026-06-01T12:00:00Z", T, False),
    ("DateLessThan", "2027-01-01T00:00:00Z", T, True),
    ("DateLessThan", "2026-01-01", T, False),
    ("DateLessThanEquals", "2026-06-01T12:00:00+00:00", T, True),
    ("DateGreaterThan", "2026-01-01T00:00:00Z", T, True),
    ("DateGreaterThanEquals", "2026-06-01T12:00:01Z", T, False),
    ("DateGreaterThan", str(int(T.timestamp()) - 1), T, True),
    ("DateLessThan", "2027-01-01T00:00:00Z", "2026-06-01T12:00:00Z", True),
    ("Bool", "true", True, True),
    ("Bool", "false", True, False),
    ("Bool", "TRUE", "true", True),
    ("Bool", True, "true", True),
    ("BinaryEquals", "QmluYXJ5VmFsdWU=", b"BinaryValue", True),
    ("BinaryEquals", "QmluYXJ5VmFsdWU=", "QmluYXJ5VmFsdWU=", True),
    ("BinaryEquals", "QmluYXJ5VmFsdWU=", b"other", False),
    ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
    ("IpAddress", "203.0.113.0/24", "203.0.114.7", False),
    ("IpAddress", "203.0.113.7", "203.0.113.7", True),
    ("IpAddress", "2001:db8::/32", "2001:db8::1", True),
    ("IpAddress", "2001:db8::/32", "203.0.113.7", False),
    ("IpAddress", "203.0.113.0/24", "not-an-ip", False),
    ("NotIpAddress", "10.0.0.0/8", "192.0.2.1", True),
    ("NotIpAddress", ["10.0.0.0/8", "192.0.2.0/24"], "192.0.2.1", False),
    ("ArnEquals", "arn:aws:iam::111122223333:role/app", "arn:aws:iam::111122223333:role/app", True),
    ("ArnLike", "arn:aws:iam::*:role/app", "arn:aws:iam::111122223333:role/app", True),
    ("ArnEquals", "arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/a/b", True),
    ("ArnLike", "arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/a:b:c", True),
    ("ArnLike", "arn:aws:kms:*:key/x", "arn:aws:kms:us-east-1:1:key/x", False),
    ("ArnLike", "arn:aws:iam::*:role/app", "not-an-arn", False),
    ("ArnNotEquals", "arn:aws:iam::111122223333:role/app", "arn:aws:iam::111122223333:role/other", True),
    ("ArnNotLike", "arn:aws:iam::*:role/app", "arn:aws:iam::111122223333:role/app", False),
])
def test_operator(operator, values, actual, expected):
    assert holds(operator, "test:Key", values, {"test:Key": actual}) is expected


@pytest.mark.parametrize("operator, expected", [
    ("StringEquals", False), ("StringNotEquals", True), ("StringLike", False), ("StringNotLike", True),
    ("NumericLessThan", False), ("NumericNotEquals", True), ("DateNotEquals", True), ("Bool", False),
    ("IpAddress", False), ("NotIpAddress", True), ("ArnLike", False), ("ArnNotLike", True),
    ("StringEqualsIfExists", True), ("StringNotEqualsIfExists", True), ("BoolIfExists", True),
    ("NumericGreaterThanIfExists", True), ("ForAllValues:StringEquals", True),
    ("ForAnyValue:StringEquals", False), ("ForAllValues:StringNotLike", True), ("ForAnyValue:StringLike", False),
])
def test_missing_key(operator, expected):
    missing = []
    assert Condition(operator, "test:Absent", ("1",)).test({}, missing) is expected
    assert missing == ["test:Absent"]


def test_if_exists_applies_when_present():
    assert holds("StringEqualsIfExists", "test:Key", "a", {"test:Key": "b"}) is False
    assert holds("StringEqualsIfExists", "test:Key", "a", {"test:Key": "a"}) is True


def test_null():
    assert holds("Null", "test:Key", "true", {}) is True
    assert holds("Null", "test:Key", "true", {"test:Key": "x"}) is False
    assert holds("Null", "test:Key", "false", {"test:Key": "x"}) is True
    assert holds("Null", "test:Key", "false", {}) is False
    assert holds("Null", "test:Key", "true", {"test:Key": []}) is True


def test_key_names_case_insensitive():
    assert Condition("StringEquals", "AWS:PrincipalTag/Team", ("blue",)).test({"aws:principaltag/team": "blue"})


@pytest.mark.parametrize("operator, values, actual, expected", [
    ("ForAllValues:StringEquals", ["a", "b"], ["a"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], False),
    ("ForAllValues:StringEquals", ["a"], [], True),
    ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], True),
    ("ForAnyValue:StringEquals", ["a", "b"], ["c", "d"], False),
    ("ForAnyValue:StringLike", ["env*"], ["owner", "environment"], True),
    ("ForAllValues:StringLike", ["env*"], ["owner", "environment"], False),
    ("ForAnyValue:StringNotEquals", ["a"], ["a", "b"], True),
    ("ForAllValues:StringNotEquals", ["a"], ["b", "c"], True),
    ("ForAllValues:StringNotEquals", ["a"], ["a", "c"], False),
    ("ForAnyValue:StringEqualsIgnoreCase", ["ENV"], ["env"], True),
    ("StringEquals", ["a"], ["b", "a"], True),
    ("StringNotEquals", ["a"], ["b", "a"], False),
    ("ForAllValues:StringEqualsIfExists", ["a"], ["b"], False),
])
def test_set_operators(operator, values, actual, expected):
    assert holds(operator, "aws:TagKeys", values, {"aws:TagKeys": actual}) is expected


def test_variables_in_condition_values():
    context = {"aws:username": "alice", "s3:prefix": "home/alice/x"}
    assert holds("StringLike", "s3:prefix", "home/${aws:username}/*", context)
    assert not holds("StringLike", "s3:prefix", "home/${aws:userid}/*", context)
    assert holds("StringEquals", "s3:prefix", "home/${aws:userid, 'alice'}/x", context)
    assert not holds("StringEquals", "s3:prefix", "home/${aws:username}/x", {**context, "s3:prefix": "home/bob/x"})


def test_variables_are_text_in_legacy_documents():
    assert holds("StringEquals", "test:Key", "${aws:username}", {"test:Key": "${aws:username}", "aws:username": "a"},
                 with_variables=False)


@pytest.mark.parametrize("operator, parsed", [
    ("StringEquals", ("StringEquals", None, False)),
    ("stringequals", ("StringEquals", None, False)),
    ("StringLikeIfExists", ("StringLike", None, True)),
    ("ForAllValues:StringEquals", ("StringEquals", "all", False)),
    ("ForAnyValue:ArnLikeIfExists", ("ArnLike", "any", True)),
])
def test_parse_operator(operator, parsed):
    assert parse_operator(operator) == parsed


@pytest.mark.parametrize("operator", [
    "StringEqualz", "IfExists", "ForSomeValues:StringEquals", "NullIfExists", "ForAllValues:Null", "Equals", "",
])
def test_unknown_operator(operator):
    with pytest.raises(UnknownOperator):
        parse_operator(operator)
