"""EAP: engineering-construction-project approval management system (工程建设项目审批管理系统)."""
