"""Data display (数据展示, seed §5.6): the big screen and the project map."""
