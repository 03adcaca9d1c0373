"""The ``newsfold`` command: open the reader, or fold, extract and show articles for scripts."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from reader.model import LoadResult

if TYPE_CHECKING:
    from reader.stories import Story
    from tui.services import ReaderServices

from tui.library_commands import LIBRARY_COMMANDS, library_parser, run_library_command

COMMANDS = ("folds", "entities", "stories", "show", *LIBRARY_COMMANDS)

EXIT_OK = 0
EXIT_SOURCE_FAILED = 1
EXIT_USAGE = 2

_EPILOG = """\
library (the reader opens it when no SOURCE is given):
  newsfold add SOURCE...              subscribe to feed URLs, feed files or an OPML file's feeds
                                      (other files are kept as articles); then fetch them
  newsfold remove URL...              unsubscribe and delete those feeds' articles (starred
                                      ones stay); exit 1 if some URL was not subscribed
  newsfold refresh                    fetch every subscription (exit 0 even if some failed)
  newsfold articles --json [--unread] [--starred]
                                      one JSON object per stored article
  newsfold export-opml                the subscriptions as OPML on stdout

commands (scripting; the reader opens when the first argument is not one of these):
  newsfold folds --json SOURCE...     one JSON object per article: paragraphs and folds
  newsfold entities --json SOURCE...  one JSON object per article: people and places
  newsfold stories --json SOURCE...   one JSON object per story: articles sharing paragraphs
  newsfold show [SOURCE...]           the folded article(s) as plain text

SOURCE is a text, Markdown or JSON Lines file, a directory (read recursively) or - for stdin.
With no SOURCE the reader opens the library (the bundled sample while it is empty).

exit status: 0 every source loaded; 1 some source could not be read (the others were still
processed and each failure was reported on stderr); 2 bad usage.
"""


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--threshold",
        type=_percent,
        default=None,
        metavar="PERCENT",
        help="similarity (0-100) at which paragraphs fold; default %(default)s means the built-in",
    )
    common.add_argument(
        "--db",
        metavar="PATH",
        default=os.environ.get("NEWSFOLD_DB"),
        help="library file (env NEWSFOLD_DB; default: the user data folder)",
    )
    common.add_argument(
        "--max-size",
        type=_megabytes,
        default=_megabytes(os.environ.get("NEWSFOLD_MAX_SIZE", "64")),
        metavar="MB",
        help="refuse a source larger than this many megabytes (env NEWSFOLD_MAX_SIZE; default 64)",
    )
    return common


def _megabytes(value: str) -> int:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 < number <= 1024 * 1024:
        raise argparse.ArgumentTypeError("must be above 0")
    return int(number * 1024 * 1024)


def _percent(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 < number <= 100:
        raise argparse.ArgumentTypeError("must be above 0 and at most 100")
    return number


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsfold",
        description="A terminal news reader that folds repeated paragraphs "
        "and lists the people and places in each story.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common_options()],
    )
    parser.add_argument(
        "--version", action=_VersionAction, nargs=0, help="show the version and exit"
    )
    parser.add_argument(
        "--no-refresh", action="store_true", help="open the library without fetching feeds"
    )
    parser.add_argument(
        "--mark-story-read",
        action="store_true",
        default=os.environ.get("NEWSFOLD_MARK_STORY_READ", "") not in ("", "0"),
        help="opening one article of a story marks the others read "
        "(env NEWSFOLD_MARK_STORY_READ=1)",
    )
    parser.add_argument("sources", nargs="*", metavar="SOURCE", help="articles to open")
    return parser


def _command_parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"newsfold {command}", parents=[_common_options()])
    if command == "show":
        parser.add_argument(
            "--width", type=int, default=None, help="wrap width (default: terminal)"
        )
        parser.add_argument(
            "sources", nargs="*", metavar="SOURCE", help="articles (default: the bundled sample)"
        )
    else:
        parser.add_argument("--json", action="store_true", required=True, help="JSON Lines output")
        parser.add_argument("sources", nargs="+", metavar="SOURCE")
    return parser


class _VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (the lookup imports
    ``importlib.metadata``, some 35 ms of every start otherwise)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"newsfold {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsfold")
    except PackageNotFoundError:
        return "unknown"


def _load(sources: Sequence[str], max_bytes: int) -> LoadResult:
    from reader.load import load_sources

    result = load_sources(sources, max_bytes=max_bytes)
    for error in result.errors:
        print(f"newsfold: {_one_line(str(error))}", file=sys.stderr)
    return result


def _one_line(text: str) -> str:
    from reader.sanitize import safe_text

    return safe_text(" ".join(text.split()))


def _threshold(value: float | None) -> float:
    from reader.fold import DEFAULT_THRESHOLD

    return DEFAULT_THRESHOLD if value is None else value


def _json_lines(records: Iterator[dict[str, Any]], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(record) + "\n")


def _run_command(command: str, args: argparse.Namespace, out: TextIO) -> int:
    from reader.entities import extract, extract_all
    from reader.export import entities_record, fold_record
    from reader.fold import fold
    from reader.fold_elsewhere import folding_elsewhere

    sources = args.sources
    if not sources:
        from reader.samples import sample_paths

        sources = sample_paths()
    result = _load(sources, args.max_size)
    threshold = _threshold(args.threshold)
    if command == "entities":
        # Mentions are found while the fold runs on the other core; only counts need it.
        with folding_elsewhere(result.articles, threshold) as plan_when_ready:
            found = extract_all(result.articles, lambda: plan_when_ready().folded_paragraphs)
            _json_lines(map(entities_record, result.articles, found), out)
        return EXIT_SOURCE_FAILED if result.errors else EXIT_OK
    plan = fold(result.articles, threshold=threshold)
    if command == "folds":
        _json_lines((fold_record(a, plan) for a in result.articles), out)
    elif command == "stories":
        from reader.stories import build_stories

        stories = build_stories(result.articles, plan)
        _json_lines((_story_record(story) for story in stories), out)
    else:
        from tui.plain_text import render_article

        width = args.width or _terminal_width(out)
        titles = {a.id: a.title for a in result.articles}
        for article in result.articles:
            entities = extract(article, folded=plan.folded_paragraphs(article.id))
            out.write(render_article(article, plan, entities, width=width, title_of=titles.get))
    return EXIT_SOURCE_FAILED if result.errors else EXIT_OK


def _story_record(story: Story) -> dict[str, Any]:
    return {
        "story": story.number,
        "articles": list(story.article_ids),
        "shared_paragraphs": story.shared_paragraphs,
    }


def _terminal_width(out: TextIO) -> int:
    try:
        return min(os.get_terminal_size(out.fileno()).columns, 100)
    except (OSError, ValueError, io.UnsupportedOperation):
        return 80


def _open_app(args: argparse.Namespace) -> int:
    sources = list(args.sources)  # none: the app opens the bundled sample
    stdin_bytes = None
    if "-" in sources:
        # One byte over the limit is enough for the loader to refuse it; never read it all.
        stdin_bytes = sys.stdin.buffer.read(args.max_size + 1)
        if not _reattach_terminal():
            print("newsfold: no terminal to show the reader on (stdin was a pipe)", file=sys.stderr)
            return EXIT_USAGE
    from tui.app import make_app
    from tui.services import default_services

    services = _with_limit(default_services(), args.max_size, stdin_bytes)
    from tui.library_commands import db_path

    # No source: the stored library (the bundled sample while it is empty).
    library_path = None if sources else db_path(args.db)
    app = make_app(
        sources,
        services=services,
        threshold=args.threshold,
        library_path=library_path,
        refresh_on_start=library_path is not None and not args.no_refresh,
        mark_story_read=args.mark_story_read,
    )
    app.run()
    return app.return_code or EXIT_OK


def _with_limit(services: ReaderServices, max_bytes: int, stdin: bytes | None) -> ReaderServices:
    """The loader with the size limit, reading standard input from the bytes already read."""
    from dataclasses import replace

    from reader.load import load_sources

    def load(sources: Sequence[str]) -> LoadResult:
        piped = io.BytesIO(stdin) if stdin is not None else None
        return load_sources(sources, stdin=piped, max_bytes=max_bytes)

    return replace(services, load=load)


def _reattach_terminal() -> bool:
    """Point fd 0 back at the terminal after the piped articles were read from it."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return False
    os.dup2(tty, 0)
    os.close(tty)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - fd 0 outlives this function
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsfold`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    try:
        if command is None:
            return _open_app(_app_parser().parse_args(argv))
        if command in LIBRARY_COMMANDS:
            args = library_parser(command, _common_options()).parse_args(argv[1:])
            return _guarded(lambda: run_library_command(command, args, sys.stdout))
        args = _command_parser(command).parse_args(argv[1:])
        return _guarded(lambda: _run_command(command, args, sys.stdout))
    except KeyboardInterrupt:
        return 130


def _guarded(run: Callable[[], int]) -> int:
    """Run a scripting command, treating a closed pipe (``| head``) as a normal end."""
    try:
        code = run()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Python would complain again while flushing stdout at exit; point it at /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
