"""Pages — 网上办事大厅 online service hall."""
