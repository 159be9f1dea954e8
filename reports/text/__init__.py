"""
Turning an analyst's Markdown into the HTML readers see (rendering).

May import: reports.text
"""
