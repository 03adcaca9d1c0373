"""Sample articles bundled with newsfold and opened when it starts with no sources."""
