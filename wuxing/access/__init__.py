"""Who may do what: accounts' login, throttling and the audit log."""
