"""
Readers and their access: granting subscriptions and joining institutions (services), follows and
e-mail alerts (alerts, views), institutions' usage reports (usage_reports), and what keeps accounts
safe (accounts: password reset and change).

May import: reports.subscriptions, reports.cache.privacy, reports.models, reports.ops
"""
