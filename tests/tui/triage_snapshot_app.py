"""Six short articles with fixed dates, for snapshots of the list's marks and filters."""

from __future__ import annotations

from datetime import UTC, datetime

from tui_fakes import FakeLibrary

from reader.model import Article
from tui.app import make_app

TITLES = (
    "Council approves the harbour budget",
    "Storm closes the mountain pass",
    "Library opens on Sundays",
    "Ferry timetable changes in spring",
    "Local team wins the cup",
    "New cycle lanes for the old town",
)

ARTICLES = [
    Article(
        f"a{index}",
        title,
        (f"{title}.", f"More about item {index}."),
        source=("City Desk", "Mountain Post", "River Notes")[index % 3],
        published=datetime(2026, 11, 20 + index, tzinfo=UTC),
    )
    for index, title in enumerate(TITLES)
]

app = make_app(["feed"], services=FakeLibrary(ARTICLES).services())
