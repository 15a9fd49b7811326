"""IAM's paging: ``Marker``/``MaxItems`` in, ``IsTruncated``/``Marker`` out.

The marker is opaque to clients; ours is the position of the next item in
the listing's stable order, encoded so nobody is tempted to build one.
"""
from __future__ import annotations

import base64

from .errors import ValidationError

DEFAULT_MAX_ITEMS = 100


def page(items: list, params: dict, member: str) -> dict:
    """The slice of ``items`` the request asks for, as ``{member: [...],
    IsTruncated, Marker?}``."""
    start = _position(params.get("Marker"))
    size = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    chunk = items[start:start + size]
    out = {member: chunk, "IsTruncated": start + size < len(items)}
    if out["IsTruncated"]:
        out["Marker"] = base64.urlsafe_b64encode(f"awsbox:{start + size}".encode()).decode()
    return out


def _position(marker: str | None) -> int:
    if not marker:
        return 0
    try:
        text = base64.urlsafe_b64decode(marker.encode()).decode()
        tag, number = text.split(":")
        if tag == "awsbox" and number.isdigit():
            return int(number)
    except ValueError:
        pass
    raise ValidationError("Invalid Marker.")
