"""Parse RSS, Atom and JSON Feed documents into feed items, safely, whatever the bytes hold."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from reader.feed_decode import _decode
from reader.html_text import html_to_paragraphs, text_to_paragraphs
from reader.model import Article
from reader.paragraphs import derive_title

__all__ = [
    "MAX_FEED_BYTES",
    "FeedError",
    "FeedItem",
    "ParsedFeed",
    "item_article",
    "normalize_link",
    "parse_feed",
]

MAX_FEED_BYTES = 32 * 1024 * 1024
_MAX_KEY_LENGTH = 1024
_ARTICLE_ID_LENGTH = 16

# Everything before the root element (XML declaration, comments, processing instructions and the
# DOCTYPE with its entity declarations) is cut off before feedparser sees the document. That is
# the defence against entity attacks: feedparser 6.0 keeps "safe" internal entities, and its
# fallback parser expands them without limit (a 160 KB feed made a 2 GB title in 55 s). With no
# DOCTYPE left nothing can define or fetch an entity; references to one stay literal text, and
# HTML names such as &nbsp; are still known to feedparser's fallback parser.
_ROOT_ELEMENT = re.compile(r"<[^\W\d]")
_CLEAN_PROLOG = b'<?xml version="1.0" encoding="utf-8"?>\n'
_HTML_TYPES = ("html", "xhtml")
_TRACKING_PARAMETERS = ("utm_",)
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_URL_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, reduced to what the reader shows and how it is told apart."""

    key: str
    """Identity within the feed: its GUID/id, else its normalized link, else "sha256:" + hash."""
    title: str
    url: str
    """The item's http(s) link, or "" when it has none."""
    author: str
    published: datetime | None
    """Publication (else update) time in UTC, or None when absent or unreadable."""
    paragraphs: tuple[str, ...]
    summary_only: bool
    """True when the feed gave only a summary, so the full text could be fetched from ``url``."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole feed: its title, home page link, items (keys unique, feed order) and format."""

    title: str
    link: str
    items: tuple[FeedItem, ...]
    kind: str
    """feedparser's version ("rss20", "rss10", "rss091u", "atom10", ...) or "json10"/"json11"."""


class FeedError(Exception):
    """A document that gives no feed; the message is one line naming the cause."""


def parse_feed(data: bytes, *, source: str, content_type: str = "") -> ParsedFeed:
    """Parse an RSS 0.9x/1.0/2.0, Atom or JSON Feed document.

    ``source`` (the feed's URL or path) resolves relative links; ``content_type`` is the HTTP
    header, whose charset takes precedence over the XML declaration. Undecodable bytes become
    U+FFFD. A malformed feed that still yields entries is accepted; anything that is not a
    feed raises :class:`FeedError`.
    """
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"feed too large: {len(data):,} bytes (limit {MAX_FEED_BYTES:,})")
    text = _decode(data, content_type).lstrip("\ufeff")
    if not text.strip():
        raise FeedError("not a feed: the document is empty")
    if text.lstrip().startswith("{"):
        return _parse_json_feed(text, source)
    root = _ROOT_ELEMENT.search(text)
    if root is None:
        raise FeedError("not a feed: no XML element found")
    return _parse_xml_feed(_CLEAN_PROLOG + text[root.start() :].encode("utf-8"), source)


def item_article(item: FeedItem, *, feed_title: str, origin: str) -> Article:
    """The item as an :class:`Article` whose id is stable for this item of this feed.

    The id hashes ``origin`` (the feed's URL or path) with the item's key, because feeds reuse
    short GUIDs such as "1": the same key in two feeds gives two ids.
    """
    digest = hashlib.sha256(f"{origin}\n{item.key}".encode("utf-8", "replace")).hexdigest()
    return Article(
        id=digest[:_ARTICLE_ID_LENGTH],
        title=item.title or derive_title(item.paragraphs),
        paragraphs=item.paragraphs,
        source=feed_title,
        url=item.url,
        published=item.published,
        origin=origin,
    )


def normalize_link(url: str) -> str:
    """``url`` with scheme and host lower-cased, default port, fragment and utm_* dropped."""
    stripped = url.strip()
    try:
        parts = urlsplit(stripped)
        port = parts.port
    except ValueError:
        return stripped
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    if parts.username is not None:
        credentials = parts.username + (f":{parts.password}" if parts.password else "")
        host = f"{credentials}@{host}"
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not pair.lower().startswith(_TRACKING_PARAMETERS)
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def _parse_xml_feed(document: bytes, source: str) -> ParsedFeed:
    import feedparser  # type: ignore[import-untyped]  # heavy, so only when a feed is parsed

    # The bytes go in a BytesIO: feedparser treats bytes or str as a path or URL to open.
    # Its HTML sanitiser is off (nothing is rendered as HTML, and it is quadratic on junk).
    # It gets no base URL, which it would also apply to GUIDs: keys must not depend on where
    # the feed was fetched from, so links are resolved here instead.
    result = feedparser.parse(
        io.BytesIO(document),
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries = result.get("entries") or []
    version = str(result.get("version") or "")
    if not version and not entries:
        raise FeedError("not a feed: no RSS, Atom or JSON Feed content found")
    feed: Mapping[str, Any] = result.get("feed") or {}
    link = _http_url(_text(feed.get("link")), source)
    items = (_feedparser_item(entry, link or source) for entry in entries)
    return ParsedFeed(
        title=_detailed_text(feed, "title"),
        link=link,
        items=_unique(items),
        kind=version or "unknown",
    )


def _feedparser_item(entry: Mapping[str, Any], base: str) -> FeedItem:
    url = _entry_url(entry, base)
    text_base = url or base
    paragraphs: tuple[str, ...] = ()
    for content in _preferred_contents(entry.get("content") or ()):
        paragraphs = _body(content, _text(content.get("base")) or text_base)
        if paragraphs:
            break
    summary_only = not paragraphs
    if summary_only:
        paragraphs = _body(entry.get("summary_detail") or {}, text_base)
        if not paragraphs:
            paragraphs = html_to_paragraphs(_text(entry.get("summary")), base_url=text_base)
    author_detail = entry.get("author_detail") or {}
    title = _detailed_text(entry, "title")
    return FeedItem(
        key=_item_key(_text(entry.get("id")), url, title, paragraphs),
        title=title,
        url=url,
        author=_one_line(_text(author_detail.get("name")) or _text(entry.get("author"))),
        published=_struct_time_utc(entry.get("published_parsed"))
        or _struct_time_utc(entry.get("updated_parsed")),
        paragraphs=paragraphs,
        summary_only=summary_only,
    )


def _entry_url(entry: Mapping[str, Any], base: str) -> str:
    """The entry's page: its "link", else its first alternate link; http(s) only."""
    # Without a <link>, feedparser copies the GUID into "link" (and "links"), URL or not.
    guid = _text(entry.get("id")) if entry.get("guidislink") else ""
    links = [entry.get("link")]
    for link in entry.get("links") or ():
        if isinstance(link, Mapping) and link.get("rel", "alternate") == "alternate":
            links.append(link.get("href"))
    for link in map(_text, links):
        if link and (link != guid or _is_http(link)):
            url = _http_url(link, base)
            if url:
                return url
    return ""


def _preferred_contents(contents: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """HTML bodies first: a feed may give the same content as both text and HTML."""
    listed = [content for content in contents if isinstance(content, Mapping)]
    return sorted(listed, key=lambda content: not _is_html(content))


def _body(detail: Mapping[str, Any], base: str) -> tuple[str, ...]:
    value = _text(detail.get("value"))
    if not value:
        return ()
    if _is_html(detail):
        return html_to_paragraphs(value, base_url=base)
    return text_to_paragraphs(value)


def _is_html(detail: Mapping[str, Any]) -> bool:
    content_type = _text(detail.get("type")).lower()
    return not content_type or any(kind in content_type for kind in _HTML_TYPES)


def _detailed_text(container: Mapping[str, Any], name: str) -> str:
    """A title-like field as one line of plain text (markup stripped when typed as HTML)."""
    value = _text(container.get(name))
    detail = container.get(f"{name}_detail") or {}
    if isinstance(detail, Mapping) and "html" in _text(detail.get("type")).lower():
        return " ".join(html_to_paragraphs(value, number_links=False))
    return _one_line(value)


def _parse_json_feed(text: str, source: str) -> ParsedFeed:
    try:
        value = json.loads(text)
    except RecursionError:
        raise FeedError("not a feed: JSON nested too deeply") from None
    except ValueError as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "invalid number"
        raise FeedError(f"not a feed: invalid JSON ({reason})") from None
    version = value.get("version") if isinstance(value, dict) else None
    if not isinstance(version, str) or "jsonfeed.org/version/" not in version:
        raise FeedError("not a feed: JSON without a jsonfeed.org version")
    link = _http_url(_json_text(value, "home_page_url"), source)
    raw_items = value.get("items")
    entries = raw_items if isinstance(raw_items, list) else []
    items = (_json_item(entry, link or source) for entry in entries if isinstance(entry, dict))
    kind = {"1": "json10", "1.1": "json11"}.get(version.rsplit("/", 1)[-1], "json")
    return ParsedFeed(
        title=_one_line(_json_text(value, "title")),
        link=link,
        items=_unique(items),
        kind=kind,
    )


def _json_item(entry: Mapping[str, Any], base: str) -> FeedItem:
    url = _http_url(_json_text(entry, "url"), base) or _http_url(
        _json_text(entry, "external_url"), base
    )
    paragraphs = html_to_paragraphs(_json_text(entry, "content_html"), base_url=url or base)
    if not paragraphs:
        paragraphs = text_to_paragraphs(_json_text(entry, "content_text"))
    summary_only = not paragraphs
    if summary_only:
        paragraphs = text_to_paragraphs(_json_text(entry, "summary"))
    identity = entry.get("id")
    if isinstance(identity, bool) or not isinstance(identity, str | int | float):
        identity = ""
    title = _one_line(_json_text(entry, "title"))
    return FeedItem(
        key=_item_key(_SURROGATES.sub("\ufffd", str(identity)), url, title, paragraphs),
        title=title,
        url=url,
        author=_json_author(entry),
        published=_iso_datetime_utc(_json_text(entry, "date_published"))
        or _iso_datetime_utc(_json_text(entry, "date_modified")),
        paragraphs=paragraphs,
        summary_only=summary_only,
    )


def _json_author(entry: Mapping[str, Any]) -> str:
    authors = entry.get("authors")
    candidates = authors if isinstance(authors, list) else [entry.get("author")]
    for author in candidates:
        if isinstance(author, dict):
            name = _one_line(_json_text(author, "name"))
            if name:
                return name
    return ""


def _json_text(container: Mapping[str, Any], name: str) -> str:
    """A string field (lone surrogates replaced); "" when absent or not a string."""
    value = container.get(name)
    return _SURROGATES.sub("\ufffd", value) if isinstance(value, str) else ""


def _iso_datetime_utc(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None


def _struct_time_utc(value: object) -> datetime | None:
    """feedparser's parsed dates are UTC ``time.struct_time`` values (tuples)."""
    if not isinstance(value, tuple) or len(value) < 6:
        return None
    year, month, day, hour, minute, second = value[:6]
    try:
        # A leap second (60) is valid in a struct_time but not in a datetime.
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _item_key(identity: str, url: str, title: str, paragraphs: tuple[str, ...]) -> str:
    key = identity.strip()
    if not key and url:
        key = normalize_link(url)
    if key and len(key) <= _MAX_KEY_LENGTH:
        return key
    hashed = key or "\n".join((title, *paragraphs))
    return "sha256:" + hashlib.sha256(hashed.encode("utf-8", "replace")).hexdigest()


def _unique(items: Iterable[FeedItem]) -> tuple[FeedItem, ...]:
    """Items with distinct keys, the first of each kept (some feeds repeat an entry)."""
    by_key: dict[str, FeedItem] = {}
    for item in items:
        by_key.setdefault(item.key, item)
    return tuple(by_key.values())


def _http_url(value: str, base: str) -> str:
    url = _URL_CONTROLS.sub("", value.strip()).replace(" ", "%20")
    if url and not _is_http(url) and _is_http(base):
        try:
            url = urljoin(base, url)
        except ValueError:
            return ""
    return url if _is_http(url) else ""


def _is_http(value: str) -> bool:
    return value[:8].lower().startswith(("http://", "https://"))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _one_line(value: str) -> str:
    return " ".join(value.split())
