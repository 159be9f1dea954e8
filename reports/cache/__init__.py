"""
The cache: every way the site keeps what it made or read, and how it is forgotten.

pages (the page cache, the generations every change replaces, kept values and claims, what a
signed-in reader holds), content (pages kept per audience and kind of visitor), signed_in (the user
as kept, the sessions' cookie naming them), sessions (Django's cached_db read in the page's round
trip), near (each process's copy of what it read, kept exact by Redis), backends (the Redis client).
Used by the site's surfaces and middleware; never by the models or the access policy.

May import: reports.cache, reports.models, reports.ops.client
"""
