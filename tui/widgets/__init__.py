"""Widgets of the newsfold app, one per module."""
