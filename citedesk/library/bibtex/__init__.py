"""Reading and writing BibTeX without losing a byte."""
