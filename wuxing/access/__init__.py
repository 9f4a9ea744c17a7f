"""Who may do what: roles, account and password rules, login and its throttling (the audit log's
tables are `wuxing.metrics.audit`)."""
