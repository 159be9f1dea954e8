"""
The public site: pages (views), feeds, sitemaps, structured data, the list's filters (forms) and
what every template is given (context_processors). Each starts from the access policy.

May import: reports.site, reports.models, reports.cache, reports.search, reports.text
"""
