"""
The access matrix, the suite's spine: for every kind of visitor, gated text appears on every surface
(pages, profiles, print view, STIX, CSV, the API) exactly where the access policy lets them read it.
"""
