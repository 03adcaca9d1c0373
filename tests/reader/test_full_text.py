"""Main-text extraction from fixture pages, hostile markup, real downloads and the library cache."""

from __future__ import annotations

import pickle
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.fetch import FetchResult, fetch_one
from reader.full_text import (
    CACHE_KIND,
    MAX_ELEMENTS,
    FullText,
    FullTextError,
    cached_full_text,
    extract_main_text,
    fetch_full_text,
)
from reader.html_text import BULLET, QUOTE_PREFIX, html_to_paragraphs
from reader.library import Library

PAGES = Path(__file__).parent / "data" / "pages"
ARTICLE_URL = "https://ledger.example/news/2024/pier-reopens"
TIME_LIMIT = 3.0


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _article_element(markup: str) -> str:
    """The fixture's <article> element, which holds exactly the story's text."""
    start = markup.index("<article")
    return markup[start : markup.index("</article>", start) + len("</article>")]


# Fixture pages ------------------------------------------------------------------------------


def test_news_page_keeps_every_story_paragraph_in_order_and_nothing_around_it() -> None:
    markup = _page("news_article.html").decode("utf-8")
    story = html_to_paragraphs(_article_element(markup), number_links=False)
    # The byline is metadata the extractor may drop; every sentence of prose must be kept.
    prose = [paragraph for paragraph in story if len(paragraph) > 80]
    assert len(prose) >= 6

    full = extract_main_text(markup.encode("utf-8"), url=ARTICLE_URL, content_type="text/html")

    text = "\n".join(full.paragraphs)
    unnumbered = re.sub(r" \[\d+\]", "", text)
    positions = [unnumbered.find(paragraph) for paragraph in prose]
    assert -1 not in positions, [p for p, at in zip(prose, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    for boilerplate in (
        "Subscribe to the Ledger",
        "ADVERTISEMENT",
        "SPONSORED",
        "Related stories",
        "Island bus route",
        "COMMENT_MARKER",
        "seagull_watcher",
        "FOOTER_MARKER",
        "Privacy policy",
    ):
        assert boilerplate not in text


def test_scripts_styles_and_json_ld_never_reach_the_text() -> None:
    full = extract_main_text(_page("news_article.html"), url=ARTICLE_URL)

    text = "\n".join(full.paragraphs)
    for marker in ("SCRIPT_MARKER", "STYLE_MARKER", "JSON_LD_MARKER", "tracking pixel", "{"):
        assert marker not in text


def test_lists_quotes_and_links_stay_readable() -> None:
    full = extract_main_text(_page("news_article.html"), url=ARTICLE_URL)

    bullets = [p for p in full.paragraphs if p.startswith(BULLET)]
    assert len(bullets) == 3
    assert bullets[0] == BULLET + "replacing all forty-two timber piles with coated steel"
    assert any(p.startswith(QUOTE_PREFIX + "We built it for the storms") for p in full.paragraphs)
    # The relative link is resolved against the page's URL and numbered after its text.
    linked = next(p for p in full.paragraphs if "the engineers' survey" in p)
    assert "the engineers' survey [1]" in linked
    assert full.paragraphs[-1] == "[1] https://ledger.example/reports/marlow-pier-survey"


def test_title_is_the_pages_and_the_headline_is_not_repeated_as_a_paragraph() -> None:
    full = extract_main_text(_page("news_article.html"), url=ARTICLE_URL)

    assert full.title == "Ferry pier in Marlow Bay reopens after storm repairs"
    assert full.title not in full.paragraphs
    assert full.source_url == ARTICLE_URL


def test_bytes_and_text_give_the_same_result() -> None:
    data = _page("news_article.html")

    assert extract_main_text(data, url=ARTICLE_URL) == extract_main_text(
        data.decode("utf-8"), url=ARTICLE_URL
    )


def test_a_page_without_an_article_is_refused_naming_the_url() -> None:
    with pytest.raises(FullTextError) as caught:
        extract_main_text(_page("no_article.html"), url="https://ledger.example/login")

    message = str(caught.value)
    assert message.startswith("https://ledger.example/login: ")
    assert "no article" in message
    assert "\n" not in message


def test_the_error_survives_pickling_with_its_parts() -> None:
    error = FullTextError("https://x.example/a\nb", "HTTP 500\tServer Error")

    copy = pickle.loads(pickle.dumps(error))

    assert (copy.url, copy.reason, str(copy)) == (error.url, error.reason, str(error))
    assert str(error) == "https://x.example/a b: HTTP 500 Server Error"


# Character sets ---------------------------------------------------------------------------


def _french_text(full: FullText) -> str:
    text = "\n".join(full.paragraphs)
    assert "\ufffd" not in text
    return text


def test_windows_1252_page_is_decoded_by_its_meta_charset() -> None:
    data = _page("windows_1252.html")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    full = extract_main_text(data, url="https://journal.example/cafe", content_type="text/html")

    text = _french_text(full)
    assert "48 000 \u20ac" in text  # the euro sign is 0x80 in windows-1252 only
    assert "\u201cNous avons gard\u00e9 le vieux comptoir en ch\u00eane\u201d" in text
    assert full.title == "Le caf\u00e9 du port rouvre ses portes"


def test_http_equiv_charset_declaration_is_honoured() -> None:
    data = _page("windows_1252.html").replace(
        b'<meta charset="windows-1252">',
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    )

    assert "\u20ac" in _french_text(extract_main_text(data, url="https://journal.example/cafe"))


def test_http_charset_wins_over_the_meta_declaration() -> None:
    data = _page("windows_1252.html").replace(b"windows-1252", b"utf-8")

    full = extract_main_text(
        data, url="https://journal.example/cafe", content_type="text/html; charset=Windows-1252"
    )

    assert "\u20ac" in _french_text(full)


def test_latin_1_label_is_read_as_windows_1252_as_browsers_do() -> None:
    data = _page("windows_1252.html").replace(b"windows-1252", b"iso-8859-1")

    text = _french_text(extract_main_text(data, url="https://journal.example/cafe"))

    assert "\u20ac" in text and "\u201c" in text


def test_undeclared_bytes_fall_back_to_utf_8_with_replacement() -> None:
    data = _page("windows_1252.html").replace(b'<meta charset="windows-1252">', b"")

    full = extract_main_text(data, url="https://journal.example/cafe")

    assert "caf\ufffd" in "\n".join(full.paragraphs)


def test_a_non_web_codec_named_as_charset_is_ignored() -> None:
    # Decoded as "unicode_escape", the backslash sequence would turn into "A".
    page = _page("news_article.html").replace(b'charset="utf-8"', b'charset="unicode_escape"')
    page = page.replace(b"at 6.40am.", b"at 6.40am (gate \\x41).")

    full = extract_main_text(page, url=ARTICLE_URL)

    assert "at 6.40am (gate \\x41)." in "\n".join(full.paragraphs)


# Content types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("text/plain; charset=utf-8", b"Just a plain text file, long enough. " * 20),
        ("application/json", b'{"headline": "not a page"}'),
    ],
)
def test_non_html_content_types_are_refused(content_type: str, body: bytes) -> None:
    with pytest.raises(FullTextError, match="not an HTML page") as caught:
        extract_main_text(body, url="https://files.example/x", content_type=content_type)

    assert content_type.split(";")[0] in str(caught.value)


@pytest.mark.parametrize(
    ("body", "what"),
    [(b"%PDF-1.4 binary", "PDF"), (b"\xff\xd8\xff\xe0JFIF", "JPEG"), (b"GIF89a\x01\x00", "GIF")],
)
def test_binary_bodies_without_a_content_type_are_recognised(body: bytes, what: str) -> None:
    with pytest.raises(FullTextError, match=what):
        extract_main_text(body, url="https://files.example/x")


def test_xhtml_content_type_is_accepted() -> None:
    full = extract_main_text(
        _page("news_article.html"), url=ARTICLE_URL, content_type="application/xhtml+xml"
    )

    assert full.title


# Hostile pages ------------------------------------------------------------------------------


def test_nul_and_control_characters_do_not_crash_and_are_not_returned() -> None:
    page = _page("news_article.html").replace(
        b"reopened to passengers", b"reopened\x00 to\x01\x1b[31m passengers\x00"
    )

    full = extract_main_text(page, url=ARTICLE_URL)

    text = "\n".join(full.paragraphs)
    assert "reopened to[31m passengers" in text
    assert not any(character in text for character in "\x00\x01\x1b")


def _links(count: int) -> str:
    return "<html><body>" + "<a href='/x'>word</a> " * count


PATHOLOGICAL_PAGES = {
    "unclosed divs": "<html><body>" + "<div>" * 200_000,
    "unclosed comments": "<html><body><p>text</p>" + "<!--" * 200_000,
    "open angle brackets": "<html><body><p>" + "<" * 100_000,
    "nested tables": "<html><body>" + "<table><tr><td>cell" * 40_000,
    "nested quotes": "<html><body>" + "<blockquote><p>quoted words here" * 20_000,
    "thousands of scripts": "<html><body>" + "<script>x=1</script>" * 50_000,
    "links past the element limit": _links(MAX_ELEMENTS * 3),
    "one huge text": "<html><body><p>" + "word " * 400_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL_PAGES))
def test_pathological_pages_end_quickly(name: str) -> None:
    markup = PATHOLOGICAL_PAGES[name]

    started = time.monotonic()
    try:
        full = extract_main_text(markup.encode("utf-8"), url="https://junk.example/")
    except FullTextError as error:
        assert str(error).startswith("https://junk.example/: ")
    else:
        assert all(isinstance(paragraph, str) for paragraph in full.paragraphs)
    assert time.monotonic() - started < TIME_LIMIT


def test_a_page_past_the_element_limit_is_refused_as_too_large() -> None:
    with pytest.raises(FullTextError, match="too large"):
        extract_main_text(_links(MAX_ELEMENTS + 50), url="https://junk.example/")


def test_input_past_the_size_cap_is_cut_not_refused() -> None:
    # The story first, then megabytes of comments: the cut keeps the story.
    page = _page("news_article.html") + b"<!-- padding -->" * 400_000

    full = extract_main_text(page, url=ARTICLE_URL)

    assert full.title == "Ferry pier in Marlow Bay reopens after storm repairs"


_TAGS = ["p", "div", "a href='/x'", "ul", "li", "blockquote", "script", "style", "table", "td"]
_SOUP = st.lists(
    st.one_of(
        st.sampled_from([f"<{tag}>" for tag in _TAGS] + [f"</{tag.split()[0]}>" for tag in _TAGS]),
        st.sampled_from(["<!--", "-->", "<", ">", "&amp;", "&#0;", "\x00", "\ufeff", "\ud800"]),
        st.text(max_size=40),
    ),
    max_size=60,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=_SOUP, as_bytes=st.booleans())
def test_markup_soup_gives_text_or_full_text_error_only(pieces: list[str], as_bytes: bool) -> None:
    markup = "<html><body>" + "".join(pieces)
    page: bytes | str = markup.encode("utf-8", "surrogatepass") if as_bytes else markup
    try:
        full = extract_main_text(page, url="https://fuzz.example/a")
    except FullTextError:
        return
    assert all("\x00" not in paragraph for paragraph in full.paragraphs)


def test_importing_the_module_does_not_load_the_extractor() -> None:
    code = (
        "import sys, reader.full_text; print('trafilatura' in sys.modules, 'lxml' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == ["False", "False"]


def test_extraction_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network use during extraction")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    full = extract_main_text(_page("news_article.html"), url=ARTICLE_URL)

    assert full.paragraphs
    assert attempts == []


def test_a_missing_extractor_is_reported_as_a_full_text_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes the import fail

    with pytest.raises(FullTextError, match="needs the trafilatura package"):
        extract_main_text(_page("news_article.html"), url=ARTICLE_URL)


# Downloads ----------------------------------------------------------------------------------


class PageServer:
    """Fixture pages and failing routes on 127.0.0.1 (a free port), counting every request."""

    ROUTES: dict[str, tuple[int, str, bytes]] = {
        "/article": (200, "text/html; charset=utf-8", _page("news_article.html")),
        "/cafe": (200, "text/html", _page("windows_1252.html")),
        "/login": (200, "text/html", _page("no_article.html")),
        "/report.pdf": (200, "application/pdf", b"%PDF-1.7\n" + b"0" * 200),
    }

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                with server._lock:
                    server.hits[self.path] += 1
                if self.path == "/moved":
                    self.send_response(301)
                    self.send_header("Location", "/article")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, content_type, body = server.ROUTES.get(
                    self.path, (404, "text/html", b"<html><body><h1>Not found</h1></body></html>")
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        return Handler


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[PageServer]:
    # A proxy configured in the environment must not intercept requests to the test server.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    running = PageServer()
    yield running
    running.close()


def test_fetch_full_text_downloads_and_extracts(server: PageServer) -> None:
    full = fetch_full_text(server.url("/article"), timeout=5)

    assert full.title == "Ferry pier in Marlow Bay reopens after storm repairs"
    assert full.source_url == server.url("/article")
    assert any(p.startswith(BULLET) for p in full.paragraphs)
    assert full.paragraphs[-1] == "[1] " + server.url("/reports/marlow-pier-survey")
    assert server.hits["/article"] == 1


def test_fetch_full_text_reports_the_url_after_redirects(server: PageServer) -> None:
    full = fetch_full_text(server.url("/moved"), timeout=5)

    assert full.source_url == server.url("/article")
    assert server.hits["/moved"] == server.hits["/article"] == 1


def test_fetch_full_text_decodes_by_meta_when_http_gives_no_charset(server: PageServer) -> None:
    assert "\u20ac" in _french_text(fetch_full_text(server.url("/cafe"), timeout=5))


@pytest.mark.parametrize(
    ("path", "cause"),
    [("/missing", "HTTP 404"), ("/report.pdf", "not an HTML page"), ("/login", "no article")],
)
def test_fetch_full_text_failures_name_url_and_cause(
    server: PageServer, path: str, cause: str
) -> None:
    with pytest.raises(FullTextError) as caught:
        fetch_full_text(server.url(path), timeout=5)

    assert str(caught.value).startswith(server.url(path) + ": ")
    assert cause in str(caught.value)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "/etc/passwd", "ftp://files.example/a.html", "http://", ""]
)
def test_fetch_full_text_refuses_anything_but_http_urls_without_fetching(url: str) -> None:
    calls: list[str] = []

    def fetch(request: str, **options: object) -> FetchResult:
        calls.append(request)
        return fetch_one(request)

    with pytest.raises(FullTextError, match="only http"):
        fetch_full_text(url, fetch=fetch)
    assert calls == []


def test_fetch_full_text_gives_up_on_a_server_that_never_answers() -> None:
    # A listening socket that never accepts: the connection opens, no response ever comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        host, port = silent.getsockname()
        started = time.monotonic()
        with pytest.raises(FullTextError, match="timed out"):
            fetch_full_text(f"http://{host}:{port}/", timeout=0.3)
    assert time.monotonic() - started < TIME_LIMIT


# The library cache --------------------------------------------------------------------------


def test_second_call_is_served_from_the_library_without_a_download(
    server: PageServer, tmp_path: Path
) -> None:
    url = server.url("/article")
    with Library.open(tmp_path / "lib.sqlite3") as library:
        first = cached_full_text(library, "article-1", url)
        second = cached_full_text(library, "article-1", url)

    assert server.hits["/article"] == 1
    assert second == first
    # Stored for good: a library opened again still has it.
    with Library.open(tmp_path / "lib.sqlite3") as reopened:
        assert cached_full_text(reopened, "article-1", url) == first
        assert reopened.cached(CACHE_KIND, "article-1") is not None
    assert server.hits["/article"] == 1


def test_cache_is_per_article(server: PageServer, tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        cached_full_text(library, "article-1", server.url("/article"))
        cafe = cached_full_text(library, "article-2", server.url("/cafe"))
        again = cached_full_text(library, "article-2", server.url("/cafe"))

    assert again == cafe
    assert server.hits["/article"] == server.hits["/cafe"] == 1


def test_failures_are_not_cached(server: PageServer, tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        for _ in range(2):
            with pytest.raises(FullTextError, match="404"):
                cached_full_text(library, "article-1", server.url("/missing"))
        assert library.cached(CACHE_KIND, "article-1") is None

    assert server.hits["/missing"] == 2


def test_a_changed_link_or_a_damaged_entry_is_fetched_again(tmp_path: Path) -> None:
    fetched: list[str] = []

    def fetch_text(url: str) -> FullText:
        fetched.append(url)
        return FullText(paragraphs=(f"text of {url}",), title="T", source_url=url)

    with Library.open(tmp_path / "lib.sqlite3") as library:
        cached_full_text(library, "a", "https://one.example/", fetch_text=fetch_text)
        moved = cached_full_text(library, "a", "https://two.example/", fetch_text=fetch_text)
        library.cache(CACHE_KIND, "a", b'{"url": "https://two.example/", "paragraphs": 3}')
        repaired = cached_full_text(library, "a", "https://two.example/", fetch_text=fetch_text)
        library.cache(CACHE_KIND, "a", b"\xff not json")
        cached_full_text(library, "a", "https://two.example/", fetch_text=fetch_text)
        kept = cached_full_text(library, "a", "https://two.example/", fetch_text=fetch_text)

    assert moved.paragraphs == ("text of https://two.example/",)
    assert repaired == moved == kept
    assert fetched == ["https://one.example/"] + ["https://two.example/"] * 3
