"""Three outlets running one wire story (one with a changed phrase), for snapshot tests."""

from __future__ import annotations

from pathlib import Path

from tui.app import make_app

WIRE_STORY = Path(__file__).resolve().parent / "data" / "wire_story.jsonl"

app = make_app([str(WIRE_STORY)])
