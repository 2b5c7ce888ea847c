"""`python -m mlprep` runs the command-line entry point."""

from mlprep.cli import main

raise SystemExit(main())
