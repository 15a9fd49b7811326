"""Lab mode: the steps of the KMS + S3 lab (shared/lab/kms-s3-lab.txt) as a
checklist that ticks itself from the event trail.

Each step is a test on one CloudTrail event; a step ticks on the first event
that passes it after the event that ticked the step before, so the list
follows the lab's order (the download only fails *after* the key is
disabled). The first unticked step says what to do and what to expect.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Callable

from simulator.errors import AwsError

from . import event_history
from .messages import plain


def _ok(source: str, name: str) -> Callable[[dict], bool]:
    return lambda e: e["eventSource"] == f"{source}.amazonaws.com" and e["eventName"] == name and not e.get("errorCode")


def _sse_kms_upload(event: dict) -> bool:
    if not _ok("s3", "PutObject")(event):
        return False
    asked = (event.get("requestParameters") or {}).get("serverSideEncryption")
    got = (event.get("responseElements") or {}).get("serverSideEncryption")
    return "aws:kms" in (asked, got)


def _failed_download(codes: tuple[str, ...]) -> Callable[[dict], bool]:
    return lambda e: (e["eventSource"] == "s3.amazonaws.com" and e["eventName"] == "GetObject"
                      and e.get("errorCode") in codes)


@dataclasses.dataclass(frozen=True)
class Step:
    title: str
    todo: str  # what to do
    expect: str  # what the learner should see
    done: Callable[[dict], bool]


STEPS = (
    Step("Step 1: create a KMS key",
         "In KMS, choose Create key: symmetric, encrypt and decrypt; then alias, tags, key administrators and key "
         "users; review the key policy and create.",
         "The key appears in the key list as Enabled. The trail shows kms:CreateKey.",
         _ok("kms", "CreateKey")),
    Step("Step 1: give the key an alias",
         "The wizard's alias does it; or add one on the key's page.",
         "The alias shows in the key list. The trail shows kms:CreateAlias.",
         _ok("kms", "CreateAlias")),
    Step("Step 2: create a bucket",
         "In S3, choose Create bucket: a name and a Region.",
         "The bucket appears in the bucket list. The trail shows s3:CreateBucket.",
         _ok("s3", "CreateBucket")),
    Step("Step 3: upload a file encrypted with your KMS key",
         "Open the bucket, choose a file, a storage class, and SSE-KMS with your key; upload.",
         "The object's properties show aws:kms and your key's ARN. Behind the scenes S3 asked KMS for a data key "
         "(kms:GenerateDataKey, invoked by s3.amazonaws.com).",
         _sse_kms_upload),
    Step("Step 3: download it",
         "On the object's page, choose Download.",
         "The file downloads unchanged. Behind the scenes: s3:GetObject and the kms:Decrypt it caused.",
         _ok("s3", "GetObject")),
    Step("Step 4: disable the key",
         "In KMS, open the key and choose Disable.",
         "The key's status reads Disabled. The trail shows kms:DisableKey.",
         _ok("kms", "DisableKey")),
    Step("Step 4: try the download again",
         "Download the object again.",
         "S3 refuses: KMS.DisabledException, because KMS will not decrypt the object's data key with a disabled key.",
         _failed_download(("KMS.DisabledException",))),
    Step("Step 4: enable the key again",
         "In KMS, open the key and choose Enable.",
         "The key is Enabled; downloads work again. The trail shows kms:EnableKey.",
         _ok("kms", "EnableKey")),
    Step("Step 5: a user without key usage is denied",
         "Sign in as another IAM user who may read the bucket but is not a key user, and download the object.",
         "S3 answers Access Denied: KMS refused that user kms:Decrypt, so S3 cannot decrypt the object for them.",
         _failed_download(("AccessDenied", "KMS.AccessDeniedException", "AccessDeniedException"))),
)


def progress(events: list[dict]) -> list[bool]:
    """Which steps are done, given events oldest first."""
    ticked: list[bool] = []
    remaining = iter(sorted(events, key=lambda e: e["eventTime"]))
    for step in STEPS:
        ticked.append(any(step.done(event) for event in remaining))
    return ticked


def panel(session) -> dict:
    """What the lab panel shows: each step ticked or not, the next one's
    advice, or why the trail could not be read."""
    start = _dt.datetime.fromtimestamp(session.lab_started, _dt.timezone.utc)
    try:
        events = event_history.lookup(service="kms", start=start, pages=6, limit=1000)
        events += event_history.lookup(service="s3", start=start, pages=6, limit=1000)
    except AwsError as error:
        return {"steps": [(step, False) for step in STEPS], "next": None, "error": plain(error)}
    ticked = progress(events)
    upcoming = next((step for step, done in zip(STEPS, ticked) if not done), None)
    return {"steps": list(zip(STEPS, ticked)), "next": upcoming, "error": None}
