"""`python -m qatfix` runs the command-line interface."""
from __future__ import annotations

import sys

from qatfix.cli.main import main

sys.exit(main())
