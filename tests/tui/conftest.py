"""Make every app test run alike anywhere: isolated dirs, no colour or theme overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

VARYING_ENVIRONMENT = (
    "NO_COLOR",
    "FORCE_COLOR",
    "TEXTUAL_THEME",
    "TEXTUAL_ANIMATIONS",
    "TEXTUAL_DEBUG",
    "TEXTUAL_DEVTOOLS_PORT",
    "COLUMNS",
    "LINES",
)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Config, data and cache dirs live in the test's tmp folder; colour and theme are defaults."""
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    for name in VARYING_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
