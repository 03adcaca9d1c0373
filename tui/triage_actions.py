"""Keyboard triage: read, star, archive, undo, filter, mark all read, open and copy the link."""

from __future__ import annotations

import os
import shlex
import subprocess
import webbrowser
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported
from textual.binding import Binding, BindingType

from reader.sanitize import safe_text
from tui.list_model import FILTER_NAMES, next_filter

if TYPE_CHECKING:
    from reader.model import Article
    from tui.app import NewsfoldApp
    from tui.triage import Flag, FlagChange

TRIAGE_BINDINGS: list[BindingType] = [
    Binding("r", "toggle_read", "Read", tooltip="Mark read or unread"),
    Binding("s", "toggle_star", "Star", tooltip="Star or unstar"),
    Binding("a", "archive", "Archive", tooltip="Archive (or unarchive) and hide"),
    Binding("u", "undo", "Undo", show=False, tooltip="Undo the last triage action"),
    Binding("f", "cycle_filter", "Filter", tooltip="Show all, unread, starred or archived"),
    Binding("A", "mark_all_read", "All read", show=False, tooltip="Mark every shown article read"),
    Binding("o", "open_link", "Open link", show=False, tooltip="Open the link in the browser"),
    Binding("y", "copy_link", "Copy link", show=False, tooltip="Copy the link to the clipboard"),
]

SAFE_SCHEMES = ("http://", "https://", "mailto:")


def safe_link(url: str) -> str | None:
    """The link if it is http(s) or mailto and holds no control characters; else None."""
    url = url.strip()
    if not url.lower().startswith(SAFE_SCHEMES):
        return None
    if safe_text(url) != url or any(ch.isspace() for ch in url):
        return None
    return url


class TriageActions:
    """Actions behind the triage keys; mixed into the app, which owns the state they change."""

    def _target(self: NewsfoldApp) -> Article | None:
        """The article a triage key acts on: the one in the article pane when it has focus,
        else the one under the list's cursor."""
        if self.focused is self.article_view and self.article_view.article is not None:
            return self.article_view.article
        return self.article_list.highlighted

    def _triage_one(self: NewsfoldApp, flag: Flag, *, advance: bool = False) -> None:
        article = self._target()
        if article is None:
            return
        change = self.triage.toggle(flag, [article.id])
        self._after_change(change)
        if advance and self.focused is self.article_list:
            self.article_list.action_cursor_down()

    def _after_change(
        self: NewsfoldApp, change: FlagChange | None, *, undone: bool = False
    ) -> None:
        if change is None:
            return
        if change.flag == "archived":
            # Archiving hides at once; unarchiving brings back; read and star keep the rows.
            self.keep_shown -= change.ids
            if not self.patch_list(change):
                self.refresh_list(keep_cursor=True)
        else:
            self.keep_shown |= change.ids
            self.article_list.refresh_rows(change.ids)
        self._update_counts()
        prefix = "Undone: " if undone else ""
        self.set_status(f"{prefix}{change.label}" + ("" if undone else " · u to undo"))

    def action_toggle_read(self: NewsfoldApp) -> None:
        self._triage_one("read", advance=True)

    def action_toggle_star(self: NewsfoldApp) -> None:
        self._triage_one("starred")

    def action_archive(self: NewsfoldApp) -> None:
        self._triage_one("archived")

    def action_undo(self: NewsfoldApp) -> None:
        change = self.triage.undo()
        if change is None:
            self.set_status("Nothing to undo")
            return
        self._after_change(change, undone=True)

    def action_mark_all_read(self: NewsfoldApp) -> None:
        ids = [article.id for article in self.article_list.shown]
        change = self.triage.set("read", ids, True)
        if change is None:
            self.set_status("Every shown article is already read")
            return
        self._after_change(change)

    def action_cycle_filter(self: NewsfoldApp) -> None:
        self.list_filter = next_filter(self.list_filter)
        self.keep_shown = set()
        self.refresh_list(keep_cursor=True)
        self.set_status(f"Showing: {FILTER_NAMES[self.list_filter]}")

    def _target_link(self: NewsfoldApp) -> str | None:
        """The target article's link if it is safe to open; else says why and returns None."""
        article = self._target()
        if article is None:
            return None
        link = safe_link(article.url)
        if link is None:
            self._refuse_link(article)
        return link

    def action_open_link(self: NewsfoldApp) -> None:
        link = self._target_link()
        if link is None:
            return
        browser = os.environ.get("BROWSER", "")
        self.notify(f"Opening {link}", markup=False)
        if browser:
            # argv, never a shell: a hostile link is one argument, whatever it contains.
            argv = [*shlex.split(browser.split(os.pathsep)[0]), link]
            try:
                try:
                    # A console browser (lynx, w3m) needs the terminal: give it up meanwhile.
                    with self.suspend():
                        subprocess.run(argv, check=False)
                except SuspendNotSupported:
                    quiet = subprocess.DEVNULL
                    subprocess.run(argv, check=False, stdin=quiet, stdout=quiet, stderr=quiet)
            except (OSError, ValueError) as error:
                self.notify(f"Could not run $BROWSER: {error}", severity="error", markup=False)
            return
        if (
            not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
            and os.name == "posix"
        ):
            if not os.path.exists("/usr/bin/open"):  # macOS has a browser without $DISPLAY
                self.notify(
                    "No browser here: set $BROWSER, or press y to copy the link",
                    severity="warning",
                    markup=False,
                )
                return
        webbrowser.open(link, new=2)

    def action_copy_link(self: NewsfoldApp) -> None:
        link = self._target_link()
        if link is None:
            return
        # OSC 52: the terminal (even over SSH, and through tmux with set-clipboard) copies it.
        self.copy_to_clipboard(link)
        self.notify(f"Copied {link}", markup=False)

    def _refuse_link(self: NewsfoldApp, article: Article) -> None:
        if not article.url:
            self.notify("This article has no link", severity="warning", markup=False)
            return
        shown = safe_text(article.url)[:200]
        self.notify(
            f"Not opening {shown}: only http, https and mailto links open",
            severity="warning",
            markup=False,
        )
