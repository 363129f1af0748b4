"""Pages — 数据展示 big screen."""
