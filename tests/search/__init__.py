"""
Search (reports/search): spellings, query syntax, the paywall, snippets and the index kept current.
"""
