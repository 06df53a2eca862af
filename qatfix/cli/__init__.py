"""Command-line interface: one module per subcommand, dispatched by `main`."""
from __future__ import annotations
