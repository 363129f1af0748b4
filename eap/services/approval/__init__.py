"""Approval business (审批业务管理, seed §5.2): the BLZT engine, one-window intake, departments' handling, results."""
