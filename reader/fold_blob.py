"""The fold index's blob framing: a magic, a JSON header, raw little-endian arrays, then text."""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np
import numpy.typing as npt

VERSION = 1
"""The framing's version, written in every header; a blob of another version is refused."""


def pack(
    magic: bytes,
    header: dict[str, Any],
    arrays: dict[str, npt.NDArray[Any]],
    text: bytes | memoryview,
) -> bytes:
    """``magic``, a JSON header (with the arrays' layout), raw little-endian arrays, then text."""
    header = {
        **header,
        "arrays": [[name, a.dtype.str, len(a)] for name, a in arrays.items()],
        "text_bytes": len(text),
    }
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    # JSON may end in spaces: they put the arrays at a multiple of 8 bytes, to be read in place.
    head += b" " * (-(len(magic) + 4 + len(head)) % 8)
    body = (a.data for a in arrays.values())
    return b"".join((magic, struct.pack("<I", len(head)), head, *body, text))


def unpack(
    magic: bytes, blob: bytes, what: str
) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]], memoryview]:
    """The header, arrays and text ``pack`` wrote; ValueError for anything else.

    Arrays and text are read-only views into ``blob`` where its layout allows (copying a
    100k-article index costs more than reading it: fresh memory is paged in)."""
    if blob[:4] != magic or len(blob) < 8:
        raise ValueError(f"not a {what}")
    (size,) = struct.unpack("<I", blob[4:8])
    header = json.loads(blob[8 : 8 + size].decode("utf-8"))
    if header.get("version") != VERSION:
        raise ValueError(f"unsupported {what} version {header.get('version')}")
    offset = 8 + size
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name, dtype, count in header["arrays"]:
        kind = np.dtype(dtype)
        if offset + kind.itemsize * count > len(blob):
            raise ValueError(f"truncated {what}")
        array = np.frombuffer(blob, dtype=kind, count=count, offset=offset)
        if not kind.isnative or offset % kind.itemsize:
            array = array.astype(kind.newbyteorder("="))
        arrays[name] = array
        offset += kind.itemsize * count
    text = memoryview(blob)[offset : offset + header["text_bytes"]]
    if len(text) != header["text_bytes"]:
        raise ValueError(f"truncated {what}")
    return header, arrays, text
