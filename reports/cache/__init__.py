"""
The cache: every way the site keeps what it made or read, behind one seam.

store (the seam: the request's one round trip, generations and the changes that replace them,
entries, remembered values, claims), pages (public pages as anonymous visitors get them), content
(pages kept per audience and kind of visitor), results (search results kept per reader class),
readers (what a reader holds, institutions' networks, reader classes), signed_in (the user as
kept, the cookie naming them), sessions (Django's cached_db read in the request's round trip),
reads (gated reads claimed once), privacy (which responses shared caches may keep: decided there
alone), backends (Redis with each process's near copy, near; the disk cache of one server). Used by the site's surfaces and middleware; never by the models or the
access policy.

May import: reports.cache, reports.models, reports.ops.client
"""
