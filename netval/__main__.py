"""`python -m netval`: the same command line as the `netval` script."""

from netval.cli import main

main()
