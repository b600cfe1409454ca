"""The library: one SQLite file holding papers, their BibTeX and their citation data."""
