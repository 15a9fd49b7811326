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


def xml_text(text: str) -> str:
    """``text`` as XML can hold it: each character XML cannot is replaced
    by U+FFFD, the Unicode replacement character."""
    return _NOT_XML.sub("\ufffd", text)


def document(root: etree._Element) -> bytes:
    return DECLARATION + etree.tostring(root, encoding="UTF-8")


def _nsmap(f: Field) -> dict | None:
    ns = f.xml_namespace
    return {ns.get("prefix"): ns["uri"]} if ns and "uri" in ns else None


def _qname(f: Field, name: str) -> str:
    prefix, colon, local = name.partition(":")
    if not colon:
        return name
    uri = XSI if prefix == "xsi" else (f.xml_namespace or {}).get("uri", "")
    return f"{{{uri}}}{local}"


def write(parent, f: Field, value, name: str | None = None) -> None:
    """Append ``value`` under ``parent`` as the element(s) of field ``f``."""
    name = name or f.wire
    n = f.node
    t = n.type
    if t == "list":
        if f.flattened:
            element = flattened_name(f)
            for item in value:
                write(parent, n.member, item, element)
        else:
            container = etree.SubElement(parent, name)
            for item in value:
                write(container, n.member, item)
    elif t == "map":
        container = parent if f.flattened else etree.SubElement(parent, name)
        for k, v in value.items():
            entry = etree.SubElement(container, name if f.flattened else "entry")
            write(entry, n.key, k)
            if v is not None:
                write(entry, n.value, v)
    elif t == "structure":
        write_members(etree.SubElement(parent, name, nsmap=_nsmap(f)), n, value)
    elif t == "string":
        etree.SubElement(parent, name).text = xml_text(value if type(value) is str else str(value))
    else:  # numbers, booleans, timestamps, blobs: nothing XML cannot hold
        etree.SubElement(parent, name).text = scalar_text(f, value)


def write_members(element, n: Node, value: dict) -> None:
    """The body members of a structure (members bound to headers, the URI
    or the status code are not written)."""
    for key, f in n.fields.items():
        v = value.get(key)
        if v is None or f.location:
            continue
        if f.xml_attribute:
            element.set(_qname(f, f.wire), xml_text(scalar_text(f, v)))
        else:
            write(element, f, v)


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
