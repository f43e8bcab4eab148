"""Paging (procedure §3, §5): page a role's holder, escalate to the deputy (職務代理人) and the next tier, and
stop the escalation when someone acknowledges."""
