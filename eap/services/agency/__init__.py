"""Unified intermediary services (统一中介服务 / 中介超市, seed §5.4)."""
