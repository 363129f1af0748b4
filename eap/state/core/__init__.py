"""Reflex states — shared: sign-in, home, inbox."""
