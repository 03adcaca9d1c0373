"""The app on the bundled seed article, for snapshot tests (``snap_compare`` imports ``app``)."""

from __future__ import annotations

from pathlib import Path

from tui.app import make_app

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_65b293f206ed6792.txt"

app = make_app([str(SEED)])
