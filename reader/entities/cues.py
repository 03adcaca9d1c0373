"""Fixed word sets that mark a name as a person or a place by the words around it."""

from __future__ import annotations

# Verbs of saying next to a name mark a person ("Netanyahu said", "said Netanyahu").
REPORTING_VERBS = frozenset(
    {
        "said",
        "says",
        "told",
        "added",
        "asked",
        "wrote",
        "explained",
        "insisted",
        "noted",
        "argued",
        "stressed",
        "warned",
        "declared",
        "replied",
        "announced",
        "admitted",
        "urged",
        "denied",
        "claimed",
        "recalled",
        "quoted",
        "commented",
        "agreed",
        "acknowledged",
    }
)
DIRECTIONS = frozenset(
    {
        "North",
        "South",
        "East",
        "West",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Central",
        "Upper",
        "Lower",
        "Greater",
        "Northeast",
        "Northwest",
        "Southeast",
        "Southwest",
    }
)
# Last words that make a name a geographic feature: "Black Sea", "Silicon Valley".
GEOGRAPHIC_HEADS = frozenset(
    {
        "Sea",
        "Ocean",
        "Strait",
        "Straits",
        "River",
        "Lake",
        "Mountains",
        "Valley",
        "Island",
        "Islands",
        "Peninsula",
        "Desert",
        "Canal",
        "Basin",
        "Plateau",
        "Hills",
        "Delta",
        "Strip",
        "Heights",
    }
)
