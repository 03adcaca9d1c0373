"""Turn a source's bytes into text: BOMs, bare UTF-16, coding cookies, cp1252, binary sniffing."""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_8bit", "decode_bytes", "looks_binary"]

_BINARY_SNIFF_BYTES = 8192
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_REPLACEMENT = "\ufffd"
# UTF-16 text without a BOM: mostly-Latin text has a NUL in one byte of nearly every pair.
_UTF16_NUL_SHARE = 0.3
_UTF16_OTHER_NUL_SHARE = 0.05
# Too few bytes show no pattern: a short file with a NUL is called binary.
_UTF16_MIN_CHARACTERS = 16
_CONTROLS_BUT_SPACING = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# An Emacs ("-*- coding: koi8-r -*-") or Vim ("vim: set fileencoding=cp1251") declaration in
# one of the first two lines, as Python reads its own source files.
_CODING_COOKIE = re.compile(
    rb"(?:-\*-[^\n]*?\bcoding|\bvim?:[^\n]*?\b(?:fileencoding|fenc))[:=][ \t]*([-\w.]+)"
)
# A declared encoding must read these bytes as these characters, so the declaration itself
# was read correctly (this rules out UTF-7, UTF-16 and EBCDIC code pages).
_ASCII_PROBE = "coding: -*- vim: fileencoding=+ \n"
_COOKIE_SEARCH_BYTES = 1024


def looks_binary(head: bytes) -> bool:
    """Whether a file starting with ``head`` holds no text (NUL bytes, and not UTF-16/32)."""
    head = head[:_BINARY_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF8, *_UTF32_BOMS, *_UTF16_BOMS)):
        return False
    return b"\x00" in head and _bomless_utf16(head) is None


def decode_bytes(data: bytes) -> str | None:
    """Text from ``data``, or None when it looks binary.

    UTF-8 (with or without BOM), UTF-16/32 with BOM and UTF-16 without BOM are recognised; other
    bytes that are not UTF-8 are read in the encoding a coding cookie declares, else as
    Windows-1252. Undecodable bytes become U+FFFD, so this never fails.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    if data.startswith(_UTF32_BOMS):
        return data.decode("utf-32", "replace")
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", "replace")
    head = data[:_BINARY_SNIFF_BYTES]
    if b"\x00" in head:
        utf16 = _bomless_utf16(head)
        return None if utf16 is None else data.decode(utf16, "replace")
    return decode_8bit(data)


def decode_8bit(data: bytes) -> str:
    """``data`` as UTF-8, else in its declared encoding, else UTF-8 or Windows-1252 by its bytes."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_encoding(data)
    if declared is not None:
        return data.decode(declared, "replace")
    # Legacy 8-bit text almost never holds a well-formed multi-byte UTF-8 sequence, so text with
    # more good sequences than broken ones is UTF-8 with a few damaged bytes.
    as_utf8 = data.decode("utf-8", "replace")
    broken = as_utf8.count(_REPLACEMENT) - data.count(_REPLACEMENT.encode())
    ascii_count = len(data.translate(None, _HIGH_BYTES))
    well_formed = len(as_utf8) - ascii_count - broken
    if well_formed > broken:
        return as_utf8
    return data.decode("cp1252", "replace")


def _bomless_utf16(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when ``head`` reads as UTF-16 text without a BOM, else None."""
    pairs = len(head) // 2
    if pairs < _UTF16_MIN_CHARACTERS:
        return None
    even, odd = head[0 : pairs * 2 : 2].count(0), head[1 : pairs * 2 : 2].count(0)
    if odd >= pairs * _UTF16_NUL_SHARE and even <= pairs * _UTF16_OTHER_NUL_SHARE:
        codec = "utf-16-le"
    elif even >= pairs * _UTF16_NUL_SHARE and odd <= pairs * _UTF16_OTHER_NUL_SHARE:
        codec = "utf-16-be"
    else:
        return None
    # Binary data with that NUL pattern still decodes to control characters or broken pairs.
    text = head[: pairs * 2].decode(codec, "replace").rstrip(_REPLACEMENT)
    if _REPLACEMENT in text or _CONTROLS_BUT_SPACING.search(text):
        return None
    return codec


def _declared_encoding(data: bytes) -> str | None:
    first_lines = b"\n".join(data[:_COOKIE_SEARCH_BYTES].split(b"\n", 2)[:2])
    found = _CODING_COOKIE.search(first_lines)
    if found is None:
        return None
    name = found.group(1).decode("ascii")
    try:
        readable = _ASCII_PROBE.encode(name) == _ASCII_PROBE.encode("ascii")
    except (LookupError, UnicodeError):
        return None
    return name if readable else None
