"""Turn the HTML of a feed item into paragraphs of plain text, in time linear in its length."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from reader.paragraphs import split_paragraphs

__all__ = ["html_to_paragraphs", "link_target", "text_to_paragraphs"]

BULLET = "\u2022 "
QUOTE_PREFIX = "> "

# The stdlib html.parser rescans the rest of the input for every unterminated construct
# ("<!--" repeated 80,000 times took 145 s on Python 3.11.7), so this module tokenises with
# str.find and anchored regexes that never look past the next ">".
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)([^>]*)>")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+))""", re.IGNORECASE)
_LOOKS_LIKE_MARKUP = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|!--)")
_URL_INVISIBLES = re.compile(r"[\x00-\x20\x7f]")

# Elements whose content is raw text up to their end tag; it is never shown.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "iframe", "noembed", "noframes"})
_RAW_TEXT_END = {
    name: re.compile(rf"</{name}(?=[\s/>])[^>]*>", re.IGNORECASE) for name in _RAW_TEXT
}
# Elements whose (parsed) content is not reading matter.
_HIDDEN = frozenset(
    {"svg", "math", "template", "object", "video", "audio", "canvas", "noscript", "select"}
)
_BLOCKS = frozenset(
    """
    address article aside body caption center dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup html legend main nav p section summary
    table tbody tfoot thead tr
    """.split()
)
_CELLS = frozenset({"td", "th"})
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_MAX_LINK_LENGTH = 2048
_MAX_NESTING_SHOWN = 8
# Deeper lists (junk, never real content) are counted but not remembered.
_MAX_LISTS_TRACKED = 64


def text_to_paragraphs(text: str) -> tuple[str, ...]:
    """Plain text as paragraphs: split on blank lines, whitespace inside each collapsed."""
    collapsed = (" ".join(paragraph.split()) for paragraph in split_paragraphs(text))
    return tuple(paragraph for paragraph in collapsed if paragraph)


def html_to_paragraphs(
    markup: str, *, base_url: str = "", number_links: bool = True
) -> tuple[str, ...]:
    """Readable paragraphs of an HTML fragment.

    Block elements and every ``<br>`` start a new paragraph; list items become "• item" (or
    "1. item") paragraphs, indented two spaces per nesting level; blockquote paragraphs start
    with "> ". Links to http(s) or mailto targets are numbered after their text ("report [1]")
    and listed as final "[1] https://..." paragraphs; relative links are resolved against
    ``base_url`` when it is given and dropped otherwise; ``number_links=False`` leaves links as
    plain text (for titles). Scripts, styles, iframes, media and comments are dropped, entities
    decoded, whitespace collapsed. Text without any tag is split into paragraphs on blank lines.
    Time is linear in the length of ``markup``, however broken it is.
    """
    if not _LOOKS_LIKE_MARKUP.search(markup):
        return text_to_paragraphs(html.unescape(markup))
    builder = _Builder(base_url=base_url, number_links=number_links)
    _tokenise(markup, builder)
    return builder.finish()


def link_target(href: str, *, base_url: str = "") -> str:
    """``href`` as an absolute http(s) or mailto URL, or "" when it is anything else."""
    url = _URL_INVISIBLES.sub("", html.unescape(href))
    if not url or len(url) > _MAX_LINK_LENGTH:
        return ""
    if base_url and not url.lower().startswith(_LINK_SCHEMES):
        url = _safe_urljoin(base_url, url)
    if not url.lower().startswith(_LINK_SCHEMES):
        return ""
    return url


def _safe_urljoin(base_url: str, url: str) -> str:
    try:
        return urljoin(base_url, url)
    except ValueError:  # e.g. an invalid IPv6 host in either URL
        return ""


def _tokenise(markup: str, builder: _Builder) -> None:
    """Feed ``markup``'s text and tags to ``builder``; every step moves forward."""
    last_tag_end = markup.rfind(">")
    position = 0
    length = len(markup)
    while position < length:
        start = markup.find("<", position)
        if start == -1 or start > last_tag_end:
            builder.text(markup[position:])
            return
        if start > position:
            builder.text(markup[position:start])
        if markup.startswith("<!--", start):
            end = markup.find("-->", start + 4)
            # An unterminated comment runs to the end, as in browsers.
            position = length if end == -1 else end + 3
            continue
        match = _TAG.match(markup, start)
        if match is None:
            if markup.startswith(("<!", "<?"), start):
                # Doctype, CDATA or processing instruction: nothing to read.
                position = markup.find(">", start) + 1
            else:
                builder.text("<")
                position = start + 1
            continue
        position = match.end()
        name = match.group(2).rsplit(":", 1)[-1].lower()
        if match.group(1):
            builder.end_tag(name)
        elif name in _RAW_TEXT:
            closing = _RAW_TEXT_END[name].search(markup, position)
            position = length if closing is None else closing.end()
        else:
            builder.start_tag(name, match.group(3))
            if match.group(3).rstrip().endswith("/"):
                builder.end_tag(name)


@dataclass
class _ListLevel:
    ordered: bool
    items: int = 0


@dataclass
class _Builder:
    """Paragraphs being assembled from a stream of tags and text."""

    base_url: str
    number_links: bool
    paragraphs: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    hidden_depth: int = 0
    pre_depth: int = 0
    quote_depth: int = 0
    lists: list[_ListLevel] = field(default_factory=list)
    untracked_lists: int = 0
    pending_marker: str = ""
    links: dict[str, int] = field(default_factory=dict)
    open_link: str = ""
    open_link_text: list[str] = field(default_factory=list)

    def text(self, raw: str) -> None:
        if self.hidden_depth:
            return
        decoded = html.unescape(raw)
        self.current.append(decoded)
        if self.open_link and len(self.open_link_text) < 64:
            self.open_link_text.append(decoded)

    def start_tag(self, name: str, attributes: str) -> None:
        if name in _HIDDEN:
            self.hidden_depth += 1
            return
        if self.hidden_depth:
            return
        if name in _BLOCKS or name in ("br", "hr"):
            self.flush()
        elif name in _CELLS:
            self.current.append(" ")
        elif name == "li":
            self.flush()
            self.pending_marker = self._list_marker()
        elif name in ("ul", "ol", "dir", "menu"):
            self.flush()
            if len(self.lists) < _MAX_LISTS_TRACKED:
                self.lists.append(_ListLevel(ordered=name == "ol"))
            else:
                self.untracked_lists += 1
        elif name == "blockquote":
            self.flush()
            self.quote_depth += 1
        elif name == "pre":
            self.flush()
            self.pre_depth += 1
        elif name == "a" and self.number_links:
            self._close_link()
            href = _HREF.search(attributes)
            if href is not None:
                value = next(group for group in href.groups() if group is not None)
                self.open_link = link_target(value, base_url=self.base_url)

    def end_tag(self, name: str) -> None:
        if name in _HIDDEN:
            self.hidden_depth = max(self.hidden_depth - 1, 0)
            return
        if self.hidden_depth:
            return
        if name in _BLOCKS or name == "br":
            self.flush()
        elif name == "li":
            self.flush()
            self.pending_marker = ""
        elif name in ("ul", "ol", "dir", "menu"):
            self.flush()
            self.pending_marker = ""
            if self.untracked_lists:
                self.untracked_lists -= 1
            elif self.lists:
                self.lists.pop()
        elif name == "blockquote":
            self.flush()
            self.quote_depth = max(self.quote_depth - 1, 0)
        elif name == "pre":
            self.flush()
            self.pre_depth = max(self.pre_depth - 1, 0)
        elif name == "a":
            self._close_link()

    def flush(self) -> None:
        """End the current paragraph (nothing is emitted when it holds no text)."""
        if not self.current:
            return
        text = "".join(self.current)
        self.current.clear()
        if self.pre_depth:
            lines = [line.rstrip() for line in text.expandtabs().split("\n")]
        else:
            lines = [" ".join(text.split())]
        prefix = QUOTE_PREFIX * min(self.quote_depth, _MAX_NESTING_SHOWN)
        for line in lines:
            if not line.strip():
                continue
            self.paragraphs.append(prefix + self.pending_marker + line)
            self.pending_marker = ""

    def finish(self) -> tuple[str, ...]:
        self._close_link()
        self.flush()
        listed = (f"[{number}] {url}" for url, number in self.links.items())
        return (*self.paragraphs, *listed)

    def _list_marker(self) -> str:
        if not self.lists:
            return BULLET
        level = self.lists[-1]
        level.items += 1
        indent = "  " * min(len(self.lists) - 1, _MAX_NESTING_SHOWN)
        return f"{indent}{level.items}. " if level.ordered else indent + BULLET

    def _close_link(self) -> None:
        url = self.open_link
        shown = " ".join("".join(self.open_link_text).split())
        self.open_link = ""
        self.open_link_text.clear()
        # A link without visible text, or whose text is its address, needs no number.
        if not url or not shown or shown in (url, url.removeprefix("mailto:")):
            return
        number = self.links.setdefault(url, len(self.links) + 1)
        self.current.append(f" [{number}]")
