"""Fetch an article's web page on demand and extract its main text, within size and time bounds."""

from __future__ import annotations

import codecs
import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from reader.fetch import FetchResult, fetch_one
from reader.html_text import html_to_paragraphs

__all__ = [
    "CACHE_KIND",
    "FullText",
    "FullTextError",
    "cached_full_text",
    "extract_main_text",
    "fetch_full_text",
]

CACHE_KIND = "full-text"
MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024
MAX_INPUT_SIZE = 5 * 1024 * 1024
"""Longer input (bytes, or characters of a str) is cut to this size: the article is near the top."""
# The extractor's time grows with the number of elements and the amount of text (150 to 300
# microseconds an element on junk pages of bare links or paragraphs): pages past these limits
# are refused, which keeps the worst case at a few seconds. Real article pages, scripts and
# images removed, have a few thousand elements and well under 100,000 characters of text.
MAX_ELEMENTS = 10_000
MAX_TEXT_CHARS = 300_000
# Less text than this is navigation or a sign-in form, not an article (the extractor itself
# treats a main text under 250 characters as a failed extraction).
MIN_ARTICLE_CHARS = 250

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET_PARAMETER = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.IGNORECASE)
# Matches <meta charset=...> and <meta http-equiv content="text/html; charset=...">.
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]{0,512}?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE
)
_META_SCAN_BYTES = 4096
# Encodings a web page may use (the WHATWG Encoding Standard's, as Python names them).
# Anything else, such as "unicode_escape" or "utf-7", is ignored rather than trusted.
_WEB_ENCODINGS = frozenset(
    codecs.lookup(label).name
    for label in """
    utf-8 utf-16-le utf-16-be cp866 iso-8859-2 iso-8859-3 iso-8859-4 iso-8859-5 iso-8859-6
    iso-8859-7 iso-8859-8 iso-8859-10 iso-8859-13 iso-8859-14 iso-8859-15 iso-8859-16 koi8-r
    koi8-u mac-roman cp874 cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256 cp1257 cp1258
    mac-cyrillic gbk gb18030 big5 euc-jp iso-2022-jp shift-jis euc-kr
    """.split()
)
# Browsers read pages labelled Latin-1 or ASCII as windows-1252, and so do servers' authors.
_READ_AS_WINDOWS_1252 = frozenset({codecs.lookup("latin-1").name, codecs.lookup("ascii").name})
# Characters XML (and so the extractor's tree) cannot hold: C0 controls but tab, LF and CR.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Elements whose content is never reading matter; removed before the extractor sees the tree.
_DROPPED_ELEMENTS = (
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
)
_MISSING_EXTRACTOR = "full text needs the trafilatura package (version 2.1 or later)"
_MAX_URL_SHOWN = 160
_MAX_REASON_SHOWN = 200


@dataclass(frozen=True, slots=True)
class FullText:
    """The main text of an article's web page."""

    paragraphs: tuple[str, ...]
    title: str
    """The page's title if found, else ""."""
    source_url: str
    """The URL the text came from, after redirects."""


class FullTextError(Exception):
    """No article text could be had from a page; the message is one line naming URL and cause."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = _one_line(reason, _MAX_REASON_SHOWN)
        super().__init__(f"{_one_line(url, _MAX_URL_SHOWN)}: {self.reason}")

    def __reduce__(self) -> tuple[type[FullTextError], tuple[str, str]]:
        return (type(self), (self.url, self.reason))  # so it survives a trip between processes


class _ResultCache(Protocol):
    def cached(self, kind: str, digest: str) -> bytes | None: ...

    def cache(self, kind: str, digest: str, payload: bytes) -> None: ...


def extract_main_text(html: bytes | str, *, url: str, content_type: str = "") -> FullText:
    """The main text of a page as paragraphs, without navigation, ads, comments or footers.

    ``content_type`` is the HTTP Content-Type: anything but HTML is refused, and its charset
    is used to decode bytes (else a ``<meta>`` charset, else UTF-8 with replacement). Lists,
    quotes and links come out as ``html_to_paragraphs`` renders them. Raises ``FullTextError``
    when the page is not HTML, too large to take apart quickly, or holds no article.
    """
    media_type, http_charset = _parse_content_type(content_type)
    if media_type and media_type not in _HTML_TYPES:
        raise FullTextError(url, f"not an HTML page (content type {media_type})")
    if isinstance(html, bytes):
        head = html[:16]
        for signature, what in _SIGNATURES:
            if head.startswith(signature):
                raise FullTextError(url, f"not an HTML page (looks like {what})")
        markup = _decode(html[:MAX_INPUT_SIZE], http_charset)
    else:
        markup = html[:MAX_INPUT_SIZE]
    tree = _parse(markup, url)
    document = _run_extractor(tree, url)
    paragraphs = html_to_paragraphs(document.text or "", base_url=url)
    title = " ".join((document.title or "").split())
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]  # the page's own headline repeats the title
    article_chars = sum(len(p) for p in paragraphs if not _is_link_note(p))
    if article_chars < MIN_ARTICLE_CHARS:
        raise FullTextError(url, "no article text found on the page")
    return FullText(paragraphs=paragraphs, title=title, source_url=url)


def fetch_full_text(
    url: str, *, timeout: float = 15.0, fetch: Callable[..., FetchResult] = fetch_one
) -> FullText:
    """Download ``url`` (http or https only) and extract its main text; raises ``FullTextError``.

    ``timeout`` bounds the download; extraction takes milliseconds on a typical page and a few
    seconds at most on the largest accepted.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FullTextError(url, "only http(s) pages can be fetched")
    result = fetch(url.strip(), timeout=timeout, max_bytes=MAX_DOWNLOAD_BYTES)
    if result.error:
        raise FullTextError(url, result.error)
    if result.body is None:
        raise FullTextError(url, f"no page in the response (HTTP {result.status})")
    final_url = result.final_url or url
    return extract_main_text(result.body, url=final_url, content_type=result.content_type)


def cached_full_text(
    library: _ResultCache,
    article_id: str,
    url: str,
    *,
    fetch_text: Callable[[str], FullText] = fetch_full_text,
) -> FullText:
    """The full text of an article, from the library's cache or else fetched and then cached.

    Failures are not cached, so a later call tries again. A cached text fetched from another
    URL (the item's link changed) is fetched anew.
    """
    stored = library.cached(CACHE_KIND, article_id)
    if stored is not None:
        found = _from_json(stored, url)
        if found is not None:
            return found
    full_text = fetch_text(url)
    library.cache(CACHE_KIND, article_id, _to_json(full_text, url))
    return full_text


def _parse_content_type(content_type: str) -> tuple[str, str]:
    """The media type (lower case) and charset parameter of a Content-Type header."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    charset = _CHARSET_PARAMETER.search(content_type)
    return media_type, charset.group(1) if charset else ""


def _decode(data: bytes, http_charset: str) -> str:
    """Text of a page: by its byte order mark, HTTP charset, <meta> charset, else UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    encoding = _web_encoding(http_charset)
    if not encoding:
        declared = _META_CHARSET.search(data, 0, _META_SCAN_BYTES)
        if declared:
            encoding = _web_encoding(declared.group(1).decode("ascii"))
            # A page that could be read far enough to find its <meta> is not UTF-16.
            if encoding.startswith("utf-16"):
                encoding = "utf-8"
    return data.decode(encoding or "utf-8", errors="replace")


def _web_encoding(label: str) -> str:
    """The Python codec for a charset label, or "" when unknown or not a web encoding."""
    try:
        name = codecs.lookup(label.strip()).name if label.strip() else ""
    except LookupError:
        return ""
    if name in _READ_AS_WINDOWS_1252:
        return "cp1252"
    return name if name in _WEB_ENCODINGS else ""


def _parse(markup: str, url: str) -> Any:
    """The page as an lxml tree without scripts, styles and other non-text, within limits."""
    try:
        lxml_html = importlib.import_module("lxml.html")
        lxml_etree = importlib.import_module("lxml.etree")
    except ImportError:
        raise FullTextError(url, _MISSING_EXTRACTOR) from None
    # Bytes with an explicit encoding: lxml refuses str carrying an XML encoding declaration
    # and would otherwise let a <meta> override the charset chosen above.
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    cleaned = _NOT_IN_XML.sub("", markup).encode("utf-8")
    try:
        tree = lxml_html.document_fromstring(cleaned, parser=parser)
    except (lxml_etree.ParserError, ValueError) as error:
        raise FullTextError(url, f"not readable as HTML ({error})") from None
    lxml_etree.strip_elements(tree, *_DROPPED_ELEMENTS, with_tail=False)
    for script in list(tree.iter("script")):
        # JSON-LD stays: it is data, not code, and the extractor reads title and author there.
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            script.drop_tree()
    elements = 0
    for _ in tree.iter():
        elements += 1
        if elements > MAX_ELEMENTS:
            raise FullTextError(url, f"page too large to extract (over {MAX_ELEMENTS:,} elements)")
    text_chars = sum(len(piece) for piece in tree.itertext())
    if text_chars > MAX_TEXT_CHARS:
        raise FullTextError(url, f"page too large to extract (over {MAX_TEXT_CHARS:,} characters)")
    return tree


def _run_extractor(tree: Any, url: str) -> Any:
    """trafilatura's document (main text as HTML in ``.text``, ``.title``); never None."""
    # Imported here: it takes a third of a second, which start-up must not pay.
    try:
        from trafilatura import extract_with_metadata
    except ImportError:
        raise FullTextError(url, _MISSING_EXTRACTOR) from None

    try:
        document = extract_with_metadata(
            tree,
            url=url,
            output_format="html",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=True,
            include_formatting=True,
        )
    except Exception as error:  # third-party code on hostile input: report, never crash
        raise FullTextError(url, f"extraction failed ({type(error).__name__})") from error
    if document is None or not document.text:
        raise FullTextError(url, "no article text found on the page")
    return document


def _is_link_note(paragraph: str) -> bool:
    """A "[1] https://..." line that ``html_to_paragraphs`` appends for a numbered link."""
    number, _, rest = paragraph.partition("] ")
    return number.startswith("[") and number[1:].isdigit() and " " not in rest


def _to_json(full_text: FullText, url: str) -> bytes:
    record = {
        "url": url,
        "source_url": full_text.source_url,
        "title": full_text.title,
        "paragraphs": list(full_text.paragraphs),
    }
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def _from_json(payload: bytes, url: str) -> FullText | None:
    """The cached text if the payload is well formed and was fetched from ``url``."""
    try:
        record = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("url") != url:
        return None
    paragraphs = record.get("paragraphs")
    title = record.get("title")
    source_url = record.get("source_url")
    if not (
        isinstance(paragraphs, list)
        and all(isinstance(p, str) for p in paragraphs)
        and isinstance(title, str)
        and isinstance(source_url, str)
    ):
        return None
    return FullText(paragraphs=tuple(paragraphs), title=title, source_url=source_url)


def _one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"
