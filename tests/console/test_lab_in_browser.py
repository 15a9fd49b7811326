"""The KMS + S3 lab (shared/lab/kms-s3-lab.txt), every step in Chromium:
an administrator creates the key with the wizard, a bucket, uploads with
SSE-KMS and a storage class, downloads the same bytes, disables the key and
is refused with AWS's reason, enables it; a second user who is no key user
is denied; the trail and the lab panel saw it all."""
from __future__ import annotations

import re
import time

from console_pages import make_user, shot, sign_in, sign_out, unique


def _wait_for_text(tab, text: str, timeout: float = 10.0) -> None:
    """Reload until ``text`` shows (the trail is written a moment after a call)."""
    deadline = time.monotonic() + timeout
    while text not in tab.content():
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never showed on {tab.url}")
        time.sleep(0.5)
        tab.reload()


def test_the_lab_end_to_end(page, server, account, tmp_path):
    admin = unique("admin")
    reader = unique("reader")
    admin_arn = make_user(account, admin, policies=["AdministratorAccess"])
    # The second user may read every bucket but is not a key user.
    make_user(account, reader, policies=["AmazonS3ReadOnlyAccess"])
    alias = unique("lab-key")
    bucket = unique("lab-bucket")
    body = b"The lab's secret file\n" + bytes(range(256)) * 64

    # Sign in as the administrator; lab mode on.
    sign_in(page, server, admin, account["account_id"])
    page.get_by_role("button", name="Lab mode").click()
    page.get_by_role("heading", name="Next: Step 1: create a KMS key").wait_for()

    # Step 1: the create-key wizard.
    page.get_by_role("link", name="KMS", exact=True).click()
    page.get_by_role("link", name="Create key").first.click()
    assert page.get_by_label("Key spec").input_value() == "SYMMETRIC_DEFAULT"
    assert page.get_by_label("Key usage").input_value() == "ENCRYPT_DECRYPT"
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Alias").fill(alias)
    page.get_by_label("Description").fill("Key for the KMS + S3 lab")
    page.get_by_label("Tag key").first.fill("project")
    page.get_by_label("Tag value").first.fill("kms-lab")
    page.get_by_role("button", name="Next").click()
    page.get_by_label(f"User {admin}").check()  # key administrator
    page.get_by_role("button", name="Next").click()
    page.get_by_label(f"User {admin}").check()  # key user
    page.get_by_role("button", name="Next").click()
    policy = page.get_by_label(re.compile("Key policy")).input_value()
    assert '"Allow access for Key Administrators"' in policy and '"Allow use of the key"' in policy
    assert admin_arn in policy
    shot(page, "lab-1-review-policy")
    page.get_by_role("button", name="Create key").click()
    page.get_by_text("created.").wait_for()
    assert page.locator("#key-state").inner_text() == "Enabled"
    key_arn = page.locator("dt:has-text('ARN') + dd code").inner_text()
    page.get_by_role("link", name="← KMS keys").click()
    assert f"alias/{alias}" in page.content()
    shot(page, "lab-1-key-list")

    # Step 2: a bucket.
    page.get_by_role("link", name="S3", exact=True).click()
    page.get_by_role("link", name="Create bucket").click()
    page.get_by_label("Bucket name").fill(bucket)
    page.get_by_label("Region").last.select_option("us-east-1")
    page.get_by_role("button", name="Create bucket").click()
    page.get_by_text(f"Bucket {bucket} created").wait_for()

    # Step 3: upload with SSE-KMS under the new key, storage class STANDARD_IA.
    source = tmp_path / "secret.bin"
    source.write_bytes(body)
    page.get_by_label("File").set_input_files(str(source))
    page.get_by_label("Storage class").select_option("STANDARD_IA")
    page.get_by_label("SSE-KMS (a KMS key)").check()
    page.get_by_label("KMS key for SSE-KMS").select_option(key_arn)
    shot(page, "lab-3-upload")
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("Uploaded secret.bin").wait_for()
    assert page.locator("#sse").inner_text() == "aws:kms"
    assert page.locator("#kms-key-arn").inner_text() == key_arn
    assert page.locator("#storage-class").inner_text() == "STANDARD_IA"
    shot(page, "lab-3-object-properties")
    object_url = page.url

    # ... and download it: the same bytes.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    saved = tmp_path / "downloaded.bin"
    download.value.save_as(saved)
    assert saved.read_bytes() == body

    # Step 4: disable the key; the download fails with AWS's reason.
    page.goto(f"{server.endpoint}/console/kms/keys/{key_arn.rsplit('/', 1)[1]}")
    page.get_by_role("button", name="Disable key").click()
    page.get_by_text("The key is disabled").wait_for()
    assert page.locator("#key-state").inner_text() == "Disabled"
    page.goto(object_url)
    page.get_by_role("link", name="Download").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "the KMS key that protects it is disabled" in alert.inner_text()
    assert "KMS.DisabledException" in alert.inner_text()
    shot(page, "lab-4-download-refused")

    # ... enable it again.
    page.goto(f"{server.endpoint}/console/kms/keys/{key_arn.rsplit('/', 1)[1]}")
    page.get_by_role("button", name="Enable key").click()
    page.get_by_text("The key is enabled").wait_for()

    # Behind the scenes: the download and the Decrypt S3 made for it.
    page.get_by_role("link", name="Behind the scenes").click()
    page.get_by_label("User").fill(admin)
    page.get_by_role("button", name="Filter").click()
    _wait_for_text(page, "via s3.amazonaws.com")
    rows = page.locator("#trail-rows").inner_text()
    assert "GetObject" in rows and "Decrypt" in rows and "KMS.DisabledException" in rows
    shot(page, "lab-trail")

    # Step 5: the second user, no key usage: denied.
    sign_out(page)
    sign_in(page, server, reader, account["account_id"])
    page.goto(object_url)
    page.get_by_role("link", name="Download").click()
    alert = page.get_by_role("alert").first
    alert.wait_for()
    assert "AccessDenied" in alert.inner_text()
    shot(page, "lab-5-second-user-denied")

    # Back as the administrator, the lab panel has ticked every step.
    sign_out(page)
    sign_in(page, server, admin, account["account_id"])
    _wait_for_text(page, "Every step is done")
    assert page.locator(".checklist li.todo").count() == 0
    shot(page, "lab-panel-done")
