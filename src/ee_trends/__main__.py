"""``python -m ee_trends``: the ``ee-trends`` command (where the console script is not on PATH)."""

import sys

from ee_trends.cli import main

sys.exit(main())
