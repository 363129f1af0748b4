"""Pages — 系统管理 administration."""
