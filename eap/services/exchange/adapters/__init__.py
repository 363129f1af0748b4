"""Adapters to the province's other systems (seed §5.7), one module each: the 投资项目在线审批
监管平台 (``investment``), the 信用 service (``credit``). Each is off until its
``EAP_<NAME>_URL`` is set, and each goes through ``breaker`` (timeouts, retries with backoff,
a circuit breaker whose state every worker shares, the status the administrator sees)."""
