"""Screens and dialogs of the newsfold app."""
