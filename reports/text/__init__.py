"""
Turning an analyst's Markdown into the HTML readers see (rendering), and a report's full text as
its readers see it, with its quotes and notes (reading).

May import: reports.text
"""
