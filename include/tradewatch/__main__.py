"""``python -m tradewatch`` runs the same CLI as the ``tradewatch`` console script."""

from tradewatch.cli import main

if __name__ == "__main__":  # analysis workers re-import the main module; they must not run it
    raise SystemExit(main())
