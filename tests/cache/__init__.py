"""
The cache (reports/cache): the page and content caches, the signed-in user as kept, the near cache,
round trips per page, and several app servers sharing one cache.
"""
