"""Changing the catalog from the chat: validated values, proposals, review, history, freshness."""
