"""CiteDesk: a reference manager that shows the statements citing each paper."""

__version__ = "0.1.0"
