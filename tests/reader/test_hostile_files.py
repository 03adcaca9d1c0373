"""The hostile corpus and generated hostile sources through ``load_sources``: never a crash."""

from __future__ import annotations

import os
import re
import stat
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from reader.load import load_sources
from reader.model import Article, LoadResult
from reader.sanitize import BIDI_CONTROLS, safe_text

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
CORPUS = sorted(p for p in HOSTILE.iterdir() if p.name != "README.md")

# File name -> (articles expected, error reasons expected as substrings, in order).
EXPECTED: dict[str, tuple[int, tuple[str, ...]]] = {
    "csi_colour_cursor.txt": (1, ()),
    "osc8_hyperlink.txt": (1, ()),
    "osc52_clipboard.txt": (1, ()),
    "osc0_title.txt": (1, ()),
    "dcs_apc_strings.txt": (1, ()),
    "c1_controls.txt": (1, ()),
    "control_only.txt": (1, ()),
    "trojan_source.txt": (1, ()),
    "rich_textual_markup.txt": (1, ()),
    "hidden_format_chars.txt": (1, ()),
    "invalid_utf8.txt": (1, ()),
    "overlong_utf8.txt": (1, ()),
    "lone_surrogates.jsonl": (2, ()),
    "escapes_in_json.jsonl": (2, ("invalid JSON",)),
    "huge_numbers.jsonl": (2, ("too many digits",)),
    "markdown_injection.md": (1, ()),
    "nul_bytes.txt": (0, ("binary",)),
    "gzip_article.txt": (0, ("binary",)),
    "image.png": (0, ("binary",)),
    "utf16le_no_bom.txt": (1, ()),
    "utf16be_bom.txt": (1, ()),
    "cp1252.txt": (1, ()),
    "koi8r_declared.txt": (1, ()),
}

_TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")


def shown_strings(article: Article) -> list[str]:
    return [article.title, article.source, article.url, article.origin, *article.paragraphs]


def assert_well_formed(result: LoadResult, path: str) -> None:
    """Errors are single lines naming the source; every string can be written and shown."""
    for error in result.errors:
        assert error.source == path or error.source.startswith(path + ":")
        assert error.reason and "\n" not in error.reason
        assert "Traceback" not in error.reason and "Error" not in error.reason
    for article in result.articles:
        assert article.paragraphs and article.title
        for text in shown_strings(article):
            text.encode("utf-8")  # no lone surrogate survives loading
            assert not _TERMINAL_CONTROLS.search(safe_text(text))


def test_the_readme_lists_every_corpus_file() -> None:
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", readme, re.MULTILINE))
    assert listed == {p.name for p in CORPUS} == set(EXPECTED)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_each_corpus_file_loads_or_fails_in_one_line(path: Path) -> None:
    result = load_sources([str(path)])
    assert_well_formed(result, str(path))
    articles, reasons = EXPECTED[path.name]
    assert len(result.articles) == articles
    assert len(result.errors) == len(reasons)
    for error, reason in zip(result.errors, reasons, strict=True):
        assert reason in error.reason


def test_the_whole_corpus_in_one_call_keeps_every_good_source() -> None:
    result = load_sources([str(p) for p in CORPUS])
    assert len(result.articles) == sum(count for count, _ in EXPECTED.values())
    assert len(result.errors) == sum(len(reasons) for _, reasons in EXPECTED.values())


def test_escapes_are_kept_in_the_data_and_made_visible_for_display() -> None:
    (article,) = load_sources([str(HOSTILE / "osc52_clipboard.txt")]).articles
    # The loader keeps text verbatim (entity offsets index it); display sanitises it.
    assert "\x1b]52;c;" in article.paragraphs[0]
    assert "\u241b]52;c;" in safe_text(article.paragraphs[0])


def test_trojan_source_controls_cannot_reorder_the_shown_text() -> None:
    (article,) = load_sources([str(HOSTILE / "trojan_source.txt")]).articles
    for paragraph in article.paragraphs:
        shown = safe_text(paragraph)
        assert not set(shown) & set(BIDI_CONTROLS)
        assert len(shown) == len(paragraph)


def test_overlong_utf8_never_decodes_to_the_character_it_spells() -> None:
    (article,) = load_sources([str(HOSTILE / "overlong_utf8.txt")]).articles
    text = "".join(article.paragraphs)
    assert not set(text) & {"\x1b", "\x00"}
    assert "/" not in text


def test_surrogates_in_json_become_replacement_characters_of_the_same_length() -> None:
    first, second = load_sources([str(HOSTILE / "lone_surrogates.jsonl")]).articles
    assert first.title == "Half \ufffd a pair"
    assert first.paragraphs == ("Low \ufffd alone.", "Reversed \ufffd\ufffd pair.")
    assert second.paragraphs == ("Fine text \U0001f600 with a real pair.",)


def test_decoding_of_the_encoding_samples() -> None:
    def paragraphs(name: str) -> tuple[str, ...]:
        (article,) = load_sources([str(HOSTILE / name)]).articles
        return article.paragraphs

    assert paragraphs("utf16le_no_bom.txt") == (
        "Caf\u00e9 report without a byte order mark.",
        "Second paragraph here.",
    )
    assert paragraphs("utf16be_bom.txt") == ("Caf\u00e9 report with a big-endian BOM.",)
    assert paragraphs("cp1252.txt") == (
        "Caf\u00e9 owners said \u201cyes\u201d \u2014 twice, for \u20ac5.",
    )
    assert paragraphs("koi8r_declared.txt") == (
        "\u041c\u0438\u043d\u0438\u0441\u0442\u0440 \u0437\u0430\u044f\u0432\u0438\u043b "
        "\u043e \u043d\u043e\u0432\u044b\u0445 \u043c\u0435\u0440\u0430\u0445.",
    )
    damaged = paragraphs("invalid_utf8.txt")
    assert damaged[0].startswith("Caf\u00e9 owners in Z\u00fcrich")
    assert damaged[0].count("\ufffd") == 3 and damaged[1].count("\ufffd") == 1


# --- generated hostile sources ------------------------------------------------------------


def load_within(seconds: float, sources: list[str], **options: int) -> LoadResult:
    """``load_sources`` in a thread, failing the test (not hanging it) if it takes too long."""
    outcome: list[LoadResult] = []
    worker = threading.Thread(
        target=lambda: outcome.append(load_sources(sources, **options)), daemon=True
    )
    worker.start()
    worker.join(seconds)
    assert outcome, f"load_sources({sources}) still running after {seconds} s"
    return outcome[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_nobody_writes_to_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text("Still loads.\n")
    result = load_within(5, [str(fifo), str(good)])
    assert [a.id for a in result.articles] == ["good"]
    assert [e.source for e in result.errors] == [str(fifo)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_with_a_writer_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as end:
            end.write(b"Through a pipe.\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    # The writer's open blocks until a reader opens, so retry until it is connected.
    deadline = time.monotonic() + 5
    while True:
        result = load_within(5, [str(fifo)])
        if result.articles or time.monotonic() > deadline:
            break
    writer.join(5)
    assert [a.paragraphs for a in result.articles] == [("Through a pipe.",)]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_character_devices_are_refused_quickly(device: str) -> None:
    if not stat.S_ISCHR(os.stat(device).st_mode):
        pytest.skip(f"{device} is not a character device here")
    result = load_within(5, [device])
    assert result.articles == ()
    assert [(e.source, e.reason) for e in result.errors] == [(device, "binary file, not text")]


def test_a_directory_symlink_loop_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_text("A story.\n")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    result = load_within(5, [str(tmp_path)])
    assert [a.id for a in result.articles] == ["story"]
    assert sorted(e.source for e in result.errors) == [
        str(tmp_path / "a" / "loop"),
        str(tmp_path / "self.txt"),
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_one_error(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("hidden")
    secret.chmod(0)
    result = load_sources([str(secret)])
    assert [(e.source, e.reason) for e in result.errors] == [(str(secret), "permission denied")]


def test_a_ten_megabyte_json_line_loads(tmp_path: Path) -> None:
    body = "word " * (2 * 1024 * 1024)
    path = tmp_path / "long.jsonl"
    path.write_text(f'{{"id": "long", "text": "{body}"}}\n{{"id": "next", "text": "Next."}}\n')
    result = load_within(30, [str(path)])
    assert result.errors == ()
    assert [a.id for a in result.articles] == ["long", "next"]
    assert result.articles[0].paragraphs == (body.strip(),)


@pytest.mark.parametrize("suffix", [".jsonl", ".txt"])
def test_json_nested_a_hundred_thousand_deep_is_one_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text(f'{{"id": "ok", "text": "Fine."}}\n{{"id": "d", "x": {deep}}}\n')
    result = load_within(10, [str(path)])
    assert [a.id for a in result.articles] == ["ok"]
    assert [(e.source, e.reason) for e in result.errors] == [
        (f"{path}:2", "invalid JSON: nested too deeply")
    ]


def test_deep_nesting_with_surrogates_does_not_exhaust_the_stack(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    nested = "[" * 900 + '"\\ud800"' + "]" * 900
    path.write_text(f'{{"id": "d", "paragraphs": ["a\\udfff"], "x": {nested}}}\n')
    (article,) = load_within(10, [str(path)]).articles
    assert article.paragraphs == ("a\ufffd",)


def test_a_sparse_200_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    started = time.perf_counter()
    result = load_sources([str(path)])
    elapsed = time.perf_counter() - started
    assert [e.reason for e in result.errors] == ["too big: 200.0 MiB, the limit is 64.0 MiB"]
    assert elapsed < 1.0


def test_a_generated_50_mb_text_file_over_a_small_limit_is_refused_quickly(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.txt"
    line = b"A line of perfectly ordinary text that repeats until the file is big.\n"
    with open(path, "wb") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(line * 1000)
        handle.truncate(50 * 1024 * 1024)
    tracemalloc.start()
    try:
        result = load_sources([str(path)], max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [e.reason for e in result.errors] == ["too big: 50.0 MiB, the limit is 1.0 MiB"]
    assert peak < 1024 * 1024


def test_a_big_json_lines_file_is_streamed_not_read_whole(tmp_path: Path) -> None:
    # Each line carries a large field no article keeps: reading the file whole would hold it
    # all at once, streaming holds one line.
    path = tmp_path / "feed.jsonl"
    padding = "x" * 4000
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(1500):
            handle.write(
                f'{{"id": "a{number}", "paragraphs": ["Story {number}."], "raw": "{padding}"}}\n'
            )
    size = path.stat().st_size
    tracemalloc.start()
    try:
        result = load_sources([str(path)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.articles) == 1500 and result.errors == ()
    assert peak < size / 4, f"peak {peak} bytes for a {size}-byte file"


def test_a_file_name_with_escapes_is_kept_verbatim_in_the_error(tmp_path: Path) -> None:
    # The CLI and the app show it through safe_text; the loader must not lose or alter it.
    name = tmp_path / "evil\x1b]0;pwned\x07.txt"
    result = load_sources([str(name)])
    assert [e.source for e in result.errors] == [str(name)]
    assert "\x1b" not in safe_text(str(result.errors[0]))
