"""Where a scenario runs: an endpoint (awsbox, or anything AWS-compatible),
or real AWS through a profile. On awsbox the control API (clock, seed) and
the event trail are there too."""
from __future__ import annotations

import json
import os
import urllib.error

import boto3
from botocore.config import Config as BotoConfig

from .. import control_client

# awsbox's default account root (`awsbox serve` prints them).
AWSBOX_ROOT_KEYS = ("test", "test")


class ControlUnavailable(RuntimeError):
    pass


class ControlRefused(ControlUnavailable):
    """The control API is there and answered an error: its own words."""


class Target:
    def __init__(self, endpoint: str | None = None, profile: str | None = None, region: str | None = None,
                 admin_token: str | None = None):
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.profile = profile
        self.admin_token = admin_token or os.environ.get("AWSBOX_ADMIN_TOKEN")
        if profile:
            self.session = boto3.Session(profile_name=profile, region_name=region)
        elif endpoint:
            self.session = boto3.Session(aws_access_key_id=AWSBOX_ROOT_KEYS[0], aws_secret_access_key=AWSBOX_ROOT_KEYS[1],
                                         region_name=region or "us-east-1")
        else:
            self.session = boto3.Session(region_name=region)
        self.region = region or self.session.region_name or "us-east-1"
        self.awsbox = self._is_awsbox()

    def describe(self) -> str:
        where = self.endpoint or "AWS"
        return f"{where} ({'awsbox' if self.awsbox else 'AWS'}{', profile ' + self.profile if self.profile else ''}, {self.region})"

    def _is_awsbox(self) -> bool:
        if not self.endpoint:
            return False
        try:
            return self.control("GET", "/_awsbox/health").get("status") == "ok"
        except ControlUnavailable:
            return False

    def client(self, service: str, region: str, credentials: dict | None = None):
        """A boto3 client; ``credentials`` (AccessKeyId, SecretAccessKey,
        SessionToken) for an actor, else the target's own."""
        config = BotoConfig(retries={"max_attempts": 1 if self.awsbox else 4, "mode": "standard"},
                            s3={"addressing_style": "path"} if self.endpoint else None)
        kwargs = {}
        if credentials:
            kwargs = {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials.get("SessionToken"),
            }
        return self.session.client(service, region_name=region, endpoint_url=self.endpoint, config=config, **kwargs)

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        """The awsbox control API (``/_awsbox/...``)."""
        if not self.endpoint:
            raise ControlUnavailable("real AWS has no awsbox control API")
        try:
            return control_client.call(self.endpoint, method, path, body, token=self.admin_token)
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail)["error"]["message"]
            except (ValueError, KeyError, TypeError):  # not awsbox's JSON error: not awsbox at all
                raise ControlUnavailable(f"{method} {path} answered {error.code}: {detail[:300]}") from None
            raise ControlRefused(f"{method} {path} answered {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise ControlUnavailable(f"{method} {path}: {error}") from None
