"""
Media: the files reports carry (images, documents, archived sources; their models are in
reports.models.media). What a file is, told from its content (files), the desk's forms and inlines
for uploading them (forms, admin), the one view that answers every file once the access policy
lets its visitor read it (views), and the files no row names (sweep).

May import: reports.media, reports.models, reports.cache.privacy
"""
