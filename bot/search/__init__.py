"""Multilingual search over the catalog: no `telegram` imports here."""
