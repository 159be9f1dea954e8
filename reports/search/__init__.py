"""
Search: the documents every report is indexed by, the query language, snippets and the folding of
names as the desk's sources spell them (names, which the models use to store folded names).

May import: reports.search, reports.models, reports.text
"""
