"""Files kept in PostgreSQL, behind Django's Storage API (issue 18, item 8).

Export files are written by a worker and fetched by a web process that may run on another
machine: nothing may live on a local disk. ``DatabaseStorage`` keeps a file as rows of
``CHUNK_SIZE`` bytes, written and read one chunk at a time, so a 100 MB export never sits in a
process's memory. It is one entry of ``STORAGES`` ("exports"): an S3-compatible store
(django-storages) can take its place by setting ``EXPORT_STORAGE_BACKEND``, with no code changed
(docs/deployment.md says why PostgreSQL is the default).
"""
