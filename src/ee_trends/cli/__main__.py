"""``python -m ee_trends.cli``: the ``ee-trends`` command."""

import sys

from ee_trends.cli import main

sys.exit(main())
