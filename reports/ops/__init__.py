"""
Running the site: health checks, error pages, the request log, the client's address, backups,
login lockout's naming, and the middleware that shapes every answer (HEAD, the desk's second factor).

May import: reports.ops, reports.models
"""
