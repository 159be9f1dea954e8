"""
What programs and other tools read: the JSON API (api), STIX 2.1 bundles (stix), CSV downloads
(downloads, exports) and the archive export and import (archive). Every file starts from the access
policy on the models.

May import: reports.interop, reports.cache.privacy, reports.media.files, reports.models, reports.search, reports.site.forms, reports.text
"""
