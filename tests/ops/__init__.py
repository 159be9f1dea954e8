"""
Running the site (reports/ops): production security, login lockout, request log, client address, outages,
backups, concurrency; the demo and corpus commands; the house rules (pinned dependencies, imports).
"""
