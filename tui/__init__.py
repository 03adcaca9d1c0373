"""The newsfold terminal app, built with Textual on top of the pure ``reader`` library."""
