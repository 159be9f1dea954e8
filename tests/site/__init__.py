"""
The public site (reports/site): pages, feeds and sitemaps, a crawl of every link, query budgets per
page, and bad parameters or fuzzed input never making a 500.
"""
