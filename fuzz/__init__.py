"""`make fuzz`: hostile inputs against the real command line (see fuzz/README.md); not part of `make test`."""
