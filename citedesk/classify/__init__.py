"""Classify citing statements (supporting, mentioning, contrasting, unclassified) and their sections, offline, in pure Python."""
