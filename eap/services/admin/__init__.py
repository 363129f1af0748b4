"""System administration (系统管理): accounts and sessions, the item catalogue and process configuration (流程配置), notices."""
