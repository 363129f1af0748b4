"""Pages — 效能督查 supervision."""
