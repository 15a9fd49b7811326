"""Policy variables (IAM User Guide, "IAM policy elements: Variables and tags")."""
from __future__ import annotations

import datetime as dt

import pytest

from policies.variables import Template, context_value_text

CONTEXT = {
    "aws:username": "alice",
    "aws:userid": "AIDAEXAMPLE",
    "aws:principaltag/team": "blue",
    "aws:sourceip": "203.0.113.7",
    "aws:currenttime": dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc),
    "aws:securetransport": True,
    "aws:tagkeys": ["a", "b"],
}


@pytest.mark.parametrize("source, resolved", [
    ("home/${aws:username}/", "home/alice/"),
    ("${aws:userid}", "AIDAEXAMPLE"),
    ("${aws:PrincipalTag/team}", "blue"),
    ("${AWS:UserName}", "alice"),
    ("ip-${aws:SourceIp}", "ip-203.0.113.7"),
    ("${aws:CurrentTime}", "2026-06-01T12:00:00Z"),
    ("${aws:SecureTransport}", "true"),
    ("${aws:missing, 'fallback'}", "fallback"),
    ("${aws:username, 'fallback'}", "alice"),
    ("${ aws:username }", "alice"),
    ("a${*}b${?}c${$}d", "a*b?c$d"),
    ("no variables", "no variables"),
    ("${unterminated", "${unterminated"),
    ("${aws:missing}", None),
    ("${aws:TagKeys}", None),
])
def test_resolve(source, resolved):
    assert Template(source).resolve(CONTEXT) == resolved


def test_legacy_documents_have_no_variables():
    template = Template("home/${aws:username}/", with_variables=False)
    assert template.variables == ()
    assert template.resolve(CONTEXT) == "home/${aws:username}/"


@pytest.mark.parametrize("source, value, expected", [
    ("arn:aws:s3:::bkt/home/${aws:username}/*", "arn:aws:s3:::bkt/home/alice/x/y", True),
    ("arn:aws:s3:::bkt/home/${aws:username}/*", "arn:aws:s3:::bkt/home/bob/x", False),
    ("arn:aws:s3:::bkt/${*}", "arn:aws:s3:::bkt/*", True),
    ("arn:aws:s3:::bkt/${*}", "arn:aws:s3:::bkt/x", False),
    ("arn:aws:s3:::bkt/${?}", "arn:aws:s3:::bkt/x", False),
    ("arn:aws:s3:::bkt/${aws:missing}/*", "arn:aws:s3:::bkt/x/y", False),
    ("arn:aws:s3:::bkt/${aws:missing, 'shared'}/*", "arn:aws:s3:::bkt/shared/y", True),
    ("arn:aws:kms:*:111122223333:key/*", "arn:aws:kms:us-east-1:111122223333:key/k", True),
    ("arn:aws:kms:*:key/*", "arn:aws:kms:us-east-1:111122223333:key/k", False),
])
def test_patterns(source, value, expected):
    assert Template(source, arn=True).matches(value, CONTEXT) is expected


def test_substituted_values_are_literal():
    context = {"aws:username": "a.*"}
    template = Template("home/${aws:username}")
    assert template.matches("home/a.*", context)
    assert not template.matches("home/abc", context)


def test_pattern_cache_follows_values():
    template = Template("home/${aws:username}/*")
    assert template.matches("home/alice/x", {"aws:username": "alice"})
    assert template.matches("home/bob/x", {"aws:username": "bob"})
    assert not template.matches("home/alice/x", {"aws:username": "bob"})


@pytest.mark.parametrize("value, text", [
    ("x", "x"), (True, "true"), (False, "false"), (5, "5"), (["only"], "only"), (["a", "b"], None), (b"x", None),
    (dt.datetime(2026, 1, 2, 3, 4, 5), "2026-01-02T03:04:05Z"),
])
def test_context_value_text(value, text):
    assert context_value_text(value) == text
