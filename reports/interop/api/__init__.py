"""
The read-only JSON API, versioned under /api/v1/: reports (with the report list's filters),
organizations, people, outlets and quotes, described by an OpenAPI schema at /api/v1/schema/.

Every response starts from the access policy: report lists show every published report's teaser
(title, summary, tags, entities) to everyone; a report's body, footnotes and quotes only to those
`report.is_readable_by(user)`; quotes only as `Quote.objects.readable_by(user)` gives them.
Anonymous callers get what the public gets; a token (`Authorization: Bearer <token>`) acts as its
user.
"""
