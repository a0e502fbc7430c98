"""`python -m skewcheck`."""

from skewcheck.cli import entry

entry()
