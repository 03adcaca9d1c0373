"""newsfold's pure library: loading, folding, people and places; no Textual, no Rich."""
