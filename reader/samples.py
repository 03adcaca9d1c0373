"""Where the bundled sample articles live once newsfold is installed."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

_SAMPLE_SUFFIXES = (".txt", ".md", ".jsonl")


def sample_paths() -> tuple[str, ...]:
    """Paths of the bundled sample articles, sorted, for ``load_sources``."""
    root = files("newsfold_seeds")
    with as_file(root) as folder:
        found = sorted(
            str(path) for path in Path(folder).iterdir() if path.suffix in _SAMPLE_SUFFIXES
        )
    return tuple(found)
