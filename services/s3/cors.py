"""CORS: a bucket's rules, and the answers they give a browser.

``preflight`` answers an OPTIONS request (the first rule whose origin,
method and requested headers all match wins; none is 403), and
``response_headers`` adds the Access-Control-* headers to the answer of an
actual cross-origin request. Origins and headers may carry one ``*``
wildcard; header names match case-insensitively, as S3 does.
"""
from __future__ import annotations

import fnmatch
import json
from urllib.parse import unquote

from .errors import AccessForbidden, BadRequest, InvalidRequest, MalformedXML

METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")
MAX_RULES = 100


def validate(configuration: dict) -> dict:
    rules = configuration.get("CORSRules") or []
    if not rules or len(rules) > MAX_RULES:
        raise MalformedXML()
    for rule in rules:
        if not rule.get("AllowedMethods") or not rule.get("AllowedOrigins"):
            raise MalformedXML()
        for method in rule["AllowedMethods"]:
            if method not in METHODS:
                raise InvalidRequest(f"Found unsupported HTTP method in CORS config. Unsupported method is {method}")
        for origin in rule["AllowedOrigins"]:
            if origin.count("*") > 1:
                raise InvalidRequest(f'AllowedOrigin "{origin}" can not have more than one wildcard.')
        for header in rule.get("AllowedHeaders") or []:
            if header.count("*") > 1:
                raise InvalidRequest(f'AllowedHeader "{header}" can not have more than one wildcard.')
    return {"CORSRules": rules}


def _matches(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    if not case_sensitive:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _rule_for(configuration: dict | None, origin: str, method: str, headers: list[str]) -> dict | None:
    for rule in (configuration or {}).get("CORSRules", []):
        if method not in rule["AllowedMethods"]:
            continue
        if not any(_matches(allowed, origin) for allowed in rule["AllowedOrigins"]):
            continue
        allowed_headers = rule.get("AllowedHeaders") or []
        if all(any(_matches(a, h, case_sensitive=False) for a in allowed_headers) for h in headers):
            return rule
    return None


def _headers_for(rule: dict, origin: str, method: str, requested: list[str]) -> dict:
    wildcard = "*" in rule["AllowedOrigins"]
    out = {
        "Access-Control-Allow-Origin": "*" if wildcard else origin,
        "Access-Control-Allow-Methods": ", ".join(rule["AllowedMethods"]),
        "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    }
    if not wildcard:
        out["Access-Control-Allow-Credentials"] = "true"
    if requested:
        out["Access-Control-Allow-Headers"] = ", ".join(requested)
    if rule.get("ExposeHeaders"):
        out["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
    if rule.get("MaxAgeSeconds") is not None:
        out["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
    return out


def preflight(configuration: dict | None, origin: str | None, method: str | None, request_headers: str | None,
              resource_type: str = "OBJECT") -> dict:
    """The headers of a 200 answer to an OPTIONS preflight, or S3's 403 (in
    the words localstack's AWS-validated CORS snapshots record: a bucket
    without rules is named as the BUCKET whatever the path)."""
    if not origin or not method:
        raise BadRequest("Insufficient information. Origin request header needed.")
    if configuration is None:
        raise AccessForbidden("CORSResponse: CORS is not enabled for this bucket.", Method=method,
                              ResourceType="BUCKET")
    requested = [h.strip().lower() for h in (request_headers or "").split(",") if h.strip()]
    rule = _rule_for(configuration, origin, method, requested)
    if rule is None:
        raise AccessForbidden(Method=method, ResourceType=resource_type)
    return _headers_for(rule, origin, method, requested)


def response_headers(configuration: dict | None, origin: str | None, method: str) -> dict:
    """Access-Control-* headers for an actual request carrying Origin."""
    if not origin or configuration is None:
        return {}
    rule = _rule_for(configuration, origin, method, [])
    return _headers_for(rule, origin, method, []) if rule else {}


def bucket_of(path: str) -> str:
    """The bucket a path-style S3 path names."""
    return unquote(path.lstrip("/").split("/", 1)[0])


def _resource_type(path: str) -> str:
    """BUCKET for a bucket's own path, OBJECT for a key under it."""
    return "OBJECT" if path.lstrip("/").partition("/")[2] else "BUCKET"


def _configuration_row(store, bucket: str):
    return store.read().execute("SELECT document FROM s3_bucket_configs WHERE bucket = ? AND name = 'cors'",
                                (bucket,)).fetchone()


def preflight_request(store, path: str, headers) -> dict:
    """The platform's entry for an OPTIONS request to S3 (no signature, as
    browsers send them): the 200 answer's headers, or S3's 403 (a bucket that
    does not exist too: S3 answers a preflight with nothing but CORS)."""
    bucket = bucket_of(path)
    row = _configuration_row(store, bucket)
    if row is None and store.read().execute("SELECT 1 FROM s3_buckets WHERE name = ?", (bucket,)).fetchone() is None:
        raise AccessForbidden("CORSResponse: Bucket not found", Method="OPTIONS", ResourceType="BUCKET")
    return preflight(json.loads(row[0]) if row else None, headers.get("Origin"),
                     headers.get("Access-Control-Request-Method"), headers.get("Access-Control-Request-Headers"),
                     _resource_type(path))


def actual_request_headers(store, path: str, headers, method: str) -> dict:
    """The platform's entry for a request carrying Origin: the
    Access-Control-* headers the bucket's CORS rules give it (none when no
    rule matches)."""
    origin = headers.get("Origin")
    if not origin:
        return {}
    row = _configuration_row(store, bucket_of(path))
    return response_headers(json.loads(row[0]) if row else None, origin, method)
