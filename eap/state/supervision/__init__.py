"""Reflex states — 效能督查 supervision."""
