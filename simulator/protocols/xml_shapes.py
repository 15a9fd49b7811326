"""Shapes as XML elements, both ways: writing outputs (query and rest-xml
responses) and reading input documents (rest-xml request payloads)."""
from __future__ import annotations

import re

from lxml import etree

from .shapes import Field, Node, flattened_name, scalar_text, text_scalar

XSI = "http://www.w3.org/2001/XMLSchema-instance"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# Request documents are untrusted: no entities, no DTDs, no network.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                          remove_pis=True, huge_tree=False)


# Characters XML 1.0 cannot hold, not even as a character reference. A
# request may still carry them (a key or bucket name percent-encoded in the
# path, a JSON string): echoed back, they would make the document unwritable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# Output documents are written as text: a listing page of 1,000 keys is some
# 9,000 elements, and building them as an lxml tree first was about 60% of
# the server's time for ListObjectsV2.
def text(value: str) -> str:
    """Character data: each character XML cannot hold replaced by U+FFFD
    (the replacement character), markup escaped, and CR kept as a reference
    (a parser would turn it into LF)."""
    value = _NOT_XML.sub("\ufffd", value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def _attribute(value: str) -> str:
    return text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def element(name: str, inner: str = "", attributes: str = "") -> str:
    """An element from its already written content."""
    return f"<{name}{attributes}>{inner}</{name}>" if inner else f"<{name}{attributes}/>"


def document(name: str, inner: str, namespace: str | None = None, attributes: str = "") -> bytes:
    """A whole response document: its root element around ``inner``."""
    declared = f' xmlns="{namespace}"' if namespace else ""
    return DECLARATION + element(name, inner, declared + attributes).encode("utf-8")


def structure_document(name: str, n: Node, value: dict, namespace: str | None = None) -> bytes:
    """A document whose root element is structure ``n``."""
    attributes, inner = _members(n, value)
    return document(name, inner, namespace, attributes)


def _declarations(f: Field) -> str:
    ns = f.xml_namespace
    if not ns or "uri" not in ns:
        return ""
    prefix = ns.get("prefix")
    return f' xmlns:{prefix}="{ns["uri"]}"' if prefix else f' xmlns="{ns["uri"]}"'


def _qname(f: Field, name: str) -> str:
    """An attribute's name as lxml looks it up when reading (Clark notation)."""
    prefix, colon, local = name.partition(":")
    if not colon:
        return name
    uri = XSI if prefix == "xsi" else (f.xml_namespace or {}).get("uri", "")
    return f"{{{uri}}}{local}"


def write(f: Field, value, name: str | None = None) -> str:
    """``value`` as the element(s) of field ``f``."""
    name = name or f.wire
    n = f.node
    t = n.type
    if t == "list":
        if f.flattened:
            item_name = flattened_name(f)
            return "".join(write(n.member, item, item_name) for item in value)
        return element(name, "".join(write(n.member, item) for item in value))
    if t == "map":
        entry = name if f.flattened else "entry"
        entries = "".join(
            element(entry, write(n.key, k) + (write(n.value, v) if v is not None else "")) for k, v in value.items()
        )
        return entries if f.flattened else element(name, entries)
    if t == "structure":
        attributes, inner = _members(n, value)
        return element(name, inner, _declarations(f) + attributes)
    if t == "string":
        return element(name, text(value if type(value) is str else str(value)))
    # numbers, booleans, timestamps, blobs: nothing XML cannot hold
    return element(name, scalar_text(f, value))


def write_members(n: Node, value: dict) -> str:
    """The body members of a structure, as the content of its element
    (members bound to headers, the URI or the status code are not written;
    attributes belong on the element itself: see ``write``)."""
    return _members(n, value)[1]


def _members(n: Node, value: dict) -> tuple[str, str]:
    attributes, inner = [], []
    for key, f in n.fields.items():
        v = value.get(key)
        if v is None or f.location:
            continue
        if f.xml_attribute:
            attributes.append(f' {f.wire}="{_attribute(scalar_text(f, v))}"')
        elif f.node.type == "string":  # most members: written here, without a call per member
            inner.append(element(f.wire, text(v if type(v) is str else str(v))))
        else:
            inner.append(write(f, v))
    return "".join(attributes), "".join(inner)


def parse(data: bytes, root: str | None = None) -> etree._Element:
    """The root element of a request document; ValueError if it is not XML,
    declares a DTD (entities are how XXE and "billion laughs" attacks come:
    refused, never expanded), or its root is not named ``root``."""
    try:
        element = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise ValueError(str(e)) from None
    if element.getroottree().docinfo.doctype:
        raise ValueError("a document type declaration")
    if root is not None and etree.QName(element).localname != root:
        raise ValueError(f"root element {etree.QName(element).localname}, not {root}")
    return element


def read(element, f: Field):
    """The Python value of field ``f`` from its element; BadValue when a
    scalar does not convert."""
    n = f.node
    t = n.type
    if t == "structure":
        return read_members(element, n)
    if t == "list":
        return [read(child, n.member) for child in element if isinstance(child.tag, str)]
    if t == "map":
        return _read_entries(element, n)
    return text_scalar(f, element.text or "")


def _read_entries(elements, n: Node) -> dict:
    out = {}
    for entry in elements:
        parts = _children(entry)
        k = parts.get(n.key.wire)
        v = parts.get(n.value.wire)
        if k:
            out[k[0].text or ""] = read(v[0], n.value) if v else None
    return out


def _children(element) -> dict:
    groups: dict[str, list] = {}
    for child in element:
        if isinstance(child.tag, str):
            groups.setdefault(etree.QName(child).localname, []).append(child)
    return groups


def read_members(element, n: Node) -> dict:
    """The members of structure ``n`` from its element; ValueError when a
    member that is not a flattened list comes more than once: S3's schema
    allows each such element once, and refuses a repeated one (MalformedXML)
    rather than reading the first."""
    groups = _children(element)
    out = {}
    for key, f in n.fields.items():
        if f.location:
            continue
        if f.xml_attribute:
            raw = element.get(_qname(f, f.wire))
            if raw is not None:
                out[key] = text_scalar(f, raw)
        elif f.flattened and f.node.type == "list":
            found = groups.get(flattened_name(f)) or groups.get(f.wire)
            if found:
                out[key] = [read(child, f.node.member) for child in found]
        elif f.flattened and f.node.type == "map":
            found = groups.get(f.wire)
            if found:
                out[key] = _read_entries(found, f.node)
        else:
            found = groups.get(f.wire)
            if found:
                if len(found) > 1:
                    raise ValueError(f"{f.wire} more than once")
                out[key] = read(found[0], f)
    return out
