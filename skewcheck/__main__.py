"""`python -m skewcheck`."""

from skewcheck.cli import app

app(prog_name="skewcheck")
