"""Command palette entries for every key of the app and its panes, read from their bindings."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from tui.screens.help import describe_action
from tui.widgets.key_hints import bindings_of

if TYPE_CHECKING:
    from tui.app import NewsfoldApp


def palette_commands(app: NewsfoldApp) -> Iterator[SystemCommand]:
    """One command per action, named as in the ``?`` screen, with its key in the help text."""
    seen: set[str] = {"quit", "show_help"}  # Textual's own commands cover these
    panes = [
        ("", app),
        ("List: ", app.article_list),
        ("Article: ", app.article_view),
        ("People & places: ", app.entity_panel),
    ]
    for prefix, node in panes:
        for binding in bindings_of(node):
            action = binding.action
            if binding.system or action in seen or action.startswith(("cursor_", "page_")):
                continue
            seen.add(action)
            key = app.get_key_display(binding)
            help_text = binding.tooltip or describe_action(binding)
            yield SystemCommand(
                f"{prefix}{describe_action(binding)}",
                f"{help_text} (key: {key})",
                partial(app.run_action, action, node),
            )
    yield SystemCommand(
        "Stories: reading one article marks the others read (toggle)",
        "When on, opening an article of a story marks every article of the story read",
        app.action_toggle_story_read,
    )
