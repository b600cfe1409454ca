"""Import and export formats: BibTeX, RIS, CSL-JSON, and any a plug-in adds (see `base.Format`)."""
