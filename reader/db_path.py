"""Where the library file lives: ``NEWSFOLD_DB`` if set, else the platform's user data folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["DB_ENV_VAR", "DB_FILENAME", "default_db_path"]

DB_ENV_VAR = "NEWSFOLD_DB"
DB_FILENAME = "library.sqlite3"


def default_db_path(env: Mapping[str, str]) -> Path:
    """The library path for this environment; nothing is created (``Library.open`` does that)."""
    override = env.get(DB_ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    # Imported here so that importing the library costs nothing when the path is given.
    from platformdirs import user_data_path

    return user_data_path("newsfold", appauthor=False) / DB_FILENAME
