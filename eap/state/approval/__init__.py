"""Reflex states — 审批业务 window and department workbenches."""
