"""
The desk: what analysts and editors do to reports beyond the admin's own forms.

Holds a report's content as one value (content), the review of drafts and of changes to released
reports (review), the report form with its notes and quotes (forms), the history's compare and
restore (history) and the entities a text mentions (mentions). No public surface imports it: only
the admin's registration (reports.admin), the admin's home page tag and the history's signal do.

May import: reports.desk, reports.media, reports.models, reports.search.names, reports.text.rendering
"""
