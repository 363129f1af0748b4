"""Efficiency supervision (审批效能督查, seed §5.3) and the provincial supervision centre (§5.5): 催办/督办/督察 alerts, anomalies, KPIs."""
