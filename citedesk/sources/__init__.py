"""Citation data from public scholarly APIs, each service a plug-in source (no Qt, no library access)."""
