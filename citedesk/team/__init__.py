"""A shared library on PostgreSQL: the server's schema, what a local library sends and takes, and syncing."""
