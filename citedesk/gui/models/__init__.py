"""Qt item models over the library's queries: the paper list, the sidebar, the statements."""
