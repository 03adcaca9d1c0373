"""A non-editable install must carry everything the app reads at run time."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_styles_samples_and_word_lists(tmp_path: Path) -> None:
    # Build from a copy: setuptools leaves build/ and *.egg-info beside the sources it builds.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".*", "build", "*.egg-info", "__pycache__", "tests"),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("newsfold-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_sources = {
        path.relative_to(ROOT).as_posix()
        for folder in ("reader", "tui")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped_sources <= names, sorted(shipped_sources - names)
    samples = {f"newsfold_seeds/{p.name}" for p in (ROOT / "seeds").glob("*.txt")}
    assert samples and samples <= names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "newsfold = tui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
