"""Recognise an article file's format from its content and parse text, Markdown or JSON Lines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from reader.model import Article, LoadError
from reader.paragraphs import derive_title, split_paragraphs
from reader.sanitize import safe_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown_it.token import Token

Format = Literal["jsonl", "markdown", "text"]

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})

# Only the start of a file is sniffed, so detection costs the same for any size.
_SNIFF_CHARS = 256 * 1024
_SNIFF_JSON_LINES = 5
# Conservative on purpose: taking one-paragraph-per-line text for Markdown would merge its lines.
_MARKDOWN_HINT = re.compile(r"^ {0,3}(?:#{1,6}[ \t]+\S|```|~~~)", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S | re.M)
_FRONT_MATTER_FIELD = re.compile(r"^([A-Za-z_][\w-]*):[ \t]*(.*?)[ \t]*$", re.M)
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)
_REASON_VALUE_MAX = 40
# JSON may escape half a surrogate pair ("\\ud800"); such a string cannot be printed or encoded.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def detect_format(text: str, suffix: str) -> Format:
    """The format of decoded ``text``: content decides first, the file suffix second."""
    suffix = suffix.lower()
    if _looks_like_jsonl(text) or suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in MARKDOWN_SUFFIXES or _looks_like_markdown(text):
        return "markdown"
    return "text"


def _looks_like_jsonl(text: str) -> bool:
    return looks_like_jsonl_lines(list(_first_nonblank_lines(text, _SNIFF_JSON_LINES)))


def looks_like_jsonl_lines(lines: Sequence[str]) -> bool:
    """Whether a file's first non-blank lines (stripped, up to five) are JSON Lines."""
    lines = lines[:_SNIFF_JSON_LINES]
    if not lines or not all(line.startswith("{") for line in lines):
        return False
    return any(isinstance(_json_or_none(line), dict) for line in lines)


def _first_nonblank_lines(text: str, count: int) -> Iterator[str]:
    start = 0
    while count > 0 and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].strip()
        if line:
            count -= 1
            yield line
        start = end + 1


def _json_or_none(line: str) -> object:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _looks_like_markdown(text: str) -> bool:
    head = text[:_SNIFF_CHARS]
    if _MARKDOWN_HINT.search(head):
        return True
    front = _FRONT_MATTER.match(head)
    return front is not None and _FRONT_MATTER_FIELD.search(front.group(1)) is not None


def parse_text(text: str, origin: str, article_id: str) -> Article | LoadError:
    """One article from plain text (see ``split_paragraphs``), titled by its first sentence."""
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        return LoadError(origin, "contains no text")
    return Article(
        id=article_id,
        title=derive_title(paragraphs),
        paragraphs=tuple(paragraphs),
        origin=origin,
    )


def parse_jsonl(text: str, origin: str) -> tuple[list[Article], list[LoadError]]:
    """Every article of a JSON Lines file; a bad line becomes an error naming ``origin:line``."""
    return parse_json_lines(_numbered_lines(text), origin)


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    # One line at a time: a list of every line would double the memory a big file needs.
    start = 0
    number = 1
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield number, text[start:end]
        number += 1
        start = end + 1


def parse_json_lines(
    lines: Iterable[tuple[int, str]], origin: str
) -> tuple[list[Article], list[LoadError]]:
    """Like :func:`parse_jsonl` for ``(line number, line)`` pairs, so a file can be streamed."""
    articles: list[Article] = []
    errors: list[LoadError] = []
    for number, line in lines:
        if not line or line.isspace():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(LoadError(f"{origin}:{number}", f"invalid JSON: {exc.msg}"))
            continue
        except RecursionError:
            errors.append(LoadError(f"{origin}:{number}", "invalid JSON: nested too deeply"))
            continue
        except ValueError as exc:
            # Python refuses to convert integers of thousands of digits (a denial of service).
            reason = "a number has too many digits" if "digits" in str(exc) else "unreadable"
            errors.append(LoadError(f"{origin}:{number}", f"invalid JSON: {reason}"))
            continue
        if _SURROGATE_ESCAPE.search(line):
            value = _without_surrogates(value)
        article, problem = article_from_json(value, origin)
        if article is not None:
            articles.append(article)
        if problem:
            errors.append(LoadError(f"{origin}:{number}", problem))
    if not articles and not errors:
        errors.append(LoadError(origin, "contains no articles"))
    return articles, errors


def _without_surrogates(value: object) -> object:
    """``value`` with every lone surrogate in the fields an article reads replaced by U+FFFD.

    String lengths are unchanged. Only the top level and its lists are visited: deeper values
    are never read, and walking an attacker's nesting depth could exhaust the stack.
    """
    if not isinstance(value, dict):
        return value
    return {key: _shallow_without_surrogates(item) for key, item in value.items()}


def _shallow_without_surrogates(value: object) -> object:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_SURROGATE.sub("\ufffd", item) if isinstance(item, str) else item for item in value]
    return value


def article_from_json(value: object, origin: str) -> tuple[Article | None, str]:
    """The article one JSON value describes, and what was wrong with it ("" when nothing).

    A value that cannot be an article gives no article. An unreadable ``published`` date keeps
    the article, without a date, and still reports the problem.
    """
    if not isinstance(value, dict):
        return None, "not a JSON object"
    article_id = value.get("id")
    if article_id is None:
        return None, 'missing "id"'
    if not isinstance(article_id, str):
        return None, '"id" must be a string'
    if not article_id.strip():
        return None, '"id" is empty'
    for key in ("title", "url", "source"):
        if value.get(key) is not None and not isinstance(value[key], str):
            return None, f'"{key}" must be a string'
    paragraphs = value.get("paragraphs")
    if paragraphs is not None:
        if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
            return None, '"paragraphs" must be a list of strings'
        # Kept exactly as given: entity offsets index these strings later.
        kept: Sequence[str] = paragraphs
    elif value.get("text") is not None:
        if not isinstance(value["text"], str):
            return None, '"text" must be a string'
        kept = split_paragraphs(value["text"])
    else:
        return None, 'needs "paragraphs" or "text"'
    if not any(paragraph.strip() for paragraph in kept):
        return None, "has no text"
    published, problem = _published(value.get("published"))
    title = " ".join((value.get("title") or "").split()) or derive_title(kept)
    article = Article(
        id=article_id,
        title=title,
        paragraphs=tuple(kept),
        source=value.get("source") or "",
        url=value.get("url") or "",
        published=published,
        origin=origin,
    )
    return article, problem


def _published(raw: object) -> tuple[datetime | None, str]:
    if raw is None:
        return None, ""
    if isinstance(raw, str):
        parsed = parse_datetime(raw)
        if parsed is not None:
            return parsed, ""
        shown = raw if len(raw) <= _REASON_VALUE_MAX else raw[:_REASON_VALUE_MAX] + "\u2026"
        # The reason quotes the feed's own text: make it safe before anything prints it.
        quoted = safe_text(" ".join(shown.split()))
        return None, f'"published" is not an ISO-8601 date: {quoted}'
    return None, '"published" must be an ISO-8601 string'


def parse_datetime(raw: str) -> datetime | None:
    """An ISO-8601 date or date-time (a trailing "Z" means UTC), or None when it is not one."""
    text = raw.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_markdown(text: str, origin: str, article_id: str) -> Article | LoadError:
    """One article from Markdown: every block becomes a plain-text paragraph.

    The title is the front matter's ``title:``, else the first level-1 heading, which then is
    not repeated as a paragraph; without either it is derived from the first sentence.
    """
    fields: dict[str, str] = {}
    front = _FRONT_MATTER.match(text)
    if front is not None:
        fields = _front_matter_fields(front.group(1))
        text = text[front.end() :]
    blocks = _markdown_blocks(text)
    title = " ".join(fields.get("title", "").split())
    heading_index = next((i for i, (level, _) in enumerate(blocks) if level == 1), None)
    if heading_index is not None:
        heading = blocks[heading_index][1]
        if not title or heading.casefold() == title.casefold():
            title = title or heading
            if len(blocks) > 1:
                del blocks[heading_index]
    paragraphs = tuple(block for _, block in blocks)
    if not paragraphs:
        return LoadError(origin, "contains no text")
    published_raw = fields.get("published") or fields.get("date") or ""
    return Article(
        id=article_id,
        title=title or derive_title(paragraphs),
        paragraphs=paragraphs,
        source=fields.get("source", ""),
        url=fields.get("url", ""),
        published=parse_datetime(published_raw) if published_raw else None,
        origin=origin,
    )


def _front_matter_fields(block: str) -> dict[str, str]:
    # Only flat "key: value" lines matter here, so no YAML library is needed.
    fields: dict[str, str] = {}
    for match in _FRONT_MATTER_FIELD.finditer(block):
        value = match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields.setdefault(match.group(1).lower(), value)
    return fields


def _markdown_blocks(text: str) -> list[tuple[int, str]]:
    """(heading level or 0, plain text) for every non-blank block, in document order."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    blocks: list[tuple[int, str]] = []
    # One entry per open list: the next item number, or -1 for a bullet list.
    lists: list[int] = []
    prefix = ""
    heading = 0
    row: list[str] | None = None
    for token in parser.parse(text):
        kind = token.type
        if kind == "bullet_list_open":
            lists.append(-1)
        elif kind == "ordered_list_open":
            lists.append(_int_or(token.attrGet("start"), 1))
        elif kind in ("bullet_list_close", "ordered_list_close") and lists:
            lists.pop()
        elif kind == "list_item_open" and lists:
            prefix = "\u2022 " if lists[-1] < 0 else f"{lists[-1]}. "
            lists[-1] += 0 if lists[-1] < 0 else 1
        elif kind == "list_item_close":
            prefix = ""
        elif kind == "heading_open":
            heading = _int_or(token.tag[1:], 1)
        elif kind == "heading_close":
            heading = 0
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            if any(row):
                blocks.append((0, " | ".join(row)))
            row = None
        elif kind in ("inline", "fence", "code_block"):
            if kind == "inline":
                content = _inline_text(token.children or [], parser.normalizeLinkText)
            else:
                content = token.content.strip("\n")
            if row is not None:
                row.append(content)
            elif content.strip():
                blocks.append((heading, prefix + content))
                prefix = ""
    return blocks


def _int_or(raw: object, default: int) -> int:
    try:
        return int(str(raw))
    except ValueError:
        return default


def _inline_text(children: Sequence[Token], readable_url: Callable[[str], str]) -> str:
    """Inline Markdown as plain text: markers dropped, links as ``text (url)``."""
    parts: list[str] = []
    open_links: list[tuple[int, str]] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image":
            parts.append(_inline_text(child.children or [], readable_url) or child.content)
        elif kind == "html_inline" and _LINE_BREAK_TAG.fullmatch(child.content.strip()):
            parts.append(" ")
        elif kind == "link_open":
            open_links.append((len(parts), readable_url(str(child.attrGet("href") or ""))))
        elif kind == "link_close" and open_links:
            start, url = open_links.pop()
            label = "".join(parts[start:]).strip()
            if url and url not in (label, f"mailto:{label}"):
                parts.append(f" ({url})" if label else url)
    return " ".join("".join(parts).split())
