"""
The desk (reports/desk and the admin): group permissions, review before anything goes live, and the
analysts' workflow (revisions, previews, scheduling).
"""
