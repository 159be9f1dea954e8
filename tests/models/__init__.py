"""
The domain model (reports/models): its rules (slugs, footnotes, tiers, terms, publication), what the
access policy asks the database about a reader, and the indexes the public pages read reports through.
"""
