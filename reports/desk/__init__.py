"""
The desk: what analysts and editors do to reports beyond the admin's own forms.

Holds a report's content as one value (content), the review of drafts and of changes to released
reports (review), the report form with its notes and quotes (forms), the history's compare and
restore (history) and the entities a text mentions (mentions). It may import the models, the
policy (reports.access) and the text rendering; no public surface imports it but the admin.
"""
