"""The scripting interface of the ``newsfold`` command: formats, exit codes, errors."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.load import load_sources
from reader.sanitize import BIDI_CONTROLS, safe_text
from tui.cli import EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, main

SEED = str(Path(__file__).resolve().parent.parent / "seeds" / "000_65b293f206ed6792.txt")


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def test_folds_json_reports_the_seed_repeat(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["folds", "--json", SEED]) == EXIT_OK
    (record,) = _json_lines(capsys.readouterr().out)
    assert set(record) == {"id", "title", "paragraphs", "folds"}
    assert len(record["paragraphs"]) == 17
    pairs = [(f["paragraph"], f["same_as"]["paragraph"]) for f in record["folds"]]
    assert pairs == [(p, p - 8) for p in range(9, 17)]
    assert all(f["same_as"]["id"] == record["id"] and f["score"] == 100 for f in record["folds"])


def test_cross_article_fold_points_at_the_other_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wire = "The central bank held interest rates at 5.25 percent on Thursday, citing inflation."
    lines = [
        {"id": "first", "paragraphs": ["Opening of the first outlet's story.", wire]},
        {"id": "second", "paragraphs": [f"LONDON (Reuters) - {wire}", "A line only here."]},
    ]
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert main(["folds", "--json", str(path)]) == EXIT_OK
    first, second = _json_lines(capsys.readouterr().out)
    assert first["folds"] == []
    (fold,) = second["folds"]
    assert fold["paragraph"] == 0 and fold["same_as"] == {"id": "first", "paragraph": 1}


def test_entities_json_offsets_index_the_paragraphs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["entities", "--json", SEED]) == EXIT_OK
    (record,) = _json_lines(capsys.readouterr().out)
    assert set(record) == {"id", "title", "people", "places"}
    paragraphs = Path(SEED).read_text(encoding="utf-8").splitlines()
    people = {e["name"]: e for e in record["people"]}
    assert people["John Kerry"]["count"] == 5
    # Folded copies are counted out but every mention is still listed.
    assert len(people["John Kerry"]["mentions"]) == 9
    for entity in record["people"] + record["places"]:
        for mention in entity["mentions"]:
            text = paragraphs[mention["paragraph"]][mention["start"] : mention["end"]]
            assert text == mention["text"]


def test_show_prints_one_line_per_folded_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--width", "72", SEED]) == EXIT_OK
    out = capsys.readouterr().out
    assert "[8 paragraphs repeated from ¶2-¶9 (100%)]" in out
    assert out.count("The two men held talks") == 1
    assert "People: John Kerry 5" in out
    assert max(len(line) for line in out.splitlines()) <= 72


def test_show_never_passes_escape_sequences_through(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    article = {
        "id": "x",
        "title": "[bold]T\x1b[2J",
        "paragraphs": ["a\x1b]52;c;ZXZpbA==\x07b\u202e"],
    }
    stdin = io.TextIOWrapper(io.BytesIO((json.dumps(article) + "\n").encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["show", "-"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "[bold]T" in out


def test_an_unreadable_source_is_one_line_and_the_rest_still_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.txt"
    assert main(["folds", "--json", str(missing), SEED]) == EXIT_SOURCE_FAILED
    captured = capsys.readouterr()
    assert len(_json_lines(captured.out)) == 1
    (line,) = captured.err.splitlines()
    assert str(missing) in line and "Traceback" not in captured.err


def test_version_is_printed_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"newsfold {version('newsfold')}\n"


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["folds", SEED])  # --json is required
    assert raised.value.code == EXIT_USAGE
    with pytest.raises(SystemExit) as raised:
        main(["show", "--threshold", "0", SEED])
    assert raised.value.code == EXIT_USAGE


def test_threshold_option_changes_what_folds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "edited.txt"
    path.write_text(
        "The committee will publish its findings on the river project next spring.\n"
        "The committee will publish its report on the river project next spring.\n",
        encoding="utf-8",
    )
    main(["folds", "--json", "--threshold", "80", str(path)])
    assert len(_json_lines(capsys.readouterr().out)[0]["folds"]) == 1
    main(["folds", "--json", "--threshold", "99", str(path)])
    assert _json_lines(capsys.readouterr().out)[0]["folds"] == []


def test_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    articles = "".join(
        json.dumps({"id": f"a{i}", "paragraphs": [f"Paragraph number {i} of many."]}) + "\n"
        for i in range(3000)
    )
    path = tmp_path / "many.jsonl"
    path.write_text(articles, encoding="utf-8")
    script = (
        f"import sys; from tui.cli import main; sys.exit(main(['folds', '--json', {str(path)!r}]))"
    )
    producer = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert producer.stdout is not None
    producer.stdout.readline()
    producer.stdout.close()
    _, err = producer.communicate(timeout=60)
    assert producer.returncode == EXIT_OK
    assert b"Traceback" not in err


def test_show_without_sources_shows_the_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--width", "80"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("U.S. Secretary of State John Kerry")
    assert "8 paragraphs repeated from ¶2-¶9" in out


_WIRE = (
    "The European Central Bank held its main interest rate at 4 percent on Thursday, saying "
    "inflation in the euro zone was still too high to consider cutting borrowing costs.",
    "ECB President Christine Lagarde told reporters in Frankfurt that the governing council had "
    "not discussed rate cuts and that policy would stay restrictive for as long as needed.",
    "The euro slipped against the dollar after the decision, while yields on German government "
    "bonds edged lower in afternoon trading.",
)


def _write_jsonl(path: Path, articles: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return str(path)


def test_stories_json_groups_outlets_reprinting_one_wire_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credit = "Reporting by Jane Doe; Editing by Mark Heinrich"
    source = _write_jsonl(
        tmp_path / "outlets.jsonl",
        [
            {"id": "lonely", "paragraphs": ["A council meeting about potholes ran late.", credit]},
            {"id": "wire", "paragraphs": [*_WIRE, credit]},
            {
                "id": "daily",
                "paragraphs": [
                    "Savers must wait.",
                    f"FRANKFURT (Reuters) - {_WIRE[0]}",
                    *_WIRE[1:],
                ],
            },
            {"id": "herald", "paragraphs": ["What it means for mortgages.", *_WIRE]},
        ],
    )
    assert main(["stories", "--json", source]) == EXIT_OK
    (record,) = _json_lines(capsys.readouterr().out)
    assert record == {"story": 1, "articles": ["wire", "daily", "herald"], "shared_paragraphs": 6}


def test_stories_json_prints_nothing_for_a_single_self_repeating_article(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["stories", "--json", SEED]) == EXIT_OK
    assert capsys.readouterr().out == ""


def test_stories_json_keeps_going_past_an_unreadable_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "paragraphs": list(_WIRE)}])
    second = _write_jsonl(tmp_path / "b.jsonl", [{"id": "b", "paragraphs": list(_WIRE[:2])}])
    missing = str(tmp_path / "missing.jsonl")
    assert main(["stories", "--json", first, missing, second]) == EXIT_SOURCE_FAILED
    captured = capsys.readouterr()
    assert _json_lines(captured.out) == [
        {"story": 1, "articles": ["a", "b"], "shared_paragraphs": 2}
    ]
    (line,) = captured.err.splitlines()
    assert missing in line


def test_stories_needs_json_and_a_source() -> None:
    for argv in (["stories", SEED], ["stories", "--json"]):
        with pytest.raises(SystemExit) as raised:
            main(argv)
        assert raised.value.code == EXIT_USAGE


# --- hostile input --------------------------------------------------------------------------

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
HOSTILE_FILES = sorted(str(p) for p in HOSTILE.iterdir() if p.name != "README.md")
_CLI = "import sys; from tui.cli import main; sys.exit(main())"
_C1_IN_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    return subprocess.run(
        [sys.executable, "-c", _CLI, *args], capture_output=True, timeout=timeout, env=env
    )


def _assert_terminal_safe(raw: bytes) -> None:
    """Nothing a terminal would act on: no C0 but newline, no ESC, no C1, no bidi control."""
    assert not re.search(rb"[\x00-\x09\x0b-\x1f\x7f]", raw), raw[:200]
    assert not _C1_IN_UTF8.search(raw)
    assert not any(char.encode() in raw for char in BIDI_CONTROLS)


def _assert_one_line_per_error(err: bytes, failed: list[str]) -> None:
    _assert_terminal_safe(err)
    lines = err.decode("utf-8").splitlines()
    assert len(lines) == len(failed), lines
    assert b"Traceback" not in err
    for source in failed:
        # The line names the source, made safe like everything else written to the terminal.
        shown = safe_text(" ".join(source.split()))
        assert sum(line.startswith(f"newsfold: {shown}") for line in lines) >= 1, (shown, lines)


@pytest.mark.parametrize("path", HOSTILE_FILES, ids=lambda p: Path(p).name)
def test_show_on_each_hostile_file_writes_no_terminal_controls(path: str) -> None:
    expected = load_sources([path])
    shown = _run("show", "--width", "100", path)
    assert shown.returncode == (EXIT_SOURCE_FAILED if expected.errors else EXIT_OK)
    _assert_terminal_safe(shown.stdout)
    _assert_one_line_per_error(shown.stderr, [e.source.split(":")[0] for e in expected.errors])
    for article in expected.articles:
        # The title is there, its escapes shown as visible characters.
        assert safe_text(article.title).encode() in shown.stdout


def test_escapes_show_up_as_visible_control_pictures() -> None:
    shown = _run("show", "--width", "100", str(HOSTILE / "csi_colour_cursor.txt"))
    assert "Markets \u241b[1;31mcrashed\u241b[0m today".encode() in shown.stdout
    shown = _run("show", "--width", "100", str(HOSTILE / "rich_textual_markup.txt"))
    assert b"[@click=app.quit]here[/]" in shown.stdout and b"$accent" in shown.stdout


def test_folds_json_on_the_whole_corpus_keeps_every_good_source() -> None:
    expected = load_sources([*HOSTILE_FILES, SEED])
    folded = _run("folds", "--json", *HOSTILE_FILES, SEED)
    assert folded.returncode == EXIT_SOURCE_FAILED
    _assert_terminal_safe(folded.stdout)
    records = _json_lines(folded.stdout.decode("utf-8"))
    assert [r["id"] for r in records] == [a.id for a in expected.articles]
    # JSON keeps the data exactly: escapes travel as \u escapes, not as raw bytes.
    by_id = {r["id"]: r for r in records}
    assert by_id["esc-1"]["title"] == "Title \x1b]0;pwned\x07 here"
    assert len(folded.stderr.decode().splitlines()) == len(expected.errors)
    assert b"Traceback" not in folded.stderr


def test_generated_hostile_sources_fail_in_one_line_each_and_never_hang(tmp_path: Path) -> None:
    bad: list[str] = []
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.txt")
        bad.append(str(tmp_path / "fifo.txt"))
    if os.path.exists("/dev/zero"):
        bad.append("/dev/zero")
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "story.txt").write_text("A story inside the loop.\n")
    (loop / "again").symlink_to(loop, target_is_directory=True)
    bad.append(str(loop / "again"))
    sparse = tmp_path / "sparse.txt"
    with open(sparse, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    bad.append(str(sparse))
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"id": "d", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    bad.append(f"{deep}:1")
    named = tmp_path / "name\x1b]0;pwned\x07\u202e.txt"
    named.write_bytes(b"\x00binary")
    bad.append(str(named))
    sources = [b.removesuffix(":1") for b in bad if b != str(loop / "again")]
    shown = _run("show", "--width", "100", *sources, str(loop), SEED)
    assert shown.returncode == EXIT_SOURCE_FAILED
    _assert_terminal_safe(shown.stdout)
    _assert_one_line_per_error(shown.stderr, bad)
    assert b"A story inside the loop." in shown.stdout
    assert b"John Kerry" in shown.stdout


def test_bad_usage_with_hostile_arguments_exits_2_without_a_traceback() -> None:
    used = _run("folds", "name\x1b]0;pwned\x07.txt")  # --json missing
    assert used.returncode == EXIT_USAGE
    assert b"Traceback" not in used.stderr


def test_max_size_refuses_a_larger_source_in_one_line_and_keeps_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    big.write_text("A long paragraph of words. " * 2000, encoding="utf-8")  # ~54 KB
    small = tmp_path / "small.txt"
    small.write_text("A short article that fits.\n", encoding="utf-8")
    code = main(["folds", "--json", "--max-size", "0.01", str(big), str(small)])
    captured = capsys.readouterr()
    assert code == EXIT_SOURCE_FAILED
    (line,) = captured.err.splitlines()
    assert "big.txt" in line and "too big" in line and "limit" in line
    (record,) = [json.loads(x) for x in captured.out.splitlines()]
    assert record["paragraphs"] == ["A short article that fits."]
