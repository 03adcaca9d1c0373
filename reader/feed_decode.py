"""Decode a feed's bytes to text: byte order mark, HTTP charset, XML declaration, then UTF-8."""

from __future__ import annotations

import codecs
import re

_XML_DECLARATION_ENCODING = re.compile(
    rb"""\A\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
_CHARSET_PARAMETER = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# "<" or "<?" in a wide encoding without a byte order mark.
_WIDE_STARTS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
# As in browsers (WHATWG Encoding), Latin-1 and ASCII labels mean windows-1252: feeds that say
# ISO-8859-1 routinely hold curly quotes and euro signs in 0x80-0x9F.
_WINDOWS_1252_ALIASES = frozenset({"iso8859-1", "ascii", "latin-1"})
_NOT_CHARSETS = ("escape", "idna", "punycode", "utf-7", "undefined")


def _decode(data: bytes, content_type: str) -> str:
    """The document as text: BOM first, then HTTP charset, XML declaration, UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    for start, encoding in _WIDE_STARTS:
        if data.startswith(start):
            return data.decode(encoding, "replace")
    declared = _XML_DECLARATION_ENCODING.match(data)
    labels = [
        _charset_label(content_type),
        declared.group(1).decode("ascii") if declared else "",
        "utf-8",
    ]
    candidates = list(dict.fromkeys(c for c in map(_ascii_compatible_codec, labels) if c))
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode(candidates[0], "replace")


def _charset_label(content_type: str) -> str:
    match = _CHARSET_PARAMETER.search(content_type)
    return match.group(1) if match else ""


def _ascii_compatible_codec(label: str) -> str:
    """The Python codec for a declared charset label, or "" when it cannot apply here."""
    if not label:
        return ""
    try:
        name = codecs.lookup(label).name
        # A declaration readable as ASCII rules out UTF-16/32 and EBCDIC.
        if "<?xml".encode(name) != b"<?xml":
            return ""
    except (LookupError, UnicodeError):
        return ""
    if any(marker in name for marker in _NOT_CHARSETS):
        return ""
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name
