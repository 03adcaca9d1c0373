"""Loading articles from text, Markdown, JSON Lines, directories and stdin, and every error path."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.formats import parse_jsonl
from reader.load import DEFAULT_MAX_BYTES, decode_bytes, derive_title, load_sources
from reader.model import Article, LoadError, LoadResult
from reader.paragraphs import ELLIPSIS, normalise_newlines

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_65b293f206ed6792.txt"


def only_article(result: LoadResult) -> Article:
    assert result.errors == ()
    assert len(result.articles) == 1
    return result.articles[0]


def only_error(result: LoadResult) -> LoadError:
    assert result.articles == ()
    assert len(result.errors) == 1
    return result.errors[0]


def assert_short_reason(error: LoadError) -> None:
    """A reason a person can read: one line, no traceback, no exception class."""
    assert error.reason
    assert "\n" not in error.reason
    assert "Error" not in error.reason and "Traceback" not in error.reason


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


# --- the seed and plain text -------------------------------------------------------------


def test_seed_loads_as_one_article_of_seventeen_paragraphs() -> None:
    article = only_article(load_sources([str(SEED)]))
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert article.id == "000_65b293f206ed6792"
    assert article.paragraphs == tuple(lines)
    assert len(article.paragraphs) == 17
    assert article.origin == str(SEED)
    assert article.source == ""
    assert article.published is None


def test_seed_title_is_its_first_sentence_shortened() -> None:
    article = only_article(load_sources([str(SEED)]))
    assert article.title.startswith("U.S. Secretary of State John Kerry has met with Israeli")
    assert article.title.endswith(ELLIPSIS)
    assert len(article.title) <= 80
    assert article.title == derive_title(article.paragraphs)


def test_hard_wrapped_text_joins_lines_inside_blank_line_blocks() -> None:
    article = only_article(load_sources([str(DATA / "wrapped.txt")]))
    assert article.id == "wrapped"
    assert article.paragraphs == (
        "The city council voted on Tuesday to extend the night bus service for another year, "
        "after a trial that carried more passengers than expected.",
        "Supporters said the buses made late shifts safer for hospital and restaurant workers.",
        "Critics questioned the cost.",
    )
    assert article.title.startswith("The city council voted on Tuesday")


def test_windows_line_endings_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.txt", b"First paragraph.\r\nSecond paragraph.\r\n")
    assert only_article(load_sources([path])).paragraphs == (
        "First paragraph.",
        "Second paragraph.",
    )


def test_explicitly_named_file_of_any_suffix_is_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path / "report.log", b"Plain words in a log-named file.\n")
    article = only_article(load_sources([path]))
    assert article.id == "report"
    assert article.paragraphs == ("Plain words in a log-named file.",)


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_becomes_plain_text_paragraphs() -> None:
    article = only_article(load_sources([str(DATA / "article.md")]))
    assert article.id == "article"
    assert article.title == "Harbour Bridge Reopens"
    assert article.published == datetime(2024, 3, 5)
    assert article.paragraphs == (
        "The bridge reopened on Monday after six weeks of repairs, said the "
        "transport office (https://example.org/transport).",
        "What changed",
        "\u2022 New steel cables",
        "\u2022 Wider footpaths",
        '"It is safer now," said Dr. Ana Ruiz.',
    )


def test_first_heading_is_the_title_when_there_is_no_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path / "note.md", b"Lead paragraph.\n\n# The Title\n\n1. first\n2. second\n")
    article = only_article(load_sources([path]))
    assert article.title == "The Title"
    assert article.paragraphs == ("Lead paragraph.", "1. first", "2. second")


def test_markdown_is_recognised_by_content_in_a_txt_file(tmp_path: Path) -> None:
    path = write(tmp_path / "story.txt", b"# Big News\n\nSomething *happened*\ntoday.\n")
    article = only_article(load_sources([path]))
    assert article.title == "Big News"
    assert article.paragraphs == ("Something happened today.",)


def test_markdown_without_heading_derives_its_title(tmp_path: Path) -> None:
    path = write(tmp_path / "plain.md", b"Rain fell in Leeds. It did not stop.\n")
    assert only_article(load_sources([path])).title == "Rain fell in Leeds"


def test_heading_differing_from_the_front_matter_title_stays_a_paragraph(tmp_path: Path) -> None:
    data = b"---\ntitle: 'Chosen'\nurl: https://example.org/c\n---\n# Other\n\nBody.\n"
    article = only_article(load_sources([write(tmp_path / "fm.md", data)]))
    assert (article.title, article.url) == ("Chosen", "https://example.org/c")
    assert article.paragraphs == ("Other", "Body.")


def test_markdown_with_only_a_heading_keeps_it_as_text(tmp_path: Path) -> None:
    article = only_article(load_sources([write(tmp_path / "h.md", b"# Lonely heading\n")]))
    assert article.title == "Lonely heading"
    assert article.paragraphs == ("Lonely heading",)


# --- JSON Lines --------------------------------------------------------------------------


def test_jsonl_good_lines_load_and_bad_lines_name_path_and_line() -> None:
    path = str(DATA / "articles.jsonl")
    result = load_sources([path])
    assert [a.id for a in result.articles] == ["wire-1", "wire-2", "wire-5", "wire-6"]
    assert [e.source for e in result.errors] == [f"{path}:{n}" for n in (3, 4, 5, 6, 7, 8)]
    reasons = [e.reason for e in result.errors]
    assert reasons[0].startswith("invalid JSON")
    assert reasons[1] == "not a JSON object"
    assert reasons[2] == 'missing "id"'
    assert reasons[3] == 'needs "paragraphs" or "text"'
    assert reasons[4] == '"paragraphs" must be a list of strings'
    assert "published" in reasons[5] and "next Tuesday" in reasons[5]
    for error in result.errors:
        assert_short_reason(error)


def test_jsonl_fields_and_verbatim_paragraphs() -> None:
    first, second, dated_badly, last = load_sources([str(DATA / "articles.jsonl")]).articles
    assert first.title == "Storm Closes Ports"
    assert first.url == "https://example.org/1"
    assert first.source == "Wire"
    assert first.published == datetime(2024, 1, 2, 8, 30, tzinfo=UTC)
    # Offsets index these strings later: nothing stripped, nothing dropped.
    assert first.paragraphs == ("  Ports shut as the storm hit.  ", "", "Ships waited offshore.")
    assert second.paragraphs == ("Markets rose on Friday.", "Traders cheered the news.")
    assert second.title == "Markets rose on Friday"
    assert dated_badly.published is None
    assert dated_badly.paragraphs == ("The date above is not a date.",)
    assert last.origin == str(DATA / "articles.jsonl")


def test_jsonl_is_recognised_by_content_in_a_txt_file(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.txt", b'{"id": "x1", "paragraphs": ["Hello."]}\n')
    article = only_article(load_sources([path]))
    assert (article.id, article.paragraphs) == ("x1", ("Hello.",))


def test_jsonl_lone_surrogates_become_replacement_characters_of_the_same_length(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "s.jsonl", b'{"id": "s", "paragraphs": ["ab\\ud800cd"]}\n')
    assert only_article(load_sources([path])).paragraphs == ("ab\ufffdcd",)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"id": 7, "paragraphs": ["x"]}', '"id" must be a string'),
        (b'{"id": "a", "title": 3, "paragraphs": ["x"]}', '"title" must be a string'),
        (b'{"id": "a", "text": ["x"]}', '"text" must be a string'),
        (b'{"id": "a", "paragraphs": ["", "  "]}', "has no text"),
        (b'{"id": "  ", "paragraphs": ["x"]}', '"id" is empty'),
    ],
)
def test_jsonl_wrong_types_are_reported(tmp_path: Path, line: bytes, reason: str) -> None:
    path = write(tmp_path / "bad.jsonl", line + b"\n")
    assert only_error(load_sources([path])) == LoadError(f"{path}:1", reason)


def test_jsonl_date_only_and_offset_dates_parse(tmp_path: Path) -> None:
    lines = (
        b'{"id": "d", "published": "2023-07-01", "paragraphs": ["x"]}\n'
        b'{"id": "o", "published": "2023-07-01T12:00:00+02:00", "paragraphs": ["x"]}\n'
    )
    dated, offset = load_sources([write(tmp_path / "dates.jsonl", lines)]).articles
    assert dated.published is not None and dated.published.date() == date(2023, 7, 1)
    assert offset.published is not None and offset.published.utcoffset() is not None


# --- ids, directories, stdin -------------------------------------------------------------


def test_repeated_ids_get_deterministic_suffixes(tmp_path: Path) -> None:
    lines = b"".join(
        b'{"id": "%s", "paragraphs": ["p"]}\n' % name for name in (b"a", b"a~2", b"a", b"a")
    )
    path = write(tmp_path / "dupes.jsonl", lines)
    result = load_sources([path, str(SEED), str(SEED)])
    assert [a.id for a in result.articles] == [
        "a",
        "a~2",
        "a~3",
        "a~4",
        "000_65b293f206ed6792",
        "000_65b293f206ed6792~2",
    ]


def test_directory_is_read_recursively_in_sorted_order_skipping_hidden_and_other_files() -> None:
    tree = DATA / "tree"
    result = load_sources([str(tree)])
    assert result.errors == ()
    assert [(a.id, a.origin) for a in result.articles] == [
        ("j1", str(tree / "2020" / "feed.jsonl")),
        ("j2", str(tree / "2020" / "feed.jsonl")),
        ("deep", str(tree / "2020" / "inner" / "deep.md")),
        ("a", str(tree / "a")),
        ("b", str(tree / "b.txt")),
        ("c", str(tree / "c.TXT")),
    ]


def test_sources_load_in_the_order_given() -> None:
    result = load_sources([str(DATA / "wrapped.txt"), str(SEED), str(DATA / "article.md")])
    assert [a.id for a in result.articles] == ["wrapped", "000_65b293f206ed6792", "article"]


def test_stdin_is_read_from_the_given_stream() -> None:
    stream = io.BytesIO(b"Piped in.\nSecond line.\n")
    article = only_article(load_sources(["-"], stdin=stream))
    assert (article.id, article.origin) == ("stdin", "<stdin>")
    assert article.paragraphs == ("Piped in.", "Second line.")


def test_stdin_defaults_to_the_process_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b'{"id": "s", "paragraphs": ["From stdin."]}\n'))
    monkeypatch.setattr(sys, "stdin", fake)
    assert only_article(load_sources(["-"])).id == "s"


def test_stdin_named_twice_is_read_once() -> None:
    result = load_sources(["-", "-"], stdin=io.BytesIO(b"Once.\n"))
    assert [a.paragraphs for a in result.articles] == [("Once.",)]
    assert [e.source for e in result.errors] == ["<stdin>"]


# --- errors ------------------------------------------------------------------------------


def test_missing_file_is_an_error_and_the_rest_still_load(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    result = load_sources([missing, str(SEED)])
    assert [a.id for a in result.articles] == ["000_65b293f206ed6792"]
    assert result.errors == (LoadError(missing, "no such file or directory"),)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "image.txt", b"GIF89a\x00\x01\x02\x00binary")
    error = only_error(load_sources([path]))
    assert error.source == path and "binary" in error.reason
    assert_short_reason(error)


def test_too_big_file_is_refused_naming_size_and_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", b"x" * 5000)
    error = only_error(load_sources([path], max_bytes=2048))
    assert error.reason == "too big: 4.9 KiB, the limit is 2.0 KiB"
    assert DEFAULT_MAX_BYTES >= 1024 * 1024


class EndlessStream(io.RawIOBase):
    """A stream that never ends and remembers how much was asked of it."""

    def __init__(self) -> None:
        self.requested = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "the loader must never ask for everything"
        self.requested += size
        return b"a" * size


def test_too_big_stream_is_refused_without_reading_it_whole() -> None:
    stream = EndlessStream()
    error = only_error(load_sources(["-"], stdin=stream, max_bytes=1000))  # type: ignore[arg-type]
    assert error.source == "<stdin>" and error.reason.startswith("too big")
    assert stream.requested <= 1001


@pytest.mark.parametrize(
    ("content", "reason"), [(b"", "empty file"), (b" \n\t\n", "contains no text")]
)
def test_empty_file_is_an_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = write(tmp_path / "empty.txt", content)
    assert only_error(load_sources([path])) == LoadError(path, reason)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", b"hidden")
    os.chmod(path, 0)
    assert only_error(load_sources([path])) == LoadError(path, "permission denied")


def test_directory_loop_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("A story.\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "back").symlink_to(tmp_path, target_is_directory=True)
    result = load_sources([str(tmp_path)])
    assert [a.id for a in result.articles] == ["story"]
    assert [e.source for e in result.errors] == [str(tmp_path / "sub" / "back")]
    assert "loop" in result.errors[0].reason


def test_broken_link_and_empty_directory_are_errors(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "empty").mkdir()
    result = load_sources([str(tmp_path / "full"), str(tmp_path / "empty")])
    assert result.articles == ()
    assert result.errors == (
        LoadError(str(tmp_path / "full" / "gone.txt"), "no such file or directory"),
        LoadError(str(tmp_path / "empty"), "no article files in this directory"),
    )


# --- encodings ---------------------------------------------------------------------------

CAFE = "Caf\u00e9 owners said \u201cyes\u201d \u2014 twice."


@pytest.mark.parametrize(
    "data",
    [
        CAFE.encode("utf-8"),
        b"\xef\xbb\xbf" + CAFE.encode("utf-8"),
        CAFE.encode("utf-16"),
        b"\xfe\xff" + CAFE.encode("utf-16-be"),
        CAFE.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252"],
)
def test_encodings_are_decoded(tmp_path: Path, data: bytes) -> None:
    article = only_article(load_sources([write(tmp_path / "cafe.txt", data)]))
    assert article.paragraphs == (CAFE,)


def test_utf8_with_one_broken_byte_stays_utf8(tmp_path: Path) -> None:
    data = "na\u00efve caf\u00e9 \u2014 r\u00e9sum\u00e9".encode() + b" \xff end"
    article = only_article(load_sources([write(tmp_path / "mixed.txt", data)]))
    assert article.paragraphs == ("na\u00efve caf\u00e9 \u2014 r\u00e9sum\u00e9 \ufffd end",)


# --- never raises ------------------------------------------------------------------------

_structured = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.lists(
        st.sampled_from(
            [
                b'{"id": "a", "paragraphs": ["x", ""]}',
                b'{"id": "a", "text": "\\r\\n\\n"}',
                b'{"id": "b", "published": "2024-02-30", "text": "T."}',
                b'{"id": "\\ud800", "paragraphs": ["\\udfff"]}',
                b"# Title",
                b"---",
                b"title: x",
                b"- [link](<>)",
                b"",
                b"\xff\xfe",
                b"[" * 50,
            ]
        ),
        max_size=8,
    ).map(b"\n".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_structured, suffix=st.sampled_from([".txt", ".md", ".jsonl", ""]))
def test_load_never_raises_on_arbitrary_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "fuzz" + suffix)
        Path(path).write_bytes(data)
        result = load_sources([path])
    for article in result.articles:
        assert isinstance(article.paragraphs, tuple) and article.paragraphs
        assert all(isinstance(p, str) for p in article.paragraphs)
        assert any(p.strip() for p in article.paragraphs)
        assert article.title
        # Every string can be written out: no lone surrogates survive.
        "".join(article.paragraphs).encode("utf-8")
    for error in result.errors:
        assert_short_reason(error)


# --- declared and BOM-less encodings, streaming, endless input -----------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path / "u16.txt", f"{CAFE}\nA second, longer paragraph.\n".encode(codec))
    assert only_article(load_sources([path])).paragraphs == (CAFE, "A second, longer paragraph.")


def test_a_short_file_with_a_nul_is_binary_not_utf16(tmp_path: Path) -> None:
    path = write(tmp_path / "short.txt", b"\x00binary")
    assert "binary" in only_error(load_sources([path])).reason


@pytest.mark.parametrize(
    ("first_line", "codec"),
    [
        ("-*- coding: koi8-r -*-", "koi8-r"),
        ("# -*- mode: text; coding: cp1251 -*-", "cp1251"),
        ("<!-- vim: set fileencoding=iso-8859-5 : -->", "iso-8859-5"),
    ],
)
def test_a_declared_legacy_encoding_is_honoured_and_its_line_dropped(
    tmp_path: Path, first_line: str, codec: str
) -> None:
    story = "\u041c\u0438\u043d\u0438\u0441\u0442\u0440 \u0443\u0448\u0451\u043b."
    path = write(tmp_path / "ru.txt", f"{first_line}\n{story}\n".encode(codec))
    assert only_article(load_sources([path])).paragraphs == (story,)


def test_valid_utf8_wins_over_a_wrong_declaration(tmp_path: Path) -> None:
    path = write(tmp_path / "d.txt", f"-*- coding: latin-1 -*-\n{CAFE}\n".encode())
    assert only_article(load_sources([path])).paragraphs == (CAFE,)


@pytest.mark.parametrize("declared", ["utf-7", "utf-16", "cp500", "rot13", "no-such-codec"])
def test_declarations_that_cannot_be_ascii_text_are_ignored(tmp_path: Path, declared: str) -> None:
    path = write(tmp_path / "d.txt", f"-*- coding: {declared} -*-\n{CAFE}\n".encode("cp1252"))
    assert only_article(load_sources([path])).paragraphs == (CAFE,)


class CountingStream(io.RawIOBase):
    """Endless NUL bytes, remembering how much was asked for."""

    def __init__(self) -> None:
        self.requested = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size >= 0
        self.requested += size
        return b"\x00" * size


def test_endless_binary_input_is_refused_after_its_first_piece() -> None:
    stream = CountingStream()
    error = only_error(load_sources(["-"], stdin=stream))  # type: ignore[arg-type]
    assert error.reason == "binary file, not text"
    assert stream.requested <= 1024 * 1024


_jsonl_lines = st.lists(
    st.sampled_from(
        [
            b'{"id": "a", "paragraphs": ["caf\xc3\xa9", ""]}',
            b'{"id": "b", "text": "one\\ntwo"}',
            b'{"id": "c", "paragraphs": ["\\u001b[2J"]}',
            b'{"id": "d", "title": "\\ud800", "paragraphs": ["x"]}',
            b"not json",
            b"[1, 2]",
            b"",
            b"   ",
        ]
    ),
    min_size=1,
    max_size=10,
    unique=True,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=_jsonl_lines, ending=st.sampled_from([b"\n", b"\r\n", b"\r"]), bom=st.booleans())
def test_streamed_json_lines_match_reading_the_whole_input(
    lines: list[bytes], ending: bytes, bom: bool
) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + ending.join(lines) + ending
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "feed.jsonl")
        Path(path).write_bytes(data)
        streamed = load_sources([path])
    # What reading the whole file at once gives.
    articles, errors = parse_jsonl(normalise_newlines(decode_bytes(data) or ""), path)
    assert [(a.id, a.title, a.paragraphs) for a in streamed.articles] == [
        (a.id, a.title, a.paragraphs) for a in articles
    ]
    assert streamed.errors == tuple(errors)


def test_a_streamed_file_decodes_each_line_on_its_own(tmp_path: Path) -> None:
    # Concatenated feeds mix encodings; each line keeps its own.
    lines = b'{"id": "u", "paragraphs": ["caf\xc3\xa9"]}\n{"id": "w", "paragraphs": ["caf\xe9"]}\n'
    result = load_sources([write(tmp_path / "mixed.jsonl", lines)])
    assert [a.paragraphs for a in result.articles] == [("caf\u00e9",), ("caf\u00e9",)]


def test_a_published_reason_quoting_the_feed_is_made_safe(tmp_path: Path) -> None:
    line = b'{"id": "p", "published": "\\u001b]0;pwned\\u0007", "paragraphs": ["x"]}\n'
    result = load_sources([write(tmp_path / "p.jsonl", line)])
    (error,) = result.errors
    assert "\x1b" not in error.reason and "\u241b]0;pwned" in error.reason
