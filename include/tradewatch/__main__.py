"""``python -m tradewatch`` runs the same CLI as the ``tradewatch`` console script."""

from tradewatch.cli import main

raise SystemExit(main())
