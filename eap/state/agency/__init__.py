"""Reflex states — 统一中介服务 intermediary market."""
