"""
Readers and their access (reports/subscriptions): subscriptions, institutions, seats, usage, follows
and alerts; logging in and out, the account page, password change and reset.
"""
