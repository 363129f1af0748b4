"""Reflex states — 系统管理 administration."""
