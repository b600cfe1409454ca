"""Entry point for `python -m citedesk`."""

from citedesk.cli import main

if __name__ == "__main__":  # worker processes import this module again under another name
    raise SystemExit(main())
