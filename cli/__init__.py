"""`dal`, the command-line interface of the data-asset ledger (entry point: :mod:`cli.main`)."""
