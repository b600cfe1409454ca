"""The panes of the main window: details, citation report, citing statements."""
