"""Entry point for `python -m citedesk`."""

from citedesk.cli import main

raise SystemExit(main())
