"""A client of the control API (``/_awsbox/...``), for the CLI, the embedded
server and the scenario runner: one way to call it."""
from __future__ import annotations

import json
import urllib.request


def call(endpoint: str, method: str, path: str, body: dict | None = None, *, token: str | None = None,
         timeout: float = 30) -> dict:
    """The decoded JSON answer. Raises urllib.error.HTTPError for an error
    status and urllib.error.URLError when the server cannot be reached."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(endpoint.rstrip("/") + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())
