"""
What programs read (reports/interop): the JSON API and its OpenAPI contract, STIX bundles, CSV
downloads, and the archive's export and import.
"""
