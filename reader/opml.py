"""Read and write OPML subscription lists, refusing entity tricks and anything but feed URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

__all__ = ["OpmlError", "OpmlFeed", "parse_opml", "to_opml"]

MAX_OPML_BYTES = 16 * 1024 * 1024
_MAX_URL_LENGTH = 4096
# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription: an http(s) URL or a local path, and the title shown for it."""

    url: str
    title: str = ""


class OpmlError(Exception):
    """An OPML document that cannot be read; the message is one line naming the cause."""


class _Refused(Exception):
    """Raised from inside expat callbacks to stop parsing."""


def parse_opml(data: bytes, *, source: str) -> tuple[OpmlFeed, ...]:
    """Every feed outline of an OPML document, nested categories flattened, in document order.

    Only http(s) URLs (``feed:`` URLs are rewritten) and local paths are kept; an outline with
    any other target is skipped, and each URL is kept once. A document declaring entities or a
    DOCTYPE subset is refused, as is anything that is not OPML.
    """
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"{source}: OPML too large: {len(data):,} bytes")
    if not data.strip():
        raise OpmlError(f"{source}: not OPML: the document is empty")
    feeds: dict[str, OpmlFeed] = {}
    root: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if not root:
            root.append(name)
            if name.lower() != "opml":
                raise _Refused(f"not OPML: the root element is <{name[:40]}>")
        if name.lower() != "outline":
            return
        url = feed_location(_attribute(attributes, "xmlUrl") or _attribute(attributes, "url"))
        if url and url not in feeds:
            title = _attribute(attributes, "title") or _attribute(attributes, "text")
            feeds[url] = OpmlFeed(url=url, title=" ".join(title.split()))

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = _refuse_external
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise OpmlError(f"{source}: {refused}") from None
    except expat.ExpatError as error:
        reason = expat.errors.messages.get(error.code, "not well-formed")
        raise OpmlError(f"{source}: not OPML: {reason} at line {error.lineno}") from None
    return tuple(feeds.values())


def to_opml(feeds: Iterable[OpmlFeed], *, title: str) -> str:
    """An OPML 2.0 document listing ``feeds`` that :func:`parse_opml` reads back unchanged.

    Characters XML cannot hold (C0 controls other than tab and newline) become U+FFFD.
    """
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{escape(_xml_safe(title))}</title>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        text = quoteattr(_xml_safe(feed.title))
        url = quoteattr(_xml_safe(feed.url))
        lines.append(f'    <outline type="rss" text={text} title={text} xmlUrl={url}/>')
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def feed_location(value: str) -> str:
    """``value`` as a subscribable http(s) URL or local path, or "" when it is neither."""
    location = value.strip()
    if not location or len(location) > _MAX_URL_LENGTH or _CONTROLS.search(location):
        return ""
    lowered = location.lower()
    # feed:https://host/x and feed://host/x are old "subscribe" links.
    if lowered.startswith("feed:"):
        location = location[5:]
        if location.startswith("//"):
            location = "http:" + location
        lowered = location.lower()
    if lowered.startswith(("http://", "https://")):
        try:
            return location if urlsplit(location).hostname else ""
        except ValueError:
            return ""
    if lowered.startswith("file:"):
        return location
    if _WINDOWS_DRIVE.match(location):
        return location
    # A path, never a scheme (javascript:, data:, ...) nor something that reads as an option.
    scheme_like = ":" in location.split("/", 1)[0]
    if scheme_like or location.startswith(("-", "|")):
        return ""
    return location


def _attribute(attributes: dict[str, str], name: str) -> str:
    if name in attributes:
        return attributes[name]
    lowered = name.lower()
    for key, value in attributes.items():
        if key.lower() == lowered:
            return value
    return ""


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _refuse_entities(*_: object) -> None:
    raise _Refused("refused: the document declares XML entities")


def _refuse_external(*_: object) -> int:
    raise _Refused("refused: the document references an external entity")
