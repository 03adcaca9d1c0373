"""OPML import and export: flattening, URL rules, refused entity tricks, escaping, round trips."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.opml import OpmlError, OpmlFeed, feed_location, parse_opml, to_opml

FEEDS = Path(__file__).parent / "data" / "feeds"

NESTED = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="1.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="News">
      <outline text="City Desk" type="rss" xmlUrl="https://citydesk.example/rss"/>
      <outline text="Regional">
        <outline title="Valley &amp; Hills" text="ignored" xmlurl="feed://valley.example/rss"/>
      </outline>
    </outline>
    <outline text="Local file" xmlUrl="feeds/local.xml"/>
    <outline text="File URL" xmlUrl="file:///srv/feeds/x.xml"/>
    <outline text="Again" xmlUrl="https://citydesk.example/rss"/>
    <outline text="Just a category"/>
  </body>
</opml>
"""


def test_nested_outlines_are_flattened_in_document_order() -> None:
    assert parse_opml(NESTED, source="subs.opml") == (
        OpmlFeed("https://citydesk.example/rss", "City Desk"),
        OpmlFeed("http://valley.example/rss", "Valley & Hills"),
        OpmlFeed("feeds/local.xml", "Local file"),
        OpmlFeed("file:///srv/feeds/x.xml", "File URL"),
    )


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "data:text/xml,<rss/>",
        "ftp://files.example/rss",
        "-rf",
        "|rm -rf ~",
        "https://host.example/\nsecond",
        "http:///no-host",
        "",
        "   ",
    ],
)
def test_an_outline_is_never_a_command_nor_a_foreign_scheme(value: str) -> None:
    assert feed_location(value) == ""


@pytest.mark.parametrize(
    ("value", "location"),
    [
        ("feed:https://ex.example/rss", "https://ex.example/rss"),
        ("  https://ex.example/rss  ", "https://ex.example/rss"),
        ("/home/me/feeds/a.xml", "/home/me/feeds/a.xml"),
        ("C:\\feeds\\a.xml", "C:\\feeds\\a.xml"),
    ],
)
def test_accepted_locations(value: str, location: str) -> None:
    assert feed_location(value) == location


@pytest.mark.parametrize("fixture", ["billion_laughs.xml", "external_entity.xml"])
def test_entity_declarations_are_refused_quickly(fixture: str) -> None:
    data = (FEEDS / fixture).read_bytes().replace(b"rss", b"opml")
    started = time.perf_counter()
    with pytest.raises(OpmlError, match="refused"):
        parse_opml(data, source="evil.opml")
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        ((FEEDS / "not_a_feed.html").read_bytes(), "not OPML"),
        ((FEEDS / "rss10.rdf").read_bytes(), "root element"),
        (b"<opml><body><outline", "not OPML"),
        (b"\xff\xfe garbage", "not OPML"),
    ],
)
def test_documents_that_are_not_opml_raise_a_one_line_error(data: bytes, reason: str) -> None:
    with pytest.raises(OpmlError) as raised:
        parse_opml(data, source="subs.opml")
    assert reason in str(raised.value)
    assert str(raised.value).startswith("subs.opml: ")
    assert "\n" not in str(raised.value)


def test_export_is_well_formed_escaped_opml_2() -> None:
    feeds = [OpmlFeed('https://ex.example/rss?a=1&b="2"', "Tom & Jerry <Daily> 'x'")]
    document = to_opml(feeds, title="Mine & yours")
    root = ElementTree.fromstring(document)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Mine & yours"
    outline = root.find("body/outline")
    assert outline is not None
    assert outline.get("xmlUrl") == 'https://ex.example/rss?a=1&b="2"'
    assert outline.get("text") == outline.get("title") == "Tom & Jerry <Daily> 'x'"
    assert outline.get("type") == "rss"


def test_characters_xml_cannot_hold_are_replaced_on_export() -> None:
    document = to_opml([OpmlFeed("https://ex.example/", "bell \x07 esc \x1b")], title="t\x00")
    assert parse_opml(document.encode(), source="x") == (
        OpmlFeed("https://ex.example/", "bell \ufffd esc \ufffd"),
    )


def test_imported_subscriptions_export_and_import_unchanged() -> None:
    feeds = parse_opml(NESTED, source="subs.opml")
    assert parse_opml(to_opml(feeds, title="Subscriptions").encode(), source="x") == feeds


_TITLES = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"
    ),
    max_size=40,
).map(lambda title: " ".join(title.split()))
_URLS = st.builds(
    "https://{}.example/{}".format,
    st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True),
    st.text(
        st.characters(whitelist_categories=("L", "N"), whitelist_characters="&?=<>\"'%"),
        max_size=30,
    ),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.builds(OpmlFeed, _URLS, _TITLES), max_size=8, unique_by=lambda feed: feed.url))
def test_round_trip(feeds: list[OpmlFeed]) -> None:
    assert parse_opml(to_opml(feeds, title="t").encode(), source="x") == tuple(feeds)
