"""The console's pages in Chromium: hostile HTML in names and tags shows as
text and never runs; every control is labelled and reachable by keyboard;
the pages read at 1280x800 and in a narrow window."""
from __future__ import annotations

import io

from console_pages import shot, sign_in, unique

HOSTILE = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
FOLDER = "<svg onload=window.__xss=3>"  # a prefix: no "/" inside

UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map(e => e.name || e.id)"""


def _root(page, server, account):
    sign_in(page, server, None, account["account_id"], password=account["root_password"])


def test_html_in_names_and_tags_is_shown_as_text(page, server, account):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    kms = account["client"]("kms")
    key = kms.create_key(Description=HOSTILE, Tags=[{"TagKey": "note", "TagValue": SCRIPT}])["KeyMetadata"]
    bucket = unique("xss")
    s3 = account["client"]("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=f"{FOLDER}/{HOSTILE}.txt", Body=io.BytesIO(b"x"))
    _root(page, server, account)

    page.goto(f"{server.endpoint}/console/kms/keys/{key['KeyId']}")
    assert HOSTILE in page.locator("dl.facts").first.inner_text()
    assert SCRIPT in page.locator("#tags-title + table").inner_text()
    page.goto(f"{server.endpoint}/console/s3/buckets/{bucket}")
    page.get_by_role("link", name=f"{FOLDER}/").click()
    page.get_by_role("link", name=f"{HOSTILE}.txt").click()
    assert f"{FOLDER}/{HOSTILE}.txt" == page.get_by_role("heading", level=1).inner_text()
    page.goto(f"{server.endpoint}/console/trail?service=kms")
    page.goto(f"{server.endpoint}/console/trail?service=s3")
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def test_every_control_is_labelled_and_the_skip_link_leads_to_the_content(page, server, account):
    bucket = unique("labels")
    account["client"]("s3").create_bucket(Bucket=bucket)
    key = account["client"]("kms").create_key()["KeyMetadata"]["KeyId"]
    _root(page, server, account)
    for path in ("/console/", "/console/kms", "/console/kms/create", f"/console/kms/keys/{key}", "/console/s3",
                 "/console/s3/create", f"/console/s3/buckets/{bucket}", "/console/iam/users", "/console/iam/roles",
                 "/console/iam-policies", "/console/trail"):
        page.goto(server.endpoint + path)
        assert page.evaluate(UNLABELLED) == [], path
    page.goto(f"{server.endpoint}/console/kms")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The wizard goes forward by keyboard alone.
    page.goto(f"{server.endpoint}/console/kms/create")
    page.get_by_role("button", name="Next").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Step 2: Labels").wait_for()


def test_pages_fit_a_narrow_window(browser, server, account):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        _root(tab, server, account)
        key = account["client"]("kms").create_key(Description="narrow")["KeyMetadata"]["KeyId"]
        for name, path in (("home", "/console/"), ("key", f"/console/kms/keys/{key}"), ("wizard", "/console/kms/create"),
                           ("trail", "/console/trail")):
            tab.goto(server.endpoint + path)
            shot(tab, f"narrow-{name}")
            overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (path, overflow)
    finally:
        context.close()
